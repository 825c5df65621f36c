"""What changed between two versions of a document, as a graph: `flowzap_diff` (the MCP
server) and `fz-lsp diff OLD NEW`.

Nodes are matched by id, edges by their ends (`from`, `to`), lanes by id and loops by their
lane, condition and members, so moving lines around, reindenting or reformatting is no change.
Two edges with the same ends in one version are paired in document order; the ones left over
are added or removed. A matched node is updated when its shape, lane, label (what the diagram
shows) or an attribute differs; a matched edge when its label or a handle does; a lane when its
display label does. Items are fz_lsp/analysis/graph.py's records (FlowZap's field names); `line` is the
line in the version the item comes from.

`summary` is one sentence for a person; `text_report` the lines `fz-lsp diff` prints.

May import: fz_lsp.model, fz_lsp.analysis.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from fz_lsp.analysis.graph import JSON, Graph, GraphEdge, GraphNode, graph_of
from fz_lsp.model import Model

_NODE_FIELDS = ("shape", "laneId", "label")
_EDGE_FIELDS = ("label", "sourceHandle", "targetHandle")


def _changes(old: JSON, new: JSON, keys: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    return {key: {"old": old.get(key), "new": new.get(key)} for key in keys if old.get(key) != new.get(key)}


def _node_changes(old: GraphNode, new: GraphNode) -> dict[str, dict[str, Any]]:
    changes = _changes(old.as_json(), new.as_json(), _NODE_FIELDS)
    before, after = dict(old.properties), dict(new.properties)
    for key in sorted(set(before) | set(after)):
        if key != "label" and before.get(key) != after.get(key):
            changes[key] = {"old": before.get(key), "new": after.get(key)}
    return changes


def _pair_edges(old: tuple[GraphEdge, ...], new: tuple[GraphEdge, ...]) -> tuple[list[Any], list[Any], list[Any]]:
    """(pairs of matched edges, old edges left over, new edges left over), by ends."""
    waiting: dict[tuple[str, str], list[GraphEdge]] = defaultdict(list)
    for edge in old:
        waiting[edge.ends].append(edge)
    pairs, added = [], []
    for edge in new:
        candidates = waiting.get(edge.ends)
        if candidates:
            # an edge of the same ends and the same handles first, else the first in order
            same = next(
                (
                    c
                    for c in candidates
                    if c.source_handle == edge.source_handle and c.target_handle == edge.target_handle
                ),
                candidates[0],
            )
            candidates.remove(same)
            pairs.append((same, edge))
        else:
            added.append(edge)
    removed = sorted((e for edges in waiting.values() for e in edges), key=lambda e: e.line)
    return pairs, removed, added


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


_SHOWN = 5  # items a summary names before it says "…"


def _names(items: list[Any]) -> str:
    names = []
    for item in items:
        if isinstance(item, str):
            names.append(item)
        elif "id" in item:
            names.append(item["id"])
        elif "from" in item:
            names.append(f"{item['from']}->{item['to']}")
        else:
            names.append(f"[{item['condition'] or ''}]")
    shown = ", ".join(names[:_SHOWN])
    return shown + (", …" if len(names) > _SHOWN else "")


def _summary(diff: JSON) -> str:
    parts = []
    for key, one, many in (
        ("lanesAdded", "lane added", "lanes added"),
        ("lanesRemoved", "lane removed", "lanes removed"),
        ("lanesUpdated", "lane relabelled", "lanes relabelled"),
        ("nodesAdded", "node added", "nodes added"),
        ("nodesRemoved", "node removed", "nodes removed"),
        ("nodesUpdated", "node updated", "nodes updated"),
        ("edgesAdded", "edge added", "edges added"),
        ("edgesRemoved", "edge removed", "edges removed"),
        ("edgesUpdated", "edge updated", "edges updated"),
        ("loopsAdded", "loop added", "loops added"),
        ("loopsRemoved", "loop removed", "loops removed"),
    ):
        if diff[key]:
            parts.append(f"{_plural(len(diff[key]), one, many)} ({_names(diff[key])})")
    return "; ".join(parts) if parts else "no change"


def diff_graphs(old: Graph, new: Graph) -> JSON:
    old_lanes = {lane.id: lane for lane in reversed(old.lanes)}  # the first of a duplicated id wins
    new_lanes = {lane.id: lane for lane in reversed(new.lanes)}
    old_nodes = {node.id: node for node in reversed(old.nodes)}
    new_nodes = {node.id: node for node in reversed(new.nodes)}
    pairs, edges_removed, edges_added = _pair_edges(old.edges, new.edges)
    edges_updated = []
    for before, after in pairs:
        changes = _changes(before.as_json(), after.as_json(), _EDGE_FIELDS)
        if changes:
            edges_updated.append({"from": after.source, "to": after.target, "line": after.line, "changes": changes})
    nodes_updated = []
    for node in new_nodes.values():
        if node.id in old_nodes:
            changes = _node_changes(old_nodes[node.id], node)
            if changes:
                nodes_updated.append({"id": node.id, "line": node.line, "changes": changes})
    lanes_updated = [
        {"id": lane.id, "line": lane.line, "changes": {"label": {"old": old_lanes[lane.id].label, "new": lane.label}}}
        for lane in new_lanes.values()
        if lane.id in old_lanes and old_lanes[lane.id].label != lane.label
    ]
    old_loops = {loop.key for loop in old.loops}
    new_loops = {loop.key for loop in new.loops}
    diff: JSON = {
        "nodesAdded": [n.as_json() for n in sorted(new_nodes.values(), key=lambda n: n.line) if n.id not in old_nodes],
        "nodesRemoved": [
            n.as_json() for n in sorted(old_nodes.values(), key=lambda n: n.line) if n.id not in new_nodes
        ],
        "nodesUpdated": sorted(nodes_updated, key=lambda n: n["line"]),
        "edgesAdded": [e.as_json() for e in edges_added],
        "edgesRemoved": [e.as_json() for e in edges_removed],
        "edgesUpdated": edges_updated,
        "lanesAdded": [lane.id for lane in new.lanes if lane.id not in old_lanes and new_lanes[lane.id] is lane],
        "lanesRemoved": [lane.id for lane in old.lanes if lane.id not in new_lanes and old_lanes[lane.id] is lane],
        "lanesUpdated": sorted(lanes_updated, key=lambda lane: lane["line"]),
        "loopsAdded": [loop.as_json() for loop in new.loops if loop.key not in old_loops],
        "loopsRemoved": [loop.as_json() for loop in old.loops if loop.key not in new_loops],
    }
    diff["summary"] = _summary(diff)
    return diff


def diff_models(old: Model, new: Model) -> JSON:
    """The diff between two versions' models (see the module's docstring)."""
    return diff_graphs(graph_of(old), graph_of(new))


def _value(value: Any) -> str:
    return "(none)" if value is None else f'"{value}"' if isinstance(value, str) else str(value)


def _edge_text(edge: JSON) -> str:
    target = edge["to"] if edge["toLane"] in (None, edge["fromLane"]) else f"{edge['toLane']}.{edge['to']}"
    text = f"{edge['from']}.handle({edge['sourceHandle'] or '?'}) -> {target}.handle({edge['targetHandle'] or '?'})"
    return text + (f' [label="{edge["label"]}"]' if edge["label"] else "")


def _changes_text(changes: dict[str, dict[str, Any]]) -> str:
    return ", ".join(f"{key} {_value(change['old'])} -> {_value(change['new'])}" for key, change in changes.items())


def text_report(diff: JSON) -> list[str]:
    """The diff as lines a person reads: `+` added, `-` removed, `~` updated, then the summary."""
    out = [f"+ lane {lane}" for lane in diff["lanesAdded"]]
    out += [f"- lane {lane}" for lane in diff["lanesRemoved"]]
    out += [f"~ lane {lane['id']}: {_changes_text(lane['changes'])}" for lane in diff["lanesUpdated"]]
    out += [f'+ node {n["id"]}: {n["shape"]} "{n["label"]}" in {n["laneId"]}' for n in diff["nodesAdded"]]
    out += [f'- node {n["id"]}: {n["shape"]} "{n["label"]}" in {n["laneId"]}' for n in diff["nodesRemoved"]]
    out += [f"~ node {n['id']}: {_changes_text(n['changes'])}" for n in diff["nodesUpdated"]]
    out += [f"+ edge {_edge_text(e)}" for e in diff["edgesAdded"]]
    out += [f"- edge {_edge_text(e)}" for e in diff["edgesRemoved"]]
    out += [f"~ edge {e['from']} -> {e['to']}: {_changes_text(e['changes'])}" for e in diff["edgesUpdated"]]
    out += [f"+ loop [{loop['condition'] or ''}] {' '.join(loop['nodes'])}" for loop in diff["loopsAdded"]]
    out += [f"- loop [{loop['condition'] or ''}] {' '.join(loop['nodes'])}" for loop in diff["loopsRemoved"]]
    return [*out, diff["summary"]]
