"""Inlay hints: the label of the node each edge endpoint or loop member names.

`n4.handle(bottom) -> CICD.n5.handle(top)` reads as
`n4.handle(bottom) Merge After Review -> CICD.n5.handle(top) Run Tests and Lint`.
A hint sits right after the endpoint: after the handle's `)` for edges (after whatever
of the handle is written when it is incomplete), after the id for loop members. The
text is what the diagram shows for the node (`Node.display_text`), cut to
`MAX_LENGTH` characters plus "…". Unresolved references get no hint (diagnostics
report them), and neither do nodes with nothing to show but their id. Only hints inside
the requested range are returned.

Pure Python: no pygls/lsprotocol import.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fz_lsp.base.i18n import translator
from fz_lsp.model import Ref

if TYPE_CHECKING:
    from fz_lsp.analysis.document import Document

MAX_LENGTH = 24


@dataclass(frozen=True)
class LabelHint:
    line: int
    col: int  # code points; the hint is shown before this column
    label: str  # possibly truncated
    tooltip: str  # the full text, the node id and its lane


def truncate(text: str, limit: int = MAX_LENGTH) -> str:
    """`text` cut to `limit` characters (trailing spaces dropped) plus "…" when longer."""
    text = " ".join(text.split())  # labels are single-line; collapse tabs and runs of spaces
    if len(text) <= limit:
        return text
    return text[:limit].rstrip() + "…"


def _position(ref: Ref) -> int:
    if ref.role != "loop" and ref.handle is not None:
        return ref.handle.end
    return ref.span.end


def label_hints(
    doc: Document, start: tuple[int, int], end: tuple[int, int], locale: str | None = None
) -> list[LabelHint]:
    """Hints whose position lies within [start, end] (code-point (line, col) pairs); the
    tooltips in the language of `locale` (English when None)."""
    tr = translator(locale)
    model = doc.model
    first, last = start[0], end[0]
    if last < first:
        return []
    hints: list[LabelHint] = []
    for line in range(max(first, 0), min(last, len(doc.lines) - 1) + 1):
        for ref in model.line_refs.get(line, ()):
            node = ref.node
            if node is None or node.display_text == node.id:
                continue
            col = _position(ref)
            if (line, col) < start or (line, col) > end:
                continue
            text = node.display_text
            if node.lane:
                where = tr._("({node}, {shape} in lane {lane})", node=node.id, shape=node.shape, lane=node.lane.title)
            else:
                where = f"({node.id}, {node.shape})"
            hints.append(LabelHint(line, col, truncate(text), f"{text}\n{where}"))
    hints.sort(key=lambda h: (h.line, h.col))
    return hints
