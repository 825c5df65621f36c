"""The renderer on every file of the real-world corpus (collected only when the corpus is
there, see conftest.py): both views' geometry and text, the workflow view's layout quality
(tests/support/workflow_checks.py and sequence_checks.py hold the checks), and FlowZap's GitOps template laid out as its
handles say."""

from __future__ import annotations

from pathlib import Path

import pytest

from fz_lsp.render import layout_workflow
from support.models import read_model
from support.paths import CORPUS_DIR, corpus_files
from support.sequence_checks import check_sequence
from support.workflow_checks import check_workflow

pytestmark = pytest.mark.slow  # the corpus sweep: deselected by -m "not slow"

CORPUS_FILES = corpus_files("*.fz") + corpus_files("truncated/*.partial")


def test_corpus_has_the_files_these_tests_expect() -> None:
    assert len(CORPUS_FILES) >= 20
    assert CORPUS_DIR is not None and (CORPUS_DIR / "gitops-deployment.fz").is_file()


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_workflow_geometry_on_real_files(path: Path) -> None:
    check_workflow(read_model(path))


@pytest.mark.parametrize("order", ["causal", "document"])
@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_sequence_geometry_on_real_files(path: Path, order: str) -> None:
    check_sequence(read_model(path), order)


def test_gitops_template_layout_follows_the_flow() -> None:
    layout = layout_workflow(read_model(CORPUS_DIR / "gitops-deployment.fz"))
    at = {n.node.id: n for n in layout.nodes}
    assert [b.title for b in layout.bands] == [
        "Developer",
        "CI/CD Pipeline",
        "GitOps Controller (ArgoCD/Flux)",
        "Kubernetes Cluster",
    ]
    # one chain through the lanes: each lane on one row, each hand-over one column on (a staircase)
    main = [*range(1, 13), *range(14, 20)]
    assert [at[f"n{i}"].column for i in main] == list(range(18))
    assert {at[f"n{i}"].row for i in main} == {0}
    assert at["n13"].row == at["n11"].row + 1 and at["n13"].column == at["n11"].column  # the "No" branch
    by_index = {e.edge.index: e for e in layout.edges}
    hand_overs = {3, 7, 13}  # down to the next lane: out of the bottom, along the gutter, into the top
    assert {i for i, e in by_index.items() if len(e.points) == 2} == set(range(18)) - hand_overs
    assert all(len(by_index[i].points) == 4 for i in hand_overs)
    assert not any(e.backward for e in layout.edges)
