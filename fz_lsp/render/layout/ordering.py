"""Phase 2 of the workflow layout: rows and the order of nodes within a column.

Each lane is a band of rows; a node's cell is (band, row, column). Nodes of one band that
share a column are stacked in rows, one node per cell, so parallel branches (a fan-out's
targets, a decision's two outcomes) reuse a column instead of taking new ones.

- **Rows from handles.** Within a band, an edge's handles give a row constraint
  (`row_step`): a target entered from the top sits at least a row below its source, one
  entered from the bottom at least a row above, a `right -> left` edge keeps its target at
  least on its source's row (so a flow continues straight). Constraints closing a cycle are
  dropped. Nodes are visited in topological order (left columns first) and each claims the
  first free row at or below the one its constraints ask for.
- **Unlinked nodes** (no edge to another node) take the free cells of their lane's first
  row, left to right, before any new column is opened.
- **Ordering.** Then dagre's crossing reduction, restricted to what the handles allow:
  sweeps left to right and right to left reorder the nodes stacked in each (band, column)
  by the barycentre of their neighbours' positions in the columns already swept, keep a
  reorder only if every row constraint still holds, and keep the best ordering seen by
  `crossing_count` (edges between adjacent columns, long edges interpolated, counted with
  dagre's accumulator tree, Barth et al. "Bilayer Cross Counting").

Input and output are plain lists over node indices.

Pure Python: no pygls import.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence

from fz_lsp.render.layout.ranks import Arc, Link, cycle_closing, row_step

SWEEPS = 4
BAND_SPAN = 1000  # a lane's weight in a barycentre: lanes first, rows within them


def row_arcs(bands: Sequence[int], links: Sequence[Link], backward: set[int]) -> list[Arc]:
    """Row constraints of the links inside one band (backward links constrain nothing)."""
    arcs = []
    for i, link in enumerate(links):
        if i in backward or link.source == link.target or bands[link.source] != bands[link.target]:
            continue
        step = row_step(link.source_side, link.target_side)
        if step >= 0:
            arcs.append(Arc(link.source, link.target, step, i))
        else:
            arcs.append(Arc(link.target, link.source, -step, i))
    return arcs


def _claim_row(taken: dict[int, int], row: int) -> int:
    """The first free row >= `row` of a (band, column) stack; marks it taken (skip pointers)."""
    path = []
    while row in taken:
        path.append(row)
        row = taken[row]
    for visited in path:
        taken[visited] = row + 1
    taken[row] = row + 1
    return row


def assign_rows(
    node_count: int,
    bands: Sequence[int],
    columns: Sequence[int],
    links: Sequence[Link],
    backward: set[int],
    skip: Sequence[bool] = (),
) -> tuple[list[int], list[Arc]]:
    """Rows (from 0 within each band, gaps removed) and the row constraints they meet; nodes
    marked in `skip` claim no cell (see `place_unlinked`)."""
    arcs = row_arcs(bands, links, backward)
    closing = cycle_closing(node_count, arcs)
    arcs = [arc for k, arc in enumerate(arcs) if k not in closing]
    incoming: list[list[Arc]] = [[] for _ in range(node_count)]
    outgoing: list[list[int]] = [[] for _ in range(node_count)]
    indegree = [0] * node_count
    for arc in arcs:
        incoming[arc.head].append(arc)
        outgoing[arc.tail].append(arc.head)
        indegree[arc.head] += 1
    neighbours: list[list[int]] = [[] for _ in range(node_count)]
    for link in links:
        if link.source != link.target:
            neighbours[link.source].append(link.target)
            neighbours[link.target].append(link.source)
    placed = [False] * node_count
    rows = [0] * node_count

    def key(v: int) -> tuple[int, float, int]:
        # nodes of one column claim rows in the order of their neighbours' heights: a node
        # linked to the lanes above takes an upper row, one linked to the lanes below a lower
        # one (the barycentre heuristic, applied while the column fills)
        near = [bands[w] * BAND_SPAN + (rows[w] if placed[w] else 0) for w in neighbours[v]]
        return (columns[v], sum(near) / len(near) if near else bands[v] * BAND_SPAN, v)

    ready = [key(v) for v in range(node_count) if indegree[v] == 0 and not (skip and skip[v])]
    heapq.heapify(ready)
    taken: dict[tuple[int, int], dict[int, int]] = {}
    while ready:
        _, _, v = heapq.heappop(ready)
        wish = max((rows[a.tail] + a.length for a in incoming[v]), default=0)
        rows[v] = _claim_row(taken.setdefault((bands[v], columns[v]), {}), wish)
        placed[v] = True
        for w in outgoing[v]:
            indegree[w] -= 1
            if indegree[w] == 0:
                heapq.heappush(ready, key(w))
    return normalise_rows(bands, rows), arcs


def place_unlinked(
    bands: Sequence[int], columns: Sequence[int], rows: Sequence[int], unlinked: Sequence[bool]
) -> tuple[list[int], list[int]]:
    """Nodes no edge joins to another take the first free cells of their lane's first row,
    left to right (in declaration order), a new column only when every one is taken."""
    columns, rows = list(columns), list(rows)
    taken = {(bands[v], columns[v]) for v in range(len(bands)) if not unlinked[v] and rows[v] == 0}
    next_free: dict[int, int] = {}
    for v in range(len(bands)):
        if not unlinked[v]:
            continue
        column = next_free.get(bands[v], 0)
        while (bands[v], column) in taken:
            column += 1
        taken.add((bands[v], column))
        next_free[bands[v]] = column + 1
        columns[v], rows[v] = column, 0
    return columns, rows


def normalise_rows(bands: Sequence[int], rows: Sequence[int]) -> list[int]:
    """Rows renumbered from 0 within each band, unused rows removed (order kept)."""
    used: dict[int, set[int]] = {}
    for band, row in zip(bands, rows):
        used.setdefault(band, set()).add(row)
    rank = {band: {r: i for i, r in enumerate(sorted(rs))} for band, rs in used.items()}
    return [rank[band][row] for band, row in zip(bands, rows)]


def _positions(bands: Sequence[int], rows: Sequence[int], band_count: int) -> list[int]:
    """A node's place in the vertical order of the whole diagram (bands stacked, rows inside)."""
    height = [0] * band_count
    for band, row in zip(bands, rows):
        height[band] = max(height[band], row + 1)
    offset = [0] * band_count
    for b in range(1, band_count):
        offset[b] = offset[b - 1] + max(1, height[b - 1])
    return [offset[band] + row for band, row in zip(bands, rows)]


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


def order_rows(
    bands: Sequence[int],
    columns: Sequence[int],
    rows: Sequence[int],
    links: Sequence[Link],
    arcs: Sequence[Arc],
    band_count: int,
    sweeps: int = SWEEPS,
) -> list[int]:
    """Rows after barycentre sweeps that reduce `crossing_count` and keep every row arc."""
    node_count = len(bands)
    rows = list(rows)
    groups: dict[tuple[int, int], list[int]] = {}
    for v in range(node_count):
        groups.setdefault((columns[v], bands[v]), []).append(v)
    stacked = {key: vs for key, vs in groups.items() if len(vs) > 1}
    if not stacked:
        return rows
    neighbours: list[list[int]] = [[] for _ in range(node_count)]
    for link in links:
        if link.source != link.target:
            neighbours[link.source].append(link.target)
            neighbours[link.target].append(link.source)
    arcs_of: list[list[Arc]] = [[] for _ in range(node_count)]
    for arc in arcs:
        arcs_of[arc.tail].append(arc)
        arcs_of[arc.head].append(arc)
    by_column = sorted(stacked, key=lambda key: key[0])
    best = list(rows)
    best_count = crossing_count(columns, _positions(bands, rows, band_count), links)
    for sweep in range(sweeps):
        if best_count == 0:
            break
        forward = sweep % 2 == 0
        positions = _positions(bands, rows, band_count)
        for key in by_column if forward else reversed(by_column):
            column = key[0]
            members = stacked[key]
            centre = {}
            for v in members:
                seen = [
                    positions[w] for w in neighbours[v] if (columns[w] < column if forward else columns[w] > column)
                ]
                centre[v] = sum(seen) / len(seen) if seen else positions[v]
            slots = sorted(rows[v] for v in members)
            ordered = sorted(members, key=lambda v: (centre[v], rows[v]))
            before = {v: rows[v] for v in members}
            for v, row in zip(ordered, slots):
                rows[v] = row
            if any(rows[a.head] < rows[a.tail] + a.length for v in members for a in arcs_of[v]):
                for v, row in before.items():
                    rows[v] = row
                continue
            positions = _positions(bands, rows, band_count)
        count = crossing_count(columns, _positions(bands, rows, band_count), links)
        if count < best_count:
            best, best_count = list(rows), count
    return best
