"""The graph of a document as JSON: `flowzap_export_graph` (the MCP server) and anything else
that wants a diagram's structure without parsing FlowZap Code itself.

`{lanes, nodes, edges, loops, stats}`, each item in document order with its 1-based line; the
items are fz_lsp/analysis/graph.py's records (FlowZap's field names). Edges get ids `e1`, `e2`, … in
document order, as FlowZap's export numbers them. The graph of a broken document is what its
model resolves: an edge to an undeclared node is there with `resolved: false`.

May import: fz_lsp.model, fz_lsp.analysis.
"""

from __future__ import annotations

from fz_lsp.analysis.graph import JSON, graph_of
from fz_lsp.model import Model


def export_graph(model: Model) -> JSON:
    graph = graph_of(model)
    edges = [{"id": f"e{k}", **edge.as_json()} for k, edge in enumerate(graph.edges, start=1)]
    return {
        "lanes": [lane.as_json() for lane in graph.lanes],
        "nodes": [node.as_json() for node in graph.nodes],
        "edges": edges,
        "loops": [loop.as_json() for loop in graph.loops],
        "stats": {
            "laneCount": len(graph.lanes),
            "nodeCount": len(graph.nodes),
            "edgeCount": len(graph.edges),
            "crossLaneEdges": sum(1 for edge in graph.edges if edge.cross_lane),
            "loopCount": len(graph.loops),
        },
    }
