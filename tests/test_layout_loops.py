"""Loop frames (fz_lsp/render/layout/loops.py): a frame holds exactly the nodes its loop
lists, as one rectangle when they lie together, as pieces joined by links otherwise."""

from __future__ import annotations

from fz_lsp.render.layout.geometry import Box
from fz_lsp.render.layout.loops import frame, outline

# three nodes in a row: columns 0, 1, 2 with 100 px gutters between them
BOXES = [Box(0, 0, 100, 50), Box(200, 0, 100, 50), Box(400, 0, 100, 50)]
CELLS = [(0, 0), (0, 1), (0, 2)]
COLUMN_GUTTERS = [(-40, 0), (100, 200), (300, 400), (500, 540)]
ROW_GUTTERS = [(-40, 0), (50, 90)]


def test_members_side_by_side_get_one_rectangle_with_its_tab() -> None:
    f = frame([1, 0], BOXES, CELLS, COLUMN_GUTTERS, ROW_GUTTERS, 10, (60, 18))
    assert f.is_rectangle and f.links == ()
    assert f.rings == (((-10, -28), (310, -28), (310, 60), (-10, 60)),)
    assert f.tab == Box(-10, -28, 60, 18)


def test_members_apart_get_pieces_joined_by_a_link_through_the_gutters() -> None:
    f = frame([0, 2], BOXES, CELLS, COLUMN_GUTTERS, ROW_GUTTERS, 10, (60, 18))
    assert f.rings == (((-10, -28), (110, -28), (110, 60), (-10, 60)), ((390, -10), (510, -10), (510, 60), (390, 60)))
    # out of the first piece, down the column gutter, along the row gutter below, up into the last
    assert f.links == (((110, 25.0), (150.0, 25.0), (150.0, 70.0), (450.0, 70.0), (450.0, 60)),)
    middle = BOXES[1]
    for ring in f.rings:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        assert not Box(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)).overlaps(middle)


def test_a_long_tab_stays_in_the_gutter_above_the_row() -> None:
    tall = [Box(0, 10, 100, 30), Box(200, 0, 100, 50)]  # the member is shorter than its row
    f = frame([0], tall, CELLS[:2], COLUMN_GUTTERS[:3], ROW_GUTTERS, 10, (260, 18))
    assert f.tab.bottom <= 0 and not f.tab.overlaps(tall[1])


def test_the_tab_goes_where_fewest_edges_cross() -> None:
    f = frame([0, 1], BOXES, CELLS, COLUMN_GUTTERS, ROW_GUTTERS, 10, (60, 18), lambda box: 1 if box.x < 150 else 0)
    assert f.tab.x >= 150 and f.tab.y == -28


def test_outline_of_a_union_of_rectangles() -> None:
    assert outline([Box(0, 0, 10, 10), Box(5, 5, 10, 10)]) == [
        ((0, 0), (10, 0), (10, 5), (15, 5), (15, 15), (5, 15), (5, 10), (0, 10))
    ]
    assert outline([Box(0, 0, 30, 30), Box(10, 10, 10, 10)]) == [((0, 0), (30, 0), (30, 30), (0, 30))]
    ring_with_hole = outline([Box(0, 0, 10, 30), Box(20, 0, 10, 30), Box(0, 0, 30, 10), Box(0, 20, 30, 10)])
    assert ring_with_hole == [((0, 0), (30, 0), (30, 30), (0, 30)), ((10, 10), (10, 20), (20, 20), (20, 10))]
