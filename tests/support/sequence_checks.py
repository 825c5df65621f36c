"""What every sequence view must satisfy, checked against the document model.

`check_sequence(model, order)` lays the model out and checks the drawing as a reader would
read it, each expectation rebuilt from the model (the cycle-closing edges by a search of
its own, the document order from the edges): one row per step, top to bottom; in causal
order no edge that closes no cycle has its target above its source, in document order the
steps follow the edges' order; every edge drawn once, from its source to its target; no
label over a step; a loop frame holds exactly its member steps; a decision's operands
hold its branches; the SVG carries every text once and the data attributes a preview's
click-to-source reads. tests/test_render_sequence.py runs it over the examples, fixtures
and generated documents, tests/test_corpus_render.py over the corpus.
"""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from collections import Counter

import pytest

from fz_lsp.model import Model, Node
from fz_lsp.render import layout_sequence, render_svg
from fz_lsp.render.layout.geometry import Box
from fz_lsp.render.sequence import SequenceLayout
from fz_lsp.render.text import OUTSIDE_LANES_TITLE
from support.drawn_text import expected_node_texts, squash

SVG_NS = "{http://www.w3.org/2000/svg}"


def ends(model: Model) -> list[tuple[int, int, int]]:
    """(edge index, source node index, target node index) of edges whose ends resolve."""
    index = {id(n): i for i, n in enumerate(model.nodes)}
    return [
        (e.index, index[id(e.source.node)], index[id(e.target.node)])
        for e in model.edges
        if e.source.node is not None and e.target.node is not None
    ]


def document_order(model: Model) -> list[int]:
    """Node indices in the order the edges first name them, then the rest as declared."""
    index = {id(n): i for i, n in enumerate(model.nodes)}
    seen: list[int] = []
    for edge in model.edges:
        for end in (edge.source.node, edge.target.node):
            if end is not None and index[id(end)] not in seen:
                seen.append(index[id(end)])
    return seen + [i for i in range(len(model.nodes)) if i not in seen]


def closing_edges(model: Model) -> set[int]:
    """Edges that close a cycle, as issue 23 defines them: a depth-first search from the
    start nodes (nothing leads to them) in document order, then from any node left,
    following edges in document order; an edge to a node on the current path closes one."""
    links = ends(model)
    order = document_order(model)
    out: dict[int, list[tuple[int, int]]] = {v: [] for v in order}
    entered = set()
    for i, s, t in links:
        out[s].append((i, t))
        if s != t:
            entered.add(t)
    closing: set[int] = set()
    path: set[int] = set()
    done: set[int] = set()

    def visit(v: int) -> None:  # recursion is fine at test sizes
        path.add(v)
        for i, t in out[v]:
            if t in path:
                closing.add(i)
            elif t not in done:
                visit(t)
        path.discard(v)
        done.add(v)

    for v in [v for v in order if v not in entered] + order:
        if v not in done:
            visit(v)
    return closing


def check_sequence(model: Model, order: str = "causal") -> SequenceLayout:
    layout = layout_sequence(model, order)
    nodes = model.nodes

    # participants: the lanes, left to right, then the nodes outside every lane
    lanes = [p.lane for p in layout.participants]
    assert lanes[: len(model.lanes)] == model.lanes
    assert lanes[len(model.lanes) :] == ([None] if any(n.lane is None for n in nodes) else [])
    xs = [p.x for p in layout.participants]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)

    # steps: one row each, top to bottom, on their lane's lifeline
    steps = layout.nodes
    assert [s.node for s in steps] == nodes
    assert sorted(s.row for s in steps) == list(range(len(nodes)))
    by_row = sorted(steps, key=lambda s: s.row)
    for upper, lower in itertools.pairwise(by_row):
        assert upper.box.bottom < lower.box.y, (upper.node.id, lower.node.id)
    for s in steps:
        assert layout.participants[s.participant].lane is s.node.lane
        assert s.box.cx == pytest.approx(xs[s.participant])
        assert layout.lifeline_top < s.box.y and s.box.bottom < layout.lifeline_bottom
    box = {id(s.node): s.box for s in steps}
    row = {id(s.node): s.row for s in steps}

    closing = closing_edges(model)
    if order == "causal":
        for i, s, t in ends(model):
            if i not in closing and s != t:
                assert row[id(nodes[t])] > row[id(nodes[s])], f"edge {i} runs up without closing a cycle"
    else:
        assert [s.node for s in by_row] == [nodes[i] for i in document_order(model)]

    # edges: each drawn once, in edge order, from its source to its target
    drawn = [m for m in model.edges if m.source.node is not None or m.target.node is not None]
    assert [m.edge for m in layout.messages] == drawn
    upward = {m.edge.index for m in layout.messages if m.kind == "return"}
    for m in layout.messages:
        s, t = m.edge.source.node, m.edge.target.node
        first, last = m.points[0], m.points[-1]
        if m.kind == "source-only":
            assert t is None and first == (xs[index_of(layout, s)], box[id(s)].bottom)
            continue
        if m.kind == "target-only":
            assert s is None and last[0] == xs[index_of(layout, t)] and last[1] < box[id(t)].y
            continue
        assert s is not None and t is not None
        target = box[id(t)]
        lifeline_s, lifeline_t = xs[index_of(layout, s)], xs[index_of(layout, t)]
        if m.kind == "message":
            assert s.lane is not t.lane and len(m.points) == 2 and first[1] == last[1]
            assert first[0] == lifeline_s
            into_box = last[0] in (target.x, target.right) and target.y < last[1] < target.bottom
            above = last[0] == lifeline_t and last[1] < target.y
            assert into_box or above, m.edge.line
        elif m.kind == "connector":
            assert s.lane is t.lane and first[0] == last[0] == lifeline_t and last[1] == target.y
            assert first[1] < last[1]
        elif m.kind == "arc":
            source = box[id(s)]
            assert s.lane is t.lane and on_side(source, first, 1) and on_side(target, last, 1)
            assert all(x >= max(source.right, target.right) for x, _ in m.points[1:-1])
        else:
            assert m.kind == "return"
            assert on_side(target, last, 1) or on_side(target, last, -1)
            assert m.points[-2][1] > last[1] or m.points[-2][1] == last[1]  # comes up into it
        # nothing points up but an edge that closes a cycle (or, in document order, points back)
        if m.kind != "return":
            assert row[id(t)] > row[id(s)], m.edge.line
    if order == "causal":
        assert upward == {i for i, s, t in ends(model) if i in closing or s == t}
    else:
        assert upward == {i for i, s, t in ends(model) if row[id(nodes[t])] <= row[id(nodes[s])]}

    # labels: none over a step
    for m in layout.messages:
        if m.label is not None:
            for s in steps:
                assert not m.label.box.overlaps(s.box), (m.edge.line, s.node.id)

    # frames
    check_frames(model, layout, box)

    # the SVG: every element a click can point at, every text once
    root = ET.fromstring(render_svg(model, "sequence", sequence_order=order))
    check_svg(model, layout, root)
    return layout


def on_side(box: Box, point: tuple[float, float], side: int) -> bool:
    """`point` is on the box's right (1) or left (-1) end, within the depth a hexagon's or a
    pill's end takes (half the box's height), strictly between its top and bottom."""
    x, y = point
    depth = box.right - x if side > 0 else x - box.x
    return 0 <= depth <= box.h / 2 and box.y < y < box.bottom


def index_of(layout: SequenceLayout, node: Node) -> int:
    return next(p for p, participant in enumerate(layout.participants) if participant.lane is node.lane)


def check_frames(model: Model, layout: SequenceLayout, box: dict[int, Box]) -> None:
    for loop in model.loops:
        members = {id(ref.node) for ref in loop.members if ref.node is not None}
        pieces = [f for f in layout.frames if f.loop is loop]
        assert bool(pieces) == bool(members)
        held = {id(s.node) for s in layout.nodes for f in pieces if f.box.contains(s.box)}
        assert held == members, f"loop on line {loop.line + 1} holds exactly its steps"
    alts = [f for f in layout.frames if f.kind != "loop"]
    for f in alts:
        assert f.decision is not None and box[id(f.decision)].bottom <= f.box.y
        assert (f.kind == "alt") == (len(f.operands) > 1)
        outgoing = {e.index for e in f.decision.outgoing}
        bounds = [f.box.y] + [op.divider for op in f.operands[1:]] + [f.box.bottom]
        for k, op in enumerate(f.operands):
            assert op.edge is not None and op.edge.index in outgoing
            target = box[id(op.edge.target.node)]
            assert bounds[k] < target.y and target.bottom < bounds[k + 1], "a branch starts in its operand"
            assert f.box.contains(target)
    for a in alts:  # decision frames nest
        for b in alts:
            if a is not b and a.box.y <= b.box.y < a.box.bottom:
                assert a.box.contains(b.box) or b.box.contains(a.box), (a.decision.id, b.decision.id)


def check_svg(model: Model, layout: SequenceLayout, root: ET.Element) -> None:
    nodes = [el for el in root.iter() if "data-node" in el.attrib]
    assert Counter((el.get("data-node"), int(el.get("data-line"))) for el in nodes) == Counter(
        (n.id, n.line) for n in model.nodes
    )
    edges = [el for el in root.iter() if "data-edge" in el.attrib]
    assert [(int(el.get("data-edge")), el.get("data-lines")) for el in edges] == [
        (m.edge.index, str(m.edge.line)) for m in layout.messages
    ]
    lanes = [
        (el.get("data-lane"), int(el.get("data-line")))
        for el in root.iter()
        if "fz-participant" in el.get("class", "").split() and "data-lane" in el.attrib
    ]
    assert lanes == [(lane.id, lane.header_line) for lane in model.lanes]
    frames = [el.get("data-lines") for el in root.iter() if "data-frame" in el.attrib]
    assert frames == [" ".join(map(str, f.lines)) for f in layout.frames]

    texts = [lane.title for lane in model.lanes]
    if any(node.lane is None for node in model.nodes):
        texts.append(OUTSIDE_LANES_TITLE)
    for node in model.nodes:
        texts.extend(expected_node_texts(node))
    guards = {op.edge.index for f in layout.frames for op in f.operands if op.edge is not None}
    for edge in model.edges:
        shown = edge.source.node is not None or edge.target.node is not None
        if shown and edge.label and edge.label.strip():
            texts.append(f"[{edge.label}]" if edge.index in guards else edge.label)
    for f in layout.frames:
        texts.append(
            f.kind if f.loop is None else ("loop" if f.loop.condition is None else f"loop [{f.loop.condition}]")
        )
    shown = Counter(squash("".join(el.itertext())) for el in root.iter(f"{SVG_NS}text"))
    assert shown == Counter(squash(t) for t in texts)
