"""Ids written with characters an id may not have (`Café {`, `销售 {`, `2fa: circle`,
`Ops.né.handle(left)`): where they are on a line, the ASCII id a lane could take instead,
and a statement given back the ids as written (syntax/recovery.py reads such a line with a
valid stand-in of the same length, so that it keeps its meaning and one message).

May import: fz_lsp.syntax.statements, fz_lsp.syntax.vocabulary (stdlib otherwise).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from fz_lsp.syntax.statements import Tok
from fz_lsp.syntax.vocabulary import ID_PATTERN, NAME_CHARS

# a word as a person writes an id: letters and digits of any script, `_`, combining accents,
# `-` between two of them (`my-lane`)
_WORDISH = r"[\w\u0300-\u036f]+(?:-(?![->])[\w\u0300-\u036f]+)*"
_HEADER_ID = re.compile(r"[ \t]*(" + _WORDISH + r")[ \t]*[{:]")  # `Café {`, `né: circle`
_DOTTED_ID = re.compile(r"(?<![\w.])" + _WORDISH + r"(?=[ \t]*\.)|(?<=\.)" + _WORDISH + r"(?=[ \t]*\.)")
_LOOP_CONDITION = re.compile(r"([ \t]*loop\b[ \t]*)(\[[^\]]*\]?)?")


def invalid_ids(line: str, masked: str) -> list[tuple[int, int]]:
    """(start, end) of each word in an id's place that is not an identifier: a lane header's
    or a node declaration's id, an edge endpoint's lane or node, a loop's members (`masked`:
    the line with the insides of its strings blanked, same columns)."""
    masked = masked.split("#", 1)[0]  # a display label cut off
    loop = _LOOP_CONDITION.match(masked)
    if loop is not None:
        words = [m.span() for m in re.finditer(_WORDISH, masked[loop.end() :])]
        spans = [(s + loop.end(), e + loop.end()) for s, e in words]
    elif "->" in masked:
        spans = [m.span() for m in _DOTTED_ID.finditer(masked)]
    else:
        header = _HEADER_ID.match(masked)
        spans = [header.span(1)] if header is not None else []
    return [(s, e) for s, e in spans if not ID_PATTERN.match(line[s:e])]


def ascii_id(word: str, fallback: str) -> str:
    """`Café` -> `Cafe`, `my-lane` -> `my_lane`, `2fa` -> `_2fa`; `fallback` when nothing of
    the word is ASCII (`销售`)."""
    folded = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode("ascii")
    folded = re.sub(rf"[^{NAME_CHARS}]+", "_", folded).strip("_")
    if not folded:
        return fallback
    return "_" + folded if folded[0].isdigit() else folded


def with_ids(value: Any, written: dict[int, str]) -> Any:
    """`value` (a statement or a part of one) with each token starting at a column of
    `written` given the text written there."""
    if type(value) is Tok:
        return Tok(written[value.start], value.start, value.end) if value.start in written else value
    if type(value) is tuple:
        return tuple(with_ids(v, written) for v in value)
    if value is None or type(value) in (bool, str, int):
        return value
    return type(value)(*(with_ids(getattr(value, f), written) for f in value.__slots__))
