"""Hyperedges of the grid router: edges that share a port run as one trunk.

ELK Layered draws the edges leaving one port as a *hyperedge*: one segment per gutter
that every branch shares, each branch parting from it where it turns towards its own
target, with a junction dot where three ways meet. Here the ends of one node's side that
leave it share one attachment point (ports.assign_shared_ports), and:

- `trunk_groups`: the runs (routing.Run: a route's stretch along one gutter) that edges
  sharing a source point have in common from it, line by line, form one group taking one
  track (routing.assign_tracks); likewise the runs edges sharing a target point have in
  common before it. So a fan-out is one trunk and a fan-in another.
- `junction_points`: where, in the drawn polylines of the edges sharing a point, three
  or more directions meet: the dots svg.py draws.

Pure Python: no pygls import.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from fz_lsp.render.layout.geometry import Point
from fz_lsp.render.layout.routing import PORT, Route, Run


def trunk_groups(routes: Sequence[Route], runs: Sequence[Run], slot_of: Sequence[int]) -> list[list[int]]:
    """Groups (indexes into `runs`, at least two each) of runs drawn as one trunk."""
    index = {(run.edge, run.line): r for r, run in enumerate(runs)}
    parent = list(range(len(runs)))

    def find(r: int) -> int:
        while parent[r] != r:
            parent[r] = parent[parent[r]]
            r = parent[r]
        return r

    first: dict[tuple[object, ...], int] = {}
    family: dict[int, tuple[int, int]] = {}  # run -> the (end, slot) whose trunk it is part of
    for which in (0, 1):
        for e, route in enumerate(routes):
            lines = route.lines
            slot = slot_of[2 * e + which] if len(lines) >= 3 else -1
            if slot < 0:
                continue
            key: tuple[object, ...] = (which, slot)
            order = range(1, len(lines) - 1) if which == 0 else range(len(lines) - 2, 0, -1)
            for k in order:
                kind, _ = lines[k]
                r = index.get((e, k))
                if kind == PORT or r is None or family.get(r, (which, slot)) != (which, slot):
                    break  # a run is part of one trunk only: a fan-out's or a fan-in's
                key = (*key, lines[k])
                seen = first.setdefault(key, r)
                if seen != r:
                    family[r] = family[seen] = (which, slot)
                    a, b = find(seen), find(r)
                    if a != b:
                        parent[b] = a
    groups: dict[int, list[int]] = {}
    for r in range(len(runs)):
        groups.setdefault(find(r), []).append(r)
    return [g for g in groups.values() if len(g) > 1]


def junction_points(paths: Sequence[Sequence[Point]], slot_of: Sequence[int]) -> list[Point]:
    """Points where the edges sharing an attachment point branch: three or more directions
    of their polylines meet there (sorted, each once)."""
    groups: dict[tuple[int, int], list[Sequence[Point]]] = {}
    for e, points in enumerate(paths):
        if len(points) < 2:
            continue
        for which in (0, 1):
            slot = slot_of[2 * e + which]
            if slot >= 0:
                groups.setdefault((which, slot), []).append(points if which == 0 else points[::-1])
    found: set[Point] = set()
    for polylines in groups.values():
        if len(polylines) > 1:
            found.update(_branchings(polylines))
    return sorted(found)


def _branchings(polylines: Sequence[Sequence[Point]]) -> list[Point]:
    """Vertices of degree three or more in the union of axis-parallel polylines."""
    vertices = {p for points in polylines for p in points}
    pieces: set[tuple[Point, Point]] = set()
    for points in polylines:
        for a, b in pairwise(points):
            if a == b:
                continue
            if a[1] == b[1]:
                lo, hi = sorted((a[0], b[0]))
                cuts = sorted({a[0], b[0], *(p[0] for p in vertices if p[1] == a[1] and lo < p[0] < hi)})
                steps = [((x0, a[1]), (x1, a[1])) for x0, x1 in pairwise(cuts)]
            else:
                lo, hi = sorted((a[1], b[1]))
                cuts = sorted({a[1], b[1], *(p[1] for p in vertices if p[0] == a[0] and lo < p[1] < hi)})
                steps = [((a[0], y0), (a[0], y1)) for y0, y1 in pairwise(cuts)]
            pieces.update(steps)
    degree: dict[Point, int] = {}
    for a, b in pieces:
        degree[a] = degree.get(a, 0) + 1
        degree[b] = degree.get(b, 0) + 1
    return [p for p, d in degree.items() if d >= 3]


def shared_lengths(paths: Sequence[Sequence[Point]], slot_of: Sequence[int]) -> list[tuple[float, float]]:
    """Per edge, how far from its start and from its end it runs together with another edge
    sharing that attachment point (the trunk part, where its label does not belong)."""
    groups: dict[tuple[int, int], list[int]] = {}
    for e, points in enumerate(paths):
        if len(points) >= 2:
            for which in (0, 1):
                if slot_of[2 * e + which] >= 0:
                    groups.setdefault((which, slot_of[2 * e + which]), []).append(e)
    start = [0.0] * len(paths)
    end = [0.0] * len(paths)
    for (which, _), members in groups.items():
        if len(members) < 2:
            continue
        walks = {e: (paths[e] if which == 0 else paths[e][::-1]) for e in members}
        longest = start if which == 0 else end
        for i, e in enumerate(members):
            for f in members[i + 1 :]:
                run = common_run(walks[e], walks[f])
                longest[e] = max(longest[e], run)
                longest[f] = max(longest[f], run)
    return list(zip(start, end))


def common_run(a: Sequence[Point], b: Sequence[Point]) -> float:
    """How far two axis-parallel polylines starting at one point run together from it."""
    if not a or not b or _far(a[0], b[0]):
        return 0.0
    at = a[0]
    i = j = 1
    run = 0.0
    while i < len(a) and j < len(b):
        pa, pb = a[i], b[j]
        la, lb = _length(at, pa), _length(at, pb)
        if la < 1e-6:
            i += 1
            continue
        if lb < 1e-6:
            j += 1
            continue
        if (_sign(pa[0] - at[0]), _sign(pa[1] - at[1])) != (_sign(pb[0] - at[0]), _sign(pb[1] - at[1])):
            break
        if la <= lb + 1e-6:
            run, at, i = run + la, pa, i + 1
            if lb - la < 1e-6:
                j += 1
        else:
            run, at, j = run + lb, pb, j + 1
    return run


def _length(a: Point, b: Point) -> float:
    return abs(b[0] - a[0]) + abs(b[1] - a[1])


def _far(a: Point, b: Point) -> bool:
    return _length(a, b) > 1e-6


def _sign(v: float) -> int:
    return (v > 1e-9) - (v < -1e-9)
