"""Loop frames that hold exactly their member nodes, each drawn as one outline.

A frame starts as one padded box per member; two pieces merge into their bounding
rectangle whenever that rectangle meets no other node, closest pieces first, so members
placed together get one plain rectangle (the placement puts a loop's members together
when its flow allows). Pieces that cannot merge without taking in another node are joined
through the grid's empty cells: a breadth-first search from the pieces already joined
finds the shortest run of empty cells to the nearest other piece, and a band through the
middle of those cells (and the gutters between them) becomes part of the frame. The frame is the outline of the union:
one rectilinear ring holding exactly the members (with holes where other nodes sit inside
it, by the even-odd rule). Only when no run of empty cells reaches a piece (every way
blocked by other nodes) is it joined by a thin corridor along the gutters, still one ring.

The tab sits just above the topmost member, in the gutter over its row (the workflow view
keeps that part of the gutter free of tracks), on the top of that member's piece where no
edge runs (`crowding`: how many edge segments a box meets), leftmost first; reaching out
past the piece's corner when edges run into the whole edge, or under the piece.

Input: member indices, every node's box and cell, the gutters' positions. Output: rings
of points and the frame's tab box.

Pure Python: no pygls import.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from fz_lsp.render.layout.geometry import Box, BoxIndex, Point, union

TAB_STEP = 8.0  # how far a tab slides between two tries along the top of its frame
TAB_HOLD = 24.0  # how much of a tab stays on its frame's top edge when it must reach out
CORRIDOR = 1.5  # half the width of a corridor joining pieces no run of empty cells reaches
SHIFTS = (0.0, 4.0, -4.0, 9.0, -9.0, 12.0, -12.0, 20.0, -20.0)  # off the middles: between tracks and ports
BAND = 40.0  # how wide the frame's way through a run of empty cells is: its sides 20 px off the cells'
# middle lines, 4 px from the nearest attachment lines ports.py spreads (0, 8, 16, 24, ... off the middle)
SEARCH_MARGIN = 2  # cells beyond the members' bounds a joining search looks first
BANDED_COST = 3  # what walking through a cell another frame's band takes costs, in cells
_STEPS = ((0, 1), (1, 0), (0, -1), (-1, 0))  # right, down, left, up (row, column)


@dataclass(frozen=True, slots=True)
class Frame:
    rings: tuple[tuple[Point, ...], ...]  # one ring for a plain rectangle
    bounds: Box
    tab: Box
    links: tuple[tuple[Point, ...], ...] = ()  # (no longer drawn: pieces are joined into one outline)

    @property
    def is_rectangle(self) -> bool:
        return len(self.rings) == 1 and len(self.rings[0]) == 4


def node_index(boxes: Sequence[Box]) -> BoxIndex:
    """Every box, owned by its index: what `frame` asks which nodes lie near a frame."""
    index = BoxIndex()
    for v, box in enumerate(boxes):
        index.add_box(box, v)
    return index


def frame(
    members: Sequence[int],
    boxes: Sequence[Box],
    cells: Sequence[tuple[int, int]],
    column_gutters: Sequence[tuple[float, float]],
    row_gutters: Sequence[tuple[float, float]],
    pad: float,
    tab_size: tuple[float, float],
    crowding: Callable[[Box], int] | None = None,
    nodes: BoxIndex | None = None,
    occupied: dict[tuple[int, int], int] | None = None,
    along: Callable[[Point, Point], int] | None = None,
    banded: set[tuple[int, int]] | None = None,
) -> Frame:
    """The frame around `members` (node indices, at least one) that holds no other node.
    `nodes` (every box, owned by its index) and `occupied` (cell -> node) may be given when
    many frames are drawn over the same boxes; `along(a, b)` counts the edges running
    along a segment (a corridor keeps clear of them); `banded` holds the empty cells other
    frames' bands run through (a band goes round them when a short detour does; this
    frame's band cells are added)."""
    members = sorted(set(members), key=lambda v: (boxes[v].y, boxes[v].x, v))
    tab_w, tab_h = tab_size
    pieces: list[tuple[Box, list[int]]] = [(boxes[v].inflated(pad), [v]) for v in members]
    # every box tried below lies within the pieces' bounds, raised to the gutter above the
    # topmost member's row and by a tab, and widened by a tab: only nodes there can be in
    # the way (one pass over the nodes, not one per try)
    reach = pieces[0][0]
    for box, _ in pieces[1:]:
        reach = union(reach, box)
    top_y = min(reach.y, row_gutters[cells[members[0]][0]][1] - 1) - tab_h
    reach = Box(reach.x, top_y, reach.w + tab_w, reach.bottom - top_y)
    if nodes is None:
        nodes = node_index(boxes)
    member_set = set(members)
    near = sorted(v for v in nodes.owners(reach) if isinstance(v, int) and v not in member_set)
    others = [boxes[v] for v in near]

    def free(box: Box) -> bool:
        return not any(box.overlaps(other) for other in others)

    merged = True
    while merged and len(pieces) > 1:
        merged = False
        pairs = sorted(
            ((_gap(pieces[i][0], pieces[j][0]), i, j) for i in range(len(pieces)) for j in range(i + 1, len(pieces))),
        )
        for _, i, j in pairs:
            box = union(pieces[i][0], pieces[j][0])
            if free(box):
                pieces[i] = (box, pieces[i][1] + pieces[j][1])
                del pieces[j]
                merged = True
                break

    # the piece holding the topmost member reaches up to its row's top, its tab above that
    holder = next(k for k, (_, vs) in enumerate(pieces) if members[0] in vs)
    top = pieces[holder][0]
    row_top = row_gutters[cells[members[0]][0]][1]
    if top.y > row_top - 1:
        reaching = Box(top.x, row_top - 1, top.w, top.bottom - row_top + 1)
        if free(reaching):
            top = reaching
            pieces[holder] = (top, pieces[holder][1])
    tab = _tab_spot(top, tab_w, tab_h, crowding, free)
    rects = [box for box, _ in pieces]
    if len(pieces) > 1:
        if occupied is None:
            occupied = {cell: v for v, cell in enumerate(cells)}
        rects.extend(_joins(pieces, holder, cells, boxes, occupied, column_gutters, row_gutters, along, banded))
    rings = outline(rects)
    bounds = rects[0]
    for box in rects[1:]:
        bounds = union(bounds, box)
    return Frame(tuple(rings), bounds, tab)


def _tab_spot(
    top: Box, tab_w: float, tab_h: float, crowding: Callable[[Box], int] | None, free: Callable[[Box], bool]
) -> Box:
    """The tab's place on the top edge of `top`: the leftmost where no edge runs, else one
    reaching out past either end of that edge (by up to all but TAB_HOLD of its width) where
    no edge runs and no node is, else the least crowded place on the edge."""
    first = Box(top.x, top.y - tab_h, tab_w, tab_h)
    if crowding is None:
        return first
    y = top.y - tab_h
    inside = [top.x + k * TAB_STEP for k in range(int(max(0.0, top.w - tab_w) // TAB_STEP) + 1)]
    if top.w > tab_w:
        inside.append(top.right - tab_w)
    best, least = first, None
    for x in inside:
        spot = Box(x, y, tab_w, tab_h)
        count = crowding(spot)
        if count == 0:
            return spot
        if least is None or count < least:
            best, least = spot, count
    reach = max(0.0, tab_w - TAB_HOLD)
    for k in range(1, int(reach // TAB_STEP) + 1):
        for x in (top.x - k * TAB_STEP, max(top.x, top.right - tab_w) + k * TAB_STEP):
            spot = Box(x, y, tab_w, tab_h)
            if crowding(spot) == 0 and free(spot):
                return spot
    for x in inside:  # under the piece, as a last resort
        spot = Box(x, top.bottom, tab_w, tab_h)
        if crowding(spot) == 0 and free(spot):
            return spot
    return best


def _cell_box(
    cell: tuple[int, int], column_gutters: Sequence[tuple[float, float]], row_gutters: Sequence[tuple[float, float]]
) -> Box:
    r, c = cell
    x0, x1 = column_gutters[c][1], column_gutters[c + 1][0]
    y0, y1 = row_gutters[r][1], row_gutters[r + 1][0]
    return Box(x0, y0, x1 - x0, y1 - y0)


def _joins(
    pieces: Sequence[tuple[Box, list[int]]],
    holder: int,
    cells: Sequence[tuple[int, int]],
    boxes: Sequence[Box],
    occupied: dict[tuple[int, int], int],
    column_gutters: Sequence[tuple[float, float]],
    row_gutters: Sequence[tuple[float, float]],
    along: Callable[[Point, Point], int] | None = None,
    banded: set[tuple[int, int]] | None = None,
) -> list[Box]:
    """Rectangles joining every piece to the one holding the topmost member: runs of empty
    cells (the shortest, found breadth-first from the pieces already joined), with the
    gutters between consecutive cells; a thin corridor where no such run exists, off the
    gutters' middles where fewest edges run along its sides."""
    rows, columns = len(row_gutters) - 1, len(column_gutters) - 1
    piece_of = {cells[v]: k for k, (_, vs) in enumerate(pieces) for v in vs}
    joined = {holder}
    out: list[Box] = []

    def area(cell: tuple[int, int]) -> Box:
        k = piece_of.get(cell)
        return pieces[k][0] if k is not None else _cell_box(cell, column_gutters, row_gutters)

    while len(joined) < len(pieces):
        path = None
        for margin in (SEARCH_MARGIN, max(rows, columns)):
            path = _search(joined, piece_of, occupied, rows, columns, margin, banded or set())
            if path is not None:
                break
        if path is None:  # every way blocked by other nodes: a corridor along the gutters
            k = min(set(range(len(pieces))) - joined)
            a = pieces[holder][1][0]
            b = pieces[k][1][0]
            options = []
            for dx in SHIFTS:
                for dy in SHIFTS:
                    route = _link(boxes[a], cells[a], boxes[b], cells[b], column_gutters, row_gutters, dx, dy)
                    rects = [_corridor(p, q) for p, q in pairwise(route)]
                    near = sum(along(*side) for rect in rects for side in _sides(rect)) if along else 0
                    options.append((near, abs(dx) + abs(dy), rects))
                    if near == 0 and dx == dy == 0:
                        break
            out.extend(min(options, key=lambda option: option[:2])[2])
            joined.add(k)
            continue
        joined.add(piece_of[path[-1]])
        if banded is not None:
            banded.update(cell for cell in path if cell not in piece_of)
        for here, there in pairwise(path):
            middle = _cell_box(here, column_gutters, row_gutters)
            out.append(_band(area(here), area(there), here, there, here in piece_of, there in piece_of, middle))
    return out


def _corridor(p: Point, q: Point) -> Box:
    x0, x1 = sorted((p[0], q[0]))
    y0, y1 = sorted((p[1], q[1]))
    return Box(x0 - CORRIDOR, y0 - CORRIDOR, x1 - x0 + 2 * CORRIDOR, y1 - y0 + 2 * CORRIDOR)


def _sides(box: Box) -> list[tuple[Point, Point]]:
    """A corridor's two long sides."""
    if box.w >= box.h:
        return [((box.x, box.y), (box.right, box.y)), ((box.x, box.bottom), (box.right, box.bottom))]
    return [((box.x, box.y), (box.x, box.bottom)), ((box.right, box.y), (box.right, box.bottom))]


def _search(
    joined: set[int],
    piece_of: dict[tuple[int, int], int],
    occupied: dict[tuple[int, int], int],
    rows: int,
    columns: int,
    margin: int,
    banded: set[tuple[int, int]],
) -> list[tuple[int, int]] | None:
    """The shortest run of empty cells from a joined piece's cell to another piece's cell
    (both ends included), within the pieces' cells' bounds widened by `margin`, a cell
    another frame's band runs through counting BANDED_COST cells; of the shortest, one
    turning least (a band with fewer bends); ties go to the first found, the starts in
    order and the steps tried right, down, left, up."""
    starts = sorted(cell for cell, k in piece_of.items() if k in joined)
    r0 = max(0, min(r for r, _ in piece_of) - margin)
    r1 = min(rows - 1, max(r for r, _ in piece_of) + margin)
    c0 = max(0, min(c for _, c in piece_of) - margin)
    c1 = min(columns - 1, max(c for _, c in piece_of) + margin)
    # a state is a cell and the step that reached it (-1 for a start), its cost the cells
    # walked and the turns taken; a state on another piece's cell ends the search
    best: dict[tuple[tuple[int, int], int], tuple[int, int]] = {}
    previous: dict[tuple[tuple[int, int], int], tuple[tuple[int, int], int] | None] = {}
    heap: list[tuple[int, int, int, tuple[tuple[int, int], int]]] = []
    for cell in starts:
        best[(cell, -1)] = (0, 0)
        previous[(cell, -1)] = None
        heap.append((0, 0, len(heap), (cell, -1)))
    heapq.heapify(heap)
    order = len(heap)
    while heap:
        length, turns, _, state = heapq.heappop(heap)
        if best[state] != (length, turns):
            continue
        cell, came = state
        k = piece_of.get(cell)
        if k is not None and k not in joined:
            path = []
            walk: tuple[tuple[int, int], int] | None = state
            while walk is not None:
                path.append(walk[0])
                walk = previous[walk]
            return path[::-1]
        r, c = cell
        for d, (dr, dc) in enumerate(_STEPS):
            step = (r + dr, c + dc)
            if not (r0 <= step[0] <= r1 and c0 <= step[1] <= c1):
                continue
            k = piece_of.get(step)
            if (k is None and step in occupied) or (k is not None and k in joined):
                continue
            cost = (length + (BANDED_COST if step in banded else 1), turns + (came >= 0 and d != came))
            nxt = (step, d)
            if nxt not in best or cost < best[nxt]:
                best[nxt] = cost
                previous[nxt] = state
                heapq.heappush(heap, (cost[0], cost[1], order, nxt))
                order += 1
    return None


def _band(
    a: Box, b: Box, cell_a: tuple[int, int], cell_b: tuple[int, int], a_piece: bool, b_piece: bool, cell: Box
) -> Box:
    """A band BAND wide from the middle of one neighbouring cell (or the edge of a piece) to
    the next along a run of empty cells: the frame's way between its pieces. Between two
    pieces it runs on the middle line of their cells (`cell`: the first one's), as edges
    between them do, when both pieces reach a band's width round it (a piece may span
    several rows or columns), else in the middle of what the two share."""
    half = BAND / 2

    def shared_middle(low: float, high: float, line: float) -> float:
        return line if low <= line - half and line + half <= high else (low + high) / 2

    if cell_a[0] == cell_b[0]:  # side by side: a horizontal band at the empty cell's middle
        y = (
            a.cy
            if not a_piece
            else b.cy
            if not b_piece
            else shared_middle(max(a.y, b.y), min(a.bottom, b.bottom), cell.cy)
        )
        first = cell_a[1] < cell_b[1]
        left, left_piece, right, right_piece = (a, a_piece, b, b_piece) if first else (b, b_piece, a, a_piece)
        x0 = left.right if left_piece else left.cx - half
        x1 = right.x if right_piece else right.cx + half
        return Box(x0, y - half, max(0.0, x1 - x0), 2 * half)
    x = a.cx if not a_piece else b.cx if not b_piece else shared_middle(max(a.x, b.x), min(a.right, b.right), cell.cx)
    first = cell_a[0] < cell_b[0]
    upper, upper_piece, lower, lower_piece = (a, a_piece, b, b_piece) if first else (b, b_piece, a, a_piece)
    y0 = upper.bottom if upper_piece else upper.cy - half
    y1 = lower.y if lower_piece else lower.cy + half
    return Box(x - half, y0, 2 * half, max(0.0, y1 - y0))


def _gap(a: Box, b: Box) -> float:
    dx = max(0.0, max(a.x, b.x) - min(a.right, b.right))
    dy = max(0.0, max(a.y, b.y) - min(a.bottom, b.bottom))
    return dx + dy


def _cell_distance(a: tuple[int, int], b: tuple[int, int]) -> int:
    return abs(a[0] - b[0]) + abs(a[1] - b[1])


def _link(
    a: Box,
    a_cell: tuple[int, int],
    b: Box,
    b_cell: tuple[int, int],
    column_gutters: Sequence[tuple[float, float]],
    row_gutters: Sequence[tuple[float, float]],
    dx: float = 0.0,
    dy: float = 0.0,
) -> list[Point]:
    """A line from member a to member b through gutters only (and the two members' cells),
    its vertical stretches moved `dx` off the middles, its horizontal ones `dy`."""
    (ra, ca), (rb, cb) = a_cell, b_cell
    gx = sum(column_gutters[ca + 1 if cb >= ca else ca]) / 2 + dx  # the column gutter beside a, towards b
    gy = sum(row_gutters[rb if rb > ra else rb + 1]) / 2 + dy  # the row gutter next to b's row, towards a
    route = [(a.cx, a.cy + dy), (gx, a.cy + dy), (gx, gy), (b.cx + dx, gy), (b.cx + dx, b.cy)]
    out = [route[0]]
    for p in route[1:]:
        if p != out[-1]:
            out.append(p)
    return out


def outline(rects: Sequence[Box]) -> list[tuple[Point, ...]]:
    """The boundary of a union of rectangles: rings of corner points (even-odd: holes inside)."""
    if len(rects) == 1:  # most frames: the rectangle's corners, clockwise from its top left
        x0, y0, x1, y1 = rects[0].x, rects[0].y, rects[0].right, rects[0].bottom
        if x0 < (x0 + x1) / 2 < x1 and y0 < (y0 + y1) / 2 < y1:  # as the general case finds it covered
            return [((x0, y0), (x1, y0), (x1, y1), (x0, y1))]
    xs = sorted({v for r in rects for v in (r.x, r.right)})
    ys = sorted({v for r in rects for v in (r.y, r.bottom)})
    covered = set()
    for i in range(len(xs) - 1):
        mx = (xs[i] + xs[i + 1]) / 2
        for j in range(len(ys) - 1):
            my = (ys[j] + ys[j + 1]) / 2
            if any(r.x < mx < r.right and r.y < my < r.bottom for r in rects):
                covered.add((i, j))
    # directed boundary edges, clockwise on screen around each covered cell
    outgoing: dict[Point, list[Point]] = {}

    def add(p: Point, q: Point) -> None:
        outgoing.setdefault(p, []).append(q)

    for i, j in covered:
        x0, x1, y0, y1 = xs[i], xs[i + 1], ys[j], ys[j + 1]
        if (i, j - 1) not in covered:
            add((x0, y0), (x1, y0))
        if (i + 1, j) not in covered:
            add((x1, y0), (x1, y1))
        if (i, j + 1) not in covered:
            add((x1, y1), (x0, y1))
        if (i - 1, j) not in covered:
            add((x0, y1), (x0, y0))
    rings = []
    while outgoing:
        start = min(outgoing)
        ring = [start]
        p = start
        previous = None
        while True:
            choices = outgoing[p]
            q = _turn(previous, p, choices)
            choices.remove(q)
            if not choices:
                del outgoing[p]
            previous, p = p, q
            if p == start:
                break
            ring.append(p)
        rings.append(_simplify(ring))
    rings.sort(key=lambda ring: min(ring))
    return rings


def _turn(previous: Point | None, p: Point, choices: list[Point]) -> Point:
    """At a corner shared by two pieces, keep to the right-most turn (rings stay separate)."""
    if len(choices) == 1 or previous is None:
        return min(choices)
    dx, dy = p[0] - previous[0], p[1] - previous[1]

    def rightness(q: Point) -> float:
        ex, ey = q[0] - p[0], q[1] - p[1]
        return dx * ey - dy * ex  # screen coordinates: positive turns right

    return max(choices, key=rightness)


def _simplify(ring: list[Point]) -> tuple[Point, ...]:
    """Drop points in the middle of straight runs."""
    out = []
    n = len(ring)
    for k in range(n):
        a, b, c = ring[k - 1], ring[k], ring[(k + 1) % n]
        if (a[0] == b[0] == c[0]) or (a[1] == b[1] == c[1]):
            continue
        out.append(b)
    # start at the top-left corner
    k = out.index(min(out, key=lambda p: (p[1], p[0])))
    return tuple(out[k:] + out[:k])
