"""Semantic tokens: a classification of every meaningful token, line by line.

Legend (token types, in this order):

    namespace   lane id (declaration, `Lane.` prefix)
    variable    node id (declaration, edge endpoint, loop member)
    type        shape (`rectangle`, ... and unknown words in that place)
    property    attribute key (`label`, `owner`, ...; node and edge attributes)
    string      attribute value, loop condition `[...]`, lane display label `# ...`
    enumMember  handle direction (only the four real ones: a typo stays unhighlighted)
    operator    `->` (and the Mermaid arrows the grammar recognises, so they stand out)
    keyword     `loop`, `handle`
    comment     `//` lines

Modifiers: `declaration` (lane id in its header, node id in its declaration) and
`documentation` (the lane's display label, which is a `string`: it is text shown in the
diagram, so it is classified like labels, not like a comment).

Well-formed lines are classified from their parsed statement. A broken line (the one
being typed) is classified from the lexer's tokens (syntax/lexer.py) with neighbour rules (a name before `.` is a
lane when such a lane exists, a node when such a node exists), so highlighting does not
flicker while typing; a word still being typed after `nX.` is left unclassified.

Tokens of a line that depend on nothing but its text are memoised by that text, so a
request after an edit only classifies the lines that changed.

`encode` produces the LSP relative 5-integer encoding; the caller passes the column
conversion (code points -> client encoding), which is applied to both ends of every
token, so lengths are in the client's units too.

Pure Python: no pygls/lsprotocol import.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable
from typing import TYPE_CHECKING, NamedTuple

from fz_lsp import syntax
from fz_lsp.base.bounded_memo import BoundedMemo
from fz_lsp.syntax import Tok, lexer
from fz_lsp.syntax.vocabulary import DIRECTIONS

if TYPE_CHECKING:
    from fz_lsp.analysis.document import Document

TOKEN_TYPES = ("namespace", "variable", "type", "property", "string", "enumMember", "operator", "keyword", "comment")
TOKEN_MODIFIERS = ("declaration", "documentation")

_TYPE_INDEX = {t: i for i, t in enumerate(TOKEN_TYPES)}
_MODIFIER_BIT = {m: 1 << i for i, m in enumerate(TOKEN_MODIFIERS)}

DECL = ("declaration",)
DOC = ("documentation",)


class SemanticToken(NamedTuple):
    line: int
    start: int  # code points
    end: int
    type: str
    modifiers: tuple[str, ...] = ()


def _emit(out: list[SemanticToken], line: int, tok: Tok | None, type_: str, mods: tuple[str, ...] = ()) -> None:
    if tok is not None and tok.end > tok.start:
        out.append(SemanticToken(line, tok.start, tok.end, type_, mods))


def _attributes(out: list[SemanticToken], line: int, attrs: Iterable[syntax.Attribute]) -> None:
    for a in attrs:
        _emit(out, line, a.key, "property")
        _emit(out, line, a.value, "string")


def _statement_tokens(
    line: int, st: syntax.Statement, text: str, lane_ids: Container[str], node_ids: Container[str]
) -> list[SemanticToken]:
    out: list[SemanticToken] = []
    if type(st) is syntax.LaneOpen:
        _emit(out, line, st.lane, "namespace", DECL)
        _emit(out, line, st.label, "string", DOC)
    elif type(st) is syntax.DisplayLabel:
        _emit(out, line, st.label, "string", DOC)
    elif type(st) is syntax.NodeDecl:
        _emit(out, line, st.node, "variable", DECL)
        _emit(out, line, st.shape, "type")
        _attributes(out, line, st.attributes)
    elif type(st) is syntax.EdgeStmt:
        for ep in st.endpoints:
            if (
                ep.lane is not None
                and ep.handle is None
                and ep.lane.text not in lane_ids
                and ep.lane.text in node_ids
                and "handle".startswith(ep.node.text)
            ):
                # `n5.hand` while typing `.handle`: the grammar reads a lane prefix `n5`
                _emit(out, line, ep.lane, "variable")
                continue
            _emit(out, line, ep.lane, "namespace")
            _emit(out, line, ep.node, "variable")
            if ep.handle is not None:
                _emit(out, line, ep.handle.keyword, "keyword")
                d = ep.handle.direction
                if d is not None and d.text in DIRECTIONS:
                    _emit(out, line, d, "enumMember")
        for arrow in st.arrows:
            _emit(out, line, arrow, "operator")
        _attributes(out, line, st.attributes)
    elif type(st) is syntax.LoopStmt:
        _emit(out, line, st.keyword, "keyword")
        _emit(out, line, st.condition, "string")
        for m in st.members:
            _emit(out, line, m.lane, "namespace")
            _emit(out, line, m.node, "variable")
    elif type(st) is syntax.Comment:
        _emit(out, line, st.token, "comment")
    elif type(st) is syntax.Broken:
        out.extend(_lex_tokens(line, text, lane_ids, node_ids))
    out.sort(key=lambda t: t.start)
    return out


# -- fallback for broken lines -------------------------------------------------------

_STRINGS = (lexer.STRING, lexer.OPEN_STRING)  # a string being typed is a string
_CONDITIONS = (lexer.CONDITION, lexer.OPEN_CONDITION)


def _lex_tokens(
    line: int, text: str, lane_ids: Container[str] = (), node_ids: Container[str] = ()
) -> list[SemanticToken]:
    kinds, tokens = lexer.tokens(text)
    toks = list(zip(kinds, tokens))

    def text_at(i: int) -> str | None:
        return toks[i][1].text if 0 <= i < len(toks) else None

    def kind_at(i: int) -> str | None:
        return toks[i][0] if 0 <= i < len(toks) else None

    out: list[SemanticToken] = []
    classified: dict[int, str] = {}  # token index -> type given

    def put(i: int, tok: Tok, type_: str, mods: tuple[str, ...] = ()) -> None:
        classified[i] = type_
        _emit(out, line, tok, type_, mods)

    for i, (kind, tok) in enumerate(toks):
        prev, nxt = text_at(i - 1), text_at(i + 1)
        if kind == lexer.COMMENT:
            if i == 0:
                put(i, tok, "comment")
        elif kind == lexer.LABEL:
            if i == 0 or prev == "{":
                put(i, tok, "string", DOC)
        elif kind in _STRINGS or kind in _CONDITIONS:
            put(i, tok, "string")
        elif kind == lexer.ARROW:
            put(i, tok, "operator")
        elif kind == lexer.NAME:
            word = tok.text
            after = text_at(i + 2) if kind_at(i + 2) == lexer.NAME else None
            if i == 0 and word == "loop" and (nxt is None or kind_at(i + 1) in (*_CONDITIONS, lexer.NAME)):
                put(i, tok, "keyword")
            elif prev == ".":
                if word == "handle":
                    put(i, tok, "keyword")
                elif classified.get(i - 2) == "namespace":
                    put(i, tok, "variable")  # the node after `Lane.`
                # else: a word being typed after `nX.` (`n18.h`): left alone
            elif prev == "(" and text_at(i - 2) == "handle":
                if word in DIRECTIONS:
                    put(i, tok, "enumMember")
            elif nxt == "{":
                put(i, tok, "namespace", DECL)
            elif nxt in (":", "=") and kind_at(i + 2) in _STRINGS:
                put(i, tok, "property")
            elif i == 0 and nxt == ":":
                put(i, tok, "variable", DECL)
            elif i == 2 and prev == ":" and kind_at(0) == lexer.NAME:
                put(i, tok, "type")
            elif nxt == "." and (
                word in lane_ids or (word not in node_ids and after is not None and not "handle".startswith(after))
            ):
                put(i, tok, "namespace")
            else:
                put(i, tok, "variable")
    return out


# -- public API ---------------------------------------------------------------------


_new = tuple.__new__  # builds a SemanticToken without NamedTuple's argument handling
# line text -> tokens (line 0) of model-independent lines, within a memory budget
# (ARCHITECTURE.md, "Caches and their bounds"): a line counts as its length + 32, ~10
# bytes of memory per unit, so ~2 MB at most: ~2,700 lines, the visible lines of every
# open editor and whole documents four times FlowZap's own 50,000-character limit
LINE_CACHE_BUDGET = 200_000
LINE_CACHE_MAX_CHARS = 4_096  # longer lines are tokenised each time
_line_cache: BoundedMemo[str, tuple[SemanticToken, ...]] = BoundedMemo(LINE_CACHE_BUDGET, 32)


def _model_dependent(st: syntax.Statement) -> bool:
    """Whether the tokens of `st` depend on the document's lane/node ids, not only on the line."""
    if type(st) is syntax.Broken:
        return True
    if type(st) is syntax.EdgeStmt:
        return any(ep.lane is not None and ep.handle is None for ep in st.endpoints)
    return False


def semantic_tokens(doc: Document, first_line: int = 0, last_line: int | None = None) -> list[SemanticToken]:
    """Tokens of lines first_line..last_line (inclusive; default: the whole document), in order."""
    lines = doc.lines
    last = len(lines) - 1 if last_line is None else min(last_line, len(lines) - 1)
    out: list[SemanticToken] = []
    statements = doc.statements
    model = None
    for i in range(max(first_line, 0), last + 1):
        st = statements[i]
        if st is None:
            continue
        text = lines[i]
        if _model_dependent(st):
            if model is None:
                model = doc.model
            out.extend(_statement_tokens(i, st, text, model.lane_by_id, model.node_by_id))
            continue
        cached = _line_cache.get(text)
        if cached is None:
            cached = tuple(_statement_tokens(0, st, text, (), ()))
            if len(text) <= LINE_CACHE_MAX_CHARS:
                _line_cache.put(text, cached)
        out.extend(_new(SemanticToken, (i, *t[1:])) for t in cached)
    return out


def encode(tokens: Iterable[SemanticToken], column: Callable[[int, int], int]) -> list[int]:
    """LSP's relative encoding: [deltaLine, deltaStart, length, type, modifiers] per token.

    `column(line, code_point_col)` converts a column to the client's encoding; tokens
    must be sorted by position and must not overlap.
    """
    data: list[int] = []
    prev_line = prev_start = 0
    for t in tokens:
        start = column(t.line, t.start)
        length = column(t.line, t.end) - start
        if length <= 0:
            continue
        delta_line = t.line - prev_line
        delta_start = start - prev_start if delta_line == 0 else start
        bits = 0
        for m in t.modifiers:
            bits |= _MODIFIER_BIT[m]
        data.extend((delta_line, delta_start, length, _TYPE_INDEX[t.type], bits))
        prev_line, prev_start = t.line, start
    return data
