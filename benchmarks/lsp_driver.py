"""A minimal LSP client for benchmarks: the real server process, spoken to over stdio.

Dependency-free (stdlib asyncio + json): Content-Length framing, requests matched to
responses by id, a queue of server notifications, and answers to the few requests a
server sends its client (workspace/configuration, client/registerCapability, ...).

Every message the client reads is stamped with `time.perf_counter()` as soon as its
body is read, so a latency is "bytes written by the client" -> "bytes of the answer
read by the client": what an editor feels, transport and JSON included.

Every wait has a timeout (`LspTimeout`); `close()` always ends the process (shutdown,
exit, then kill) and never hangs.

    async with await LspClient.spawn([sys.executable, "-m", "fz_lsp", "--stdio"]) as client:
        result = await client.request("initialize", {...})
"""

from __future__ import annotations

import asyncio
import atexit
import collections
import contextlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

_LIVE: set = set()  # server processes not yet reaped: killed at interpreter exit


@atexit.register
def _kill_leftovers() -> None:
    for proc in list(_LIVE):
        if proc.returncode is None:
            with contextlib.suppress(ProcessLookupError, OSError):
                proc.kill()


class LspTimeout(Exception):
    """The server did not answer within the allowed time."""


class LspServerGone(Exception):
    """The server process closed its output (crashed or exited)."""


class ResponseError(Exception):
    """A JSON-RPC error answer (e.g. -32601 method not found); `timed` has its round trip."""

    def __init__(self, code: int, message: str, data: Any = None, timed: Timed | None = None) -> None:
        super().__init__(code, message)
        self.code, self.message, self.data, self.timed = code, message, data, timed

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


@dataclass
class Notification:
    method: str
    params: Any
    received: float  # perf_counter when the body was read


@dataclass
class Timed:
    """A request's answer and its round trip."""

    result: Any
    sent: float
    received: float
    size: int = 0  # bytes of the response body
    error: ResponseError | None = None

    @property
    def ms(self) -> float:
        return (self.received - self.sent) * 1000.0


@dataclass
class _Pending:
    future: asyncio.Future
    sent: float = 0.0


@dataclass
class LspClient:
    process: asyncio.subprocess.Process
    stderr_file: Any
    spawned: float  # perf_counter just before the process was created
    server_requests: Callable[[str, Any], Any] | None = None
    _next_id: int = 0
    _pending: dict = field(default_factory=dict)
    _notifications: collections.deque = field(default_factory=collections.deque)
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)
    _reader: asyncio.Task | None = None
    _gone: BaseException | None = None
    _write_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _answering: set = field(default_factory=set)  # tasks answering server requests (held until done)
    received_messages: int = 0

    # -- life cycle -------------------------------------------------------------------

    @classmethod
    async def spawn(
        cls,
        command: Sequence[str],
        env: dict | None = None,
        cwd: str | None = None,
        server_requests: Callable[[str, Any], Any] | None = None,
    ) -> LspClient:
        """Start the server. `server_requests(method, params)` answers requests the
        server sends to the client (default: null for everything, [] per item for
        workspace/configuration)."""
        stderr_file = tempfile.TemporaryFile()  # noqa: SIM115 - the client's: close() closes it
        spawned = time.perf_counter()
        process = await asyncio.create_subprocess_exec(
            *command,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=stderr_file,
            env=env,
            cwd=cwd,
            limit=1 << 20,
        )
        _LIVE.add(process)
        client = cls(process=process, stderr_file=stderr_file, spawned=spawned, server_requests=server_requests)
        client._reader = asyncio.ensure_future(client._read_loop())
        return client

    async def __aenter__(self) -> LspClient:
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    @property
    def pid(self) -> int:
        return self.process.pid

    def stderr_tail(self, limit: int = 2000) -> str:
        try:
            self.stderr_file.seek(0, os.SEEK_END)
            size = self.stderr_file.tell()
            self.stderr_file.seek(max(0, size - limit))
            return self.stderr_file.read().decode("utf-8", "replace")
        except (OSError, ValueError):
            return ""

    async def close(self, timeout: float = 5.0) -> int | None:
        """shutdown + exit if the server is alive; kill it if it does not exit in time."""
        proc = self.process
        if proc.returncode is None and self._gone is None:
            try:
                await self.request("shutdown", None, timeout=timeout)
                await self.notify("exit", None)
            except Exception:
                pass
        if proc.returncode is None:
            try:
                await asyncio.wait_for(proc.wait(), timeout)
            except asyncio.TimeoutError:
                proc.kill()
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(proc.wait(), timeout)
        if proc.returncode is not None:
            _LIVE.discard(proc)
        if self._reader is not None and not self._reader.done():
            self._reader.cancel()
            with contextlib.suppress(BaseException):
                await self._reader
        with contextlib.suppress(OSError):
            self.stderr_file.close()
        return proc.returncode

    def kill(self) -> None:
        if self.process.returncode is None:
            self.process.kill()

    def cpu_seconds(self) -> float | None:
        """User + system CPU time the server process has used so far (None if unknown)."""
        try:
            with open(f"/proc/{self.pid}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return None

    # -- /proc ------------------------------------------------------------------------

    def proc_status(self) -> dict[str, int]:
        """VmHWM (peak RSS), VmRSS, ... of the server process, in KiB."""
        out: dict[str, int] = {}
        try:
            with open(f"/proc/{self.pid}/status", encoding="ascii", errors="replace") as f:
                for line in f:
                    key, _, value = line.partition(":")
                    if key.startswith("Vm") and value.strip().endswith("kB"):
                        out[key] = int(value.split()[0])
        except OSError:
            pass
        return out

    # -- wire -------------------------------------------------------------------------

    async def _write(self, message: dict) -> float:
        """Write one framed message; the perf_counter just before the write."""
        if self._gone is not None:
            raise LspServerGone(f"server is gone: {self._gone}")
        body = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        data = b"Content-Length: %d\r\n\r\n" % len(body) + body
        async with self._write_lock:
            sent = time.perf_counter()
            try:
                self.process.stdin.write(data)
                await self.process.stdin.drain()
            except (BrokenPipeError, ConnectionResetError) as err:
                raise LspServerGone(f"server closed its input: {err}") from None
        return sent

    async def _read_loop(self) -> None:
        reader = self.process.stdout
        try:
            while True:
                length = None
                while True:
                    line = await reader.readline()
                    if not line:
                        raise LspServerGone("server closed its output")
                    line = line.strip()
                    if not line:
                        if length is None:
                            continue
                        break
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value.strip())
                body = await reader.readexactly(length)
                received = time.perf_counter()
                self.received_messages += 1
                self._dispatch(json.loads(body), received, len(body))
        except asyncio.CancelledError:
            raise
        except BaseException as err:  # EOF, bad framing: fail every waiter
            self._gone = err if isinstance(err, Exception) else LspServerGone(str(err))
            for pending in self._pending.values():
                if not pending.future.done():
                    pending.future.set_exception(LspServerGone(f"server is gone: {err!r}"))
            self._arrived.set()

    def _dispatch(self, msg: dict, received: float, size: int) -> None:
        if "method" in msg and "id" in msg:
            task = asyncio.ensure_future(self._answer_server_request(msg))
            self._answering.add(task)
            task.add_done_callback(self._answering.discard)
        elif "method" in msg:
            self._notifications.append(Notification(msg["method"], msg.get("params"), received))
            self._arrived.set()
        else:
            pending = self._pending.pop(msg.get("id"), None)
            if pending is not None and not pending.future.done():
                pending.future.set_result((msg, received, size))

    async def _answer_server_request(self, msg: dict) -> None:
        method, params = msg["method"], msg.get("params")
        result: Any = None
        if self.server_requests is not None:
            result = self.server_requests(method, params)
        elif method == "workspace/configuration":
            result = [None for _ in (params or {}).get("items", [])]
        with contextlib.suppress(LspServerGone):
            await self._write({"jsonrpc": "2.0", "id": msg["id"], "result": result})

    # -- API --------------------------------------------------------------------------

    async def request_timed(self, method: str, params: Any, timeout: float = 30.0, check: bool = True) -> Timed:
        """Send a request; its result and round trip. Raises LspTimeout, and ResponseError
        for an error answer unless `check` is false (then `Timed.error` holds it)."""
        self._next_id += 1
        rid = self._next_id
        future = asyncio.get_running_loop().create_future()
        pending = self._pending[rid] = _Pending(future)
        message = {"jsonrpc": "2.0", "id": rid, "method": method}
        if params is not None:
            message["params"] = params
        pending.sent = await self._write(message)
        try:
            msg, received, size = await asyncio.wait_for(future, timeout)
        except asyncio.TimeoutError:
            self._pending.pop(rid, None)
            raise LspTimeout(f"{method}: no answer within {timeout:g} s") from None
        timed = Timed(msg.get("result"), pending.sent, received, size)
        if "error" in msg:
            err = msg["error"] or {}
            timed.error = ResponseError(err.get("code", 0), err.get("message", ""), err.get("data"), timed)
            if check:
                raise timed.error
        return timed

    async def request(self, method: str, params: Any, timeout: float = 30.0) -> Any:
        return (await self.request_timed(method, params, timeout)).result

    async def notify(self, method: str, params: Any) -> float:
        """Send a notification; the perf_counter just before it was written."""
        message = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        return await self._write(message)

    async def wait_notification(
        self, predicate: Callable[[Notification], bool], timeout: float = 30.0, describe: str = "notification"
    ) -> Notification:
        """The first queued or future notification matching `predicate` (consumed);
        notifications before it that do not match stay queued."""
        deadline = time.perf_counter() + timeout
        while True:
            for i, note in enumerate(self._notifications):
                if predicate(note):
                    del self._notifications[i]
                    return note
            if self._gone is not None:
                raise LspServerGone(f"server is gone while waiting for {describe}: {self._gone!r}")
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise LspTimeout(f"no {describe} within {timeout:g} s")
            self._arrived.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), remaining)

    async def change_and_wait(
        self, uri: str, version: int, changes: list[dict[str, Any]], timeout: float = 30.0
    ) -> tuple[float, Notification]:
        """Send one didChange (`version`, `changes`) and wait for the diagnostics of that
        version: (milliseconds from sending to their arrival, the publication)."""
        sent = await self.notify(
            "textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}
        )
        note = await self.wait_diagnostics(uri, version, timeout)
        return (note.received - sent) * 1000, note

    async def wait_diagnostics(self, uri: str, version: int | None, timeout: float = 30.0) -> Notification:
        """publishDiagnostics for `uri` carrying `version` (any version when None).
        Older publications for the uri are dropped on the way."""

        def match(note: Notification) -> bool:
            if note.method != "textDocument/publishDiagnostics" or (note.params or {}).get("uri") != uri:
                return False
            return version is None or note.params.get("version") == version

        note = await self.wait_notification(match, timeout, f"publishDiagnostics for {uri} version {version}")
        self.drop_notifications(
            lambda n: (
                n.method == "textDocument/publishDiagnostics"
                and (n.params or {}).get("uri") == uri
                and n.received <= note.received
            )
        )
        return note

    def drop_notifications(self, predicate: Callable[[Notification], bool] = lambda n: True) -> int:
        kept = [n for n in self._notifications if not predicate(n)]
        dropped = len(self._notifications) - len(kept)
        self._notifications.clear()
        self._notifications.extend(kept)
        return dropped


# -- text helpers (positions for the client side) -------------------------------------


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def end_position(text: str) -> dict:
    """LSP position (UTF-16) of the end of `text`, lines split at LF/CRLF/CR."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return {"line": len(lines) - 1, "character": utf16_len(lines[-1])}
