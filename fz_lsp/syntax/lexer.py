"""The lexer: one FlowZap line cut into tokens by a scanner that mirrors the grammar's
terminals. The parser's templates (syntax/templates.py), semantic tokens and completion all
read lines through it.

A line's *shape* is its tokens' kinds (token kinds, with keywords, arrows and punctuation by
their text): lines of one shape parse to the same statement up to the tokens' texts and
columns, which is what the templates use.

May import: fz_lsp.syntax.statements, fz_lsp.syntax.vocabulary, fz_lsp.syntax.shape_cache.
"""

from __future__ import annotations

import re

from fz_lsp.syntax import shape_cache
from fz_lsp.syntax.statements import Tok
from fz_lsp.syntax.vocabulary import NAME

_SCAN = re.compile(
    r"""(?P<ws>[ \t]+)
      | (?P<string>"(?:\\.|[^"\\])*")
      | (?P<comment>//[^\r\n]*)
      | (?P<label>\#[^\r\n]*)
      | (?P<name>"""
    + NAME
    + r""")
      | (?P<arrow>-->|->>|-\.->|==>|->|--)
      | (?P<punct>[{}()\[\].:=])""",
    re.X,
)
_WS, _STRING, _COMMENT, _LABEL, _NAME, _ARROW, _PUNCT = range(1, 8)  # the scanner's groups, in order
KEYWORDS = frozenset(
    {"handle", "loop", "graph", "flowchart", "sequenceDiagram", "stateDiagram", "classDiagram", "participant", "actor"}
)


# a line's shape (shape_cache.Shape): its tokens' kinds (a scanner group, or the text of a
# keyword, an arrow or a punctuation mark, or "name"), what its template is found by
Shape = shape_cache.Shape


def scan(line: str) -> tuple[Shape, list[Tok]] | None:
    """(shape, tokens) of a line, or None when the scanner cannot cut it."""
    shape: list[str | int] = []
    toks: list[Tok] = []
    covered = 0
    for m in _SCAN.finditer(line):
        start = m.start()
        if start != covered:
            return None  # a character no terminal matches: let lark say what is wrong
        covered = m.end()
        group = m.lastindex
        assert group is not None  # every alternative of _SCAN is a group
        if group == _WS:
            continue
        text = m.group()
        if group == _NAME:
            if text in KEYWORDS:
                if text == "loop" and not toks:
                    return _scan_loop(line)
                shape.append(text)
            else:
                shape.append("name")
        elif group >= _ARROW:  # arrows and punctuation stand for themselves
            shape.append(text)
        else:
            shape.append(group)
        toks.append(Tok(text, start, covered))
    if covered != len(line):
        return None
    return tuple(shape), toks


def _scan_loop(line: str) -> tuple[Shape, list[Tok]] | None:
    """A loop line: `loop`, an optional `[condition]` (one token), then names or `Lane.name`s."""
    m = re.match(r"([ \t]*)loop", line)
    assert m is not None
    shape: list[str | int] = ["loop"]
    toks = [Tok("loop", m.end(1), m.end())]
    pos = m.end()
    cond = re.compile(r"[ \t]*(\[[^\]\r\n]*\])").match(line, pos)
    if cond:
        toks.append(Tok(cond.group(1), cond.start(1), cond.end(1)))
        shape.append("looptext")
        pos = cond.end()
    for member in re.finditer(r"[ \t]*([^ \t]+)", line[pos:]):
        text = member.group(1)
        member_match = _LOOP_MEMBER.fullmatch(text)
        if member_match is None or member_match.group(1) in KEYWORDS or member_match.group(2) in KEYWORDS:
            return None
        start = pos + member.start(1)
        if member_match.group(2) is None:
            toks.append(Tok(text, start, start + len(text)))
            shape.append("name")
        else:
            lane, node = member_match.group(1), member_match.group(2)
            toks.append(Tok(lane, start, start + len(lane)))
            toks.append(Tok(".", start + len(lane), start + len(lane) + 1))
            toks.append(Tok(node, start + len(lane) + 1, start + len(text)))
            shape.extend(("name", ".", "name"))
    return tuple(shape), toks


_LOOP_MEMBER = re.compile("(" + NAME + r")(?:\.(" + NAME + "))?")
