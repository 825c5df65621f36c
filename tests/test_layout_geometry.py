"""The geometry the layout phases share: BoxIndex, the grid of buckets every overlap
question goes through (loop frames ask it which nodes lie near, labels which segments)."""

from __future__ import annotations

import random

from fz_lsp.render.layout.geometry import Box, BoxIndex


def test_items_meeting_a_box_are_counted_once_and_found_by_owner():
    index = BoxIndex()
    wide = Box(0, 0, 600, 20)  # spans several buckets: still one item
    index.add_box(wide, "wide")
    index.add_box(Box(300, 300, 10, 10), "small")
    index.add_segment((50, 100), (50, 400), "vertical")
    index.add_segment((0, 250), (500, 250), "horizontal")
    everything = Box(-10, -10, 700, 700)
    assert index.count(everything) == 4
    assert index.owners(everything) == {"wide", "small", "vertical", "horizontal"}
    assert index.owners(Box(310, 0, 5, 5)) == {"wide"}
    assert index.owners(Box(0, 20, 40, 40)) == set()  # touching an edge is not meeting
    assert index.owners(Box(40, 240, 20, 20)) == {"vertical", "horizontal"}
    assert index.hit(Box(40, 240, 20, 20), ignore="vertical")  # the horizontal one is still there


def test_owners_agree_with_testing_every_box():
    rng = random.Random(7)
    boxes = [
        Box(rng.uniform(0, 2000), rng.uniform(0, 2000), rng.uniform(1, 300), rng.uniform(1, 300)) for _ in range(300)
    ]
    index = BoxIndex()
    for k, box in enumerate(boxes):
        index.add_box(box, k)
    for _ in range(200):
        probe = Box(rng.uniform(-100, 2000), rng.uniform(-100, 2000), rng.uniform(0, 600), rng.uniform(0, 600))
        expected = {k for k, box in enumerate(boxes) if box.overlaps(probe)}
        assert index.owners(probe) == expected
        assert index.count(probe) == len(expected)
