"""Phase 4b of the grid router: among the routes an edge's ends allow, the one crossing least.

`routing.plan_routes` gives each edge the route with the fewest bends, on its own. Then
`choose_routes` looks at them all on the grid, in half-cells (gutter g at 2g, cell c at
2c + 1; a route's bends are where its lines meet): each edge whose route crosses another
tries the alternatives (`routing.alternatives`: the same ends through other gutters, the
outer gutters of its rows' group, a lane's boundary, round the outside of the diagram,
among them) and keeps the one with the fewest crossings (a route round the outside counts
DETOUR_COST more: it must save two), then the fewest bends, then the shortest (options are
weighed in that order, so the first that crosses nothing is the shortest such); in document
order, each choice seen by the edges after it, again (up to PASSES sweeps) while a choice
still changes; an edge whose crossings did not change since no alternative beat it is not
weighed again, and at most max(EVALUATIONS, PER_EDGE x edges) alternatives are weighed in
all. An edge that must cross or go a long way round (a decision's branch skipping a step
along its row, the row going on past the nodes beyond: `_across_a_row`) keeps the route it
has; when the row ends (or starts) right beyond them, the way round that end is weighed.
So a reply from a branch below a decision runs back along the lanes' boundary rather than
through the lane's middle, and a feedback edge takes an outer channel when the flow inside
would be crossed.

Crossings are counted where a horizontal and a vertical segment meet strictly inside
both (lines that share a gutter get tracks apart later, which this does not guess),
except between edges that share an end (a node's side).

Pure Python: no pygls import.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from itertools import pairwise

from fz_lsp.render.layout.geometry import HORIZONTAL_SIDES
from fz_lsp.render.layout.grid import GridEdge, GridNode, GridSpec
from fz_lsp.render.layout.routing import PORT, VTRACK, Line, Occupancy, Route, alternatives

PASSES = 2  # sweeps over the edges, while one still moves
EVALUATIONS = 400  # alternatives weighed in all, at least (a bound for very large diagrams: the first edges get them)
PER_EDGE = 2  # ... or this many per edge of the diagram
DETOUR_COST = 1  # crossings a route round the outside of the diagram counts as: it must save two
LONG = 1 << 20  # options are weighed fewest bends first, then fewest gutters, then not behind, then shortest

Segment = tuple[int, int, int, int, int, int]  # x0, y0, x1, y1 (half-cells, x0 <= x1, y0 <= y1), d0, d1
# d0 / d1: which way the route goes on at the segment's low / high end, across it: -1 towards
# lower coordinates, 1 higher, 0 it ends there (at a node)


def route_segments(
    lines: Sequence[Line], nodes: Sequence[GridNode], edges: Sequence[GridEdge], e: int
) -> list[Segment]:
    """The route as segments in half-cells, from its source's cell to its target's."""
    edge = edges[e]
    assert edge.source is not None and edge.target is not None
    s, t = nodes[edge.source], nodes[edge.target]
    points = [(2 * s.column + 1, 2 * s.row + 1)]
    if len(lines) >= 2:
        coords = [_coord(line, nodes, edges) for line in lines]
        horizontal = [_is_horizontal(line, edges) for line in lines]
        for k in range(len(lines) - 1):
            points.append((coords[k + 1], coords[k]) if horizontal[k] else (coords[k], coords[k + 1]))
    points.append((2 * t.column + 1, 2 * t.row + 1))
    points = [p for k, p in enumerate(points) if k == 0 or p != points[k - 1]]
    out = []
    for k, ((x0, y0), (x1, y1)) in enumerate(pairwise(points)):
        before = points[k - 1] if k > 0 else None
        after = points[k + 2] if k + 2 < len(points) else None
        turn_a = _turn(before, (x0, y0), y0 == y1)
        turn_b = _turn(after, (x1, y1), y0 == y1)
        if (x0, y0) <= (x1, y1):
            out.append((x0, y0, x1, y1, turn_a, turn_b))
        else:
            out.append((x1, y1, x0, y0, turn_b, turn_a))
    return out


def _turn(other: tuple[int, int] | None, at: tuple[int, int], horizontal: bool) -> int:
    """Which way, across a horizontal (vertical) segment ending at `at`, the route goes on to `other`."""
    if other is None:
        return 0
    delta = other[1] - at[1] if horizontal else other[0] - at[0]
    return (delta > 0) - (delta < 0)


def _coord(line: Line, nodes: Sequence[GridNode], edges: Sequence[GridEdge]) -> int:
    kind, ref = line
    if kind != PORT:
        return 2 * ref
    edge = edges[ref // 2]
    index, side = (edge.target, edge.target_side) if ref % 2 else (edge.source, edge.source_side)
    assert index is not None
    node = nodes[index]
    return 2 * node.row + 1 if side in HORIZONTAL_SIDES else 2 * node.column + 1


def _is_horizontal(line: Line, edges: Sequence[GridEdge]) -> bool:
    kind, ref = line
    if kind == PORT:
        edge = edges[ref // 2]
        return (edge.target_side if ref % 2 else edge.source_side) in HORIZONTAL_SIDES
    return kind != VTRACK


BLOCK = 16  # half-cells: segments are kept per line and per stretch of this length along it

_Item = tuple[int, int, int, int, int]  # lo, hi (along its line), edge, d0, d1


class SegmentIndex:
    """Segments of many edges, horizontal ones by y and vertical ones by x, each line cut in
    stretches of BLOCK half-cells, for counting crossings."""

    def __init__(self) -> None:
        self.lines: tuple[dict[tuple[int, int], list[_Item]], ...] = ({}, {})  # by (y, x // BLOCK), (x, y // BLOCK)
        self.keys: tuple[list[int], list[int]] = ([], [])  # the lines' coordinates, sorted
        self.known: tuple[set[int], set[int]] = (set(), set())

    def add(self, e: int, segments: Sequence[Segment]) -> None:
        for x0, y0, x1, y1, d0, d1 in segments:
            axis = 0 if y0 == y1 else 1
            at, lo, hi = (y0, x0, x1) if axis == 0 else (x0, y0, y1)
            known = self.known[axis]
            if at not in known:
                known.add(at)
                keys = self.keys[axis]
                keys.insert(bisect_left(keys, at), at)
            item = (lo, hi, e, d0, d1)
            table = self.lines[axis]
            first, last = lo // BLOCK, hi // BLOCK
            if first == last:  # most segments lie in one stretch
                bucket = table.get((at, first))
                if bucket is None:
                    table[(at, first)] = [item]
                else:
                    bucket.append(item)
                continue
            for block in range(first, last + 1):
                table.setdefault((at, block), []).append(item)

    def remove(self, e: int, segments: Sequence[Segment]) -> None:
        for x0, y0, x1, y1, d0, d1 in segments:
            axis = 0 if y0 == y1 else 1
            at, lo, hi = (y0, x0, x1) if axis == 0 else (x0, y0, y1)
            for block in range(lo // BLOCK, hi // BLOCK + 1):
                self.lines[axis][(at, block)].remove((lo, hi, e, d0, d1))

    def crossings(self, segments: Sequence[Segment], ignore: set[int]) -> int:
        """Crossings the segments would have with the indexed ones: across (strictly inside
        both) and along one line (the fewer of the two orders their tracks can take)."""
        count = 0
        for x0, y0, x1, y1, d0, d1 in segments:
            axis = 0 if y0 == y1 else 1
            at, lo, hi = (y0, x0, x1) if axis == 0 else (x0, y0, y1)
            keys, across = self.keys[1 - axis], self.lines[1 - axis]
            block = at // BLOCK
            for k in range(bisect_right(keys, lo), bisect_left(keys, hi)):
                for a, b, f, _, _ in across.get((keys[k], block), ()):
                    if a < at < b and f not in ignore:
                        count += 1
            table = self.lines[axis]
            seen: set[int] = set()
            for stretch in range(lo // BLOCK, hi // BLOCK + 1):
                for item in table.get((at, stretch), ()):
                    a, b, f, e0, e1 = item
                    if a < hi and lo < b and f not in ignore and id(item) not in seen:
                        seen.add(id(item))
                        mine, theirs = ((lo, d0), (hi, d1)), ((a, e0), (b, e1))
                        count += min(_along(mine, theirs, lo, hi, a, b), _along(theirs, mine, a, b, lo, hi))
        return count


def _along(first, second, lo1: int, hi1: int, lo2: int, hi2: int) -> int:  # type: ignore[no-untyped-def]
    """Crossings of two segments on one line when `first` takes the track before (above,
    left of) `second`: its ends going on past `second` inside that one's span, and the
    other way round."""
    count = sum(1 for p, d in first if d > 0 and lo2 < p < hi2)
    return count + sum(1 for p, d in second if d < 0 and lo1 < p < hi1)


def choose_routes(
    spec: GridSpec,
    nodes: Sequence[GridNode],
    edges: Sequence[GridEdge],
    routes: list[Route],
    occ: Occupancy | None = None,
) -> list[Route]:
    """The routes, each edge that crosses others moved to its alternative crossing least
    (`occ`: the nodes' Occupancy when the caller has it)."""
    segments = [
        _straight_segment(nodes, edges[e])
        if route.straight
        else route_segments(route.lines, nodes, edges, e)
        if _drawn(edges[e]) and route.lines
        else []
        for e, route in enumerate(routes)
    ]
    index = SegmentIndex()
    for e, parts in enumerate(segments):
        index.add(e, parts)
    sharing = _sharing(edges)
    if occ is None:
        occ = Occupancy(nodes, edges)
    out = list(routes)
    steps = _straight_steps(nodes, edges, routes)
    todo = [
        e
        for e, route in enumerate(routes)
        if not route.straight and segments[e] and not _across_a_row(e, nodes, edges, steps, occ)
    ]
    options: dict[int, list[tuple[int, int, Route, list[Segment]]]] = {}  # edge -> (lines, length, route, segments)
    settled: dict[int, int] = {}  # edge -> its crossings when no alternative did better
    budget = max(EVALUATIONS, PER_EDGE * len(edges))
    for _ in range(PASSES):
        moved = False
        for e in todo:
            ignore = sharing.get(e, set()) | {e}
            now = index.crossings(segments[e], ignore)
            if now == 0 or settled.get(e) == now or budget <= 0:
                continue
            source, target = edges[e].source, edges[e].target
            assert source is not None and target is not None
            # a forward edge should not run behind its source (a feedback edge goes back anyway)
            first = 2 * nodes[source].column + 1 if nodes[source].column <= nodes[target].column else -1
            if e not in options:
                found: list[tuple[int, int, Route, list[Segment]]] = []
                for candidate in alternatives(spec, occ, e, nodes, edges):
                    if candidate.lines != out[e].lines:
                        parts = route_segments(candidate.lines, nodes, edges, e)
                        found.append((len(candidate.lines), _order(candidate.lines, parts, first), candidate, parts))
                found.sort(key=lambda option: (option[0], option[1]))
                options[e] = found
            best = (now + _cost(out[e]), len(out[e].lines), _length(segments[e]))
            chosen = None
            for lines, _, candidate, parts in options[e]:
                if budget <= 0:
                    break
                budget -= 1
                score = (index.crossings(parts, ignore) + _cost(candidate), lines, _length(parts))
                if score < best:
                    best, chosen = score, (candidate, parts)
                    if score[0] == 0:
                        break  # the options come fewest bends and shortest first
            if chosen is None:
                settled[e] = now
                continue
            index.remove(e, segments[e])
            old = out[e], segments[e]
            out[e], segments[e] = chosen
            index.add(e, segments[e])
            options[e] = [option for option in options[e] if option[2] is not chosen[0]]
            options[e].append((len(old[0].lines), _order(old[0].lines, old[1], first), old[0], old[1]))
            options[e].sort(key=lambda option: (option[0], option[1]))
            moved = True
        if not moved:
            break
    return out


def _across_a_row(
    e: int, nodes: Sequence[GridNode], edges: Sequence[GridEdge], steps: set[tuple[int, int, int]], occ: Occupancy
) -> bool:
    """Whether edge e must cross at least once, or go a long way round: out of one side of a
    row (its bottom, say) into the other side (a top) of a node further along that row, the
    nodes from before its source to after its target joined by straight edges (a
    decision's branch that skips a step: the flow along the row is a wall between them),
    and the wall going on past the nodes beyond them (when one of those ends the row, the
    way round it is short: an End, say, is passed round, and the search weighs it)."""
    edge = edges[e]
    assert edge.source is not None and edge.target is not None
    S, T = nodes[edge.source], nodes[edge.target]
    if S.row != T.row or {edge.source_side, edge.target_side} != {"top", "bottom"}:
        return False
    row = occ.by_row.get(S.row, [])
    lo, hi = sorted((S.column, T.column))
    k0, k1 = bisect_left(row, lo), bisect_left(row, hi)
    if k0 <= 1 or k1 + 1 >= len(row) - 1:
        return False  # the wall must go on past both ends, and past the nodes beyond them
    wall = row[k0 - 1 : k1 + 2]
    return all((S.row, a, b) in steps for a, b in pairwise(wall))


def _straight_steps(
    nodes: Sequence[GridNode], edges: Sequence[GridEdge], routes: Sequence[Route]
) -> set[tuple[int, int, int]]:
    """(row, column, next column) of every straight edge along a row."""
    found = set()
    for e, route in enumerate(routes):
        edge = edges[e]
        if (
            route.straight
            and edge.source is not None
            and edge.target is not None
            and edge.source_side in HORIZONTAL_SIDES
        ):
            a, b = sorted((nodes[edge.source].column, nodes[edge.target].column))
            found.add((nodes[edge.source].row, a, b))
    return found


def _straight_segment(nodes: Sequence[GridNode], edge: GridEdge) -> list[Segment]:
    """A straight edge: from its source's cell to its target's, one segment."""
    assert edge.source is not None and edge.target is not None
    s, t = nodes[edge.source], nodes[edge.target]
    x0, y0, x1, y1 = 2 * s.column + 1, 2 * s.row + 1, 2 * t.column + 1, 2 * t.row + 1
    return [(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1), 0, 0)]


def _drawn(edge: GridEdge) -> bool:
    return edge.source is not None and edge.target is not None


def _cost(route: Route) -> int:
    """What a route counts as beyond its crossings: a long way round must be worth it."""
    return DETOUR_COST if route.detour else 0


def _span(lines: Sequence[Line]) -> int:
    """How many lines a route has through gutters (an order for weighing options cheaply)."""
    return sum(1 for kind, _ in lines if kind != PORT)


def _order(lines: Sequence[Line], segments: Sequence[Segment], first: int) -> int:
    """Where an option comes among those with as many bends: fewest gutters, then not
    running behind a forward edge's source (left of `first`, the half-cell of its column:
    round the start of a row, against the flow), then shortest."""
    behind = any(x0 < first for x0, _, _, _, _, _ in segments)
    return (2 * _span(lines) + behind) * LONG + _length(segments)


def _length(segments: Sequence[Segment]) -> int:
    return sum(x1 - x0 + y1 - y0 for x0, y0, x1, y1, _, _ in segments)


def _sharing(edges: Sequence[GridEdge]) -> dict[int, set[int]]:
    """Per edge, the edges sharing one of its ports (leaving or entering one node's side):
    they may meet, as one trunk."""
    by_end: dict[tuple[int, str, int], list[int]] = {}  # (node, side, 0 source / 1 target) -> edges
    for e, edge in enumerate(edges):
        if edge.source is not None:
            by_end.setdefault((edge.source, edge.source_side, 0), []).append(e)
        if edge.target is not None:
            by_end.setdefault((edge.target, edge.target_side, 1), []).append(e)
    out: dict[int, set[int]] = {}
    for members in by_end.values():
        if len(members) > 1:
            for e in members:
                out.setdefault(e, set()).update(members)
    return out
