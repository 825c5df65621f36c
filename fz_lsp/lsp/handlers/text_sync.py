"""didOpen, didChange, didSave, didClose: diagnostics published or scheduled.

The text itself was already applied to the session's `Document` by FlowZapProtocol
(fz_lsp.lsp.protocol), which runs these handlers after it: on open and save the
diagnostics go out at once, on a change after the debounce (fz_lsp.lsp.publishing), and a
closed document's are cleared.

May import: fz_lsp.lsp (to_lsp, the session's type).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fz_lsp.lsp import to_lsp

if TYPE_CHECKING:
    from lsprotocol import types

    from fz_lsp.lsp.session import FlowZapServer


def did_open(ls: FlowZapServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.publisher.schedule(params.text_document.uri, immediate=True)


def did_change(ls: FlowZapServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.publisher.schedule(params.text_document.uri)


def did_save(ls: FlowZapServer, params: types.DidSaveTextDocumentParams) -> None:
    ls.publisher.schedule(params.text_document.uri, immediate=True)


def did_close(ls: FlowZapServer, params: types.DidCloseTextDocumentParams) -> None:
    # the document and all kept for it were dropped by FlowZapServer.close_document
    ls.text_document_publish_diagnostics(to_lsp.no_diagnostics(params.text_document.uri))
