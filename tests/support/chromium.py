"""Headless Chromium for the tests: where it is (`find_chromium`), the flags it runs with,
`Browser` (a minimal Chrome DevTools Protocol client over --remote-debugging-pipe, stdlib
only, every wait bounded by a timeout), `screenshot` (Chromium's own --screenshot, decoded by
support/png_pixels.py). The `chromium` and `browser_factory` fixtures
(conftest.py) hand them to the tests; the architecture benchmark takes its screenshots here."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

from support.png_pixels import decode_png

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--mute-audio",
]
TIMEOUT = 60.0


def find_chromium() -> str | None:
    """$FZ_CHROMIUM, else /usr/bin/chromium, else `chromium` or `chromium-browser` on the PATH."""
    candidates = [
        os.environ.get("FZ_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ]
    return next((c for c in candidates if c and Path(c).is_file()), None)


# ---------------------------------------------------------------------------
# A minimal Chrome DevTools Protocol client over --remote-debugging-pipe


class Browser:
    def __init__(self, chromium: str, profile: Path, width: int, height: int) -> None:
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire_pipes() -> None:  # in the child: commands on fd 3, replies on fd 4
            commands, replies = os.dup(to_browser_r), os.dup(from_browser_w)
            os.dup2(commands, 3)
            os.dup2(replies, 4)

        self.process = subprocess.Popen(
            [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=False,
            preexec_fn=wire_pipes,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._next_id = 0
        self._replies: dict[int, dict] = {}
        self._arrived = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            self.session,
        )

    def _read(self) -> None:
        buffer = b""
        while True:
            try:
                chunk = os.read(self._from_browser, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                with self._arrived:
                    self._replies[-1] = {"error": {"message": "browser closed the pipe"}}
                    self._arrived.notify_all()
                return
            buffer += chunk
            *messages, buffer = buffer.split(b"\0")
            for raw in messages:
                message = json.loads(raw)
                if "id" in message:
                    with self._arrived:
                        self._replies[message["id"]] = message
                        self._arrived.notify_all()

    def call(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self._next_id += 1
        request: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            request["sessionId"] = session
        os.write(self._to_browser, json.dumps(request).encode("utf-8") + b"\0")
        deadline = time.monotonic() + TIMEOUT
        with self._arrived:
            while self._next_id not in self._replies and -1 not in self._replies:
                remaining = deadline - time.monotonic()
                assert remaining > 0, f"no reply to {method} within {TIMEOUT}s"
                self._arrived.wait(remaining)
            reply = self._replies.pop(self._next_id, None) or self._replies[-1]
        assert "error" not in reply, f"{method}: {reply['error']}"
        return reply["result"]

    def evaluate(self, expression: str) -> Any:
        result = self.call(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True}, self.session
        )
        assert "exceptionDetails" not in result, result["exceptionDetails"]
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 15.0) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            assert time.monotonic() < deadline, f"timed out waiting for: {expression}"
            time.sleep(0.05)

    def load(self, url: str) -> None:
        self.call("Page.navigate", {"url": url}, self.session)
        self.wait_for(f"document.readyState === 'complete' && location.href === {json.dumps(url)}")

    def close(self) -> None:
        try:
            os.write(self._to_browser, json.dumps({"id": 0, "method": "Browser.close"}).encode() + b"\0")
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait(timeout=10)
        finally:
            os.close(self._to_browser)


def screenshot(
    chromium: str, url: str, shot: Path, width: int, height: int, profile: Path
) -> tuple[int, int, list[bytes]]:
    shot.unlink(missing_ok=True)
    subprocess.run(
        [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--screenshot={shot}",
            f"--window-size={width},{height}",
            url,
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=TIMEOUT,
        check=True,
    )
    return decode_png(shot.read_bytes())
