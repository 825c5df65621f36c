"""Loop frames that hold exactly their member nodes.

A frame starts as one padded box per member; its tab sits just above the topmost member,
in the gutter over that member's row. Two pieces merge into their bounding rectangle whenever that
rectangle meets no other node, closest pieces first, so members placed together get one
plain rectangle. Pieces that cannot merge without taking in another node stay apart and
are joined by *links*: dashed lines along the gutters (which hold no node), out of one
piece's member cell to the column gutter beside it, along it to the row gutter next to
the other member's row, along that to the other member's column and into its piece. The
frame is the outline of the union of the pieces and the tab: one or more rectilinear rings
(a ring inside another is a hole, by the even-odd rule).

Input: member indices, every node's box and cell, the gutters' positions. Output: rings
of points, links (polylines) and the frame's tab box.

Pure Python: no pygls import.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fz_lsp.render.layout.geometry import Box, BoxIndex, Point, union

TAB_STEP = 8.0  # how far a tab slides between two tries along the top of its frame


@dataclass(frozen=True, slots=True)
class Frame:
    rings: tuple[tuple[Point, ...], ...]  # one ring for a plain rectangle
    bounds: Box
    tab: Box
    links: tuple[tuple[Point, ...], ...] = ()  # dashed lines joining pieces that stay apart

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
) -> Frame:
    """The frame around `members` (node indices, at least one) that holds no other node.
    Its tab goes where `crowding` (how many edge segments a box meets) is least along the
    top of the topmost piece, leftmost first. `nodes` (every box, owned by its index) may
    be given when many frames are drawn over the same boxes."""
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

    # the piece holding the topmost member takes the tab in, when that holds no other node
    holder = next(k for k, (_, vs) in enumerate(pieces) if members[0] in vs)
    top = pieces[holder][0]
    # the tab lies wholly in the gutter above the topmost member's row (a taller neighbour
    # may fill the row), the piece below reaching up to it
    row_top = row_gutters[cells[members[0]][0]][1]
    if top.y > row_top - 1:
        reaching = Box(top.x, row_top - 1, top.w, top.bottom - row_top + 1)
        if free(reaching):
            top = reaching
            pieces[holder] = (top, pieces[holder][1])
    tab = Box(top.x, top.y - tab_h, tab_w, tab_h)
    if crowding is not None and top.w > tab_w:
        steps = int((top.w - tab_w) // TAB_STEP) + 1
        spots = [Box(top.x + k * TAB_STEP, top.y - tab_h, tab_w, tab_h) for k in range(steps)]
        spots.append(Box(top.right - tab_w, top.y - tab_h, tab_w, tab_h))
        tab = min(spots, key=lambda spot: (crowding(spot), spot.x))
    with_tab = union(pieces[holder][0], tab)
    if free(with_tab):
        pieces[holder] = (with_tab, pieces[holder][1])
        rects = [box for box, _ in pieces]
    else:
        rects = [box for box, _ in pieces] + [tab]
    links = []
    if len(pieces) > 1:
        connected = [0]
        for _ in range(len(pieces) - 1):
            best = min(
                (
                    (_cell_distance(cells[a], cells[b]), a, b, c, k)
                    for k in range(len(pieces))
                    if k not in connected
                    for c in connected
                    for a in pieces[c][1]
                    for b in pieces[k][1]
                ),
            )
            _, a, b, c, k = best
            route = _link(boxes[a], cells[a], boxes[b], cells[b], column_gutters, row_gutters)
            links.append(_outside(_outside(route, pieces[c][0])[::-1], pieces[k][0])[::-1])
            connected.append(k)
    rings = outline(rects)
    bounds = rects[0]
    for box in rects[1:]:
        bounds = union(bounds, box)
    return Frame(tuple(rings), bounds, tab, tuple(tuple(link) for link in links if len(link) >= 2))


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
) -> list[Point]:
    """A line from member a to member b through gutters only (and the two members' cells)."""
    (ra, ca), (rb, cb) = a_cell, b_cell
    gx = sum(column_gutters[ca + 1 if cb >= ca else ca]) / 2  # the column gutter beside a, towards b
    gy = sum(row_gutters[rb if rb > ra else rb + 1]) / 2  # the row gutter next to b's row, towards a
    route = [(a.cx, a.cy), (gx, a.cy), (gx, gy), (b.cx, gy), (b.cx, b.cy)]
    out = [route[0]]
    for p in route[1:]:
        if p != out[-1]:
            out.append(p)
    return out


def _outside(route: list[Point], piece: Box) -> list[Point]:
    """The route from where it last leaves `piece` (a route starting inside it)."""

    def inside(p: Point) -> bool:
        return piece.x <= p[0] <= piece.right and piece.y <= p[1] <= piece.bottom

    k = 0
    while k + 1 < len(route) and inside(route[k + 1]):
        k += 1
    if k + 1 >= len(route):
        return []
    (x0, y0), (x1, y1) = route[k], route[k + 1]
    if y0 == y1:
        x = piece.right if x1 > x0 else piece.x
        start = (x, y0)
    else:
        y = piece.bottom if y1 > y0 else piece.y
        start = (x0, y)
    return [start, *route[k + 1 :]]


def outline(rects: Sequence[Box]) -> list[tuple[Point, ...]]:
    """The boundary of a union of rectangles: rings of corner points (even-odd: holes inside)."""
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
