"""FlowZap's statements: what one line says, as small frozen dataclasses.

Every token is a `Tok` with code-point columns within its line. Every class is final: code
tells them apart with `type(x) is C` (cheaper than isinstance on hot paths), and mypy then
knows what `x` is, and what it is not.

May import: fz_lsp.base (stdlib otherwise).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any, final

from fz_lsp.base.i18n import Listing, Msg


@final
@dataclass(frozen=True, slots=True)
class Tok:
    """One token of a line: its text as written and its columns [start, end) in code points."""

    text: str
    start: int
    end: int


@final
@dataclass(frozen=True, slots=True)
class Attribute:
    """`key:"value"` (or `key="value"`, which FlowZap's validator rejects) on a node or inside an edge's `[...]`."""

    key: Tok
    op: Tok  # ":" or "="
    value: Tok  # the quoted string as written, quotes included

    @property
    def text(self) -> str:
        return unquote(self.value.text)


@final
@dataclass(frozen=True, slots=True)
class Handle:
    """The `.handle(direction)` of an endpoint, as far as it is written."""

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
    """One end of an edge or a loop member: `nX`, `Lane.nX`, with its handle when written."""

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
    """`lane {`, with the `# Display Label` written after the brace."""

    lane: Tok
    brace: Tok
    label: Tok | None  # `# Display Label` as written (with the #)


@final
@dataclass(frozen=True, slots=True)
class LaneClose:
    """The `}` that closes a lane."""

    brace: Tok


@final
@dataclass(frozen=True, slots=True)
class DisplayLabel:
    """A `# Display Label` on a line of its own (the old style puts it right after a lane's `{`)."""

    label: Tok  # `# Display Label`


@final
@dataclass(frozen=True, slots=True)
class NodeDecl:
    """`nX: shape attributes...`: a node declared."""

    node: Tok
    colon: Tok
    shape: Tok
    attributes: tuple[Attribute, ...]


@final
@dataclass(frozen=True, slots=True)
class EdgeStmt:
    """`source -> target [attributes]`: an edge (a chain of more endpoints is kept to be reported)."""

    endpoints: tuple[Endpoint, ...]  # two, or more for a (wrong) chain
    arrows: tuple[Tok, ...]
    attributes: tuple[Attribute, ...]  # inside [...]
    brackets: tuple[Tok, Tok] | None


@final
@dataclass(frozen=True, slots=True)
class LoopStmt:
    """`loop [condition] members...`."""

    keyword: Tok
    condition: Tok | None  # `[text]` with brackets
    members: tuple[Endpoint, ...]  # `nX` or `Lane.nX` (handle always None)


@final
@dataclass(frozen=True, slots=True)
class Comment:
    """A `//` line."""

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


def unquote(raw: str) -> str:
    """The text of a FlowZap string literal (quotes removed, \\" and \\\\ decoded)."""
    if len(raw) >= 2 and raw[0] == '"' and raw[-1] == '"':
        raw = raw[1:-1]
    if "\\" in raw:
        raw = re.sub(r"\\(.)", r"\1", raw)
    return raw


def fast_constructor(cls: type) -> Callable[..., Any]:
    """A function that builds a `cls` (a frozen slotted dataclass of this module) from its
    fields in order, exactly as its own `__init__` does, but ~3x faster: it sets the slots
    through their descriptors, where a frozen dataclass's `__init__` goes through
    `object.__setattr__` for every field. Lines are built by the ten thousand on opening a
    document (the lexer's tokens, the templates' statements)."""
    names = [f.name for f in fields(cls)]
    scope: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    body = ["    o = _new(_cls)"]
    for k, name in enumerate(names):
        scope[f"_set{k}"] = cls.__dict__[name].__set__
        body.append(f"    _set{k}(o, {name})")
    source = f"def make({', '.join(names)}):\n" + "\n".join(body) + "\n    return o\n"
    exec(source, scope)  # our own source, from the dataclass's field names
    made: Callable[..., Any] = scope["make"]
    return made


new_tok: Callable[[str, int, int], Tok] = fast_constructor(Tok)  # Tok(text, start, end), faster
