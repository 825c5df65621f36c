"""lsprotocol values -> what features take: the requests' parts beyond a position, and what
the client says it can do.

Positions themselves go through the document's `Converter` (fz_lsp.lsp.convert); here are
the rest: the client's diagnostics a code action request names (their codes and code-point
spans), the kinds it asks for, and the client capabilities the answers depend on, read once
into plain values.

May import: fz_lsp.lsp.convert, fz_lsp.model (spans), lsprotocol (types only); never pygls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lsprotocol import types

from fz_lsp.model import Span

if TYPE_CHECKING:
    from fz_lsp.lsp.convert import Converter


# -- requests ------------------------------------------------------------------


def line_in_document(position: types.Position, lines: Sequence[str]) -> bool:
    return 0 <= position.line < len(lines)


def code_point_range(conv: Converter, range_: types.Range) -> tuple[tuple[int, int], tuple[int, int]]:
    """(start, end) as (line, code-point column), clamped into the document."""
    return conv.code_point(range_.start), conv.code_point(range_.end)


def diagnostics_to_fix(
    conv: Converter, diagnostics: Sequence[types.Diagnostic]
) -> list[tuple[str | None, Span | None]]:
    """The client's diagnostics of a code action request as (code, code-point span), in
    order; a diagnostic over several lines has no span (no quick fix of ours matches it)."""
    requested: list[tuple[str | None, Span | None]] = []
    for d in diagnostics:
        (sl, sc), (el, ec) = code_point_range(conv, d.range)
        span = Span(sl, sc, ec) if sl == el and d.range.start.line == d.range.end.line else None
        requested.append((str(d.code) if d.code is not None else None, span))
    return requested


def action_kinds(only: Sequence[types.CodeActionKind | str] | None) -> list[str] | None:
    """The code action kinds asked for, as strings; None for all."""
    return [getattr(k, "value", k) for k in only] if only else None


# -- client capabilities ---------------------------------------------------------


@dataclass(frozen=True)
class CompletionSupport:
    """What the client's completion can show: snippets, documentation formats, label details."""

    snippets: bool = False
    documentation_formats: Sequence[types.MarkupKind] | None = None
    label_details: bool = False


def completion_support(caps: types.ClientCapabilities) -> CompletionSupport:
    td = caps.text_document
    completion = td.completion if td else None
    item = completion.completion_item if completion else None
    if item is None:
        return CompletionSupport()
    return CompletionSupport(bool(item.snippet_support), item.documentation_format, bool(item.label_details_support))


def hover_formats(caps: types.ClientCapabilities) -> Sequence[types.MarkupKind] | None:
    td = caps.text_document
    return td.hover.content_format if td and td.hover else None


def document_changes(caps: types.ClientCapabilities) -> bool:
    """Whether workspace edits may be `documentChanges` (versioned) rather than `changes`."""
    workspace = caps.workspace
    edit = workspace.workspace_edit if workspace else None
    return bool(edit is not None and edit.document_changes)


def configuration(caps: types.ClientCapabilities) -> bool:
    """Whether the client answers workspace/configuration."""
    return bool(caps.workspace and caps.workspace.configuration)


def inlay_hint_refresh(caps: types.ClientCapabilities) -> bool:
    workspace = caps.workspace
    hints = workspace.inlay_hint if workspace else None
    return bool(hints is not None and hints.refresh_support)


def show_document(caps: types.ClientCapabilities) -> bool:
    """Whether the client supports window/showDocument."""
    window = caps.window
    return window is not None and window.show_document is not None and bool(window.show_document.support)


def locale(params: types.InitializeParams) -> str | None:
    """initialize's `locale`, when it is a string."""
    return params.locale if isinstance(params.locale, str) else None
