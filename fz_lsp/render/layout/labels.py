"""Phase 6 of the grid router: edge labels on their own edges, clear of everything else.

Each label is tried, in order, centred on its edge's segments (a preferred segment first,
the router's reserved room for it, then the longest), sliding from the segment's middle
outwards and never past a bend; then beside a segment, touching it. A place is taken only
if the label's box meets no node, no segment of another edge, no label placed before, no
extra obstacle (the workflow view's loop tabs) and not the edge's own arrowhead (with a
gap). Labels that find no place are reported, so the router can widen a gutter and try
again; `place_anywhere` is the last resort: the free spot nearest the edge's middle.

Input: polylines, label sizes, node boxes, obstacles. Output: a box per label (or None).

Pure Python: no pygls import.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from itertools import pairwise

from fz_lsp.render.layout.geometry import Box, BoxIndex, Point

ARROW = 10.0  # arrowhead length (and width)
ARROW_GAP = 4.0  # a label keeps this far from its own arrowhead
NODE_CLEARANCE = 3.0
STEP = 6.0  # how far a label slides between two tries
BEND_CLEARANCE = 2.0
BESIDE_CLEARANCE = 5.0


def arrow_box(points: Sequence[Point]) -> Box | None:
    """The arrowhead at the end of a polyline, with its gap, as a box."""
    if len(points) < 2:
        return None
    (ax, ay), (bx, by) = points[-2], points[-1]
    reach = ARROW + ARROW_GAP
    half = ARROW / 2 + 1
    if ay == by:
        x0 = bx - reach if bx > ax else bx
        return Box(x0, by - half, reach, 2 * half)
    y0 = by - reach if by > ay else by
    return Box(bx - half, y0, 2 * half, reach)


def _slide(lo: float, hi: float, step: float) -> Iterator[float]:
    """Positions from the middle of [lo, hi] outwards (made as asked for: the first one
    free usually ends the search)."""
    if lo > hi:
        return
    mid = (lo + hi) / 2
    yield mid
    k = 1
    while mid - k * step >= lo or mid + k * step <= hi:
        if mid - k * step >= lo:
            yield mid - k * step
        if mid + k * step <= hi:
            yield mid + k * step
        k += 1


def own_part(points: Sequence[Point], skip_start: float, skip_end: float) -> tuple[list[Point], int]:
    """The polyline without its first `skip_start` and last `skip_end` pixels (the trunk it
    shares with edges of the same attachment point), and how many whole segments were
    dropped at its start. The whole polyline when nothing is its own."""
    if not skip_start and not skip_end:  # most edges share no trunk
        return list(points), 0
    total = sum(abs(b[0] - a[0]) + abs(b[1] - a[1]) for a, b in pairwise(points))
    if total - skip_start - skip_end < 1.0:
        return list(points), 0
    out: list[Point] = []
    dropped = 0
    walked = 0.0
    lo, hi = skip_start, total - skip_end
    for a, b in pairwise(points):
        length = abs(b[0] - a[0]) + abs(b[1] - a[1])
        if walked + length <= lo:
            walked += length
            dropped += 1
            continue
        if walked >= hi:
            break
        start = _along(a, b, max(0.0, lo - walked))
        stop = _along(a, b, min(length, hi - walked))
        if not out:
            out.append(start)
        out.append(stop)
        walked += length
    return out, dropped


def _along(a: Point, b: Point, d: float) -> Point:
    length = abs(b[0] - a[0]) + abs(b[1] - a[1])
    if length == 0:
        return a
    f = d / length
    return (a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f)


def candidates(
    points: Sequence[Point],
    w: float,
    h: float,
    preferred: Sequence[int] = (),
    hint: Point | None = None,
    near_start: bool = False,
) -> Iterator[tuple[Box, float]]:
    """Boxes a label of size w x h may take on a polyline, best first (made as asked for),
    each with the clearance it needs from other lines: a label beside its line keeps
    `BESIDE_CLEARANCE` from every other one, so it reads as its own line's. With
    `near_start` (a decision's branch), the places nearest the polyline's start come first."""
    segments = [(k, points[k], points[k + 1]) for k in range(len(points) - 1) if points[k] != points[k + 1]]
    if near_start:
        order = sorted(segments, key=lambda s: (s[0] not in preferred, s[0]))
    else:
        order = sorted(
            segments, key=lambda s: (s[0] not in preferred, -abs(s[2][0] - s[1][0]) - abs(s[2][1] - s[1][1]))
        )
    if hint is not None:
        yield Box(hint[0] - w / 2, hint[1] - h / 2, w, h), 0.0
    for _, a, b in order:
        if a[1] == b[1]:
            lo, hi = min(a[0], b[0]) + w / 2 + BEND_CLEARANCE, max(a[0], b[0]) - w / 2 - BEND_CLEARANCE
            for x in _positions(lo, hi, a[0] > b[0], near_start):
                yield Box(x - w / 2, a[1] - h / 2, w, h), 0.0
        else:
            lo, hi = min(a[1], b[1]) + h / 2 + BEND_CLEARANCE, max(a[1], b[1]) - h / 2 - BEND_CLEARANCE
            for y in _positions(lo, hi, a[1] > b[1], near_start):
                yield Box(a[0] - w / 2, y - h / 2, w, h), 0.0
    for _, a, b in order:
        if a[1] == b[1]:
            for x in _positions(min(a[0], b[0]), max(a[0], b[0]), a[0] > b[0], near_start):
                yield Box(x - w / 2, a[1] - h - 1, w, h), BESIDE_CLEARANCE
                yield Box(x - w / 2, a[1] + 1, w, h), BESIDE_CLEARANCE
        else:
            for y in _positions(min(a[1], b[1]), max(a[1], b[1]), a[1] > b[1], near_start):
                yield Box(a[0] + 1, y - h / 2, w, h), BESIDE_CLEARANCE
                yield Box(a[0] - w - 1, y - h / 2, w, h), BESIDE_CLEARANCE


def _positions(lo: float, hi: float, backwards: bool, near_start: bool) -> Iterator[float]:
    """Where along [lo, hi] to try, made as asked for: from the middle outwards, or from
    the segment's start (its `hi` end when it runs `backwards`) when `near_start`."""
    if not near_start:
        return _slide(lo, hi, STEP)
    if lo > hi:
        return iter(())
    count = int((hi - lo) // STEP) + 1
    steps = range(count - 1, -1, -1) if backwards else range(count)
    return (lo + k * STEP for k in steps)


def segment_index(paths: Sequence[Sequence[Point]]) -> BoxIndex:
    """Every segment of the polylines, owned by its polyline's index."""
    index = BoxIndex()
    for e, points in enumerate(paths):
        for a, b in pairwise(points):
            if a != b:
                index.add_segment(a, b, owner=e)
    return index


class LabelPlacer:
    def __init__(
        self,
        paths: Sequence[Sequence[Point]],
        boxes: Sequence[Box],
        obstacles: Sequence[Box],
        arrows: Sequence[bool],
        segments: BoxIndex | None = None,
    ) -> None:
        """`segments`: the paths' `segment_index` when the caller has it (it is added to)."""
        self.paths = paths
        self.index = segments if segments is not None else segment_index(paths)
        for box in boxes:
            self.index.add_box(box, grown=NODE_CLEARANCE)
        for box in obstacles:
            self.index.add_box(box)
        self.arrowed = arrows
        self._arrows: dict[int, Box | None] = {}  # edge -> its arrowhead's box, made when first asked

    def arrow(self, e: int) -> Box | None:
        """Edge e's arrowhead (`arrow_box`), None when it has none: asked only for labelled edges."""
        if e not in self._arrows:
            self._arrows[e] = arrow_box(self.paths[e]) if self.arrowed[e] else None
        return self._arrows[e]

    def free(self, e: int, box: Box, clearance: float = 0.0) -> bool:
        arrow = self.arrow(e)
        if arrow is not None and arrow.overlaps(box):
            return False
        return not self.index.hit(box.inflated(clearance) if clearance else box, ignore=e)

    def take(self, box: Box) -> None:
        self.index.add_box(box)

    def place(
        self,
        e: int,
        w: float,
        h: float,
        preferred: Sequence[int] = (),
        hint: Point | None = None,
        own: tuple[float, float] = (0.0, 0.0),
        near_start: bool = False,
    ) -> Box | None:
        """A free place for edge e's label on the part of its polyline that is its own (not
        the first `own[0]` and last `own[1]` pixels, shared with a trunk)."""
        arrow = self.arrow(e)
        if hint is not None and arrow is not None:
            hint = _away_from(hint, w, h, arrow, self.paths[e])
        points, dropped = own_part(self.paths[e], *own)
        if dropped:
            preferred = [k - dropped for k in preferred if k >= dropped]
        for box, clearance in candidates(points, w, h, preferred, hint, near_start):
            if self.free(e, box, clearance):
                self.take(box)
                return box
        return None

    def place_anywhere(self, e: int, w: float, h: float, reach: float = 400.0) -> Box | None:
        """The free spot nearest the middle of the edge's path, on rings of growing size."""
        points = self.paths[e]
        if not points:
            return None
        mid = _middle(points)
        radius = 0.0
        while radius <= reach:
            ring = max(1, int(radius // STEP) * 8)
            for k in range(ring):
                angle = 2 * math.pi * k / ring
                x, y = mid[0] + radius * math.cos(angle), mid[1] + radius * math.sin(angle)
                box = Box(x - w / 2, y - h / 2, w, h)
                if self.free(e, box):
                    self.take(box)
                    return box
            radius += STEP
        return None


def _away_from(centre: Point, w: float, h: float, arrow: Box, points: Sequence[Point]) -> Point:
    """`centre` moved back along the last segment just enough for the label to clear the arrowhead."""
    box = Box(centre[0] - w / 2, centre[1] - h / 2, w, h)
    if not box.overlaps(arrow):
        return centre
    (ax, ay), (bx, by) = points[-2], points[-1]
    if ay == by:
        shift = (box.right - arrow.x + 1) if bx > ax else -(arrow.right - box.x + 1)
        return (centre[0] - shift, centre[1])
    shift = (box.bottom - arrow.y + 1) if by > ay else -(arrow.bottom - box.y + 1)
    return (centre[0], centre[1] - shift)


def _middle(points: Sequence[Point]) -> Point:
    """The point halfway along a polyline."""
    lengths = [abs(b[0] - a[0]) + abs(b[1] - a[1]) for a, b in pairwise(points)]
    half = sum(lengths) / 2
    for (a, b), length in zip(pairwise(points), lengths):
        if half <= length and length > 0:
            f = half / length
            return (a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f)
        half -= length
    return points[-1]
