"""`LspProcess`: a real fz-lsp process and a raw, synchronous JSON-RPC client for it (stdlib
only) that can send anything, well formed or not, and sees every byte the server writes; the
error codes, the capabilities of a plain client, and the parameters of every request fz-lsp
serves for a document. The reliability tests (protocol misuse, fuzzing, limits, isolation,
log messages, refused requests, preview security) drive the server with it."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from support.commands import SERVER_COMMAND, SERVER_ENV
from support.paths import ROOT

# JSON-RPC / LSP error codes
PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
SERVER_NOT_INITIALIZED = -32002
REQUEST_CANCELLED = -32800
CONTENT_MODIFIED = -32801
REQUEST_FAILED = -32803

DEFAULT_OPTIONS = {"flowzap": {"diagnostics": {"delayMs": 0}}}


def frame(payload: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(payload) + payload


class LspError(AssertionError):
    pass


class LspProcess:
    """A real fz-lsp process and a raw, synchronous JSON-RPC client for it.

    A reader thread parses what the server writes: responses are kept by id,
    notifications in order (`publications` per URI for publishDiagnostics). Requests
    the server sends (workspace/configuration, window/showDocument, ...) are answered
    with `null` unless `server_requests` has a handler. Standard error is drained
    into `stderr_text()` so the server can never block on a full pipe.
    """

    def __init__(self, command: list[str] | None = None, env: dict | None = None, cwd: Path | None = None):
        self.proc = subprocess.Popen(
            command or SERVER_COMMAND,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env or SERVER_ENV,
            cwd=str(cwd or ROOT),
        )
        self._ids = itertools.count(1)
        self._cond = threading.Condition()
        self._write_lock = threading.Lock()
        self.responses: dict[Any, dict] = {}
        self.notifications: list[dict] = []
        self.publications: dict[str, list[dict]] = {}
        self.server_requests: dict[str, Callable[[dict], Any]] = {}
        self.received_server_requests: list[dict] = []
        self._stderr = bytearray()
        self.eof = False
        self.protocol_errors: list[str] = []
        threading.Thread(target=self._read_stdout, daemon=True).start()
        self._stderr_reader = threading.Thread(target=self._read_stderr, daemon=True)
        self._stderr_reader.start()

    # -- transport -------------------------------------------------------------

    def _read_stdout(self) -> None:
        out = self.proc.stdout
        try:
            while True:
                length = None
                while True:
                    line = out.readline()
                    if not line:
                        return
                    if line in (b"\r\n", b"\n"):
                        break
                    name, _, value = line.decode("ascii").partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value.strip())
                if length is None:
                    self.protocol_errors.append("a message without Content-Length")
                    continue
                body = out.read(length)
                if len(body) < length:
                    return
                try:
                    message = json.loads(body.decode("utf-8"))
                except ValueError as err:
                    self.protocol_errors.append(f"unreadable message from the server: {err}: {body[:200]!r}")
                    continue
                self._dispatch(message)
        finally:
            with self._cond:
                self.eof = True
                self._cond.notify_all()

    def _dispatch(self, message: dict) -> None:
        if "method" in message and "id" in message:  # a request from the server
            with self._cond:
                self.received_server_requests.append(message)
                self._cond.notify_all()
            handler = self.server_requests.get(message["method"])
            try:
                result = handler(message) if handler else None
                if result is NO_ANSWER:
                    return
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": result})
            except OSError:
                pass
            return
        with self._cond:
            if "method" in message:
                self.notifications.append(message)
                if message["method"] == "textDocument/publishDiagnostics":
                    params = message["params"]
                    self.publications.setdefault(params["uri"], []).append(params)
            else:
                self.responses[message.get("id")] = message
            self._cond.notify_all()

    def _read_stderr(self) -> None:
        while True:
            chunk = self.proc.stderr.read1(65536) if hasattr(self.proc.stderr, "read1") else self.proc.stderr.read(4096)
            if not chunk:
                return
            self._stderr += chunk
            if len(self._stderr) > 4_000_000:  # keep the tail only
                del self._stderr[: len(self._stderr) - 2_000_000]

    def stderr_text(self) -> str:
        return bytes(self._stderr).decode("utf-8", "replace")

    def all_stderr(self, timeout: float = 30) -> str:
        """Everything the server wrote to standard error, once it has exited."""
        self.proc.wait(timeout)
        self._stderr_reader.join(timeout)
        return self.stderr_text()

    def send_bytes(self, data: bytes) -> None:
        with self._write_lock:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()

    def send(self, message: Any) -> None:
        self.send_bytes(frame(json.dumps(message).encode("utf-8")))

    # -- JSON-RPC ----------------------------------------------------------------

    def alive(self) -> bool:
        return self.proc.poll() is None

    def request_async(self, method: str, params: Any = None, *, msg_id: Any = None) -> Any:
        msg_id = next(self._ids) if msg_id is None else msg_id
        message = {"jsonrpc": "2.0", "id": msg_id, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        return msg_id

    def wait(self, predicate: Callable[[], Any], timeout: float, what: str) -> Any:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = predicate()
                if found:
                    return found
                if self.eof:
                    raise LspError(f"the server closed its output while waiting for {what}\n{self.stderr_tail()}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise LspError(f"no {what} within {timeout}s\n{self.stderr_tail()}")
                self._cond.wait(min(left, 0.5))

    def response(self, msg_id: Any, timeout: float = 30) -> dict:
        return self.wait(lambda: self.responses.pop(msg_id, None), timeout, f"response to request {msg_id!r}")

    def call(self, method: str, params: Any = None, timeout: float = 30) -> dict:
        """Send a request and return the whole response message (result or error)."""
        return self.response(self.request_async(method, params), timeout)

    def result(self, method: str, params: Any = None, timeout: float = 30) -> Any:
        """Send a request and return its result (fails on an error response)."""
        message = self.call(method, params, timeout)
        if "error" in message:
            raise LspError(f"{method} failed: {message['error']}")
        return message.get("result")

    def notify(self, method: str, params: Any = None) -> None:
        message = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)

    def stderr_tail(self, size: int = 6000) -> str:
        text = self.stderr_text()
        return "server stderr (tail):\n" + text[-size:] if text else "(server stderr is empty)"

    # -- LSP conveniences ----------------------------------------------------------

    def initialize(
        self, options: Any = DEFAULT_OPTIONS, encodings: list[str] | None = None, capabilities: dict | None = None
    ) -> dict:
        caps = capabilities if capabilities is not None else default_capabilities()
        if encodings:
            caps = {**caps, "general": {"positionEncodings": encodings}}
        result = self.result(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": ROOT.as_uri(),
                "capabilities": caps,
                "initializationOptions": options,
            },
        )
        self.notify("initialized", {})
        self.capabilities = result["capabilities"]
        return result

    def open(self, uri: str, text: str, version: int = 1, language: str = "flowzap") -> None:
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": language, "version": version, "text": text}},
        )

    def change(self, uri: str, version: int, changes: list[dict]) -> None:
        self.notify(
            "textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}
        )

    def close(self, uri: str) -> None:
        self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})

    def diagnostics(self, uri: str, version: Any, timeout: float = 30) -> list[dict]:
        """The diagnostics published for `uri` at `version` (the first such publication)."""

        def find():
            for params in self.publications.get(uri, []):
                if params.get("version") == version:
                    return params
            return None

        return self.wait(find, timeout, f"diagnostics for {uri} version {version}")["diagnostics"]

    def latest_diagnostics(self, uri: str) -> dict | None:
        with self._cond:
            found = self.publications.get(uri)
            return found[-1] if found else None

    def shutdown_and_exit(self, timeout: float = 30) -> int:
        self.result("shutdown", None, timeout)
        self.notify("exit")
        return self.wait_exit(timeout)

    def wait_exit(self, timeout: float = 30) -> int:
        try:
            return self.proc.wait(timeout)
        finally:
            self._close_pipes()

    def kill(self) -> None:
        if self.alive():
            self.proc.kill()
            self.proc.wait(10)
        self._close_pipes()

    def _close_pipes(self) -> None:
        with contextlib.suppress(OSError):
            self.proc.stdin.close()


def default_capabilities() -> dict:
    return {
        "general": {"positionEncodings": ["utf-16"]},
        "workspace": {"configuration": False, "workspaceEdit": {"documentChanges": True}},
        "textDocument": {
            "publishDiagnostics": {"relatedInformation": True, "versionSupport": True},
            "completion": {
                "completionItem": {"snippetSupport": True, "documentationFormat": ["markdown", "plaintext"]}
            },
            "hover": {"contentFormat": ["markdown", "plaintext"]},
        },
    }


def position(line: int, character: int) -> dict:
    return {"line": line, "character": character}


def text_position(uri: str, line: int, character: int) -> dict:
    return {"textDocument": {"uri": uri}, "position": position(line, character)}


def whole(uri: str) -> dict:
    return {"textDocument": {"uri": uri}}


def range_(sl: int, sc: int, el: int, ec: int) -> dict:
    return {"start": position(sl, sc), "end": position(el, ec)}


# Every request fz-lsp may serve, with parameters for (uri, line, character).
def request_params(method: str, uri: str, line: int, character: int) -> Any:
    at = text_position(uri, line, character)
    r = range_(line, character, line, character)
    return {
        "textDocument/completion": at,
        "textDocument/hover": at,
        "textDocument/definition": at,
        "textDocument/references": {**at, "context": {"includeDeclaration": True}},
        "textDocument/documentHighlight": at,
        "textDocument/documentSymbol": whole(uri),
        "textDocument/foldingRange": whole(uri),
        "textDocument/selectionRange": {**whole(uri), "positions": [position(line, character)]},
        "textDocument/prepareRename": at,
        "textDocument/rename": {**at, "newName": "n42"},
        "textDocument/formatting": {**whole(uri), "options": {"tabSize": 4, "insertSpaces": True}},
        "textDocument/rangeFormatting": {
            **whole(uri),
            "range": range_(0, 0, line, character),
            "options": {"tabSize": 4, "insertSpaces": True},
        },
        "textDocument/codeAction": {**whole(uri), "range": r, "context": {"diagnostics": []}},
        "textDocument/semanticTokens/full": whole(uri),
        "textDocument/semanticTokens/range": {**whole(uri), "range": range_(0, 0, line, character)},
        "textDocument/inlayHint": {**whole(uri), "range": range_(0, 0, line + 1, 0)},
        "workspace/executeCommand": {"command": "flowzap.preview", "arguments": [{"uri": uri, "view": "workflow"}]},
    }[method]


DOCUMENT_REQUESTS = [
    "textDocument/completion",
    "textDocument/hover",
    "textDocument/definition",
    "textDocument/references",
    "textDocument/documentHighlight",
    "textDocument/documentSymbol",
    "textDocument/foldingRange",
    "textDocument/selectionRange",
    "textDocument/prepareRename",
    "textDocument/rename",
    "textDocument/formatting",
    "textDocument/rangeFormatting",
    "textDocument/codeAction",
    "textDocument/semanticTokens/full",
    "textDocument/semanticTokens/range",
    "textDocument/inlayHint",
    "workspace/executeCommand",
]

GOOD = """Developer { # Developer
n1: circle label:"Code Change"
n2: rectangle label:"Git Push"
n1.handle(right) -> n2.handle(left)
n2.handle(bottom) -> CICD.n3.handle(top) [label="Trigger"]
}
CICD { # CI/CD
n3: rectangle label:"Run Tests"
loop [until green] n2 n3
}
"""


NO_ANSWER = object()  # a server_requests handler returning this leaves the request unanswered


def assert_answer(message: dict, allowed_errors=(INVALID_PARAMS, METHOD_NOT_FOUND, REQUEST_FAILED)) -> None:
    """A result, or a JSON-RPC error with a code in `allowed_errors` and a message."""
    assert message.get("jsonrpc") == "2.0", message
    if "error" in message:
        error = message["error"]
        assert isinstance(error.get("code"), int) and isinstance(error.get("message"), str) and error["message"], (
            message
        )
        assert error["code"] in allowed_errors, message
    else:
        assert "result" in message, message
