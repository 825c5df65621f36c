"""Rename a node or a lane across the whole document.

A node rename edits its declaration(s) and every reference by name in every lane: edge
sources and targets (only the id of `Lane.nX`: the prefix stays), chained targets and
loop members. A lane rename edits its header(s) and every `Lane.` prefix naming it.
References are matched by name, so unresolved ones (a node declared on a broken line,
a prefix naming no lane) are renamed too; on a line the grammar cannot read, the
leading id is renamed when it is plainly the same node (`n18.h…`, `n18: …`) or lane
(`Lane {…`).

A new name is refused (RenameError, no edit) when it is not an id (syntax.vocabulary.ID_PATTERN), is
a reserved word (`loop`, `handle`), is already the id of another node (for a node) or
lane (for a lane; node ids and lane ids are separate namespaces), or would change how a
renamed line is read (e.g. a lane called `participant` reads as PlantUML). A name used
only by unresolved references is accepted: those references then name the renamed node
(the usual way to repair them). Renaming to the current name is no edit.

May import: fz_lsp.base, fz_lsp.syntax, fz_lsp.model, fz_lsp.analysis.
"""

from __future__ import annotations

from dataclasses import dataclass

from fz_lsp import syntax
from fz_lsp.analysis import lookup
from fz_lsp.analysis.edits import TextEdit
from fz_lsp.analysis.lookup import LaneSymbol, NodeSymbol, lane_spans, node_spans
from fz_lsp.base.i18n import Msg, msg
from fz_lsp.model import Model, Span
from fz_lsp.syntax.vocabulary import ID_PATTERN

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
