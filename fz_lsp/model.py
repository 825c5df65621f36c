"""The document model: lanes, nodes, edges, loops and resolved references.

Built from the per-line statements of fz_lsp/syntax.py. Every object knows the exact
source span of each of its tokens (line, start, end in code points), so features can
answer with precise ranges. References are resolved here: each Ref knows the node and
lane it points at (or None when it does not resolve).

Pure Python: no pygls import.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, TypeVar

from fz_lsp.i18n import N_

# FlowZap's words live with the syntax (its recovery reads them too); the features find them here as well
from fz_lsp.syntax import (
    DIRECTIONS as DIRECTIONS,
    EDGE_ATTRIBUTES as EDGE_ATTRIBUTES,
    NODE_ATTRIBUTES as NODE_ATTRIBUTES,
    SHAPES as SHAPES,
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

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    from fz_lsp.diagnostics import Diagnostic
    from fz_lsp.settings import Settings

_D = TypeVar("_D")

SHAPE_DESCRIPTIONS = {  # English; shown through i18n (`tr._(SHAPE_DESCRIPTIONS[shape])`)
    "circle": N_("Start or end point"),
    "rectangle": N_("A process step"),
    "diamond": N_("A decision (branches leave by right/bottom/left)"),
    "taskbox": N_("An assigned task with owner, description and system"),
}
CANONICAL_ID = re.compile(r"n[1-9][0-9]*\Z")
ID_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class LineAnchor:
    """A line number that moves with its line.

    The document keeps one anchor per line and renumbers the anchors after an edit that
    inserts or removes lines, so spans of untouched lines stay correct without rebuilding
    the objects that hold them.
    """

    __slots__ = ("line",)

    def __init__(self, line: int) -> None:
        self.line = line

    def __repr__(self) -> str:
        return f"LineAnchor({self.line})"


class Span:
    """A single-line source range in code points: [start, end) on `line`.

    `line` is an int, or a LineAnchor for spans that live across edits; either way
    `span.line` reads as an int, and equality and hashing use the current line.
    """

    __slots__ = ("_line", "start", "end")

    def __init__(self, line: int | LineAnchor, start: int, end: int) -> None:
        self._line = line
        self.start = start
        self.end = end

    @property
    def line(self) -> int:
        line = self._line
        # `__class__ is int`: the cheapest test on this hot path, which mypy does not narrow by
        return line if line.__class__ is int else line.line  # type: ignore[union-attr]

    @staticmethod
    def of(line: int | LineAnchor, tok: Tok) -> Span:
        return Span(line, tok.start, tok.end)

    def contains(self, line: int, col: int) -> bool:
        return line == self.line and self.start <= col <= self.end

    def _key(self) -> tuple[int, int, int]:
        return (self.line, self.start, self.end)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Span) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Span(line={self.line}, start={self.start}, end={self.end})"


@dataclass(eq=False, slots=True)
class Lane:
    id: str
    id_span: Span
    header_line: int
    label: str | None = None  # display label text (without '#')
    label_span: Span | None = None  # the `# label` as written
    label_own_line: bool = False  # old style: label on the line after `{`
    close_line: int | None = None  # line of the closing `}`; None when unclosed
    last_line: int = 0  # last line that belongs to the lane (close line, or last line before the next lane)
    nodes: list[Node] = field(default_factory=list, repr=False)
    index: int = 0

    @property
    def title(self) -> str:
        return self.label or self.id


@dataclass(eq=False, slots=True)
class Node:
    id: str
    span: Span  # the id at the declaration
    lane: Lane | None = field(repr=False)
    shape: str
    shape_span: Span
    attributes: dict[str, tuple[Attribute, Span]] = field(repr=False)  # key -> (attribute, value span)
    statement: NodeDecl = field(repr=False)
    incoming: list[Edge] = field(default_factory=list, repr=False)
    outgoing: list[Edge] = field(default_factory=list, repr=False)
    loops: list[Loop] = field(default_factory=list, repr=False)
    number: int | None = field(default=None, repr=False)  # k of a canonical id `nk`

    @property
    def line(self) -> int:
        return self.span.line

    def attribute(self, key: str) -> str | None:
        found = self.attributes.get(key)
        return found[0].text if found else None

    @property
    def label(self) -> str | None:
        return self.attribute("label")

    @property
    def display_text(self) -> str:
        """What the diagram shows for the node: label, else the taskbox fields, else the id."""
        if self.label is not None:
            return self.label
        parts = [p for p in (self.attribute(k) for k in ("owner", "description", "system")) if p]
        return " / ".join(parts) if parts else self.id


@dataclass(eq=False, slots=True)
class Ref:
    """A use of a node id: edge source/target or loop member."""

    name: str
    span: Span  # the node id token
    role: str  # "source" | "target" | "loop" | "touch" (a node an unreadable line names)
    prefix: str | None = None  # `Lane` of `Lane.nX`
    prefix_span: Span | None = None
    handle: Handle | None = None  # columns within the line
    node: Node | None = field(default=None, repr=False)  # resolved declaration
    prefix_lane: Lane | None = field(default=None, repr=False)  # resolved lane of the prefix
    context_lane: Lane | None = field(default=None, repr=False)  # lane the statement is in

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def direction(self) -> str | None:
        if self.handle and self.handle.direction:
            return self.handle.direction.text
        return None

    @property
    def direction_span(self) -> Span | None:
        if self.handle and self.handle.direction:
            return Span(self.span._line, self.handle.direction.start, self.handle.direction.end)
        return None

    @property
    def full_span(self) -> Span:
        """From the prefix (or id) to the end of the handle."""
        start = self.prefix_span.start if self.prefix_span else self.span.start
        end = self.handle.end if self.handle else self.span.end
        return Span(self.span._line, start, end)


@dataclass(eq=False, slots=True)
class Edge:
    source: Ref
    target: Ref
    statement: EdgeStmt = field(repr=False)
    label: str | None = None
    label_span: Span | None = None  # the quoted value
    chained: list[Ref] = field(default_factory=list)  # targets after the second (a chain mistake)
    index: int = 0  # position in document order (0-based), set when the model is assembled
    lane: Lane | None = field(default=None, repr=False)  # lane the edge is written in
    key: tuple[Any, ...] = field(default=(), repr=False)  # what makes two edges the same: endpoints and handles
    foreign: bool = field(default=False, repr=False)  # written with a Mermaid arrow such as `-->`

    @property
    def line(self) -> int:
        return self.source.span.line

    @property
    def arrow_span(self) -> Span:
        arrow = self.statement.arrows[0]
        return Span(self.source.span._line, arrow.start, arrow.end)

    @property
    def span(self) -> Span:
        st = self.statement
        end = st.brackets[1].end if st.brackets else st.endpoints[-1].end
        return Span(self.source.span._line, st.endpoints[0].start, end)


@dataclass(eq=False, slots=True)
class Loop:
    keyword_span: Span
    statement: LoopStmt = field(repr=False)
    condition: str | None  # text inside [...]
    condition_span: Span | None  # `[...]` with brackets
    members: list[Ref] = field(default_factory=list)
    lane: Lane | None = field(default=None, repr=False)

    @property
    def line(self) -> int:
        return self.keyword_span.line


@dataclass
class StructureIssue:
    """A lane structure problem found while assembling lanes (reported by diagnostics)."""

    code: str  # "unclosed-lane" | "unmatched-brace" | "outside-lane" | "top-level-edge" | "stray-display-label"
    span: Span
    lane: Lane | None = field(default=None, repr=False)


class LineFacts:
    """What one line contributes to the model, kept across edits while the line is unchanged.

    Its objects carry spans anchored to the line (LineAnchor), so they stay valid when
    lines are inserted or removed above. `assemble` relinks them (lanes, resolution) on
    every version without creating them again; `local_diagnostics` caches the checks that
    depend on this line alone.
    """

    __slots__ = ("anchor", "statement", "node", "edge", "loop", "refs", "local_diagnostics")

    def __init__(self, anchor: LineAnchor, st: Statement) -> None:
        self.anchor = anchor
        self.statement = st
        self.node: Node | None = None
        self.edge: Edge | None = None
        self.loop: Loop | None = None
        self.refs: tuple[Ref, ...] = ()
        self.local_diagnostics: tuple[Settings, tuple[Diagnostic, ...]] | None = None
        if type(st) is Broken:  # what the line still says (fz_lsp/recovery.py)
            if st.recovered is None:
                self.refs = tuple(_ref(ep, "touch", anchor) for ep in st.touches)
                return
            st = st.recovered
        if type(st) is NodeDecl:
            attrs: dict[str, tuple[Attribute, Span]] = {}
            for a in st.attributes:
                attrs.setdefault(a.key.text, (a, Span.of(anchor, a.value)))
            node_id = st.node.text
            self.node = Node(
                node_id, Span.of(anchor, st.node), None, st.shape.text, Span.of(anchor, st.shape), attrs, st
            )
            if CANONICAL_ID.match(node_id):
                self.node.number = int(node_id[1:])
        elif type(st) is EdgeStmt:
            eps = st.endpoints
            edge = Edge(_ref(eps[0], "source", anchor), _ref(eps[1], "target", anchor), st)
            edge.chained = [_ref(extra, "target", anchor) for extra in eps[2:]]
            edge.key = (
                edge.source.name,
                edge.source.direction,
                edge.target.name,
                edge.target.direction,
                tuple((r.name, r.direction) for r in edge.chained),
            )
            edge.foreign = any(t.text != "->" for t in st.arrows)
            for a in st.attributes:
                if a.key.text == "label" and edge.label is None:
                    edge.label = a.text
                    edge.label_span = Span.of(anchor, a.value)
            self.edge = edge
            self.refs = (edge.source, edge.target, *edge.chained)
        elif type(st) is LoopStmt:
            cond = st.condition
            loop = Loop(
                Span.of(anchor, st.keyword),
                st,
                cond.text[1:-1].strip() if cond else None,
                Span.of(anchor, cond) if cond else None,
            )
            loop.members = [_ref(member, "loop", anchor) for member in st.members]
            self.loop = loop
            self.refs = tuple(loop.members)

    def take_content(self, new: LineFacts) -> None:
        """Become `new` (same link signature) while keeping this line's objects, and so
        every link the model holds to them."""
        self.statement = new.statement
        self.local_diagnostics = None
        if self.node is not None and new.node is not None:
            _take_fields(self.node, new.node)
        if self.edge is not None and new.edge is not None:
            _take_fields(self.edge, new.edge)
        if self.loop is not None and new.loop is not None:
            _take_fields(self.loop, new.loop)
        for old_ref, new_ref in zip(self.refs, new.refs):
            _take_fields(old_ref, new_ref)


def link_signature(st: Statement) -> tuple[Any, ...]:
    """What a line's statement contributes to the model's links and to the document-wide
    diagnostics: lane structure, declared ids, referenced names and prefixes, handle
    directions, arrows, and the columns of the tokens those diagnostics point at.

    Two statements with equal signatures on the same line give the same model links, so
    an edit that keeps the signature (typing in a node label, a loop condition, an
    attribute) can update the line's objects in place (see `LineFacts.take_content`).
    """
    if st is None or type(st) is Comment:
        return ("quiet",)  # neither ends a lane's first-line window nor declares anything
    if type(st) is Broken:
        if st.recovered is not None:
            return ("recovered", link_signature(st.recovered))
        if st.touches:
            return (
                "touches",
                tuple(
                    (
                        (ep.lane.text, ep.lane.start, ep.lane.end) if ep.lane else None,
                        (ep.node.text, ep.node.start, ep.node.end),
                    )
                    for ep in st.touches
                ),
            )
        return ("inert",)
    if type(st) is Foreign:
        return ("inert",)
    if type(st) is NodeDecl:
        return ("node", st.node.text, st.node.start, st.node.end)
    if type(st) is EdgeStmt:
        return (
            "edge",
            tuple(
                (
                    (ep.lane.text, ep.lane.start, ep.lane.end) if ep.lane else None,
                    (ep.node.text, ep.node.start, ep.node.end),
                    ep.handle.direction.text if ep.handle and ep.handle.direction else None,
                )
                for ep in st.endpoints
            ),
            tuple((t.text, t.start, t.end) for t in st.arrows),
        )
    if type(st) is LoopStmt:
        return (
            "loop",
            st.keyword.start,
            st.keyword.end,
            tuple(
                ((m.lane.text, m.lane.start, m.lane.end) if m.lane else None, (m.node.text, m.node.start, m.node.end))
                for m in st.members
            ),
            None if st.members or st.condition is None else st.condition.end,
        )
    return ("structure", id(st))  # lane open/close and display labels: never edited in place


_LINK_FIELDS = frozenset(
    {
        "lane",
        "incoming",
        "outgoing",
        "loops",
        "node",
        "prefix_lane",
        "context_lane",
        "index",
        "source",
        "target",
        "chained",
        "members",
    }
)


def _take_fields(old: DataclassInstance, new: DataclassInstance) -> None:
    """Copy every field but the links (resolution, lane, edges) from `new` into `old`."""
    for f in fields(old):
        if f.name not in _LINK_FIELDS:
            setattr(old, f.name, getattr(new, f.name))


class _LineNodes:
    """`model.line_nodes.get(line, [])`: the node a line declares, read from the facts."""

    __slots__ = ("_facts",)

    def __init__(self, facts: Sequence[LineFacts]) -> None:
        self._facts = facts

    def get(self, line: int, default: _D) -> list[Node] | _D:
        if 0 <= line < len(self._facts):
            node = self._facts[line].node
            if node is not None:
                return [node]
        return default


class _LineRefs:
    """`model.line_refs.get(line, [])`: the references on a line, read from the facts."""

    __slots__ = ("_facts",)

    def __init__(self, facts: Sequence[LineFacts]) -> None:
        self._facts = facts

    def get(self, line: int, default: _D) -> list[Ref] | _D:
        if 0 <= line < len(self._facts):
            refs = self._facts[line].refs
            if refs:
                return list(refs)
        return default


class Model:
    """Lanes, nodes, edges, loops and resolved references of one document version."""

    def __init__(
        self,
        lines: Sequence[str],
        statements: Sequence[Statement],
        facts: Sequence[LineFacts],
        ends: Sequence[str] | None = None,
    ) -> None:
        self.lines = lines
        self.ends = ends  # line terminators ("\n", "\r\n", "\r", "" for the last line), when known
        self.statements = statements
        self.facts = facts
        self.lanes: list[Lane] = []
        self.lane_by_id: dict[str, Lane] = {}  # first declaration wins
        self.nodes: list[Node] = []
        self.node_by_id: dict[str, Node] = {}  # first declaration wins
        self.edges: list[Edge] = []
        self.loops: list[Loop] = []
        self.refs: list[Ref] = []
        self.line_lane: list[Lane | None] = []  # lane each line is inside
        self.structure_issues: list[StructureIssue] = []
        self.line_nodes = _LineNodes(facts)  # declarations per line
        self.line_refs = _LineRefs(facts)  # references per line
        self._declaration_counts: dict[str, int] | None = None  # node id -> declarations, once asked

    def dispose(self) -> None:
        """Break the model's reference cycles (node <-> lane, node <-> edge through its
        refs), so that once dropped it is freed by reference counting alone, with no
        garbage collection (a large model is frozen out of the collector's sight). The
        model is unusable afterwards; build_model over the same line facts links them
        again."""
        for lane in self.lanes:
            lane.nodes = []
        for node in self.nodes:
            node.lane = None
            node.incoming, node.outgoing, node.loops = [], [], []
        for ref in self.refs:
            ref.node = ref.prefix_lane = ref.context_lane = None
        for edge in self.edges:
            edge.lane = None
        for loop in self.loops:
            loop.lane = None
        for issue in self.structure_issues:
            issue.lane = None

    def lane_at(self, line: int) -> Lane | None:
        if 0 <= line < len(self.line_lane):
            return self.line_lane[line]
        return None

    def refs_to(self, node: Node) -> list[Ref]:
        return [r for r in self.refs if r.node is node]

    def declaration_count(self, node_id: str) -> int:
        """How many times `node_id` is declared (counted once per model, then looked up)."""
        counts = self._declaration_counts
        if counts is None:
            counts = {}
            for n in self.nodes:
                counts[n.id] = counts.get(n.id, 0) + 1
            self._declaration_counts = counts
        return counts.get(node_id, 0)


def _label_text(tok: Tok) -> str:
    return tok.text[1:].strip()


def line_facts(statements: Sequence[Statement]) -> list[LineFacts]:
    """Fresh facts for every line (each with its own anchor)."""
    return [LineFacts(LineAnchor(i), st) for i, st in enumerate(statements)]


def build_model(
    lines: Sequence[str],
    statements: Sequence[Statement],
    facts: Sequence[LineFacts] | None = None,
    ends: Sequence[str] | None = None,
) -> Model:
    """Assemble lanes from the per-line facts and resolve every reference.

    With `facts` from a previous version (see Document), nothing per line is rebuilt:
    this pass only relinks, in one loop over the lines.
    """
    if facts is None:
        facts = line_facts(statements)
    m = Model(lines, statements, facts, ends)
    line_lane: list[Lane | None] = [None] * len(facts)
    nodes, refs, edges, loops = m.nodes, m.refs, m.edges, m.loops
    node_by_id = m.node_by_id
    current: Lane | None = None
    first_in_lane = False  # no statement yet after the current lane's `{`
    for i, f in enumerate(facts):
        st = f.statement
        if st is None:
            line_lane[i] = current
            continue
        if type(st) is Broken and st.recovered is not None:  # a slip repaired: the line means this
            st = st.recovered
        node = f.node
        if node is not None:
            line_lane[i] = current
            first_in_lane = False
            node.lane = current
            node.incoming = []
            node.outgoing = []
            node.loops = []
            nodes.append(node)
            if node.id not in node_by_id:
                node_by_id[node.id] = node
            if current is not None:
                current.nodes.append(node)
            else:
                m.structure_issues.append(StructureIssue("outside-lane", Span(i, *_statement_extent(st))))
            continue
        edge, loop = f.edge, f.loop
        if edge is not None or loop is not None:
            line_lane[i] = current
            first_in_lane = False
            if edge is not None:
                edge.lane = current
                edge.index = len(edges)
                edges.append(edge)
            elif loop is not None:
                loop.lane = current
                loops.append(loop)
            for r in f.refs:
                r.context_lane = current
                refs.append(r)
            if current is None:  # after the last `}` (FlowZap draws it): resolved all the same
                m.structure_issues.append(StructureIssue("top-level-edge", Span(i, *_statement_extent(st))))
            continue
        if type(st) is Comment:
            line_lane[i] = current
            continue
        if type(st) is LaneOpen:
            if current is not None:
                current.last_line = i - 1
                m.structure_issues.append(StructureIssue("unclosed-lane", current.id_span, current))
            lane = Lane(st.lane.text, Span.of(i, st.lane), i, index=len(m.lanes))
            if st.label is not None:
                lane.label = _label_text(st.label)
                lane.label_span = Span.of(i, st.label)
            m.lanes.append(lane)
            m.lane_by_id.setdefault(lane.id, lane)
            current = lane
            first_in_lane = True
            line_lane[i] = lane
        elif type(st) is LaneClose:
            if current is None:
                m.structure_issues.append(StructureIssue("unmatched-brace", Span.of(i, st.brace)))
            else:
                current.close_line = current.last_line = i
                line_lane[i] = current
                current = None
        elif type(st) is DisplayLabel:
            line_lane[i] = current
            if current is not None and first_in_lane and current.label is None:
                current.label = _label_text(st.label)
                current.label_span = Span.of(i, st.label)
                current.label_own_line = True
            else:
                m.structure_issues.append(StructureIssue("stray-display-label", Span.of(i, st.label), current))
            first_in_lane = False
        else:  # Broken or Foreign
            line_lane[i] = current
            first_in_lane = False
            for r in f.refs:  # the nodes an unreadable line names still count as touched
                r.context_lane = current
                refs.append(r)
    if current is not None:
        current.last_line = len(facts) - 1
        m.structure_issues.append(StructureIssue("unclosed-lane", current.id_span, current))
    m.line_lane = line_lane

    # resolve references
    lane_by_id = m.lane_by_id
    for ref in refs:
        ref.node = node_by_id.get(ref.name)
        ref.prefix_lane = lane_by_id.get(ref.prefix) if ref.prefix is not None else None
    for edge in edges:
        src, tgt = edge.source.node, edge.target.node
        if src is not None:
            src.outgoing.append(edge)
        if tgt is not None:
            tgt.incoming.append(edge)
    for loop in loops:
        for ref in loop.members:
            node = ref.node
            if node is not None and loop not in node.loops:
                node.loops.append(loop)
    return m


def can_retarget(model: Model, fact: LineFacts, st: Statement) -> bool:
    """Whether `st` can replace the edge of `fact` by `retarget_edge`: an edge line inside a
    lane that stays an edge with as many endpoints. Such an edit changes only what that
    edge points at; lanes, nodes and every other line's links stay as they are."""
    return (
        fact.edge is not None
        and type(st) is EdgeStmt
        and type(fact.statement) is EdgeStmt  # not a repaired broken line: relink those
        and len(st.endpoints) == len(fact.statement.endpoints)
        and model.line_lane[fact.anchor.line] is not None
    )


def _edge_index(edge: Edge) -> int:
    return edge.index


def retarget_edge(model: Model, fact: LineFacts, st: Statement) -> None:
    """Give the edge of `fact` the content of `st` (see `can_retarget`) and link it exactly
    as build_model would: its references resolved again, and the edge moved from its old
    endpoints' incoming/outgoing lists to the new ones' (kept in edge order)."""
    edge = fact.edge
    if edge is None:
        raise ValueError("retarget_edge needs a line that declares an edge (see can_retarget)")
    if edge.source.node is not None:
        edge.source.node.outgoing.remove(edge)
    if edge.target.node is not None:
        edge.target.node.incoming.remove(edge)
    fact.take_content(LineFacts(fact.anchor, st))
    for ref in fact.refs:
        ref.node = model.node_by_id.get(ref.name)
        ref.prefix_lane = model.lane_by_id.get(ref.prefix) if ref.prefix is not None else None
    if edge.source.node is not None:
        bisect.insort(edge.source.node.outgoing, edge, key=_edge_index)
    if edge.target.node is not None:
        bisect.insort(edge.target.node.incoming, edge, key=_edge_index)


def _ref(ep: Endpoint, role: str, anchor: LineAnchor) -> Ref:
    return Ref(
        ep.node.text,
        Span.of(anchor, ep.node),
        role,
        prefix=ep.lane.text if ep.lane else None,
        prefix_span=Span.of(anchor, ep.lane) if ep.lane else None,
        handle=ep.handle,
    )


def _statement_extent(st: Statement) -> tuple[int, int]:
    if type(st) is NodeDecl:
        end = st.attributes[-1].value.end if st.attributes else st.shape.end
        return st.node.start, end
    if type(st) is EdgeStmt:
        end = st.brackets[1].end if st.brackets else st.endpoints[-1].end
        return st.endpoints[0].start, end
    if type(st) is LoopStmt:
        end = st.members[-1].end if st.members else (st.condition or st.keyword).end
        return st.keyword.start, end
    return 0, 0
