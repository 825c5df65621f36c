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

This module places the columns, the rows and the frames; the order and the frames' steps
come from fz_lsp/render/sequence_order.py, the edges' kinds, runs and labels from
fz_lsp/render/sequence_edges.py.

Pure Python: no pygls import.
May import: fz_lsp.model, fz_lsp.syntax.vocabulary, fz_lsp.render (contents,
layout.geometry, sequence_order, sequence_edges, text).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

from fz_lsp.model import Edge, Lane, Loop, Model, Node
from fz_lsp.render.contents import node_texts
from fz_lsp.render.layout.geometry import Box
from fz_lsp.render.sequence_edges import (
    LABEL_GAP,
    TRACK,
    MessageLayout as MessageLayout,
    Route,
    assign_tracks,
    classify_edges,
    edge_geometry,
    message_extent,
    wrap_labels,
)
from fz_lsp.render.sequence_order import DEFAULT_ORDER, Fragment, timeline
from fz_lsp.render.text import (
    EDGE_FONT_SIZE,
    FONT_SIZE,
    MARGIN,
    SMALL_FONT_SIZE,
    TITLE_PAD,
    TextBlock,
    band_lanes,
    edge_label_text,
    lane_titles,
    loop_label_text,
    text_block,
)
from fz_lsp.syntax.vocabulary import SHAPES

MIN_COLUMN_WIDTH = 96
COLUMN_GAP = 32  # least room between two columns' widest boxes
HEADER_PAD = 6
FIRST_ROW_GAP = 8
ROW_GAP = 9  # between a step's box and what comes next
STEP_WRAP = 150
STEP_PAD_X, STEP_PAD_Y = 10, 5
STEP_MIN_W, STEP_MIN_H = 60, 26
TASK_ACCENT, TASK_ICON = 5, 15
FRAME_PAD = 5  # between a frame and the frames or boxes inside it
MAX_FRAME_STEPS = 6  # frames nested deeper than this share their sides (a long chain of decisions)
TAB_PAD = 6
GATE_ROOM = 12  # above a step whose branch arrow starts under its operand's guard
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
    edges = classify_edges(model, plan, node_index, participant, row)
    levels = {key: min(level, MAX_FRAME_STEPS) for key, level in _levels(plan.fragments).items()}
    tracks = assign_tracks(edges, participant, row, len(lanes))

    # columns
    titles, title_blocks = lane_titles(lanes)
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
    wrap_labels(edges, participant, lifelines, boxes_w, track_x, right_tracks)

    # rows, top to bottom
    by_target: dict[int, list[Route]] = {}
    by_source: dict[int, list[Route]] = {}
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
    operand_top: dict[int, float] = {}  # a branch edge -> where its operand starts (under its guard)
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
        gates = [e for e in incoming if e.from_guard and e.edge.index in operand_top]
        for e in gates:  # a branch drawn from under its guard: room for its arrow
            operand_top[e.edge.index] = y - TAB_PAD / 2
            y += GATE_ROOM
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
    shapes = [c.shape for c in contents]
    messages = tuple(
        edge_geometry(e, placed, shapes, participant, lifelines, titles, operand_top, track_x) for e in edges
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
    extents += [message_extent(m) for m in messages]
    # whole pixels: what an exported PNG measures, however its rasterizer rounds
    width = math.ceil(max((b.right for b in extents), default=MARGIN) + MARGIN)
    height = math.ceil(max([lifeline_bottom] + [b.bottom for b in extents]) + MARGIN)
    return SequenceLayout(order, width, height, lifeline_top, lifeline_bottom, participants, steps, messages, frames)


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
