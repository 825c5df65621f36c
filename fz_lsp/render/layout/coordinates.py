"""Phase 5 of the grid router: coordinates of columns, rows, gutters, tracks and paths.

A column is as wide as its widest node, a row as tall as its tallest (or their minimums);
nodes sit centred in their cells. A gutter is as wide as its minimum, or as its tracks
need: `TRACK_GAP` per track (more for a track that carries a label across it), a
`TRACK_MARGIN` from each side so that an arrowhead always has a straight run, and, when a
straight edge's label sits in the gutter, a free zone in the middle of the tracks as wide
as that label. Tracks are centred in their gutter; a row gutter with a divider (a lane
boundary) keeps its tracks off the divider line.

Then every route (routing.py) becomes a polyline: the bends are where consecutive lines
meet; a port line passes through its end's attachment point on the node's outline
(rectangle, circle or diamond), a track line through its track.

Pure Python: no pygls import.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from fz_lsp.render.layout.geometry import HORIZONTAL_SIDES, NORMALS, Box, Point
from fz_lsp.render.layout.grid import GridEdge, GridNode, GridSpec
from fz_lsp.render.layout.routing import PORT, VTRACK, Route, Tracks

COLUMN_GUTTER = 40.0
ROW_GUTTER = 40.0
TRACK_GAP = 10.0
TRACK_MARGIN = 18.0  # from a gutter's side to its nearest track
DIVIDER_GAP = 10.0  # tracks keep off a divider line by half this
ZONE_EDGE = 9.0  # from a gutter's side to a label zone with no track beside it
DANGLING_LENGTH = 36.0
STUB_GAP = 4.0  # between the tips of two stubs facing each other across a gutter


@dataclass(slots=True)
class GutterPlan:
    size: float  # needed size across the gutter
    offsets: list[float]  # per slot: the track's position from the gutter's middle
    zone_at: float  # the zone's (or divider's) middle, from the gutter's middle


def plan_gutter(
    thickness: Sequence[float],
    zone: float,
    divided: bool,
    minimum: float,
    room: Sequence[tuple[float, float]] = (),
    zone_side: int = 0,
    keep: float = 0.0,
) -> GutterPlan:
    """Tracks of the given thicknesses, in order, around a middle zone (or divider gap); a
    track with `room` (before, after) keeps that much more free on either side (for the
    labels of the branches leaving a trunk). A zone with `zone_side` 1 (-1) comes after
    (before) every track: a fan-out's straight branch has its label beyond the trunk.
    `keep` is left free of tracks at the gutter's far end (a loop's tab sits there)."""
    n = len(thickness)
    gap = zone if zone > 0 else (DIVIDER_GAP if divided and n else 0.0)
    split = (n if zone_side > 0 else 0 if zone_side < 0 else n // 2) if gap > 0 else n
    extra = [room[k] if k < len(room) else (0.0, 0.0) for k in range(n)]
    total = sum(thickness) + gap + sum(b + a for b, a in extra)
    margin = TRACK_MARGIN - TRACK_GAP / 2 if n else ZONE_EDGE
    size = max(minimum, total + 2 * margin + keep) if n or gap else max(minimum, keep)
    offsets = []
    at = -(total + keep) / 2  # the tracks centred on what the kept room leaves
    zone_at = 0.0
    for k, t in enumerate(thickness):
        if k == split:
            zone_at = at + gap / 2
            at += gap
        before, after = extra[k]
        offsets.append(at + before + t / 2)
        at += before + t + after
    if split == n:
        zone_at = at + gap / 2 if gap else -keep / 2
    return GutterPlan(size, offsets, zone_at)


@dataclass(slots=True)
class Geometry:
    column_left: list[float]
    column_width: list[float]
    row_top: list[float]
    row_height: list[float]
    column_gutters: list[tuple[float, float]]
    row_gutters: list[tuple[float, float]]
    column_plans: list[GutterPlan]
    row_plans: list[GutterPlan]
    boxes: list[Box]

    def track(self, vertical: bool, gutter: int, slot: int) -> float:
        lo, hi = (self.column_gutters if vertical else self.row_gutters)[gutter]
        plan = (self.column_plans if vertical else self.row_plans)[gutter]
        return (lo + hi) / 2 + plan.offsets[slot]

    def zone(self, vertical: bool, gutter: int) -> float:
        lo, hi = (self.column_gutters if vertical else self.row_gutters)[gutter]
        plan = (self.column_plans if vertical else self.row_plans)[gutter]
        return (lo + hi) / 2 + plan.zone_at


def place(
    spec: GridSpec,
    nodes: Sequence[GridNode],
    sizes: Sequence[tuple[float, float]],
    tracks: Tracks,
    zones: dict[tuple[bool, int], float],
    zone_sides: dict[tuple[bool, int], int] | None = None,
) -> Geometry:
    """Absolute positions: columns, rows, gutters (sized for tracks and zones), node boxes."""
    column_width = [spec.column_min(c) for c in range(spec.columns)]
    row_height = [spec.row_min(r) for r in range(spec.rows)]
    for node, (w, h) in zip(nodes, sizes):
        column_width[node.column] = max(column_width[node.column], w)
        row_height[node.row] = max(row_height[node.row], h)
    thickness: dict[tuple[bool, int], list[float]] = {key: [TRACK_GAP] * n for key, n in tracks.slots.items()}
    room: dict[tuple[bool, int], list[tuple[float, float]]] = {}
    for run in tracks.runs:
        if run.thickness:
            slots = thickness[(run.vertical, run.gutter)]
            slots[run.slot] = max(slots[run.slot], run.thickness)
        if run.before or run.after:
            sides = room.setdefault((run.vertical, run.gutter), [(0.0, 0.0)] * tracks.slots[(run.vertical, run.gutter)])
            b, a = sides[run.slot]
            sides[run.slot] = (max(b, run.before), max(a, run.after))

    def plans(vertical: bool, count: int, minimums: Sequence[float], default: float) -> list[GutterPlan]:
        out = []
        for g in range(count + 1):
            minimum = minimums[g] if g < len(minimums) else default
            divided = not vertical and g in spec.row_dividers
            key = (vertical, g)
            side = zone_sides.get(key, 0) if zone_sides else 0
            keep = spec.row_gutter_keep[g] if not vertical and g < len(spec.row_gutter_keep) else 0.0
            out.append(
                plan_gutter(
                    thickness.get(key, []), zones.get(key, 0.0), divided, minimum, room.get(key, ()), side, keep
                )
            )
        return out

    column_plans = plans(True, spec.columns, spec.column_gutter_min, COLUMN_GUTTER)
    row_plans = plans(False, spec.rows, spec.row_gutter_min, ROW_GUTTER)
    column_left, column_gutters = _stack(spec.x, column_width, column_plans)
    row_top, row_height_out = _stack(spec.y, row_height, row_plans)
    boxes = []
    for node, (w, h) in zip(nodes, sizes):
        x = column_left[node.column] + (column_width[node.column] - w) / 2
        y = row_top[node.row] + (row_height[node.row] - h) / 2
        boxes.append(Box(x, y, w, h))
    return Geometry(
        column_left, column_width, row_top, row_height, column_gutters, row_height_out, column_plans, row_plans, boxes
    )


def _stack(
    start: float, sizes: Sequence[float], plans: Sequence[GutterPlan]
) -> tuple[list[float], list[tuple[float, float]]]:
    """Cells and gutters laid one after the other: gutter 0, cell 0, gutter 1, ..."""
    lefts, gutters = [], []
    at = start
    for k, plan in enumerate(plans):
        gutters.append((at, at + plan.size))
        at += plan.size
        if k < len(sizes):
            lefts.append(at)
            at += sizes[k]
    return lefts, gutters


def attachment(box: Box, shape: str, side: str, offset: float) -> Point:
    """Where an end attaches: on the side's midpoint moved by `offset` along the side, on the
    drawn outline (a circle's or diamond's outline lies inside its box)."""
    cx, cy = box.cx, box.cy
    if side in HORIZONTAL_SIDES:
        y = cy + offset
        if shape == "circle":
            r = box.w / 2
            reach = math.sqrt(max(0.0, r * r - offset * offset))
        elif shape == "diamond":
            reach = box.w / 2 * (1 - abs(offset) / (box.h / 2))
        else:
            reach = box.w / 2
        return (cx + reach if side == "right" else cx - reach, y)
    x = cx + offset
    if shape == "circle":
        r = box.h / 2
        reach = math.sqrt(max(0.0, r * r - offset * offset))
    elif shape == "diamond":
        reach = box.h / 2 * (1 - abs(offset) / (box.w / 2))
    else:
        reach = box.h / 2
    return (x, cy + reach if side == "bottom" else cy - reach)


def end_point(
    end: int, geometry: Geometry, nodes: Sequence[GridNode], edges: Sequence[GridEdge], offsets: Sequence[float]
) -> Point:
    edge = edges[end // 2]
    index, side = (edge.target, edge.target_side) if end % 2 else (edge.source, edge.source_side)
    assert index is not None
    return attachment(geometry.boxes[index], nodes[index].shape, side, offsets[end])


def paths(
    routes: Sequence[Route],
    tracks: Tracks,
    geometry: Geometry,
    nodes: Sequence[GridNode],
    edges: Sequence[GridEdge],
    offsets: Sequence[float],
) -> list[tuple[Point, ...]]:
    """Each route as a polyline (source end first)."""
    track_of: dict[tuple[int, int], float] = {}
    for run in tracks.runs:
        track_of[(run.edge, run.line)] = geometry.track(run.vertical, run.gutter, run.slot)
    out: list[tuple[Point, ...]] = []
    for e, route in enumerate(routes):
        lines = route.lines
        if not lines:
            out.append(())
            continue
        if len(lines) == 1:
            out.append(_single(e, route, geometry, nodes, edges, offsets))
            continue
        coords = []
        ports: dict[int, Point] = {}  # line k -> its end's attachment point
        for k, (kind, ref) in enumerate(lines):
            if kind == PORT:
                p = ports[k] = end_point(ref, geometry, nodes, edges, offsets)
                horizontal = _port_side(ref, edges) in HORIZONTAL_SIDES
                coords.append(p[1] if horizontal else p[0])
            else:
                coords.append(track_of[(e, k)])
        # line k is horizontal when it is a horizontal port line or a row track
        first_horizontal = _line_horizontal(lines[0], edges)
        last = len(lines) - 1
        points = [ports[0] if 0 in ports else end_point(lines[0][1], geometry, nodes, edges, offsets)]
        for k in range(last):
            horizontal = first_horizontal if k % 2 == 0 else not first_horizontal
            points.append((coords[k + 1], coords[k]) if horizontal else (coords[k], coords[k + 1]))
        points.append(ports[last] if last in ports else end_point(lines[last][1], geometry, nodes, edges, offsets))
        out.append(tuple(points))
    return out


def _port_side(end: int, edges: Sequence[GridEdge]) -> str:
    edge = edges[end // 2]
    return edge.target_side if end % 2 else edge.source_side


def _line_horizontal(line: tuple[int, int], edges: Sequence[GridEdge]) -> bool:
    kind, ref = line
    if kind == PORT:
        return _port_side(ref, edges) in HORIZONTAL_SIDES
    return kind != VTRACK


def _single(
    e: int,
    route: Route,
    geometry: Geometry,
    nodes: Sequence[GridNode],
    edges: Sequence[GridEdge],
    offsets: Sequence[float],
) -> tuple[Point, ...]:
    """A straight edge (both ends on one line) or a one-ended edge's short stub."""
    end = route.lines[0][1]
    p = end_point(end, geometry, nodes, edges, offsets)
    if route.straight:
        return (p, end_point(end ^ 1, geometry, nodes, edges, offsets))
    side = _port_side(end, edges)
    index = edges[e].target if end % 2 else edges[e].source
    assert index is not None  # the end the route starts from
    node = nodes[index]
    gutter = _gutter_beyond(geometry, node, side)
    nx, ny = NORMALS[side]
    # up to the gutter's first track (another edge may run along the same line there)
    vertical = side in HORIZONTAL_SIDES
    number = node.column + (1 if side == "right" else 0) if vertical else node.row + (1 if side == "bottom" else 0)
    plan = (geometry.column_plans if vertical else geometry.row_plans)[number]
    middle = (gutter[0] + gutter[1]) / 2
    if plan.offsets:
        stop = middle + (min(plan.offsets) - TRACK_GAP / 2 if nx + ny > 0 else max(plan.offsets) + TRACK_GAP / 2)
    else:
        stop = gutter[1] - 10 if nx + ny > 0 else gutter[0] + 10
    # never past the gutter's middle: a stub out of the node across may come the other way
    stop = min(stop, middle - STUB_GAP / 2) if nx + ny > 0 else max(stop, middle + STUB_GAP / 2)
    room = abs(stop - (p[0] if nx else p[1]))
    length = max(8.0, min(DANGLING_LENGTH, room))
    far = (p[0] + nx * length, p[1] + ny * length)
    return (far, p) if end % 2 else (p, far)


def _gutter_beyond(geometry: Geometry, node: GridNode, side: str) -> tuple[float, float]:
    if side == "right":
        return geometry.column_gutters[node.column + 1]
    if side == "left":
        return geometry.column_gutters[node.column]
    if side == "bottom":
        return geometry.row_gutters[node.row + 1]
    return geometry.row_gutters[node.row]


def label_zone_gutter(
    route: Route, nodes: Sequence[GridNode], edges: Sequence[GridEdge], e: int
) -> tuple[bool, int] | None:
    """The gutter a straight edge between adjacent cells crosses (its label's home), if any."""
    if not route.straight:
        return None
    edge = edges[e]
    assert edge.source is not None and edge.target is not None
    s, t = nodes[edge.source], nodes[edge.target]
    if edge.source_side in HORIZONTAL_SIDES:
        if abs(s.column - t.column) == 1:
            return (True, max(s.column, t.column))
        return None
    if abs(s.row - t.row) == 1:
        return (False, max(s.row, t.row))
    return None
