"""Phase 1 of the workflow layout (fz_lsp/render/layout/ranks.py): columns from handles.

Nodes are plain indices and links plain tuples, so each expectation is written out."""

from __future__ import annotations

import pytest

from fz_lsp.render.layout.ranks import Arc, Link, assign_columns, column_arcs, column_step, cycle_closing, dense_ranks


def chain(n: int, band: int = 0) -> list[Link]:
    return [Link(i, i, i + 1, "right", "left") for i in range(n - 1)]


@pytest.mark.parametrize(
    "same_band, s_side, t_side, step",
    [
        (True, "right", "left", 1),  # the main flow moves right
        (True, "bottom", "top", 0),  # a branch below keeps the column
        (True, "left", "right", -1),  # a flow written leftwards
        (True, "bottom", "right", -1),  # entering from the right: the target sits left
        (True, "top", "top", 1),
        (False, "bottom", "top", 0),  # a hand-over down keeps the column
        (False, "top", "bottom", 0),  # a reply up keeps the column too
        (False, "right", "left", 1),
    ],
)
def test_column_step(same_band: bool, s_side: str, t_side: str, step: int) -> None:
    assert column_step(same_band, s_side, t_side) == step


def test_a_chain_takes_one_column_per_node() -> None:
    columns, backward = assign_columns(4, [0, 0, 0, 0], chain(4))
    assert columns == [0, 1, 2, 3] and backward == set()


def test_a_hand_over_keeps_the_column_and_a_lane_starts_where_its_flow_does() -> None:
    # lane 0: 0 -> 1 -> 2 ; 2 hands over down to 4 (lane 1); lane 1: 3 -> 4 -> 5
    links = [
        Link(0, 0, 1, "right", "left"),
        Link(1, 1, 2, "right", "left"),
        Link(2, 2, 4, "bottom", "top"),
        Link(3, 3, 4, "right", "left"),
        Link(4, 4, 5, "right", "left"),
    ]
    columns, _ = assign_columns(6, [0, 0, 0, 1, 1, 1], links)
    assert columns == [0, 1, 2, 1, 2, 3]  # node 3, a source, is pulled right next to node 4


def test_a_leftward_edge_puts_its_target_left() -> None:
    columns, backward = assign_columns(2, [0, 0], [Link(0, 0, 1, "left", "right")])
    assert columns == [1, 0] and backward == set()


def test_constraints_closing_a_cycle_are_dropped_in_declaration_order() -> None:
    links = [*chain(3), Link(2, 2, 0, "right", "left")]  # 0 -> 1 -> 2 -> 0, all moving right
    columns, backward = assign_columns(3, [0, 0, 0], links)
    assert backward == {2} and columns == [0, 1, 2]


def test_a_cycle_the_handles_can_hold_drops_nothing() -> None:
    # 0 -> 1 -> 2 moving right, then 2 back to 0 entering its bottom from the left side: a
    # return edge whose handles agree with the placement is not backward
    links = [*chain(3), Link(2, 2, 0, "left", "bottom")]
    columns, backward = assign_columns(3, [0, 0, 0], links)
    assert backward == set() and columns == [0, 1, 2]


def test_cycle_closing_follows_a_depth_first_search_in_order() -> None:
    arcs = [Arc(0, 1, 1, 0), Arc(1, 2, 1, 1), Arc(2, 0, 1, 2), Arc(1, 0, 1, 3)]
    assert cycle_closing(3, arcs) == {2, 3}


def test_self_links_make_no_constraint() -> None:
    assert column_arcs([0], [Link(0, 0, 0, "right", "left")]) == []


def test_dense_ranks() -> None:
    assert dense_ranks([4, 0, 9, 4]) == [1, 0, 2, 1]
