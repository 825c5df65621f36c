"""Source positions that follow their line: `Span` (a single-line range in code points) and
`LineAnchor` (a line number the document renumbers when lines above are inserted or removed).

May import: fz_lsp.syntax (types only).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fz_lsp.syntax.statements import Tok


class LineAnchor:
    """A line number that moves with its line.

    The document keeps one anchor per line and renumbers the anchors after an edit that
    inserts or removes lines, so spans of untouched lines stay correct without rebuilding
    the objects that hold them.
    """

    __slots__ = ("line",)

    def __init__(self, line: int) -> None:
        self.line = line

    def __repr__(self) -> str:
        return f"LineAnchor({self.line})"


class Span:
    """A single-line source range in code points: [start, end) on `line`.

    `line` is an int, or a LineAnchor for spans that live across edits; either way
    `span.line` reads as an int, and equality and hashing use the current line.
    """

    __slots__ = ("_line", "start", "end")

    def __init__(self, line: int | LineAnchor, start: int, end: int) -> None:
        self._line = line
        self.start = start
        self.end = end

    @property
    def line(self) -> int:
        line = self._line
        # `__class__ is int`: the cheapest test on this hot path, which mypy does not narrow by
        return line if line.__class__ is int else line.line  # type: ignore[union-attr]

    @staticmethod
    def of(line: int | LineAnchor, tok: Tok) -> Span:
        return Span(line, tok.start, tok.end)

    def contains(self, line: int, col: int) -> bool:
        return line == self.line and self.start <= col <= self.end

    def _key(self) -> tuple[int, int, int]:
        return (self.line, self.start, self.end)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Span) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Span(line={self.line}, start={self.start}, end={self.end})"
