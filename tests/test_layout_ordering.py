"""Crossing counts (fz_lsp/render/layout/ordering.py): between adjacent columns, long links
interpolated, links sharing an end never crossing there."""

from __future__ import annotations

from fz_lsp.render.layout.ordering import _bilayer_crossings, crossing_count
from fz_lsp.render.layout.ranks import Link


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
