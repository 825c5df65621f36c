"""The diff of two versions (fz_lsp/features/graph_diff.py) on prepared pairs, with the exact
changes expected."""

from __future__ import annotations

from fz_lsp.analysis.document import analyse
from fz_lsp.features.graph_diff import diff_models, text_report
from support.paths import EXAMPLES

GITOPS = (EXAMPLES / "gitops.fz").read_text(encoding="utf-8")
EMPTY = {
    "nodesAdded": [],
    "nodesRemoved": [],
    "nodesUpdated": [],
    "edgesAdded": [],
    "edgesRemoved": [],
    "edgesUpdated": [],
    "lanesAdded": [],
    "lanesRemoved": [],
    "lanesUpdated": [],
    "loopsAdded": [],
    "loopsRemoved": [],
}


def diff(old: str, new: str) -> dict:
    return diff_models(analyse(old).model, analyse(new).model)


def test_reformatting_and_reordering_is_no_change() -> None:
    lines = GITOPS.splitlines()
    dev = lines[1:14]  # the Dev lane's body, reversed and indented
    moved = "\n".join([lines[0], *("   " + line for line in reversed(dev)), *lines[14:]]) + "\n"
    assert diff(GITOPS, moved) == {**EMPTY, "summary": "no change"}


def test_every_kind_of_change() -> None:
    new = (
        GITOPS.replace('n5: rectangle label:"Address review comments"', 'n5: diamond label:"Fix comments" owner:"dev"')
        .replace("n9.handle(right) -> n10.handle(left)\n", "")
        .replace('[label="Yes"]', '[label="Drifted"]')
        .replace("Sync { # GitOps Controller", "Sync { # Argo CD")
        .replace("loop [until checks pass] n7 n8", "loop [until green] n7 n8")
        .replace('n16: rectangle label:"Nothing to do"\n', "")
        .replace('n14.handle(bottom) -> n16.handle(top) [label="No"]\n', "n14.handle(bottom) -> QA.n22.handle(top)\n")
    )
    new += 'QA { # Quality\nn22: rectangle label:"Verify"\n}\n'
    assert diff(GITOPS, new) == {
        "nodesAdded": [
            {"id": "n22", "laneId": "QA", "shape": "rectangle", "label": "Verify", "kind": "step",
             "properties": {"label": "Verify"}, "line": 54},
        ],
        "nodesRemoved": [
            {"id": "n16", "laneId": "Sync", "shape": "rectangle", "label": "Nothing to do", "kind": "step",
             "properties": {"label": "Nothing to do"}, "line": 35},
        ],
        "nodesUpdated": [
            {"id": "n5", "line": 6, "changes": {
                "shape": {"old": "rectangle", "new": "diamond"},
                "label": {"old": "Address review comments", "new": "Fix comments"},
                "owner": {"old": None, "new": "dev"},
            }},
        ],
        "edgesAdded": [
            {"from": "n14", "to": "n22", "fromLane": "Sync", "toLane": "QA", "sourceHandle": "bottom",
             "targetHandle": "top", "label": None, "crossLane": True, "resolved": True, "line": 37},
        ],
        "edgesRemoved": [
            {"from": "n9", "to": "n10", "fromLane": "CI", "toLane": "CI", "sourceHandle": "right",
             "targetHandle": "left", "label": None, "crossLane": False, "resolved": True, "line": 25},
            {"from": "n14", "to": "n16", "fromLane": "Sync", "toLane": "Sync", "sourceHandle": "bottom",
             "targetHandle": "top", "label": "No", "crossLane": False, "resolved": True, "line": 39},
        ],
        "edgesUpdated": [
            {"from": "n14", "to": "n15", "line": 36, "changes": {"label": {"old": "Yes", "new": "Drifted"}}},
        ],
        "lanesAdded": ["QA"],
        "lanesRemoved": [],
        "lanesUpdated": [
            {"id": "Sync", "line": 29, "changes": {"label": {"old": "GitOps Controller", "new": "Argo CD"}}},
        ],
        "loopsAdded": [{"condition": "until green", "nodes": ["n7", "n8"], "laneId": "CI", "line": 27}],
        "loopsRemoved": [{"condition": "until checks pass", "nodes": ["n7", "n8"], "laneId": "CI", "line": 28}],
        "summary": "1 lane added (QA); 1 lane relabelled (Sync); 1 node added (n22); 1 node removed (n16); "
        "1 node updated (n5); 1 edge added (n14->n22); 2 edges removed (n9->n10, n14->n16); "
        "1 edge updated (n14->n15); 1 loop added ([until green]); 1 loop removed ([until checks pass])",
    }  # fmt: skip


def test_edges_with_the_same_ends_pair_by_handles_then_in_order() -> None:
    head = 'A { # A\nn1: circle label:"a"\nn2: circle label:"b"\n'
    old = head + 'n1.handle(right) -> n2.handle(left)\nn1.handle(bottom) -> n2.handle(top) [label="x"]\n}\n'
    new = head + 'n1.handle(bottom) -> n2.handle(top) [label="y"]\n}\n'
    result = diff(old, new)
    assert result["edgesUpdated"] == [
        {"from": "n1", "to": "n2", "line": 4, "changes": {"label": {"old": "x", "new": "y"}}}
    ]
    assert [(e["sourceHandle"], e["line"]) for e in result["edgesRemoved"]] == [("right", 4)]
    assert result["edgesAdded"] == []


def test_text_report() -> None:
    new = GITOPS.replace('n1: circle label:"Start a change"', 'n1: circle label:"Begin"').replace(
        "n6.handle(bottom) -> CI.n7.handle(top)", "n6.handle(right) -> CI.n7.handle(top)"
    )
    new = new.replace("n1.handle(right) -> n2.handle(left)\n", "")
    assert text_report(diff(GITOPS, new)) == [
        '~ node n1: label "Start a change" -> "Begin"',
        "- edge n1.handle(right) -> n2.handle(left)",
        '~ edge n6 -> n7: sourceHandle "bottom" -> "right"',
        "1 node updated (n1); 1 edge removed (n1->n2); 1 edge updated (n6->n7)",
    ]
