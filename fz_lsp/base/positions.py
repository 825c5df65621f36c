"""The one place where columns change units.

Inside fz-lsp every column is a code-point index into a line. Clients count columns in
the negotiated position encoding: UTF-16 code units (the LSP default), UTF-8 bytes or
UTF-32 code points. These functions convert in both directions given the line's text.

Pure Python: no pygls import (encodings are named by their LSP strings).
"""

from __future__ import annotations

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


def to_client(line: str, col: int, encoding: str) -> int:
    """Code-point column -> client column."""
    if encoding == UTF32 or line.isascii():
        return col
    prefix = line[:col]
    if encoding == UTF8:
        return len(prefix.encode("utf-8", "surrogatepass"))
    return len(prefix.encode("utf-16-le", "surrogatepass")) // 2


def from_client(line: str, col: int, encoding: str) -> int:
    """Client column -> code-point column, clamped to the line (a column inside a
    multi-unit character maps to that character's start)."""
    if col <= 0:
        return 0
    if encoding == UTF32 or line.isascii():
        return min(col, len(line))
    units = 0
    for i, ch in enumerate(line):
        o = ord(ch)
        if encoding == UTF8:
            size = 1 if o < 0x80 else 2 if o < 0x800 else 3 if o < 0x10000 else 4
        else:
            size = 2 if o >= 0x10000 else 1
        if units + size > col:
            return i
        units += size
    return len(line)
