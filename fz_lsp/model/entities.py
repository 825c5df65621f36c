"""The document model's entities: lanes, nodes, edges, loops and resolved references, and
the `Model` of one document version that holds them.

Every object knows the exact source span of each of its tokens (line, start, end in code
points), so features can answer with precise ranges. A `Ref` knows the node and lane it
points at (or None when it does not resolve). Back-references are kept out of `repr` (a
model is a cyclic graph).

May import: fz_lsp.syntax, fz_lsp.model.span.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from fz_lsp.model.span import Span
from fz_lsp.syntax.statements import Attribute, EdgeStmt, Handle, LoopStmt, NodeDecl, Statement

if TYPE_CHECKING:
    from fz_lsp.model.facts import LineFacts

_D = TypeVar("_D")


@dataclass(eq=False, slots=True)
class Lane:
    """A lane: its id, its display label, the lines it spans and the nodes declared in it."""

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
    """A declared node: its id, lane, shape, attributes, and the edges and loops that touch it."""

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
    """An edge: its source and target references, its label, and where it is written."""

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
    """A loop: its condition and its members' references."""

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
