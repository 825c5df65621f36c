"""Phases 4 and 5 of the grid router (fz_lsp/render/layout/routing.py, coordinates.py,
router.py): routes through empty cells and gutters, one track per gutter run, gutters
sized for their tracks, polylines.

The generic router is also checked on its own, with random boxes on random grids (no
FlowZap, no lanes: the way another view would use it), by the same quality checker the
workflow tests use."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from fz_lsp.analysis.document import analyse
from fz_lsp.render import layout_workflow, render_svg
from fz_lsp.render.layout.coordinates import ZONE_EDGE, attachment, plan_gutter
from fz_lsp.render.layout.geometry import Box
from fz_lsp.render.layout.grid import GridEdge, GridLayout, GridNode, GridSpec
from fz_lsp.render.layout.route_choice import choose_routes
from fz_lsp.render.layout.router import route_grid
from fz_lsp.render.layout.routing import HTRACK, PORT, VTRACK, Run, assign_tracks, plan_routes
from support.layout_quality import Drawing, DrawnEdge, DrawnNode, measure, measure_drawing

SPEC = GridSpec(rows=3, columns=3)


def grid(*cells: tuple[int, int]) -> list[GridNode]:
    return [GridNode(r, c, 120, 48) for r, c in cells]


def lines(nodes, edges, spec=SPEC):
    return [route.lines for route in plan_routes(spec, nodes, edges)]


def test_neighbours_facing_each_other_are_joined_straight() -> None:
    nodes = grid((0, 0), (0, 2), (2, 0))
    routes = plan_routes(SPEC, nodes, [GridEdge(0, "right", 1, "left"), GridEdge(0, "bottom", 2, "top")])
    assert [r.lines for r in routes] == [[(PORT, 0)], [(PORT, 2)]] and all(r.straight for r in routes)


def test_one_bend_when_the_corner_and_the_way_are_empty() -> None:
    nodes = grid((0, 0), (2, 2))
    assert lines(nodes, [GridEdge(0, "right", 1, "top")]) == [[(PORT, 0), (PORT, 1)]]
    assert lines(nodes, [GridEdge(0, "bottom", 1, "left")]) == [[(PORT, 0), (PORT, 1)]]


def test_two_bends_through_the_gutter_nearest_the_source() -> None:
    nodes = grid((0, 0), (2, 2))
    assert lines(nodes, [GridEdge(0, "right", 1, "left")]) == [[(PORT, 0), (VTRACK, 1), (PORT, 1)]]
    assert lines(nodes, [GridEdge(0, "bottom", 1, "top")]) == [[(PORT, 0), (HTRACK, 1), (PORT, 1)]]


def test_gutters_only_when_cells_block_the_way() -> None:
    nodes = grid((0, 0), (0, 1), (0, 2))
    # from node 0 to node 2 across node 1: around below, through two column gutters
    assert lines(nodes, [GridEdge(0, "right", 2, "left")]) == [
        [(PORT, 0), (VTRACK, 1), (HTRACK, 1), (VTRACK, 2), (PORT, 1)]
    ]
    # back to the start of the row: out right, below, into the left side
    assert lines(nodes, [GridEdge(2, "right", 0, "left")]) == [
        [(PORT, 0), (VTRACK, 3), (HTRACK, 1), (VTRACK, 0), (PORT, 1)]
    ]


def test_a_side_to_a_bottom_climbs_past_the_flow_it_would_cross() -> None:
    """A reply from under a row (node 4's right) into a decision's bottom, under which its
    branch already stands (node 1): it runs along its own row past the step beside the row
    above (2 -> 3) and climbs in the gutter next to the decision's column, crossing neither
    that step nor the step's own edge up into the decision's left (order-returns.fz's
    "Failed"); the route out of the gutter next to it would cross both."""
    spec = GridSpec(rows=4, columns=4)
    nodes = grid((0, 2), (1, 2), (2, 0), (2, 1), (3, 0))
    edges = [
        GridEdge(0, "bottom", 1, "top"),
        GridEdge(2, "right", 3, "left"),
        GridEdge(4, "right", 0, "bottom"),
        GridEdge(3, "top", 0, "left"),
    ]
    first = plan_routes(spec, nodes, edges)
    assert first[2].lines == [(PORT, 4), (VTRACK, 1), (HTRACK, 1), (PORT, 5)]
    chosen = choose_routes(spec, nodes, edges, first)
    assert chosen[2].lines == [(PORT, 4), (VTRACK, 2), (HTRACK, 1), (PORT, 5)]
    assert [r.lines for r in chosen] == [r.lines for r in first[:2]] + [chosen[2].lines, first[3].lines]


def test_a_long_hop_between_tops_and_bottoms_goes_round_the_outside() -> None:
    """From a top (node 0, row 2) into a bottom (node 5, row 0) far to the right, with two
    hand-overs between the rows in the way (1 -> 2 down, 3 -> 4 up): up the gutter beside the
    source, over the top of the whole diagram, down the gutter beside the target, in under it
    (order-returns.fz's "Notify")."""
    spec = GridSpec(rows=3, columns=6)
    nodes = grid((2, 0), (0, 1), (2, 2), (2, 3), (0, 4), (0, 5))
    edges = [
        GridEdge(1, "bottom", 2, "top"),
        GridEdge(3, "top", 4, "bottom"),
        GridEdge(0, "top", 5, "bottom"),
    ]
    first = plan_routes(spec, nodes, edges)
    chosen = choose_routes(spec, nodes, edges, first)
    assert first[2].lines != chosen[2].lines
    assert chosen[2].lines == [(PORT, 4), (HTRACK, 2), (VTRACK, 1), (HTRACK, 0), (VTRACK, 5), (HTRACK, 1), (PORT, 5)]
    assert chosen[2].detour


def test_a_way_round_the_outside_must_save_two_crossings() -> None:
    """The same hop with one hand-over in its way keeps its direct route and its one crossing:
    a way round the whole diagram to save a single crossing reads worse than the crossing."""
    spec = GridSpec(rows=3, columns=4)
    nodes = grid((2, 0), (0, 1), (2, 2), (0, 3))
    edges = [GridEdge(1, "bottom", 2, "top"), GridEdge(0, "top", 3, "bottom")]
    first = plan_routes(spec, nodes, edges)
    chosen = choose_routes(spec, nodes, edges, first)
    assert chosen[1].lines == first[1].lines == [(PORT, 2), (HTRACK, 2), (PORT, 3)]
    assert not chosen[1].detour


def test_a_self_loop_on_one_side_is_a_c_shape() -> None:
    assert lines(grid((1, 1)), [GridEdge(0, "right", 0, "right")]) == [[(PORT, 0), (VTRACK, 2), (PORT, 1)]]


def test_a_one_ended_edge_is_its_end_alone() -> None:
    assert lines(grid((1, 1)), [GridEdge(0, "right", None, "left"), GridEdge(None, "right", 0, "top")]) == [
        [(PORT, 0)],
        [(PORT, 3)],
    ]


def run(lo: int, hi: int, ends, edge: int) -> Run:
    return Run(True, 1, lo, hi, edge, 1, ends)


def test_meeting_runs_get_their_own_tracks_and_apart_ones_share() -> None:
    runs = [
        run(1, 5, ((-1, 1000), (1, 5000)), 0),
        run(3, 7, ((-1, 3000), (1, 7000)), 1),
        run(9, 11, ((-1, 9000), (1, 11000)), 2),
    ]
    tracks = assign_tracks(runs)
    assert tracks.slots == {(True, 1): 2}
    assert runs[0].slot != runs[1].slot and runs[2].slot == 0


def test_nested_returns_are_ordered_so_they_do_not_cross() -> None:
    # two C shapes returning to the left: the shorter one runs inside the longer one
    outer = run(1, 9, ((-1, 1000), (-1, 9000)), 0)
    inner = run(3, 7, ((-1, 3000), (-1, 7000)), 1)
    assign_tracks([outer, inner])
    assert inner.slot < outer.slot


def test_gutter_plans() -> None:
    assert plan_gutter([], 0.0, False, 40.0).size == 40.0
    two = plan_gutter([10.0, 10.0], 0.0, False, 20.0)
    assert two.size == 46.0 and two.offsets == [-5.0, 5.0]
    zone = plan_gutter([], 100.0, False, 40.0)
    assert zone.size == 100 + 2 * ZONE_EDGE and zone.zone_at == 0.0
    divided = plan_gutter([10.0], 0.0, True, 60.0)
    assert divided.offsets[0] != divided.zone_at  # a track never runs on a divider


def test_attachment_points_lie_on_the_outline() -> None:
    box = Box(0, 0, 100, 60)
    assert attachment(box, "rect", "left", 10) == (0, 40)
    assert attachment(box, "rect", "bottom", -20) == (30, 60)
    x, y = attachment(box, "diamond", "right", 15)
    assert (x, y) == (75.0, 45)  # on the diamond's edge: |dx|/50 + |dy|/30 = 1
    cx, cy = attachment(Box(0, 0, 60, 60), "circle", "top", 0)
    assert (cx, cy) == (30, 0)


# ---------------------------------------------------------------------------
# The generic router on random grids


def drawing(layout: GridLayout, edges: list[GridEdge]) -> Drawing:
    nodes = [DrawnNode(i, "rect", (b.x, b.y, b.right, b.bottom)) for i, b in enumerate(layout.boxes)]
    drawn = []
    for i, (edge, points) in enumerate(zip(edges, layout.paths)):
        if not points:
            continue
        label = layout.labels[i]
        drawn.append(
            DrawnEdge(
                i,
                list(points),
                edge.target is not None,
                (label.x, label.y, label.right, label.bottom) if label is not None else None,
                (edge.source, edge.source_side) if edge.source is not None else None,
                (edge.target, edge.target_side) if edge.target is not None else None,
            )
        )
    return Drawing(layout.right, layout.bottom, nodes, drawn, [])


SIDES = st.sampled_from(["left", "right", "top", "bottom"])


@st.composite
def grids(draw):
    rows, columns = draw(st.integers(1, 5)), draw(st.integers(1, 6))
    cells = draw(
        st.lists(
            st.tuples(st.integers(0, rows - 1), st.integers(0, columns - 1)),
            min_size=1,
            max_size=rows * columns,
            unique=True,
        )
    )
    nodes = [GridNode(r, c, draw(st.integers(50, 200)), draw(st.integers(30, 110))) for r, c in cells]
    ends = (
        st.one_of(st.none(), st.integers(0, len(nodes) - 1)) if draw(st.booleans()) else st.integers(0, len(nodes) - 1)
    )
    edges = []
    for _ in range(draw(st.integers(0, 3 * len(nodes)))):
        label = (draw(st.integers(20, 140)), draw(st.sampled_from([20, 34]))) if draw(st.booleans()) else None
        edges.append(GridEdge(draw(ends), draw(SIDES), draw(ends), draw(SIDES), label))
    return (
        GridSpec(
            rows,
            columns,
            row_dividers=frozenset(draw(st.sets(st.integers(1, rows - 1), max_size=2))) if rows > 1 else frozenset(),
        ),
        nodes,
        edges,
    )


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grids())
def test_the_router_never_overlaps_edges_crosses_boxes_or_hides_labels(case) -> None:
    spec, nodes, edges = case
    layout = route_grid(spec, nodes, edges)
    for box, node in zip(layout.boxes, nodes):
        assert box.w >= node.width and box.h >= node.height
    for edge, points in zip(edges, layout.paths):
        if edge.source is None and edge.target is None:
            assert points == ()
            continue
        for a, b in pairwise(points):
            assert a[0] == b[0] or a[1] == b[1], f"not orthogonal: {points}"
    quality = measure_drawing(drawing(layout, edges))
    assert quality.defects == 0, quality.details


SKIP_TO_THE_END = """A { # Warehouse
n1: circle label:"Order in"
n2: rectangle label:"Pick the items"
n3: diamond label:"Gift wrap?"
n4: rectangle label:"Wrap"
n5: circle label:"Shipped"
n1.handle(right) -> n2.handle(left)
n2.handle(right) -> n3.handle(left)
n3.handle(right) -> n4.handle(left) [label="Yes"]
n3.handle(top) -> n5.handle(bottom) [label="No"]
n4.handle(right) -> n5.handle(left)
}
"""


def test_of_two_ways_round_that_cross_nothing_the_shorter_is_taken() -> None:
    """A decision's top branch into the bottom of the lane's last node: round the end of the
    row (past Shipped and up into its bottom), not round its start (behind Order in and
    under the whole flow), which crosses nothing either but is nearly twice as long; the
    first of the two in the order the gutters are listed was taken."""
    layout = layout_workflow(analyse(SKIP_TO_THE_END).model)
    boxes = {n.node.id: n.box for n in layout.nodes}
    (branch,) = [e for e in layout.edges if e.edge.label == "No"]
    xs = [x for x, _ in branch.points]
    assert min(xs) == boxes["n3"].cx and max(xs) > boxes["n5"].right
    assert [p[1] for p in branch.points] == [56.0, 34.0, 34.0, 142.0, 142.0, 124.0]


SKIP_BEFORE_THE_END = """A { # Review
n1: circle label:"Draft in"
n6: rectangle label:"Check spelling"
n2: diamond label:"Minor edit?"
n3: rectangle label:"Full review"
n4: rectangle label:"Publish"
n5: circle label:"Live"
n1.handle(right) -> n6.handle(left)
n6.handle(right) -> n2.handle(left)
n2.handle(right) -> n3.handle(left) [label="No"]
n3.handle(right) -> n4.handle(left)
n2.handle(bottom) -> n4.handle(top) [label="Yes"]
n4.handle(right) -> n5.handle(left)
}
"""


@pytest.mark.parametrize("spelling", [True, False])
def test_a_branch_skipping_a_step_goes_round_the_end_that_closes_its_row(spelling: bool) -> None:
    """A decision's bottom branch into the top of the step after the one it skips must cross
    the row's flow, or go round one of its ends; when only the End follows that step, the
    way round it is the shortest and crosses nothing (a wall that goes on is crossed: see
    test_generated_documents_cross_only_where_their_skip_branches_force_it). Without the
    spelling check the way round the start is as short: a forward edge does not run back
    behind its source when it need not."""
    text = SKIP_BEFORE_THE_END
    if not spelling:
        text = text.replace('n6: rectangle label:"Check spelling"\n', "").replace(
            "n1.handle(right) -> n6.handle(left)\nn6.handle(right)", "n1.handle(right)"
        )
    model = analyse(text).model
    assert len(model.nodes) == (6 if spelling else 5)
    layout = layout_workflow(model)
    boxes = {n.node.id: n.box for n in layout.nodes}
    (branch,) = [e for e in layout.edges if e.edge.label == "Yes"]
    assert max(x for x, _ in branch.points) > boxes["n5"].right
    assert measure(render_svg(model), model).crossings == 0
