"""Shape templates: most lines of a document share a handful of shapes
(`nA.handle(x) -> nB.handle(y)`, `nK: rectangle label:"…"`). Lines with the same token shape
(syntax/lexer.py) parse to the same statement up to the tokens' texts and columns. So lark
parses the first line of each shape, and a later line of that shape is the cached statement
rebuilt with its own tokens. A shape gets a template only when every token of lark's
statement coincides with a scanner token, which proves the two cut the line the same way;
otherwise lark parses every line of that shape.

A line is found its template without scanning it: `build_line` looks its shape_key up
among the compiled templates, whose line pattern (syntax/lexer.py) matches exactly the lines
of that shape and gives every token's columns in one match, and builds the statement from
that match with code written out from the template's source. A line no compiled template
takes is scanned and built from its tokens (or parsed by lark); so are the first
COMPILE_AFTER_LINES lines of a key, before its pattern is compiled.

Templates are memoised by shape, compiled ones by key, each within a budget (ARCHITECTURE.md,
"Caches and their bounds"); templates are kept between processes by syntax/shape_cache.py.

May import: fz_lsp.base, fz_lsp.syntax.statements, fz_lsp.syntax.lexer, fz_lsp.syntax.shape_cache.
"""

from __future__ import annotations

import ast
import enum
import re
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

from fz_lsp.base.bounded_memo import BoundedMemo
from fz_lsp.syntax import shape_cache
from fz_lsp.syntax.grammar import grammar_text
from fz_lsp.syntax.lexer import Shape, key_of_shape, line_pattern, shape_key
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
    fast_constructor,
)

TEMPLATE_ENTRY_WEIGHT = 16  # a template counts as the tokens of its shape (or its key's characters) + this
TEMPLATES_BUDGET = 16_384  # ~600 shapes of a dozen tokens (a document has a few dozen)
# A shape of more tokens never gets a template: such lines (a loop of thousands of members)
# do not repeat, and compiling a builder for them costs more than lark's parse.
TEMPLATE_MAX_TOKENS = 256
# Compiled templates (a line built from one match: its pattern and code, ~30 KB for a
# shape of 20 tokens, ~50 KB for 40) are kept for shapes of at most COMPILED_MAX_TOKENS
# tokens, at most COMPILED_PER_KEY per key, within COMPILED_BUDGET (a key's characters +
# COMPILED_ENTRY_WEIGHT each): at most 64 keys, where the corpus and the fixtures, 34 files,
# have 13 (17 shapes).
COMPILED_MAX_TOKENS = 40
COMPILED_PER_KEY = 2
COMPILED_ENTRY_WEIGHT = 128
COMPILED_BUDGET = 8_192
# A shape's pattern and match builder are compiled for the line of its key after this many
# (those are built from their tokens, ~10 µs a line slower): compiling costs ~1 ms, repaid
# from ~100 lines of the shape on. A hand-written document has a few dozen lines of a shape at
# most (the corpus: 32), so its first diagnostics never wait for a compile; a 10,000-line one
# compiles the shapes of its thousands of lines.
COMPILE_AFTER_LINES = 32


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


def _make_template(shape: Shape, statement: Statement, toks: list[Tok]) -> Template | None:
    """The template rebuilding `statement` from another line's tokens, or None when lark's
    tokens do not coincide with the scanner's."""
    by_span = {(t.start, t.end, t.text): k for k, t in enumerate(toks)}
    positions: dict[int, int] = {}
    used: list[Tok] = []
    _toks_of(statement, used)
    for t in used:
        k = by_span.get((t.start, t.end, t.text))
        if k is None:
            return None
        positions[id(t)] = k
    return Template(shape, "lambda t: " + _builder_source(statement, positions))


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
# a builder calls the classes' fast constructors (the same objects, built ~3x faster)
_BUILDER_GLOBALS: dict[str, Any] = {
    "__builtins__": {},
    **{name: fast_constructor(cls) for name, cls in _BUILDER_NAMES.items()},
}

# what a match builder (_match_builder) sees: each class and a setter per field
_MATCH_GLOBALS: dict[str, Any] = {"__builtins__": {}, "_new": object.__new__}
for _name, _cls in _BUILDER_NAMES.items():
    _MATCH_GLOBALS[_name] = _cls
    for _k, _field in enumerate(fields(_cls)):
        _MATCH_GLOBALS[f"_{_name}{_k}"] = _cls.__dict__[_field.name].__set__


class Template:
    """How the lines of one shape are built from the lexer's tokens (`build`), from `source`
    (learned from lark, or saved and checked by shape_cache). The source is compiled by the
    first `build`: a new process takes up to shape_cache.MAX_SAVED saved templates (~0.1 ms
    each to compile) and a document uses a few dozen."""

    __slots__ = ("shape", "source", "_build")

    def __init__(self, shape: Shape, source: str) -> None:
        self.shape = shape
        self.source = source
        self._build: Callable[[list[Tok]], Statement] | None = None

    def build(self, toks: list[Tok]) -> Statement:
        """The statement of a line of this shape, from its tokens."""
        build = self._build
        if build is None:
            build = self._build = eval(self.source, _BUILDER_GLOBALS)  # checked source
        return build(toks)


def _match_builder(source: str) -> Callable[[tuple[tuple[int, int], ...], str], Statement]:
    """`source` (`lambda t: ...t[k]...`) as a function of the spans of a match of its
    shape's line_pattern (token k in group k + 1) and the line. Written out flat, one object
    after another, each built as fast_constructor does: no call but the C ones."""
    lambda_ = ast.parse(source, mode="eval").body
    assert isinstance(lambda_, ast.Lambda), source
    body: list[str] = []
    tokens: dict[int, str] = {}

    def value(node: ast.expr) -> str:
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and type(node.slice.value) is int:
            k = node.slice.value
            if k not in tokens:
                tokens[k] = t = f"t{k}"
                body.append(f"s, e = r[{k + 1}]; {t} = _new(Tok); _Tok0({t}, line[s:e]); _Tok1({t}, s); _Tok2({t}, e)")
            return tokens[k]
        if isinstance(node, ast.Constant) and node.value in (None, True, False):
            return repr(node.value)
        if isinstance(node, ast.Tuple):
            return "(" + "".join(value(v) + ", " for v in node.elts) + ")"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
            cls = node.func.id
            if len(node.args) != len(fields(_BUILDER_NAMES[cls])):
                raise TypeError(f"{cls} takes {len(fields(_BUILDER_NAMES[cls]))} fields: {source}")
            parts = [value(a) for a in node.args]
            o = f"o{len(body)}"
            body.append(f"{o} = _new({cls}); " + "; ".join(f"_{cls}{k}({o}, {p})" for k, p in enumerate(parts)))
            return o
        raise ValueError(f"not a template: {source}")

    result = value(lambda_.body)
    code = "def build(r, line):\n" + "".join(f"    {line}\n" for line in body) + f"    return {result}\n"
    scope: dict[str, Any] = {}
    exec(code, _MATCH_GLOBALS, scope)  # our own code, from a checked template source
    built: Callable[[tuple[tuple[int, int], ...], str], Statement] = scope["build"]
    return built


class _Compiled:
    """A template made to build a line straight from one match of its shape's line_pattern
    (~20 KB for a shape of 20 tokens, pattern and code), compiled once COMPILE_AFTER_LINES
    lines of its key were built from their tokens."""

    __slots__ = ("template", "_pattern", "_from_match", "_lines_before")

    def __init__(self, template: Template) -> None:
        self.template = template
        self._pattern: re.Pattern[str] | None = None
        self._from_match: Callable[[tuple[tuple[int, int], ...], str], Statement] | None = None
        self._lines_before = 0  # lines of its key asked for before it was compiled

    def build_line(self, line: str) -> Statement | _Unseen:
        """The statement of `line` when it is of this shape, else UNSEEN; UNSEEN for the
        first COMPILE_AFTER_LINES lines of its key too (built from their tokens)."""
        pattern = self._pattern
        if pattern is None:
            if self._lines_before < COMPILE_AFTER_LINES:
                self._lines_before += 1
                return UNSEEN
            self._from_match = _match_builder(self.template.source)
            pattern = self._pattern = line_pattern(self.template.shape)
        m = pattern.fullmatch(line)
        if m is None:
            return UNSEEN
        assert self._from_match is not None
        return self._from_match(m.regs, line)


# shape -> its template, or None: lark parses every line of that shape
_templates: BoundedMemo[Shape, Template | None] = BoundedMemo(TEMPLATES_BUDGET, TEMPLATE_ENTRY_WEIGHT)
# key_of_shape -> the compiled templates of the shapes of that key (most often one), the
# shapes of at most COMPILED_MAX_TOKENS tokens: a line's template found without scanning it
_compiled: BoundedMemo[str, tuple[_Compiled, ...]] = BoundedMemo(COMPILED_BUDGET, COMPILED_ENTRY_WEIGHT)
_templates_loaded = False  # the saved templates are taken before the first parse
_learned = 0  # templates learned from lark since the last save
_saving = True  # False once saving failed (read-only home, ...): the cache is only an optimisation


class _Unseen(enum.Enum):
    UNSEEN = enum.auto()


UNSEEN: Final = _Unseen.UNSEEN  # what `template` answers for a shape never seen


def _keep(shape: Shape, made: Template | None) -> None:
    _templates.put(shape, made)
    key = key_of_shape(shape)
    others = tuple(c for c in _compiled.get(key, ()) if c.template.shape != shape)
    if made is not None and len(shape) <= COMPILED_MAX_TOKENS:
        others = (_Compiled(made), *others[: COMPILED_PER_KEY - 1])
    if others:
        _compiled.put(key, others)
    else:
        _compiled.pop(key)


def build_line(line: str) -> Statement | _Unseen:
    """The statement of `line` built by the template of its shape, found by the line's
    shape_key and checked by one match; UNSEEN when there is none (scan the line)."""
    if not _templates_loaded:
        _load_templates()
    for compiled in _compiled.get(shape_key(line), ()):
        try:
            built = compiled.build_line(line)
        except Exception:  # a saved template that does not fit (a damaged cache file)
            forget(compiled.template.shape)
            return UNSEEN
        if built is not UNSEEN:
            return built
    return UNSEEN


def template(shape: Shape) -> Template | _Unseen | None:
    """The template of `shape`; None when lark must parse every line of that shape; UNSEEN
    when the shape was never seen (the saved templates are taken first)."""
    if not _templates_loaded:
        _load_templates()
    made = _templates.get(shape, UNSEEN)
    if (
        made is not None
        and made is not UNSEEN
        and len(shape) <= COMPILED_MAX_TOKENS
        and not any(c.template is made for c in _compiled.get(key_of_shape(shape), ()))
    ):
        _keep(shape, made)  # compiled again, its compiled form having been dropped
    return made


def forget(shape: Shape) -> None:
    """`shape`'s template failed on a line (a damaged cache file): lark parses that shape."""
    _keep(shape, None)


def learn(shape: Shape, statement: Statement, toks: list[Tok]) -> None:
    """Remember what lark made of a line of a new shape: its template, or None when the
    statement is broken or its tokens do not coincide with the lexer's."""
    global _learned
    if len(toks) > TEMPLATE_MAX_TOKENS:
        return
    from fz_lsp.syntax.statements import Broken

    ok = statement is not None and type(statement) is not Broken
    made = _make_template(shape, statement, toks) if ok else None
    _keep(shape, made)
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
        # checked by shape_cache.valid_source; one that fails when it builds a line (a damaged
        # file) is forgotten then, and lark parses that shape (syntax/parse.py)
        _keep(shape, Template(shape, source))


def save_templates() -> None:
    """Keep the templates learned since the last save for later processes (a no-op when
    there are none; called after a whole document was parsed): the most recently used
    ones, at most shape_cache.MAX_SAVED."""
    global _learned, _saving
    if _learned and _saving:
        key = _cache_key()
        sources = [(shape, made.source) for shape, made in _templates.items() if made is not None]
        # on failure (read-only home, ...) stop trying: the cache is only an optimisation
        _saving = key is not None and shape_cache.save(key, dict(sources[-shape_cache.MAX_SAVED :]))
        _learned = 0
