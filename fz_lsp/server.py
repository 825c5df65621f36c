"""The protocol layer: wires the pure analysis to LSP with pygls.

Nothing here analyses FlowZap: handlers find the document, convert positions (through
fz_lsp.convert), call a pure function and convert its answer back.

Text sync is ours, not pygls's workspace: `FlowZapProtocol` keeps a `Document` per URI
and applies incremental edits to it, so a keystroke re-parses only the changed lines
and line splitting follows LSP (LF, CRLF, CR) exactly.
"""

from __future__ import annotations

import asyncio
import logging

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.protocol.language_server import LanguageServerProtocol, lsp_method

from fz_lsp import __version__
from fz_lsp.convert import Converter
from fz_lsp.document import Document
from fz_lsp.settings import Settings

log = logging.getLogger(__name__)


class FlowZapProtocol(LanguageServerProtocol):
    """Document sync that keeps fz-lsp's own `Document`s instead of pygls's workspace copies."""

    _server: "FlowZapServer"

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams):
        item = params.text_document
        self._server.documents[item.uri] = Document(item.text, item.uri, item.version)
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
        self._server.documents.pop(params.text_document.uri, None)
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None


class FlowZapServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("fz-lsp", __version__, protocol_cls=FlowZapProtocol)
        self.documents: dict[str, Document] = {}
        self.settings = Settings()
        self.encoding = types.PositionEncodingKind.Utf16.value
        self._pending: dict[str, asyncio.Task] = {}

    # -- helpers used by every handler ---------------------------------------

    def converter(self, doc: Document) -> Converter:
        return Converter(doc.uri, doc.lines, self.encoding)

    def document(self, uri: str) -> Document:
        """The open document, or a JSON-RPC error the client can show."""
        doc = self.documents.get(uri)
        if doc is None:
            from pygls.exceptions import JsonRpcInvalidParams

            raise JsonRpcInvalidParams(f"fz-lsp: document is not open: {uri}")
        return doc

    # -- diagnostics -----------------------------------------------------------

    def publish(self, doc: Document) -> None:
        conv = self.converter(doc)
        diagnostics = [conv.diagnostic(d) for d in doc.diagnostics(self.settings)]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=doc.uri, version=doc.version, diagnostics=diagnostics)
        )

    def schedule_diagnostics(self, uri: str, immediate: bool = False) -> None:
        """Publish diagnostics after the configured delay; a newer edit cancels older work."""
        pending = self._pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        delay = 0 if immediate else self.settings.diagnostics_delay_ms / 1000
        doc = self.documents.get(uri)
        if doc is None:
            return
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
    ls.settings = Settings.from_mapping(params.initialization_options)
    ls.encoding = str(getattr(ls.workspace.position_encoding, "value", ls.workspace.position_encoding))


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
        new = Settings.from_mapping(result[0], base=ls.settings)
        if new != ls.settings:
            ls.settings = new
            ls.republish_all()


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def on_configuration(ls: FlowZapServer, params: types.DidChangeConfigurationParams) -> None:
    if params.settings:
        ls.settings = Settings.from_mapping(params.settings, base=ls.settings)
    await pull_configuration(ls)
    ls.republish_all()


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
    uri = params.text_document.uri
    pending = ls._pending.pop(uri, None)
    if pending is not None:
        pending.cancel()
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))



# === language features: completion, hover, inlay hints, semantic tokens ===


# === navigation, rename, formatting, code actions ===


# === preview ===
