"""Loop frames (fz_lsp/render/layout/loops.py): a frame holds exactly the nodes its loop
lists, as one outline: one rectangle when they lie together, pieces joined through empty
cells (or, when every way is blocked, a thin corridor along the gutters) otherwise."""

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
    assert f.rings == (((-10, -10), (310, -10), (310, 60), (-10, 60)),)
    assert f.tab == Box(-10, -28, 60, 18)  # on the frame's top edge, its left end


def test_members_apart_are_joined_through_empty_cells_into_one_outline() -> None:
    # two rows: members at (0, 0) and (1, 2), the cell (0, 1) holds another node
    boxes = [Box(0, 0, 100, 50), Box(200, 0, 100, 50), Box(400, 100, 100, 50)]
    cells = [(0, 0), (0, 1), (1, 2)]
    rows = [(-40, 0), (50, 100), (150, 190)]
    f = frame([0, 2], boxes, cells, COLUMN_GUTTERS, rows, 10, (60, 18))
    assert len(f.rings) == 1 and f.links == ()
    # a band 36 px wide through the middle of the empty cells (1, 0) and (1, 1), then into the piece
    assert f.rings[0] == (
        (-10, -10), (110, -10), (110, 60), (70.0, 60), (70.0, 105.0), (390, 105.0), (390, 90),
        (510, 90), (510, 160), (390, 160), (390, 145.0), (30.0, 145.0), (30.0, 60), (-10, 60),
    )  # fmt: skip
    assert not inside((boxes[1].cx, boxes[1].cy), f.rings[0])  # the node between stays out
    assert all(inside((boxes[v].cx, boxes[v].cy), f.rings[0]) for v in (0, 2))


def inside(point, ring) -> bool:
    """Ray casting: the point lies inside the polygon."""
    x, y = point
    crossings = 0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            crossings += 1
    return crossings % 2 == 1


def test_members_no_empty_cell_joins_get_a_corridor_along_the_gutters() -> None:
    f = frame([0, 2], BOXES, CELLS, COLUMN_GUTTERS, ROW_GUTTERS, 10, (60, 18))
    assert len(f.rings) == 1 and f.links == ()
    ring = f.rings[0]
    assert min(p[1] for p in ring) == -10 and max(p[1] for p in ring) == 71.5  # down to the row gutter below
    for box in (BOXES[0], BOXES[2]):
        assert all(abs(p[0] - box.cx) > 1 or abs(p[1] - box.cy) > 1 for p in ring)
    assert not any(BOXES[1].x < p[0] < BOXES[1].right and BOXES[1].y < p[1] < BOXES[1].bottom for p in ring)


def test_a_long_tab_stays_in_the_gutter_above_the_row() -> None:
    tall = [Box(0, 10, 100, 30), Box(200, 0, 100, 50)]  # the member is shorter than its row
    f = frame([0], tall, CELLS[:2], COLUMN_GUTTERS[:3], ROW_GUTTERS, 10, (260, 18))
    assert f.tab.bottom <= 0 and not f.tab.overlaps(tall[1])


def test_the_tab_goes_where_no_edge_runs() -> None:
    f = frame([0, 1], BOXES, CELLS, COLUMN_GUTTERS, ROW_GUTTERS, 10, (60, 18), lambda box: 1 if box.x < 150 else 0)
    assert f.tab == Box(150, -28, 60, 18)  # the leftmost free place
    # edges into the whole top of a narrow frame: the tab reaches out past its corner
    narrow = frame([0], BOXES, CELLS, COLUMN_GUTTERS, ROW_GUTTERS, 10, (100, 18), lambda box: box.x < 60)
    assert narrow.tab.x >= 60 and narrow.tab.x < 110 - 24


def test_outline_of_a_union_of_rectangles() -> None:
    assert outline([Box(0, 0, 10, 10), Box(5, 5, 10, 10)]) == [
        ((0, 0), (10, 0), (10, 5), (15, 5), (15, 15), (5, 15), (5, 10), (0, 10))
    ]
    assert outline([Box(0, 0, 30, 30), Box(10, 10, 10, 10)]) == [((0, 0), (30, 0), (30, 30), (0, 30))]
    ring_with_hole = outline([Box(0, 0, 10, 30), Box(20, 0, 10, 30), Box(0, 0, 30, 10), Box(0, 20, 30, 10)])
    assert ring_with_hole == [((0, 0), (30, 0), (30, 30), (0, 30)), ((10, 10), (10, 20), (20, 20), (20, 10))]
