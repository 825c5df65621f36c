"""The graph of a document (fz_lsp/analysis/graph.py, fz_lsp/features/graph_export.py): what the model
resolves, in FlowZap's field names, with exact items."""

from __future__ import annotations

from fz_lsp.analysis.document import analyse
from fz_lsp.features.graph_export import export_graph
from support.paths import EXAMPLES


def test_gitops_graph() -> None:
    graph = export_graph(analyse((EXAMPLES / "gitops.fz").read_text(encoding="utf-8")).model)
    assert graph["stats"] == {"laneCount": 4, "nodeCount": 21, "edgeCount": 24, "crossLaneEdges": 6, "loopCount": 1}
    assert graph["lanes"] == [
        {"id": "Dev", "label": "Developer", "line": 1, "nodeCount": 6},
        {"id": "CI", "label": "CI Pipeline", "line": 16, "nodeCount": 5},
        {"id": "Sync", "label": "GitOps Controller", "line": 30, "nodeCount": 5},
        {"id": "Cluster", "label": "Kubernetes Cluster", "line": 42, "nodeCount": 5},
    ]
    assert graph["nodes"][0] == {
        "id": "n1",
        "laneId": "Dev",
        "shape": "circle",
        "label": "Start a change",
        "kind": "start",
        "properties": {"label": "Start a change"},
        "line": 2,
    }
    kinds = {node["id"]: node["kind"] for node in graph["nodes"]}
    assert (kinds["n4"], kinds["n5"], kinds["n21"]) == ("decision", "step", "end")
    assert graph["edges"][6] == {
        "id": "e7",
        "from": "n6",
        "to": "n7",
        "fromLane": "Dev",
        "toLane": "CI",
        "sourceHandle": "bottom",
        "targetHandle": "top",
        "label": "Webhook",
        "crossLane": True,
        "resolved": True,
        "line": 14,
    }
    assert [edge["id"] for edge in graph["edges"]] == [f"e{k}" for k in range(1, 25)]
    assert graph["loops"] == [{"condition": "until checks pass", "nodes": ["n7", "n8"], "laneId": "CI", "line": 28}]


def test_a_broken_document_exports_what_resolves() -> None:
    text = (
        "A { # Alpha\n"
        'n1: taskbox owner:"Ann" description:"Review" system:"Jira"\n'
        "n1.handle(right) -> B.n9.handle(left)\n"
        "n1.handle(rigth) -> n2.handle(left)\n"
        "n1 --> n2\n"
        "}\n"
        "B {\n"
        'n2: circle label:"Done"\n'
        "}\n"
    )
    graph = export_graph(analyse(text).model)
    assert graph["nodes"][0] == {
        "id": "n1",
        "laneId": "A",
        "shape": "taskbox",
        "label": "Ann / Review / Jira",
        "kind": "task",
        "properties": {"owner": "Ann", "description": "Review", "system": "Jira"},
        "line": 2,
    }
    assert [
        (e["from"], e["to"], e["fromLane"], e["toLane"], e["sourceHandle"], e["resolved"]) for e in graph["edges"]
    ] == [
        ("n1", "n9", "A", "B", "right", False),  # the prefix names the lane of a node declared nowhere
        ("n1", "n2", "A", "B", "rigth", True),  # a misspelt handle is exported as written
    ]
    assert graph["lanes"][1] == {"id": "B", "label": "B", "line": 7, "nodeCount": 1}
    assert graph["stats"]["crossLaneEdges"] == 2
