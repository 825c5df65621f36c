"""Sequence view layout: one lifeline per lane, one row per step, in causal order.

Participants are the lanes, left to right in document order (nodes declared outside any
lane get one more participant at the end). Time runs down, one row per step (node), in
the order of fz_lsp/render/sequence_order.py (causal by default, or FlowZap's document
order). Each step is a labelled box on its lane's lifeline, its shape told by its outline
(a pill for a circle, a hexagon for a decision, a card for a taskbox).

Edges, each drawn once:
- `message`: an edge between two lanes, an arrow from the source's lifeline into the
  target's box in the target's row, its label above it; a second one into the same side
  of a step gets a row of its own just above the step and ends on the lifeline;
- `connector`: an edge to the next step of the same lane, a short arrow down the
  lifeline; `arc`: an edge to a later step of the same lane that skips steps between,
  drawn beside the column; both keep their label, set just above the target;
- `return`: an edge that closes a cycle (or, in document order, points back up), drawn
  from a row of its own under its source, up beside the target's column, into it;
- `source-only` / `target-only`: an edge with one unresolved end, a short dashed stub.
An alternative's branch edge does not repeat its label: the operand's guard shows it.

Frames: `alt` / `opt` around a decision's operands (dashed dividers, `[guard]` texts) and
`loop [..]` around a loop's member steps, nested frames inside their parents.

Pure Python: no pygls import.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

from fz_lsp.model import Edge, Lane, Loop, Model, Node
from fz_lsp.render.layout.geometry import Box, Point, union
from fz_lsp.render.sequence_order import DEFAULT_ORDER, Fragment, Timeline, timeline
from fz_lsp.render.workflow import (
    EDGE_FONT_SIZE,
    FONT_SIZE,
    MARGIN,
    OUTSIDE_LANES_TITLE,
    SMALL_FONT_SIZE,
    TITLE_PAD,
    TITLE_WRAP,
    TextBlock,
    band_lanes,
    edge_label_text,
    loop_label_text,
    node_texts,
    text_block,
)
from fz_lsp.syntax.vocabulary import SHAPES

MIN_COLUMN_WIDTH = 96
COLUMN_GAP = 32  # least room between two columns' widest boxes
HEADER_PAD = 7
FIRST_ROW_GAP = 10
ROW_GAP = 9  # between a step's box and what comes next
STEP_WRAP = 150
STEP_PAD_X, STEP_PAD_Y = 10, 5
STEP_MIN_W, STEP_MIN_H = 60, 26
TASK_ACCENT, TASK_ICON = 5, 15
LABEL_GAP = 3  # between a label and the arrow under it
LABEL_INSET = 5  # a label's distance from a lifeline or track beside it
LABEL_WRAP_MAX = 180
LABEL_WRAP_MIN = 40
STUB = 40  # length of a dangling edge
TRACK = 8  # distance between vertical runs beside a column
FRAME_PAD = 5  # between a frame and the frames or boxes inside it
TAB_PAD = 6
GUARD_WRAP = 220


@dataclass(frozen=True, slots=True)
class ParticipantLayout:
    lane: Lane | None  # None: the participant of nodes declared outside any lane
    title: str
    x: float  # the lifeline
    header: Box
    title_block: TextBlock


@dataclass(frozen=True, slots=True)
class ActivationLayout:
    node: Node
    shape: str  # circle | rectangle | diamond | taskbox | unknown
    box: Box
    participant: int
    row: int
    blocks: tuple[TextBlock, ...]


@dataclass(frozen=True, slots=True)
class MessageLayout:
    edge: Edge
    points: tuple[Point, ...]
    kind: str  # "message" | "connector" | "arc" | "return" | "source-only" | "target-only"
    label: TextBlock | None
    source: str  # participant titles, for the tooltip ("" when the end does not resolve)
    target: str


@dataclass(frozen=True, slots=True)
class OperandLayout:
    guard: TextBlock | None  # `[label]` of the branch edge
    edge: Edge | None
    divider: float | None  # y of the dashed line above it (None for the first operand)


@dataclass(frozen=True, slots=True)
class FrameLayout:
    kind: str  # "alt" | "opt" | "loop"
    box: Box
    tab: Box
    label: TextBlock
    operands: tuple[OperandLayout, ...]
    lines: tuple[int, ...]  # source lines: the decision and its branch edges, or the loop
    decision: Node | None
    loop: Loop | None


@dataclass(frozen=True, slots=True)
class SequenceLayout:
    order: str  # "causal" | "document"
    width: float
    height: float
    lifeline_top: float
    lifeline_bottom: float
    participants: tuple[ParticipantLayout, ...]
    nodes: tuple[ActivationLayout, ...]  # in the model's node order; `row` is the drawing order
    messages: tuple[MessageLayout, ...]  # in edge order
    frames: tuple[FrameLayout, ...]


# ---------------------------------------------------------------------------
# Step boxes


@dataclass(frozen=True, slots=True)
class _Content:
    shape: str
    w: float
    h: float
    blocks: tuple[TextBlock, ...]  # relative to the box's top-left


def step_content(node: Node) -> _Content:
    """A step's compact box: its text wrapped, its shape told by the outline."""
    shape = node.shape if node.shape in SHAPES else "unknown"
    if shape == "taskbox":
        card = _task_card(node)
        if card is not None:
            return card
    texts = node_texts(node)
    block = text_block(texts[0], STEP_WRAP, FONT_SIZE, "label") if texts else None
    tw, th = (block.width, block.height) if block else (0.0, 0.0)
    h = max(STEP_MIN_H, math.ceil(th + 2 * STEP_PAD_Y))
    ends = {"circle": h / 3, "diamond": h / 2}.get(shape, 0.0)  # room for a pill's or hexagon's ends
    w = max(STEP_MIN_W, math.ceil(tw + 2 * STEP_PAD_X + ends))
    blocks = (block.centred_at(w / 2, h / 2),) if block else ()
    return _Content(shape, w, h, blocks)


def _task_card(node: Node) -> _Content | None:
    sections = [
        ("task-title", node.label, FONT_SIZE, True, 0),
        ("task-description", node.attribute("description"), SMALL_FONT_SIZE, False, 0),
        ("task-owner", node.attribute("owner"), SMALL_FONT_SIZE, False, TASK_ICON),
        ("task-system", node.attribute("system"), SMALL_FONT_SIZE, False, TASK_ICON),
    ]
    left = TASK_ACCENT + STEP_PAD_X
    y = float(STEP_PAD_Y)
    blocks = []
    for role, value, size, bold, indent in sections:
        if not value or not value.strip():
            continue
        block = text_block(value, STEP_WRAP - indent, size, role, bold)
        if block is None:
            continue
        blocks.append(replace(block, x=left + indent, y=y, anchor="start"))
        y += block.height + 1
    if not blocks:
        return None
    w = max(STEP_MIN_W, math.ceil(max(b.x + b.width for b in blocks) + STEP_PAD_X))
    h = max(STEP_MIN_H, math.ceil(y - 1 + STEP_PAD_Y))
    return _Content("taskbox", w, h, tuple(blocks))


# ---------------------------------------------------------------------------
# The layout


@dataclass(slots=True)
class _Edge:
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


def layout_sequence(model: Model, order: str = DEFAULT_ORDER) -> SequenceLayout:
    """The sequence view of `model`, its steps in `order` ("causal" or "document")."""
    plan = timeline(model, order)
    lanes = band_lanes(model)
    lane_index = {id(lane): i for i, lane in enumerate(lanes)}
    nodes = model.nodes
    node_index = {id(node): i for i, node in enumerate(nodes)}
    participant = [lane_index[id(node.lane)] for node in nodes]
    row = [0] * len(nodes)
    for r, v in enumerate(plan.steps):
        row[v] = r
    contents = [step_content(node) for node in nodes]
    edges = _classify(model, plan, node_index, participant, row)
    levels = _levels(plan.fragments)
    tracks = _assign_tracks(edges, participant, row, len(lanes))

    # columns
    titles = [lane.title if lane is not None else OUTSIDE_LANES_TITLE for lane in lanes]
    title_blocks = []
    for title in titles:
        block = text_block(title, TITLE_WRAP, FONT_SIZE, "lane-title", bold=True)
        assert block is not None  # titles are never blank: a lane id is a name
        title_blocks.append(block)
    widths = [max(MIN_COLUMN_WIDTH, b.width + 2 * TITLE_PAD) for b in title_blocks]
    for p, content in zip(participant, contents):
        widths[p] = max(widths[p], content.w)
    frame_room = FRAME_PAD * (max(levels.values(), default=-1) + 1)
    left_tracks, right_tracks = tracks
    x = MARGIN + frame_room + (TRACK * left_tracks[0] + widths[0] / 2 if widths else 0.0)
    lifelines = []
    for i, w in enumerate(widths):
        if i:
            gap = COLUMN_GAP + TRACK * (right_tracks[i - 1] + left_tracks[i]) + 2 * frame_room
            x += widths[i - 1] / 2 + gap + w / 2
        lifelines.append(x)
    header_h = max((b.height for b in title_blocks), default=0.0) + 2 * HEADER_PAD
    participants = tuple(
        ParticipantLayout(
            lanes[i],
            titles[i],
            lifelines[i],
            Box(lifelines[i] - widths[i] / 2, MARGIN, widths[i], header_h),
            title_blocks[i].centred_at(lifelines[i], MARGIN + header_h / 2),
        )
        for i in range(len(lanes))
    )

    def column_edge(p: int, side: int) -> float:
        return lifelines[p] + side * widths[p] / 2

    def track_x(p: int, side: int, track: int) -> float:
        return column_edge(p, side) + side * TRACK * (track + 1)

    boxes_w = [c.w for c in contents]
    _wrap_labels(edges, participant, lifelines, boxes_w, track_x)

    # rows, top to bottom
    by_target: dict[int, list[_Edge]] = {}
    by_source: dict[int, list[_Edge]] = {}
    for e in edges:
        if e.kind in ("message", "connector", "arc", "target-only") and e.target is not None:
            by_target.setdefault(e.target, []).append(e)
        if e.kind in ("return", "source-only") and e.source is not None:
            by_source.setdefault(e.source, []).append(e)
    opening: dict[int, list[Fragment]] = {}
    closing: dict[int, list[Fragment]] = {}
    dividers: dict[int, list[tuple[Fragment, int]]] = {}
    for f in sorted(plan.fragments, key=_nesting_key):
        opening.setdefault(f.first, []).append(f)
        closing.setdefault(f.last, []).insert(0, f)
        for k, operand in enumerate(f.operands[1:], 1):
            dividers.setdefault(operand.first, []).append((f, k))
    tops: dict[int, float] = {}
    bottoms: dict[int, float] = {}
    divider_y: dict[tuple[int, int], float] = {}
    tab_blocks = {id(f): _tab_label(f) for f in plan.fragments}
    guards = {(id(f), k): _guard(op.guard) for f in plan.fragments for k, op in enumerate(f.operands)}
    operand_top: dict[int, float] = {}  # a branch edge -> its operand's divider (or its frame's top)
    boxes: list[Box | None] = [None] * len(nodes)
    lifeline_top = MARGIN + header_h
    y = lifeline_top + FIRST_ROW_GAP
    for r, v in enumerate(plan.steps):
        for f, k in dividers.get(r, ()):  # an operand starts: its frame began above
            divider_y[(id(f), k)] = y
            branch = f.operands[k].guard
            if branch is not None:
                operand_top[branch.index] = y
            guard = guards[(id(f), k)]
            y += (guard.height if guard else 0.0) + TAB_PAD
        for f in opening.get(r, ()):  # frames start, outer first
            tops[id(f)] = y
            branch = f.operands[0].guard
            if branch is not None:
                operand_top[branch.index] = y
            first_guard = guards[(id(f), 0)]
            y += max(tab_blocks[id(f)].height, first_guard.height if first_guard else 0.0) + TAB_PAD
        incoming = by_target.get(v, [])
        for e in incoming:
            if e.kind in ("message", "target-only") and not e.primary:
                y += (e.label.height + LABEL_GAP if e.label else 0.0) + LABEL_GAP
                e.y = y
                y += LABEL_GAP + 2
        above = [e for e in incoming if e.kind in ("connector", "arc") and e.label]
        for e in above:  # labels of edges from the same lane, stacked just above the step
            assert e.label is not None
            y += e.label.height + LABEL_GAP
            e.y = y  # the label's bottom, moved with the box below
        if above:
            y += LABEL_GAP
        content = contents[v]
        room = max(
            (e.label.height + LABEL_GAP for e in incoming if e.kind == "message" and e.primary and e.label), default=0.0
        )
        top = y + max(0.0, room + 2 - content.h / 2)
        boxes[v] = Box(lifelines[participant[v]] - content.w / 2, top, content.w, content.h)
        y = top + content.h + ROW_GAP
        for e in by_source.get(v, []):
            y += e.label.height + LABEL_GAP if e.label else 0.0
            e.y = y
            y += ROW_GAP
        for f in closing.get(r, ()):
            bottoms[id(f)] = y - ROW_GAP + FRAME_PAD + 1
            y += FRAME_PAD + 2

    placed = [b for b in boxes if b is not None]
    assert len(placed) == len(nodes)
    steps = tuple(
        ActivationLayout(
            node,
            contents[i].shape,
            placed[i],
            participant[i],
            row[i],
            tuple(b.moved(placed[i].x, placed[i].y) for b in contents[i].blocks),
        )
        for i, node in enumerate(nodes)
    )
    messages = tuple(
        _geometry(e, placed, [c.shape for c in contents], participant, lifelines, titles, operand_top, track_x)
        for e in edges
    )
    lanes_between = _RangeLanes([participant[v] for v in plan.steps]).between
    frames = tuple(
        _frame(
            f,
            levels[id(f)],
            tops[id(f)],
            bottoms[id(f)],
            divider_y,
            tab_blocks[id(f)],
            guards,
            node_index,
            row,
            lanes_between,
            column_edge,
            tracks,
        )
        for f in sorted(plan.fragments, key=_nesting_key)
    )
    lifeline_bottom = y
    extents = [p.header for p in participants] + [s.box for s in steps] + [f.box for f in frames]
    extents += [_extent(m) for m in messages]
    width = max((b.right for b in extents), default=MARGIN) + MARGIN
    height = max([lifeline_bottom] + [b.bottom for b in extents]) + MARGIN
    return SequenceLayout(order, width, height, lifeline_top, lifeline_bottom, participants, steps, messages, frames)


def _classify(
    model: Model, plan: Timeline, node_index: dict[int, int], participant: list[int], row: list[int]
) -> list[_Edge]:
    """Each drawn edge with its kind; which message into a step is drawn into its box."""
    guards = {  # branch edge -> which operand of its frame it opens
        op.guard.index: k
        for f in plan.fragments
        if f.kind != "loop"
        for k, op in enumerate(f.operands)
        if op.guard is not None
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
            out.append(_Edge(edge, "source-only", s, t, text))
        elif s is None:
            out.append(_Edge(edge, "target-only", s, t, text, primary=False))
        elif edge.index in plan.feedback or s == t:
            out.append(_Edge(edge, "return", s, t, text))
        elif participant[s] == participant[t]:
            # one connector per pair: a second edge between the same steps runs beside them
            straight = (next_in_lane.get(s) == t or gate) and (s, t) not in joined
            joined.add((s, t))
            # a branch starts at its guard unless it is the first and nothing comes between
            from_guard = straight and gate and (next_in_lane.get(s) != t or guards[edge.index] > 0)
            kind = "connector" if straight else "arc"
            out.append(_Edge(edge, kind, s, t, text, gate=gate, from_guard=from_guard))
        else:
            out.append(_Edge(edge, "message", s, t, text, side=-1 if participant[s] < participant[t] else 1))
    latest: dict[tuple[int, int], tuple[int, _Edge]] = {}  # (target, side) -> the message into the box
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


def _nesting_key(f: Fragment) -> tuple[int, int, int]:
    """Outer frames first: earlier start, later end; a loop around an equal alt."""
    return (f.first, -f.last, 0 if f.kind == "loop" else 1)


def _levels(fragments: tuple[Fragment, ...]) -> dict[int, int]:
    """How many frames deep each frame's insides go (0: none inside it). Each frame's
    parent is the innermost frame still open that holds it (a sweep down the rows); a
    frame crossing another is nobody's parent after it."""
    level = {id(f): 0 for f in fragments}
    parents: dict[int, Fragment] = {}
    stack: list[Fragment] = []
    ordered = sorted(fragments, key=_nesting_key)
    for f in ordered:
        while stack and stack[-1].last < f.last:
            stack.pop()
        if stack:
            parents[id(f)] = stack[-1]
        stack.append(f)
    for f in reversed(ordered):  # the innermost first
        parent = parents.get(id(f))
        if parent is not None:
            level[id(parent)] = max(level[id(parent)], level[id(f)] + 1)
    return level


def _assign_tracks(
    edges: list[_Edge], participant: list[int], row: list[int], columns: int
) -> tuple[list[int], list[int]]:
    """Give each arc and return a run beside a column, runs that overlap in time apart;
    (runs left of each column, runs right of each column)."""
    groups: dict[tuple[int, int], list[tuple[float, float, _Edge]]] = {}
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


def _wrap_labels(
    edges: list[_Edge],
    participant: list[int],
    lifelines: list[float],
    box_widths: list[float],
    track_x: Callable[[int, int, int], float],
) -> None:
    """Each label wrapped to the room its edge has: the span of its arrow, or beside the
    lifeline up to the edge's run."""
    for e in edges:
        if e.text is None:
            continue
        s, t = e.source, e.target
        if e.kind == "message" and s is not None and t is not None:
            end = lifelines[participant[t]] + e.side * box_widths[t] / 2 if e.primary else lifelines[participant[t]]
            room = abs(lifelines[participant[s]] - end)
        elif e.kind in ("connector", "arc") and t is not None:
            p = participant[t]
            limit = track_x(p, 1, e.track) if e.kind == "arc" else track_x(p, 1, 0) + COLUMN_GAP / 2
            room = limit - lifelines[p]
        elif e.kind == "return" and s is not None and t is not None:
            room = abs(track_x(participant[t], e.facing, e.track) - lifelines[participant[s]])
        else:
            room = 2 * STUB
        width = min(LABEL_WRAP_MAX, max(LABEL_WRAP_MIN, room - 2 * LABEL_INSET))
        e.label = text_block(e.text, width, EDGE_FONT_SIZE, "edge-label")


def _geometry(
    e: _Edge,
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
                (_outline_x(shapes[s], source, 1, leave), leave),
                (run, leave),
                (run, enter),
                (_outline_x(shapes[t], target, 1, enter), enter),
            )
            if label is not None:  # just above where it enters the step, against its run
                label = replace(label, x=run - LABEL_INSET - label.width, y=e.y - label.height, anchor="start")
    else:  # return: down from the source, across, up beside the target's column, into it
        x = lifelines[participant[s]]
        source, target = boxes[s], boxes[t]
        run = track_x(participant[t], e.facing, e.track)
        enter = target.bottom - target.h / 4  # below a message into the same side
        end = _outline_x(shapes[t], target, e.facing, enter)
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


def _outline_x(shape: str, box: Box, side: int, y: float) -> float:
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


def _extent(message: MessageLayout) -> Box:
    xs = [pt[0] for pt in message.points]
    ys = [pt[1] for pt in message.points]
    box = Box(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
    return union(box, message.label.box) if message.label else box


class _RangeLanes:
    """The leftmost and rightmost lane of the steps of any run of rows, each answered in
    constant time (a sparse table of minima and maxima)."""

    def __init__(self, lanes: list[int]) -> None:
        self.low = [lanes]
        self.high = [lanes]
        span = 1
        while 2 * span <= len(lanes):
            lo, hi = self.low[-1], self.high[-1]
            self.low.append([min(lo[i], lo[i + span]) for i in range(len(lo) - span)])
            self.high.append([max(hi[i], hi[i + span]) for i in range(len(hi) - span)])
            span *= 2

    def between(self, first: int, last: int) -> tuple[int, int]:
        k = (last - first + 1).bit_length() - 1
        end = last - (1 << k) + 1
        return min(self.low[k][first], self.low[k][end]), max(self.high[k][first], self.high[k][end])


def _tab_label(f: Fragment) -> TextBlock:
    text = loop_label_text(f.loop) if f.loop is not None else f.kind
    block = text_block(text, GUARD_WRAP, EDGE_FONT_SIZE, "frame-label", bold=True)
    assert block is not None  # "alt", "opt", "loop" are never blank
    return block


def _guard(edge: Edge | None) -> TextBlock | None:
    text = edge_label_text(edge) if edge is not None else None
    return text_block(f"[{text}]", GUARD_WRAP, EDGE_FONT_SIZE, "frame-guard") if text else None


def _frame(
    f: Fragment,
    level: int,
    top: float,
    bottom: float,
    divider_y: dict[tuple[int, int], float],
    tab_label: TextBlock,
    guards: dict[tuple[int, int], TextBlock | None],
    node_index: dict[int, int],
    row: list[int],
    lanes_between: Callable[[int, int], tuple[int, int]],
    column_edge: Callable[[int, int], float],
    tracks: tuple[list[int], list[int]],
) -> FrameLayout:
    """A frame around its rows, as wide as the lanes of its steps (and of its decision, and
    of the messages between them), its tab and first guard at the top."""
    # the lanes of its steps and its decision: a message from a step inside comes from
    # one of them, a message from outside enters across the frame's side
    start = row[node_index[id(f.decision)]] if f.decision is not None else f.first
    lo, hi = lanes_between(start, f.last)
    pad = FRAME_PAD * (level + 1)
    left = column_edge(lo, -1) - TRACK * tracks[0][lo] - pad
    right = column_edge(hi, 1) + TRACK * tracks[1][hi] + pad
    tab = Box(left, top, tab_label.width + 2 * TAB_PAD, tab_label.height + 4)
    first_guard = guards[(id(f), 0)]
    right = max(right, tab.right + (first_guard.width + 2 * TAB_PAD if first_guard else TAB_PAD))
    box = Box(left, top, right - left, bottom - top)
    label = replace(tab_label, x=left + TAB_PAD, y=top + 2, anchor="start")
    operands = []
    for k, operand in enumerate(f.operands):
        guard = guards[(id(f), k)]
        divider = divider_y.get((id(f), k))
        if guard is not None:
            if divider is None:
                guard = replace(guard, x=tab.right + TAB_PAD, y=top + 2, anchor="start")
            else:
                guard = replace(guard, x=left + TAB_PAD, y=divider + 2, anchor="start")
        operands.append(OperandLayout(guard, operand.guard, divider))
    if f.loop is not None:
        lines: tuple[int, ...] = (f.loop.line,)
    else:
        assert f.decision is not None
        lines = (f.decision.line, *(op.guard.line for op in f.operands if op.guard is not None))
    return FrameLayout(f.kind, box, tab, label, tuple(operands), lines, f.decision, f.loop)
