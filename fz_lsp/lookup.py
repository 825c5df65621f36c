"""What is at a position, and where else it occurs.

Shared by hover, definition, references, highlight and rename: `symbol_at` names the
node, lane or handle under the cursor; `occurrences` lists every span that names the
same node or lane (declaration first).

Pure Python: no pygls import.
"""

from __future__ import annotations

from dataclasses import dataclass

from fz_lsp.model import Edge, Lane, Model, Node, Ref, Span


@dataclass(frozen=True)
class NodeSymbol:
    name: str
    span: Span  # the token under the cursor
    node: Node | None  # declaration (None when undefined)
    ref: Ref | None = None  # the reference under the cursor, if any
    is_declaration: bool = False


@dataclass(frozen=True)
class LaneSymbol:
    name: str
    span: Span
    lane: Lane | None
    ref: Ref | None = None  # when the cursor is on a `Lane.` prefix
    is_declaration: bool = False


@dataclass(frozen=True)
class HandleSymbol:
    span: Span  # the direction word
    ref: Ref
    edge: Edge | None


Symbol = NodeSymbol | LaneSymbol | HandleSymbol


def symbol_at(model: Model, line: int, col: int) -> Symbol | None:
    """The symbol whose token contains (line, col); a cursor right after a token counts."""
    for node in _nodes_on_line(model, line):
        if node.span.contains(line, col):
            return NodeSymbol(node.id, node.span, model.node_by_id.get(node.id), is_declaration=True)
    for lane in model.lanes:
        if lane.header_line == line and lane.id_span.contains(line, col):
            return LaneSymbol(lane.id, lane.id_span, model.lane_by_id.get(lane.id), is_declaration=True)
    for ref in _refs_on_line(model, line):
        if ref.span.contains(line, col):
            return NodeSymbol(ref.name, ref.span, ref.node, ref=ref)
        if ref.prefix_span is not None and ref.prefix_span.contains(line, col):
            return LaneSymbol(ref.prefix or "", ref.prefix_span, ref.prefix_lane, ref=ref)
        span = ref.direction_span
        if span is not None and span.contains(line, col):
            edge = next((e for e in model.edges if e.line == line and ref in (e.source, e.target)), None)
            return HandleSymbol(span, ref, edge)
    return None


def occurrences(model: Model, symbol: Symbol, include_declaration: bool = True) -> list[Span]:
    """Every span naming the same node or lane as `symbol`, declaration first, no duplicates."""
    spans: list[Span] = []
    if isinstance(symbol, NodeSymbol):
        name = symbol.node.id if symbol.node else symbol.name
        if include_declaration:
            spans.extend(n.span for n in model.nodes if n.id == name)
        spans.extend(r.span for r in model.refs if r.name == name)
    elif isinstance(symbol, LaneSymbol):
        name = symbol.lane.id if symbol.lane else symbol.name
        if include_declaration:
            spans.extend(lane.id_span for lane in model.lanes if lane.id == name)
        spans.extend(r.prefix_span for r in model.refs if r.prefix == name and r.prefix_span is not None)
    seen: set[Span] = set()
    unique = []
    for s in spans:
        if s not in seen:
            seen.add(s)
            unique.append(s)
    return unique


def _nodes_on_line(model: Model, line: int) -> list[Node]:
    return model.line_nodes.get(line, [])


def _refs_on_line(model: Model, line: int) -> list[Ref]:
    return model.line_refs.get(line, [])
