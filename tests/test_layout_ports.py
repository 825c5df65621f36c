"""Phase 3 of the grid router (fz_lsp/render/layout/ports.py): attachment points spread
along sides, ordered by where each edge goes, facing sides spread together."""

from __future__ import annotations

import re
from itertools import pairwise

import pytest

from fz_lsp.analysis.document import analyse
from fz_lsp.render import render_svg
from fz_lsp.render.layout.grid import GridEdge, GridNode, GridSpec
from fz_lsp.render.layout.ports import (
    PORT_GAP,
    PORT_MIN_GAP,
    _spread,
    _within_reach,
    assign_ports,
    grown_size,
    usable_half,
)
from fz_lsp.render.layout.routing import plan_routes


def ports(spec: GridSpec, nodes, edges):
    routes = plan_routes(spec, nodes, edges)
    return assign_ports(nodes, edges, [r.straight for r in routes])


def test_one_end_attaches_at_the_middle_of_its_side() -> None:
    offsets, sizes = ports(
        GridSpec(1, 2), [GridNode(0, 0, 120, 48), GridNode(0, 1, 120, 48)], [GridEdge(0, "right", 1, "left")]
    )
    assert offsets == [0.0, 0.0] and sizes == [(120, 48), (120, 48)]


def test_ends_on_one_side_are_spread_in_the_order_their_edges_leave() -> None:
    # from the right side of node 0: to a node level with it, one above, one below
    nodes = [GridNode(1, 0, 120, 48), GridNode(0, 1, 120, 48), GridNode(1, 1, 120, 48), GridNode(2, 1, 120, 48)]
    edges = [GridEdge(0, "right", 2, "left"), GridEdge(0, "right", 3, "left"), GridEdge(0, "right", 1, "left")]
    offsets, _ = ports(GridSpec(3, 2), nodes, edges)
    assert [offsets[0], offsets[2], offsets[4]] == [0.0, PORT_GAP, -PORT_GAP]  # level, below, above


def test_a_straight_edge_shares_one_coordinate_and_facing_ends_never_do() -> None:
    # node 0's right side faces node 1's left side: one straight edge, one edge each way round
    nodes = [GridNode(1, 0, 120, 48), GridNode(1, 1, 120, 48), GridNode(0, 1, 120, 48), GridNode(2, 0, 120, 48)]
    edges = [
        GridEdge(0, "right", 1, "left"),  # straight
        GridEdge(0, "right", 2, "left"),  # node 0 up to the right
        GridEdge(3, "right", 1, "left"),  # from below into node 1
    ]
    offsets, _ = ports(GridSpec(3, 2), nodes, edges)
    assert offsets[0] == offsets[1]
    facing = [offsets[0], offsets[2], offsets[5]]  # every attachment line between node 0 and node 1
    assert len(set(facing)) == 3 and sorted(facing) == [offsets[2], offsets[0], offsets[5]]


def test_a_crowded_side_grows_the_node() -> None:
    nodes = [GridNode(0, 0, 120, 48)] + [GridNode(r, 1, 120, 48) for r in range(6)]
    edges = [GridEdge(0, "right", i, "left") for i in range(1, 7)]
    offsets, sizes = ports(GridSpec(6, 2), nodes, edges)
    spread = sorted(offsets[::2])
    assert [b - a for a, b in pairwise(spread)] == [PORT_MIN_GAP] * 5
    assert sizes[0] == (120, 76) and usable_half("rect", "right", *sizes[0]) >= spread[-1]


def test_labels_of_parallel_straight_edges_get_room() -> None:
    # a request down and its reply up between the same two nodes, both labelled
    nodes = [GridNode(0, 0, 160, 48), GridNode(1, 0, 160, 48)]
    edges = [GridEdge(0, "bottom", 1, "top", (90, 20)), GridEdge(1, "top", 0, "bottom", (40, 20))]
    offsets, _ = ports(GridSpec(2, 1), nodes, edges)
    assert offsets[0] == offsets[1] and offsets[2] == offsets[3]
    assert abs(offsets[0] - offsets[2]) >= 90 / 2 + 40 / 2


@pytest.mark.parametrize(
    "shape, side, size, half, grown",
    [
        ("rect", "left", (120, 48), 24, (120, 64)),
        ("rect", "top", (120, 48), 70, (156, 48)),
        ("diamond", "right", (100, 64), 20, (100, 80)),
        ("circle", "bottom", (60, 60), 22, (80, 80)),
        ("rect", "left", (120, 48), 10, (120, 48)),
    ],
)
def test_grown_size(shape: str, side: str, size: tuple[float, float], half: float, grown: tuple[float, float]) -> None:
    assert grown_size(shape, side, *size, half) == grown
    assert usable_half(shape, side, *grown) >= half


def test_a_free_slot_past_its_nodes_reach_moves_in_rather_than_grow_the_node() -> None:
    # a circle's one end (reach 25.3) spread before a diamond's knee at -76 and its corner at 0
    slots = [(None, -1.0, [93]), (-76.0, 0.0, [94]), (0.0, 1.0, [95])]
    spread = _spread(slots)
    assert spread == [-92.0, -76.0, 0.0]
    assert _within_reach(slots, spread, [25.3, None, None]) == [-16.0, -76.0, 0.0]  # its own side first
    # no place within reach PORT_GAP clear of the others: it stays, and the node grows as before
    assert _within_reach(slots, spread, [5.0, None, None]) == spread


KNEE = """A { # A
a: rectangle label:"Before"
b: rectangle label:"Above"
d: diamond label:"Check"
c: circle label:"End"
b.handle(bottom) -> d.handle(top)
a.handle(right) -> d.handle(left)
d.handle(right) -> c.handle(left) [label="Check"]
d.handle(top) -> d.handle(right)
c.handle(bottom) -> B.e.handle(top)
}
B { # B
e: rectangle label:"After"
f: rectangle label:"Below"
f.handle(top) -> A.d.handle(bottom)
}
"""


def test_a_circle_facing_a_diamonds_knee_keeps_its_size() -> None:
    """The End circle's left side faces the decision's right corner, which holds the knee of
    the decision's own loop: its one end was spread past the knee and the circle grew from
    r=30 to r=87.5 to reach it (found in a seeded random document)."""
    svg = render_svg(analyse(KNEE).model)
    radius = re.search(r'data-node="c"[^>]*><circle class="fz-node-shape" cx="[0-9.]+" cy="[0-9.]+" r="([0-9.]+)"', svg)
    assert radius is not None and radius.group(1) == "30"
