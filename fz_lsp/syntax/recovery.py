"""Error recovery for one line: name the slip, repair it, keep what the line says.

When the grammar rejects a line, `recover(line, broken)` looks for the slip a person
most likely made, the way good compilers recover (insert or replace one token, then
parse again):

- a known slip with an obvious repair: `n1.handel(right)` (the `handle` keyword
  mistyped), `n2 rectangle label:"x"` (the colon after the id missing),
  `label:Start` (a value not quoted), an unterminated string, `Ops # Operations` (a lane
  header without `{`), curly or single quotes, `→` for `->`, `;` or `,` between
  attributes, an edge label without `[...]` or without its key. The repaired line is
  parsed by the grammar; when it parses, the line keeps that statement (`recovered`,
  with every token mapped back to this line's columns) so the node it declares, the
  edge it draws or the lane it opens still count, and the repair becomes a safe quick
  fix (`fixes`);
- an id with a character an id may not have (`Café {`, `销售 {`, `2fa: circle`,
  `Ops.né.handle(left)`): one message on the id saying what an id may contain, and the
  line keeps its statement with the id as written, so the lines under a lane header
  still belong to that lane;
- Mermaid or PlantUML text (`A -->|Yes| B`, `A ->> B: hi`, `A[Start]`, `subgraph`,
  `end`, `%%`): named as such (`code` "not-flowzap"), never as an unexpected character;
- otherwise what can still be read: a line that starts like a node declaration
  (`n2: ...`) still declares its id, and an edge or loop line still names the nodes it
  touches (`touches`), so one broken line never makes other lines report undefined
  nodes, id gaps or orphans.

May import: fz_lsp.base and the modules of fz_lsp.syntax below it (vocabulary, statements, grammar, invalid_ids).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from fz_lsp.base.i18n import N_, Listing, Msg, msg
from fz_lsp.syntax.grammar import UNTERMINATED, lark_statement
from fz_lsp.syntax.invalid_ids import ascii_id, invalid_ids, with_ids
from fz_lsp.syntax.statements import Attribute, Broken, EdgeStmt, Endpoint, LaneOpen, NodeDecl, Statement, Tok
from fz_lsp.syntax.vocabulary import DIRECTIONS, NAME, NAME_CHARS, NODE_ATTRIBUTES, SHAPES, spelled_like

# Lines longer than this get no repair (their nodes are still read from the start of the
# line): a slip is a short thing, and every search below stays linear on what it reads.
MAX_REPAIR_CHARS = 2_000
_NAME = re.compile(NAME)


@dataclass(frozen=True)
class _Candidate:
    """A repair: replace each (start, end) of the line by text, then parse again.
    `message` names the slip (on [start, end)); `title` is the quick fix's. Both are
    translated when shown (fz_lsp/i18n.py): the statement is shared by every language."""

    edits: tuple[tuple[int, int, str], ...]
    message: Msg
    start: int
    end: int
    title: Msg


def recover(line: str, broken: Broken) -> Broken:
    """`broken` with the slip named and, where possible, the line's meaning kept."""
    foreign = _mermaid(line[:MAX_REPAIR_CHARS])
    if foreign is not None:
        message, start, end = foreign
        # a Mermaid node still declares its id, a Mermaid link still touches its ends
        return replace(
            broken,
            message=message,
            start=start,
            end=end,
            code="not-flowzap",
            recovered=_mermaid_node(line),
            touches=_touches(line),
        )
    if len(line) > MAX_REPAIR_CHARS:  # not a slip to name: a pasted blob or a generated line
        return replace(
            broken, recovered=_readable_node(line[:MAX_REPAIR_CHARS]), touches=_touches(line[:MAX_REPAIR_CHARS])
        )
    with_invalid_ids = _read_with_invalid_ids(line, broken)
    if with_invalid_ids is not None:
        return with_invalid_ids
    candidates = list(_candidates(line, broken))
    # one repair, else two that touch different places (`[label:"x` needs `"` and `]`)
    attempts = [(c,) for c in candidates] + [
        (a, b) for k, a in enumerate(candidates) for b in candidates[k + 1 :] if _apart(a, b)
    ]
    for attempt in attempts:
        edits = tuple(e for c in attempt for e in c.edits)
        st = lark_statement(_apply(line, edits))
        if st is None or type(st) is Broken or not _clean(st):
            continue
        first = attempt[0]
        return replace(
            broken,
            message=first.message,
            start=first.start,
            end=first.end,
            recovered=_remap(st, _column_map(edits)),
            fixes=tuple(Tok(text, s, e) for s, e, text in _ordered(edits)),
            fix_title=first.title if len(attempt) == 1 else Listing(tuple(c.title for c in attempt), "and"),
        )
    return replace(broken, recovered=_readable_node(line), touches=_touches(line))


def _clean(st: Statement) -> bool:
    """A repaired line the rest of the document can read as is: no error of its own left
    in it (an edge with complete handles and a FlowZap arrow, a node with a known shape).
    Otherwise the repair would hide a second mistake that its quick fix then reveals."""
    if type(st) is EdgeStmt:
        return (
            len(st.endpoints) == 2
            and all(a.text == "->" for a in st.arrows)
            and all(
                ep.handle is not None
                and ep.handle.closed
                and ep.handle.direction is not None
                and ep.handle.direction.text in DIRECTIONS
                for ep in st.endpoints
            )
        )
    if type(st) is NodeDecl:
        return st.shape.text in SHAPES
    return True


def _apart(a: _Candidate, b: _Candidate) -> bool:
    """Two repairs whose edits neither overlap nor replace the same text."""
    for s1, e1, _ in a.edits:
        for s2, e2, _ in b.edits:
            if s1 < e2 and s2 < e1:
                return False
    return True


def _ordered(edits: tuple[tuple[int, int, str], ...]) -> list[tuple[int, int, str]]:
    """By position; inserts at one point keep the order of their repairs."""
    return sorted(edits, key=lambda e: (e[0], e[1]))


def _mask(line: str) -> str:
    """The line with the insides of its strings blanked (same columns; a character no
    pattern here matches, not a space that `[ \t]*` would scan), so that text in a label is
    never mistaken for syntax."""
    return re.sub(r'"((?:\\.|[^"\\])*)("?)', lambda m: '"' + "\x01" * len(m.group(1)) + m.group(2), line)


# ---------------------------------------------------------------------------
# Repairs, most specific first


def _candidates(line: str, broken: Broken) -> Iterator[_Candidate]:
    for finder in _REPAIRS:
        yield from finder(line, broken)


def _like_shape(word: str) -> bool:
    """A shape or a slip of one (`rect`, `rectangel`, `Circle`)."""
    return len(word) >= 3 and any(spelled_like(word, s, 0.7) for s in SHAPES)


def _like_handle(word: str) -> bool:
    low = word.lower()
    return low == "handle" or difflib.SequenceMatcher(None, low, "handle").ratio() >= 0.7


def _handle_keyword(line: str, broken: Broken) -> Iterator[_Candidate]:
    """`.handel(`, `.hanlde(`, `.Handle(`: the keyword mistyped."""
    found = [
        m
        for m in re.finditer(r"\.[ \t]*(" + NAME + r")[ \t]*\(", _mask(line))
        if m.group(1) != "handle" and _like_handle(m.group(1))
    ]
    if found:
        first = found[0].group(1)
        yield _Candidate(
            tuple((m.start(1), m.end(1), "handle") for m in found),
            msg("`{word}` is not a FlowZap keyword: did you mean `handle`? Write `.handle(direction)`.", word=first),
            found[0].start(1),
            found[0].end(1),
            msg("Change `{word}` to `handle`", word=first),
        )


_CURLY_QUOTES = "\u201c\u201d\u201e\u201f\u2033"


def _quotes(line: str, broken: Broken) -> Iterator[_Candidate]:
    """Curly quotes pasted from a document, or single quotes around a value."""
    curly = [(k, k + 1, '"') for k, ch in enumerate(line) if ch in _CURLY_QUOTES]
    if curly:
        yield _Candidate(
            tuple(curly),
            msg('FlowZap strings use straight double quotes `"`, not `{quote}`', quote=line[curly[0][0]]),
            curly[0][0],
            curly[-1][1],
            msg("Use straight double quotes"),
        )
    single = list(re.finditer(r"([:=][ \t]*)'([^'\r\n]*)'", line))
    if single:
        m = single[0]
        edits = []
        for s in single:
            edits += [(s.start(2) - 1, s.start(2), '"'), (s.end(2), s.end(2) + 1, '"')]
        yield _Candidate(
            tuple(edits),
            msg("FlowZap strings use double quotes: write `\"{text}\"`, not `'{text}'`", text=m.group(2)),
            m.start(2) - 1,
            m.end(2) + 1,
            msg("Use double quotes"),
        )


def _arrow(line: str, broken: Broken) -> Iterator[_Candidate]:
    """`→`, `⟶` or `=>` written for `->`."""
    m = re.search(r"\u2192|\u27f6|=>", _mask(line))
    if m:
        yield _Candidate(
            ((m.start(), m.end(), "->"),),
            msg("Write the arrow as `->`, not `{arrow}`", arrow=m.group()),
            m.start(),
            m.end(),
            msg("Change `{arrow}` to `->`", arrow=m.group()),
        )


def _missing_colon(line: str, broken: Broken) -> Iterator[_Candidate]:
    """`n2 rectangle label:"x"`: the colon after the node id left out."""
    masked = _mask(line)
    m = re.match(r"[ \t]*(" + NAME + r")[ \t]+(" + NAME + r")\b", masked)
    if m is None or "->" in masked or "{" in masked:
        return
    node, shape = m.group(1), m.group(2)
    if node in ("loop", "handle") or shape not in SHAPES:
        return
    yield _Candidate(
        ((m.end(1), m.end(1), ":"),),
        msg("Missing `:` after `{node}`: write `{node}: {shape} …`", node=node, shape=shape),
        m.start(1),
        m.end(1),
        msg("Add `:` after `{node}`", node=node),
    )


_UNQUOTED = re.compile(
    r"\b(" + "|".join(NODE_ATTRIBUTES) + r")[ \t]*([:=])[ \t]*"
    r"([^\s\"\]\[][^\"\]\r\n]*?)"
    r"(?=[ \t]+" + NAME + r"[ \t]*[:=]|[ \t]*\]|[ \t]*$)"
)


def _unquoted_value(line: str, broken: Broken) -> Iterator[_Candidate]:
    """`label:Start`: a value without its quotes."""
    found = list(_UNQUOTED.finditer(line))
    if found:
        m = found[0]
        key, op, value = m.group(1), m.group(2), m.group(3)
        edits = []
        for f in found:
            edits += [(f.start(3), f.start(3), '"'), (f.end(3), f.end(3), '"')]
        yield _Candidate(
            tuple(edits),
            _quote_message(key, op, value),
            m.start(3),
            m.end(3),
            _QUOTE_TITLES[key],
        )


_QUOTE_TITLES = {
    "label": msg("Quote the label"),
    "owner": msg("Quote the owner"),
    "description": msg("Quote the description"),
    "system": msg("Quote the system"),
}


def _quote_message(key: str, op: str, value: str) -> Msg:
    written = f'{key}{op}"{value}"'
    if key == "label":
        return msg("Quote the label: write `{written}`", written=written)
    if key == "owner":
        return msg("Quote the owner: write `{written}`", written=written)
    if key == "description":
        return msg("Quote the description: write `{written}`", written=written)
    return msg("Quote the system: write `{written}`", written=written)


def _unterminated(line: str, broken: Broken) -> Iterator[_Candidate]:
    """A string with no closing quote: close it at the end of the line (before a final `]`)."""
    if broken.message.template != UNTERMINATED:
        return
    end = len(line.rstrip(" \t"))
    if line[:end].endswith("]") and "[" in line[: broken.start]:
        end -= 1
    yield _Candidate(((end, end, '"'),), broken.message, broken.start, broken.end, msg('Add the closing `"`'))


def _lane_brace(line: str, broken: Broken) -> Iterator[_Candidate]:
    """`Ops # Operations` (no `{`) and `Ops { Operations` (no `#`)."""
    m = re.fullmatch(r"[ \t]*(" + NAME + r")[ \t]*(#.*)", line)
    if m is not None:
        lane, label = m.group(1), m.group(2)[1:].strip()
        shown = f"{lane} {{ # {label}" if label else f"{lane} {{"
        yield _Candidate(
            ((m.end(1), m.end(1), " {"),),
            msg("The lane header needs `{`: write `{written}`", written=shown),
            m.start(1),
            m.end(1),
            msg("Add `{`"),
        )
    m = re.fullmatch(r"[ \t]*(" + NAME + r")[ \t]*\{[ \t]*([^#\s}][^\r\n]*)", line)
    if m is not None:
        lane, label = m.group(1), m.group(2).rstrip()
        yield _Candidate(
            ((m.start(2), m.start(2), "# "),),
            msg("A lane's display label starts with `#`: write `{lane} { # {label}`", lane=lane, label=label),
            m.start(2),
            m.start(2) + len(label),
            msg("Add `#` before the display label"),
        )


def _separators(line: str, broken: Broken) -> Iterator[_Candidate]:
    """`;` at the end of a line, `,` between attributes."""
    masked = _mask(line)
    body = masked.rstrip(" \t")
    if body.endswith(";"):
        k = len(body) - 1
        start = len(body[:k].rstrip(" \t"))
        yield _Candidate(
            ((start, len(masked), ""),), msg("FlowZap lines do not end with `;`"), k, k + 1, msg("Remove the `;`")
        )
    commas = list(re.finditer(r'(?<=")[ \t]*,(?=[ \t]*' + NAME + r"[ \t]*[:=])", masked))
    if commas:
        k = masked.index(",", commas[0].start())
        yield _Candidate(
            tuple((c.start(), c.end(), "") for c in commas),
            msg("Attributes are separated by spaces, not `,`"),
            k,
            k + 1,
            msg("Remove the commas"),
        )


def _edge_label(line: str, broken: Broken) -> Iterator[_Candidate]:
    """An edge label written without brackets, without its key, or without `]`."""
    masked = _mask(line)
    if "->" not in masked:
        return
    m = re.search(r"\)[ \t]+(label[ \t]*[:=][ \t]*\"(?:\\.|[^\"\\])*\")[ \t]*$", line)
    if m:
        yield _Candidate(
            ((m.start(1), m.start(1), "["), (m.end(1), m.end(1), "]")),
            msg("Edge labels go in brackets: write `[{label}]`", label=m.group(1)),
            m.start(1),
            m.end(1),
            msg("Put the label in brackets"),
        )
    m = re.search(r"\[[ \t]*(\"(?:\\.|[^\"\\])*\")[ \t]*\][ \t]*$", line)
    if m:
        yield _Candidate(
            ((m.start(1), m.start(1), "label="),),
            msg("Name the edge label: write `[label={text}]`", text=m.group(1)),
            m.start(1),
            m.end(1),
            msg("Add `label=`"),
        )
    m = re.search(r"\)[ \t]*(\[)[^\]]*$", masked)
    if m:
        end = len(line.rstrip(" \t"))
        yield _Candidate(
            ((end, end, "]"),),
            msg("The edge label's `[` is never closed: add `]`"),
            m.start(1),
            m.end(1),
            msg("Add the closing `]`"),
        )


def _bare_node_label(line: str, broken: Broken) -> Iterator[_Candidate]:
    """`n1: rectangle "Start"`: the label's key left out."""
    m = re.match(r"[ \t]*" + NAME + r"[ \t]*:[ \t]*" + NAME + r"[ \t]+(\"(?:\\.|[^\"\\])*\")", line)
    if m:
        yield _Candidate(
            ((m.start(1), m.start(1), "label:"),),
            msg("Name the label: write `label:{text}`", text=m.group(1)),
            m.start(1),
            m.end(1),
            msg("Add `label:`"),
        )


_REPAIRS: tuple[Callable[[str, Broken], Iterable[_Candidate]], ...] = (
    _handle_keyword,
    _quotes,
    _arrow,
    _unterminated,
    _missing_colon,
    _unquoted_value,
    _lane_brace,
    _separators,
    _edge_label,
    _bare_node_label,
)


# ---------------------------------------------------------------------------
# Ids with characters an id may not have


def _read_with_invalid_ids(line: str, broken: Broken) -> Broken | None:
    """The line read with each id that is not an identifier (`Café`, `销售`, `2fa`) standing
    in for a valid one of the same length (`____`), when that alone makes it parse: the
    statement keeps the ids as written, and the one message is on the first. None otherwise."""
    spans = invalid_ids(line, _mask(line))
    if not spans:
        return None
    st = lark_statement(_apply(line, tuple((s, e, "_" * (e - s)) for s, e in spans)))
    if st is None or type(st) is Broken or not _clean(st):
        return None
    start, end = spans[0]
    word = line[start:end]
    if (type(st) is LaneOpen and st.lane.start == start) or (
        type(st) is EdgeStmt and any(ep.lane is not None and ep.lane.start == start for ep in st.endpoints)
    ):
        message = msg(
            "`{id}` cannot be a lane id: an id has only ASCII letters, digits and `_`, and does not start "
            "with a digit. Keep the name as the display label: `{suggestion} { # {id}`",
            id=word,
            suggestion=ascii_id(word, "Lane"),
        )
    else:
        message = msg(
            "`{id}` cannot be a node id: an id has only ASCII letters, digits and `_`, and does not start "
            "with a digit (FlowZap's node ids are n1, n2, …)",
            id=word,
        )
    written = {s: line[s:e] for s, e in spans}
    return replace(broken, message=message, start=start, end=end, recovered=with_ids(st, written))


# ---------------------------------------------------------------------------
# Mermaid and PlantUML inside a FlowZap file

# keyword -> what to say about it (`{word}`: the keyword)
_MERMAID_KEYWORDS = {
    "subgraph": N_("`{word}` is Mermaid syntax; in FlowZap each group of steps is a lane: `Lane { # Label` … `}`"),
    "end": N_("`{word}` closes a Mermaid block; FlowZap closes a lane with `}`"),
    "classDef": N_("`{word}` is Mermaid styling; FlowZap Code has no styles"),
    "class": N_("`{word}` is Mermaid styling; FlowZap Code has no styles"),
    "style": N_("`{word}` is Mermaid styling; FlowZap Code has no styles"),
    "linkStyle": N_("`{word}` is Mermaid styling; FlowZap Code has no styles"),
    "click": N_("`{word}` is Mermaid interaction syntax, not FlowZap Code"),
    "direction": N_("`{word}` is Mermaid syntax; FlowZap lays the diagram out itself"),
    "autonumber": N_("`{word}` is Mermaid sequence syntax, not FlowZap Code"),
    "activate": N_("`{word}` is Mermaid sequence syntax, not FlowZap Code"),
    "deactivate": N_("`{word}` is Mermaid sequence syntax, not FlowZap Code"),
    "Note": N_("`{word}` is Mermaid sequence syntax, not FlowZap Code"),
    "note": N_("`{word}` is PlantUML/Mermaid syntax, not FlowZap Code"),
    "alt": N_("`{word}` is a Mermaid sequence block; FlowZap draws branches with a `diamond` node"),
    "else": N_("`{word}` is a Mermaid sequence block; FlowZap draws branches with a `diamond` node"),
    "opt": N_("`{word}` is a Mermaid sequence block, not FlowZap Code"),
    "par": N_("`{word}` is a Mermaid sequence block, not FlowZap Code"),
    "title": N_("`{word}` is Mermaid/PlantUML syntax; a FlowZap diagram has no title line"),
}


def _mermaid(written: str) -> tuple[Msg, int, int] | None:
    """(message, start, end) when the line is Mermaid or PlantUML text (strings aside)."""
    line = _mask(written)
    m = re.search(r"--?>?\|[^|\r\n]*\|", line) or re.search(r"--[ \t]+[^->\r\n]+[ \t]+-->", line)
    if m:
        return (
            msg(
                "`{link}` is a Mermaid labelled link, not FlowZap Code. "
                'FlowZap edges join handles: `n1.handle(right) -> n2.handle(left) [label="…"]`',
                link=m.group().strip(),
            ),
            m.start(),
            m.end(),
        )
    m = re.search(r"-->>|->>|--[x)]|-[x)](?=[ \t]*" + NAME + ")", line)
    if m:
        return (
            msg(
                "`{arrow}` is a Mermaid sequence arrow, not FlowZap Code. "
                'FlowZap edges join handles: `n1.handle(right) -> n2.handle(left) [label="…"]`',
                arrow=m.group(),
            ),
            m.start(),
            m.end(),
        )
    m = re.search(r"(?<![.\w])(?!loop\b)(" + NAME + r")(\[\[?|\(\(?|\{\{?|>)[^\]\)\}\r\n]*(\]\]?|\)\)?|\}\}?)", line)
    if m and not re.match(r"[ \t]*" + NAME + r"[ \t]*\{", line):
        node = m.group(1)
        return (
            (
                msg(
                    "`{node}` is a Mermaid node, not FlowZap Code. FlowZap declares nodes as "
                    '`n1: rectangle label:"…"` inside a lane',
                    node=m.group(),
                ),
                m.start(),
                m.end(),
            )
            if node != "handle"
            else None
        )
    m = re.match(r"[ \t]*(" + NAME + r")\b", line)
    if m and m.group(1) in _MERMAID_KEYWORDS and not re.match(r"[ \t]*" + NAME + r"[ \t]*(:|\{|\.|#)", line):
        return msg(_MERMAID_KEYWORDS[m.group(1)], word=m.group(1)), m.start(1), m.end(1)
    m = re.match(r"[ \t]*(%%)", line)
    if m:
        return (
            msg("`%%` starts a Mermaid comment; FlowZap Code has no comments (the editor ignores `//` lines)"),
            m.start(1),
            len(line.rstrip()),
        )
    m = re.match(r"[ \t]*" + NAME + r"[ \t]*-+>+[ \t]*" + NAME + r"[ \t]*:", line)
    if m:
        arrow = re.search(r"-+>+", line)
        assert arrow is not None
        return (
            msg(
                "`A {arrow} B: message` is a Mermaid/PlantUML sequence message, not FlowZap Code. "
                'FlowZap edges join handles: `n1.handle(right) -> n2.handle(left) [label="…"]`',
                arrow=arrow.group(),
            ),
            arrow.start(),
            arrow.end(),
        )
    return None


# ---------------------------------------------------------------------------
# What an unrepairable line still says


def _readable_node(line: str) -> NodeDecl | None:
    """`n2: …` (or `n2 rectangle …`) that no repair made whole: the id it declares, its
    shape word and the well-formed attributes, so that the id still counts."""
    m = re.match(r"[ \t]*(" + NAME + r")[ \t]*(:)?[ \t]*(" + NAME + r")?", line)
    if m is None or "->" in line or m.group(1) in ("loop", "handle"):
        return None
    rest = line[m.end(1) :].lstrip(" \t")
    if rest.startswith((".", "{", "#", "(", "[")):
        return None
    if m.group(2) is None and (m.group(3) is None or not _like_shape(m.group(3))):
        return None  # `n2` alone or `n2 foo`: perhaps an edge being typed; declares nothing
    node = Tok(m.group(1), m.start(1), m.end(1))
    colon = Tok(":", m.start(2), m.end(2)) if m.group(2) else Tok(":", node.end, node.end)
    shape = Tok(m.group(3), m.start(3), m.end(3)) if m.group(3) else Tok("", colon.end, colon.end)
    attributes = tuple(
        Attribute(
            Tok(a.group(1), a.start(1), a.end(1)),
            Tok(a.group(2), a.start(2), a.end(2)),
            Tok(a.group(3), a.start(3), a.end(3)),
        )
        for a in re.finditer(
            r"(?<![" + NAME_CHARS + r"])(" + NAME + r")[ \t]*([:=])[ \t]*(\"(?:\\.|[^\"\\])*\")", line[shape.end :]
        )
    )
    attributes = tuple(_shift_attribute(a, shape.end) for a in attributes)
    return NodeDecl(node, colon, shape, attributes)


def _mermaid_node(line: str) -> NodeDecl | None:
    """`n4[Show receipt]` alone on a line (a Mermaid node): it still declares `n4`, with the
    bracketed text as its label."""
    m = re.fullmatch(r"[ \t]*(" + NAME + r")(\[\[?|\(\(?|\{\{?|>)([^\]\)\}\r\n]*)(\]\]?|\)\)?|\}\}?)[ \t]*", line)
    if m is None:
        return None
    node = Tok(m.group(1), m.start(1), m.end(1))
    label = m.group(3).strip().strip('"')
    value = Tok('"' + label.replace("\\", "\\\\").replace('"', '\\"') + '"', m.start(3), m.end(3))
    empty = Tok("", m.end(1), m.end(1))
    return NodeDecl(
        node, Tok(":", m.end(1), m.end(1)), empty, (Attribute(Tok("label", m.start(3), m.start(3)), empty, value),)
    )


def _shift_attribute(a: Attribute, by: int) -> Attribute:
    def s(t: Tok) -> Tok:
        return Tok(t.text, t.start + by, t.end + by)

    return Attribute(s(a.key), s(a.op), s(a.value))


_ENDPOINT = re.compile(r"[ \t]*(" + NAME + r")(?:[ \t]*\.[ \t]*(" + NAME + r"))?")


def _touches(line: str) -> tuple[Endpoint, ...]:
    """The node names an unreadable edge or loop line mentions."""
    out: list[Endpoint] = []
    loop = re.match(r"[ \t]*loop\b(?:[ \t]*\[[^\]\r\n]*\]?)?", line)
    if loop is not None:
        for m in re.finditer(r"(" + NAME + r")(?:\.(" + NAME + r"))?", line[loop.end() :]):
            out.append(_endpoint_of(m, loop.end(), None))
        return tuple(out)
    if "->" not in line and ".handle" not in line:
        return ()
    pos = 0
    for part in re.split(r"(-->|->>|->|-\.->|==>|\u2192)", line):
        if part in ("-->", "->>", "->", "-.->", "==>", "\u2192"):
            pos += len(part)
            continue
        label = re.match(r"[ \t]*\|[^|]*\|", part)  # Mermaid's `-->|Yes| B`
        if label is not None:
            pos += label.end()
            part = part[label.end() :]
        endpoint = _ENDPOINT.match(part)
        if endpoint is not None:
            out.append(_endpoint_of(endpoint, pos, "handle"))
        pos += len(part)
    return tuple(out)


def _endpoint_of(m: re.Match[str], offset: int, keyword: str | None) -> Endpoint:
    first = Tok(m.group(1), offset + m.start(1), offset + m.end(1))
    second = m.group(2)
    if second is None or (keyword is not None and _like_handle(second)):
        return Endpoint(None, first, None)
    return Endpoint(first, Tok(second, offset + m.start(2), offset + m.end(2)), None)


# ---------------------------------------------------------------------------
# Columns of the repaired line -> columns of the line as written


def _apply(line: str, edits: tuple[tuple[int, int, str], ...]) -> str:
    out, cursor = [], 0
    for start, end, text in _ordered(edits):
        out.append(line[cursor:start])
        out.append(text)
        cursor = end
    out.append(line[cursor:])
    return "".join(out)


def _column_map(edits: tuple[tuple[int, int, str], ...]) -> Callable[[int, bool], int]:
    """map(column in the repaired line, is_end) -> column in the line as written. A token
    edge inside inserted text maps to the edge of the text that insertion replaced."""
    spans = []  # (new_start, new_end, old_start, old_end, shift after) per edit, in order
    shift = 0
    for start, end, text in _ordered(edits):
        new_start = start + shift
        shift += len(text) - (end - start)
        spans.append((new_start, new_start + len(text), start, end, shift))

    def to_old(col: int, is_end: bool) -> int:
        old = col
        for new_start, new_end, old_start, old_end, after in spans:
            if col < new_start or (is_end and col == new_start):
                break
            if col < new_end or (is_end and col == new_end):
                return old_end if is_end else old_start
            old = col - after
        return old

    return to_old


def _remap(value: Any, to_old: Callable[[int, bool], int]) -> Any:
    """`value` (a statement, or a part of one: tokens, tuples of them, nested statement
    classes) with every token's columns mapped by `to_old`."""
    if type(value) is Tok:
        return Tok(value.text, to_old(value.start, False), max(to_old(value.start, False), to_old(value.end, True)))
    if type(value) is tuple:
        return tuple(_remap(v, to_old) for v in value)
    if value is None or type(value) in (bool, str, int):
        return value
    return type(value)(*(_remap(getattr(value, f), to_old) for f in value.__slots__))
