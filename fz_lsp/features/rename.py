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
(the usual way to repair them). Renaming to the current name is no edit. The names are
checked and the edits made by fz_lsp/analysis/renaming.py, which the structured changes of
agents (features/change_operations.py) use too.

May import: fz_lsp.base, fz_lsp.syntax, fz_lsp.model, fz_lsp.analysis.
"""

from __future__ import annotations

from dataclasses import dataclass

from fz_lsp.analysis import lookup
from fz_lsp.analysis.edits import TextEdit
from fz_lsp.analysis.lookup import LaneSymbol, NodeSymbol
from fz_lsp.analysis.renaming import RESERVED as RESERVED, RenameError as RenameError, check_name, edits_for
from fz_lsp.base.i18n import msg
from fz_lsp.model import Model, Span


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
