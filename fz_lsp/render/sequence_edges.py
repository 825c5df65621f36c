"""The sequence view's edges: what each is drawn as, where it runs, where its label goes.

Plain functions over the model and the order (fz_lsp/render/sequence_order.py), used by the
layout (fz_lsp/render/sequence.py), which gives them the boxes and lifelines:

- `classify_edges`: each drawn edge's kind (`message`, `connector`, `arc`, `return`,
  `source-only`, `target-only`, see fz_lsp/render/sequence.py) and, of the messages into
  one side of a step, the one drawn into its box (the latest cause); the others get a
  row of their own above the step;
- `assign_tracks`: a run beside a column for each arc and return, runs that overlap in time
  apart;
- `wrap_labels`: each label wrapped to the room its edge has;
- `edge_geometry`: the points and the label's place, once the rows are known.

Pure Python: no pygls import.
May import: fz_lsp.model, fz_lsp.render (layout.geometry, sequence_order, text).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

from fz_lsp.model import Edge, Model
from fz_lsp.render.layout.geometry import Box, Point, union
from fz_lsp.render.sequence_order import Timeline
from fz_lsp.render.text import EDGE_FONT_SIZE, TextBlock, edge_label_text, text_block

LABEL_GAP = 3  # between a label and the arrow under it
LABEL_INSET = 5  # a label's distance from a lifeline or track beside it
LABEL_WRAP_MAX = 180
LABEL_WRAP_MIN = 40
CONNECTOR_LABEL_REACH = 16  # how far into the gap after a column a connector's label may run
STUB = 40  # length of a dangling edge
TRACK = 8  # distance between vertical runs beside a column


@dataclass(frozen=True, slots=True)
class MessageLayout:
    edge: Edge
    points: tuple[Point, ...]
    kind: str  # "message" | "connector" | "arc" | "return" | "source-only" | "target-only"
    label: TextBlock | None
    source: str  # participant titles, for the tooltip ("" when the end does not resolve)
    target: str


@dataclass(slots=True)
class Route:
    """An edge while it is laid out: its kind, ends and the slots it takes."""

    edge: Edge
    kind: str
    source: int | None  # node indices
    target: int | None
    text: str | None  # the label it shows (None: none, or the guard shows it)
    side: int = 0  # message: -1 from the left, 1 from the right
    primary: bool = True  # message: drawn into the box (else on a row of its own above)
    track: int = 0  # arc / return: which run beside the column
    facing: int = 1  # return: the side of the target's column it runs up (1 right, -1 left)
    label: TextBlock | None = None
    y: float = 0.0  # its own row (extra messages, returns, stubs); connector, arc: its label's bottom
    gate: bool = False  # a decision's branch edge: its operand's guard shows the label
    from_guard: bool = False  # connector: drawn from its operand's top, not from its source


def classify_edges(
    model: Model, plan: Timeline, node_index: dict[int, int], participant: list[int], row: list[int]
) -> list[Route]:
    """Each drawn edge with its kind; which message into a step is drawn into its box."""
    guards = {  # the branch edges that open an operand: its guard shows their label
        op.guard.index for f in plan.fragments if f.kind != "loop" for op in f.operands if op.guard is not None
    }
    next_in_lane: dict[int, int] = {}
    last_in_lane: dict[int, int] = {}
    for v in plan.steps:
        p = participant[v]
        if p in last_in_lane:
            next_in_lane[last_in_lane[p]] = v
        last_in_lane[p] = v
    out = []
    joined: set[tuple[int, int]] = set()  # same-lane pairs already joined by a connector
    for edge in model.edges:
        s = node_index[id(edge.source.node)] if edge.source.node is not None else None
        t = node_index[id(edge.target.node)] if edge.target.node is not None else None
        if s is None and t is None:
            continue
        gate = edge.index in guards
        text = None if gate else edge_label_text(edge)
        if t is None:
            out.append(Route(edge, "source-only", s, t, text))
        elif s is None:
            out.append(Route(edge, "target-only", s, t, text, primary=False))
        elif edge.index in plan.feedback or s == t:
            out.append(Route(edge, "return", s, t, text))
        elif participant[s] == participant[t]:
            # one connector per pair: a second edge between the same steps runs beside them
            straight = (next_in_lane.get(s) == t or gate) and (s, t) not in joined
            joined.add((s, t))
            # a branch starts under its guard (a line from the decision would run under the
            # guard's text, and past the other operands' steps for a later operand)
            from_guard = straight and gate
            kind = "connector" if straight else "arc"
            out.append(Route(edge, kind, s, t, text, gate=gate, from_guard=from_guard))
        else:
            out.append(Route(edge, "message", s, t, text, side=-1 if participant[s] < participant[t] else 1))
    latest: dict[tuple[int, int], tuple[int, Route]] = {}  # (target, side) -> the message into the box
    for e in out:
        if e.kind == "message" and e.source is not None and e.target is not None:
            key = (e.target, e.side)
            if key not in latest or row[e.source] > latest[key][0]:
                latest[key] = (row[e.source], e)
    chosen = {id(e) for _, e in latest.values()}
    for e in out:
        if e.kind == "message":
            e.primary = id(e) in chosen
    return out


def assign_tracks(
    edges: list[Route], participant: list[int], row: list[int], columns: int
) -> tuple[list[int], list[int]]:
    """Give each arc and return a run beside a column, runs that overlap in time apart;
    (runs left of each column, runs right of each column)."""
    groups: dict[tuple[int, int], list[tuple[float, float, Route]]] = {}
    for e in edges:
        if e.source is None or e.target is None or e.kind not in ("arc", "return"):
            continue
        s, t = e.source, e.target
        span: tuple[float, float]
        if e.kind == "arc":
            key, span = (participant[s], 1), (row[s], row[t])
        else:
            if participant[s] != participant[t]:
                e.facing = 1 if participant[s] > participant[t] else -1
            key, span = (participant[t], e.facing), (row[t], row[s] + 0.5)
        groups.setdefault(key, []).append((span[0], span[1], e))
    left, right = [0] * columns, [0] * columns
    for (column, side), runs in groups.items():
        runs.sort(key=lambda run: (run[1] - run[0], run[0]))
        taken: list[list[tuple[float, float]]] = []
        for start, end, e in runs:
            k = 0
            while k < len(taken) and any(start <= b and a <= end for a, b in taken[k]):
                k += 1
            if k == len(taken):
                taken.append([])
            taken[k].append((start, end))
            e.track = k
        counts = right if side == 1 else left
        counts[column] = len(taken)
    return left, right


def wrap_labels(
    edges: list[Route],
    participant: list[int],
    lifelines: list[float],
    box_widths: list[float],
    track_x: Callable[[int, int, int], float],
    right_tracks: list[int],
) -> None:
    """Each label wrapped to the room its edge has: the span of its arrow, or beside the
    lifeline up to the column's side (into the gap after it when no run lies there), so
    that no run beside the column crosses it."""
    for e in edges:
        if e.text is None:
            continue
        s, t = e.source, e.target
        if e.kind == "message" and s is not None and t is not None:
            end = lifelines[participant[t]] + e.side * box_widths[t] / 2 if e.primary else lifelines[participant[t]]
            room = abs(lifelines[participant[s]] - end)
        elif e.kind in ("connector", "arc") and t is not None:
            p = participant[t]
            reach = CONNECTOR_LABEL_REACH if e.kind == "connector" and not right_tracks[p] else 0.0
            room = track_x(p, 1, -1) + reach - lifelines[p]
        elif e.kind == "return" and s is not None and t is not None:
            p = participant[t]
            if participant[s] == p:  # beside the lifeline, under the source, within the column
                room = track_x(p, 1, -1) - lifelines[p]
            else:
                room = abs(track_x(p, e.facing, e.track) - lifelines[participant[s]])
        else:
            room = 2 * STUB
        width = min(LABEL_WRAP_MAX, max(LABEL_WRAP_MIN, room - 2 * LABEL_INSET))
        e.label = text_block(e.text, width, EDGE_FONT_SIZE, "edge-label")


def edge_geometry(
    e: Route,
    boxes: list[Box],
    shapes: list[str],
    participant: list[int],
    lifelines: list[float],
    titles: list[str],
    operand_top: dict[int, float],
    track_x: Callable[[int, int, int], float],
) -> MessageLayout:
    s, t = e.source, e.target
    points: tuple[Point, ...]
    label = e.label
    if t is None:  # source-only: a stub right of the source's lifeline, on its own row
        assert s is not None
        x = lifelines[participant[s]]
        points = ((x, boxes[s].bottom), (x, e.y), (x + STUB, e.y))
        label = _above(label, x + STUB / 2, e.y)
    elif s is None:  # target-only: a stub into the target's lifeline, on its own row
        x = lifelines[participant[t]]
        points = ((x - STUB, e.y), (x, e.y))
        label = _above(label, x - STUB / 2, e.y)
    elif e.kind == "message":
        start = lifelines[participant[s]]
        box = boxes[t]
        if e.primary:
            y, end = box.cy, (box.x if e.side < 0 else box.right)
        else:
            y, end = e.y, lifelines[participant[t]]
        points = ((start, y), (end, y))
        label = _above(label, (start + end) / 2, y)
    elif e.kind in ("connector", "arc"):
        x = lifelines[participant[t]]
        source, target = boxes[s], boxes[t]
        if e.kind == "connector":  # a branch starts at its guard, any other at its source
            start = operand_top.get(e.edge.index, source.bottom) if e.from_guard else source.bottom
            points = ((x, start), (x, target.y))
            if label is not None:  # beside the connector, just above the step
                label = replace(label, x=x + LABEL_INSET, y=e.y - label.height, anchor="start")
        else:  # leaves low and enters high on the right: clear of the messages at mid-height
            run = track_x(participant[t], 1, e.track)
            leave, enter = source.bottom - source.h / 4, target.y + target.h / 4
            points = (
                (outline_x(shapes[s], source, 1, leave), leave),
                (run, leave),
                (run, enter),
                (outline_x(shapes[t], target, 1, enter), enter),
            )
            if label is not None:  # just above where it enters the step, against the column's side
                right = track_x(participant[t], 1, -1) - LABEL_INSET
                label = replace(label, x=right - label.width, y=e.y - label.height, anchor="start")
    else:  # return: down from the source, across, up beside the target's column, into it
        x = lifelines[participant[s]]
        source, target = boxes[s], boxes[t]
        run = track_x(participant[t], e.facing, e.track)
        enter = target.bottom - target.h / 4  # below a message into the same side
        end = outline_x(shapes[t], target, e.facing, enter)
        points = ((x, source.bottom), (x, e.y), (run, e.y), (run, enter), (end, enter))
        if label is not None:
            if participant[s] == participant[t]:
                label = replace(label, x=x + LABEL_INSET, y=e.y - LABEL_GAP - label.height, anchor="start")
            else:
                label = _above(label, (x + run) / 2, e.y)
    return MessageLayout(
        e.edge,
        points,
        e.kind,
        label,
        titles[participant[s]] if s is not None else "",
        titles[participant[t]] if t is not None else "",
    )


def outline_x(shape: str, box: Box, side: int, y: float) -> float:
    """Where a horizontal line at height `y` meets the outline of a step's box on `side`
    (1 right, -1 left): a hexagon's and a pill's ends slant or round away from the box."""
    half = box.h / 2
    dy = min(abs(y - box.cy), half)
    if shape == "diamond":
        inset = dy  # the hexagon's ends are half the box's height deep
    elif shape == "circle":
        inset = half - math.sqrt(half * half - dy * dy)
    else:
        inset = 0.0
    return (box.right - inset) if side > 0 else (box.x + inset)


def _above(label: TextBlock | None, x: float, y: float) -> TextBlock | None:
    """`label` centred on `x`, just above height `y`."""
    return label.centred_at(x, y - LABEL_GAP - label.height / 2) if label is not None else None


def message_extent(message: MessageLayout) -> Box:
    xs = [pt[0] for pt in message.points]
    ys = [pt[1] for pt in message.points]
    box = Box(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
    return union(box, message.label.box) if message.label else box
