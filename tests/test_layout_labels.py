"""Phase 6 of the grid router (fz_lsp/render/layout/labels.py): each label on its own edge,
clear of nodes, other edges, other labels and its own arrowhead."""

from __future__ import annotations

from fz_lsp.render.layout.geometry import Box
from fz_lsp.render.layout.labels import ARROW, ARROW_GAP, LabelPlacer, arrow_box, candidates


def test_the_first_place_is_the_middle_of_the_longest_segment() -> None:
    path = [(0, 0), (100, 0), (100, 200), (300, 200)]
    first, second = list(candidates(path, 40, 20))[:2]
    assert first == (Box(80, 90, 40, 20), 0.0)  # centred on the 200 px vertical
    assert second == (Box(80, 84, 40, 20), 0.0)  # then sliding along it


def test_a_preferred_segment_and_a_hint_come_first() -> None:
    path = [(0, 0), (100, 0), (100, 200)]
    assert next(iter(candidates(path, 40, 20, preferred=[0]))) == (Box(30, -10, 40, 20), 0.0)
    assert next(iter(candidates(path, 40, 20, hint=(7, 9)))) == (Box(-13, -1, 40, 20), 0.0)


def test_a_label_never_reaches_past_a_bend() -> None:
    for box, clearance in candidates([(0, 0), (60, 0), (60, 10)], 40, 20):
        if clearance == 0.0:  # centred on a segment, not beside it
            assert box.x >= 2 and box.right <= 58


def test_arrowhead_boxes() -> None:
    assert arrow_box([(0, 0), (100, 0)]) == Box(100 - ARROW - ARROW_GAP, -6, ARROW + ARROW_GAP, 12)
    assert arrow_box([(0, 100), (0, 0)]) == Box(-6, 0, 12, ARROW + ARROW_GAP)


def test_labels_keep_clear_of_other_edges_nodes_labels_and_their_arrowhead() -> None:
    # edge 0 runs right along y = 50 into a node; edge 1 crosses it at x = 100
    paths = [[(0, 50), (200, 50)], [(100, 0), (100, 100)]]
    node = Box(200, 30, 60, 40)
    placer = LabelPlacer(paths, [node], [], [True, True])
    first = placer.place(0, 40, 20)
    assert first == Box(56, 40, 40, 20)  # slid left of the crossing edge, away from its arrowhead
    second = placer.place(0, 40, 20)
    assert second is not None and not second.overlaps(first)
    assert not second.overlaps(arrow_box(paths[0])) and not second.overlaps(node.inflated(3))
    assert not any(second.x < 100 < second.right and second.y < y < second.bottom for y in (0, 100))


def test_a_label_with_no_room_is_reported_and_the_last_resort_finds_a_free_spot() -> None:
    paths = [[(0, 0), (30, 0)]]
    walls = [Box(-100, -60, 230, 50), Box(-100, 10, 230, 50), Box(-100, -60, 80, 120), Box(50, -60, 80, 120)]
    placer = LabelPlacer(paths, [], walls, [True])
    assert placer.place(0, 60, 20) is None
    spot = placer.place_anywhere(0, 60, 20)
    assert spot is not None and not any(spot.overlaps(w) for w in walls)


def test_an_edge_numbered_past_the_small_integers_keeps_its_label_on_its_line() -> None:
    # edges are told apart by number: edge 300 must not take its own line for an obstacle
    paths = [[(0, float(k * 40)), (200, float(k * 40))] for k in range(301)]
    placer = LabelPlacer(paths, [], [], [False] * 301)
    assert placer.place(300, 40, 20) == Box(80, 12000 - 10, 40, 20)
