"""Feature values -> lsprotocol values: the only module that builds an LSP answer.

Features answer with plain dataclasses and code-point `Span`s / `Region`s; each function
here turns one kind of answer into what the client reads, its positions converted by the
document's `Converter` (fz_lsp.lsp.convert). What the client can take (Markdown, labelDetails,
documentChanges) is read from its capabilities by fz_lsp.lsp.from_lsp and passed in.

The features are imported for their types only, and for their kinds' names inside the
function that maps them, so that publishing diagnostics loads none of them.

May import: fz_lsp.lsp.convert, the layers below (types), lsprotocol; never pygls.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from typing import TYPE_CHECKING

from lsprotocol import types

from fz_lsp.analysis.markdown import markdown_to_plain

if TYPE_CHECKING:
    from fz_lsp.analysis.edits import Region, TextEdit
    from fz_lsp.diagnostics import Diagnostic
    from fz_lsp.features.code_actions import Action
    from fz_lsp.features.completion import CompletionItem, Completions
    from fz_lsp.features.hover import HoverInfo
    from fz_lsp.features.inlay_hints import LabelHint
    from fz_lsp.features.navigation import DocumentSymbol, Fold, Highlight
    from fz_lsp.lsp.convert import Converter
    from fz_lsp.lsp.from_lsp import CompletionSupport
    from fz_lsp.model import Span

SOURCE = "flowzap"  # every diagnostic's `source`
SUGGEST_AGAIN = types.Command(title="Suggest", command="editor.action.triggerSuggest")


# -- diagnostics ---------------------------------------------------------------


def diagnostic(conv: Converter, d: Diagnostic) -> types.Diagnostic:
    return types.Diagnostic(
        range=conv.range(d.span),
        severity=types.DiagnosticSeverity(d.severity),
        code=d.code,
        source=SOURCE,
        message=d.message,
        related_information=[
            types.DiagnosticRelatedInformation(location=conv.location(r.span), message=r.message) for r in d.related
        ]
        or None,
        tags=[types.DiagnosticTag.Unnecessary] if d.unnecessary else None,
        data=d.data,
    )


def published_diagnostics(
    conv: Converter, version: int | None, found: Iterable[Diagnostic]
) -> types.PublishDiagnosticsParams:
    return types.PublishDiagnosticsParams(
        uri=conv.uri, version=version, diagnostics=[diagnostic(conv, d) for d in found]
    )


def no_diagnostics(uri: str) -> types.PublishDiagnosticsParams:
    """What clears a closed document's diagnostics."""
    return types.PublishDiagnosticsParams(uri=uri, diagnostics=[])


# -- edits ---------------------------------------------------------------------


def text_edits(conv: Converter, edits: Iterable[TextEdit]) -> list[types.TextEdit]:
    return [types.TextEdit(range=conv.region(e.region), new_text=e.new_text) for e in edits]


def workspace_edit(
    conv: Converter, version: int | None, edits: Iterable[TextEdit], document_changes: bool
) -> types.WorkspaceEdit:
    """`documentChanges` (with the document version) when the client supports it, else `changes`."""
    changes = text_edits(conv, edits)
    if document_changes:
        document = types.OptionalVersionedTextDocumentIdentifier(uri=conv.uri, version=version)
        return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(text_document=document, edits=changes)])
    return types.WorkspaceEdit(changes={conv.uri: changes})


def code_actions(
    conv: Converter,
    version: int | None,
    actions: Iterable[Action],
    client_diagnostics: Sequence[types.Diagnostic],
    document_changes: bool,
) -> list[types.CodeAction]:
    """Each action names the client's diagnostic it fixes (`request_index`), if any."""
    return [
        types.CodeAction(
            title=a.title,
            kind=a.kind,
            diagnostics=[client_diagnostics[a.request_index]] if a.request_index is not None else None,
            is_preferred=True if a.preferred else None,
            edit=workspace_edit(conv, version, a.edits, document_changes),
        )
        for a in actions
    ]


def prepare_rename(conv: Converter, span: Span, placeholder: str) -> types.PrepareRenamePlaceholder:
    return types.PrepareRenamePlaceholder(range=conv.range(span), placeholder=placeholder)


# -- completion, hover, inlay hints, semantic tokens -----------------------------


def markup(text: str, formats: Sequence[types.MarkupKind] | None) -> types.MarkupContent | str:
    """Markdown when the client lists it among its formats; else plain text (a bare
    string when the client names no format at all, which every client accepts)."""
    if formats and types.MarkupKind.Markdown in formats:
        return types.MarkupContent(kind=types.MarkupKind.Markdown, value=text)
    plain = markdown_to_plain(text)
    if formats:
        return types.MarkupContent(kind=types.MarkupKind.PlainText, value=plain)
    return plain


@cache
def _completion_kinds() -> dict[str, types.CompletionItemKind]:
    from fz_lsp.features import completion

    return {
        completion.NODE: types.CompletionItemKind.Variable,
        completion.LANE: types.CompletionItemKind.Module,
        completion.DIRECTION: types.CompletionItemKind.EnumMember,
        completion.SHAPE: types.CompletionItemKind.Class,
        completion.ATTRIBUTE: types.CompletionItemKind.Property,
        completion.KEYWORD: types.CompletionItemKind.Keyword,
        completion.SNIPPET: types.CompletionItemKind.Snippet,
        completion.OPERATOR: types.CompletionItemKind.Operator,
    }


def completion_item(
    conv: Converter, item: CompletionItem, support: CompletionSupport, replace: types.Range | None = None
) -> types.CompletionItem:
    """`detail` (a node's label, a shape's description, ...) is also sent as
    `labelDetails.description` to a client that supports it: VS Code shows that on every
    row of the list, `detail` only on the selected one. `replace`: `item.replace` already
    converted (the items of one list mostly share it)."""
    return types.CompletionItem(
        label=item.label,
        label_details=types.CompletionItemLabelDetails(description=item.detail)
        if support.label_details and item.detail
        else None,
        kind=_completion_kinds()[item.kind],
        detail=item.detail,
        documentation=markup(item.documentation, support.documentation_formats) if item.documentation else None,
        sort_text=item.sort_text,
        filter_text=item.filter_text,
        insert_text_format=types.InsertTextFormat.Snippet if item.snippet else types.InsertTextFormat.PlainText,
        text_edit=types.TextEdit(range=replace or conv.range(item.replace), new_text=item.insert_text),
        command=SUGGEST_AGAIN if item.retrigger else None,
    )


def completion_list(conv: Converter, found: Completions, support: CompletionSupport) -> types.CompletionList:
    ranges: dict[Span, types.Range] = {}  # each replaced span converted once, its Range shared
    items = []
    for item in found.items:
        replace = ranges.get(item.replace)
        if replace is None:
            replace = ranges[item.replace] = conv.range(item.replace)
        items.append(completion_item(conv, item, support, replace))
    return types.CompletionList(is_incomplete=found.incomplete, items=items)


def no_completions() -> types.CompletionList:
    return types.CompletionList(is_incomplete=False, items=[])


def hover(conv: Converter, found: HoverInfo, formats: Sequence[types.MarkupKind] | None) -> types.Hover:
    return types.Hover(contents=markup(found.markdown, formats), range=conv.range(found.span))


def inlay_hints(conv: Converter, hints: Iterable[LabelHint]) -> list[types.InlayHint]:
    return [
        types.InlayHint(position=conv.position(h.line, h.col), label=h.label, padding_left=True, tooltip=h.tooltip)
        for h in hints
    ]


def semantic_tokens(data: list[int]) -> types.SemanticTokens:
    """`data`: the tokens already encoded as LSP's relative integers (semantic_tokens.encode)."""
    return types.SemanticTokens(data=data)


# -- navigation ------------------------------------------------------------------


def locations(conv: Converter, spans: Iterable[Span]) -> list[types.Location] | None:
    """None rather than an empty list: "nothing here" for definition and references."""
    return [conv.location(s) for s in spans] or None


def document_highlights(conv: Converter, found: Iterable[Highlight]) -> list[types.DocumentHighlight] | None:
    return [
        types.DocumentHighlight(range=conv.range(h.span), kind=types.DocumentHighlightKind(h.kind)) for h in found
    ] or None


def document_symbols(conv: Converter, symbols: Iterable[DocumentSymbol]) -> list[types.DocumentSymbol]:
    from fz_lsp.features.navigation import LANE

    def convert(sym: DocumentSymbol) -> types.DocumentSymbol:
        lane = sym.kind == LANE
        return types.DocumentSymbol(
            name=sym.name,
            kind=types.SymbolKind.Namespace if lane else types.SymbolKind.Object,
            detail=sym.detail,
            range=conv.region(sym.region),
            selection_range=conv.range(sym.selection),
            children=[convert(c) for c in sym.children] if lane else None,
        )

    return [convert(s) for s in symbols]


def folding_ranges(folds: Iterable[Fold]) -> list[types.FoldingRange]:
    return [
        types.FoldingRange(start_line=f.start_line, end_line=f.end_line, kind=types.FoldingRangeKind.Region)
        for f in folds
    ]


def selection_range(conv: Converter, chain: Sequence[Region], position: types.Position) -> types.SelectionRange:
    """The regions around a position, innermost first, as LSP's chain of parents; an empty
    chain (which the navigation never gives: the document contains the position) is the
    position itself."""
    parent = None
    for region in reversed(chain):
        parent = types.SelectionRange(range=conv.region(region), parent=parent)
    if parent is None:
        return types.SelectionRange(range=types.Range(start=position, end=position))
    return parent


def ranges(conv: Converter, regions: Iterable[Region]) -> list[types.Range]:
    return [conv.region(r) for r in regions]


# -- messages and requests to the client -------------------------------------------


def message(kind: types.MessageType, text: str) -> types.ShowMessageParams:
    return types.ShowMessageParams(type=kind, message=text)


def settings_request() -> types.ConfigurationParams:
    """workspace/configuration asking for the `flowzap` section."""
    return types.ConfigurationParams(items=[types.ConfigurationItem(section="flowzap")])


def show_source(uri: str, selection: types.Range) -> types.ShowDocumentParams:
    """Show a document in the editor, `selection` selected, and focus it."""
    return types.ShowDocumentParams(uri=uri, selection=selection, take_focus=True)


def open_externally(url: str) -> types.ShowDocumentParams:
    """Open a URL in the user's browser."""
    return types.ShowDocumentParams(uri=url, external=True)
