"""What a click in a diagram preview points at in the source.

Every drawn element of a preview says where it comes from (fz_lsp/render/svg.py): a node
or a step listed in an architecture component (`data-node`, `data-line`), a component
(`data-lane`, `data-line`: its lane's header) or an architecture arrow (`data-lines`: the
lines of the edges it stands for). A preview page sends that back as a *target*,
`{"node"?, "lane"?, "line"?, "lines"?}`; `source_span(model, lines, target)` answers the
span to select: the node's id at its declaration, the lane's id at its header, the text of
the first edge line. A node or lane whose line moved on (the page shows an older rendering)
is found by its id. None when nothing of the target is in the document; anything else in
`target` (wrong types, lines out of range) is ignored.

Pure Python: no pygls import.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fz_lsp.model import Model, Span

MAX_NAME = 200  # longer node or lane ids are no ids of ours


def _line_number(value: Any, count: int) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < count:
        return value
    return None


def _name(value: Any) -> str | None:
    return value if isinstance(value, str) and 0 < len(value) <= MAX_NAME else None


def _text_span(lines: Sequence[str], line: int) -> Span:
    """The line's text without its leading and trailing blanks."""
    text = lines[line]
    start = len(text) - len(text.lstrip())
    return Span(line, start, max(start, len(text.rstrip())))


def source_span(model: Model, lines: Sequence[str], target: Any) -> Span | None:
    if not isinstance(target, dict):
        return None
    line = _line_number(target.get("line"), len(lines))
    node = _name(target.get("node"))
    if node is not None:
        found = [n for n in model.nodes if n.id == node]
        if found:
            return next((n for n in found if n.line == line), found[0]).span
        return None
    lane = _name(target.get("lane"))
    if lane is not None:
        lanes = [a for a in model.lanes if a.id == lane]
        if lanes:
            return next((a for a in lanes if a.header_line == line), lanes[0]).id_span
        return None
    listed = target.get("lines")
    if isinstance(listed, list):
        for value in listed:
            number = _line_number(value, len(lines))
            if number is not None:
                return _text_span(lines, number)
        return None
    return _text_span(lines, line) if line is not None else None
