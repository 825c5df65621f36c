"""Text edits as plain values, and applying them to text.

Rename, formatting and code actions answer with `TextEdit`s: a `Region` (a range that may
span lines, in code-point columns) and the replacement text. The protocol layer converts
regions to the client's encoding (fz_lsp/convert.py); tests use `apply_edits` to apply the
edits a feature (or the server, via `apply_client_edits`) returned and compare whole texts.

`apply_edits` refuses overlapping edits, so every test that applies edits also checks that
they are well formed.

Pure Python: no pygls import.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from fz_lsp.base import positions
from fz_lsp.base.source import split_lines
from fz_lsp.model import Span


@dataclass(frozen=True, order=True)
class Region:
    """[start, end) between two code-point positions; may cover several lines."""

    start_line: int
    start_col: int
    end_line: int
    end_col: int

    @staticmethod
    def of(span: Span) -> Region:
        return Region(span.line, span.start, span.line, span.end)

    @staticmethod
    def point(line: int, col: int) -> Region:
        return Region(line, col, line, col)

    @property
    def start(self) -> tuple[int, int]:
        return self.start_line, self.start_col

    @property
    def end(self) -> tuple[int, int]:
        return self.end_line, self.end_col

    def contains(self, other: Region) -> bool:
        return self.start <= other.start and other.end <= self.end

    def contains_position(self, line: int, col: int) -> bool:
        return self.start <= (line, col) <= self.end


@dataclass(frozen=True)
class TextEdit:
    region: Region
    new_text: str

    @staticmethod
    def replace(span: Span, new_text: str) -> TextEdit:
        return TextEdit(Region.of(span), new_text)

    @staticmethod
    def insert(line: int, col: int, new_text: str) -> TextEdit:
        return TextEdit(Region.point(line, col), new_text)


def line_region(lines: Sequence[str], line: int) -> Region:
    """The region that deletes `line` entirely, terminator included.

    The last line has no terminator of its own: deleting it removes the terminator of the
    line before instead (a one-line document is just emptied)."""
    if line + 1 < len(lines):
        return Region(line, 0, line + 1, 0)
    if line > 0:
        return Region(line - 1, len(lines[line - 1]), line, len(lines[line]))
    return Region(0, 0, 0, len(lines[0]))


def statement_region(lines: Sequence[str], line: int) -> Region | None:
    """The statement on `line` without its indentation and trailing blanks."""
    if not 0 <= line < len(lines):
        return None
    text = lines[line]
    end = len(text.rstrip(" \t"))
    if end == 0:
        return None
    start = len(text) - len(text.lstrip(" \t"))
    return Region(line, start, line, end)


def delete_line(lines: Sequence[str], line: int) -> TextEdit:
    return TextEdit(line_region(lines, line), "")


class OverlappingEdits(ValueError):
    pass


def check_edits(edits: Iterable[TextEdit]) -> list[TextEdit]:
    """The edits sorted by position; raises OverlappingEdits if two of them overlap or a
    region ends before it starts. Two inserts at the same point are overlapping too
    (their order would be ambiguous)."""
    ordered = sorted(edits, key=lambda e: (e.region.start, e.region.end))
    for e in ordered:
        if e.region.end < e.region.start:
            raise OverlappingEdits(f"edit ends before it starts: {e}")
    for a, b in pairwise(ordered):
        if b.region.start < a.region.end or (a.region == b.region and a.region.start == a.region.end):
            raise OverlappingEdits(f"overlapping edits: {a} and {b}")
    return ordered


def _offset(lines: list[str], ends: list[str], starts: list[int], line: int, col: int, strict: bool) -> int:
    if not 0 <= line < len(lines) or not 0 <= col <= len(lines[line]):
        if strict:
            raise ValueError(f"position ({line}, {col}) is outside the text")
        line = max(0, min(line, len(lines) - 1))
        col = max(0, min(col, len(lines[line])))
    return starts[line] + col


def apply_edits(text: str, edits: Iterable[TextEdit], strict: bool = True) -> str:
    """`text` with the edits applied (all positions refer to the original text).

    With `strict`, a position outside the text raises ValueError instead of being clamped."""
    ordered = check_edits(edits)
    lines, ends = split_lines(text)
    starts, pos = [], 0
    for line, end in zip(lines, ends):
        starts.append(pos)
        pos += len(line) + len(end)
    out, cursor = [], 0
    for e in ordered:
        r = e.region
        a = _offset(lines, ends, starts, r.start_line, r.start_col, strict)
        b = _offset(lines, ends, starts, r.end_line, r.end_col, strict)
        out.append(text[cursor:a])
        out.append(e.new_text)
        cursor = b
    out.append(text[cursor:])
    return "".join(out)


def apply_client_edits(
    text: str, edits: Iterable[tuple[int, int, int, int, str]], encoding: str = positions.UTF16
) -> str:
    """Apply edits given in client columns ((start line, start char, end line, end char,
    new text), e.g. from an lsprotocol TextEdit) to `text`."""
    lines, _ = split_lines(text)

    def col(line: int, character: int) -> int:
        if not 0 <= line < len(lines):
            raise ValueError(f"line {line} is outside the text")
        if character > positions.to_client(lines[line], len(lines[line]), encoding):
            raise ValueError(f"column {character} is past the end of line {line}")
        cp = positions.from_client(lines[line], character, encoding)
        if positions.to_client(lines[line], cp, encoding) != character:
            raise ValueError(f"column {character} on line {line} splits a character")
        return cp

    converted = [TextEdit(Region(sl, col(sl, sc), el, col(el, ec)), new) for sl, sc, el, ec, new in edits]
    return apply_edits(text, converted)
