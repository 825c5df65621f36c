"""Line syntax: one FlowZap line -> one plain statement object.

The grammar (grammar/flowzap.lark, shipped inside the package as fz_lsp/flowzap.lark)
parses a single line. This module runs lark on a line and turns its tree into small
frozen dataclasses whose tokens carry code-point columns within the line. Results are
memoised by line text, so re-analysing an edited document only parses the lines
that changed.

Pure Python: no pygls import.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, final

from fz_lsp import shape_cache
from fz_lsp.i18n import N_, Listing, Msg, msg

# FlowZap's words (the model, the checks and the recovery of broken lines read them here)
SHAPES = ("circle", "rectangle", "diamond", "taskbox")
NODE_ATTRIBUTES = ("label", "owner", "description", "system")
EDGE_ATTRIBUTES = ("label",)
DIRECTIONS = ("left", "right", "top", "bottom")

if TYPE_CHECKING:
    from lark import Lark, Token, Tree
    from lark.exceptions import UnexpectedInput

    Child = Token | Tree[Token]  # a child in lark's parse tree

# lark is imported where it is used: the server answers `initialize` before it loads it

# ---------------------------------------------------------------------------
# Tokens and statements (columns are 0-based code points within the line). Every class is
# final: code tells them apart with `type(x) is C` (cheaper than isinstance on hot paths),
# and mypy then knows what `x` is, and what it is not.


@final
@dataclass(frozen=True, slots=True)
class Tok:
    text: str
    start: int
    end: int


@final
@dataclass(frozen=True, slots=True)
class Attribute:
    key: Tok
    op: Tok  # ":" or "="
    value: Tok  # the quoted string as written, quotes included

    @property
    def text(self) -> str:
        return unquote(self.value.text)


@final
@dataclass(frozen=True, slots=True)
class Handle:
    dot: Tok  # the "." before `handle`
    keyword: Tok  # `handle`
    direction: Tok | None  # the word inside (...), None when missing
    closed: bool  # both parentheses present
    last: Tok  # the last token of the handle (`)`, the direction, `(` or `handle`)

    @property
    def end(self) -> int:
        """Column after the last token of the handle."""
        return self.last.end


@final
@dataclass(frozen=True, slots=True)
class Endpoint:
    lane: Tok | None  # `Lane` in `Lane.nX`
    node: Tok
    handle: Handle | None

    @property
    def start(self) -> int:
        return (self.lane or self.node).start

    @property
    def end(self) -> int:
        return self.handle.end if self.handle else self.node.end


@final
@dataclass(frozen=True, slots=True)
class LaneOpen:
    lane: Tok
    brace: Tok
    label: Tok | None  # `# Display Label` as written (with the #)


@final
@dataclass(frozen=True, slots=True)
class LaneClose:
    brace: Tok


@final
@dataclass(frozen=True, slots=True)
class DisplayLabel:
    label: Tok  # `# Display Label`


@final
@dataclass(frozen=True, slots=True)
class NodeDecl:
    node: Tok
    colon: Tok
    shape: Tok
    attributes: tuple[Attribute, ...]


@final
@dataclass(frozen=True, slots=True)
class EdgeStmt:
    endpoints: tuple[Endpoint, ...]  # two, or more for a (wrong) chain
    arrows: tuple[Tok, ...]
    attributes: tuple[Attribute, ...]  # inside [...]
    brackets: tuple[Tok, Tok] | None


@final
@dataclass(frozen=True, slots=True)
class LoopStmt:
    keyword: Tok
    condition: Tok | None  # `[text]` with brackets
    members: tuple[Endpoint, ...]  # `nX` or `Lane.nX` (handle always None)


@final
@dataclass(frozen=True, slots=True)
class Comment:
    token: Tok


@final
@dataclass(frozen=True, slots=True)
class Foreign:
    """A Mermaid / PlantUML line such as `graph TD` or `participant A`."""

    token: Tok


@final
@dataclass(frozen=True, slots=True)
class Broken:
    """A line the grammar rejects. `start`/`end` point at the offending token.

    fz_lsp/recovery.py names the slip and keeps what the line still says: `recovered` is
    the statement of the repaired line (tokens in this line's columns; a token the repair
    inserted has zero width), `fixes` the repair itself (replace [start, end) by text),
    `touches` the nodes an unreadable edge or loop line names.

    `message` and `fix_title` are messages still to translate (fz_lsp/i18n.py): a
    statement is memoised by line text and shared by every document, whatever the
    language they are checked in."""

    message: Msg
    start: int
    end: int
    first_word: Tok | None  # leading identifier, used to keep partial information
    code: str = "syntax-error"  # "not-flowzap" for Mermaid / PlantUML text
    recovered: Statement = None
    fixes: tuple[Tok, ...] = ()
    fix_title: Msg | Listing | str = ""
    touches: tuple[Endpoint, ...] = ()


Statement = LaneOpen | LaneClose | DisplayLabel | NodeDecl | EdgeStmt | LoopStmt | Comment | Foreign | Broken | None

# ---------------------------------------------------------------------------
# Grammar loading


def grammar_text() -> str:
    """The grammar source: the copy shipped in the package, else the repo's grammar/."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "flowzap.lark", here.parent / "grammar" / "flowzap.lark"):
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    raise FileNotFoundError("flowzap.lark not found next to fz_lsp or in grammar/")


@lru_cache(maxsize=1)
def parser() -> Lark:
    from lark import Lark

    # cache=True keeps the built parser in the temp folder (keyed by grammar and lark
    # version), so a new server process skips the ~150 ms grammar analysis
    return Lark(grammar_text(), parser="lalr", lexer="contextual", maybe_placeholders=False, cache=True)


def unquote(raw: str) -> str:
    """The text of a FlowZap string literal (quotes removed, \\" and \\\\ decoded)."""
    if len(raw) >= 2 and raw[0] == '"' and raw[-1] == '"':
        raw = raw[1:-1]
    if "\\" in raw:
        raw = re.sub(r"\\(.)", r"\1", raw)
    return raw


# ---------------------------------------------------------------------------
# Tree -> statements


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


_FIRST_WORD = re.compile(r"[ \t]*([A-Za-z_][A-Za-z0-9_]*)")

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


# ---------------------------------------------------------------------------
# Shape templates: most lines of a document share a handful of shapes
# (`nA.handle(x) -> nB.handle(y)`, `nK: rectangle label:"…"`). A line is first cut into
# tokens by a small scanner that mirrors the grammar's terminals; lines with the same
# token shape (token kinds, with keywords by their text) parse to the same statement up
# to the tokens' texts and columns. So lark parses the first line of each shape, and a
# later line of that shape is the cached statement rebuilt with its own tokens. A shape
# gets a template only when every token of lark's statement coincides with a scanner
# token, which proves the two cut the line the same way; otherwise lark parses every
# line of that shape.

_SCAN = re.compile(
    r"""(?P<ws>[ \t]+)
      | (?P<string>"(?:\\.|[^"\\])*")
      | (?P<comment>//[^\r\n]*)
      | (?P<label>\#[^\r\n]*)
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<arrow>-->|->>|-\.->|==>|->|--)
      | (?P<punct>[{}()\[\].:=])""",
    re.X,
)
_WS, _STRING, _COMMENT, _LABEL, _NAME, _ARROW, _PUNCT = range(1, 8)  # the scanner's groups, in order
_KEYWORDS = frozenset(
    {"handle", "loop", "graph", "flowchart", "sequenceDiagram", "stateDiagram", "classDiagram", "participant", "actor"}
)


# a line's shape (shape_cache.Shape): its tokens' kinds (a scanner group, or the text of a
# keyword, an arrow or a punctuation mark, or "name"), what its template is found by
Shape = shape_cache.Shape
Template = tuple[Callable[[list[Tok]], Statement], str]  # (builder, its source)


def _scan(line: str) -> tuple[Shape, list[Tok]] | None:
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
            if text in _KEYWORDS:
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
        if member_match is None or member_match.group(1) in _KEYWORDS or member_match.group(2) in _KEYWORDS:
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


_LOOP_MEMBER = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\.([A-Za-z_][A-Za-z0-9_]*))?")


def _toks_of(value: object, out: list[Tok]) -> None:
    """The tokens of a statement or of a part of one, in field order."""
    if type(value) is Tok:
        out.append(value)
    elif type(value) is tuple:
        for v in value:
            _toks_of(v, out)
    elif is_dataclass(value):
        for f in fields(value):
            _toks_of(getattr(value, f.name), out)


def _builder_source(value: object, positions: dict[int, int]) -> str:
    """Python source that rebuilds `value` from a token list `t`."""
    if type(value) is Tok:
        return f"t[{positions[id(value)]}]"
    if type(value) is tuple:
        return "(" + "".join(_builder_source(v, positions) + ", " for v in value) + ")"
    if value is None or type(value) is bool:
        return repr(value)
    assert is_dataclass(value), value
    args = ", ".join(_builder_source(getattr(value, f.name), positions) for f in fields(value))
    return f"{type(value).__name__}({args})"


def _make_template(statement: Statement, toks: list[Tok]) -> Template | None:
    """(function, its source) rebuilding `statement` from another line's tokens, or None
    when lark's tokens do not coincide with the scanner's."""
    by_span = {(t.start, t.end, t.text): k for k, t in enumerate(toks)}
    positions: dict[int, int] = {}
    used: list[Tok] = []
    _toks_of(statement, used)
    for t in used:
        k = by_span.get((t.start, t.end, t.text))
        if k is None:
            return None
        positions[id(t)] = k
    source = "lambda t: " + _builder_source(statement, positions)
    return eval(source, _BUILDER_GLOBALS), source  # our own source


_BUILDER_NAMES: dict[str, type] = {
    c.__name__: c
    for c in (
        Tok,
        Attribute,
        Handle,
        Endpoint,
        LaneOpen,
        LaneClose,
        DisplayLabel,
        NodeDecl,
        EdgeStmt,
        LoopStmt,
        Comment,
        Foreign,
    )
}
_BUILDER_GLOBALS: dict[str, Any] = {"__builtins__": {}, **_BUILDER_NAMES}


# ---------------------------------------------------------------------------
# Memos, each within a memory budget (ARCHITECTURE.md, "Caches and their bounds"). A
# server lives for days and every keystroke makes a new line text, so no memo here grows
# without bound. Statements are memoised by line text in two BoundedMemos: the lines of
# whole texts (parse_lines: a document opened again is not parsed again) and the lines
# edits made (parse_line: typing back what was just there, undo). Keeping them apart
# lets typing churn through its own small budget without pushing out the lines of
# documents. Templates are memoised by shape.

from fz_lsp.bounded_memo import BoundedMemo  # noqa: E402

LINE_ENTRY_WEIGHT = 32  # a memoised line counts as its length + this (~20 bytes of memory per unit)
DOCUMENT_LINES_BUDGET = 1_000_000  # lines of whole texts: ~20 MB, a closed 10,000-line document reopens warm
EDITED_LINES_BUDGET = 100_000  # lines made by edits: ~2 MB, the last ~1,300 lines typed
MEMO_MAX_LINE_CHARS = 4_096  # a longer line is parsed each time it is asked for (its document holds it)
TEMPLATE_ENTRY_WEIGHT = 16  # a template counts as the tokens of its shape + this
TEMPLATES_BUDGET = 16_384  # ~600 shapes of a dozen tokens (a document has a few dozen)

_document_lines: BoundedMemo[str, Statement] = BoundedMemo(DOCUMENT_LINES_BUDGET, LINE_ENTRY_WEIGHT)
_edited_lines: BoundedMemo[str, Statement] = BoundedMemo(EDITED_LINES_BUDGET, LINE_ENTRY_WEIGHT)
# shape -> (builder, its source: what shape_cache keeps), or None: lark parses every line of that shape
_templates: BoundedMemo[Shape, Template | None] = BoundedMemo(TEMPLATES_BUDGET, TEMPLATE_ENTRY_WEIGHT)
_templates_loaded = False  # the saved templates are taken before the first parse
_learned = 0  # templates learned from lark since the last save
_saving = True  # False once saving failed (read-only home, ...): the cache is only an optimisation


class _Missing(enum.Enum):
    MISSING = enum.auto()


_MISSING: Final = _Missing.MISSING  # what a memo answers for a line (or shape) it does not hold
parse_count = 0  # number of lines actually parsed, by lark or from a template (for tests)


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


def _lark_statement(line: str) -> Statement:
    st = lark_statement(line)
    if type(st) is Broken:
        from fz_lsp.recovery import recover

        return recover(line, st)
    return st


# A shape of more tokens never gets a template: such lines (a loop of thousands of members)
# do not repeat, and compiling a builder for them costs more than lark's parse.
TEMPLATE_MAX_TOKENS = 256


def parse_line(line: str) -> Statement:
    """Parse one line (no terminator) as an edit made it. Memoised by text (the lines
    edits made, then those of whole texts) and by shape (see above)."""
    st = _edited_lines.get(line, _MISSING)
    if st is _MISSING:
        st = _document_lines.get(line, _MISSING)
        if st is _MISSING:
            st = _parse(line)
            if len(line) <= MEMO_MAX_LINE_CHARS:
                _edited_lines.put(line, st)
    return st


def parse_lines(lines: list[str]) -> list[Statement]:
    """The statements of a whole text's lines (a document opened or replaced whole),
    memoised among the lines of whole texts."""
    out: list[Statement] = []
    document_get, edited_get, put = _document_lines.get, _edited_lines.get, _document_lines.put
    for line in lines:
        st = document_get(line, _MISSING)
        if st is _MISSING:
            st = edited_get(line, _MISSING)
            if st is _MISSING:
                st = _parse(line)
            if len(line) <= MEMO_MAX_LINE_CHARS:
                put(line, st)
        out.append(st)
    return out


def _parse(line: str) -> Statement:
    """Parse a line no memo holds: through its shape's template, else with lark (and
    learn the shape's template from lark's statement)."""
    global parse_count, _learned
    parse_count += 1
    if not _templates_loaded:
        _load_templates()
    if not line or line.isspace():
        return None
    scanned = _scan(line)
    if scanned is None:
        return _lark_statement(line)
    shape, toks = scanned
    template = _templates.get(shape, _MISSING)
    if template is not _MISSING and template is not None:
        try:
            return template[0](toks)
        except Exception:  # a saved template that does not fit (a damaged cache file)
            _templates.put(shape, None)
            return _lark_statement(line)
    result = _lark_statement(line)
    if template is _MISSING and len(toks) <= TEMPLATE_MAX_TOKENS:
        ok = result is not None and type(result) is not Broken
        made = _make_template(result, toks) if ok else None
        _templates.put(shape, made)
        if made is not None:
            _learned += 1
    return result


def forget_line(line: str) -> None:
    """Drop `line` from the memos (tests use it to parse a line afresh)."""
    _edited_lines.pop(line)
    _document_lines.pop(line)


def memo_sizes() -> dict[str, tuple[int, int, int]]:
    """name -> (entries, weight, budget) of each memo of this module."""
    return {
        name: (len(memo), memo.weight, memo.max_weight)
        for name, memo in (
            ("document lines", _document_lines),
            ("edited lines", _edited_lines),
            ("templates", _templates),
        )
    }


# ---------------------------------------------------------------------------
# Templates kept between processes (fz_lsp/shape_cache.py)


@lru_cache(maxsize=1)
def _cache_key() -> str | None:
    """A hash of the grammar and of this module; None (no cache) when they cannot be read."""
    try:
        return shape_cache.cache_key(grammar_text().encode("utf-8"), Path(__file__).read_bytes())
    except OSError:  # e.g. imported from a zip file
        return None


def _load_templates() -> None:
    """Take the templates saved by earlier processes (once, before the first parse)."""
    global _templates_loaded
    _templates_loaded = True
    key = _cache_key()
    saved = shape_cache.load(key, frozenset(_BUILDER_NAMES)) if key is not None else {}
    for shape, source in saved.items():
        if shape in _templates:
            continue
        try:
            builder = eval(source, _BUILDER_GLOBALS)  # checked by shape_cache.valid_source
        except Exception:  # not an expression after all: leave the shape to lark
            continue
        _templates.put(shape, (builder, source))


def save_templates() -> None:
    """Keep the templates learned since the last save for later processes (a no-op when
    there are none; called after a whole document was parsed): the most recently used
    ones, at most shape_cache.MAX_SAVED."""
    global _learned, _saving
    if _learned and _saving:
        key = _cache_key()
        sources = [(shape, made[1]) for shape, made in _templates.items() if made is not None]
        # on failure (read-only home, ...) stop trying: the cache is only an optimisation
        _saving = key is not None and shape_cache.save(key, dict(sources[-shape_cache.MAX_SAVED :]))
        _learned = 0
