"""Shape templates: most lines of a document share a handful of shapes
(`nA.handle(x) -> nB.handle(y)`, `nK: rectangle label:"…"`). Lines with the same token shape
(syntax/lexer.py) parse to the same statement up to the tokens' texts and columns. So lark
parses the first line of each shape, and a later line of that shape is the cached statement
rebuilt with its own tokens. A shape gets a template only when every token of lark's
statement coincides with a scanner token, which proves the two cut the line the same way;
otherwise lark parses every line of that shape.

Templates are memoised by shape within a budget (ARCHITECTURE.md, "Caches and their
bounds") and kept between processes by syntax/shape_cache.py.

May import: fz_lsp.base, fz_lsp.syntax.statements, fz_lsp.syntax.lexer, fz_lsp.syntax.shape_cache.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

from fz_lsp.base.bounded_memo import BoundedMemo
from fz_lsp.syntax import shape_cache
from fz_lsp.syntax.grammar import grammar_text
from fz_lsp.syntax.lexer import Shape
from fz_lsp.syntax.statements import (
    Attribute,
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

Template = tuple[Callable[[list[Tok]], Statement], str]  # (builder, its source)

TEMPLATE_ENTRY_WEIGHT = 16  # a template counts as the tokens of its shape + this
TEMPLATES_BUDGET = 16_384  # ~600 shapes of a dozen tokens (a document has a few dozen)
# A shape of more tokens never gets a template: such lines (a loop of thousands of members)
# do not repeat, and compiling a builder for them costs more than lark's parse.
TEMPLATE_MAX_TOKENS = 256


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

# shape -> (builder, its source: what shape_cache keeps), or None: lark parses every line of that shape
_templates: BoundedMemo[Shape, Template | None] = BoundedMemo(TEMPLATES_BUDGET, TEMPLATE_ENTRY_WEIGHT)
_templates_loaded = False  # the saved templates are taken before the first parse
_learned = 0  # templates learned from lark since the last save
_saving = True  # False once saving failed (read-only home, ...): the cache is only an optimisation


class _Unseen(enum.Enum):
    UNSEEN = enum.auto()


UNSEEN: Final = _Unseen.UNSEEN  # what `template` answers for a shape never seen


def template(shape: Shape) -> Template | _Unseen | None:
    """The template of `shape`; None when lark must parse every line of that shape; UNSEEN
    when the shape was never seen (the saved templates are taken first)."""
    if not _templates_loaded:
        _load_templates()
    return _templates.get(shape, UNSEEN)


def forget(shape: Shape) -> None:
    """`shape`'s template failed on a line (a damaged cache file): lark parses that shape."""
    _templates.put(shape, None)


def learn(shape: Shape, statement: Statement, toks: list[Tok]) -> None:
    """Remember what lark made of a line of a new shape: its template, or None when the
    statement is broken or its tokens do not coincide with the lexer's."""
    global _learned
    if len(toks) > TEMPLATE_MAX_TOKENS:
        return
    from fz_lsp.syntax.statements import Broken

    ok = statement is not None and type(statement) is not Broken
    made = _make_template(statement, toks) if ok else None
    _templates.put(shape, made)
    if made is not None:
        _learned += 1


def memo_size() -> tuple[int, int, int]:
    """(entries, weight, budget) of the templates' memo."""
    return len(_templates), _templates.weight, _templates.max_weight


# ---------------------------------------------------------------------------
# Templates kept between processes (syntax/shape_cache.py)


@lru_cache(maxsize=1)
def _cache_key() -> str | None:
    """A hash of the grammar and of the modules that make statements and their builders;
    None (no cache) when they cannot be read."""
    try:
        here = Path(__file__).resolve().parent
        code = b"".join((here / name).read_bytes() for name in ("statements.py", "templates.py", "lexer.py"))
        return shape_cache.cache_key(grammar_text().encode("utf-8"), code)
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
