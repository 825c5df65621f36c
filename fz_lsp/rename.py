"""Rename a node or a lane across the whole document.

A node rename edits its declaration(s) and every reference by name in every lane: edge
sources and targets (only the id of `Lane.nX`: the prefix stays), chained targets and
loop members. A lane rename edits its header(s) and every `Lane.` prefix naming it.
References are matched by name, so unresolved ones (a node declared on a broken line,
a prefix naming no lane) are renamed too; on a line the grammar cannot read, the
leading id is renamed when it is plainly the same node (`n18.h…`, `n18: …`) or lane
(`Lane {…`).

A new name is refused (RenameError, no edit) when it is not an id (model.ID_PATTERN), is
a reserved word (`loop`, `handle`), is already the id of another node (for a node) or
lane (for a lane; node ids and lane ids are separate namespaces), or would change how a
renamed line is read (e.g. a lane called `participant` reads as PlantUML). A name used
only by unresolved references is accepted: those references then name the renamed node
(the usual way to repair them). Renaming to the current name is no edit.

Pure Python: no pygls import.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from fz_lsp import lookup, syntax
from fz_lsp.edits import TextEdit
from fz_lsp.i18n import Msg, msg
from fz_lsp.lookup import LaneSymbol, NodeSymbol
from fz_lsp.model import ID_PATTERN, Model, Span

RESERVED = ("loop", "handle")


class RenameError(Exception):
    """A rename the server refuses; `message` is shown to the user, translated
    (fz_lsp/i18n.py); `str(error)` is the English text."""

    def __init__(self, message: Msg) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Target:
    kind: str  # "node" | "lane"
    name: str
    span: Span  # the token under the cursor


def target_at(model: Model, line: int, col: int) -> Target | None:
    sym = lookup.symbol_at(model, line, col)
    if isinstance(sym, NodeSymbol):
        return Target("node", sym.node.id if sym.node else sym.name, sym.span)
    if isinstance(sym, LaneSymbol):
        return Target("lane", sym.lane.id if sym.lane else sym.name, sym.span)
    return None


def prepare_rename(model: Model, line: int, col: int) -> tuple[Span, str] | None:
    """The token to rename and its current text, or None when nothing renameable is there."""
    t = target_at(model, line, col)
    if t is None:
        return None
    return t.span, model.lines[t.span.line][t.span.start : t.span.end]


def _broken_leading(model: Model, names: Collection[str], follow: str) -> list[tuple[str, Span]]:
    """Leading ids of broken lines that are in `names` and followed by one of `follow`."""
    found = []
    for i, st in enumerate(model.statements):
        if isinstance(st, syntax.Broken) and st.first_word is not None and st.first_word.text in names:
            rest = model.lines[i][st.first_word.end :].lstrip(" \t")
            if rest[:1] and rest[:1] in follow:
                found.append((st.first_word.text, Span(i, st.first_word.start, st.first_word.end)))
    return found


def node_spans(model: Model, name: str) -> list[Span]:
    """Every token naming node `name`: declarations, references, broken lines' lead ids."""
    return node_spans_by_name(model, {name}).get(name, [])


def node_spans_by_name(model: Model, names: Collection[str]) -> dict[str, list[Span]]:
    """node_spans for several names in one pass over the document."""
    found: dict[str, list[Span]] = {}
    for n in model.nodes:
        if n.id in names:
            found.setdefault(n.id, []).append(n.span)
    for r in model.refs:
        if r.name in names:
            found.setdefault(r.name, []).append(r.span)
    for name, span in _broken_leading(model, names, ".:"):
        found.setdefault(name, []).append(span)
    return {name: _unique(spans) for name, spans in found.items()}


def lane_spans(model: Model, name: str) -> list[Span]:
    """Every token naming lane `name`: headers, `Lane.` prefixes, broken headers."""
    spans = [lane.id_span for lane in model.lanes if lane.id == name]
    spans += [r.prefix_span for r in model.refs if r.prefix == name and r.prefix_span is not None]
    spans += [span for _, span in _broken_leading(model, {name}, "{")]
    return _unique(spans)


def _unique(spans: list[Span]) -> list[Span]:
    return sorted(set(spans), key=lambda s: (s.line, s.start, s.end))


def check_name(model: Model, kind: str, old: str, new: str) -> None:
    """Raise RenameError when `new` cannot replace `old`."""
    if not ID_PATTERN.match(new):
        if kind == "node":
            raise RenameError(
                msg(
                    "`{name}` is not a valid id: A node id starts with a letter or `_` and continues with "
                    "letters, digits or `_` (node ids are usually n1, n2, …)",
                    name=new,
                )
            )
        raise RenameError(
            msg(
                "`{name}` is not a valid id: A lane id starts with a letter or `_` and continues with "
                "letters, digits or `_` (node ids are usually n1, n2, …)",
                name=new,
            )
        )
    if new in RESERVED:
        raise RenameError(msg("`{name}` is a reserved word in FlowZap Code and cannot be used as an id", name=new))
    if new == old:
        return
    if kind == "node":
        existing = next((n for n in model.nodes if n.id == new), None)
        if existing is not None:
            if existing.lane:
                raise RenameError(
                    msg(
                        "A node `{name}` already exists (line {line} in lane `{lane}`); node ids must be unique",
                        name=new,
                        line=existing.line + 1,
                        lane=existing.lane.id,
                    )
                )
            raise RenameError(
                msg(
                    "A node `{name}` already exists (line {line}); node ids must be unique",
                    name=new,
                    line=existing.line + 1,
                )
            )
    else:
        lane = next((other for other in model.lanes if other.id == new), None)
        if lane is not None:
            raise RenameError(msg("A lane `{name}` already exists (line {line})", name=new, line=lane.header_line + 1))


def edits_for(model: Model, kind: str, old: str, new: str) -> list[TextEdit]:
    """The edits renaming every occurrence of `old`; checks every changed line still reads
    the same way."""
    spans = node_spans(model, old) if kind == "node" else lane_spans(model, old)
    edits = [TextEdit.replace(s, new) for s in spans]
    _check_lines(model, spans, new)
    return edits


def rename(model: Model, line: int, col: int, new_name: str) -> list[TextEdit]:
    """The edits for renaming the node or lane at (line, col) to `new_name`."""
    t = target_at(model, line, col)
    if t is None:
        raise RenameError(msg("Only node ids and lane ids can be renamed; there is none at this position"))
    new_name = new_name.strip()
    check_name(model, t.kind, t.name, new_name)
    if new_name == t.name:
        return []
    return edits_for(model, t.kind, t.name, new_name)


def _check_lines(model: Model, spans: list[Span], new: str) -> None:
    by_line: dict[int, list[Span]] = {}
    for s in spans:
        by_line.setdefault(s.line, []).append(s)
    for line, ss in by_line.items():
        text = model.lines[line]
        for s in sorted(ss, key=lambda s: s.start, reverse=True):
            text = text[: s.start] + new + text[s.end :]
        before, after = model.statements[line], syntax.parse_line(text)
        if type(before) is not type(after):
            raise RenameError(
                msg(
                    "`{name}` cannot be used here: line {line} would no longer read as the same statement",
                    name=new,
                    line=line + 1,
                )
            )
