"""Phase 3 of the grid router: attachment points (ports) along the sides of nodes.

Every edge end gets its own attachment point on the side its handle names; several ends
on one side are spread along it (`PORT_GAP` apart, never less than `PORT_MIN_GAP`: a node
grows when its side is too short), so a fan-out or fan-in never shares a line.

Order along a side: by the direction in which each end's edge leaves, measured as the
angle of the other end seen from this side (counter-clockwise from straight out), the way
ELK orders ports to keep edges from crossing right at the node: on a right side, an edge
heading up and back left takes the top port, then up and right, straight on, down and
right, and down and back left at the bottom. An edge whose other end lies exactly behind
or beyond a blocking node goes around below (horizontal sides) or to the right (vertical
sides), as the router routes it.

A straight edge's label sits on its line, so the attachment points next to it keep clear
of the label (the side grows when it must).

Sides that face each other across empty cells (the right side of a node and the left side
of the next node in its row; a bottom side and the top side of the next node in its
column) are spread together, as one list, so no attachment line of one coincides with a
line of the other: a straight edge between them takes a single slot for both its ends and
is drawn as one straight line, every other end gets a coordinate of its own. This is what
lets the router run any two edges side by side without overlap. When the order puts one
node's end past what its side offers (the facing side holds a diamond's knee far off the
middle, say), that end takes the nearest free coordinate within its side, out of order,
rather than growing its node to reach the one in order (`_within_reach`).

Input: the nodes and edges (grid.py) and the routes' straight edges. Output: each end's
offset from its side's midpoint (along the side: down or right is positive) and each
node's size (grown when needed).

Pure Python: no pygls import.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from itertools import pairwise

from fz_lsp.render.layout.geometry import HORIZONTAL_SIDES, NORMALS
from fz_lsp.render.layout.grid import GridEdge, GridNode

PORT_GAP = 16.0  # between neighbouring attachment points, when the side has room
PORT_MIN_GAP = 12.0  # never closer: the node grows instead
PORT_MARGIN = 8.0  # a rectangle's corner keeps this free
LABEL_CLEARANCE = 2.0  # between a straight edge's label and the next attachment line
CIRCLE_SPAN = 0.55  # share of a circle's radius usable either side of a side's midpoint
UNIT_X, UNIT_Y = 220.0, 120.0  # rough cell pitch, for the angles that order ends


def usable_half(shape: str, side: str, w: float, h: float) -> float:
    """How far from the side's midpoint an attachment point may go."""
    along = h if side in HORIZONTAL_SIDES else w
    if shape == "circle":
        return CIRCLE_SPAN * min(w, h) / 2
    if shape == "diamond":
        return along / 4
    return max(0.0, along / 2 - PORT_MARGIN)


def grown_size(shape: str, side: str, w: float, h: float, half: float) -> tuple[float, float]:
    """The smallest size (w, h) >= the current one whose side offers `half`."""
    if usable_half(shape, side, w, h) >= half:
        return w, h
    if shape == "circle":
        d = math.ceil(2 * half / CIRCLE_SPAN)
        return max(w, d), max(h, d)
    along = 4 * half if shape == "diamond" else 2 * (half + PORT_MARGIN)
    along = math.ceil(along)
    return (w, max(h, along)) if side in HORIZONTAL_SIDES else (max(w, along), h)


def _side_point(node: GridNode, side: str) -> tuple[float, float]:
    nx, ny = NORMALS[side]
    return (node.column * UNIT_X + nx * node.width / 2, node.row * UNIT_Y + ny * node.height / 2)


def _angle(node: GridNode, side: str, other: tuple[float, float] | None, shared: bool) -> float:
    """Direction of an end's edge, counter-clockwise from straight out of `side`."""
    if other is None:
        return 0.0
    px, py = _side_point(node, side)
    vx, vy = other[0] - px, other[1] - py
    nx, ny = NORMALS[side]
    tx, ty = ny, -nx  # the side's direction, counter-clockwise from the normal
    forward, lateral = vx * nx + vy * ny, vx * tx + vy * ty
    if abs(lateral) < 1e-9 and not shared:
        # straight behind or blocked straight ahead: around below / to the right
        around = (0.0, 1.0) if side in HORIZONTAL_SIDES else (1.0, 0.0)
        lateral = 1e-6 * (around[0] * tx + around[1] * ty)
        if forward == 0:
            forward = -1.0
    return math.atan2(lateral, forward)


def _order_along_side(nodes: Sequence[GridNode], edge: GridEdge, which: int, straight: bool) -> float:
    """Where the edge heads from its end `which` (0 source, 1 target, which must resolve), as
    an order along that end's side: ascending y on left and right, x on top and bottom (see
    `_angle`)."""
    v, side, w, w_side = (
        (edge.source, edge.source_side, edge.target, edge.target_side)
        if which == 0
        else (edge.target, edge.target_side, edge.source, edge.source_side)
    )
    assert v is not None
    other = _side_point(nodes[w], w_side) if w is not None else None
    angle = _angle(nodes[v], side, other, straight)
    return -angle if side in ("right", "top") else angle


def _facing_groups(nodes: Sequence[GridNode], used: Collection[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """The `used` (node, side)s in groups whose ends are spread as one list: a right side with
    the left side of the next node along its row, a bottom side with the top side of the
    next node down its column, when both are used (they face each other across empty
    cells); every other used side alone, in `used`'s order."""
    groups: list[list[tuple[int, str]]] = []
    paired: set[tuple[int, str]] = set()
    for first_side, second_side, by_column in (("right", "left", False), ("bottom", "top", True)):
        lines: dict[int, list[tuple[int, int]]] = {}  # row (column) -> [(column (row), node)]
        for v, node in enumerate(nodes):
            line, place = (node.column, node.row) if by_column else (node.row, node.column)
            lines.setdefault(line, []).append((place, v))
        for members in lines.values():
            members.sort()
            for (_, a), (_, b) in pairwise(members):
                first, second = (a, first_side), (b, second_side)
                if first in used and second in used:
                    groups.append([first, second])
                    paired.update((first, second))
    groups.extend([key] for key in used if key not in paired)
    return groups


def assign_ports(
    nodes: Sequence[GridNode], edges: Sequence[GridEdge], straight: Sequence[bool]
) -> tuple[list[float], list[tuple[float, float]]]:
    """Each end's offset along its side (index 2 * edge + 0/1; 0.0 for a missing end) and
    each node's (width, height) after growing for its ends."""
    sides: dict[tuple[int, str], list[tuple[float, int]]] = {}  # (node, side) -> [(key, end)]
    for i, edge in enumerate(edges):
        for which, (v, side) in enumerate(((edge.source, edge.source_side), (edge.target, edge.target_side))):
            if v is not None:
                key = _order_along_side(nodes, edge, which, straight[i])
                sides.setdefault((v, side), []).append((key, 2 * i + which))

    groups = _facing_groups(nodes, sides)

    end_side = {end: key for key, items in sides.items() for _, end in items}
    slots: list[list[list[int]]] = []  # per group: slots, each the ends sharing it
    for group in groups:
        items = sorted((k, end) for key in group for k, end in sides[key])
        chosen: list[list[int]] = []
        placed: set[int] = set()
        for _, end in items:
            if end in placed:
                continue
            partner = end ^ 1
            if straight[end // 2] and end_side.get(partner) in group and end_side[partner] != end_side[end]:
                chosen.append([end, partner])
                placed.update((end, partner))
            else:
                chosen.append([end])
                placed.add(end)
        slots.append(chosen)

    def reach(ends: list[int], side: str) -> float:
        """How far a slot's label reaches along the side: a straight edge's label sits on its
        line, so the neighbouring lines keep clear of it."""
        label = edges[ends[0] // 2].label
        if label is None or not straight[ends[0] // 2]:
            return 0.0
        return (label[1] if side in HORIZONTAL_SIDES else label[0]) / 2

    sizes = [(node.width, node.height) for node in nodes]
    spacing: list[tuple[list[float], list[float]]] = []  # per group: (wanted gaps, least gaps)
    for group, chosen in zip(groups, slots):
        side = group[0][1]
        reaches = [reach(ends, side) for ends in chosen]
        room = [
            reaches[k] + reaches[k + 1] + LABEL_CLEARANCE if reaches[k] or reaches[k + 1] else 0.0
            for k in range(len(chosen) - 1)
        ]
        wanted = [max(PORT_GAP, r) for r in room]
        least = [max(PORT_MIN_GAP, r) for r in room]
        spacing.append((wanted, least))
        for v, g_side in group:
            sizes[v] = grown_size(nodes[v].shape, g_side, *sizes[v], sum(least) / 2)

    offsets = [0.0] * (2 * len(edges))
    for group, chosen, (wanted, least) in zip(groups, slots, spacing):
        if len(chosen) == 1:
            continue
        half = min(usable_half(nodes[v].shape, side, *sizes[v]) for v, side in group)
        # the wanted gaps when the side has room, shrunk towards the least gaps when not
        extra = sum(w - m for w, m in zip(wanted, least))
        fit = 1.0 if extra == 0 else max(0.0, min(1.0, (2 * half - sum(least)) / extra))
        gaps = [m + (w - m) * fit for w, m in zip(wanted, least)]
        at = -sum(gaps) / 2
        for k, ends in enumerate(chosen):
            for end in ends:
                offsets[end] = at
            if k < len(gaps):
                at += gaps[k]
    return offsets, sizes


# ---------------------------------------------------------------------------
# Shared ports (hyperedges): one attachment point per node, side and direction


def corner_knees(nodes: Sequence[GridNode], edges: Sequence[GridEdge]) -> tuple[list[GridEdge], dict[int, float]]:
    """A diamond's ports are its four corners. When edges both enter and leave by one
    corner, those leaving it turn at once (a *knee*): they attach at that corner but start
    along the perpendicular side's line, up or down (left or right) towards their other
    end, so no leaving edge runs back along an arriving one. Returns the edges with knee
    ends moved to that side and each knee end's fixed offset along it (the corner)."""
    ins: set[tuple[int, str]] = set()
    for edge in edges:
        if edge.target is not None and nodes[edge.target].shape == "diamond":
            ins.add((edge.target, edge.target_side))
    out = list(edges)
    fixed: dict[int, float] = {}
    for i, edge in enumerate(edges):
        v = edge.source
        if v is None or nodes[v].shape != "diamond" or (v, edge.source_side) not in ins:
            continue
        node = nodes[v]
        other = nodes[edge.target] if edge.target is not None else node
        side = edge.source_side
        if side in HORIZONTAL_SIDES:
            knee = "top" if other.row < node.row else "bottom"
            fixed[2 * i] = (node.width if side == "right" else -node.width) / 2
        else:
            knee = "left" if other.column < node.column else "right"
            fixed[2 * i] = (node.height if side == "bottom" else -node.height) / 2
        out[i] = GridEdge(v, knee, edge.target, edge.target_side, edge.label, edge.channel)
    return out, fixed


def assign_shared_ports(
    nodes: Sequence[GridNode], edges: Sequence[GridEdge], straight: Sequence[bool], fixed: dict[int, float]
) -> tuple[list[float], list[tuple[float, float]], list[int]]:
    """Like `assign_ports`, with the ends of one node's side that leave it sharing one
    attachment point and those that enter it sharing another (a fan-out or fan-in is one
    trunk, ELK's hyperedges); a diamond's ends sit on its corners (offset 0, or the knee
    offsets in `fixed`). Returns each end's offset, each node's size and each end's slot
    (ends with the same slot share their point)."""
    ids: dict[tuple[object, ...], int] = {}
    slot = [-1] * (2 * len(edges))
    ends: dict[tuple[int, str], list[int]] = {}  # (node, side) -> its ends
    for i, edge in enumerate(edges):
        for which, v, side in ((0, edge.source, edge.source_side), (1, edge.target, edge.target_side)):
            if v is None:
                continue
            end = 2 * i + which
            key = ("knee", v, side, fixed[end]) if end in fixed else (v, side, which)
            sid = ids.get(key)
            if sid is None:
                sid = ids[key] = len(ids)
            slot[end] = sid
            ends.setdefault((v, side), []).append(end)
    parent = list(range(len(ids)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for i, edge in enumerate(edges):
        if straight[i] and edge.source is not None and edge.target is not None:
            a, b = find(slot[2 * i]), find(slot[2 * i + 1])
            if a != b:
                parent[a] = b

    def order_key(end: int) -> float:
        i, which = divmod(end, 2)
        return _order_along_side(nodes, edges[i], which, straight[i])

    groups = _facing_groups(nodes, ends)  # the facing sides of neighbours are spread as one list

    sizes = [(node.width, node.height) for node in nodes]
    offsets = [0.0] * (2 * len(edges))
    slot_of = [-1] * (2 * len(edges))
    for group in groups:
        group_ends = [end for node_side in group for end in ends[node_side]]
        first = find(slot[group_ends[0]])
        if all(find(slot[end]) == first for end in group_ends):
            # one shared point for the whole group (a side's fan-out, a straight edge between
            # facing sides): at the sides' middle, or where a knee must be
            at = next((fixed[end] for end in group_ends if end in fixed), 0.0)
            for end in group_ends:
                offsets[end] = at
                slot_of[end] = first
            continue
        by_slot: dict[int, list[int]] = {}
        for node_side in group:
            for end in ends[node_side]:
                by_slot.setdefault(find(slot[end]), []).append(end)
        diamond = any(nodes[v].shape == "diamond" for v, _ in group)
        slots: list[tuple[float | None, float, list[int]]] = []  # (fixed offset or None, order key, ends)
        for shared in by_slot.values():
            anchored = next((fixed[end] for end in shared if end in fixed), None)
            if anchored is None and diamond and any(nodes[_end_node(end, edges)].shape == "diamond" for end in shared):
                anchored = 0.0
            order = sum(map(order_key, shared)) / len(shared) if len(by_slot) > 1 else 0.0
            slots.append((anchored, order, shared))
        slots.sort(key=lambda s: (s[1], min(s[2])))
        end_side = {end: node_side for node_side in group for end in ends[node_side]}
        reaches = [
            min(
                (
                    usable_half(nodes[end_side[end][0]].shape, end_side[end][1], *sizes[end_side[end][0]])
                    for end in slot_ends
                    if nodes[end_side[end][0]].shape != "diamond"
                ),
                default=None,
            )
            for _, _, slot_ends in slots
        ]
        for (_, _, slot_ends), at in zip(slots, _within_reach(slots, _spread(slots), reaches)):
            root = find(slot[slot_ends[0]])
            for end in slot_ends:
                offsets[end] = at
                slot_of[end] = root
        for v, side in group:
            if nodes[v].shape != "diamond":
                reach = max(abs(offsets[end]) for end in ends[(v, side)])
                if reach:
                    sizes[v] = grown_size(nodes[v].shape, side, *sizes[v], reach)
    return offsets, sizes, slot_of


def _end_node(end: int, edges: Sequence[GridEdge]) -> int:
    edge = edges[end // 2]
    v = edge.target if end % 2 else edge.source
    assert v is not None
    return v


def _within_reach(
    slots: Sequence[tuple[float | None, float, list[int]]], offsets: Sequence[float], reaches: Sequence[float | None]
) -> list[float]:
    """`offsets` (from `_spread`) with each free slot that lands past what its node's side
    offers (`reaches`: the least usable half of the nodes its ends sit on, None for no
    limit) moved to the nearest place within it, PORT_GAP clear of every other slot, on
    its own side of the middle first. Keeping the order would grow the node to reach it:
    a circle facing a diamond whose corner holds a knee far off its middle grew several
    times its size for one edge."""
    out = list(offsets)
    step = PORT_GAP / 2
    for k, ((at, _, _), reach) in enumerate(zip(slots, reaches)):
        if at is not None or reach is None or abs(out[k]) <= reach:
            continue
        sign = -1.0 if out[k] < 0 else 1.0
        candidates = [0.0]
        for n in range(1, int(reach // step) + 1):
            candidates += [sign * n * step, -sign * n * step]
        others = [q for j, q in enumerate(out) if j != k]
        spot = next((p for p in candidates if all(abs(p - q) >= PORT_GAP for q in others)), None)
        if spot is not None:
            out[k] = spot
    return out


def _spread(slots: Sequence[tuple[float | None, float, list[int]]]) -> list[float]:
    """Offsets for slots in order: fixed ones where they must be, the others PORT_GAP apart
    around the middle (no fixed slot) or on either side of the first fixed one, in order."""
    fixed = [k for k, (at, _, _) in enumerate(slots) if at is not None]
    if not fixed:
        n = len(slots)
        return [(k - (n - 1) / 2) * PORT_GAP for k in range(n)]
    out: list[float | None] = [at for at, _, _ in slots]
    for k in range(fixed[0] - 1, -1, -1):
        above = out[k + 1]
        assert above is not None
        out[k] = above - PORT_GAP
    for k in range(fixed[0] + 1, len(slots)):
        if out[k] is None:
            below = out[k - 1]
            assert below is not None
            out[k] = below + PORT_GAP
    return [at if at is not None else 0.0 for at in out]
