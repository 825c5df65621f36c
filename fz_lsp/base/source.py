"""The text of a document as lines, and edits to it.

Lines are split the way LSP counts them: LF, CRLF and CR each end a line (and nothing
else does: unlike str.splitlines, U+2028 or form feed stay inside a line). Every line
keeps its terminator so the text can be rebuilt byte for byte.

Edits are given in code-point columns; converting from the client's position encoding
happens in fz_lsp/positions.py, nowhere else.

Pure Python: no pygls import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TERMINATOR = re.compile(r"\r\n|\r|\n")
_SURROGATE = re.compile("[\ud800-\udfff]")


def pair_surrogates(text: str) -> str:
    """Join a high and a low surrogate that ended up next to each other into one character.

    Clients count in UTF-16: an edit may deliver the two halves of an astral character
    separately (as lone `\\uXXXX` escapes); the client's text then holds the character,
    and so must ours. Lone surrogates that do not pair stay as they are."""
    if _SURROGATE.search(text) is None:
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def split_lines(text: str) -> tuple[list[str], list[str]]:
    """Split text into (lines without terminators, terminators).

    There is always one more line than terminators: "a\n" is ["a", ""] with ends ["\n", ""].
    """
    if "\r" not in text:  # LF only (most files): str.split, without a Python loop per line
        parts = text.split("\n")
        return parts, ["\n"] * (len(parts) - 1) + [""]
    lines: list[str] = []
    ends: list[str] = []
    pos = 0
    for m in _TERMINATOR.finditer(text):
        lines.append(text[pos : m.start()])
        ends.append(m.group())
        pos = m.end()
    lines.append(text[pos:])
    ends.append("")
    return lines, ends


@dataclass
class Splice:
    """Lines [first, first+removed) were replaced by `added` new lines."""

    first: int
    removed: int
    added: int


class SourceText:
    """A document's text held as lines, edited in place."""

    def __init__(self, text: str) -> None:
        text = pair_surrogates(text)
        self.lines, self.ends = split_lines(text)
        self._length = len(text)

    @property
    def text(self) -> str:
        return "".join(line + end for line, end in zip(self.lines, self.ends))

    def __len__(self) -> int:
        """Number of code points in the whole text (kept up to date by `replace`)."""
        return self._length

    def clamp(self, line: int, col: int) -> tuple[int, int]:
        """The nearest real position (code points) to (line, col)."""
        if line < 0:
            return 0, 0
        if line >= len(self.lines):
            last = len(self.lines) - 1
            return last, len(self.lines[last])
        return line, max(0, min(col, len(self.lines[line])))

    def replace(self, start: tuple[int, int], end: tuple[int, int], new_text: str) -> Splice:
        """Replace the text between two code-point positions. Returns which lines changed."""
        (sl, sc), (el, ec) = self.clamp(*start), self.clamp(*end)
        if (el, ec) < (sl, sc):
            (sl, sc), (el, ec) = (el, ec), (sl, sc)
        chunk = self.lines[sl][:sc] + new_text + self.lines[el][ec:] + self.ends[el]
        first = sl
        # A CR ending the line before the chunk and an LF starting it form one CRLF.
        if first > 0 and self.ends[first - 1] == "\r" and chunk.startswith("\n"):
            first -= 1
            chunk = self.lines[first] + "\r" + chunk
        new_lines, new_ends = split_lines(pair_surrogates(chunk))
        if self.ends[el]:
            # the chunk ends with line el's terminator: its empty tail belongs to line el+1
            new_lines.pop()
            new_ends.pop()
        old = sum(len(x) + len(e) for x, e in zip(self.lines[first : el + 1], self.ends[first : el + 1]))
        self._length += sum(len(x) + len(e) for x, e in zip(new_lines, new_ends)) - old
        self.lines[first : el + 1] = new_lines
        self.ends[first : el + 1] = new_ends
        return Splice(first, el + 1 - first, len(new_lines))
