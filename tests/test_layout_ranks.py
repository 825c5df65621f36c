"""Phases 1 to 3 of the workflow layout (fz_lsp/render/layout/ranks.py): feedback edges by a
depth-first search from the starts, continuations and branches, columns from handles.

Nodes are plain indices and links plain tuples, so each expectation is written out."""

from __future__ import annotations

import pytest

from fz_lsp.render.layout.ranks import (
    Arc,
    Link,
    assign_columns,
    branch_returns,
    column_arcs,
    column_step,
    continuations,
    cycle_closing,
    dense_ranks,
    feedback_links,
    start_events,
    starts,
    strong_components,
)


def chain(n: int) -> list[Link]:
    return [Link(i, i, i + 1, "right", "left") for i in range(n - 1)]


@pytest.mark.parametrize(
    "same_band, s_side, t_side, branch, step",
    [
        (True, "right", "left", False, 1),  # the main flow moves right
        (True, "bottom", "top", True, 0),  # a branch below keeps the column
        (True, "bottom", "top", False, 1),  # a node's only way on keeps the row: the End sits right
        (True, "top", "bottom", True, 0),
        (True, "left", "right", False, -1),  # a flow written leftwards
        (True, "bottom", "right", False, -1),  # entering from the right: the target sits left
        (True, "left", "top", True, -1),  # a third branch out of a decision's left corner, down and left
        (True, "top", "top", False, 1),
        (False, "bottom", "top", False, 1),  # a hop to another lane moves a column on: a staircase
        (False, "top", "bottom", False, 1),  # so does a reply up
        (False, "right", "left", False, 1),
        (False, "right", "right", False, -1),  # into a right side: the target sits left
        (False, "left", "top", False, -1),
    ],
)
def test_column_step(same_band: bool, s_side: str, t_side: str, branch: bool, step: int) -> None:
    assert column_step(same_band, s_side, t_side, branch) == step


def test_a_chain_takes_one_column_per_node() -> None:
    columns, backward = assign_columns(4, [0, 0, 0, 0], chain(4))
    assert columns == [0, 1, 2, 3] and backward == set()


def test_a_hand_over_moves_a_column_on_and_a_lane_starts_where_its_flow_does() -> None:
    # lane 0: 0 -> 1 -> 2 ; 2 hands over down to 4 (lane 1); lane 1: 3 -> 4 -> 5
    links = [
        Link(0, 0, 1, "right", "left"),
        Link(1, 1, 2, "right", "left"),
        Link(2, 2, 4, "bottom", "top"),
        Link(3, 3, 4, "right", "left"),
        Link(4, 4, 5, "right", "left"),
    ]
    columns, _ = assign_columns(6, [0, 0, 0, 1, 1, 1], links)
    assert columns == [0, 1, 2, 2, 3, 4]  # node 3, a source, is pulled right next to node 4


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


def test_feedback_edges_come_from_a_search_from_the_starts() -> None:
    # 3 -> 0 -> 1 -> 2 -> 0: node 3 is the start (nothing leads to it), so the edge back into
    # 0 is 2 -> 0 whatever the declaration order of the nodes
    links = [Link(0, 0, 1, "right", "left"), Link(1, 1, 2, "right", "left"), Link(2, 2, 0, "right", "left")]
    links.append(Link(3, 3, 0, "right", "left"))
    assert starts(4, links) == [3] and feedback_links(4, links) == {2}
    # a circle nothing leads to starts before a rectangle nothing leads to
    assert starts(3, [Link(0, 2, 1, "right", "left")], circles=[False, False, True]) == [2, 0]


def test_a_start_circle_a_retry_leads_back_to_is_still_a_start() -> None:
    # lane 0: circle 0 -> 1 -> 2, and 2 back into 0 (a retry); lane 1: circle 3 -> 4, handing
    # over into 1. Nothing declared before 0 leads to it, so it is a start event: the edge
    # back is 2 -> 0, and 0 -> 1 stays the flow (searching from 3 alone made 0 -> 1 the edge
    # back, and drew the start after the step it leads to)
    links = [
        Link(0, 0, 1, "right", "left"),
        Link(1, 1, 2, "right", "left"),
        Link(2, 2, 0, "bottom", "bottom"),
        Link(3, 3, 4, "right", "left"),
        Link(4, 4, 1, "top", "bottom"),
    ]
    circles = [True, False, False, True, False]
    assert starts(5, links, circles) == [0, 3] and feedback_links(5, links, circles) == {2}
    # a circle only a node declared before it leads to is no start event (an End)
    assert starts(2, [Link(0, 0, 1, "right", "left")], circles=[False, True]) == [0]


def test_a_retry_to_a_lanes_start_is_the_edge_back_though_another_lane_enters_its_flow_first() -> None:
    # lane 0: circle 0 hands over into node 2 of lane 1; lane 1: circle 1 -> 2 -> 3, and 3
    # back into 1 (a retry). Searching from 0 meets 1 through the retry first; the retry,
    # not 1 -> 2, is the edge back, so lane 1 reads from its start
    links = [
        Link(0, 0, 2, "bottom", "top"),
        Link(1, 1, 2, "right", "left"),
        Link(2, 2, 3, "right", "left"),
        Link(3, 3, 1, "bottom", "bottom"),
    ]
    circles, lanes = [True, True, False, False], [0, 1, 1, 1]
    assert feedback_links(4, links, circles, lanes) == {3}
    assert feedback_links(4, links, circles) == {3}  # without lanes, every edge into a start waits
    # a circle further down its lane is no start event, whatever leads to it
    assert start_events(4, links, [True, False, True, False], lanes) == [0]


def test_a_hand_over_into_a_start_from_another_lane_is_followed_as_any_edge() -> None:
    # lane 0: circle 0 hands over to 3 (lane 2), which hands over into circle 1, the start
    # of lane 1, whose flow 1 -> 2 leads back to 3: the search runs 0, 3, 1, 2 and the
    # edge back is 2 -> 3 (the start is entered by its hand-over, as written)
    links = [
        Link(0, 0, 3, "bottom", "top"),
        Link(1, 3, 1, "top", "bottom"),
        Link(2, 1, 2, "right", "left"),
        Link(3, 2, 3, "bottom", "top"),
    ]
    circles, lanes = [True, True, False, False], [0, 1, 1, 2]
    assert start_events(4, links, circles, lanes) == [0, 1]
    assert feedback_links(4, links, circles, lanes) == {3}


def test_feedback_search_takes_targets_in_declaration_order() -> None:
    # 0 -> 2 and 0 -> 1 (written first), 1 -> 2 -> 1: visiting 1 first makes 2 -> 1 the edge
    # back (a waiting list before the copy it waits for, as in library-hold.fz)
    links = [
        Link(0, 0, 2, "right", "left"),
        Link(1, 0, 1, "bottom", "top"),
        Link(2, 1, 2, "right", "left"),
        Link(3, 2, 1, "top", "bottom"),
    ]
    assert feedback_links(3, links) == {3}


def test_continuations_and_branches() -> None:
    # node 0: on right into node 1 (its lane), down into node 2 (its lane), into node 3 (lane 1)
    links = [Link(0, 0, 2, "bottom", "top"), Link(1, 0, 3, "bottom", "top"), Link(2, 0, 1, "right", "left")]
    best, branches = continuations(4, [0, 0, 0, 1], links, set())
    assert best == [2, -1, -1, -1] and branches == {0, 1}
    # a node's only way on is no branch, unless it leaves a decision from its bottom
    only = [Link(0, 0, 1, "bottom", "top")]
    assert continuations(2, [0, 0], only, set()) == ([0, -1], set())
    assert continuations(2, [0, 0], only, set(), decisions=[True, False]) == ([-1, -1], {0})


def test_an_edge_back_into_a_branch_is_a_feedback_edge() -> None:
    # decision 0: on to 1 (right), branch down to 2; 1 -> 3 (a decision in lane 1) -> 2: node 3
    # comes back into the branch 0 -> 2 from further on
    links = [
        Link(0, 0, 1, "right", "left"),
        Link(1, 0, 2, "bottom", "top"),
        Link(2, 1, 3, "bottom", "top"),
        Link(3, 3, 2, "top", "bottom"),
    ]
    links.append(Link(4, 2, 0, "left", "bottom"))  # and the branch leads back to the decision: a cycle
    bands = [0, 0, 0, 1]
    decisions = [True, False, False, True]
    feedback = feedback_links(4, links)
    assert feedback == {4}
    _, branches = continuations(4, bands, links, feedback, decisions)
    assert branches == {1, 3} and branch_returns(4, bands, links, feedback, branches, decisions) == {3}
    # an edge from elsewhere (not reached from the decision) stays an ordinary edge, and so does
    # one that closes no cycle through the branch, or comes into another node's second way on
    apart = [*links[:3], Link(3, 4, 2, "top", "bottom"), links[4]]
    assert branch_returns(5, [*bands, 1], apart, feedback, branches | {3}, [*decisions, True]) == set()
    assert branch_returns(4, bands, links[:4], set(), branches, decisions) == set()
    assert branch_returns(4, bands, links, feedback, branches) == set()
    # a node's only way on into the outcome (a join, the flow going on) is never a return
    _, only = continuations(4, bands, links, feedback, [True, False, False, False])
    assert 3 not in only and branch_returns(4, bands, links, feedback, only, decisions) == set()


def test_strong_components() -> None:
    links = [Link(0, 0, 1, "right", "left"), Link(1, 1, 0, "right", "left"), Link(2, 1, 2, "right", "left")]
    component = strong_components(3, links)
    assert component[0] == component[1] != component[2]


def test_cycle_closing_follows_a_depth_first_search_in_order() -> None:
    arcs = [Arc(0, 1, 1, 0), Arc(1, 2, 1, 1), Arc(2, 0, 1, 2), Arc(1, 0, 1, 3)]
    assert cycle_closing(3, arcs) == {2, 3}


def test_self_links_make_no_constraint() -> None:
    assert column_arcs([0], [Link(0, 0, 0, "right", "left")]) == []


def test_dense_ranks() -> None:
    assert dense_ranks([4, 0, 9, 4]) == [1, 0, 2, 1]


def test_a_step_reached_from_another_lane_first_keeps_its_way_in_and_its_retry_is_the_way_back() -> None:
    # lane 0: circle 0 hands over into 3; lane 1: circle 1 -> 2 -> 3, and 3 back into 2 from
    # bottom to bottom (a U-turn). The search meets 3 first, then 2 through the U-turn, and
    # 2 -> 3 (the flow straight on) closes the cycle; the U-turn is made the way back
    links = [
        Link(0, 0, 3, "bottom", "top"),
        Link(1, 1, 2, "right", "left"),
        Link(2, 2, 3, "right", "left"),
        Link(3, 3, 2, "bottom", "bottom"),
    ]
    circles, lanes = [True, True, False, False], [0, 1, 1, 1]
    assert feedback_links(4, links, circles, lanes) == {3}
    assert assign_columns(4, lanes, links, {3}) == ([1, 0, 1, 2], {3})  # 1 -> 2 -> 3 left to right
    # without a U-turn on the way round (3 back into 2 from its right into a left side,
    # a flow written that way), the search's edge back stays
    links[3] = Link(3, 3, 2, "right", "left")
    assert feedback_links(4, links, circles, lanes) == {2}
