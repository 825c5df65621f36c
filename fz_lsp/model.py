"""The document model: lanes, nodes, edges, loops and resolved references.

Built from the per-line statements of fz_lsp/syntax.py. Every object knows the exact
source span of each of its tokens (line, start, end in code points), so features can
answer with precise ranges. References are resolved here: each Ref knows the node and
lane it points at (or None when it does not resolve).

Pure Python: no pygls import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional, Sequence

from fz_lsp import syntax
from fz_lsp.syntax import Attribute, Handle, Statement, Tok

SHAPES = ("circle", "rectangle", "diamond", "taskbox")
SHAPE_DESCRIPTIONS = {
    "circle": "Start or end point",
    "rectangle": "A process step",
    "diamond": "A decision (branches leave by right/bottom/left)",
    "taskbox": "An assigned task with owner, description and system",
}
NODE_ATTRIBUTES = ("label", "owner", "description", "system")
EDGE_ATTRIBUTES = ("label",)
DIRECTIONS = ("left", "right", "top", "bottom")
CANONICAL_ID = re.compile(r"n[1-9][0-9]*\Z")
ID_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


@dataclass(frozen=True, slots=True)
class Span:
    """A single-line source range in code points: [start, end) on `line`."""

    line: int
    start: int
    end: int

    @staticmethod
    def of(line: int, tok: Tok) -> "Span":
        return Span(line, tok.start, tok.end)

    def contains(self, line: int, col: int) -> bool:
        return line == self.line and self.start <= col <= self.end


@dataclass(eq=False)
class Lane:
    id: str
    id_span: Span
    header_line: int
    label: Optional[str] = None  # display label text (without '#')
    label_span: Optional[Span] = None  # the `# label` as written
    label_own_line: bool = False  # old style: label on the line after `{`
    close_line: Optional[int] = None  # line of the closing `}`; None when unclosed
    last_line: int = 0  # last line that belongs to the lane (close line, or last line before the next lane)
    nodes: list["Node"] = field(default_factory=list, repr=False)
    index: int = 0

    @property
    def title(self) -> str:
        return self.label or self.id


@dataclass(eq=False)
class Node:
    id: str
    span: Span  # the id at the declaration
    lane: Optional[Lane] = field(repr=False)
    shape: str
    shape_span: Span
    attributes: dict[str, tuple[Attribute, Span]] = field(repr=False)  # key -> (attribute, value span)
    statement: syntax.NodeDecl = field(repr=False)
    incoming: list["Edge"] = field(default_factory=list, repr=False)
    outgoing: list["Edge"] = field(default_factory=list, repr=False)
    loops: list["Loop"] = field(default_factory=list, repr=False)

    @property
    def line(self) -> int:
        return self.span.line

    def attribute(self, key: str) -> Optional[str]:
        found = self.attributes.get(key)
        return found[0].text if found else None

    @property
    def label(self) -> Optional[str]:
        return self.attribute("label")

    @property
    def display_text(self) -> str:
        """What the diagram shows for the node: label, else the taskbox fields, else the id."""
        if self.label is not None:
            return self.label
        parts = [self.attribute(k) for k in ("owner", "description", "system")]
        parts = [p for p in parts if p]
        return " / ".join(parts) if parts else self.id


@dataclass(eq=False)
class Ref:
    """A use of a node id: edge source/target or loop member."""

    name: str
    span: Span  # the node id token
    role: str  # "source" | "target" | "loop"
    line: int
    prefix: Optional[str] = None  # `Lane` of `Lane.nX`
    prefix_span: Optional[Span] = None
    handle: Optional[Handle] = None  # columns relative to `line`
    node: Optional[Node] = field(default=None, repr=False)  # resolved declaration
    prefix_lane: Optional[Lane] = field(default=None, repr=False)  # resolved lane of the prefix
    context_lane: Optional[Lane] = field(default=None, repr=False)  # lane the statement is in

    @property
    def direction(self) -> Optional[str]:
        if self.handle and self.handle.direction:
            return self.handle.direction.text
        return None

    @property
    def direction_span(self) -> Optional[Span]:
        if self.handle and self.handle.direction:
            return Span.of(self.line, self.handle.direction)
        return None

    @property
    def full_span(self) -> Span:
        """From the prefix (or id) to the end of the handle."""
        start = self.prefix_span.start if self.prefix_span else self.span.start
        end = self.handle.end if self.handle else self.span.end
        return Span(self.line, start, end)


@dataclass(eq=False)
class Edge:
    index: int  # position in document order (0-based)
    line: int
    lane: Optional[Lane] = field(repr=False)  # lane the edge is written in
    source: Ref
    target: Ref
    statement: syntax.EdgeStmt = field(repr=False)
    label: Optional[str] = None
    label_span: Optional[Span] = None  # the quoted value
    chained: list[Ref] = field(default_factory=list)  # targets after the second (a chain mistake)

    @property
    def arrow_span(self) -> Span:
        return Span.of(self.line, self.statement.arrows[0])

    @property
    def span(self) -> Span:
        st = self.statement
        end = st.brackets[1].end if st.brackets else st.endpoints[-1].end
        return Span(self.line, st.endpoints[0].start, end)


@dataclass(eq=False)
class Loop:
    line: int
    lane: Optional[Lane] = field(repr=False)
    statement: syntax.LoopStmt = field(repr=False)
    condition: Optional[str]  # text inside [...]
    condition_span: Optional[Span]  # `[...]` with brackets
    members: list[Ref] = field(default_factory=list)

    @property
    def keyword_span(self) -> Span:
        return Span.of(self.line, self.statement.keyword)


@dataclass
class StructureIssue:
    """A lane structure problem found while assembling lanes (reported by diagnostics)."""

    code: str  # "unclosed-lane" | "unmatched-brace" | "outside-lane" | "stray-display-label"
    span: Span
    lane: Optional[Lane] = field(default=None, repr=False)


@dataclass(eq=False, repr=False)
class Model:
    lines: Sequence[str]
    statements: Sequence[Statement]
    lanes: list[Lane] = field(default_factory=list)
    lane_by_id: dict[str, Lane] = field(default_factory=dict)  # first declaration wins
    nodes: list[Node] = field(default_factory=list)
    node_by_id: dict[str, Node] = field(default_factory=dict)  # first declaration wins
    edges: list[Edge] = field(default_factory=list)
    loops: list[Loop] = field(default_factory=list)
    refs: list[Ref] = field(default_factory=list)
    line_lane: list[Optional[Lane]] = field(default_factory=list)  # lane each line is inside
    structure_issues: list[StructureIssue] = field(default_factory=list)
    line_nodes: dict[int, list[Node]] = field(default_factory=dict)  # declarations per line
    line_refs: dict[int, list[Ref]] = field(default_factory=dict)  # references per line

    def lane_at(self, line: int) -> Optional[Lane]:
        if 0 <= line < len(self.line_lane):
            return self.line_lane[line]
        return None

    def refs_to(self, node: Node) -> list[Ref]:
        return [r for r in self.refs if r.node is node]


def _label_text(tok: Tok) -> str:
    return tok.text[1:].strip()


def build_model(lines: Sequence[str], statements: Sequence[Statement]) -> Model:
    """Assemble lanes from statements and resolve every reference."""
    m = Model(lines=lines, statements=statements)
    line_lane: list[Optional[Lane]] = [None] * len(statements)
    current: Optional[Lane] = None
    first_in_lane = False  # no statement yet after the current lane's `{`

    def close_open_lane(at_line: int) -> None:
        nonlocal current
        if current is not None:
            current.last_line = at_line
            m.structure_issues.append(StructureIssue("unclosed-lane", current.id_span, current))
            current = None

    for i, st in enumerate(statements):
        if st is None or type(st) is syntax.Comment:
            line_lane[i] = current
            continue
        kind = type(st)
        if kind is syntax.LaneOpen:
            close_open_lane(i - 1)
            lane = Lane(st.lane.text, Span.of(i, st.lane), i, index=len(m.lanes))
            if st.label is not None:
                lane.label = _label_text(st.label)
                lane.label_span = Span.of(i, st.label)
            m.lanes.append(lane)
            m.lane_by_id.setdefault(lane.id, lane)
            current = lane
            first_in_lane = True
            line_lane[i] = lane
            continue
        if kind is syntax.LaneClose:
            if current is None:
                m.structure_issues.append(StructureIssue("unmatched-brace", Span.of(i, st.brace)))
            else:
                current.close_line = current.last_line = i
                line_lane[i] = current
                current = None
            continue
        line_lane[i] = current
        if kind is syntax.DisplayLabel:
            if current is not None and first_in_lane and current.label is None:
                current.label = _label_text(st.label)
                current.label_span = Span.of(i, st.label)
                current.label_own_line = True
            else:
                m.structure_issues.append(StructureIssue("stray-display-label", Span.of(i, st.label), current))
            first_in_lane = False
            continue
        first_in_lane = False
        if current is None and kind in (syntax.NodeDecl, syntax.EdgeStmt, syntax.LoopStmt):
            start, end = _statement_extent(st)
            m.structure_issues.append(StructureIssue("outside-lane", Span(i, start, end)))
        if kind is syntax.NodeDecl:
            attrs: dict[str, tuple[Attribute, Span]] = {}
            for a in st.attributes:
                attrs.setdefault(a.key.text, (a, Span.of(i, a.value)))
            node = Node(st.node.text, Span.of(i, st.node), current, st.shape.text, Span.of(i, st.shape), attrs, st)
            m.nodes.append(node)
            m.node_by_id.setdefault(node.id, node)
            if current is not None:
                current.nodes.append(node)
        elif kind is syntax.EdgeStmt:
            eps = st.endpoints
            src = _ref(eps[0], "source", i, current)
            tgt = _ref(eps[1], "target", i, current)
            edge = Edge(len(m.edges), i, current, src, tgt, st)
            edge.chained = [_ref(extra, "target", i, current) for extra in eps[2:]]
            m.refs.append(src)
            m.refs.append(tgt)
            m.refs.extend(edge.chained)
            for a in st.attributes:
                if a.key.text == "label" and edge.label is None:
                    edge.label = a.text
                    edge.label_span = Span.of(i, a.value)
            m.edges.append(edge)
        elif kind is syntax.LoopStmt:
            cond = st.condition
            loop = Loop(
                i,
                current,
                st,
                cond.text[1:-1].strip() if cond else None,
                Span.of(i, cond) if cond else None,
            )
            for tok in st.members:
                ref = Ref(tok.text, Span.of(i, tok), "loop", i, context_lane=current)
                loop.members.append(ref)
                m.refs.append(ref)
            m.loops.append(loop)
    if current is not None:
        close_open_lane(len(statements) - 1)
    m.line_lane = line_lane

    for node in m.nodes:
        m.line_nodes.setdefault(node.line, []).append(node)
    # resolve references
    for ref in m.refs:
        m.line_refs.setdefault(ref.line, []).append(ref)
        ref.node = m.node_by_id.get(ref.name)
        if ref.prefix is not None:
            ref.prefix_lane = m.lane_by_id.get(ref.prefix)
    for edge in m.edges:
        if edge.source.node is not None:
            edge.source.node.outgoing.append(edge)
        if edge.target.node is not None:
            edge.target.node.incoming.append(edge)
    for loop in m.loops:
        for ref in loop.members:
            if ref.node is not None and loop not in ref.node.loops:
                ref.node.loops.append(loop)
    return m


def _ref(ep: syntax.Endpoint, role: str, line: int, lane: Optional[Lane]) -> Ref:
    return Ref(
        ep.node.text,
        Span.of(line, ep.node),
        role,
        line,
        prefix=ep.lane.text if ep.lane else None,
        prefix_span=Span.of(line, ep.lane) if ep.lane else None,
        handle=ep.handle,
        context_lane=lane,
    )


def _statement_extent(st: Statement) -> tuple[int, int]:
    if isinstance(st, syntax.NodeDecl):
        end = st.attributes[-1].value.end if st.attributes else st.shape.end
        return st.node.start, end
    if isinstance(st, syntax.EdgeStmt):
        end = st.brackets[1].end if st.brackets else st.endpoints[-1].end
        return st.endpoints[0].start, end
    if isinstance(st, syntax.LoopStmt):
        end = st.members[-1].end if st.members else (st.condition or st.keyword).end
        return st.keyword.start, end
    return 0, 0
