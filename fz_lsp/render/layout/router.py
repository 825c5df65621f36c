"""The grid router: boxes on a grid joined by orthogonal edges with labels.

    layout = route_grid(spec, nodes, edges, obstacles=None)

`spec` (a `GridSpec`), `nodes` (`GridNode`s, one per cell at most) and `edges`
(`GridEdge`s: node and side at each end, a label size) are plain data (grid.py); so is
the answer, a `GridLayout`: column, row and gutter positions, each node's box, each edge's
polyline (source end first), label box and the junction dots. It runs the router's phases
in order (those marked * only with `spec.hyperedges`, the workflow view's choice):

1. * `ports.corner_knees`: a diamond's ends on its four corners (an edge leaving a corner
   other edges enter takes a knee);
2. `routing.plan_routes`: each edge's route, straight, one bend, two bends or through
   the gutters, fewest bends first;
3. * `route_choice.choose_routes`: each edge whose route crosses another tries the routes
   its ends allow through other gutters and keeps the one crossing least;
4. `ports.assign_ports` (* `ports.assign_shared_ports`: the ends leaving, or entering, one
   side share one point): attachment points spread along each side, ordered to avoid
   crossings, facing sides spread together (nodes grow when a side is short);
5. `routing.make_runs`, * `trunks.trunk_groups`, `routing.assign_tracks`: one track per
   gutter run (one per trunk: the runs edges sharing a point have in common), ordered to
   avoid crossings;
6. `coordinates.place` / `coordinates.paths`: gutters sized for their tracks and label
   zones, absolute positions, polylines;
7. `labels.LabelPlacer`: each label on its own edge (* its own part, not a trunk; a
   decision's branch label near the decision), clear of nodes, other edges, other labels,
   `obstacles(geometry, polylines, segments)` (boxes the caller adds once positions and
   routes are known) and its own arrowhead. A label with no room gets some (a zone in the
   gutter its straight edge crosses, a wider track for its longest gutter run) and
   everything from step 6 runs again, a few rounds at most; a label still without room
   takes the free spot nearest its edge;
8. * `trunks.junction_points`: where three ways of a trunk meet.

Nothing here knows about lanes or FlowZap: the workflow view (workflow.py) maps lanes to
rows and nodes to cells, the architecture view maps components to cells of their layer.

Pure Python: no pygls import.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from fz_lsp.render.layout.coordinates import TRACK_MARGIN, Geometry, label_zone_gutter, paths, place
from fz_lsp.render.layout.geometry import HORIZONTAL_SIDES, Box, BoxIndex, Point
from fz_lsp.render.layout.grid import GridEdge, GridLayout, GridNode, GridSpec
from fz_lsp.render.layout.labels import ARROW, ARROW_GAP, LabelPlacer, segment_index
from fz_lsp.render.layout.ports import assign_ports, assign_shared_ports, corner_knees
from fz_lsp.render.layout.route_choice import choose_routes
from fz_lsp.render.layout.routing import PORT, Occupancy, Route, Run, assign_tracks, make_runs, plan_routes
from fz_lsp.render.layout.trunks import junction_points, shared_lengths, trunk_groups

ZONE_ROOM = 2.0  # free space either side of a label's footprint in a gutter zone
TRACK_ROOM = 6.0  # free space either side of a label on a widened track
ROUNDS = 3

# (positions, polylines, their segments indexed by edge) -> boxes labels must avoid
Obstacles = Callable[[Geometry, Sequence[Sequence[Point]], BoxIndex], Sequence[Box]]


def route_grid(
    spec: GridSpec, nodes: Sequence[GridNode], edges: Sequence[GridEdge], obstacles: Obstacles | None = None
) -> GridLayout:
    slot_of: list[int] = []
    fixed: dict[int, float] = {}
    if spec.hyperedges:
        edges, fixed = corner_knees(nodes, edges)
    occupancy = Occupancy(nodes, edges if spec.hyperedges else ())
    routes = plan_routes(spec, nodes, edges, occupancy, fixed)
    if spec.hyperedges:
        routes = choose_routes(spec, nodes, edges, routes, occupancy)
    if spec.hyperedges:
        offsets, sizes, slot_of = assign_shared_ports(nodes, edges, [r.straight for r in routes], fixed)
    else:
        offsets, sizes = assign_ports(nodes, edges, [r.straight for r in routes])
    runs = make_runs(routes, nodes, edges, offsets)
    trunks = trunk_groups(routes, runs, slot_of) if slot_of else []
    tracks = assign_tracks(runs, trunks)
    if trunks:
        _branch_room(edges, runs, trunks, slot_of)
    runs_of: dict[int, list[Run]] = {}
    for run in runs:
        runs_of.setdefault(run.edge, []).append(run)

    zones: dict[tuple[bool, int], float] = {}
    zone_sides: dict[tuple[bool, int], int] = {}
    shared_slots = _shared(slot_of)
    for e, edge in enumerate(edges):
        gutter = label_zone_gutter(routes[e], nodes, edges, e) if edge.label else None
        if gutter is not None and edge.label is not None:
            _reserve_zone(zones, gutter, edge.label)
            if slot_of and gutter not in zone_sides:
                assert edge.source is not None and edge.target is not None
                s, t = nodes[edge.source], nodes[edge.target]
                forward = 1 if (t.column > s.column if gutter[0] else t.row > s.row) else -1
                if slot_of[2 * e] in shared_slots[0]:
                    zone_sides[gutter] = forward  # beyond the fan-out's trunk
                elif slot_of[2 * e + 1] in shared_slots[1]:
                    zone_sides[gutter] = -forward  # before the fan-in's trunk

    # edge -> its label's (width, height), for the edges with a label and a route
    labelled = {e: edge.label for e, edge in enumerate(edges) if edge.label is not None and routes[e].lines}
    # labels with reserved room go first, then the rest in document order
    rounds = 0
    while True:
        geometry = place(spec, nodes, sizes, tracks, zones, zone_sides)
        polylines = paths(routes, tracks, geometry, nodes, edges, offsets)
        segments = segment_index(polylines)
        extra = list(obstacles(geometry, polylines, segments)) if obstacles is not None else []
        arrows = [edge.target is not None for edge in edges]
        placer = LabelPlacer(polylines, geometry.boxes, extra, arrows, segments)
        shared = shared_lengths(polylines, slot_of) if slot_of else [(0.0, 0.0)] * len(edges)
        boxes: list[Box | None] = [None] * len(edges)
        failed = []
        for e in sorted(labelled, key=lambda e: (not _has_room(e, routes, runs_of, zones, nodes, edges), e)):
            w, h = labelled[e]
            preferred, hint = _preference(e, routes[e], runs_of.get(e, ()), geometry, polylines[e], nodes, edges, zones)
            source = edges[e].source
            near_start = spec.hyperedges and source is not None and nodes[source].shape == "diamond"
            boxes[e] = placer.place(e, w, h, preferred, hint, shared[e], near_start)
            if boxes[e] is None:
                failed.append(e)
        if not failed or rounds == ROUNDS:
            break
        grew = False
        for e in failed:
            grew |= _make_room(e, routes[e], runs_of.get(e, []), nodes, edges, zones)
        if not grew:
            break
        rounds += 1
    for e in failed:
        w, h = labelled[e]
        boxes[e] = placer.place_anywhere(e, w, h)

    return GridLayout(
        column_left=tuple(geometry.column_left),
        column_width=tuple(geometry.column_width),
        row_top=tuple(geometry.row_top),
        row_height=tuple(geometry.row_height),
        column_gutters=tuple(geometry.column_gutters),
        row_gutters=tuple(geometry.row_gutters),
        dividers={g: geometry.zone(False, g) for g in spec.row_dividers if g < len(geometry.row_gutters)},
        boxes=tuple(geometry.boxes),
        paths=tuple(polylines),
        labels=tuple(boxes),
        sides=tuple((edge.source_side, edge.target_side) for edge in edges),
        junctions=tuple(junction_points(polylines, slot_of)) if slot_of else (),
    )


def _shared(slot_of: Sequence[int]) -> tuple[set[int], set[int]]:
    """The source slots and the target slots more than one end shares."""
    counts: dict[tuple[int, int], int] = {}
    for end, slot in enumerate(slot_of):
        if slot >= 0:
            counts[(end % 2, slot)] = counts.get((end % 2, slot), 0) + 1
    return {s for (w, s), n in counts.items() if w == 0 and n > 1}, {
        s for (w, s), n in counts.items() if w == 1 and n > 1
    }


def _branch_room(
    edges: Sequence[GridEdge], runs: Sequence[Run], trunks: Sequence[Sequence[int]], slot_of: Sequence[int]
) -> None:
    """Room for the labels of a trunk's branches: a labelled edge whose own part is the stub
    between a trunk and its end (the target of a fan-out, the source of a fan-in) gets that
    much free beside the trunk, on the stub's side."""
    last_line: dict[int, int] = {}
    for run in runs:
        last_line[run.edge] = max(last_line.get(run.edge, 0), run.line)
    trunk_of: dict[tuple[int, int], list[Run]] = {}
    for group in trunks:
        parts = [runs[r] for r in group]
        for run in parts:
            trunk_of[(run.edge, run.line)] = parts
    for run in runs:
        label = edges[run.edge].label
        members = trunk_of.get((run.edge, run.line))
        if label is None or members is None:
            continue
        e = run.edge
        # a fan-out's last shared run before the target's stub; a fan-in's first after the source's
        last = run.line == last_line[e]
        first = run.line == 1
        for side, is_end in ((0, last), (1, first)):
            if not is_end or not any(
                slot_of[2 * m.edge + side] == slot_of[2 * e + side] for m in members if m.edge != e
            ):
                continue
            need = (label[0] if run.vertical else label[1]) + 2 * TRACK_ROOM - TRACK_MARGIN
            if side == 0:  # the label sits on the stub the target's port line makes beyond the trunk
                need += ARROW + ARROW_GAP
                way = run.ends[1][0]
            else:
                way = run.ends[0][0]
            if way > 0:
                run.after = max(run.after, need)
            else:
                run.before = max(run.before, need)


def _reserve_zone(zones: dict[tuple[bool, int], float], gutter: tuple[bool, int], label: tuple[float, float]) -> bool:
    vertical, _ = gutter
    need = (label[0] if vertical else label[1]) + 2 * ZONE_ROOM
    if zones.get(gutter, 0.0) >= need:
        return False
    zones[gutter] = need
    return True


def _has_room(
    e: int,
    routes: Sequence[Route],
    runs_of: dict[int, list[Run]],
    zones: dict[tuple[bool, int], float],
    nodes: Sequence[GridNode],
    edges: Sequence[GridEdge],
) -> bool:
    if any(run.thickness for run in runs_of.get(e, ())):
        return True
    gutter = label_zone_gutter(routes[e], nodes, edges, e)
    return gutter is not None and gutter in zones


def _preference(
    e: int,
    route: Route,
    runs: Sequence[Run],
    geometry: Geometry,
    points: Sequence[Point],
    nodes: Sequence[GridNode],
    edges: Sequence[GridEdge],
    zones: dict[tuple[bool, int], float],
) -> tuple[list[int], Point | None]:
    """The segment a label should try first and, when room was made for it, where."""
    reserved = [run for run in runs if run.thickness]
    if reserved:
        k = reserved[0].line
        a, b = points[k], points[k + 1]
        return [k], ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
    gutter = route_zone(route, nodes, edges, e)
    if gutter is not None and gutter in zones and (len(route.lines) >= 2 or route.straight):
        a = points[0]
        at = geometry.zone(*gutter)
        return [0], ((at, a[1]) if gutter[0] else (a[0], at))
    return [], None


def route_zone(route: Route, nodes: Sequence[GridNode], edges: Sequence[GridEdge], e: int) -> tuple[bool, int] | None:
    """The gutter whose zone would hold this edge's label: the one a straight edge crosses
    (next to its source when it spans several cells), the one next to the source of a
    one-bend edge or of a one-ended stub."""
    gutter = label_zone_gutter(route, nodes, edges, e)
    if gutter is not None:
        return gutter
    edge = edges[e]
    if (
        route.straight
        or (len(route.lines) == 2 and all(kind == PORT for kind, _ in route.lines))
        or len(route.lines) == 1
    ):
        end = route.lines[0][1]
        index = edge.target if end % 2 else edge.source
        side = edge.target_side if end % 2 else edge.source_side
        assert index is not None
        node = nodes[index]
        if side in HORIZONTAL_SIDES:
            return (True, node.column + 1 if side == "right" else node.column)
        return (False, node.row + 1 if side == "bottom" else node.row)
    return None


def _make_room(
    e: int,
    route: Route,
    runs: list[Run],
    nodes: Sequence[GridNode],
    edges: Sequence[GridEdge],
    zones: dict[tuple[bool, int], float],
) -> bool:
    """Room for a label that found none: a zone, or a wider track. False when none is left."""
    label = edges[e].label
    if label is None:  # no label, nothing to make room for
        return False
    free = [run for run in runs if not run.thickness]
    if free:
        run = max(free, key=lambda r: (r.hi - r.lo, -r.line))
        run.thickness = (label[0] if run.vertical else label[1]) + 2 * TRACK_ROOM
        return True
    gutter = route_zone(route, nodes, edges, e)
    if gutter is not None:
        return _reserve_zone(zones, gutter, label)
    return False
