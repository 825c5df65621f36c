"""Renaming a node or a lane: whether a new name may replace an old one, and the edits that
rename every token naming it (declarations, references, prefixes, loop members, the leading
id of an unreadable line), each changed line checked to read as the same statement.

Shared by the editor's rename (features/rename.py, from a position) and the structured
changes of agents (features/change_operations.py, by id).

May import: fz_lsp.base, fz_lsp.syntax, fz_lsp.model, fz_lsp.analysis.
"""

from __future__ import annotations

from fz_lsp import syntax
from fz_lsp.analysis.edits import TextEdit
from fz_lsp.analysis.lookup import lane_spans, node_spans
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
