"""Phases 4 to 7 of the workflow layout (fz_lsp/render/layout/bands.py, pipeline.py): chains
of a lane's nodes, bands (rows) for them, unlinked nodes, and the whole placement."""

from __future__ import annotations

from fz_lsp.render.layout.bands import assign_bands, chains, discovery_order, normalise_rows
from fz_lsp.render.layout.pipeline import PHASES, place, place_unlinked
from fz_lsp.render.layout.ranks import Link


def test_chains_join_straight_edges_first_then_a_nodes_only_way_on() -> None:
    # 0 -> 1 -> 2 along the lane; 0 also down to 3 (a branch); 2 -> 4 bottom -> top, its only way on
    links = [
        Link(0, 0, 1, "right", "left"),
        Link(1, 1, 2, "right", "left"),
        Link(2, 0, 3, "bottom", "top"),
        Link(3, 2, 4, "bottom", "top"),
    ]
    columns = [0, 1, 2, 0, 3]
    continuation = [0, 1, 3, -1, -1]
    assert chains(5, [0] * 5, columns, links, set(), continuation) == [[0, 1, 2, 4], [3]]
    # a node follows one chain only: two straight edges into node 2 join the nearer one
    into = [Link(0, 0, 2, "right", "left"), Link(1, 1, 2, "right", "left")]
    assert chains(3, [0] * 3, [0, 1, 2], into, set(), [0, 1, -1]) == [[0], [1, 2]]
    # never across lanes, never leftwards, never a feedback edge
    assert chains(2, [0, 1], [0, 1], [Link(0, 0, 1, "right", "left")], set(), [0, -1]) == [[0], [1]]
    assert chains(2, [0, 0], [1, 0], [Link(0, 0, 1, "right", "left")], set(), [0, -1]) == [[0], [1]]
    assert chains(2, [0, 0], [0, 1], [Link(0, 0, 1, "right", "left")], {0}, [0, -1]) == [[0], [1]]


def bands_of(node_count, lanes, columns, links, node_chains):
    order = discovery_order(node_count, links, [0])
    return assign_bands(node_count, lanes, columns, links, set(), node_chains, order)


def test_branches_go_the_way_their_handles_point() -> None:
    # a decision 1 on the main row: "No" down (bottom -> top), "Maybe" up (top -> bottom),
    # a second right branch below the first
    links = [
        Link(0, 0, 1, "right", "left"),
        Link(1, 1, 2, "right", "left"),
        Link(2, 1, 3, "bottom", "top"),
        Link(3, 1, 4, "top", "bottom"),
        Link(4, 1, 5, "right", "left"),
    ]
    columns = [0, 1, 2, 1, 1, 2]
    bands = bands_of(6, [0] * 6, columns, links, [[0, 1, 2], [3], [4], [5]])
    assert bands == [0, 0, 0, 1, -1, 1]
    assert normalise_rows([0] * 6, bands) == [1, 1, 1, 2, 0, 2]


def test_a_band_is_reused_where_its_chains_do_not_overlap() -> None:
    # two branches down from nodes 1 and 3 of the main row, in columns 1 and 3: one band below
    links = [*(Link(k, k, k + 1, "right", "left") for k in range(4)), Link(4, 1, 5, "bottom", "top")]
    links.append(Link(5, 3, 6, "bottom", "top"))
    columns = [0, 1, 2, 3, 4, 1, 3]
    bands = bands_of(7, [0] * 7, columns, links, [[0, 1, 2, 3, 4], [5], [6]])
    assert bands == [0, 0, 0, 0, 0, 1, 1]


def test_siblings_fed_from_another_lane_sit_side_by_side_in_source_order() -> None:
    # node 0 (lane 0) fans out to nodes 1, 2, 3 of lane 1, all in column 1
    links = [Link(k, 0, k + 1, "bottom", "top") for k in range(3)]
    bands = bands_of(4, [0, 1, 1, 1], [0, 1, 1, 1], links, [[0], [1], [2], [3]])
    assert bands == [0, 0, 1, 2]
    # a lane fed at different columns keeps one row
    hops = [Link(0, 0, 1, "bottom", "top"), Link(1, 1, 2, "bottom", "top"), Link(2, 2, 3, "bottom", "top")]
    assert bands_of(4, [0, 1, 0, 1], [0, 1, 2, 3], hops, [[0], [1], [2], [3]]) == [0, 0, 0, 0]


def test_unlinked_nodes_fill_the_main_band_before_opening_columns() -> None:
    lanes = [0, 0, 0, 0, 1]
    columns = [0, 2, 0, 0, 0]
    bands = [0, 0, 0, 0, 0]
    linked = [True, True, False, False, False]
    assert place_unlinked(lanes, columns, bands, [[0], [1]], linked) == [0, 2, 1, 3, 0]


def test_the_placement_runs_its_phases_in_order() -> None:
    assert PHASES == ("feedback", "continuations", "ranks", "chains", "bands", "unlinked", "rows")
    # ping-pong: customer (lane 0) and agent (lane 1) hand work back and forth, bottom -> top
    links = [Link(k, k, k + 1, "bottom", "top") for k in range(6)]
    placement = place(7, [0, 1, 0, 1, 0, 1, 0], links, circles=[True] + [False] * 5 + [True])
    assert placement.columns == [0, 1, 2, 3, 4, 5, 6] and placement.rows == [0] * 7
    assert placement.backward == set() and placement.branches == set()
    # a loop back to the start is a feedback edge; the rest keeps its place
    back = place(3, [0, 0, 0], [*(Link(k, k, k + 1, "right", "left") for k in range(2)), Link(2, 2, 0, "top", "top")])
    assert back.columns == [0, 1, 2] and back.backward == {2}
