"""Completion: what may be typed at a position, from the text before the cursor.

The context is read from the lexer's tokens of the line left of the cursor (syntax/lexer.py),
not from the parsed statement: while the user types, the current line is usually
broken (`n3.handle(right) -> CICD.` parses as `syntax.Broken`). The lanes and nodes
offered come from the model, which the other (well-formed) lines still provide.

Contexts, checked in this order (`typed` is the partial word at the cursor):

* `//` comment, inside a string, inside a lane label (`{ # ...`), inside a loop
  condition: nothing.
* `loop [cond] nA ... |`: node ids not yet in the loop (same lane first).
* start of a line (only whitespace before the word, nothing after it):
  inside a lane: a declaration of the next free id, the lane's nodes as edge
  sources, `loop [..]`; outside lanes: a lane block.
* `nX.|` at the start of a line: `handle(...)`.
* `.handle(|`: the four directions.
* `nX.handle(dir) |`: `->`.
* `-> |`: the lane's own nodes, then the other lanes as `Lane.` (re-triggers).
* `-> Lane.|`: the nodes of that lane; `-> nX.|` / `-> Lane.nX.|`: `handle(...)`.
* `-> Lane.nX.handle(dir) |`: `[label="..."]`; `... [|`: `label="..."`.
* `nX: |`: the four shapes; `nX: shape ... |`: the attribute keys not used yet.

Node ids are offered in id order (numerically: n2 before n10). The next free id for a
new declaration is the **first gap** in n1, n2, ...: the smallest `n<k>` no node
declares (so it is max+1 when there is no gap, and filling a gap clears the docs'
"ids run n1..nN" warning). Ids that are only referenced (a forward reference to a node
not declared yet) count as free: declaring them is exactly what is missing.

Every item replaces the whole identifier around the cursor (`replace`, code points).
With `snippets=False` (a client without snippet support) items insert plain text. Details
and documentation are in the language of `locale` (fz_lsp/i18n.py; English by default);
what an item inserts is FlowZap Code, always the same.

May import: fz_lsp.base, fz_lsp.syntax, fz_lsp.model, fz_lsp.analysis.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fz_lsp.analysis.markdown import md
from fz_lsp.base.i18n import N_, Translator, translator
from fz_lsp.model import Lane, Model, Node, Span
from fz_lsp.syntax import lexer
from fz_lsp.syntax.statements import Tok
from fz_lsp.syntax.vocabulary import (
    DIRECTIONS,
    HANDLE_SIDES,
    NAME_CHAR,
    NODE_ATTRIBUTES,
    SHAPE_DESCRIPTIONS,
    SHAPES,
)

if TYPE_CHECKING:
    from fz_lsp.analysis.document import Document

# item kinds (mapped to LSP CompletionItemKind by the server)
NODE, LANE, DIRECTION, SHAPE, ATTRIBUTE, KEYWORD, SNIPPET, OPERATOR = (
    "node",
    "lane",
    "direction",
    "shape",
    "attribute",
    "keyword",
    "snippet",
    "operator",
)


@dataclass(frozen=True)
class CompletionItem:
    label: str
    kind: str
    insert_text: str  # snippet syntax when `snippet` is True
    replace: Span  # the text the item replaces (the word around the cursor)
    detail: str | None = None
    documentation: str | None = None  # Markdown
    snippet: bool = False
    filter_text: str | None = None
    sort_text: str | None = None
    retrigger: bool = False  # ask the client to open completion again after inserting


TRIGGER_CHARACTERS = (".", "(", ":", "[", " ")
# at most this many nodes in one answer; a lane with more is filtered by the typed prefix
# and the answer marked incomplete (a longer list is slow to build and useless to scroll)
MAX_NODE_ITEMS = 1000

ATTRIBUTE_DESCRIPTIONS = {
    "label": N_("The text shown in the node"),
    "owner": N_("Who the task is assigned to (taskbox)"),
    "description": N_("What the task is (taskbox)"),
    "system": N_("The system the task runs in (taskbox)"),
}

# The context is read from the lexer's tokens of the text before the word at the cursor
# (syntax/lexer.py), written one character per token: a name `a` (`h` for `handle`, also a
# name), the arrow `>` (`->`; other arrows `~`), a string `s`, punctuation as itself, any
# other token `?`. The contexts are patterns over that text (`A`: any name).
_A = "[ah]"
_ENDPOINT = rf"{_A}(?:\.{_A})?(?:\.h\({_A}?\))?"  # nX, Lane.nX, with or without .handle(dir)
_ATTRIBUTES = rf"(?:{_A}[:=]s)*"
_SOURCE_DOT = re.compile(rf"{_A}\.")
_SOURCE_DONE = re.compile(rf"{_A}\.h\({_A}?\)")  # + a blank
_TARGET = re.compile(rf"{_ENDPOINT}>")  # + a blank
_TARGET_DOT = re.compile(rf"{_ENDPOINT}>{_A}\.")
_TARGET_NODE_DOT = re.compile(rf"{_ENDPOINT}>{_A}\.{_A}\.")
_TARGET_DONE = re.compile(rf"{_ENDPOINT}>{_A}(?:\.{_A})?\.h\({_A}?\)")  # + a blank
_EDGE_BRACKET = re.compile(rf"{_ENDPOINT}>{_ENDPOINT}\[(?P<inner>{_ATTRIBUTES})(?P<rest>[^\]]*)")
_SHAPE = re.compile(rf"{_A}:")
_NODE_ATTRIBUTES = re.compile(rf"{_A}:{_A}{_ATTRIBUTES}")  # + a blank
_SYMBOL_OF_KIND = {lexer.STRING: "s", lexer.PUNCT: "", lexer.NAME: "", lexer.ARROW: ""}


def _symbols(kinds: list[str], toks: list[Tok]) -> str:
    """The tokens written one character each (see above)."""
    out = []
    for kind, tok in zip(kinds, toks):
        symbol = _SYMBOL_OF_KIND.get(kind, "?")
        if not symbol:
            text = tok.text
            if kind == lexer.NAME:
                symbol = "h" if text == "handle" else "a"
            elif kind == lexer.ARROW:
                symbol = ">" if text == "->" else "~"
            else:
                symbol = text
        out.append(symbol)
    return "".join(out)


def _attribute_keys(kinds: list[str], toks: list[Tok]) -> set[str]:
    """The keys of the attributes among the tokens: a name, `:` or `=`, then a string."""
    return {
        toks[k].text
        for k in range(len(toks) - 2)
        if kinds[k] == lexer.NAME
        and toks[k + 1].text in (":", "=")
        and kinds[k + 1] == lexer.PUNCT
        and kinds[k + 2] in (lexer.STRING, lexer.OPEN_STRING)
    }


def _loop_members(kinds: list[str], toks: list[Tok], end: int) -> tuple[list[str], str | None] | None:
    """After `loop [condition]`: (the names of the members so far, the `Lane` of a member
    being typed as `Lane.`) when the tokens are members (`nX`, `Lane.nX`, no blank around the
    dot) ending at column `end`, else None."""
    names: list[str] = []
    k, n = 2, len(toks)
    while k < n:
        if kinds[k] != lexer.NAME:
            return None
        names.append(toks[k].text)
        if k + 1 < n and toks[k + 1].text == "." and toks[k + 1].start == toks[k].end:
            if k + 2 == n and toks[k + 1].end == end:
                return names[:-1], names[-1]  # `Lane.` at the cursor
            if k + 2 < n and kinds[k + 2] == lexer.NAME and toks[k + 2].start == toks[k + 1].end:
                names.append(toks[k + 2].text)
                k += 3
                continue
            return None
        k += 1
    return names, None


_RE_ID_NUMBER = re.compile(r"n([0-9]+)\Z")


def node_sort_key(node_id: str) -> tuple[int, int, str]:
    """Order ids numerically (n2 before n10); other ids after, alphabetically."""
    m = _RE_ID_NUMBER.match(node_id)
    return (0, int(m.group(1)), node_id) if m else (1, 0, node_id)


def sorted_nodes(nodes: Iterable[Node]) -> list[Node]:
    """Nodes in id order, each id once (the first declaration)."""
    seen: set[str] = set()
    unique = []
    for n in nodes:
        if n.id not in seen:
            seen.add(n.id)
            unique.append(n)
    return sorted(unique, key=lambda n: node_sort_key(n.id))


def next_free_id(model: Model) -> str:
    """The first gap in n1, n2, ... among declared ids (max+1 when there is none)."""
    used = {n.id for n in model.nodes}
    k = 1
    while f"n{k}" in used:
        k += 1
    return f"n{k}"


def _node_doc(node: Node, tr: Translator) -> str:
    if node.lane:
        lane = tr._("lane **{title}** (`{lane}`)", title=md(node.lane.title), lane=node.lane.id)
    else:
        lane = tr._("outside any lane")
    return f"`{node.shape}` · {lane}"


_KEY = "fz_lsp.features.completion"  # this module's entry in Document.derived


class _Kept:
    """What completion derived from one version of a document, kept in its `derived` while
    its `revision` stays: a client asks again and again on one version (each character
    typed in a word, the list filtered as it narrows, hover-like re-requests), and a lane of
    thousands of nodes or a document of hundreds of lanes is sorted and described once.
    Per document and version; dropped by the next edit and by Document.dispose."""

    __slots__ = ("revision", "_lane_nodes", "_all_nodes", "_free_id", "_node_texts", "_lane_texts")

    def __init__(self, revision: int) -> None:
        self.revision = revision
        self._lane_nodes: dict[Lane, list[Node]] = {}
        self._all_nodes: list[Node] | None = None
        self._free_id: str | None = None
        self._node_texts: dict[tuple[Node, str], tuple[str, str]] = {}
        self._lane_texts: dict[tuple[Lane, str], str] = {}

    def lane_nodes(self, lane: Lane) -> list[Node]:
        """The lane's nodes in id order, each id once."""
        found = self._lane_nodes.get(lane)
        if found is None:
            found = self._lane_nodes[lane] = sorted_nodes(lane.nodes)
        return found

    def all_nodes(self, model: Model) -> list[Node]:
        """Every node in id order, each id once."""
        if self._all_nodes is None:
            self._all_nodes = sorted_nodes(model.nodes)
        return self._all_nodes

    def free_id(self, model: Model) -> str:
        if self._free_id is None:
            self._free_id = next_free_id(model)
        return self._free_id

    def node_texts(self, node: Node, tr: Translator) -> tuple[str, str]:
        """(detail, documentation) of a node's item."""
        key = (node, tr.language)
        found = self._node_texts.get(key)
        if found is None:
            found = self._node_texts[key] = (node.display_text, _node_doc(node, tr))
        return found

    def lane_text(self, lane: Lane, tr: Translator) -> str:
        """The documentation of a lane's `Lane.` item."""
        key = (lane, tr.language)
        found = self._lane_texts.get(key)
        if found is None:
            found = self._lane_texts[key] = tr._n(
                "Lane **{title}** (`{lane}`), {n} node",
                "Lane **{title}** (`{lane}`), {n} nodes",
                len(lane.nodes),
                title=md(lane.title),
                lane=lane.id,
            )
        return found


def _kept(doc: Document) -> _Kept:
    kept = doc.derived.get(_KEY)
    if kept is None or kept.revision != doc.revision:
        kept = doc.derived[_KEY] = _Kept(doc.revision)
    assert type(kept) is _Kept
    return kept


class _Builder:
    def __init__(self, doc: Document, line: int, col: int, snippets: bool, tr: Translator) -> None:
        self.tr = tr
        self._ = tr._
        self.model = doc.model
        self.kept = _kept(doc)
        self.line = line
        self.text = doc.lines[line]
        self.col = col
        self.snippets = snippets
        start = col
        while start > 0 and NAME_CHAR.match(self.text[start - 1]):
            start -= 1
        end = col
        while end < len(self.text) and NAME_CHAR.match(self.text[end]):
            end += 1
        self.word_start, self.word_end = start, end
        self.typed = self.text[start:col]
        self.before = self.text[:start]
        self.after = self.text[end:]  # text after the word under the cursor
        self.replace = Span(line, start, end)
        self.items: list[CompletionItem] = []
        self.incomplete = False  # some nodes were left out (MAX_NODE_ITEMS)

    # -- item helpers ------------------------------------------------------------

    def add(self, label: str, kind: str, insert: str, plain: str | None = None, **extra: Any) -> None:
        """Add an item; `insert` is a snippet when `plain` is given (its fallback text)."""
        order = f"{len(self.items):04d}"
        if plain is None:
            item = CompletionItem(label, kind, insert, self.replace, sort_text=order, **extra)
        elif self.snippets:
            item = CompletionItem(label, kind, insert, self.replace, snippet=True, sort_text=order, **extra)
        else:  # plain text; no re-trigger (the plain fallbacks leave the cursor where typing goes on)
            extra.pop("retrigger", None)
            item = CompletionItem(label, kind, plain, self.replace, sort_text=order, **extra)
        self.items.append(item)

    def offered(self, nodes: list[Node]) -> list[Node]:
        """`nodes` (in the order to offer them) cut to MAX_NODE_ITEMS: past that many, only
        ids starting with the typed word, and the list is marked incomplete so the client
        asks again as the user types."""
        if len(nodes) <= MAX_NODE_ITEMS:
            return nodes
        typed = self.typed.lower()
        if typed:
            nodes = [n for n in nodes if n.id.lower().startswith(typed)]
        if len(nodes) > MAX_NODE_ITEMS:
            self.incomplete = True
            nodes = nodes[:MAX_NODE_ITEMS]
        return nodes

    def lane_nodes(self, lane: Lane) -> list[Node]:
        """The lane's nodes to offer, in id order (see `offered`); a huge lane is filtered
        by the typed word before it is sorted."""
        nodes = self.kept.lane_nodes(lane)
        typed = self.typed.lower()
        if typed and len(nodes) > MAX_NODE_ITEMS:
            nodes = [n for n in nodes if n.id.lower().startswith(typed)]
        return self.offered(nodes)

    def node_item(self, node: Node, insert_handle: bool = False) -> None:
        detail, documentation = self.kept.node_texts(node, self.tr)
        if insert_handle and not self.after.lstrip().startswith("."):
            self.add(
                node.id,
                NODE,
                f"{node.id}.handle($1)",
                node.id,
                detail=detail,
                documentation=documentation,
                filter_text=node.id,
                retrigger=True,
            )
        else:
            self.add(node.id, NODE, node.id, detail=detail, documentation=documentation)

    def handle_item(self) -> None:
        if self.after.lstrip().startswith("("):
            self.add("handle", KEYWORD, "handle", detail=".handle(direction)", documentation=self._(_HANDLE_DOC))
        else:
            self.add(
                "handle",
                KEYWORD,
                "handle($1)",
                "handle(",
                detail=".handle(direction)",
                documentation=self._(_HANDLE_DOC),
                retrigger=True,
            )

    # -- contexts -----------------------------------------------------------------

    def run(self) -> list[CompletionItem]:
        before = self.before
        kinds, toks = lexer.tokens(before)
        if not kinds:
            if not self.after.strip():
                self.line_start()
            return self.items
        if kinds[0] == lexer.COMMENT:
            return []
        if len(kinds) > 1 and toks[0].text == "loop" and kinds[1] in (lexer.CONDITION, lexer.OPEN_CONDITION):
            members = _loop_members(kinds, toks, len(before)) if kinds[1] == lexer.CONDITION else None
            if members is not None:
                self.loop_members(*members)
            return self.items
        if lexer.OPEN_STRING in kinds or lexer.LABEL in kinds or lexer.COMMENT in kinds:
            return []  # inside a string, a lane label or a comment
        symbols = _symbols(kinds, toks)
        blank_before = before.endswith((" ", "\t"))  # the word at the cursor stands apart
        if _SOURCE_DOT.fullmatch(symbols):
            name = toks[0].text
            if name in self.model.node_by_id or name not in self.model.lane_by_id:
                self.handle_item()
            return self.items
        if symbols.endswith(".h("):
            self.directions(target=any(kind == lexer.ARROW and "->" in t.text for kind, t in zip(kinds, toks)))
            return self.items
        if blank_before and _SOURCE_DONE.fullmatch(symbols):
            if not self.typed and "->" not in self.after:
                self.add("->", OPERATOR, "-> ", detail=self._("edge to a target node"), retrigger=True)
            return self.items
        if blank_before and _TARGET.fullmatch(symbols):
            self.targets()
            return self.items
        if _TARGET_DOT.fullmatch(symbols):
            lane = self.model.lane_by_id.get(toks[-2].text)
            if lane is not None:
                for node in self.lane_nodes(lane):
                    self.node_item(node, insert_handle=True)
            else:
                self.handle_item()
            return self.items
        if _TARGET_NODE_DOT.fullmatch(symbols):
            self.handle_item()
            return self.items
        if blank_before and _TARGET_DONE.fullmatch(symbols):
            if "[" not in self.after:
                self.add(
                    '[label="…"]',
                    KEYWORD,
                    '[label="$1"]',
                    '[label="',
                    detail=self._("edge label"),
                    documentation=self._(_EDGE_LABEL_DOC),
                    filter_text="label",
                )
            return self.items
        m = _EDGE_BRACKET.fullmatch(symbols)
        if m:
            if not m.group("rest"):  # only attributes so far
                used = _attribute_keys(kinds[m.start("inner") :], toks[m.start("inner") :]) | self.keys_after()
                if "label" not in used:
                    self.attribute_item("label", "=", self._(_EDGE_LABEL_DOC))
            return self.items
        if _SHAPE.fullmatch(symbols):
            self.shapes(space=not blank_before)
            return self.items
        if blank_before and _NODE_ATTRIBUTES.fullmatch(symbols):
            used = _attribute_keys(kinds[3:], toks[3:]) | self.keys_after()
            keys = NODE_ATTRIBUTES
            if toks[2].text == "taskbox":
                keys = ("owner", "description", "system", "label")
            for key in keys:
                if key not in used:
                    self.attribute_item(key, ":", self._(ATTRIBUTE_DESCRIPTIONS[key]))
            return self.items
        return self.items

    def keys_after(self) -> set[str]:
        """The attribute keys written after the word at the cursor."""
        return _attribute_keys(*lexer.tokens(self.after))

    def attribute_item(self, key: str, op: str, doc: str) -> None:
        if self.after.lstrip().startswith((":", "=")):
            self.add(key, ATTRIBUTE, key, detail=f'{key}{op}"…"', documentation=doc)
        else:
            self.add(key, ATTRIBUTE, f'{key}{op}"$1"', f'{key}{op}"', detail=f'{key}{op}"…"', documentation=doc)

    def line_start(self) -> None:
        lane = self.model.lane_at(self.line)
        if lane is None:
            name = self.typed
            if name:
                self.add(
                    f"{name} {{ # … }}",
                    SNIPPET,
                    f"{name} {{ # ${{1:{name}}}\n$0\n}}",
                    f"{name} {{ # {name}\n\n}}",
                    detail=self._("new lane"),
                    documentation=self._(_LANE_DOC),
                    filter_text=name,
                )
            else:
                self.add(
                    "Lane { # Label }",
                    SNIPPET,
                    "${1:Lane} { # ${2:Label}\n$0\n}",
                    "Lane { # Label\n\n}",
                    detail=self._("new lane"),
                    documentation=self._(_LANE_DOC),
                    filter_text="lane",
                )
            return
        new_id = self.kept.free_id(self.model)
        self.add(
            f"{new_id}:",
            SNIPPET,
            f'{new_id}: ${{1|{",".join(_DECL_SHAPES)}|}} label:"$2"',
            f"{new_id}: ",
            detail=self._("declare a new node (next free id)"),
            documentation=self._("Declares node `{node}`: the smallest `n<k>` no node uses yet.", node=new_id),
            filter_text=new_id,
        )
        for node in self.lane_nodes(lane):
            detail, documentation = self.kept.node_texts(node, self.tr)
            self.add(
                f"{node.id}.handle(…) ->",
                NODE,
                f"{node.id}.handle(${{1|{','.join(_SOURCE_DIRECTIONS)}|}}) -> ",
                f"{node.id}.handle(",
                detail=detail,
                documentation=self._("An edge leaving `{node}`.", node=node.id) + " " + documentation,
                filter_text=node.id,
            )
        self.add(
            "loop",
            KEYWORD,
            "loop [${1:condition}] $0",
            "loop [",
            detail="loop [condition] nA nB …",
            documentation=self._("A labelled frame around two or more nodes (they may belong to other lanes)."),
        )

    def directions(self, target: bool) -> None:
        close = not self.after.lstrip().startswith(")")
        for d in DIRECTIONS:
            side = self._(HANDLE_SIDES[d])
            if target:
                doc = self._("The edge enters the target at {side}.", side=side)
            else:
                doc = self._("The edge leaves the source at {side}.", side=side)
            self.add(d, DIRECTION, d + (")" if close else ""), detail=side, documentation=doc, filter_text=d)

    def targets(self) -> None:
        lane = self.model.lane_at(self.line)
        if lane is not None:
            for node in self.lane_nodes(lane):
                self.node_item(node, insert_handle=True)
        dot = "" if self.after.lstrip().startswith(".") else "."
        seen: set[str] = set()
        for other in self.model.lanes:
            if other is lane or other.id in seen or (lane is not None and other.id == lane.id):
                continue
            seen.add(other.id)
            self.add(
                f"{other.id}.",
                LANE,
                other.id + dot,
                detail=other.title,
                documentation=self.kept.lane_text(other, self.tr),
                filter_text=other.id,
                retrigger=True,
            )

    def shapes(self, space: bool) -> None:
        for shape in SHAPES:
            self.add(
                shape,
                SHAPE,
                (" " if space else "") + shape,
                detail=self._(SHAPE_DESCRIPTIONS[shape]),
                filter_text=shape,
            )

    def loop_members(self, written: list[str], prefix: str | None = None) -> None:
        """Nodes not yet in the loop: after `Lane.` that lane's (members may carry their
        lane's prefix, as FlowZap's templates write them), else this lane's first."""
        kinds, toks = lexer.tokens(self.after)
        members = set(written) | {t.text for kind, t in zip(kinds, toks) if kind == lexer.NAME}
        if prefix is not None:
            named = self.model.lane_by_id.get(prefix)
            if named is not None:
                for node in self.offered([n for n in self.lane_nodes(named) if n.id not in members]):
                    self.node_item(node)
            return
        lane = self.model.lane_at(self.line)
        own = self.kept.lane_nodes(lane) if lane is not None else []
        own_ids = {n.id for n in own}
        others = [n for n in self.kept.all_nodes(self.model) if n.id not in own_ids]
        for node in self.offered([n for n in own + others if n.id not in members]):
            self.node_item(node)


_DECL_SHAPES = ("rectangle", "circle", "diamond", "taskbox")
_SOURCE_DIRECTIONS = ("right", "bottom", "left", "top")
_HANDLE_DOC = N_("Where the edge attaches: `left`, `right`, `top` or `bottom` (the middle of that side).")
_EDGE_LABEL_DOC = N_('The text written on the edge: `[label="…"]` (with `=`).')
_LANE_DOC = N_("A lane (swimlane): `LaneId { # Display Label` … `}`.")


@dataclass(frozen=True)
class Completions:
    items: list[CompletionItem]
    incomplete: bool  # nodes were left out: ask again when the typed word changes


def completions(doc: Document, line: int, col: int, snippets: bool = True, locale: str | None = None) -> Completions:
    """Completion items at (line, code-point column), at most MAX_NODE_ITEMS nodes; texts in
    the language of `locale` (English when None)."""
    if not (0 <= line < len(doc.lines)):
        return Completions([], False)
    col = max(0, min(col, len(doc.lines[line])))
    builder = _Builder(doc, line, col, snippets, translator(locale))
    items = builder.run()
    return Completions(items, builder.incomplete)


def complete(
    doc: Document, line: int, col: int, snippets: bool = True, locale: str | None = None
) -> list[CompletionItem]:
    """Completion items at (line, code-point column); [] where nothing fits."""
    return completions(doc, line, col, snippets, locale).items
