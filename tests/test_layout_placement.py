"""Where the workflow view places each node (issue 22): the patterns a reader expects, each a
fixture of tests/fixtures/layout/ with the exact cell (column, row within its lane) of
every node, and the quality the drawing must have (tests/support/layout_quality.py).

- ping-pong.fz: two lanes handing work back and forth with `bottom -> top` hops: a
  staircase, each hop one column to the right, each lane one row;
- nine-way-parallel.fz: a start fanning out to three workers in each of three lanes, all
  joining an end: the workers side by side in one column (rows in source order), the
  fan-out and the fan-in each drawn as one trunk with junctions;
- nine-way-vertical.fz: the same with `bottom -> top` hand-overs down through the lanes:
  the trunks are the start's and the end's port lines, no crossing;
- same-lane-end.fz: `bottom -> top` edges to an End circle in the same lane: the End sits
  to the right and the lane keeps one row;
- loop-apart-in-source.fz: a loop whose members are listed out of order and declared in
  other lanes: placed together, one rectangular frame;
- loop-outline.fz: a loop whose members cannot lie together (a non-member sits in the
  flow between them): one rectilinear outline holding exactly its members;
- decision-corners.fz: a decision using its four corners (a third branch leaving by the
  corner its input enters): branches above and below the spine, every end on a corner;
- long-release.fz: a 20-step chain through three lanes: one row per lane, width and area
  reported;
- inputs-from-above-and-below.fz: steps that nothing leads to, feeding the flow from a
  `bottom` into a `top` (from a `top` into a `bottom`): each in the row above (below) the
  step it feeds, its edge a short drop (climb), not a loop round the lane.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fz_lsp.analysis.document import analyse
from fz_lsp.render import layout_workflow, render_svg
from support.layout_quality import measure, parse

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "layout"

# file -> {node id: (column, row in its lane)}
EXPECTED: dict[str, dict[str, tuple[int, int]]] = {
    "ping-pong.fz": {f"n{k}": (k - 1, 0) for k in range(1, 8)},
    "nine-way-parallel.fz": {
        "n1": (0, 0),
        "n2": (1, 0),
        "n3": (1, 1),
        "n4": (1, 2),
        "n11": (2, 0),
        "n5": (1, 0),
        "n6": (1, 1),
        "n7": (1, 2),
        "n8": (1, 0),
        "n9": (1, 1),
        "n10": (1, 2),
    },
    "nine-way-vertical.fz": {
        "n1": (0, 0),
        **{f"n{k}": (1, (k - 2) % 3) for k in range(2, 11)},
        "n11": (2, 0),
    },
    "same-lane-end.fz": {
        "n1": (0, 0),
        "n2": (1, 0),
        "n3": (2, 0),
        "n5": (3, 0),
        "n6": (4, 0),
        "n7": (5, 0),
        "n4": (5, 0),
        "n8": (6, 0),
    },
    "loop-apart-in-source.fz": {
        "n1": (0, 0),
        "n2": (1, 0),
        "n3": (2, 0),
        "n4": (3, 0),
        "n6": (4, 0),
        "n7": (4, 1),
        "n5": (5, 0),
        "n8": (6, 0),
        "n9": (7, 0),
    },
    "loop-outline.fz": {
        "n1": (0, 0),
        "n2": (1, 0),
        "n3": (2, 0),
        "n5": (3, 0),
        "n6": (4, 0),
        "n7": (5, 0),
        "n8": (6, 0),
        "n4": (7, 0),
    },
    "decision-corners.fz": {
        "n6": (2, 0),
        "n1": (0, 1),
        "n2": (1, 1),
        "n3": (2, 1),
        "n4": (3, 1),
        "n8": (4, 1),
        "n7": (1, 2),
        "n5": (2, 2),
    },
    "long-release.fz": {f"n{k}": (k - 1, 0) for k in range(1, 21)},
    "inputs-from-above-and-below.fz": {
        "n1": (0, 1),
        "n2": (1, 1),
        "n3": (2, 1),
        "n4": (3, 1),
        "n5": (4, 1),
        "n6": (1, 0),
        "n7": (2, 2),
    },
}
# the crossings each fixture may have: none, but where the handles force one (the
# feedback edge of loop-outline.fz must reach the bottom of a node two lanes up across
# the hand-over between them)
CROSSINGS = {"loop-outline.fz": 1}


def model_of(name: str):
    return analyse((FIXTURES / name).read_text(encoding="utf-8")).model


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_node_sits_where_a_reader_expects_it(name: str) -> None:
    layout = layout_workflow(model_of(name))
    assert {n.node.id: (n.column, n.row) for n in layout.nodes} == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_drawing_is_clean_and_crosses_nothing_it_need_not(name: str) -> None:
    model = model_of(name)
    quality = measure(render_svg(model), model)
    assert quality.defects == 0, quality.details
    assert quality.narrative == 0, quality.details
    assert quality.crossings <= CROSSINGS.get(name, 0), quality.details


def test_a_fan_out_and_a_fan_in_are_one_trunk_each_with_junctions() -> None:
    model = model_of("nine-way-parallel.fz")
    drawing = parse(render_svg(model))
    starts = {e.points[0] for e in drawing.edges if e.index < 9}  # the nine edges out of n1
    ends = {e.points[-1] for e in drawing.edges if e.index >= 9}  # the nine edges into n11
    assert len(starts) == 1 and len(ends) == 1
    # nine branches part from each trunk: eight junctions on each (the last branch is the trunk's end)
    assert len(drawing.junctions) == 16


def test_loop_frames_are_one_outline_holding_exactly_their_members() -> None:
    for name, rectangle in (("loop-apart-in-source.fz", True), ("loop-outline.fz", False)):
        layout = layout_workflow(model_of(name))
        (loop,) = layout.loops
        assert loop.links == ()
        assert (loop.outline == ()) == rectangle, name
