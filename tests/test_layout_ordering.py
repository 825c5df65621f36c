"""Phase 2 of the workflow layout (fz_lsp/render/layout/ordering.py): rows within lanes,
nodes stacked in a column, crossing counts and barycentre sweeps."""

from __future__ import annotations

from fz_lsp.render.layout.ordering import (
    _bilayer_crossings,
    assign_rows,
    crossing_count,
    order_rows,
    place_unlinked,
    row_arcs,
)
from fz_lsp.render.layout.ranks import Arc, Link


def test_a_branch_entered_from_the_top_goes_a_row_down() -> None:
    links = [Link(0, 0, 1, "bottom", "top"), Link(1, 0, 2, "right", "left")]
    rows, arcs = assign_rows(3, [0, 0, 0], [0, 0, 1], links, set())
    assert rows == [0, 1, 0]
    assert arcs == [Arc(0, 1, 1, 0), Arc(0, 2, 0, 1)]


def test_a_fan_out_stacks_its_targets_in_one_column() -> None:
    links = [Link(0, 0, 1, "right", "left"), Link(1, 0, 2, "right", "left"), Link(2, 0, 3, "right", "left")]
    rows, _ = assign_rows(4, [0] * 4, [0, 1, 1, 1], links, set())
    assert rows == [0, 0, 1, 2]


def test_a_flow_continues_on_its_row() -> None:
    # 0 -> 1 (branch down) -> 2 -> 3 along the lower row
    links = [Link(0, 0, 1, "bottom", "top"), Link(1, 1, 2, "right", "left"), Link(2, 2, 3, "right", "left")]
    rows, _ = assign_rows(4, [0] * 4, [0, 0, 1, 2], links, set())
    assert rows == [0, 1, 1, 1]


def test_rows_are_per_lane_and_gapless() -> None:
    rows, _ = assign_rows(3, [0, 1, 1], [0, 0, 0], [Link(0, 1, 2, "bottom", "top")], set())
    assert rows == [0, 0, 1]


def test_backward_and_cross_lane_links_make_no_row_constraint() -> None:
    links = [Link(0, 0, 1, "bottom", "top"), Link(1, 1, 2, "bottom", "top")]
    assert row_arcs([0, 0, 1], links, backward={0}) == []


def test_unlinked_nodes_fill_the_first_row_before_opening_columns() -> None:
    bands = [0, 0, 0, 0, 1]
    columns = [0, 2, 0, 0, 0]
    rows = [0, 0, 0, 0, 0]
    unlinked = [False, False, True, True, True]
    assert place_unlinked(bands, columns, rows, unlinked) == ([0, 2, 1, 3, 0], [0, 0, 0, 0, 0])


def test_bilayer_crossings() -> None:
    assert _bilayer_crossings([(0, 0), (1, 1)]) == 0
    assert _bilayer_crossings([(0, 1), (1, 0)]) == 1
    assert _bilayer_crossings([(0, 2), (1, 1), (2, 0)]) == 3
    assert _bilayer_crossings([(0, 0), (0, 1)]) == 0  # a fan-out crosses nothing


def test_crossing_count_interpolates_long_links() -> None:
    # a long link 0 -> 3 from the top to the bottom crosses the link 1 -> 2 going up
    links = [Link(0, 0, 3, "right", "left"), Link(1, 1, 2, "right", "left")]
    columns = [0, 1, 2, 3]
    assert crossing_count(columns, [0, 3, 0, 3], links) == 1
    assert crossing_count(columns, [0, 0, 0, 3], links) == 0


def test_links_into_one_end_never_cross_there_whatever_the_positions() -> None:
    # the architecture view places components at fractions of their column ((i + 0.5) / n):
    # interpolation must land on the shared end exactly (0.1 + (0.7 - 0.1) * 1.0 != 0.7)
    columns = [0, 0, 1]
    positions = [0.25, 0.5, 0.1]
    into = [Link(0, 0, 2, "right", "left"), Link(1, 1, 2, "right", "left")]
    assert 0.5 + (0.1 - 0.5) * 1.0 < 0.25 + (0.1 - 0.25) * 1.0  # a crossing, by rounding
    assert crossing_count(columns, positions, into) == 0
    out_of = [Link(0, 2, 0, "right", "left"), Link(1, 2, 1, "right", "left")]
    assert crossing_count(columns, positions, out_of) == 0


def test_barycentre_sweep_removes_a_crossing() -> None:
    links = [Link(0, 0, 3, "right", "left"), Link(1, 1, 2, "right", "left")]
    rows = order_rows([0, 0, 0, 0], [0, 0, 1, 1], [0, 1, 0, 1], links, [], 1)
    assert rows == [0, 1, 1, 0]


def test_barycentre_sweep_keeps_what_the_handles_say() -> None:
    links = [Link(0, 0, 3, "right", "left"), Link(1, 1, 2, "right", "left")]
    arcs = [Arc(2, 3, 1, 9)]  # node 3 must stay below node 2: the first column is reordered instead
    assert order_rows([0, 0, 0, 0], [0, 0, 1, 1], [0, 1, 0, 1], links, arcs, 1) == [1, 0, 0, 1]
    both = [*arcs, Arc(0, 1, 1, 8)]  # and node 1 below node 0: the crossing stays
    assert order_rows([0, 0, 0, 0], [0, 0, 1, 1], [0, 1, 0, 1], links, both, 1) == [0, 1, 0, 1]
