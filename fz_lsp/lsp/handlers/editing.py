"""prepareRename, rename, formatting (whole and range), code actions (quick fixes, renumber,
fix all).

Loaded on the first of these requests (fz_lsp.lsp.server), with the features they call.

May import: fz_lsp.lsp (from_lsp, to_lsp, the session's type), fz_lsp.features (rename,
formatting, code_actions), pygls (its JSON-RPC errors).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.exceptions import JsonRpcException

from fz_lsp.features import code_actions as fz_code_actions, formatting as fz_formatting, rename as fz_rename
from fz_lsp.lsp import from_lsp, to_lsp

if TYPE_CHECKING:
    from fz_lsp.lsp.session import FlowZapServer


def prepare_rename(ls: FlowZapServer, params: types.PrepareRenameParams) -> types.PrepareRenamePlaceholder | None:
    doc, conv, line, col = ls.at(params.text_document.uri, params.position)
    found = fz_rename.prepare_rename(doc.model, line, col)
    if found is None:
        return None
    span, placeholder = found
    return to_lsp.prepare_rename(conv, span, placeholder)


def rename(ls: FlowZapServer, params: types.RenameParams) -> types.WorkspaceEdit:
    doc, conv, line, col = ls.at(params.text_document.uri, params.position)
    try:
        edits = fz_rename.rename(doc.model, line, col, params.new_name)
    except fz_rename.RenameError as err:
        message = ls.tr.render(err.message)
        raise JsonRpcException(message=message, code=types.LSPErrorCodes.RequestFailed.value) from None
    return to_lsp.workspace_edit(conv, doc.version, edits, from_lsp.document_changes(ls.client_capabilities))


def formatting(ls: FlowZapServer, params: types.DocumentFormattingParams) -> list[types.TextEdit]:
    doc = ls.document(params.text_document.uri)
    edits = fz_formatting.format_edits(doc.model, ls.settings.format_indent)
    return to_lsp.text_edits(ls.converter(doc), edits)


def range_formatting(ls: FlowZapServer, params: types.DocumentRangeFormattingParams) -> list[types.TextEdit]:
    doc = ls.document(params.text_document.uri)
    conv = ls.converter(doc)
    lines = fz_formatting.range_lines(*from_lsp.code_point_range(conv, params.range))
    edits = fz_formatting.format_edits(doc.model, ls.settings.format_indent, lines)
    return to_lsp.text_edits(conv, edits)


def code_action(ls: FlowZapServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    doc = ls.document(params.text_document.uri)
    conv = ls.converter(doc)
    context = params.context
    requested = from_lsp.diagnostics_to_fix(conv, context.diagnostics)
    actions = fz_code_actions.code_actions(doc, ls.settings, requested, from_lsp.action_kinds(context.only))
    document_changes = from_lsp.document_changes(ls.client_capabilities)
    return to_lsp.code_actions(conv, doc.version, actions, context.diagnostics, document_changes)
