"""The lexer: one FlowZap line cut into tokens, the one reading of a line's tokens that every
layer shares (the parser's templates, semantic tokens, completion).

`tokens(line)` is total: every character but blanks belongs to a token, and each token has
a kind. Besides the grammar's terminals it gives what a line being typed has: a string or a
loop condition not closed yet (`OPEN_STRING`, `OPEN_CONDITION`) and any other character
(`OTHER`). `scan(line)` is the strict reading built on it: the line's *shape* and tokens
when every token is one of the grammar's terminals, else None (lark then says what is
wrong).

A line's shape is its tokens' kinds, with keywords, arrows and punctuation by their text:
lines of one shape parse to the same statement up to the tokens' texts and columns, which
is what the templates (syntax/templates.py) use.

May import: fz_lsp.syntax.statements, fz_lsp.syntax.vocabulary, fz_lsp.syntax.shape_cache.
"""

from __future__ import annotations

import re

from fz_lsp.syntax import shape_cache
from fz_lsp.syntax.statements import Tok, new_tok
from fz_lsp.syntax.vocabulary import NAME as NAME_PATTERN, NAME_CHAR, NAME_END

# token kinds
NAME = "name"  # an identifier (FlowZap's words too: `handle`, `loop`, shapes, directions)
PUNCT = "punct"  # one of { } ( ) [ ] . : =
ARROW = "arrow"  # `->`, or a Mermaid arrow the grammar recognises (`-->`, `->>`, `-.->`, `==>`, `--`)
STRING = "string"  # a quoted string, quotes included
LABEL = "label"  # `# Display label` to the end of the line
COMMENT = "comment"  # `// ...` to the end of the line
CONDITION = "condition"  # `[text]` right after a leading `loop`
OPEN_STRING = "open string"  # a string without its closing quote (to the end of the line)
OPEN_CONDITION = "open condition"  # a loop condition without its `]` (to the end of the line)
OTHER = "other"  # a character no terminal starts with

ERROR_KINDS = frozenset({OPEN_STRING, OPEN_CONDITION, OTHER})  # what the grammar never accepts

KEYWORDS = frozenset(
    {"handle", "loop", "graph", "flowchart", "sequenceDiagram", "stateDiagram", "classDiagram", "participant", "actor"}
)

# the lexer's terminals, each a regular expression (shared by the patterns below)
_NAME_RE = NAME_PATTERN
_ARROW_RE = r"-->|->>|-\.->|==>|->|--"  # before punctuation: `==>` is an arrow, not `=`
_PUNCT_RE = r"[{}()\[\].:=]"
_STRING_RE = r'"(?:\\.|[^"\\])*"'
_LABEL_RE = r"\#[^\r\n]*"
_COMMENT_RE = r"//[^\r\n]*"
_OPEN_STRING_RE = r'"(?:\\.|[^"\\])*'
_CONDITION_RE = r"\[[^\]\r\n]*\]"
_WORD_END = NAME_END

# one token after optional blanks; the group that matched is the token's kind (_KINDS)
_TOKEN = re.compile(
    rf"[ \t]*(?:({_NAME_RE})|({_ARROW_RE})|({_PUNCT_RE})|({_STRING_RE})|({_LABEL_RE})|({_COMMENT_RE})"
    rf"|({_OPEN_STRING_RE})|([^ \t]))"
)
_KINDS = ("", NAME, ARROW, PUNCT, STRING, LABEL, COMMENT, OPEN_STRING, OTHER)  # by group number
# a leading `loop` and its condition (the grammar's LOOP_TEXT: the text in [...] is one token)
_LOOP_HEAD = re.compile(rf"[ \t]*(loop){_WORD_END}[ \t]*(?:({_CONDITION_RE})|(\[[^\]\r\n]*))?")


def tokens(line: str) -> tuple[list[str], list[Tok]]:
    """(kinds, tokens) of every token of a line, in order; blanks are not tokens."""
    kinds: list[str] = []
    toks: list[Tok] = []
    pos = 0
    if "loop" in line:
        head = _LOOP_HEAD.match(line)
        if head is not None:
            kinds.append(NAME)
            toks.append(new_tok("loop", head.start(1), head.end(1)))
            pos = head.end()
            if head.lastindex is not None and head.lastindex > 1:
                kinds.append(CONDITION if head.lastindex == 2 else OPEN_CONDITION)
                toks.append(new_tok(head.group(head.lastindex), head.start(head.lastindex), pos))
    add_kind, add_tok, kind_of = kinds.append, toks.append, _KINDS
    for m in _TOKEN.finditer(line, pos):
        group = m.lastindex
        start, end = m.span(group)  # type: ignore[arg-type]  # every alternative is a group
        add_kind(kind_of[group])  # type: ignore[index]
        add_tok(new_tok(line[start:end], start, end))
    return kinds, toks


# a line's shape (shape_cache.Shape): its tokens' kinds, with keywords, arrows and
# punctuation by their text, what its template is found by
Shape = shape_cache.Shape


def scan(line: str) -> tuple[Shape, list[Tok]] | None:
    """(shape, tokens) of a line whose every token is one of the grammar's terminals, else None."""
    kinds, toks = tokens(line)
    shape: list[str | int] = []
    add = shape.append
    for kind, tok in zip(kinds, toks):
        if kind is NAME:
            text = tok.text
            add(text if text in KEYWORDS else NAME)
        elif kind is PUNCT or kind is ARROW:
            add(tok.text)
        elif kind in ERROR_KINDS:
            return None
        else:
            add(kind)
    return tuple(shape), toks


# -- a line's template found without a Python loop per token -------------------------------
#
# `shape_key(line)` is a cheap key for a line's shape made by the string methods alone: the
# line with the insides of its strings, its names, keywords and blanks taken out (what
# remains: arrows, punctuation, one `"` per string), and for a loop the number of its
# members. Every line of one shape has the key
# `key_of_shape(shape)`, but for the few lines whose labels, comments or loop conditions hold
# punctuation (or whose strings hold an escaped quote), which have other keys; and shapes
# can share a key. So a key only says which shape to try: `line_pattern(shape)` is a regular
# expression that matches exactly the lines `scan` reads as that shape, with one group per
# token, so that one match gives every token's columns. The templates use them to build a
# line's statement straight from that match.

_TAKEN_OUT = str.maketrans("", "", "".join(c for c in map(chr, range(128)) if NAME_CHAR.match(c)) + " \t")
_KEY_OF_KIND = {NAME: "", STRING: '"', LABEL: "#", COMMENT: "//", CONDITION: "[]"}
# the pattern of each element of a shape that is not a keyword, an arrow or a punctuation mark
_KEYWORD_RE = "|".join(sorted(KEYWORDS))
_ELEMENT_RE = {
    NAME: rf"(?!(?:{_KEYWORD_RE}){_WORD_END}){_NAME_RE}{_WORD_END}",
    STRING: _STRING_RE,
    LABEL: _LABEL_RE,
    COMMENT: _COMMENT_RE,
    CONDITION: _CONDITION_RE,
}


def shape_key(line: str) -> str:
    """The key of a line's shape (see above)."""
    words = ""
    if "loop" in line:  # loops differ by their members alone: their number is in the key
        head = _LOOP_HEAD.match(line)
        if head is not None:
            words = f" {len(line[head.end() :].split())}"
    if '"' in line:
        line = '"'.join(line.split('"')[::2])  # a string's insides out, one quote kept
    return line.translate(_TAKEN_OUT) + words


def key_of_shape(shape: Shape) -> str:
    """The key `shape_key` gives the lines of `shape` (a loop's members written `nX` or
    `Lane.nX`, as FlowZap writes them)."""
    key = "".join(
        "" if element in KEYWORDS else _KEY_OF_KIND.get(element, element) for element in shape if type(element) is str
    )
    if shape[:1] == ("loop",):
        members = shape[2:] if shape[1:2] == (CONDITION,) else shape[1:]
        key += f" {sum(1 for e in members if e == NAME or e in KEYWORDS) - members.count('.')}"
    return key


def line_pattern(shape: Shape) -> re.Pattern[str]:
    """A regular expression whose `fullmatch` takes exactly the lines `scan` reads as
    `shape`, token k in group k + 1."""
    parts = []
    for element in shape:
        assert type(element) is str, shape
        pattern = _ELEMENT_RE.get(element)
        if pattern is None:
            pattern = re.escape(element) + (_WORD_END if element in KEYWORDS else "")
        parts.append(rf"[ \t]*({pattern})")
    return re.compile("".join(parts) + r"[ \t]*")
