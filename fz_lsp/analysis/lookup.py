"""What is at a position, and where else it occurs.

Shared by hover, definition, references, highlight, rename and code actions: `symbol_at`
names the node, lane or handle under the cursor; `occurrences` lists every span that names
the same node or lane (declaration first); `node_spans`/`node_spans_by_name`/`lane_spans`
every token naming a node or lane by name, broken lines' leading ids included.

May import: fz_lsp.base, fz_lsp.syntax, fz_lsp.model.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from fz_lsp.model import Edge, Lane, Model, Node, Ref, Span
from fz_lsp.syntax.statements import Broken


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


# -- every token naming a node or a lane (rename, renumbering) --------------------------------


def _broken_leading(model: Model, names: Collection[str], follow: str) -> list[tuple[str, Span]]:
    """Leading ids of broken lines that are in `names` and followed by one of `follow`."""
    found = []
    for i, st in enumerate(model.statements):
        if type(st) is Broken and st.first_word is not None and st.first_word.text in names:
            rest = model.lines[i][st.first_word.end :].lstrip(" \t")
            if rest[:1] and rest[:1] in follow:
                found.append((st.first_word.text, Span(i, st.first_word.start, st.first_word.end)))
    return found


def node_spans(model: Model, name: str) -> list[Span]:
    """Every token naming node `name`: declarations, references, broken lines' lead ids."""
    return node_spans_by_name(model, {name}).get(name, [])


def node_spans_by_name(model: Model, names: Collection[str]) -> dict[str, list[Span]]:
    """node_spans for several names in one pass over the document."""
    found: dict[str, list[Span]] = {}
    for n in model.nodes:
        if n.id in names:
            found.setdefault(n.id, []).append(n.span)
    for r in model.refs:
        if r.name in names:
            found.setdefault(r.name, []).append(r.span)
    for name, span in _broken_leading(model, names, ".:"):
        found.setdefault(name, []).append(span)
    return {name: _unique(spans) for name, spans in found.items()}


def lane_spans(model: Model, name: str) -> list[Span]:
    """Every token naming lane `name`: headers, `Lane.` prefixes, broken headers."""
    spans = [lane.id_span for lane in model.lanes if lane.id == name]
    spans += [r.prefix_span for r in model.refs if r.prefix == name and r.prefix_span is not None]
    spans += [span for _, span in _broken_leading(model, {name}, "{")]
    return _unique(spans)


def _unique(spans: list[Span]) -> list[Span]:
    return sorted(set(spans), key=lambda s: (s.line, s.start, s.end))
