"""Layout quality on every file of the real-world FlowZap corpus (collected only when the
corpus is there, see conftest.py): measured on the rendered SVG by tests/support/layout_quality.py,
no edges drawn over each other or through a node, every label in the clear, every loop
frame one outline holding exactly its own nodes, every end on a diamond on a corner, no
more crossings than the budget (max(2, 10 % of the edges)); and FlowZap's own templates
keep their straight hand-overs."""

from __future__ import annotations

from pathlib import Path

import pytest

from fz_lsp.analysis.document import analyse
from fz_lsp.render import layout_workflow, render_svg
from support.layout_quality import crossing_budget, measure
from support.paths import corpus_files

pytestmark = pytest.mark.slow  # the corpus sweep: deselected by -m "not slow"

FILES = corpus_files("*.fz") + corpus_files("truncated/*.partial")


def model_of(path: Path):
    return analyse(path.read_bytes().decode("utf-8")).model


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_corpus_file_layout_has_no_defect(path: Path) -> None:
    model = model_of(path)
    quality = measure(render_svg(model), model)
    assert quality.defects == 0 and quality.narrative == 0, quality.details
    assert quality.crossings <= crossing_budget(quality.edges), quality.crossings


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_hand_overs_between_neighbouring_lanes_are_straight(path: Path) -> None:
    """A `bottom -> top` edge to the next lane, with nothing between, is one vertical line."""
    model = model_of(path)
    layout = layout_workflow(model)
    at = {id(n.node): n for n in layout.nodes}
    lanes = list(model.lanes)
    for e in layout.edges:
        s, t = e.edge.source.node, e.edge.target.node
        if s is None or t is None or e.backward or (e.source_side, e.target_side) != ("bottom", "top"):
            continue
        if s.lane in lanes and t.lane in lanes and lanes.index(t.lane) == lanes.index(s.lane) + 1:
            below = [
                n
                for n in layout.nodes
                if n.column == at[id(s)].column and at[id(s)].box.bottom < n.box.y < at[id(t)].box.y
            ]
            if at[id(s)].column == at[id(t)].column and not below:
                assert len(e.points) == 2, f"edge {e.edge.index} ({s.id} -> {t.id}) is not straight"
