"""Sequence view layout: one lifeline per lane, one message per edge in document order.

Participants are the lanes, left to right in document order (nodes declared outside any
lane get one more participant at the end). Time runs down: each edge, in definition
order, is a message arrow from its source's lifeline to its target's; an edge within
one lane is a self-message. Every node is drawn once, as its shape on its lane's
lifeline, just before the first message that leaves it or just after the first message
that reaches it (nodes no edge touches come last). Loops are frames spanning their
member nodes and the messages between them.

Pure Python: no pygls import.
"""

from __future__ import annotations

from dataclasses import dataclass

from fz_lsp.model import Edge, Lane, Loop, Model, Node
from fz_lsp.render.workflow import (
    EDGE_FONT_SIZE,
    EDGE_LABEL_WRAP,
    FONT_SIZE,
    LOOP_PAD,
    MARGIN,
    OUTSIDE_LANES_TITLE,
    TITLE_PAD,
    TITLE_WRAP,
    Box,
    LoopLayout,
    NodeLayout,
    Point,
    TextBlock,
    band_lanes,
    edge_label_text,
    loop_frame,
    loop_tab_height,
    node_content,
    text_block,
    union,
)

MIN_COLUMN_WIDTH = 120
COLUMN_GAP = 56
HEADER_PAD = 10
FIRST_EVENT_GAP = 24
NODE_GAP = 16
MESSAGE_GAP = 20
LABEL_GAP = 4
SELF_WIDTH = 36
SELF_HEIGHT = 22
DANGLING_LENGTH = 48


@dataclass(frozen=True, slots=True)
class ParticipantLayout:
    lane: Lane | None  # None: the participant of nodes declared outside any lane
    title: str
    x: float  # the lifeline
    header: Box
    title_block: TextBlock


@dataclass(frozen=True, slots=True)
class MessageLayout:
    edge: Edge
    points: tuple[Point, ...]
    kind: str  # "full" | "self" | "source-only" | "target-only" (the other end does not resolve)
    label: TextBlock | None


@dataclass(frozen=True, slots=True)
class SequenceLayout:
    width: float
    height: float
    lifeline_top: float
    lifeline_bottom: float
    participants: tuple[ParticipantLayout, ...]
    nodes: tuple[NodeLayout, ...]  # band, column: participant index; row: drawing order
    messages: tuple[MessageLayout, ...]
    loops: tuple[LoopLayout, ...]


def layout_sequence(model: Model) -> SequenceLayout:
    lanes = band_lanes(model)
    lane_index = {id(lane): i for i, lane in enumerate(lanes)}
    nodes = model.nodes
    node_index = {id(node): i for i, node in enumerate(nodes)}
    contents = [node_content(node) for node in nodes]
    participant_of = [lane_index[id(node.lane)] for node in nodes]

    titles = [lane.title if lane is not None else OUTSIDE_LANES_TITLE for lane in lanes]
    title_blocks = [text_block(title, TITLE_WRAP, FONT_SIZE, "lane-title", bold=True) for title in titles]
    widths = [max(MIN_COLUMN_WIDTH, (b.width if b else 0.0) + 2 * TITLE_PAD) for b in title_blocks]
    for p, content in zip(participant_of, contents):
        widths[p] = max(widths[p], content.w)
    header_h = max((b.height for b in title_blocks if b), default=0.0) + 2 * HEADER_PAD
    participants = []
    x = float(MARGIN)
    for i, title in enumerate(titles):
        block = title_blocks[i]
        assert block is not None  # titles are never blank: a lane id is a name
        header = Box(x, MARGIN, widths[i], header_h)
        participants.append(
            ParticipantLayout(lanes[i], title, header.cx, header, block.centred_at(header.cx, header.cy))
        )
        x += widths[i] + COLUMN_GAP

    events = _events(model, node_index)
    node_event = {i: k for k, (kind, i) in enumerate(events) if kind == "node"}
    edge_event = {i: k for k, (kind, i) in enumerate(events) if kind == "message"}
    loop_spans = [_loop_span(loop, node_index, node_event, edge_event) for loop in model.loops]
    opening = [0.0] * len(events)  # room for the tabs of the loops starting at an event
    closing = [0] * len(events)
    for loop, span in zip(model.loops, loop_spans):
        if span is not None:
            opening[span[0]] += loop_tab_height(loop) + LOOP_PAD
            closing[span[1]] += 1

    placed: list[NodeLayout | None] = [None] * len(nodes)
    messages: dict[int, MessageLayout] = {}
    lifeline_top = MARGIN + header_h
    y = lifeline_top + FIRST_EVENT_GAP
    for k, (kind, i) in enumerate(events):
        y += opening[k]
        if kind == "node":
            content = contents[i]
            p = participant_of[i]
            box = Box(participants[p].x - content.w / 2, y, content.w, content.h)
            blocks = tuple(b.moved(box.x, box.y) for b in content.blocks)
            placed[i] = NodeLayout(nodes[i], content.shape, box, p, k, p, blocks)
            y += content.h + NODE_GAP
        else:
            edge = model.edges[i]
            s, t = _end(edge.source.node, node_index), _end(edge.target.node, node_index)
            text = edge_label_text(edge)
            label = text_block(text, EDGE_LABEL_WRAP, EDGE_FONT_SIZE, "edge-label") if text else None
            messages[i], y = _message(
                edge,
                participants[participant_of[s]].x if s is not None else None,
                participants[participant_of[t]].x if t is not None else None,
                s is not None and t is not None and participant_of[s] == participant_of[t],
                label,
                y,
            )
        y += closing[k] * LOOP_PAD
    node_layouts = tuple(n for n in placed if n is not None)  # every node is an event: all placed

    loops = []
    for loop, span in zip(model.loops, loop_spans):
        if span is None:
            continue
        first, last = span
        boxes = [
            node_layouts[i].box if kind == "node" else _message_extent(messages[i])
            for kind, i in events[first : last + 1]
            if (kind == "node" and _is_member(nodes[i], loop)) or (kind == "message" and _between(model.edges[i], loop))
        ]
        loops.append(loop_frame(loop, boxes))

    lifeline_bottom = y
    extents = [p.header for p in participants] + [n.box for n in node_layouts]
    extents += [_message_extent(m) for m in messages.values()] + [lp.box for lp in loops] + [lp.tab for lp in loops]
    width = max((b.right for b in extents), default=MARGIN) + MARGIN
    height = max([lifeline_bottom] + [b.bottom for b in extents]) + MARGIN
    return SequenceLayout(
        width,
        height,
        lifeline_top,
        lifeline_bottom,
        tuple(participants),
        node_layouts,
        tuple(messages.values()),
        tuple(loops),
    )


def _message(
    edge: Edge, from_x: float | None, to_x: float | None, same_lane: bool, label: TextBlock | None, y: float
) -> tuple[MessageLayout, float]:
    """The message for `edge` starting at height `y`, and the height after it."""
    arrow_y = y + (label.height + LABEL_GAP if label else 0.0)
    if from_x is not None and to_x is not None and same_lane:
        points: tuple[Point, ...] = (
            (from_x, arrow_y),
            (from_x + SELF_WIDTH, arrow_y),
            (from_x + SELF_WIDTH, arrow_y + SELF_HEIGHT),
            (from_x, arrow_y + SELF_HEIGHT),
        )
        kind = "self"
        after = arrow_y + SELF_HEIGHT + MESSAGE_GAP
    else:
        if from_x is not None and to_x is not None:
            kind = "full"
        elif from_x is not None:
            kind, to_x = "source-only", from_x + DANGLING_LENGTH
        else:
            assert to_x is not None
            kind, from_x = "target-only", to_x - DANGLING_LENGTH
        points = ((from_x, arrow_y), (to_x, arrow_y))
        after = arrow_y + MESSAGE_GAP
    if label is not None:
        left = min(pt[0] for pt in points)
        right = max(pt[0] for pt in points)
        label_y = arrow_y - LABEL_GAP - label.height / 2
        label = label.centred_at((left + right) / 2, label_y)
    return MessageLayout(edge, points, kind, label), after


def _message_extent(message: MessageLayout) -> Box:
    xs = [pt[0] for pt in message.points]
    ys = [pt[1] for pt in message.points]
    box = Box(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
    return union(box, message.label.box) if message.label else box


def _end(node: Node | None, node_index: dict[int, int]) -> int | None:
    return node_index[id(node)] if node is not None else None


def _events(model: Model, node_index: dict[int, int]) -> list[tuple[str, int]]:
    """Top-to-bottom drawing order: ("node", node index) and ("message", edge index) items.

    A node comes just before the first message leaving it or just after the first one
    reaching it; nodes no drawn message touches come last, in declaration order.
    """
    events: list[tuple[str, int]] = []
    shown = [False] * len(model.nodes)
    for edge in model.edges:
        s, t = _end(edge.source.node, node_index), _end(edge.target.node, node_index)
        if s is None and t is None:
            continue
        if s is not None and not shown[s]:
            shown[s] = True
            events.append(("node", s))
        events.append(("message", edge.index))
        if t is not None and not shown[t]:
            shown[t] = True
            events.append(("node", t))
    events.extend(("node", i) for i, seen in enumerate(shown) if not seen)
    return events


def _is_member(node: Node, loop: Loop) -> bool:
    return any(ref.node is node for ref in loop.members)


def _between(edge: Edge, loop: Loop) -> bool:
    """Both ends of `edge` are members of `loop`."""
    s, t = edge.source.node, edge.target.node
    return s is not None and t is not None and _is_member(s, loop) and _is_member(t, loop)


def _loop_span(
    loop: Loop, node_index: dict[int, int], node_event: dict[int, int], edge_event: dict[int, int]
) -> tuple[int, int] | None:
    """First and last event inside the loop's frame; None when no member resolves."""
    inside = [node_event[node_index[id(ref.node)]] for ref in loop.members if ref.node is not None]
    if not inside:
        return None
    for member in loop.members:
        if member.node is not None:
            inside.extend(
                edge_event[e.index] for e in member.node.outgoing if e.index in edge_event and _between(e, loop)
            )
    return min(inside), max(inside)
