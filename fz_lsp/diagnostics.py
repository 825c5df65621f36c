"""Diagnostics: every mistake the FlowZap docs warn about, on the exact token.

`check(document, settings)` returns plain `Diagnostic` values (code-point spans). Codes
are stable kebab-case strings documented in the README; `data` carries what a quick fix
needs. The protocol layer converts spans to the client's position encoding.

Pure Python: no pygls import.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from fz_lsp import syntax
from fz_lsp.i18n import Translator, translator
from fz_lsp.model import (
    DIRECTIONS,
    EDGE_ATTRIBUTES,
    NODE_ATTRIBUTES,
    SHAPES,
    Edge,
    Lane,
    LineAnchor,
    Model,
    Ref,
    Span,
)
from fz_lsp.settings import Settings
from fz_lsp.syntax import Broken, Comment, EdgeStmt, Foreign, NodeDecl

if TYPE_CHECKING:
    from fz_lsp.document import Document

ERROR, WARNING, INFORMATION, HINT = 1, 2, 3, 4

FLOWZAP_CHAR_LIMIT = 50_000


@dataclass(frozen=True)
class Related:
    span: Span
    message: str


@dataclass(frozen=True)
class Diagnostic:
    code: str
    severity: int
    message: str
    span: Span
    related: tuple[Related, ...] = ()
    data: dict[str, Any] | None = None
    unnecessary: bool = False  # rendered faded (e.g. a redundant prefix)

    def sort_key(self) -> tuple[int, int, int, str]:
        return (self.span.line, self.span.start, self.span.end, self.code)


@dataclass(frozen=True)
class CodeInfo:
    """What a diagnostic code means and how loud it is (README, "Diagnostics").

    Severity follows what FlowZap does (spec §2): an error when FlowZap cannot draw the
    text as written; a warning when FlowZap draws it but its validator or guidelines
    reject it (`validator`: strict mode makes those errors) or it is almost certainly a
    slip; a hint for style."""

    severity: int  # by default
    summary: str
    validator: bool = False  # FlowZap's validator rejects it: an error in strict mode

    @property
    def flowzap_draws(self) -> bool:
        return self.severity != ERROR

    def severity_for(self, strict: bool) -> int:
        return ERROR if strict and self.validator else self.severity


def _code(severity: int, summary: str, validator: bool = False) -> CodeInfo:
    return CodeInfo(severity, summary, validator)


# the README table is checked against this
CODES: dict[str, CodeInfo] = {
    "syntax-error": _code(ERROR, "A line the grammar cannot read (the slip named, with a fix where it is obvious)"),
    "not-flowzap": _code(ERROR, "Mermaid / PlantUML syntax mixed into FlowZap Code"),
    "undefined-node": _code(ERROR, "An edge or loop names a node declared nowhere"),
    "undefined-lane": _code(ERROR, "A `Lane.` prefix names no lane"),
    "wrong-lane": _code(ERROR, "A `Lane.` prefix names a lane that does not hold the node"),
    "missing-lane-prefix": _code(ERROR, "A target in another lane lacks its `Lane.` prefix"),
    "bad-handle": _code(ERROR, "Unknown or malformed handle direction"),
    "missing-handle": _code(ERROR, "An edge endpoint without `.handle(direction)`"),
    "chained-edge": _code(ERROR, "More than one `->` on a line"),
    "unclosed-lane": _code(ERROR, "A lane whose `}` is missing"),
    "unmatched-brace": _code(ERROR, "A `}` with no open lane"),
    "duplicate-node": _code(ERROR, "A node id declared twice"),
    "duplicate-lane": _code(ERROR, "A lane id declared twice"),
    "unknown-shape": _code(ERROR, "A shape other than circle, rectangle, diamond, taskbox"),
    "outside-lane": _code(ERROR, "A node outside every lane (it has no lane to be drawn in)"),
    "label-operator": _code(WARNING, "`label=` on a node or `[label:…]` on an edge", validator=True),
    "unknown-attribute": _code(WARNING, "An attribute other than label, owner, description, system", validator=True),
    "edge-outside-source-lane": _code(
        WARNING, "An edge written in a lane other than its source node's", validator=True
    ),
    "top-level-edge": _code(WARNING, "An edge or loop outside every lane (after the last `}`)", validator=True),
    "stray-display-label": _code(WARNING, "A `# label` line that is not right after a lane's `{`", validator=True),
    "missing-label": _code(WARNING, "A circle, rectangle or diamond without a label", validator=True),
    "id-gap": _code(WARNING, "Node ids do not run n1..nN without gaps", validator=True),
    "non-canonical-id": _code(WARNING, "A node id not of the form n<number>", validator=True),
    "long-label": _code(WARNING, "A label longer than the docs' 50 characters", validator=True),
    "loop-too-short": _code(WARNING, "A loop with fewer than two nodes", validator=True),
    "too-large": _code(WARNING, "More than FlowZap's 50,000 characters", validator=True),
    "duplicate-attribute": _code(WARNING, "The same attribute given twice (FlowZap uses the first)"),
    "orphan-node": _code(WARNING, "A node no edge or loop touches"),
    "duplicate-edge": _code(WARNING, "The same edge written twice"),
    # FlowZap's validator enforces these since April 2026: on in strict mode, opt-in otherwise
    "missing-reply": _code(WARNING, "Sequence rule (opt-in): a cross-lane request with no reply", validator=True),
    "ping-pong": _code(WARNING, "Sequence rule (opt-in): two requests in a row without a reply", validator=True),
    "prefixed-source": _code(HINT, "An edge source written with its `Lane.` prefix"),
    "redundant-lane-prefix": _code(HINT, "A `Lane.` prefix naming the edge's own lane"),
    "missing-display-label": _code(HINT, "A lane header without `# Display Label`"),
    "display-label-own-line": _code(HINT, "Old style: the display label on its own line"),
    "comment": _code(HINT, "A `//` line: the FlowZap editor ignores it, the guidelines forbid it"),
}


def nearest(word: str, choices: tuple[str, ...]) -> str | None:
    """The choice closest to `word` (prefix match first, then edit similarity)."""
    low = word.lower()
    for c in choices:
        if c == low:
            return c
    prefixed = [c for c in choices if low and (c.startswith(low) or low.startswith(c))]
    if prefixed:
        return prefixed[0]
    close = difflib.get_close_matches(low, choices, n=1, cutoff=0.4)
    return close[0] if close else None


def code_list(words: tuple[str, ...], tr: Translator) -> str:
    """`a`, `b`, `c` or `d` in `tr`'s language."""
    return tr.or_list(tuple(f"`{w}`" for w in words))


class _Checker:
    """Every message goes through `self._` (fz_lsp/i18n.py): English in the code, in the
    language of `settings.locale` in the diagnostic."""

    def __init__(self, doc: Document, settings: Settings) -> None:
        self.doc = doc
        self.model: Model = doc.model
        self.settings = settings
        self.tr = translator(settings.locale)
        self._ = self.tr._
        self.out: list[Diagnostic] = []

    def add(self, code: str, span: Span, message: str, **extra: Any) -> None:
        severity = CODES[code].severity_for(self.settings.strict)
        self.out.append(Diagnostic(code, severity, message, span, **extra))

    def related(self, span: Span, message: str) -> tuple[Related, ...]:
        return (Related(span, message),)

    def choices(self, words: tuple[str, ...]) -> str:
        return code_list(words, self.tr)

    # -- per-line syntax (cached per line in LineFacts) ----------------------------

    def lines(self) -> None:
        settings = self.settings
        for f in self.model.facts:
            cached = f.local_diagnostics
            if cached is None or (cached[0] is not settings and cached[0] != settings):
                cached = f.local_diagnostics = (settings, self.local(f.anchor, f.statement))
            if cached[1]:
                self.out.extend(cached[1])

    def local(self, i: LineAnchor, st: syntax.Statement) -> tuple[Diagnostic, ...]:
        """The diagnostics that depend on this line alone (spans anchored to the line)."""
        if st is None:
            return ()
        outer, self.out = self.out, []
        try:
            if type(st) is NodeDecl:
                self.node_syntax(i, st)
            elif type(st) is EdgeStmt:
                self.edge_syntax(i, st)
            elif type(st) is Broken:
                self.broken(i, st)
            elif type(st) is Foreign:
                self.add(
                    "not-flowzap",
                    Span.of(i, st.token),
                    self._(
                        "`{word}` is Mermaid/PlantUML syntax, not FlowZap Code. "
                        'FlowZap uses lanes (`Lane { # Label`), nodes (`n1: rectangle label:"..."`) '
                        "and edges (`n1.handle(right) -> n2.handle(left)`).",
                        word=st.token.text.split()[0],
                    ),
                )
            elif type(st) is Comment:
                self.add(
                    "comment",
                    Span.of(i, st.token),
                    self._(
                        "`//` lines are ignored by the FlowZap editor but are not part of FlowZap Code; "
                        "other tools may reject them"
                    ),
                )
            return tuple(self.out)
        finally:
            self.out = outer

    def broken(self, i: LineAnchor, st: syntax.Broken) -> None:
        """One diagnostic for the line, naming the slip; its repair (fz_lsp/recovery.py) is
        the quick fix. What the repaired line says is checked with the rest of the
        document, not here: one mistake, one diagnostic."""
        line = self.model.lines[i.line]
        end = min(max(st.end, st.start + 1), len(line))
        data = None
        if st.fixes:
            data = {"fixes": [[f.start, f.end, f.text] for f in st.fixes], "title": self.tr.render(st.fix_title)}
        self.add(st.code, Span(i, min(st.start, end), end), self.tr.render(st.message), data=data)

    def node_syntax(self, i: LineAnchor, st: syntax.NodeDecl) -> None:
        shape = st.shape.text
        if shape not in SHAPES:
            self.unknown_word("unknown-shape", i, st.shape, SHAPES)
        seen: dict[str, syntax.Attribute] = {}
        for a in st.attributes:
            key = a.key.text
            if key not in NODE_ATTRIBUTES:
                self.unknown_word("unknown-attribute", i, a.key, NODE_ATTRIBUTES)
            if a.op.text != ":":
                self.add(
                    "label-operator",
                    Span.of(i, a.op),
                    self._('Node attributes use a colon: write `{key}:"…"`, not `{key}="…"`', key=key),
                    data={"replacement": ":"},
                )
            if key in seen:
                first = seen[key]
                self.add(
                    "duplicate-attribute",
                    Span.of(i, a.key),
                    self._("`{key}` is given twice; FlowZap uses the first one", key=key),
                    related=self.related(Span.of(i, first.key), self._("first `{key}`", key=key)),
                )
            else:
                seen[key] = a
            self.check_length(i, a)
        misspelt_label = any(
            nearest(a.key.text, NODE_ATTRIBUTES) == "label" for a in st.attributes if a.key.text not in NODE_ATTRIBUTES
        )  # reported once, as unknown-attribute
        if shape in ("circle", "rectangle", "diamond") and "label" not in seen and not misspelt_label:
            self.add(
                "missing-label",
                Span.of(i, st.node),
                self._('`{node}` ({shape}) has no label; add `label:"…"`', node=st.node.text, shape=shape),
            )
        elif shape == "taskbox" and not seen:
            self.add(
                "missing-label",
                Span.of(i, st.node),
                self._(
                    '`{node}` (taskbox) has no text; add `label:"…"` or owner/description/system', node=st.node.text
                ),
            )

    def unknown_word(self, code: str, i: LineAnchor, tok: syntax.Tok, choices: tuple[str, ...]) -> None:
        """Unknown shape / node attribute `word`. Did you mean …? The choices. (with the guess
        as quick-fix data)"""
        guess = nearest(tok.text, choices)
        word, listed = tok.text, self.choices(choices)
        _ = self._
        if code == "unknown-shape":
            if guess:
                text = _(
                    "Unknown shape `{word}`. Did you mean `{guess}`? Shapes are {choices}.",
                    word=word,
                    guess=guess,
                    choices=listed,
                )
            else:
                text = _("Unknown shape `{word}`. Shapes are {choices}.", word=word, choices=listed)
        elif guess:
            text = _(
                "Unknown node attribute `{word}`. Did you mean `{guess}`? Nodes take {choices}.",
                word=word,
                guess=guess,
                choices=listed,
            )
        else:
            text = _("Unknown node attribute `{word}`. Nodes take {choices}.", word=word, choices=listed)
        self.add(code, Span.of(i, tok), text, data={"replacement": guess} if guess else None)

    def check_length(self, i: LineAnchor, a: syntax.Attribute) -> None:
        limit = self.settings.max_label_length
        n = len(a.text)
        if a.key.text in ("label", "description") and limit and n > limit:
            if a.key.text == "label":
                text = self._("This label has {n} characters; FlowZap recommends at most {limit}", n=n, limit=limit)
            else:
                text = self._(
                    "This description has {n} characters; FlowZap recommends at most {limit}", n=n, limit=limit
                )
            self.add("long-label", Span.of(i, a.value), text)

    def edge_syntax(self, i: LineAnchor, st: syntax.EdgeStmt) -> None:
        foreign = [t for t in st.arrows if t.text != "->"]
        for t in foreign:
            self.add(
                "not-flowzap",
                Span.of(i, t),
                self._(
                    "`{arrow}` is a Mermaid/PlantUML arrow; FlowZap edges use `->` between handles: "
                    "`n1.handle(right) -> n2.handle(left)`",
                    arrow=t.text,
                ),
                data={"replacement": "->"},
            )
        if foreign:
            return
        if len(st.endpoints) > 2:
            second = st.arrows[1]
            self.add(
                "chained-edge",
                Span(i, second.start, st.endpoints[-1].end),
                self._("FlowZap allows one `->` per line: split `a -> b -> c` into two edges"),
            )
        for ep in st.endpoints:
            self.handle_syntax(i, ep, ep is st.endpoints[0])
        if st.brackets is not None and not st.attributes:
            self.add(
                "missing-label",
                Span(i, st.brackets[0].start, st.brackets[1].end),
                self._('Empty `[]`: write `[label="…"]` or remove the brackets'),
            )
        seen = False
        for a in st.attributes:
            key = a.key.text
            if key not in EDGE_ATTRIBUTES:
                guess = "label"
                self.add(
                    "unknown-attribute",
                    Span.of(i, a.key),
                    self._("Edges take only `label`, not `{key}`", key=key),
                    data={"replacement": guess},
                )
            if a.op.text != "=":
                self.add(
                    "label-operator",
                    Span.of(i, a.op),
                    self._('Edge labels use `=`: write `[{key}="…"]`, not `[{key}:"…"]`', key=key),
                    data={"replacement": "="},
                )
            if key == "label":
                if seen:
                    self.add(
                        "duplicate-attribute",
                        Span.of(i, a.key),
                        self._("The edge has two labels; FlowZap uses the first"),
                    )
                seen = True
                self.check_length(i, a)

    def handle_syntax(self, i: LineAnchor, ep: syntax.Endpoint, is_source: bool) -> None:
        h = ep.handle
        default = "right" if is_source else "left"
        if h is None:
            self.add(
                "missing-handle",
                Span(i, ep.start, ep.end),
                self._(
                    "`{node}` needs a handle: write `{node}.handle({direction})` (directions: {choices})",
                    node=ep.node.text,
                    direction=default,
                    choices=self.choices(DIRECTIONS),
                ),
                data={"insert": f".handle({default})", "at": ep.end},
            )
            return
        if h.direction is not None and h.direction.text in DIRECTIONS and not h.closed:
            self.add(
                "bad-handle",
                Span(i, h.dot.start, h.end),
                self._("The handle is not closed: write `.handle({direction})`", direction=h.direction.text),
                data={"replacement": f".handle({h.direction.text})"},
            )
            return
        if h.direction is None or not h.closed:
            written = h.direction.text if h.direction and h.direction.text in DIRECTIONS else default
            self.add(
                "bad-handle",
                Span(i, h.dot.start, h.end),
                self._(
                    "Malformed handle: write `.handle(direction)` with one of {choices}",
                    choices=self.choices(DIRECTIONS),
                ),
                data={"replacement": f".handle({written})"},
            )
            return
        word = h.direction.text
        if word not in DIRECTIONS:
            guess = nearest(word, DIRECTIONS)
            if guess:
                text = self._(
                    "Unknown handle direction `{word}`: did you mean `{guess}`? Use {choices}.",
                    word=word,
                    guess=guess,
                    choices=self.choices(DIRECTIONS),
                )
            else:
                text = self._(
                    "Unknown handle direction `{word}`: Use {choices}.", word=word, choices=self.choices(DIRECTIONS)
                )
            self.add("bad-handle", Span.of(i, h.direction), text, data={"replacement": guess} if guess else None)

    # -- lanes and structure --------------------------------------------------

    def structure(self) -> None:
        m = self.model
        for issue in m.structure_issues:
            if issue.code == "unclosed-lane":
                lane = issue.lane
                assert lane is not None
                self.add(
                    "unclosed-lane",
                    issue.span,
                    self._("Lane `{lane}` is never closed: add `}` after its last statement", lane=lane.id),
                    data={"insert_line": lane.last_line + 1},
                )
            elif issue.code == "unmatched-brace":
                self.add("unmatched-brace", issue.span, self._("This `}` closes no lane"))
            elif issue.code == "outside-lane":
                self.add(
                    "outside-lane",
                    issue.span,
                    self._("A node must be declared inside a lane: `Lane { # Label` … `}`"),
                )
            elif issue.code == "top-level-edge":
                self.top_level(issue.span)
            elif issue.code == "stray-display-label":
                self.add(
                    "stray-display-label",
                    issue.span,
                    self._("A `# label` line is only read right after a lane's `{`; put it on the `{` line"),
                )
        first_lane: dict[str, Any] = {}
        for lane in m.lanes:
            if lane.label is None:
                self.add(
                    "missing-display-label",
                    lane.id_span,
                    self._(
                        "Lane `{lane}` has no display label; FlowZap shows its id. Write `{lane} { # {lane}`",
                        lane=lane.id,
                    ),
                    data={"header_line": lane.header_line},
                )
            if lane.label_own_line and lane.label_span is not None:
                self.add(
                    "display-label-own-line",
                    lane.label_span,
                    self._(
                        "Write the display label on the `{` line: `{lane} { # {label}`", lane=lane.id, label=lane.label
                    ),
                    data={"header_line": lane.header_line},
                )
            prev = first_lane.get(lane.id)
            if prev is None:
                first_lane[lane.id] = lane
            else:
                self.add(
                    "duplicate-lane",
                    lane.id_span,
                    self._("Lane `{lane}` is already declared on line {line}", lane=lane.id, line=prev.header_line + 1),
                    related=self.related(prev.id_span, self._("first declaration of `{name}`", name=lane.id)),
                )

    def top_level(self, span: Span) -> None:
        """An edge or loop outside every lane: FlowZap draws it, its validator rejects it."""
        m = self.model
        edge = next((e for e in m.edges if e.line == span.line and e.lane is None), None)
        if edge is not None:
            src = edge.source.node
            home = src.lane if src is not None else None
            if src is not None and home is not None:
                text = self._(
                    "This edge is outside every lane; FlowZap draws it, but its validator wants it inside "
                    "lane `{lane}`, the lane of `{node}`",
                    lane=home.id,
                    node=src.id,
                )
            else:
                text = self._(
                    "This edge is outside every lane; FlowZap draws it, but its validator wants it inside "
                    "the lane of its source"
                )
            self.add("top-level-edge", span, text, data={"move_to": home.id} if home is not None else None)
            return
        loop = next((lp for lp in m.loops if lp.line == span.line and lp.lane is None), None)
        home = (
            next((r.node.lane for r in loop.members if r.node is not None and r.node.lane is not None), None)
            if loop
            else None
        )
        if home is not None:
            text = self._(
                "This loop is outside every lane; FlowZap draws it, but its validator wants it inside a lane "
                "(e.g. `{lane}`, the lane of its first node)",
                lane=home.id,
            )
        else:
            text = self._("This loop is outside every lane; FlowZap draws it, but its validator wants it inside a lane")
        self.add("top-level-edge", span, text, data={"move_to": home.id} if home is not None else None)

    # -- nodes ------------------------------------------------------------------

    def nodes(self) -> None:
        m = self.model
        numbers: dict[int, Any] = {}
        for node in m.nodes:
            first = m.node_by_id.get(node.id)
            if first is not node and first is not None:
                if first.lane:
                    text = self._(
                        "`{node}` is already declared on line {line} (lane {lane}); node ids are unique across "
                        "the whole document",
                        node=node.id,
                        line=first.line + 1,
                        lane=first.lane.id,
                    )
                else:
                    text = self._(
                        "`{node}` is already declared on line {line}; node ids are unique across the whole document",
                        node=node.id,
                        line=first.line + 1,
                    )
                self.add(
                    "duplicate-node",
                    node.span,
                    text,
                    related=self.related(first.span, self._("first declaration of `{name}`", name=node.id)),
                )
                continue
            if node.number is not None:
                numbers[node.number] = node
            else:
                self.add(
                    "non-canonical-id",
                    node.span,
                    self._("Node ids have the form n1, n2, …; `{node}` may not be accepted by FlowZap", node=node.id),
                )
        if numbers:
            self.id_gaps(numbers)
        if len(m.nodes) > 1:
            touched = {id(r.node) for r in m.refs if r.role == "touch" and r.node is not None}
            for node in m.nodes:
                if (
                    m.node_by_id.get(node.id) is node
                    and not node.incoming
                    and not node.outgoing
                    and not node.loops
                    and id(node) not in touched  # named by a line that does not parse: one mistake, one diagnostic
                    and node.lane is not None  # outside every lane: that error is enough
                ):
                    self.add(
                        "orphan-node",
                        node.span,
                        self._("`{node}` is not connected: no edge starts or ends at it", node=node.id),
                    )

    def id_gaps(self, numbers: dict[int, Any]) -> None:
        present = sorted(numbers)
        expected = 1
        for k in present:
            if k > expected:
                missing = f"n{expected}" if k - expected == 1 else f"n{expected}..n{k - 1}"
                self.add(
                    "id-gap",
                    numbers[k].span,
                    self._(
                        "Node ids skip {missing}: FlowZap expects n1..n{last} without gaps "
                        "(the source action “Renumber nodes” closes them)",
                        missing=missing,
                        last=present[-1],
                    ),
                    data={"missing": [f"n{j}" for j in range(expected, min(k, expected + 50))]},
                )
            expected = k + 1

    # -- references ---------------------------------------------------------------

    def references(self) -> None:
        m = self.model
        for edge in m.edges:
            src, tgt, lane = edge.source, edge.target, edge.lane
            sn, tn = src.node, tgt.node
            # the common case, with nothing to report: a resolved source of this lane, and a
            # resolved target in this lane without prefix, or in its prefix's (other) lane
            if sn is not None and tn is not None and src.prefix is None and sn.lane is lane and not edge.chained:
                if tgt.prefix is None:
                    if tn.lane is lane and not edge.foreign:
                        continue
                elif tgt.prefix_lane is tn.lane and tn.lane is not lane and not edge.foreign:
                    continue
            if edge.foreign:
                continue  # a Mermaid edge: reported once as not-flowzap
            self.resolve(src)
            if (
                src.prefix is not None
                and src.node is not None
                and src.prefix_lane is not None
                and src.prefix_lane is src.node.lane
                and edge.lane is src.node.lane
            ):
                assert src.prefix_span is not None  # a prefix has its span
                self.add(
                    "prefixed-source",
                    Span(src.line, src.prefix_span.start, src.span.start),
                    self._(
                        "FlowZap draws `{lane}.{node}` as a source, but the docs write a source without "
                        "its lane: the edge belongs in the source's lane",
                        lane=src.prefix,
                        node=src.name,
                    ),
                    data={"remove": [src.prefix_span.start, src.span.start]},
                    unnecessary=True,
                )
            if (
                src.node is not None
                and src.node.lane is not None
                and edge.lane is not None
                and src.node.lane is not edge.lane
            ):
                self.add(
                    "edge-outside-source-lane",
                    src.span,
                    self._(
                        "This edge starts at `{node}` of lane `{lane}` but is written in lane "
                        "`{written}`; FlowZap draws it, but its validator wants it in lane `{lane}`",
                        node=src.name,
                        lane=src.node.lane.id,
                        written=edge.lane.id,
                    ),
                    related=self.related(src.node.span, self._("`{node}` is declared here", node=src.name)),
                    data={"move_to": src.node.lane.id},
                )
            # an edge written outside its source's lane (a warning above) may write its
            # target relative to either lane: FlowZap draws both
            source_lane = src.node.lane if src.node is not None and src.node.lane is not edge.lane else None
            self.resolve(edge.target, source_lane)
            for extra in edge.chained:
                self.resolve(extra, source_lane)
        for loop in m.loops:
            if len(loop.members) < 2:
                span = loop.members[0].span if loop.members else loop.keyword_span
                if loop.condition_span and not loop.members:
                    span = Span(loop.line, loop.keyword_span.start, loop.condition_span.end)
                self.add(
                    "loop-too-short",
                    span,
                    self._("A loop frames at least two nodes: `loop [condition] n1 n2`"),
                )
            for ref in loop.members:
                self.resolve(ref)
        self.duplicate_edges()

    def resolve(self, ref: Ref, source_lane: Lane | None = None) -> None:
        """Check one reference; `source_lane`: the lane of an edge's source when the edge is
        written in another lane (a target may then be written relative to that lane too)."""
        m = self.model
        if ref.prefix is not None and ref.prefix_lane is None:
            assert ref.prefix_span is not None  # a prefix has its span
            guess = nearest(ref.prefix, tuple(m.lane_by_id)) if m.lane_by_id else None
            target_lane = ref.node.lane.id if ref.node and ref.node.lane else None
            if target_lane:
                text = self._(
                    "There is no lane `{prefix}`. `{node}` is in lane `{lane}`.",
                    prefix=ref.prefix,
                    node=ref.name,
                    lane=target_lane,
                )
            elif guess:
                text = self._("There is no lane `{prefix}`. Did you mean `{guess}`?", prefix=ref.prefix, guess=guess)
            else:
                text = self._("There is no lane `{prefix}`.", prefix=ref.prefix)
            self.add(
                "undefined-lane",
                ref.prefix_span,
                text,
                data={"replacement": target_lane or guess} if (target_lane or guess) else None,
            )
            if ref.node is None:
                self.add(
                    "undefined-node",
                    ref.span,
                    self._("Node `{node}` is not declared anywhere", node=ref.name),
                    data={"node": ref.name, "lane": None},
                )
            return
        if ref.node is None:
            lane = ref.prefix_lane.id if ref.prefix_lane else None
            if lane:
                text = self._(
                    "Node `{node}` is not declared anywhere (expected in lane `{lane}`)", node=ref.name, lane=lane
                )
            else:
                text = self._("Node `{node}` is not declared anywhere", node=ref.name)
            self.add(
                "undefined-node",
                ref.span,
                text,
                data={"node": ref.name, "lane": lane or (ref.context_lane.id if ref.context_lane else None)},
            )
            return
        node_lane = ref.node.lane
        if ref.prefix is not None:
            assert ref.prefix_lane is not None and ref.prefix_span is not None
            if node_lane is not None and ref.prefix_lane is not node_lane:
                self.add(
                    "wrong-lane",
                    ref.prefix_span,
                    self._(
                        "`{node}` is in lane `{lane}`, not `{prefix}`",
                        node=ref.name,
                        lane=node_lane.id,
                        prefix=ref.prefix,
                    ),
                    related=self.related(ref.node.span, self._("`{node}` is declared here", node=ref.name)),
                    data={"replacement": node_lane.id},
                )
            elif (
                node_lane is not None and node_lane is ref.context_lane and ref.role == "target" and source_lane is None
            ):
                self.add(
                    "redundant-lane-prefix",
                    Span(ref.line, ref.prefix_span.start, ref.span.start),
                    self._(
                        "`{node}` is in this lane; the `{prefix}.` prefix is not needed",
                        node=ref.name,
                        prefix=ref.prefix,
                    ),
                    data={"remove": [ref.prefix_span.start, ref.span.start]},
                    unnecessary=True,
                )
            return
        if (
            ref.role == "target"
            and node_lane is not None
            and ref.context_lane is not None
            and node_lane is not ref.context_lane
            and node_lane is not source_lane
        ):
            self.add(
                "missing-lane-prefix",
                ref.span,
                self._("`{node}` is in lane `{lane}`: write `{lane}.{node}`", node=ref.name, lane=node_lane.id),
                related=self.related(ref.node.span, self._("`{node}` is declared here", node=ref.name)),
                data={"insert": f"{node_lane.id}.", "at": ref.span.start},
            )

    def duplicate_edges(self) -> None:
        seen: dict[tuple[Any, ...], Edge] = {}
        for edge in self.model.edges:
            key = edge.key
            first = seen.get(key)
            if first is None:
                seen[key] = edge
                continue
            self.add(
                "duplicate-edge",
                Span(edge.source.span._line, edge.statement.endpoints[0].start, edge.statement.endpoints[-1].end),
                self._("This edge repeats the one on line {line}", line=first.line + 1),
                related=self.related(first.span, self._("first occurrence")),
                data={"delete_line": edge.line},
            )

    # -- sequence rules (opt-in) ----------------------------------------------------

    def sequence_rules(self) -> None:
        crossing: list[tuple[Edge, str, str]] = []  # (edge, its source's lane id, its target's)
        for e in self.model.edges:
            sn, tn = e.source.node, e.target.node
            if sn and tn and sn.lane and tn.lane and sn.lane is not tn.lane and not e.foreign:
                crossing.append((e, sn.lane.id, tn.lane.id))
        pairs = {(a, b) for _, a, b in crossing}
        for e, a, b in crossing:
            if (b, a) not in pairs:
                self.add(
                    "missing-reply",
                    e.arrow_span,
                    self._(
                        "Request from `{source}` to `{target}` has no reply: add an edge from lane `{target}` "
                        "back to `{source}`",
                        source=a,
                        target=b,
                    ),
                )
        for (prev, prev_source, prev_target), (cur, source, target) in pairwise(crossing):
            if (prev_source, prev_target) == (source, target):
                self.add(
                    "ping-pong",
                    cur.arrow_span,
                    self._(
                        "Two messages from `{source}` to `{target}` in a row; a request is followed by its reply "
                        "in the sequence view",
                        source=source,
                        target=target,
                    ),
                    related=self.related(prev.arrow_span, self._("previous message")),
                )

    # -- document -------------------------------------------------------------------

    def size(self) -> None:
        total = len(self.doc.source)
        if total > FLOWZAP_CHAR_LIMIT:
            first_line = next((i for i, text in enumerate(self.model.lines) if text.strip()), 0)
            line = self.model.lines[first_line]
            self.add(
                "too-large",
                Span(first_line, 0, len(line)),
                self._(
                    "This diagram has {n} characters; FlowZap accepts at most {limit}",
                    n=self.tr.number(total),
                    limit=self.tr.number(FLOWZAP_CHAR_LIMIT),
                ),
            )


def most_severe(found: list[Diagnostic], limit: int) -> list[Diagnostic]:
    """At most `limit` of `found`: errors first, then warnings, infos, hints (each kind in
    document order), returned in document order. `found` itself when it is short enough."""
    if len(found) <= limit:
        return found
    kept = sorted(found, key=lambda d: (d.severity, d.sort_key()))[:limit]
    kept.sort(key=Diagnostic.sort_key)
    return kept


def check(doc: Document, settings: Settings | None = None) -> list[Diagnostic]:
    """All diagnostics for the document, sorted by position."""
    return check_parts(doc, settings)[0]


def check_parts(
    doc: Document, settings: Settings | None = None, document_wide: list[Diagnostic] | None = None
) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """(all diagnostics sorted by position, the document-wide ones).

    Document-wide diagnostics (lanes, ids, references, duplicates, sequence rules) depend
    on the model's links only; pass the previous list to reuse it when an edit kept them
    (Document does). Per-line diagnostics come from each line's cache.
    """
    c = _Checker(doc, settings or Settings())
    if document_wide is None:
        c.structure()
        c.nodes()
        c.references()
        if c.settings.sequence_rules or c.settings.strict:
            c.sequence_rules()
        document_wide, c.out = c.out, []
    c.lines()
    c.size()
    return sorted(document_wide + c.out, key=Diagnostic.sort_key), document_wide
