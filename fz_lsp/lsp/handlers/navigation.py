"""definition, references, document highlight, document symbols, folding ranges, selection ranges.

Loaded on the first of these requests (fz_lsp.lsp.server).

May import: fz_lsp.lsp (to_lsp, the session's type), fz_lsp.features.navigation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fz_lsp.features import navigation as fz_navigation
from fz_lsp.lsp import to_lsp

if TYPE_CHECKING:
    from lsprotocol import types

    from fz_lsp.lsp.session import FlowZapServer


def definition(ls: FlowZapServer, params: types.DefinitionParams) -> list[types.Location] | None:
    doc, conv, line, col = ls.at(params.text_document.uri, params.position)
    return to_lsp.locations(conv, fz_navigation.definition(doc.model, line, col))


def references(ls: FlowZapServer, params: types.ReferenceParams) -> list[types.Location] | None:
    doc, conv, line, col = ls.at(params.text_document.uri, params.position)
    found = fz_navigation.references(doc.model, line, col, params.context.include_declaration)
    return to_lsp.locations(conv, found)


def document_highlight(
    ls: FlowZapServer, params: types.DocumentHighlightParams
) -> list[types.DocumentHighlight] | None:
    doc, conv, line, col = ls.at(params.text_document.uri, params.position)
    return to_lsp.document_highlights(conv, fz_navigation.highlights(doc.model, line, col))


def document_symbol(ls: FlowZapServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
    doc = ls.document(params.text_document.uri)
    return to_lsp.document_symbols(ls.converter(doc), fz_navigation.document_symbols(doc.model))


def folding_range(ls: FlowZapServer, params: types.FoldingRangeParams) -> list[types.FoldingRange]:
    doc = ls.document(params.text_document.uri)
    return to_lsp.folding_ranges(fz_navigation.folding_ranges(doc.model))


def selection_range(ls: FlowZapServer, params: types.SelectionRangeParams) -> list[types.SelectionRange]:
    doc = ls.document(params.text_document.uri)
    conv = ls.converter(doc)
    out = []
    for position in params.positions:
        line, col = conv.code_point(position)
        out.append(to_lsp.selection_range(conv, fz_navigation.selection_range(doc.model, line, col), position))
    return out
