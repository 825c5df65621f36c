"""The session: one server's open documents, its settings and the user's language.

`FlowZapServer` is the pygls `LanguageServer` every handler receives as `ls`. It holds:
- `documents`: fz-lsp's own `Document` per URI (FlowZapProtocol applies the client's edits
  to them; pygls's workspace copy is not used), opened and closed here, with their memory
  (`memory`: fz_lsp.lsp.memory) and their diagnostics (`publisher`: fz_lsp.lsp.publishing);
- `settings`, with `locale` resolved to one language (`resolved`), and `tr`, the user's
  messages; `encoding`, the position encoding agreed at initialize (`converter`);
- `browser`: the live browser preview server, once a preview was opened
  (fz_lsp.lsp.handlers.preview starts it).

May import: fz_lsp.lsp (protocol, convert, memory, publishing), the layers below, pygls.
"""

from __future__ import annotations

import asyncio
import dataclasses
import sys
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer

from fz_lsp import __version__
from fz_lsp.analysis.settings import Settings
from fz_lsp.base import i18n
from fz_lsp.lsp.convert import Converter
from fz_lsp.lsp.memory import DocumentMemory
from fz_lsp.lsp.protocol import FlowZapProtocol
from fz_lsp.lsp.publishing import Publisher

if TYPE_CHECKING:
    from fz_lsp.analysis.document import Document
    from fz_lsp.lsp.browser_preview import BrowserPreviewServer


class FlowZapServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("fz-lsp", __version__, protocol_cls=FlowZapProtocol)
        self.documents: dict[str, Document] = {}
        self.settings = Settings()
        self.encoding = types.PositionEncodingKind.Utf16.value
        self.memory = DocumentMemory()
        self.publisher = Publisher(self)
        self.browser: BrowserPreviewServer | None = None  # started by the first browser preview
        self.clicks: set[asyncio.Task] = set()  # browser preview clicks being shown
        self.exit_code = 0  # set by the `exit` notification
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

    # -- what every handler uses -----------------------------------------------

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

    def at(self, uri: str, position: types.Position) -> tuple[Document, Converter, int, int]:
        """The open document, its converter and the position as (line, code-point column)."""
        doc = self.document(uri)
        conv = self.converter(doc)
        line, col = conv.code_point(position)
        return doc, conv, line, col

    # -- opening and closing ---------------------------------------------------

    def open_document(self, uri: str, text: str, version: int | None) -> Document:
        """Analyse a newly opened document (fz_lsp.lsp.memory: a large one is frozen out of
        the collector); a document opened again without a close replaces the old one."""
        doc = self.memory.load(uri, text, version, self.settings)
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
        self.publisher.forget(uri)
        if self.browser is not None:
            self.browser.close(uri)
        self.memory.release_frozen(uri)
        self.memory.trim_when_idle()
