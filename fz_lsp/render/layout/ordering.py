"""Crossing counts of a layered drawing (dagre's `lib/order/cross-count.js`).

`crossing_count(columns, positions, links)` counts the crossings of links drawn as straight
lines between column centres, between each pair of adjacent columns, with dagre's
accumulator tree (Barth et al., "Bilayer Cross Counting"): O(L log L) per pair of columns.
The architecture view orders its components by it; the workflow view's bands
(bands.py) keep a lane's rows in the order its handles and source give.

Input and output are plain lists over node indices.

Pure Python: no pygls import.
"""

from __future__ import annotations

from collections.abc import Sequence

from fz_lsp.render.layout.ranks import Link


def crossing_count(columns: Sequence[int], positions: Sequence[float], links: Sequence[Link]) -> int:
    """Crossings of the links drawn as straight lines between column centres, counted between
    each pair of adjacent columns (a long link passes the columns between at interpolated
    heights, and meets its ends exactly, so links that share an end never cross there;
    links inside one column are not counted)."""
    between: dict[int, list[tuple[float, float]]] = {}
    for link in links:
        a, b = columns[link.source], columns[link.target]
        if a == b:
            continue
        pa, pb = positions[link.source], positions[link.target]
        if a > b:
            a, b, pa, pb = b, a, pb, pa
        for c in range(a, b):
            north = pa if c == a else pa + (pb - pa) * (c - a) / (b - a)
            south = pb if c + 1 == b else pa + (pb - pa) * (c + 1 - a) / (b - a)
            between.setdefault(c, []).append((north, south))
    return sum(_bilayer_crossings(pairs) for pairs in between.values())


def _bilayer_crossings(pairs: list[tuple[float, float]]) -> int:
    """Pairs (north position, south position): how many pairs cross (accumulator tree)."""
    if len(pairs) < 2:
        return 0
    souths = sorted(set(p[1] for p in pairs))
    index = {s: i for i, s in enumerate(souths)}
    first = 1
    while first < len(souths):
        first <<= 1
    tree = [0] * (2 * first)
    crossings = 0
    for _, south in sorted(pairs):
        i = index[south] + first
        tree[i] += 1
        # count the entries already in the tree strictly right of this one
        total = 0
        while i > 1:
            if i % 2 == 0:
                total += tree[i + 1]
            i //= 2
            tree[i] += 1
        crossings += total
    return crossings
