"""A document's graph as plain records: lanes, nodes, edges and loops, as an agent or a diff
sees them (no spans, no links; JSON-ready with `as_json`).

Shared by the graph export (features/graph_export.py) and the diff of two versions
(features/graph_diff.py), so both speak of a node or an edge in the same words. The field
names are FlowZap's own MCP server's (`laneId`, `from`/`to`, `fromLane`/`toLane`,
`sourceHandle`/`targetHandle`), so a skill written for it reads ours unchanged; lines are
1-based.

What the model resolves is used, not the text: an edge's lanes are the lanes its nodes are
declared in (a target's `Lane.` prefix only when the node is declared nowhere), a node's label
is what the diagram shows. Edges written with a Mermaid arrow (`-->`) are not FlowZap edges and
are left out, like the renderer leaves them out; the targets of a chained edge (`a -> b -> c`,
an error) after the first are left out too.

May import: fz_lsp.model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fz_lsp.model import Edge, Model, Node

JSON = dict[str, Any]


@dataclass(frozen=True)
class GraphLane:
    id: str
    label: str  # the display label, else the id
    line: int
    node_count: int

    def as_json(self) -> JSON:
        return {"id": self.id, "label": self.label, "line": self.line, "nodeCount": self.node_count}


@dataclass(frozen=True)
class GraphNode:
    id: str
    lane_id: str | None  # None: declared outside every lane
    shape: str
    label: str  # what the diagram shows: the label, else the taskbox fields, else the id
    kind: str  # start | end | step | decision | task
    properties: tuple[tuple[str, str], ...]  # the attributes as written (first of each key), label included
    line: int

    def as_json(self) -> JSON:
        return {
            "id": self.id,
            "laneId": self.lane_id,
            "shape": self.shape,
            "label": self.label,
            "kind": self.kind,
            "properties": dict(self.properties),
            "line": self.line,
        }


@dataclass(frozen=True)
class GraphEdge:
    source: str  # node ids as written
    target: str
    source_lane: str | None
    target_lane: str | None
    source_handle: str | None  # left | right | top | bottom as written; None when missing or malformed
    target_handle: str | None
    label: str | None
    resolved: bool  # both ends are declared nodes
    line: int

    @property
    def ends(self) -> tuple[str, str]:
        return self.source, self.target

    @property
    def cross_lane(self) -> bool:
        return self.source_lane is not None and self.target_lane is not None and self.source_lane != self.target_lane

    def as_json(self) -> JSON:
        return {
            "from": self.source,
            "to": self.target,
            "fromLane": self.source_lane,
            "toLane": self.target_lane,
            "sourceHandle": self.source_handle,
            "targetHandle": self.target_handle,
            "label": self.label,
            "crossLane": self.cross_lane,
            "resolved": self.resolved,
            "line": self.line,
        }


@dataclass(frozen=True)
class GraphLoop:
    condition: str | None
    members: tuple[str, ...]  # node ids as written
    lane_id: str | None
    line: int

    @property
    def key(self) -> tuple[str | None, str | None, tuple[str, ...]]:
        return self.lane_id, self.condition, self.members

    def as_json(self) -> JSON:
        return {"condition": self.condition, "nodes": list(self.members), "laneId": self.lane_id, "line": self.line}


@dataclass(frozen=True)
class Graph:
    lanes: tuple[GraphLane, ...]
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    loops: tuple[GraphLoop, ...]


def node_kind(node: Node) -> str:
    """A node's role: a diamond decides, a taskbox is a task, a rectangle a step; a circle
    starts the flow when nothing leads into it, else it ends it."""
    if node.shape == "diamond":
        return "decision"
    if node.shape == "taskbox":
        return "task"
    if node.shape == "circle":
        return "end" if node.incoming else "start"
    return "step"


def _node(node: Node) -> GraphNode:
    properties = tuple((key, attribute.text) for key, (attribute, _) in node.attributes.items())
    return GraphNode(
        node.id,
        node.lane.id if node.lane else None,
        node.shape,
        node.display_text,
        node_kind(node),
        properties,
        node.line + 1,
    )


def _edge(edge: Edge) -> GraphEdge:
    source, target = edge.source, edge.target

    def lane_of(ref_node: Node | None, prefix: str | None, fallback: str | None) -> str | None:
        if ref_node is not None:
            return ref_node.lane.id if ref_node.lane else None
        return prefix if prefix is not None else fallback

    context = edge.lane.id if edge.lane else None
    return GraphEdge(
        source.name,
        target.name,
        lane_of(source.node, source.prefix, context),
        lane_of(target.node, target.prefix, context),
        source.direction,
        target.direction,
        edge.label,
        source.node is not None and target.node is not None,
        edge.line + 1,
    )


def graph_of(model: Model) -> Graph:
    """The graph of a model, in document order."""
    return Graph(
        tuple(GraphLane(lane.id, lane.title, lane.header_line + 1, len(lane.nodes)) for lane in model.lanes),
        tuple(_node(node) for node in model.nodes),
        tuple(_edge(edge) for edge in model.edges if not edge.foreign),
        tuple(
            GraphLoop(
                loop.condition,
                tuple(member.name for member in loop.members),
                loop.lane.id if loop.lane else None,
                loop.line + 1,
            )
            for loop in model.loops
        ),
    )
