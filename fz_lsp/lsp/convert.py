"""Positions between fz-lsp and the client: code points <-> the client's encoding.

The one place the protocol layer converts positions (through fz_lsp.base.positions, the
only module that knows encodings). Features answer with code-point `Span`s and `Region`s;
a `Converter` for one document snapshot turns them into LSP positions and ranges
(fz_lsp.lsp.to_lsp builds the rest of each answer) and a client's positions into code
points (fz_lsp.lsp.from_lsp reads the rest of each request).

May import: fz_lsp.base, fz_lsp.model (spans), lsprotocol (types only); never pygls.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from lsprotocol import types

from fz_lsp.base import positions

if TYPE_CHECKING:
    from fz_lsp.analysis.edits import Region
    from fz_lsp.model import Span


class Converter:
    """Span <-> Range conversion for one document snapshot and one encoding."""

    def __init__(self, uri: str, lines: Sequence[str], encoding: str) -> None:
        self.uri = uri
        self.lines = lines
        self.encoding = encoding

    def _line(self, line: int) -> str:
        return self.lines[line] if 0 <= line < len(self.lines) else ""

    def column(self, line: int, col: int) -> int:
        """Code-point column -> client column, as a bare int (for bulk use: semantic tokens)."""
        return positions.to_client(self._line(line), col, self.encoding)

    def position(self, line: int, col: int) -> types.Position:
        return types.Position(line=line, character=positions.to_client(self._line(line), col, self.encoding))

    def range(self, span: Span) -> types.Range:
        return types.Range(start=self.position(span.line, span.start), end=self.position(span.line, span.end))

    def line_range(self, start_line: int, start_col: int, end_line: int, end_col: int) -> types.Range:
        return types.Range(start=self.position(start_line, start_col), end=self.position(end_line, end_col))

    def region(self, region: Region) -> types.Range:
        """A region over one or more lines (fz_lsp.analysis.edits.Region)."""
        return self.line_range(region.start_line, region.start_col, region.end_line, region.end_col)

    def location(self, span: Span) -> types.Location:
        return types.Location(uri=self.uri, range=self.range(span))

    def code_point(self, pos: types.Position) -> tuple[int, int]:
        """Client position -> (line, code-point column), clamped into the document."""
        line = pos.line
        if line < 0:
            return 0, 0
        if line >= len(self.lines):
            last = len(self.lines) - 1
            return last, len(self.lines[last])
        return line, positions.from_client(self.lines[line], pos.character, self.encoding)
