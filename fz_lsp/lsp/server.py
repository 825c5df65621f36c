"""The protocol layer: wires the pure analysis to LSP with pygls.

Nothing here analyses FlowZap: handlers find the document, convert positions (through
fz_lsp.lsp.convert), call a pure function and convert its answer back.

Text sync is ours, not pygls's workspace: `FlowZapProtocol` keeps a `Document` per URI
and applies incremental edits to it, so a keystroke re-parses only the changed lines
and line splitting follows LSP (LF, CRLF, CR) exactly.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import gc
import logging
import sys
import uuid
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams, JsonRpcInvalidRequest
from pygls.lsp.server import LanguageServer
from pygls.protocol.language_server import LanguageServerProtocol, lsp_method

from fz_lsp import __version__
from fz_lsp.analysis.document import Document, collector_paused
from fz_lsp.analysis.settings import Settings
from fz_lsp.analysis.views import THEMES, VIEWS
from fz_lsp.base import i18n
from fz_lsp.diagnostics import check as check_diagnostics, most_severe
from fz_lsp.lsp import log_forwarding
from fz_lsp.lsp.convert import Converter

log = logging.getLogger(__name__)

LARGE_DOCUMENT_LINES = 5_000  # from here on, a model is frozen out of the garbage collector
RELEASE_DELAY_S = 2.0  # after closing a large document, collect it this much later


# Graceful degradation for very large documents (README, "Reliability").
MAX_PUBLISHED_DIAGNOSTICS = 1000  # more are cut (errors kept first) and the user is told once
LARGE_DOCUMENT_CHARS = 3_000_000  # above this (60x FlowZap's own limit), diagnostics wait for a pause in typing ...
LARGE_DOCUMENT_DELAY_MS = 500  # ... of at least this long (whatever flowzap.diagnostics.delayMs says)

IDLE_TRIM_S = 1.0  # this long after the last publish or close, freed heap memory goes back to the system


def _c_malloc_trim():
    """glibc's malloc_trim, or None (macOS, Windows, musl). The C allocator keeps the memory
    Python frees in large blocks (a preview's SVG, a closed document's text) for reuse and
    counted in the process's resident memory; malloc_trim(0) hands it back (about 1 ms)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        trim = ctypes.CDLL(None).malloc_trim  # the C library the process runs on
    except (OSError, AttributeError):
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


_MALLOC_TRIM = _c_malloc_trim()


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


def _name(uri: str) -> str:
    return uri.rstrip("/").rsplit("/", 1)[-1] or uri


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


class FlowZapServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("fz-lsp", __version__, protocol_cls=FlowZapProtocol)
        self.documents: dict[str, Document] = {}
        self.settings = Settings()
        self.encoding = types.PositionEncodingKind.Utf16.value
        self._pending: dict[str, asyncio.Task] = {}
        self._browser = None  # BrowserPreviewServer, started by the first browser preview
        self._clicks: set[asyncio.Task] = set()  # browser preview clicks being shown (show_source)
        self.large_documents: set[str] = set()  # URIs whose models were frozen out of the GC
        self._release_due = False  # a closed large document waits for collect_released
        self.exit_code = 0  # set by the `exit` notification
        self._said: dict[str, set[str]] = {}  # uri -> topics already shown to the user (say_once)
        self._trim: asyncio.TimerHandle | None = None  # trim_when_idle's pending malloc_trim
        self.client_locale: str | None = None  # initialize's `locale`
        self.process_language: str | None = None  # `fz-lsp --lang`; None: the environment's

    def start_io(self, stdin=None, stdout=None) -> None:
        super().start_io(stdin, stdout)
        if self.exit_code:  # pygls swallows the SystemExit of `exit`: pass its code on
            sys.exit(self.exit_code)

    def start_tcp(self, host: str, port: int) -> None:
        super().start_tcp(host, port)
        if self.exit_code:  # `exit` without `shutdown` (FlowZapProtocol.lsp_exit)
            sys.exit(self.exit_code)

    # -- helpers used by every handler ---------------------------------------

    @property
    def tr(self) -> i18n.Translator:
        """Messages in the user's language (settings.locale, resolved by `resolved`)."""
        return i18n.translator(self.settings.locale)

    def resolved(self, settings: Settings) -> Settings:
        """`settings` with `locale` the language it stands for: flowzap.locale unless it is
        `auto`, else initialize's `locale`, else the process's (`--lang`, else LANGUAGE,
        LC_ALL, LC_MESSAGES, LANG). Features then read one language from the settings, and
        diagnostics cached per Settings follow a change of language."""
        fallback = self.process_language or i18n.environment_language()
        language = i18n.resolve(settings.locale, self.client_locale, fallback)
        return settings if language == settings.locale else dataclasses.replace(settings, locale=language)

    def converter(self, doc: Document) -> Converter:
        return Converter(doc.uri, doc.lines, self.encoding)

    def document(self, uri: str) -> Document:
        """The open document, or a JSON-RPC error the client can show."""
        doc = self.documents.get(uri)
        if doc is None:
            raise JsonRpcInvalidParams("fz-lsp: " + self.tr._("document is not open: {uri}", uri=uri))
        return doc

    # -- live browser preview (clients without a webview) ---------------------

    def browser_preview(self):
        if self._browser is None:
            from fz_lsp.lsp.browser_preview import BrowserPreviewServer

            reveal = None
            try:
                loop = asyncio.get_running_loop()

                def reveal(uri: str, target: dict) -> None:  # a click in a page, from an HTTP thread
                    loop.call_soon_threadsafe(self._show_click, uri, target)
            except RuntimeError:  # no event loop (in-process use): pages without click to source
                pass
            self._browser = BrowserPreviewServer(render=self._render_for_browser, reveal=reveal)
        return self._browser

    def _show_click(self, uri: str, target: Any) -> None:
        """Show a click's source; the task is kept until done (and its failure logged)."""
        task = asyncio.ensure_future(self.show_source(uri, target))
        self._clicks.add(task)
        task.add_done_callback(self._click_done)

    def _click_done(self, task: asyncio.Task) -> None:
        self._clicks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("showing the source of a click in the preview failed", exc_info=task.exception())

    def source_ranges(self, uri: str, target: Any) -> list[types.Range]:
        """The ranges to select for a click in a preview (fz_lsp/reveal.py), in the
        client's encoding; empty when the document is closed or the target is not in it."""
        from fz_lsp.features.reveal import source_regions

        doc = self.documents.get(uri)
        if doc is None:
            return []
        conv = self.converter(doc)
        return [_range_of(conv, region) for region in source_regions(doc.model, target)]

    async def show_source(self, uri: str, target: Any) -> bool:
        """A click in a browser preview page: ask the client to show the source of what was
        clicked (window/showDocument selecting the first of its ranges). True when the
        client did; False when the document is closed, the target is not in it, or the
        client cannot or did not show it."""
        ranges = self.source_ranges(uri, target)
        if not ranges:
            return False
        params = types.ShowDocumentParams(uri=uri, selection=ranges[0], take_focus=True)
        return await _show_document(self, params, "a click in the preview")

    def _render_for_browser(self, uri: str, view: str, theme: str | None = None) -> tuple[str, str] | None:
        from fz_lsp.render import render_svg

        doc = self.documents.get(uri)
        if doc is None:
            return None
        if theme is None:  # the page follows the setting
            theme = "dark" if self.settings.preview_theme == "dark" else "light"
        return render_svg(doc.model, view, theme, self.settings.preview_sequence_order), uri.rsplit("/", 1)[-1]

    # -- diagnostics -----------------------------------------------------------

    def open_document(self, uri: str, text: str, version: int | None) -> Document:
        """Analyse a newly opened document, with the garbage collector paused. A large one
        (LARGE_DOCUMENT_LINES) is long-lived: its diagnostics are computed in the same
        pause and all of it is frozen out of the collector's sight before it resumes, so
        neither this open nor later keystrokes pay for scanning its objects."""
        with collector_paused():
            doc = Document(text, uri, version)
            if len(doc.lines) >= LARGE_DOCUMENT_LINES:
                with contextlib.suppress(Exception):  # reported by publish, which tries again
                    check_diagnostics(doc, self.settings)
                gc.freeze()
                self.large_documents.add(uri)
        previous = self.documents.get(uri)
        if previous is not None:  # opened again without a close: the old text is gone
            previous.dispose()
        self.documents[uri] = doc
        return doc

    def close_document(self, uri: str) -> None:
        """Forget everything kept for a closed document: its text and model (disposed:
        freed at once by reference counting, even when frozen out of the GC), a pending
        diagnostics publish, the topics already told once, its browser-preview pages and
        their event streams; what a large document froze is collected a moment later."""
        doc = self.documents.pop(uri, None)
        if doc is not None:
            doc.dispose()
        pending = self._pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        self._said.pop(uri, None)
        if self._browser is not None:
            self._browser.close(uri)
        self.release_frozen(uri)
        self.trim_when_idle()

    def release_frozen(self, uri: str) -> None:
        """After a large document frozen at open was closed (and disposed, which frees its
        model at once), collect what else it froze: objects of lines edited away that form
        cycles. A full collection, run a moment later (RELEASE_DELAY_S) so that it does not
        hold up the messages that follow a close (opening the next file), and once for
        several closes."""
        if uri not in self.large_documents:
            return
        self.large_documents.discard(uri)
        if self._release_due:
            return
        self._release_due = True
        try:
            asyncio.get_running_loop().call_later(RELEASE_DELAY_S, self.collect_released)
        except RuntimeError:  # no event loop (in-process use): now
            self.collect_released()

    def collect_released(self) -> None:
        if self._release_due:
            self._release_due = False
            gc.unfreeze()
            gc.collect()
            gc.freeze()
            self.trim_when_idle()

    def trim_when_idle(self) -> None:
        """Give the heap memory freed by the last burst of work back to the system once the
        server has published nothing for IDLE_TRIM_S: a keystroke only moves a timer."""
        if _MALLOC_TRIM is None:
            return
        if self._trim is not None:
            self._trim.cancel()
        try:
            self._trim = asyncio.get_running_loop().call_later(IDLE_TRIM_S, self._trim_now)
        except RuntimeError:  # no event loop (in-process use): nothing to wait for
            self._trim = None

    def _trim_now(self) -> None:
        self._trim = None
        _MALLOC_TRIM(0)

    def publish(self, doc: Document) -> None:
        try:
            found = check_diagnostics(doc, self.settings)
        except Exception:  # a bug in a check: keep serving everything else, say so once
            log.exception("diagnostics failed for %s (version %s)", doc.uri, doc.version)
            self.say_once(
                doc.uri,
                "failed",
                types.MessageType.Error,
                "fz-lsp: "
                + self.tr._(
                    "could not check {name} (an internal error; see the server log). Other features keep working.",
                    name=_name(doc.uri),
                ),
            )
            return
        if len(found) > MAX_PUBLISHED_DIAGNOSTICS:
            tr = self.tr
            self.say_once(
                doc.uri,
                "many",
                types.MessageType.Warning,
                "fz-lsp: "
                + tr._(
                    "{name} has {n} problems; only {limit} are shown (errors first).",
                    name=_name(doc.uri),
                    n=tr.number(len(found)),
                    limit=tr.number(MAX_PUBLISHED_DIAGNOSTICS),
                ),
            )
            found = most_severe(found, MAX_PUBLISHED_DIAGNOSTICS)
        conv = self.converter(doc)
        diagnostics = [conv.diagnostic(d) for d in found]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=doc.uri, version=doc.version, diagnostics=diagnostics)
        )
        if self._browser is not None:  # pages open on this document follow the same debounce
            try:
                self._browser.document_changed(doc.uri)
            except Exception:
                log.exception("browser preview update failed for %s", doc.uri)
        self.trim_when_idle()

    def say_once(self, uri: str, topic: str, kind: types.MessageType, message: str) -> None:
        """Show `message` the first time `topic` comes up for this open document."""
        said = self._said.setdefault(uri, set())
        if topic not in said:
            said.add(topic)
            log.warning("%s", message)
            self.window_show_message(types.ShowMessageParams(type=kind, message=message))

    def schedule_diagnostics(self, uri: str, immediate: bool = False) -> None:
        """Publish diagnostics after the configured delay; a newer edit cancels older work."""
        pending = self._pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        delay = 0 if immediate else self.settings.diagnostics_delay_ms / 1000
        doc = self.documents.get(uri)
        if doc is None:
            return
        if not immediate and len(doc.source) > LARGE_DOCUMENT_CHARS:
            # a large document is re-checked only after a pause in typing, never per keystroke
            delay = max(delay, LARGE_DOCUMENT_DELAY_MS / 1000)
            tr = self.tr
            self.say_once(
                uri,
                "large",
                types.MessageType.Info,
                "fz-lsp: "
                + tr._(
                    "{name} is large ({n} characters); diagnostics update after a {delay} ms pause in typing.",
                    name=_name(uri),
                    n=tr.number(len(doc.source)),
                    delay=LARGE_DOCUMENT_DELAY_MS,
                ),
            )
        if delay <= 0:
            self.publish(doc)
            return
        version = doc.version

        async def later() -> None:
            await asyncio.sleep(delay)
            current = self.documents.get(uri)
            if current is doc and current.version == version:
                self._pending.pop(uri, None)
                self.publish(current)

        self._pending[uri] = asyncio.ensure_future(later())

    def republish_all(self) -> None:
        for uri in list(self.documents):
            self.schedule_diagnostics(uri, immediate=True)


server = FlowZapServer()


@server.feature(types.INITIALIZE)
def on_initialize(ls: FlowZapServer, params: types.InitializeParams) -> None:
    ls.client_locale = params.locale if isinstance(params.locale, str) else None
    ls.settings = ls.resolved(Settings.from_mapping(params.initialization_options))
    ls.encoding = str(getattr(ls.workspace.position_encoding, "value", ls.workspace.position_encoding))
    log_forwarding.session_started(ls)


@server.feature(types.INITIALIZED)
async def on_initialized(ls: FlowZapServer, params: types.InitializedParams) -> None:
    await pull_configuration(ls)


async def pull_configuration(ls: FlowZapServer) -> None:
    caps = ls.client_capabilities.workspace
    if not (caps and caps.configuration):
        return
    try:
        result = await ls.workspace_configuration_async(
            types.ConfigurationParams(items=[types.ConfigurationItem(section="flowzap")])
        )
    except Exception as err:  # a client that fails the request keeps the current settings
        log.warning("workspace/configuration failed: %s", err)
        return
    if result:
        new = ls.resolved(Settings.from_mapping(result[0], base=ls.settings))
        if new != ls.settings:
            ls.settings = new
            ls.republish_all()


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def on_configuration(ls: FlowZapServer, params: types.DidChangeConfigurationParams) -> None:
    if params.settings:
        ls.settings = ls.resolved(Settings.from_mapping(params.settings, base=ls.settings))
    await pull_configuration(ls)
    ls.republish_all()
    refresh_inlay_hints(ls)  # defined with the language features below


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def on_open(ls: FlowZapServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.schedule_diagnostics(params.text_document.uri, immediate=True)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def on_change(ls: FlowZapServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.schedule_diagnostics(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def on_save(ls: FlowZapServer, params: types.DidSaveTextDocumentParams) -> None:
    ls.schedule_diagnostics(params.text_document.uri, immediate=True)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def on_close(ls: FlowZapServer, params: types.DidCloseTextDocumentParams) -> None:
    # the document and all kept for it were dropped by FlowZapServer.close_document
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))


# === language features: completion, hover, inlay hints, semantic tokens ===

from fz_lsp.analysis.markdown import markdown_to_plain
from fz_lsp.features import (
    completion as fz_completion,
    hover as fz_hover,
    inlay_hints as fz_inlay_hints,
    semantic_tokens as fz_semantic_tokens,
)

_COMPLETION_KINDS = {
    fz_completion.NODE: types.CompletionItemKind.Variable,
    fz_completion.LANE: types.CompletionItemKind.Module,
    fz_completion.DIRECTION: types.CompletionItemKind.EnumMember,
    fz_completion.SHAPE: types.CompletionItemKind.Class,
    fz_completion.ATTRIBUTE: types.CompletionItemKind.Property,
    fz_completion.KEYWORD: types.CompletionItemKind.Keyword,
    fz_completion.SNIPPET: types.CompletionItemKind.Snippet,
    fz_completion.OPERATOR: types.CompletionItemKind.Operator,
}

SEMANTIC_TOKENS_LEGEND = types.SemanticTokensLegend(
    token_types=list(fz_semantic_tokens.TOKEN_TYPES), token_modifiers=list(fz_semantic_tokens.TOKEN_MODIFIERS)
)


def _completion_caps(ls: FlowZapServer):
    td = ls.client_capabilities.text_document
    completion = td.completion if td else None
    return completion.completion_item if completion else None


def _markup(text: str, formats):
    """Markdown when the client lists it among its formats; else plain text (a bare
    string when the client names no format at all, which every client accepts)."""
    if formats and types.MarkupKind.Markdown in formats:
        return types.MarkupContent(kind=types.MarkupKind.Markdown, value=text)
    plain = markdown_to_plain(text)
    if formats:
        return types.MarkupContent(kind=types.MarkupKind.PlainText, value=plain)
    return plain


def _lsp_completion_item(
    conv: Converter, item: fz_completion.CompletionItem, doc_formats, label_details: bool = False
) -> types.CompletionItem:
    """`detail` (a node's label, a shape's description, ...) is also sent as
    `labelDetails.description` to a client that supports it: VS Code shows that on every
    row of the list, `detail` only on the selected one."""
    return types.CompletionItem(
        label=item.label,
        label_details=types.CompletionItemLabelDetails(description=item.detail)
        if label_details and item.detail
        else None,
        kind=_COMPLETION_KINDS[item.kind],
        detail=item.detail,
        documentation=_markup(item.documentation, doc_formats) if item.documentation else None,
        sort_text=item.sort_text,
        filter_text=item.filter_text,
        insert_text_format=types.InsertTextFormat.Snippet if item.snippet else types.InsertTextFormat.PlainText,
        text_edit=types.TextEdit(range=conv.range(item.replace), new_text=item.insert_text),
        command=types.Command(title="Suggest", command="editor.action.triggerSuggest") if item.retrigger else None,
    )


@server.feature(
    types.TEXT_DOCUMENT_COMPLETION,
    types.CompletionOptions(trigger_characters=list(fz_completion.TRIGGER_CHARACTERS)),
)
def on_completion(ls: FlowZapServer, params: types.CompletionParams) -> types.CompletionList:
    doc = ls.document(params.text_document.uri)
    if not 0 <= params.position.line < len(doc.lines):
        return types.CompletionList(is_incomplete=False, items=[])
    conv = ls.converter(doc)
    line, col = conv.code_point(params.position)
    caps = _completion_caps(ls)
    found = fz_completion.completions(
        doc, line, col, snippets=bool(caps and caps.snippet_support), locale=ls.settings.locale
    )
    doc_formats = caps.documentation_format if caps else None
    label_details = bool(caps and caps.label_details_support)
    return types.CompletionList(
        is_incomplete=found.incomplete,
        items=[_lsp_completion_item(conv, it, doc_formats, label_details) for it in found.items],
    )


@server.feature(types.TEXT_DOCUMENT_HOVER)
def on_hover(ls: FlowZapServer, params: types.HoverParams):
    doc = ls.document(params.text_document.uri)
    pos = params.position
    if not 0 <= pos.line < len(doc.lines):
        return None
    conv = ls.converter(doc)
    if pos.character > conv.position(pos.line, len(doc.lines[pos.line])).character:
        return None  # past the end of the line
    line, col = conv.code_point(pos)
    found = fz_hover.hover(doc, line, col, ls.settings.locale)
    if found is None:
        return None
    td = ls.client_capabilities.text_document
    formats = td.hover.content_format if td and td.hover else None
    return types.Hover(contents=_markup(found.markdown, formats), range=conv.range(found.span))


@server.feature(types.TEXT_DOCUMENT_INLAY_HINT, types.InlayHintOptions(resolve_provider=False))
def on_inlay_hint(ls: FlowZapServer, params: types.InlayHintParams) -> list[types.InlayHint]:
    doc = ls.document(params.text_document.uri)
    if not ls.settings.inlay_hint_labels:
        return []
    conv = ls.converter(doc)
    start, end = conv.code_point(params.range.start), conv.code_point(params.range.end)
    return [
        types.InlayHint(position=conv.position(h.line, h.col), label=h.label, padding_left=True, tooltip=h.tooltip)
        for h in fz_inlay_hints.label_hints(doc, start, end, ls.settings.locale)
    ]


def refresh_inlay_hints(ls: FlowZapServer) -> None:
    """Ask the client to request inlay hints again (settings such as
    `flowzap.inlayHints.labels` may have changed), when it supports that."""
    workspace = ls.client_capabilities.workspace
    caps = workspace.inlay_hint if workspace else None
    if caps is not None and caps.refresh_support:
        ls.workspace_inlay_hint_refresh(None)


def _encode_tokens(ls: FlowZapServer, doc: Document, first: int = 0, last=None) -> types.SemanticTokens:
    conv = ls.converter(doc)
    tokens = fz_semantic_tokens.semantic_tokens(doc, first, last)
    data = fz_semantic_tokens.encode(tokens, conv.column)
    return types.SemanticTokens(data=data)


@server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, SEMANTIC_TOKENS_LEGEND)
def on_semantic_tokens_full(ls: FlowZapServer, params: types.SemanticTokensParams) -> types.SemanticTokens:
    return _encode_tokens(ls, ls.document(params.text_document.uri))


@server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_RANGE, SEMANTIC_TOKENS_LEGEND)
def on_semantic_tokens_range(ls: FlowZapServer, params: types.SemanticTokensRangeParams) -> types.SemanticTokens:
    doc = ls.document(params.text_document.uri)
    return _encode_tokens(ls, doc, params.range.start.line, params.range.end.line)


# === navigation, rename, formatting, code actions ===


from fz_lsp.analysis.edits import Region, TextEdit as FzTextEdit
from fz_lsp.features import (
    code_actions as fz_code_actions,
    formatting as fz_formatting,
    navigation as fz_navigation,
    rename as fz_rename,
)
from fz_lsp.model import Span


def _range_of(conv: Converter, region: Region) -> types.Range:
    return conv.line_range(region.start_line, region.start_col, region.end_line, region.end_col)


def _text_edits(conv: Converter, edits: list[FzTextEdit]) -> list[types.TextEdit]:
    return [types.TextEdit(range=_range_of(conv, e.region), new_text=e.new_text) for e in edits]


def _workspace_edit(ls: FlowZapServer, doc: Document, edits: list[FzTextEdit]) -> types.WorkspaceEdit:
    """`documentChanges` (with the document version) when the client supports it, else `changes`."""
    text_edits = _text_edits(ls.converter(doc), edits)
    workspace = ls.client_capabilities.workspace
    caps = workspace.workspace_edit if workspace else None
    if caps is not None and caps.document_changes:
        return types.WorkspaceEdit(
            document_changes=[
                types.TextDocumentEdit(
                    text_document=types.OptionalVersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version),
                    edits=text_edits,
                )
            ]
        )
    return types.WorkspaceEdit(changes={doc.uri: text_edits})


def _at(ls: FlowZapServer, uri: str, position: types.Position) -> tuple[Document, Converter, int, int]:
    doc = ls.document(uri)
    conv = ls.converter(doc)
    line, col = conv.code_point(position)
    return doc, conv, line, col


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
def on_definition(ls: FlowZapServer, params: types.DefinitionParams):
    doc, conv, line, col = _at(ls, params.text_document.uri, params.position)
    spans = fz_navigation.definition(doc.model, line, col)
    return [conv.location(s) for s in spans] or None


@server.feature(types.TEXT_DOCUMENT_REFERENCES)
def on_references(ls: FlowZapServer, params: types.ReferenceParams):
    doc, conv, line, col = _at(ls, params.text_document.uri, params.position)
    spans = fz_navigation.references(doc.model, line, col, params.context.include_declaration)
    return [conv.location(s) for s in spans] or None


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT)
def on_document_highlight(ls: FlowZapServer, params: types.DocumentHighlightParams):
    doc, conv, line, col = _at(ls, params.text_document.uri, params.position)
    found = fz_navigation.highlights(doc.model, line, col)
    return [
        types.DocumentHighlight(range=conv.range(h.span), kind=types.DocumentHighlightKind(h.kind)) for h in found
    ] or None


def _document_symbol(conv: Converter, sym: fz_navigation.DocumentSymbol) -> types.DocumentSymbol:
    return types.DocumentSymbol(
        name=sym.name,
        kind=types.SymbolKind.Namespace if sym.kind == fz_navigation.LANE else types.SymbolKind.Object,
        detail=sym.detail,
        range=_range_of(conv, sym.region),
        selection_range=conv.range(sym.selection),
        children=[_document_symbol(conv, c) for c in sym.children] if sym.kind == fz_navigation.LANE else None,
    )


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def on_document_symbol(ls: FlowZapServer, params: types.DocumentSymbolParams):
    doc = ls.document(params.text_document.uri)
    conv = ls.converter(doc)
    return [_document_symbol(conv, s) for s in fz_navigation.document_symbols(doc.model)]


@server.feature(types.TEXT_DOCUMENT_FOLDING_RANGE)
def on_folding_range(ls: FlowZapServer, params: types.FoldingRangeParams):
    doc = ls.document(params.text_document.uri)
    return [
        types.FoldingRange(start_line=f.start_line, end_line=f.end_line, kind=types.FoldingRangeKind.Region)
        for f in fz_navigation.folding_ranges(doc.model)
    ]


@server.feature(types.TEXT_DOCUMENT_SELECTION_RANGE)
def on_selection_range(ls: FlowZapServer, params: types.SelectionRangeParams):
    doc = ls.document(params.text_document.uri)
    conv = ls.converter(doc)
    out = []
    for position in params.positions:
        line, col = conv.code_point(position)
        chain = fz_navigation.selection_range(doc.model, line, col)
        parent = None
        for region in reversed(chain):
            parent = types.SelectionRange(range=_range_of(conv, region), parent=parent)
        if parent is None:  # cannot happen (the document always contains the position)
            parent = types.SelectionRange(range=types.Range(start=position, end=position))
        out.append(parent)
    return out


@server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
def on_prepare_rename(ls: FlowZapServer, params: types.PrepareRenameParams):
    doc, conv, line, col = _at(ls, params.text_document.uri, params.position)
    found = fz_rename.prepare_rename(doc.model, line, col)
    if found is None:
        return None
    span, placeholder = found
    return types.PrepareRenamePlaceholder(range=conv.range(span), placeholder=placeholder)


@server.feature(types.TEXT_DOCUMENT_RENAME)
def on_rename(ls: FlowZapServer, params: types.RenameParams):
    doc, _conv, line, col = _at(ls, params.text_document.uri, params.position)
    try:
        edits = fz_rename.rename(doc.model, line, col, params.new_name)
    except fz_rename.RenameError as err:
        message = ls.tr.render(err.message)
        raise JsonRpcException(message=message, code=types.LSPErrorCodes.RequestFailed.value) from None
    return _workspace_edit(ls, doc, edits)


@server.feature(types.TEXT_DOCUMENT_FORMATTING)
def on_formatting(ls: FlowZapServer, params: types.DocumentFormattingParams):
    doc = ls.document(params.text_document.uri)
    edits = fz_formatting.format_edits(doc.model, ls.settings.format_indent)
    return _text_edits(ls.converter(doc), edits)


@server.feature(types.TEXT_DOCUMENT_RANGE_FORMATTING)
def on_range_formatting(ls: FlowZapServer, params: types.DocumentRangeFormattingParams):
    doc = ls.document(params.text_document.uri)
    conv = ls.converter(doc)
    lines = fz_formatting.range_lines(conv.code_point(params.range.start), conv.code_point(params.range.end))
    edits = fz_formatting.format_edits(doc.model, ls.settings.format_indent, lines)
    return _text_edits(conv, edits)


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(
        code_action_kinds=[
            types.CodeActionKind.QuickFix,
            types.CodeActionKind.Source,
            fz_code_actions.RENUMBER,
            types.CodeActionKind.SourceFixAll,
            fz_code_actions.FIX_ALL,
        ]
    ),
)
def on_code_action(ls: FlowZapServer, params: types.CodeActionParams):
    doc = ls.document(params.text_document.uri)
    conv = ls.converter(doc)
    requested: list[tuple] = []
    for d in params.context.diagnostics:
        (sl, sc), (el, ec) = conv.code_point(d.range.start), conv.code_point(d.range.end)
        span = Span(sl, sc, ec) if sl == el and d.range.start.line == d.range.end.line else None
        requested.append((str(d.code) if d.code is not None else None, span))
    only = [getattr(k, "value", k) for k in params.context.only] if params.context.only else None
    actions = fz_code_actions.code_actions(doc, ls.settings, requested, only)
    return [
        types.CodeAction(
            title=a.title,
            kind=a.kind,
            diagnostics=[params.context.diagnostics[a.request_index]] if a.request_index is not None else None,
            is_preferred=True if a.preferred else None,
            edit=_workspace_edit(ls, doc, a.edits),
        )
        for a in actions
    ]


# === preview ===

# how long to wait for the client to open the browser before telling the user the URL
SHOW_DOCUMENT_TIMEOUT_S = 10.0


def _preview_options(ls: FlowZapServer, options: Any) -> tuple[Document, str, str]:
    """(document, view, theme) from `{uri, view?, theme?, sequenceOrder?}` (or a bare URI
    string); see `_sequence_order` for the last."""
    if isinstance(options, str):
        options = {"uri": options}
    if not isinstance(options, dict) or not isinstance(options.get("uri"), str):
        raise JsonRpcInvalidParams(
            "fz-lsp: "
            + ls.tr._(
                "expected arguments {arguments}",
                arguments='[{"uri": "...", "view": ' + "|".join(f'"{v}"' for v in VIEWS) + "}]",
            )
        )
    view = options.get("view") or "workflow"
    if view not in VIEWS:
        raise JsonRpcInvalidParams(
            "fz-lsp: "
            + ls.tr._("unknown view {view} (expected {choices})", view=repr(view), choices=ls.tr.or_list(VIEWS))
        )
    theme = options.get("theme") or ls.settings.preview_theme
    if theme not in THEMES:
        theme = "light"
    return ls.document(options["uri"]), view, theme


def _sequence_order(ls: FlowZapServer, options: Any) -> str:
    """The sequence view's order: `sequenceOrder` of the arguments (a client that reads the
    setting itself, as VS Code does, so a change of it applies at once), else the setting."""
    from fz_lsp.render import ORDERS

    order = options.get("sequenceOrder") if isinstance(options, dict) else None
    order = order or ls.settings.preview_sequence_order
    if order not in ORDERS:
        raise JsonRpcInvalidParams(
            "fz-lsp: "
            + ls.tr._(
                "unknown sequence order {order} (expected {choices})", order=repr(order), choices=ls.tr.or_list(ORDERS)
            )
        )
    return order


@server.command("flowzap.preview")
def preview(ls: FlowZapServer, options: Any = None) -> dict:
    """The diagram of the current (unsaved) text as SVG: {svg, view, version}."""
    from fz_lsp.render import render_svg

    doc, view, theme = _preview_options(ls, options)
    svg = render_svg(doc.model, view, theme, _sequence_order(ls, options))
    return {"svg": svg, "view": view, "version": doc.version}


@server.command("flowzap.export")
def export_file(ls: FlowZapServer, options: Any = None) -> dict:
    """The diagram of the current (unsaved) text as a file, `{uri, view?, theme?, format?,
    scale?, path?}` (render/export.py): its bytes, `{format, view, theme, base64}`, or, given
    an absolute `path`, written there, `{format, path, bytes}` (the format is then the path's
    extension's). For the editors' Export SVG / Export PNG."""
    import base64
    import os

    from fz_lsp.render.export import ExportError, export_bytes, format_of

    doc, view, theme = _preview_options(ls, options)
    options = options if isinstance(options, dict) else {}
    path, asked, scale = options.get("path"), options.get("format"), options.get("scale", 1)
    tr = ls.tr
    if path is not None and (not isinstance(path, str) or not os.path.isabs(path)):
        raise JsonRpcInvalidParams("fz-lsp: " + tr._("path must be an absolute file name, got {path}", path=repr(path)))
    if isinstance(scale, bool) or not isinstance(scale, (int, float)):
        raise JsonRpcInvalidParams("fz-lsp: " + tr._("scale must be a number, got {scale}", scale=repr(scale)))
    try:
        fmt = format_of(path, asked if isinstance(asked, str) else None)
        data = export_bytes(
            doc.model, fmt, view, theme, float(scale), doc.uri.rsplit("/", 1)[-1], _sequence_order(ls, options)
        )
    except ExportError as error:
        raise JsonRpcInvalidParams("fz-lsp: " + tr.render(error.message)) from None
    if path is None:
        return {"format": fmt, "view": view, "theme": theme, "base64": base64.b64encode(data).decode("ascii")}
    try:
        with open(path, "wb") as f:
            f.write(data)
    except OSError as error:
        reason = error.strerror or str(error)
        raise JsonRpcInvalidParams(
            "fz-lsp: " + tr._("cannot write {path}: {reason}", path=path, reason=reason)
        ) from None
    return {"format": fmt, "path": path, "bytes": len(data)}


@server.command("flowzap.openBrowserPreview")
async def open_browser_preview(ls: FlowZapServer, options: Any = None) -> dict:
    """Open a live preview in the user's browser (for clients without a webview)."""
    doc, view, _ = _preview_options(ls, options)
    asked = options.get("theme") if isinstance(options, dict) else None  # else the page follows the setting
    url = ls.browser_preview().open(doc.uri, view, asked if asked in THEMES else None)
    tr = ls.tr
    await _open_externally(
        ls,
        url,
        "the preview",
        tr._("Open the FlowZap preview at {url}", url=url),
        tr._("FlowZap preview: {url}", url=url),
    )
    return {"url": url}


def _can_show_documents(ls: FlowZapServer) -> bool:
    caps = ls.client_capabilities.window
    return caps is not None and caps.show_document is not None and bool(caps.show_document.support)


async def _show_document(ls: FlowZapServer, params: types.ShowDocumentParams, what: str) -> bool:
    """window/showDocument, when the client supports it; True when it showed the document.
    A client that fails, answers nonsense or never answers (SHOW_DOCUMENT_TIMEOUT_S) is
    logged, not raised."""
    if not _can_show_documents(ls):
        return False
    try:
        result = await asyncio.wait_for(ls.window_show_document_async(params), SHOW_DOCUMENT_TIMEOUT_S)
    except Exception as err:
        log.warning("window/showDocument for %s failed: %r", what, err)
        return False
    return bool(getattr(result, "success", False))


async def _open_externally(ls: FlowZapServer, url: str, what: str, unopened: str, no_support: str) -> bool:
    """Ask the client to open `url` in the browser (window/showDocument, external); when it
    cannot or does not, show the URL in a message instead. True when the client opened it."""
    if not _can_show_documents(ls):
        ls.window_show_message(types.ShowMessageParams(types.MessageType.Info, no_support))
        return False
    opened = await _show_document(ls, types.ShowDocumentParams(uri=url, external=True), what)
    if not opened:
        ls.window_show_message(types.ShowMessageParams(types.MessageType.Warning, unopened))
    return opened


def _document_argument(ls: FlowZapServer, options: Any) -> Document:
    """The open document named by `{uri}` (or a bare URI string)."""
    if isinstance(options, str):
        options = {"uri": options}
    if not isinstance(options, dict) or not isinstance(options.get("uri"), str):
        raise JsonRpcInvalidParams("fz-lsp: " + ls.tr._("expected arguments {arguments}", arguments='[{"uri": "..."}]'))
    return ls.document(options["uri"])


@server.command("flowzap.sourceRanges")
def source_ranges_command(ls: FlowZapServer, options: Any = None) -> dict:
    """What to select for a click in a preview: `{uri, target}` (target as a preview page
    sends it, fz_lsp/reveal.py) -> {ranges}: the first is the one to show; empty when the
    target is not in the document."""
    doc = _document_argument(ls, options)
    return {"ranges": ls.source_ranges(doc.uri, options.get("target") if isinstance(options, dict) else None)}


@server.command("flowzap.shareUrl")
def share_url_command(ls: FlowZapServer, options: Any = None) -> dict:
    """The FlowZap playground URL of the current (unsaved) text: {url}. Opens nothing."""
    from fz_lsp.features.share import share_url

    return {"url": share_url(_document_argument(ls, options).text)}


@server.command("flowzap.openInFlowZap")
async def open_in_flowzap(ls: FlowZapServer, options: Any = None) -> dict:
    """Open the current (unsaved) text in FlowZap's web playground, in the user's browser.
    The text travels in the URL; nothing is sent unless the user runs this command."""
    from fz_lsp.features.share import share_url

    url = share_url(_document_argument(ls, options).text)
    text = ls.tr._("Open this diagram in FlowZap: {url}", url=url)
    opened = await _open_externally(ls, url, "FlowZap", text, text)
    return {"url": url, "opened": opened}


@server.feature(types.SHUTDOWN)
def on_shutdown(ls: FlowZapServer, params: None) -> None:
    log_forwarding.session_ended(ls)
    if ls._browser is not None:
        ls._browser.stop()
        ls._browser = None
