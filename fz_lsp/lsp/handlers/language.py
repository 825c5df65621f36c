"""completion, hover, inlay hints, semantic tokens (full and range).

Loaded on the first of these requests (fz_lsp.lsp.server), with the features they call.

May import: fz_lsp.lsp (from_lsp, to_lsp, the session's type), fz_lsp.features (completion,
hover, inlay_hints, semantic_tokens).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fz_lsp.features import (
    completion as fz_completion,
    hover as fz_hover,
    inlay_hints as fz_inlay_hints,
    semantic_tokens as fz_semantic_tokens,
)
from fz_lsp.lsp import from_lsp, to_lsp

if TYPE_CHECKING:
    from lsprotocol import types

    from fz_lsp.lsp.session import FlowZapServer


def completion(ls: FlowZapServer, params: types.CompletionParams) -> types.CompletionList:
    doc = ls.document(params.text_document.uri)
    if not from_lsp.line_in_document(params.position, doc.lines):
        return to_lsp.no_completions()
    conv = ls.converter(doc)
    line, col = conv.code_point(params.position)
    support = from_lsp.completion_support(ls.client_capabilities)
    found = fz_completion.completions(doc, line, col, snippets=support.snippets, locale=ls.settings.locale)
    return to_lsp.completion_list(conv, found, support)


def hover(ls: FlowZapServer, params: types.HoverParams) -> types.Hover | None:
    doc = ls.document(params.text_document.uri)
    position = params.position
    if not from_lsp.line_in_document(position, doc.lines):
        return None
    conv = ls.converter(doc)
    if position.character > conv.column(position.line, len(doc.lines[position.line])):
        return None  # past the end of the line
    line, col = conv.code_point(position)
    found = fz_hover.hover(doc, line, col, ls.settings.locale)
    if found is None:
        return None
    return to_lsp.hover(conv, found, from_lsp.hover_formats(ls.client_capabilities))


def inlay_hints(ls: FlowZapServer, params: types.InlayHintParams) -> list[types.InlayHint]:
    doc = ls.document(params.text_document.uri)
    if not ls.settings.inlay_hint_labels:
        return []
    conv = ls.converter(doc)
    start, end = from_lsp.code_point_range(conv, params.range)
    return to_lsp.inlay_hints(conv, fz_inlay_hints.label_hints(doc, start, end, ls.settings.locale))


def semantic_tokens_full(ls: FlowZapServer, params: types.SemanticTokensParams) -> types.SemanticTokens:
    doc = ls.document(params.text_document.uri)
    tokens = fz_semantic_tokens.semantic_tokens(doc)
    return to_lsp.semantic_tokens(fz_semantic_tokens.encode(tokens, ls.converter(doc).column))


def semantic_tokens_range(ls: FlowZapServer, params: types.SemanticTokensRangeParams) -> types.SemanticTokens:
    doc = ls.document(params.text_document.uri)
    tokens = fz_semantic_tokens.semantic_tokens(doc, params.range.start.line, params.range.end.line)
    return to_lsp.semantic_tokens(fz_semantic_tokens.encode(tokens, ls.converter(doc).column))
