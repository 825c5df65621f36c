"""The grammar's reading of one line: lark's LALR parser over grammar/flowzap.lark (the single
source of truth for syntax), its tree turned into statements, its errors into `Broken`s.

lark is imported where it is used: the server answers `initialize` before it loads it.

May import: fz_lsp.base, fz_lsp.syntax.statements (and lark).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from fz_lsp.base.i18n import N_, Listing, msg
from fz_lsp.syntax.statements import (
    Attribute,
    Broken,
    Comment,
    DisplayLabel,
    EdgeStmt,
    Endpoint,
    Foreign,
    Handle,
    LaneClose,
    LaneOpen,
    LoopStmt,
    NodeDecl,
    Statement,
    Tok,
)
from fz_lsp.syntax.vocabulary import NAME

if TYPE_CHECKING:
    from lark import Lark, Token, Tree
    from lark.exceptions import UnexpectedInput

    Child = Token | Tree[Token]  # a child in lark's parse tree


def grammar_text() -> str:
    """The grammar source: the copy shipped in the package (fz_lsp/syntax/flowzap.lark in a
    wheel), else the checkout's grammar/."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "flowzap.lark", here.parent.parent / "grammar" / "flowzap.lark"):
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    raise FileNotFoundError("flowzap.lark not found in fz_lsp/syntax/ or in grammar/")


@lru_cache(maxsize=1)
def parser() -> Lark:
    from lark import Lark

    # cache=True keeps the built parser in the temp folder (keyed by grammar and lark
    # version), so a new server process skips the ~150 ms grammar analysis
    return Lark(grammar_text(), parser="lalr", lexer="contextual", maybe_placeholders=False, cache=True)


def _token(child: Child) -> Token:
    """`child`, where the grammar puts a token."""
    from lark import Token

    assert isinstance(child, Token), child
    return child


def _subtree(child: Child) -> Tree[Token]:
    """`child`, where the grammar puts a rule."""
    from lark import Tree

    assert isinstance(child, Tree), child
    return child


def _tok(child: Child) -> Tok:
    """The Tok of a token of lark's tree (lark gives every token it lexes its columns)."""
    t = _token(child)
    assert t.column is not None and t.end_column is not None, t
    return Tok(str(t), t.column - 1, t.end_column - 1)


def _attribute(child: Child) -> Attribute:
    key, op_tree, value = _subtree(child).children
    return Attribute(_tok(key), _tok(_subtree(op_tree).children[0]), _tok(value))


def _handle(tree: Tree[Token]) -> Handle:
    kids = tree.children
    dot, kw = _tok(kids[0]), _tok(kids[1])
    direction = None
    has_open = has_close = False
    last = kw
    for k in kids[2:]:
        last = _tok(k)
        kind = _token(k).type
        if kind == "LPAR":
            has_open = True
        elif kind == "RPAR":
            has_close = True
        elif kind == "NAME":
            direction = last
    return Handle(dot, kw, direction, has_open and has_close, last)


def _endpoint(tree: Tree[Token]) -> Endpoint:
    from lark import Token, Tree

    names = [c for c in tree.children if isinstance(c, Token) and c.type == "NAME"]
    handle = next((_handle(c) for c in tree.children if isinstance(c, Tree)), None)
    if len(names) == 2:
        return Endpoint(_tok(names[0]), _tok(names[1]), handle)
    return Endpoint(None, _tok(names[0]), handle)


def _loop_member(kids: list[Child]) -> Endpoint:
    """`nX` or `Lane.nX` of a loop (NAME, or NAME DOT NAME): loops can have many members."""
    if len(kids) == 1:
        return Endpoint(None, _tok(kids[0]), None)
    return Endpoint(_tok(kids[0]), _tok(kids[-1]), None)


def _statement(tree: Tree[Token]) -> Statement:
    from lark import Token, Tree

    kind = tree.data
    kids = tree.children
    if kind == "lane_open":
        label = _tok(kids[2]) if len(kids) > 2 else None
        return LaneOpen(_tok(kids[0]), _tok(kids[1]), label)
    if kind == "lane_close":
        return LaneClose(_tok(kids[0]))
    if kind == "display_label":
        return DisplayLabel(_tok(kids[0]))
    if kind == "node_decl":
        return NodeDecl(_tok(kids[0]), _tok(kids[1]), _tok(kids[2]), tuple(_attribute(a) for a in kids[3:]))
    if kind == "edge":
        endpoints: list[Endpoint] = []
        arrows: list[Tok] = []
        attrs: tuple[Attribute, ...] = ()
        brackets: tuple[Tok, Tok] | None = None
        for k in kids:
            part = _subtree(k)
            if part.data == "endpoint":
                endpoints.append(_endpoint(part))
            elif part.data == "arrow":
                arrows.append(_tok(part.children[0]))
            else:  # edge_attributes
                toks = [c for c in part.children if isinstance(c, Token)]
                brackets = (_tok(toks[0]), _tok(toks[-1]))
                attrs = tuple(_attribute(c) for c in part.children if isinstance(c, Tree))
        return EdgeStmt(tuple(endpoints), tuple(arrows), attrs, brackets)
    if kind == "loop":
        cond = next((_tok(k) for k in kids if isinstance(k, Token) and k.type == "LOOP_TEXT"), None)
        members = tuple(_loop_member(k.children) for k in kids if type(k) is Tree)
        return LoopStmt(_tok(kids[0]), cond, members)
    if kind == "comment":
        return Comment(_tok(kids[0]))
    if kind == "foreign":
        return Foreign(_tok(kids[0]))
    raise AssertionError(f"unexpected rule {kind}")  # pragma: no cover - grammar and code disagree


_FIRST_WORD = re.compile(r"[ \t]*(" + NAME + ")")

_EXPECTED_NAMES = {
    "NAME": msg("a name"),
    "STRING": msg('a "quoted string"'),
    "ARROW": "`->`",
    "LPAR": "`(`",
    "RPAR": "`)`",
    "LSQB": "`[`",
    "RSQB": "`]`",
    "COLON": "`:`",
    "EQUAL": "`=`",
    "DOT": "`.`",
    "LBRACE": "`{`",
    "RBRACE": "`}`",
    "HANDLE_KW": "`handle`",
    "LANE_LABEL": "`# label`",
    "LOOP_TEXT": "`[condition]`",
}


def _describe_expected(expected: set[str]) -> Listing | None:
    """What the grammar expected, in English alphabetical order (at most four, then "...")."""
    names = sorted({_EXPECTED_NAMES[e] for e in expected if e in _EXPECTED_NAMES}, key=str)
    if not names:
        return None
    if len(names) > 4:
        names = [*names[:4], "..."]
    return Listing(tuple(names), None)


UNTERMINATED = N_('Unterminated string: add the closing `"`')


def _broken(line: str, err: UnexpectedInput) -> Broken:
    from lark.exceptions import UnexpectedCharacters, UnexpectedToken

    m = _FIRST_WORD.match(line)
    first = Tok(m.group(1), m.start(1), m.end(1)) if m else None
    if isinstance(err, UnexpectedCharacters):
        col = err.column - 1
        ch = line[col] if col < len(line) else ""
        if ch == '"':
            return Broken(msg(UNTERMINATED), col, len(line), first)
        return Broken(msg("Unexpected character {char}", char=repr(ch)), col, col + 1, first)
    assert isinstance(err, UnexpectedToken)
    tok = err.token
    expected = _describe_expected(set(err.expected))
    if tok.type == "$END":
        end = len(line.rstrip())
        start = max(0, end - 1)
        # point at the last word of the unfinished statement
        tail = re.search(r"[^ \t]+$", line[:end])
        if tail:
            start = tail.start()
        if expected is None:
            return Broken(msg("Unfinished statement"), start, end, first)
        return Broken(msg("Unfinished statement (expected {expected})", expected=expected), start, end, first)
    start = tok.column - 1
    if expected is None:
        return Broken(msg("Unexpected {token}", token=repr(str(tok))), start, tok.end_column - 1, first)
    return Broken(
        msg("Unexpected {token} (expected {expected})", token=repr(str(tok)), expected=expected),
        start,
        tok.end_column - 1,
        first,
    )


def lark_statement(line: str) -> Statement:
    """The grammar's reading of a line (no memo, no recovery)."""
    from lark import Tree
    from lark.exceptions import UnexpectedInput

    try:
        tree = parser().parse(line)
    except UnexpectedInput as err:
        return _broken(line, err)
    if not isinstance(tree, Tree) or tree.data == "start":  # nothing but blanks
        return None
    return _statement(tree)
