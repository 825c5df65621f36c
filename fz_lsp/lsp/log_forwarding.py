"""The server's log records go to the client as `window/logMessage`, at their own level.

Why: clients treat the server's standard error as a stream of errors (vscode-languageclient
writes every stderr line to its output channel as `[error]`), so the start-up line and
pygls's warnings must not go there. Standard error is kept for real failures.

Which records: fz-lsp's own (`fz_lsp.*`) from INFO up, every other logger's (pygls) from
WARNING up; a few pygls warnings about normal protocol races are dropped (`BENIGN`).
Where each goes:

* ERROR and CRITICAL: standard error, always. A failure with its traceback belongs in the
  server's own log, and a client that shows it as an error is right.
* below ERROR, while the session is live (from the `initialize` request, when the LSP
  allows logMessage, until `shutdown`): `window/logMessage` with WARNING -> Warning,
  INFO -> Info, DEBUG -> Log.
* below ERROR before `initialize`: held (up to HELD_RECORDS) and sent when the session
  starts; when it never starts, written to standard error as the process exits.
* below ERROR after `shutdown`, or when the client cannot be reached: standard error.

A record logged on another thread (the browser preview's HTTP server) is sent from the
event loop's thread. `install` is called once by the CLI before the server starts;
`session_started` / `session_ended` by the server's initialize / shutdown handlers.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import sys
import threading
from contextlib import AbstractContextManager
from typing import Any

from lsprotocol import types

import fz_lsp

OWN_LOGGER = "fz_lsp"
HELD_RECORDS = 200  # records kept before `initialize`; more go to standard error at once

# (logger, message template) of pygls warnings that describe normal protocol races: a
# client cancelling a request that has already been answered (VS Code does so all the time).
BENIGN = frozenset({("pygls.protocol.json_rpc", 'Cancel notification for unknown message id "%s"')})

MESSAGE_TYPES = (
    (logging.WARNING, types.MessageType.Warning),
    (logging.INFO, types.MessageType.Info),
)


def message_type(levelno: int) -> types.MessageType:
    """The LSP MessageType for a record below ERROR (DEBUG and below: Log)."""
    for threshold, kind in MESSAGE_TYPES:
        if levelno >= threshold:
            return kind
    return types.MessageType.Log


def wanted(record: logging.LogRecord) -> bool:
    """fz-lsp's records from INFO, others' from WARNING, minus the BENIGN ones."""
    own = record.name == OWN_LOGGER or record.name.startswith(OWN_LOGGER + ".")
    if record.levelno < (logging.INFO if own else logging.WARNING):
        return False
    return (record.name, record.msg) not in BENIGN


class _Formatter(logging.Formatter):
    """The message (and traceback); other loggers' records are prefixed with their name."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        own = record.name == OWN_LOGGER or record.name.startswith(OWN_LOGGER + ".")
        return text if own else f"{record.name}: {text}"


class ClientLogHandler(logging.Handler):
    """Routes records as described in the module docstring, for one server."""

    def __init__(self, server: Any, stream: Any = None) -> None:
        super().__init__(logging.DEBUG)
        self.server = server
        self.addFilter(wanted)
        self.setFormatter(_Formatter("%(message)s"))
        # standard error, looked up when written (tests and embedders may replace sys.stderr)
        self._stream = stream
        self._stderr_format = logging.Formatter("fz-lsp %(levelname)s %(name)s: %(message)s")
        self._held: list[logging.LogRecord] = []
        self._live = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None
        self._sending = threading.local()

    # -- session --------------------------------------------------------------

    def start(self) -> None:
        """The client can take log messages now: send what was held, in order."""
        try:
            self._loop = asyncio.get_running_loop()
        except RuntimeError:  # called outside the event loop: send from this thread
            self._loop = None
        self._loop_thread = threading.get_ident()
        with self._held_lock():
            held, self._held = self._held, []
            self._live = True
        for record in held:
            self._deliver(record)

    def stop(self) -> None:
        self._live = False

    def flush_held(self) -> None:
        """Write records still held (the session never started) to standard error."""
        with self._held_lock():
            held, self._held = self._held, []
        for record in held:
            self._to_stderr(record)

    # -- logging.Handler --------------------------------------------------------

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if record.levelno >= logging.ERROR or getattr(self._sending, "active", False):
                self._to_stderr(record)
                return
            with self._held_lock():
                live = self._live
                if not live and self._loop_thread is None and len(self._held) < HELD_RECORDS:
                    self._held.append(record)  # the session has not started yet
                    return
            if live:
                self._deliver(record)
            else:
                self._to_stderr(record)
        except Exception:
            self.handleError(record)

    # -- internals --------------------------------------------------------------

    def _held_lock(self) -> AbstractContextManager[Any]:
        lock = self.lock
        assert lock is not None
        return lock

    def _deliver(self, record: logging.LogRecord) -> None:
        loop = self._loop
        if loop is not None and threading.get_ident() != self._loop_thread:
            try:
                loop.call_soon_threadsafe(self._send, record)
            except RuntimeError:  # the loop is closed: the session is over
                self._to_stderr(record)
            return
        self._send(record)

    def _send(self, record: logging.LogRecord) -> None:
        if not self._live:
            self._to_stderr(record)
            return
        self._sending.active = True
        try:
            params = types.LogMessageParams(type=message_type(record.levelno), message=self.format(record))
            self.server.window_log_message(params)
        except Exception:  # no transport, a closed pipe: the record is not lost
            self._to_stderr(record)
        finally:
            self._sending.active = False

    def _to_stderr(self, record: logging.LogRecord) -> None:
        stream = self._stream if self._stream is not None else sys.stderr
        if stream is None:
            return
        try:
            stream.write(self._stderr_format.format(record) + "\n")
            stream.flush()
        except Exception:  # standard error itself is gone: nothing else to try
            pass


def _handlers(server: Any) -> list[ClientLogHandler]:
    return [h for h in logging.getLogger().handlers if isinstance(h, ClientLogHandler) and h.server is server]


def install(server: Any, stream: Any = None) -> ClientLogHandler:
    """Route log records through a ClientLogHandler for `server` (on the root logger, so
    pygls's records come too, and Python warnings as `py.warnings` records), let fz-lsp's
    INFO records through, and log the start-up line: version, interpreter and where
    fz_lsp was imported from."""
    for old in _handlers(server):
        logging.getLogger().removeHandler(old)
    handler = ClientLogHandler(server, stream)
    logging.getLogger().addHandler(handler)
    own = logging.getLogger(OWN_LOGGER)
    if own.getEffectiveLevel() > logging.INFO:
        own.setLevel(logging.INFO)
    logging.captureWarnings(True)  # Python warnings (a library's DeprecationWarning...) too
    atexit.register(handler.flush_held)
    logging.getLogger(__name__).info(
        "fz-lsp %s: Python %s (%s), fz_lsp from %s",
        fz_lsp.__version__,
        sys.version.split()[0],
        sys.executable,
        os.path.dirname(os.path.abspath(fz_lsp.__file__)),
    )
    return handler


def session_started(server: Any) -> None:
    """Called by the `initialize` handler: log messages may be sent from now on."""
    for handler in _handlers(server):
        handler.start()


def session_ended(server: Any) -> None:
    """Called by the `shutdown` handler: log records go to standard error from now on."""
    for handler in _handlers(server):
        handler.stop()
