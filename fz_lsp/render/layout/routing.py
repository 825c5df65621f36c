"""Phase 4 of the grid router: orthogonal routes through the gutters, one track per segment.

Input: a `GridSpec`, its `GridNode`s and `GridEdge`s (see grid.py). Output, in two steps:

1. `plan_routes` gives each edge a route as a list of *lines* that alternate between
   horizontal and vertical. A line is either a **port line** (through one end's attachment
   point, perpendicular to that end's side: `(PORT, end)`) or a **track line** in a gutter
   (`(VTRACK, column gutter)` or `(HTRACK, row gutter)`). The bends are where consecutive
   lines meet. The first route that fits is taken, fewest bends first:
   - straight: the two ends face each other with nothing between (their ends share one
     attachment coordinate, see ports.py);
   - one bend (L): along the source's row or column to the target's column or row, when
     the corner cell and every cell on the way are empty;
   - two bends (Z or C): along both nodes' rows (or columns) to one gutter both reach
     through empty cells, then along that gutter;
   - otherwise through gutters only, which hold no node: out into the gutter next to the
     source's side, along it to a crossing gutter, along that, and into the target.
   Cells are never crossed unless empty, gutters never hold nodes, so no route passes
   through a node.
2. `assign_tracks`: every stretch of a route along a gutter is a *run*. Runs of one gutter
   whose extents meet must not share a coordinate, so each gets a track (ELK Layered's
   routing slots, libavoid's nudging): for each pair of meeting runs the order that makes
   fewer crossings is preferred (the ends of a run go left or right, up or down, at known
   heights), the preferences are made acyclic (Eades' greedy heuristic) and each run takes
   the first track beyond every run it must follow. A gutter is later widened to hold all
   its tracks (coordinates.py).

Together with the port spacing (no two attachment lines of facing sides coincide) this
guarantees that two edges never run along the same line, whatever the diagram.

Pure Python: no pygls import.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from fz_lsp.render.layout.geometry import HORIZONTAL_SIDES, OPPOSITE
from fz_lsp.render.layout.grid import GridEdge, GridNode, GridSpec
from fz_lsp.render.layout.ports import usable_half

PORT, VTRACK, HTRACK = 0, 1, 2
Line = tuple[int, int]  # (kind, end | gutter)


@dataclass(slots=True)
class Route:
    lines: list[Line]  # [] for an edge with no drawn end; one port line for a one-ended edge
    straight: bool = False  # its two ends face each other and share one coordinate
    detour: bool = False  # round the outside of the diagram (route_choice.DETOUR_COST)


@dataclass(slots=True)
class Run:
    """A stretch of a route along one gutter."""

    vertical: bool  # along a column gutter (a vertical segment)
    gutter: int
    lo: int  # extent along the gutter, in half-cells (gutter k = 2k, cell k = 2k + 1)
    hi: int
    edge: int
    line: int  # index of the line in its route
    ends: tuple[tuple[int, float], ...]  # per neighbour line: (which way it leaves: -1 | +1, where along)
    thickness: float = 0.0  # room a label on this run needs across the gutter (0: none)
    slot: int = -1
    before: float = 0.0  # room kept free before (left of, above) its track: labels of branches leaving it
    after: float = 0.0
    ports: tuple[tuple[int, float], ...] = ()  # those of `ends` that are port lines (through an attachment point)


@dataclass(slots=True)
class Tracks:
    runs: list[Run]
    slots: dict[tuple[bool, int], int] = field(default_factory=dict)  # (vertical, gutter) -> slot count


class Occupancy:
    """Which cells hold a node, by row and by column, for range queries; with the edges,
    which sides of the nodes they use (`shares_line`)."""

    def __init__(self, nodes: Sequence[GridNode], edges: Sequence[GridEdge] = ()) -> None:
        by_row: dict[int, list[int]] = {}
        by_column: dict[int, list[int]] = {}
        for node in nodes:
            by_row.setdefault(node.row, []).append(node.column)
            by_column.setdefault(node.column, []).append(node.row)
        self.by_row = {r: sorted(cs) for r, cs in by_row.items()}
        self.by_column = {c: sorted(rs) for c, rs in by_column.items()}
        self.diamonds = {(node.row, node.column) for node in nodes if node.shape == "diamond"}
        self.used: set[tuple[int, int, str]] = set()  # (row, column, side) of every edge end
        self.joined: set[tuple[tuple[int, int, str], tuple[int, int, str]]] = set()  # both ends' sides
        for edge in edges:
            ends = [
                (nodes[v].row, nodes[v].column, side)
                for v, side in ((edge.source, edge.source_side), (edge.target, edge.target_side))
                if v is not None
            ]
            self.used.update(ends)
            if len(ends) == 2:
                self.joined.update(((ends[0], ends[1]), (ends[1], ends[0])))

    @staticmethod
    def _next(values: list[int] | None, after: int, limit: int) -> int:
        if not values:
            return limit
        i = bisect_right(values, after)
        return values[i] if i < len(values) else limit

    @staticmethod
    def _previous(values: list[int] | None, before: int) -> int:
        if not values:
            return -1
        i = bisect_left(values, before)
        return values[i - 1] if i > 0 else -1

    def next_in_row(self, row: int, column: int, columns: int) -> int:
        """The first occupied column right of `column` in `row` (`columns` when none)."""
        return self._next(self.by_row.get(row), column, columns)

    def previous_in_row(self, row: int, column: int) -> int:
        return self._previous(self.by_row.get(row), column)

    def next_in_column(self, column: int, row: int, rows: int) -> int:
        return self._next(self.by_column.get(column), row, rows)

    def previous_in_column(self, column: int, row: int) -> int:
        return self._previous(self.by_column.get(column), row)

    def shares_line(self, spec: GridSpec, node: GridNode, side: str) -> bool:
        """Whether `side` of `node` and the side facing it of the next node that way (across
        empty cells) may put attachment points on one line: both in use, and both a
        diamond's corners or joined by an edge (drawn straight). Edges of both would then run
        along that line between them, so no route runs its port line past its first gutter
        there (ports.py spreads every other pair of facing sides apart)."""
        if side == "right":
            far = (node.row, self.next_in_row(node.row, node.column, spec.columns), "left")
        elif side == "left":
            far = (node.row, self.previous_in_row(node.row, node.column), "right")
        elif side == "bottom":
            far = (self.next_in_column(node.column, node.row, spec.rows), node.column, "top")
        else:
            far = (self.previous_in_column(node.column, node.row), node.column, "bottom")
        near = (node.row, node.column, side)
        if far not in self.used or near not in self.used:
            return False
        both_diamonds = (node.row, node.column) in self.diamonds and far[:2] in self.diamonds
        return both_diamonds or (near, far) in self.joined


def _exit_gutter(node: GridNode, side: str) -> int:
    """The gutter right next to a side: a column gutter for left/right, a row gutter else."""
    if side == "right":
        return node.column + 1
    if side == "left":
        return node.column
    if side == "bottom":
        return node.row + 1
    return node.row


def _reach(spec: GridSpec, occ: Occupancy, node: GridNode, side: str) -> tuple[int, int]:
    """Gutters a straight run out of `side` (or into it) reaches through empty cells (only
    the first where it may share its line with the side facing it, `Occupancy.shares_line`)."""
    if occ.shares_line(spec, node, side):
        first = _exit_gutter(node, side)
        return first, first
    if side == "right":
        return node.column + 1, occ.next_in_row(node.row, node.column, spec.columns)
    if side == "left":
        return occ.previous_in_row(node.row, node.column) + 1, node.column
    if side == "bottom":
        return node.row + 1, occ.next_in_column(node.column, node.row, spec.rows)
    return occ.previous_in_column(node.column, node.row) + 1, node.row


def plan_routes(
    spec: GridSpec,
    nodes: Sequence[GridNode],
    edges: Sequence[GridEdge],
    occ: Occupancy | None = None,
    fixed: Mapping[int, float] | None = None,
) -> list[Route]:
    """Each edge's first route; `occ`: the nodes' Occupancy when the caller has it; `fixed`:
    ends held at an offset on their side (a diamond's corner reached from a side, see
    ports.corner_knees), drawn straight only where the facing side can meet them there."""
    if occ is None:
        occ = Occupancy(nodes)
    routes = []
    for i, edge in enumerate(edges):
        s, t = edge.source, edge.target
        if s is None and t is None:
            routes.append(Route([]))
        elif s is None:
            routes.append(Route([(PORT, 2 * i + 1)]))
        elif t is None:
            routes.append(Route([(PORT, 2 * i)]))
        else:
            S, T = nodes[s], nodes[t]
            held = (fixed.get(2 * i), fixed.get(2 * i + 1)) if fixed else (None, None)
            may_be_straight = _held_ends_meet(held[0], S, held[1], T, edge.target_side)
            routes.append(_route(spec, occ, i, S, edge.source_side, T, edge.target_side, s == t, may_be_straight))
    return routes


def _held_ends_meet(
    source_offset: float | None, S: GridNode, target_offset: float | None, T: GridNode, ts: str
) -> bool:
    """Whether a straight edge can join ends held at these offsets (None: free to move). The
    facing nodes of a row or a column share their middle line, so a held end puts the other
    end at the same offset, which the other side must offer (a diamond: only its corner)."""
    if source_offset is None and target_offset is None:
        return True
    if source_offset is not None and target_offset is not None:
        return abs(source_offset - target_offset) < 1e-9
    if source_offset is not None:
        held, other, side = source_offset, T, ts
    else:
        assert target_offset is not None
        held, other, side = target_offset, S, OPPOSITE[ts]  # a straight edge's source side faces ts
    room = 0.0 if other.shape == "diamond" else usable_half(other.shape, side, other.width, other.height)
    return abs(held) <= room


def _route(
    spec: GridSpec,
    occ: Occupancy,
    i: int,
    S: GridNode,
    ss: str,
    T: GridNode,
    ts: str,
    same: bool,
    may_be_straight: bool = True,
) -> Route:
    es, et = (PORT, 2 * i), (PORT, 2 * i + 1)
    hs, ht = ss in HORIZONTAL_SIDES, ts in HORIZONTAL_SIDES
    if not same:
        if may_be_straight and _straight(spec, occ, S, ss, T, ts):
            return Route([es], straight=True)
        if hs != ht and _corner_free(spec, occ, S, ss, T, ts):
            return Route([es, et])
    if hs == ht:
        lo_s, hi_s = _reach(spec, occ, S, ss)
        lo_t, hi_t = _reach(spec, occ, T, ts)
        lo, hi = max(lo_s, lo_t), min(hi_s, hi_t)
        if lo <= hi and (not same or ss == ts):
            k = lo if ss in ("right", "bottom") else hi  # the gutter nearest the source
            return Route([es, (VTRACK if hs else HTRACK, k), et])
    a, b = _exit_gutter(S, ss), _exit_gutter(T, ts)
    if hs and ht:
        j = S.row + 1 if T.row >= S.row else S.row
        return Route([es, (VTRACK, a), (HTRACK, j), (VTRACK, b), et])
    if not hs and not ht:
        k = S.column + 1 if T.column >= S.column else S.column
        return Route([es, (HTRACK, a), (VTRACK, k), (HTRACK, b), et])
    if hs:
        return Route([es, (VTRACK, a), (HTRACK, b), et])
    return Route([es, (HTRACK, a), (VTRACK, b), et])


def alternatives(
    spec: GridSpec,
    occ: Occupancy,
    i: int,
    nodes: Sequence[GridNode],
    edges: Sequence[GridEdge],
) -> list[Route]:
    """Other routes edge i's ends allow (route_choice.py picks among them): through any
    gutter both ends reach, or through the gutters only, along the row gutters next to
    either end's row and the outer gutters of their groups of rows (a lane's boundary), or
    the column gutters beside either end's column and past either end's row's ends, or round
    the outside of the diagram (ends on tops or bottoms); an end on a side and one on a top or a
    bottom meet through any gutter each end's line reaches across empty cells (`_reach`)."""
    edge = edges[i]
    assert edge.source is not None and edge.target is not None
    S, T = nodes[edge.source], nodes[edge.target]
    ss, ts = edge.source_side, edge.target_side
    es, et = (PORT, 2 * i), (PORT, 2 * i + 1)
    hs, ht = ss in HORIZONTAL_SIDES, ts in HORIZONTAL_SIDES
    same = edge.source == edge.target
    out: list[Route] = []
    if hs == ht:
        lo_s, hi_s = _reach(spec, occ, S, ss)
        lo_t, hi_t = _reach(spec, occ, T, ts)
        lo, hi = max(lo_s, lo_t), min(hi_s, hi_t)
        if lo <= hi and (not same or ss == ts):
            out.extend(Route([es, (VTRACK if hs else HTRACK, k), et]) for k in sorted({lo, hi}))
    a, b = _exit_gutter(S, ss), _exit_gutter(T, ts)
    if hs and ht:
        if a != b:
            out.extend(Route([es, (VTRACK, a), (HTRACK, j), (VTRACK, b), et]) for j in _row_choices(spec, S, T))
    elif not hs and not ht:
        if a != b:
            ks = {S.column, S.column + 1, T.column, T.column + 1}
            for r in {S.row - 1, S.row, S.row + 1, T.row - 1, T.row, T.row + 1}:  # around the near rows' ends
                row = occ.by_row.get(r)
                if row:
                    ks.update((row[0], row[-1] + 1))
            out.extend(
                Route([es, (HTRACK, a), (VTRACK, k), (HTRACK, b), et]) for k in sorted(ks) if 0 <= k <= spec.columns
            )
            # round the outside: over the top or under the bottom of the whole diagram, down
            # (up) a gutter beside each end (a long hop whose way across is full of the flow)
            for outer in (0, spec.rows):
                out.extend(
                    Route([es, (HTRACK, a), (VTRACK, k1), (HTRACK, outer), (VTRACK, k2), (HTRACK, b), et], detour=True)
                    for k1 in (S.column, S.column + 1)
                    for k2 in (T.column, T.column + 1)
                    if outer not in (a, b)
                )
    else:
        # out of one end along its row (column) to a track across, then along the gutter the
        # other end's port line reaches: any gutter each end reaches through empty cells (the
        # nearest, the farthest, and those beside the other end's column or row)
        lo_s, hi_s = _reach(spec, occ, S, ss)
        lo_t, hi_t = _reach(spec, occ, T, ts)
        near_s = (T.column, T.column + 1) if hs else (T.row, T.row + 1)
        near_t = (S.row, S.row + 1) if hs else (S.column, S.column + 1)
        across = sorted(k for k in {a, lo_s, hi_s, *near_s} if lo_s <= k <= hi_s)
        along = sorted(j for j in {b, lo_t, hi_t, *near_t} if lo_t <= j <= hi_t)
        first, second = (VTRACK, HTRACK) if hs else (HTRACK, VTRACK)
        out.extend(Route([es, (first, k), (second, j), et]) for k in across for j in along)
    return out


def _row_choices(spec: GridSpec, S: GridNode, T: GridNode) -> list[int]:
    """Row gutters a route between two nodes may run along: next to either node's row and the
    outer gutters (dividers) of either node's group of rows."""
    dividers = sorted(spec.row_dividers)
    out = {S.row, S.row + 1, T.row, T.row + 1}
    for node in (S, T):
        k = bisect_right(dividers, node.row)
        out.add(dividers[k - 1] if k else 0)
        out.add(dividers[k] if k < len(dividers) else spec.rows)
    return sorted(j for j in out if 0 <= j <= spec.rows)


def _straight(spec: GridSpec, occ: Occupancy, S: GridNode, ss: str, T: GridNode, ts: str) -> bool:
    """The two sides face each other with no node between."""
    if ss == "right" and ts == "left" and S.row == T.row:
        return occ.next_in_row(S.row, S.column, spec.columns) == T.column
    if ss == "left" and ts == "right" and S.row == T.row:
        return occ.previous_in_row(S.row, S.column) == T.column
    if ss == "bottom" and ts == "top" and S.column == T.column:
        return occ.next_in_column(S.column, S.row, spec.rows) == T.row
    if ss == "top" and ts == "bottom" and S.column == T.column:
        return occ.previous_in_column(S.column, S.row) == T.row
    return False


def is_facing(spec: GridSpec, nodes: Sequence[GridNode], s: int, ss: str, t: int, ts: str) -> bool:
    """Whether an edge between these ends would be drawn straight (for callers and tests)."""
    return s != t and _straight(spec, Occupancy(nodes), nodes[s], ss, nodes[t], ts)


def _corner_free(spec: GridSpec, occ: Occupancy, S: GridNode, ss: str, T: GridNode, ts: str) -> bool:
    """One bend: out of S along its row (or column) into T's column (or row), all cells empty
    (and neither line past its first gutter where it may share a facing side's line)."""
    if occ.shares_line(spec, S, ss) or occ.shares_line(spec, T, ts):
        return False
    if ss in HORIZONTAL_SIDES:  # corner at (S.row, T.column)
        if ss == "right":
            if not (T.column > S.column and occ.next_in_row(S.row, S.column, spec.columns) > T.column):
                return False
        elif not (T.column < S.column and occ.previous_in_row(S.row, S.column) < T.column):
            return False
        if ts == "top":
            return S.row < T.row and occ.previous_in_column(T.column, T.row) < S.row
        return S.row > T.row and occ.next_in_column(T.column, T.row, spec.rows) > S.row
    # corner at (T.row, S.column)
    if ss == "bottom":
        if not (T.row > S.row and occ.next_in_column(S.column, S.row, spec.rows) > T.row):
            return False
    elif not (T.row < S.row and occ.previous_in_column(S.column, S.row) < T.row):
        return False
    if ts == "left":
        return S.column < T.column and occ.previous_in_row(T.row, T.column) < S.column
    return S.column > T.column and occ.next_in_row(T.row, T.column, spec.columns) > S.column


# ---------------------------------------------------------------------------
# Runs and tracks


def _place(line: Line, nodes: Sequence[GridNode], edges: Sequence[GridEdge], vertical_line: bool) -> int:
    """Where a line lies across the gutters it meets, in half-cells: a vertical line's x, a
    horizontal line's y (a port line runs through its node's cell)."""
    kind, ref = line
    if kind == PORT:
        node = _end_node(ref, nodes, edges)
        return 2 * (node.column if vertical_line else node.row) + 1
    return 2 * ref


def _end_node(end: int, nodes: Sequence[GridNode], edges: Sequence[GridEdge]) -> GridNode:
    edge = edges[end // 2]
    index = edge.target if end % 2 else edge.source
    assert index is not None
    return nodes[index]


def _fine(place: int, line: Line, offsets: Sequence[float]) -> float:
    """A line's `_place` (given) refined by the port's offset: comparable positions for crossing counts."""
    return place * 1000.0 + (offsets[line[1]] if line[0] == PORT else 0.0)


def make_runs(
    routes: Sequence[Route], nodes: Sequence[GridNode], edges: Sequence[GridEdge], offsets: Sequence[float]
) -> list[Run]:
    runs = []
    for e, route in enumerate(routes):
        lines = route.lines
        for k in range(1, len(lines) - 1):
            kind, gutter = lines[k]
            if kind == PORT:
                continue
            vertical = kind == VTRACK
            # the neighbours are perpendicular to this run: horizontal lines for a vertical run
            ends = []
            ports: list[tuple[int, float]] = []
            extent = []
            for step in (-1, 1):
                neighbour = lines[k + step]
                place = _place(neighbour, nodes, edges, vertical_line=not vertical)
                extent.append(place)
                # which way the neighbour leaves this gutter: towards the line after it
                beyond = lines[k + 2 * step] if 0 <= k + 2 * step < len(lines) else None
                if neighbour[0] == PORT:
                    node = _end_node(neighbour[1], nodes, edges)
                    far = 2 * (node.column if vertical else node.row) + 1
                else:
                    assert beyond is not None
                    far = _place(beyond, nodes, edges, vertical_line=vertical)
                ends.append((1 if far > 2 * gutter else -1, _fine(place, neighbour, offsets)))
                if neighbour[0] == PORT:
                    ports.append(ends[-1])
            runs.append(Run(vertical, gutter, min(extent), max(extent), e, k, (ends[0], ends[1]), ports=tuple(ports)))
    return runs


def assign_tracks(runs: list[Run], trunks: Sequence[Sequence[int]] = ()) -> Tracks:
    """A slot per run in each gutter: meeting runs never share one; order keeps crossings few.
    Each group in `trunks` (indexes into `runs`) is one trunk: its runs take one slot."""
    members: dict[int, list[Run]] = {}
    units: list[Run] = []
    in_trunk: set[int] = set()
    for group in trunks:
        parts = [runs[r] for r in group]
        in_trunk.update(group)
        first = min(parts, key=lambda run: (run.edge, run.line))
        unit = Run(
            first.vertical,
            first.gutter,
            min(run.lo for run in parts),
            max(run.hi for run in parts),
            first.edge,
            first.line,
            tuple(end for run in parts for end in run.ends),
            max(run.thickness for run in parts),
            ports=tuple(end for run in parts for end in run.ports),
        )
        members[id(unit)] = parts
        units.append(unit)
    units.extend(run for r, run in enumerate(runs) if r not in in_trunk)
    by_gutter: dict[tuple[bool, int], list[Run]] = {}
    for run in units:
        by_gutter.setdefault((run.vertical, run.gutter), []).append(run)
    tracks = Tracks(runs)
    for key, gutter_runs in by_gutter.items():
        tracks.slots[key] = _slots(gutter_runs)
    for unit in units:
        for run in members.get(id(unit), ()):
            run.slot = unit.slot
    return tracks


BLOCKED = 1000  # a track order that would lay two edges on one line: as bad as that many crossings


def _crossings(first: Run, second: Run) -> int:
    """Crossings when `first` lies before (left of, above) `second`; an order in which a line
    leaving `first` onwards and a line leaving `second` backwards lie on one coordinate
    (two diamonds' corners facing each other) would run them together: BLOCKED."""
    lo2, hi2 = min(p for _, p in second.ends), max(p for _, p in second.ends)
    lo1, hi1 = min(p for _, p in first.ends), max(p for _, p in first.ends)
    count = sum(1 for d, p in first.ends if d > 0 and lo2 < p < hi2)
    count += sum(1 for d, p in second.ends if d < 0 and lo1 < p < hi1)
    onwards = {p for d, p in first.ports if d > 0}
    if onwards:
        count += BLOCKED * len(onwards.intersection(p for d, p in second.ports if d < 0))
    return count


def _slots(group: list[Run]) -> int:
    group.sort(key=lambda r: (r.lo, r.hi, r.edge, r.line))
    n = len(group)
    if n == 1:
        group[0].slot = 0
        return 1
    after: list[dict[int, int]] = [{} for _ in range(n)]  # i -> {j: weight}: i wants to lie before j
    before: list[dict[int, int]] = [{} for _ in range(n)]
    meets: list[list[int]] = [[] for _ in range(n)]
    for i in range(n):
        a = group[i]
        for j in range(i + 1, n):
            b = group[j]
            if b.lo > a.hi:
                break
            meets[i].append(j)
            meets[j].append(i)
            ab, ba = _crossings(a, b), _crossings(b, a)
            first, second, weight = (i, j, ba - ab) if ab <= ba else (j, i, ab - ba)
            after[first][second] = weight
            before[second][first] = weight
    order = _greedy_order(n, after, before)
    rank = {v: k for k, v in enumerate(order)}
    slots = 0
    for v in order:
        slot = 1 + max((group[u].slot for u in meets[v] if rank[u] < rank[v]), default=-1)
        group[v].slot = slot
        slots = max(slots, slot + 1)
    return slots


def _greedy_order(n: int, after: list[dict[int, int]], before: list[dict[int, int]]) -> list[int]:
    """A linear order breaking the fewest preference weights (Eades, Lin, Smyth 1993)."""
    alive = set(range(n))
    out_deg = [len(after[v]) for v in range(n)]
    in_deg = [len(before[v]) for v in range(n)]
    out_w = [sum(after[v].values()) for v in range(n)]
    in_w = [sum(before[v].values()) for v in range(n)]
    head: list[int] = []
    tail: list[int] = []

    def remove(v: int) -> None:
        alive.discard(v)
        for w, weight in after[v].items():
            if w in alive:
                in_deg[w] -= 1
                in_w[w] -= weight
        for u, weight in before[v].items():
            if u in alive:
                out_deg[u] -= 1
                out_w[u] -= weight

    while alive:
        progress = True
        while progress:
            progress = False
            for v in sorted(alive):
                if v not in alive:
                    continue
                if out_deg[v] == 0:
                    tail.append(v)
                    remove(v)
                    progress = True
                elif in_deg[v] == 0:
                    head.append(v)
                    remove(v)
                    progress = True
        if alive:
            v = max(sorted(alive), key=lambda u: out_w[u] - in_w[u])
            head.append(v)
            remove(v)
    return head + tail[::-1]
