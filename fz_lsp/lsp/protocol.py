"""JSON-RPC as fz-lsp speaks it: pygls's protocol, hardened, with fz-lsp's own text sync.

- Text sync: `FlowZapProtocol` keeps fz-lsp's `Document` per URI (in the session,
  fz_lsp.lsp.session) instead of pygls's workspace copy and applies each incremental edit to
  it, so a keystroke re-parses only the changed lines and line splitting follows LSP (LF,
  CRLF, CR) exactly; the handlers registered for didOpen/didChange/didClose run after.
- A misbehaving client's life made predictable (pygls alone leaves these unanswered): a
  request whose params do not match the LSP types gets InvalidParams, a request after
  `shutdown` InvalidRequest, a malformed answer to one of our requests fails that request,
  and a message that is not JSON-RPC 2.0 is logged and dropped.
- pygls's bookkeeping of finished messages dropped (see `_forget_when_done`), and requests
  refused on purpose logged as one warning line (`_RefusedRequests`).

May import: pygls, lsprotocol (the session, fz_lsp.lsp.session, for its type only).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams, JsonRpcInvalidRequest
from pygls.protocol.language_server import LanguageServerProtocol, lsp_method

if TYPE_CHECKING:
    from fz_lsp.lsp.session import FlowZapServer

log = logging.getLogger(__name__)


class _RefusedRequests(logging.Filter):
    """pygls logs every error a handler raises with its traceback, as an ERROR. A request
    refused on purpose (a document that is not open, bad arguments, a rename refused:
    InvalidParams, InvalidRequest, RequestFailed) is the client's business, not a failure of
    the server: it becomes one WARNING line (sent as window/logMessage), with no traceback."""

    REFUSALS = frozenset({-32602, -32600, -32803})

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, JsonRpcException) and exc.code in self.REFUSALS:
            record.msg = "request %s refused: %s"
            record.args = (record.args[0] if isinstance(record.args, tuple) and record.args else "?", exc.message)
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info, record.exc_text = None, None
        return True


logging.getLogger("pygls.protocol.json_rpc").addFilter(_RefusedRequests())


class _Unreadable:
    """A message whose params do not fit the LSP types (see FlowZapProtocol.structure_message)."""

    def __init__(self, data: dict, reason: str) -> None:
        msg_id = data.get("id")
        self.is_request = "id" in data
        self.id = msg_id if isinstance(msg_id, (int, str)) and not isinstance(msg_id, bool) else None
        self.method = data.get("method")
        self.reason = reason


def _invalid_params_reason(error: BaseException) -> str:
    cause = error.__cause__
    try:
        from cattrs import transform_error

        return "; ".join(transform_error(cause)) if cause is not None else str(error)
    except Exception:  # an unexpected error shape: its text is good enough
        return str(cause or error)


class FlowZapProtocol(LanguageServerProtocol):
    """Document sync that keeps fz-lsp's own `Document`s instead of pygls's workspace copies.

    Also makes a misbehaving client's life predictable (pygls alone leaves these unanswered):
    a request whose params do not match the LSP types gets an InvalidParams error, a
    request after `shutdown` an InvalidRequest error, and a message that is not JSON-RPC
    2.0 is logged and dropped (no error pop-up).
    """

    _server: FlowZapServer

    def structure_message(self, data):
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            if isinstance(data, dict) and "method" in data:
                return _Unreadable(data, _invalid_params_reason(error))
            if isinstance(data, dict) and isinstance(data.get("id"), (int, str)):
                # a malformed answer to one of our requests: fail that request instead of
                # leaving it waiting forever
                reason = _invalid_params_reason(error)
                log.warning("malformed response from the client to request %r: %s", data["id"], reason)
                text = self._server.tr._("malformed response from the client: {reason}", reason=reason)
                return types.ResponseErrorMessage(
                    id=data["id"], error=types.ResponseError(code=error.code, message=f"fz-lsp: {text}")
                )
            raise

    def handle_message(self, message) -> None:
        if isinstance(message, _Unreadable):
            log.warning("invalid params for %r: %s", message.method, message.reason)
            if message.is_request:
                text = self._server.tr._(
                    "invalid params for {method}: {reason}", method=message.method, reason=message.reason
                )
                error = JsonRpcInvalidParams(f"fz-lsp: {text}")
                # an id that is no int or string is answered with null (JSON-RPC 2.0, 5.1), which
                # ResponseErrorMessage takes; pygls's signature names only the ids it expects
                self._send_response(message.id, error=error.to_response_error())  # type: ignore[arg-type]
            return
        if getattr(message, "jsonrpc", None) != "2.0":
            log.warning("ignoring a message that is not JSON-RPC 2.0: %.200r", message)
            return
        method = getattr(message, "method", None)
        if self._shutdown and method is not None and method != types.EXIT and getattr(message, "id", None) is not None:
            text = self._server.tr._("the server is shutting down; {method} refused", method=method)
            refusal = JsonRpcInvalidRequest(f"fz-lsp: {text}")
            self._send_response(message.id, error=refusal.to_response_error())
            return
        super().handle_message(message)

    # -- pygls's bookkeeping of finished messages ---------------------------------------
    # pygls 2.1 keeps a future per running message in `_request_futures` and forgets it
    # only when a request is answered. A notification run by a generator handler (didOpen,
    # didChange, didClose: one per keystroke), a coroutine that such a handler yields
    # (workspace/executeCommand of an async command) and a request the server sent and
    # then gave up waiting for (an unanswered window/showDocument, with its entry in
    # `_result_types`) would stay there for the life of the process.

    def _execute_handler(self, msg_id, handler, callback, args=None, kwargs=None):
        super()._execute_handler(msg_id, handler, callback, args, kwargs)
        future = self._request_futures.get(msg_id)
        if future is not None:  # not answered yet, or a notification's
            self._forget_when_done(msg_id, future)

    def send_request(self, method, params=None, callback=None, msg_id=None):
        msg_id = str(uuid.uuid4()) if msg_id is None else msg_id
        future = super().send_request(method, params, callback, msg_id)
        self._forget_when_done(msg_id, future, sent=True)
        return future

    def _forget_when_done(self, msg_id, future, sent: bool = False) -> None:
        """Drop `msg_id`'s entries once `future` is done (answered, failed or cancelled)."""

        def forget() -> None:
            if self._request_futures.get(msg_id) is future:
                del self._request_futures[msg_id]
            if sent and future.cancelled():  # given up: an answer can no longer be structured by it
                self._result_types.pop(msg_id, None)

        if future.done():
            forget()
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (in-process use)
            future.add_done_callback(lambda _: forget())
            return
        # later, from the loop: a future may finish while pygls iterates over the futures (shutdown)
        future.add_done_callback(lambda _: loop.call_soon_threadsafe(forget))

    @lsp_method(types.EXIT)
    def lsp_exit(self, *args):
        self._server.exit_code = 0 if self._shutdown else 1  # LSP: exit without shutdown is 1
        if getattr(self._server, "_server", None) is None:  # stdio: pygls ends the process
            yield from super().lsp_exit(*args)
            return
        # on TCP, pygls's sys.exit would be raised inside the connection's task, and asyncio
        # prints it as a 39-line traceback: stop serving instead, and start_tcp returns
        if self.writer is not None:
            self.writer.close()
        self._server.shutdown()

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams):
        item = params.text_document
        self._server.open_document(item.uri, item.text, item.version)
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams):
        server = self._server
        doc = server.documents.get(params.text_document.uri)
        if doc is None:
            log.warning("didChange for a document that is not open: %s", params.text_document.uri)
            return
        for change in params.content_changes:
            if isinstance(change, types.TextDocumentContentChangePartial):
                conv = server.converter(doc)
                doc.replace(conv.code_point(change.range.start), conv.code_point(change.range.end), change.text)
            else:
                doc.set_text(change.text)
        doc.version = params.text_document.version
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams):
        self._server.close_document(params.text_document.uri)
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None
