"""The architecture view's return arrows on outer channels, clear of the forward flow.

A return (a dependency that closes a cycle, drawn dashed from right to left) never runs
through the gaps between the cards: it leaves its source straight up or down, runs along a
channel above every card or below every card, and enters its target straight down or up.
The forward arrows and their labels stay between the cards, so a return crosses none of
them. When one end can only go up and the other only down, the return goes round the side
of the whole drawing (a *ring*: down to the bottom channel, along it, up a side channel
beside every card, along the top channel).

    channels = route_returns(boxes, forward_paths, forward_labels, returns)

Input, plain data: the boxes of the cards that have dependencies, the forward arrows'
polylines and label boxes (placed by the grid router), and each return as (source card,
target card, label size). Output: a polyline, sides and label box per return, and the cards
that have a return end but no clear way up or down (the caller gives each such card a
column of its own, where the way up is always clear, and routes again).

1. Ways out: a card may go up when the strip above its middle (as wide as its return ends
   need) up to the top channel holds no other card, no forward segment and no forward
   label; likewise down.
2. Channels: a return goes on top when both its ends may go up, below when both may go
   down; when both are open, on the side where it crosses fewer returns already placed
   (shortest first; two returns cross when their spans overlap without one holding the
   other) and meets fewer at a common card (a chain of replies alternates below and
   above instead of running end to end on one line); otherwise round the side, or not at all.
3. Ports: the ends on one side of a card spread around its middle, those running left on
   the left, nearest partner outermost, so that returns of one card nest (a rainbow).
4. Tracks: each channel's returns, shortest first, take the track just beyond every return
   they overlap (a return holding another runs outside it, so nested returns never cross);
   a track is as thick as the tallest label on it.
5. Labels: on their return's channel run, clear of everything (layout/labels.py).

Pure Python: no pygls import.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from fz_lsp.render.layout.geometry import Box, BoxIndex, Point
from fz_lsp.render.layout.labels import LabelPlacer

TRACK_GAP = 10.0  # between two tracks of a channel (a track without a label)
TRACK_MARGIN = 18.0  # from the cards (or the forward flow) to a channel's first track
PORT_GAP = 14.0  # between two ends on one side of a card
PORT_INSET = 12.0  # ends keep this far from a card's corners
RUN_GAP = 8.0  # two returns on one track keep this far apart
LABEL_PAD = 2.0  # a track with a label is this much thicker than the label

TOP, BOTTOM = "top", "bottom"


@dataclass(frozen=True, slots=True)
class Return:
    source: int  # index of the source card
    target: int  # index of the target card
    label: tuple[float, float] | None  # the label's (width, height), halo included


@dataclass(frozen=True, slots=True)
class ReturnRoute:
    points: tuple[Point, ...]  # source end first; the arrowhead at the last point
    source_side: str  # top | bottom
    target_side: str
    label: Box | None


@dataclass(frozen=True, slots=True)
class Channels:
    routes: tuple[ReturnRoute | None, ...]  # per return; None when it has no way (see blocked)
    blocked: frozenset[int]  # cards with a return end and no clear way up or down


@dataclass(slots=True)
class _Plan:
    """One return on its way: which side each end leaves by, and the horizontal runs."""

    index: int
    source_side: str
    target_side: str
    ring: str | None = None  # left | right: round that side of the drawing
    source_x: float = 0.0
    target_x: float = 0.0
    tracks: tuple[int, int] = (0, 0)  # track of the run at the source's side, at the target's


def route_returns(
    boxes: Sequence[Box],
    forward_paths: Sequence[Sequence[Point]],
    forward_labels: Sequence[Box],
    returns: Sequence[Return],
) -> Channels:
    if not returns:
        return Channels((), frozenset())
    forward: list[tuple[Point, Point]] = [(a, b) for path in forward_paths for a, b in pairwise(path) if a != b]
    extent = _extent(boxes, forward, forward_labels)
    top_edge, bottom_edge, left_edge, right_edge = extent.y, extent.bottom, extent.x, extent.right

    up, down = _ways_out(boxes, forward, forward_labels, Counter(c for r in returns for c in (r.source, r.target)))
    plans: list[_Plan | None] = [None] * len(returns)
    blocked: set[int] = set()
    centre = [b.cx for b in boxes]
    order = sorted(range(len(returns)), key=lambda k: (abs(centre[returns[k].source] - centre[returns[k].target]), k))
    chooser = _SideChooser(sorted(set(centre)))
    for k in order:
        s, t = returns[k].source, returns[k].target
        if not (up[s] or down[s]) or not (up[t] or down[t]):
            blocked |= {c for c in (s, t) if not (up[c] or down[c])}
            continue
        sides = [side for side, ok in ((BOTTOM, down[s] and down[t]), (TOP, up[s] and up[t])) if ok]
        if sides:
            side = chooser.choose(sides, s, t, centre)
            plans[k] = _Plan(k, side, side)
        else:  # one end only up, the other only down: round the nearer side
            lo = abs(centre[s] - left_edge) + abs(centre[t] - left_edge)
            hi = abs(right_edge - centre[s]) + abs(right_edge - centre[t])
            plans[k] = _Plan(k, TOP if up[s] else BOTTOM, TOP if up[t] else BOTTOM, "left" if lo <= hi else "right")

    planned = [p for p in plans if p is not None]
    _assign_ports(planned, returns, boxes)
    thickness = {TOP: _assign_tracks(planned, returns, TOP), BOTTOM: _assign_tracks(planned, returns, BOTTOM)}
    lines = {
        TOP: _track_lines(thickness[TOP], top_edge, -1.0),
        BOTTOM: _track_lines(thickness[BOTTOM], bottom_edge, 1.0),
    }
    sides_x = _ring_sides(planned, left_edge, right_edge)

    routes: list[ReturnRoute | None] = [None] * len(returns)
    paths: list[tuple[Point, ...]] = []
    for plan in planned:
        r = returns[plan.index]
        s_box, t_box = boxes[r.source], boxes[r.target]
        start = (plan.source_x, s_box.y if plan.source_side == TOP else s_box.bottom)
        end = (plan.target_x, t_box.y if plan.target_side == TOP else t_box.bottom)
        y_s = lines[plan.source_side][plan.tracks[0]]
        y_t = lines[plan.target_side][plan.tracks[1]]
        if plan.ring is None:
            points: tuple[Point, ...] = (start, (start[0], y_s), (end[0], y_s), end)
        else:
            x = sides_x[plan.index]
            points = (start, (start[0], y_s), (x, y_s), (x, y_t), (end[0], y_t), end)
        routes[plan.index] = ReturnRoute(points, plan.source_side, plan.target_side, None)
        paths.append(points)

    # labels: on their own run, clear of the cards, every arrow and every label
    placer = LabelPlacer([*forward_paths, *paths], boxes, forward_labels, [True] * (len(forward_paths) + len(paths)))
    for k, plan in enumerate(planned):
        route = routes[plan.index]
        size = returns[plan.index].label
        if route is None or size is None:
            continue
        e = len(forward_paths) + k
        runs = [j for j in range(1, len(route.points) - 2) if route.points[j][1] == route.points[j + 1][1]]
        run = max(runs, key=lambda j: (abs(route.points[j + 1][0] - route.points[j][0]), -j))
        a, b = route.points[run], route.points[run + 1]
        box = placer.place(e, *size, [run], ((a[0] + b[0]) / 2, a[1]))
        if box is None:
            box = placer.place_anywhere(e, *size)
        routes[plan.index] = ReturnRoute(route.points, route.source_side, route.target_side, box)
    return Channels(tuple(routes), frozenset(blocked))


def _extent(boxes: Sequence[Box], forward: Sequence[tuple[Point, Point]], labels: Sequence[Box]) -> Box:
    """The box holding the cards, the forward arrows and their labels."""
    xs = [p[0] for segment in forward for p in segment]
    ys = [p[1] for segment in forward for p in segment]
    x0 = min([b.x for b in (*boxes, *labels)] + xs)
    y0 = min([b.y for b in (*boxes, *labels)] + ys)
    x1 = max([b.right for b in (*boxes, *labels)] + xs)
    y1 = max([b.bottom for b in (*boxes, *labels)] + ys)
    return Box(x0, y0, x1 - x0, y1 - y0)


def _ways_out(
    boxes: Sequence[Box], forward: Sequence[tuple[Point, Point]], labels: Sequence[Box], ends: Counter[int]
) -> tuple[list[bool], list[bool]]:
    """Per card, whether the strip above it (below it) is clear up to the top (bottom) of
    everything: no other card, no forward segment, no forward label. The strip is as wide as
    the card's return ends need around its middle (`ends`: card -> how many)."""
    index = BoxIndex()
    for k, box in enumerate(boxes):
        index.add_box(box, owner=("card", k))
    for a, b in forward:
        index.add_segment(a, b)
    for box in labels:
        index.add_box(box)
    extent = _extent(boxes, forward, labels)
    top, bottom = extent.y - 1.0, extent.bottom + 1.0
    up = [False] * len(boxes)
    down = [False] * len(boxes)
    for k, n in ends.items():
        box = boxes[k]
        half = min(box.w / 2 - 1, (n + 1) * PORT_GAP / 2)
        x = box.cx - half
        up[k] = not index.hit(Box(x, top, 2 * half, box.y - top), ignore=("card", k))
        down[k] = not index.hit(Box(x, box.bottom, 2 * half, bottom - box.bottom), ignore=("card", k))
    return up, down


class _Fenwick:
    def __init__(self, n: int) -> None:
        self.tree = [0] * (n + 1)

    def add(self, i: int) -> None:
        i += 1
        while i < len(self.tree):
            self.tree[i] += 1
            i += i & -i

    def below(self, i: int) -> int:
        """How many added positions are < i."""
        total = 0
        while i > 0:
            total += self.tree[i]
            i -= i & -i
        return total


class _SideChooser:
    """The returns placed on each channel, counted so that how many of them a new one would
    cross (spans overlapping without one holding the other) or meet at a common card is
    answered without going through them all: placed shortest first, a return can only be
    crossed by one that straddles one of its ends."""

    def __init__(self, xs: list[float]) -> None:
        self.xs = xs
        self.starts = {side: _Fenwick(len(xs)) for side in (TOP, BOTTOM)}
        self.ends = {side: _Fenwick(len(xs)) for side in (TOP, BOTTOM)}
        self.cards: dict[str, Counter[int]] = {side: Counter() for side in (TOP, BOTTOM)}

    def _straddling(self, side: str, i: int) -> int:
        """Placed spans [a, b] with a < i < b."""
        return self.starts[side].below(i) - self.ends[side].below(i + 1)

    def cost(self, side: str, s: int, t: int, centre: Sequence[float]) -> int:
        lo, hi = sorted((bisect_left(self.xs, centre[s]), bisect_left(self.xs, centre[t])))
        crossings = self._straddling(side, lo) + self._straddling(side, hi) if lo < hi else 0
        return 2 * crossings + self.cards[side][s] + self.cards[side][t]

    def choose(self, sides: list[str], s: int, t: int, centre: Sequence[float]) -> str:
        side = min(sides, key=lambda side: (self.cost(side, s, t, centre), side != BOTTOM))
        lo, hi = sorted((bisect_left(self.xs, centre[s]), bisect_left(self.xs, centre[t])))
        self.starts[side].add(lo)
        self.ends[side].add(hi)
        self.cards[side].update((s, t))
        return side


def _assign_ports(plans: Sequence[_Plan], returns: Sequence[Return], boxes: Sequence[Box]) -> None:
    """Ends on one side of a card spread around its middle: those whose run goes left on the
    left (the nearest partner leftmost), those going right on the right (the nearest
    rightmost), so the returns of one card nest instead of crossing."""
    ends: dict[tuple[int, str], list[tuple[int, float, _Plan, bool]]] = {}
    for plan in plans:
        r = returns[plan.index]
        for card, other, side, is_source in (
            (r.source, r.target, plan.source_side, True),
            (r.target, r.source, plan.target_side, False),
        ):
            here, there = boxes[card].cx, boxes[other].cx
            if plan.ring is not None:
                going = -1 if plan.ring == "left" else 1
                reach = 1e9 + abs(there - here)  # a ring reaches furthest of all
            else:
                going = -1 if there < here else 1
                reach = abs(there - here)
            # left-going: nearest first; right-going: furthest first
            key = reach if going < 0 else -reach
            ends.setdefault((card, side), []).append((going, key, plan, is_source))
    for (card, _), group in ends.items():
        group.sort(key=lambda e: (e[0], e[1], e[2].index))
        box = boxes[card]
        gap = min(PORT_GAP, max(1.0, box.w - 2 * PORT_INSET) / max(1, len(group)))
        first = box.cx - gap * (len(group) - 1) / 2
        for k, (_, _, plan, is_source) in enumerate(group):
            if is_source:
                plan.source_x = first + k * gap
            else:
                plan.target_x = first + k * gap


class _RangeMax:
    """Positions 0..n-1 holding numbers: raise a range to at least v, ask a range's maximum."""

    def __init__(self, n: int) -> None:
        self.size = 1
        while self.size < n:
            self.size *= 2
        self.high = [-1] * (2 * self.size)  # the maximum over the node's range
        self.floor = [-1] * (2 * self.size)  # raised over the whole range, not yet passed down

    def raise_to(self, lo: int, hi: int, value: int, node: int = 1, nlo: int = 0, nhi: int = -1) -> None:
        nhi = self.size - 1 if nhi < 0 else nhi
        if hi < nlo or nhi < lo:
            return
        if lo <= nlo and nhi <= hi:
            self.floor[node] = max(self.floor[node], value)
            self.high[node] = max(self.high[node], value)
            return
        mid = (nlo + nhi) // 2
        self.raise_to(lo, hi, value, 2 * node, nlo, mid)
        self.raise_to(lo, hi, value, 2 * node + 1, mid + 1, nhi)
        self.high[node] = max(self.floor[node], self.high[2 * node], self.high[2 * node + 1])

    def highest(self, lo: int, hi: int, node: int = 1, nlo: int = 0, nhi: int = -1) -> int:
        nhi = self.size - 1 if nhi < 0 else nhi
        if hi < nlo or nhi < lo:
            return -1
        if lo <= nlo and nhi <= hi:
            return self.high[node]
        mid = (nlo + nhi) // 2
        return max(
            self.floor[node],
            self.highest(lo, hi, 2 * node, nlo, mid),
            self.highest(lo, hi, 2 * node + 1, mid + 1, nhi),
        )


def _assign_tracks(plans: Sequence[_Plan], returns: Sequence[Return], side: str) -> list[float]:
    """Tracks of one channel, track 0 nearest the cards: each run, shortest first, takes the
    track just beyond every run it overlaps (so a run holding another lies outside it).
    Answers each track's thickness (room for the tallest label on it)."""
    far = -1e9  # where a ring's run starts: beyond every card
    runs: list[tuple[float, float, _Plan, int]] = []  # (from x, to x, plan, 0 source run | 1 target run)
    for plan in plans:
        if plan.ring is None:
            if plan.source_side == side:
                runs.append((min(plan.source_x, plan.target_x), max(plan.source_x, plan.target_x), plan, 0))
            continue
        for which, (x, end_side) in enumerate(((plan.source_x, plan.source_side), (plan.target_x, plan.target_side))):
            if end_side == side:
                runs.append(((far, x) if plan.ring == "left" else (x, -far)) + (plan, which))
    if not runs:
        return []
    coords = sorted({v for lo, hi, _, _ in runs for v in (lo - RUN_GAP / 2, hi + RUN_GAP / 2)})
    tracks = _RangeMax(len(coords))
    thickness: list[float] = []
    for lo, hi, plan, which in sorted(runs, key=lambda r: (r[1] - r[0], r[2].index, r[3])):
        a, b = bisect_left(coords, lo - RUN_GAP / 2), bisect_left(coords, hi + RUN_GAP / 2)
        track = tracks.highest(a, b) + 1
        tracks.raise_to(a, b, track)
        if plan.ring is None:
            plan.tracks = (track, track)
        else:
            plan.tracks = (track, plan.tracks[1]) if which == 0 else (plan.tracks[0], track)
        while len(thickness) <= track:
            thickness.append(TRACK_GAP)
        label = returns[plan.index].label
        if label is not None:
            thickness[track] = max(thickness[track], label[1] + 2 * LABEL_PAD)
    return thickness


def _track_lines(thickness: Sequence[float], edge: float, outward: float) -> list[float]:
    """Where each track's line lies: the first `TRACK_MARGIN` beyond `edge` (less half a
    plain track), each next one beyond the last by half of each one's thickness."""
    lines = []
    at = edge + outward * (TRACK_MARGIN - TRACK_GAP / 2)
    for t in thickness:
        lines.append(at + outward * t / 2)
        at += outward * t
    return lines


def _ring_sides(plans: Sequence[_Plan], left_edge: float, right_edge: float) -> dict[int, float]:
    """The side track of each ring: those with outer runs furthest out."""
    out: dict[int, float] = {}
    for side, edge, outward in (("left", left_edge, -1.0), ("right", right_edge, 1.0)):
        rings = sorted((p for p in plans if p.ring == side), key=lambda p: (sum(p.tracks), p.index))
        for k, plan in enumerate(rings):
            out[plan.index] = edge + outward * (TRACK_MARGIN + k * TRACK_GAP)
    return out
