"""What every workflow view must satisfy, checked against the document model.

`check_workflow(model)` lays the model out and checks the drawing, each expectation rebuilt
from the model (sides, columns, texts), never from the renderer's own helpers: every node
once, in its lane's band, its text inside its shape, no two nodes overlapping, bands top to
bottom; every edge whose ends resolve drawn once on an orthogonal route between the sides
its handles name (a dashed stub when one end does not resolve), moving right as its handles
ask unless it closes a cycle of their constraints (found by a search of its own); a loop
frame around its member nodes; the SVG carries every node and edge with its line (the data
attributes a preview's click-to-source reads) and every text once, and
tests/support/layout_quality.py finds no defect in it. Also the pieces the renderer tests
use on their own: `svg_texts`, `overlapping_pairs`, `squash`. tests/test_render.py runs it
over the examples and generated documents, tests/test_corpus_render.py over the corpus.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections import Counter, deque
from itertools import pairwise

import pytest

from fz_lsp.model import Model
from fz_lsp.render import layout_workflow, render_svg
from fz_lsp.render.layout.geometry import Box
from fz_lsp.render.text import OUTSIDE_LANES_TITLE
from fz_lsp.render.workflow_data import NodeLayout
from support.drawn_text import expected_node_texts, squash
from support.layout_quality import measure

SVG_NS = "{http://www.w3.org/2000/svg}"
SIDES = ("left", "right", "top", "bottom")
NORMAL = {"left": (-1, 0), "right": (1, 0), "top": (0, -1), "bottom": (0, 1)}


def side_or(direction: str | None, default: str) -> str:
    return direction if direction in SIDES else default


def expected_texts(model: Model) -> Counter:
    """Every text the diagram must show, once each (whitespace ignored)."""
    texts = [lane.label or lane.id for lane in model.lanes]
    if any(node.lane is None for node in model.nodes):
        texts.append(OUTSIDE_LANES_TITLE)
    for node in model.nodes:
        texts.extend(expected_node_texts(node))
    for edge in model.edges:
        drawn = edge.source.node is not None or edge.target.node is not None
        if drawn and edge.label and edge.label.strip():
            texts.append(edge.label)
    for loop in model.loops:
        if any(ref.node is not None for ref in loop.members):
            texts.append("loop" if loop.condition is None else f"loop [{loop.condition}]")
    return Counter(squash(t) for t in texts)


def svg_texts(root: ET.Element) -> Counter:
    return Counter(squash("".join(el.itertext())) for el in root.iter(f"{SVG_NS}text"))


def overlapping_pairs(boxes: list[Box]) -> list[tuple[Box, Box]]:
    """Pairs of boxes whose interiors intersect (sweep over x)."""
    ordered = sorted(boxes, key=lambda b: b.x)
    found = []
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if b.x >= a.right:
                break
            if a.overlaps(b):
                found.append((a, b))
    return found


def column_step(same_lane: bool, s_side: str, t_side: str, branch: bool = True) -> int:
    """What the handles say about columns: the target sits at least this many columns right
    of its source (negative: left), as the spec's workflow view describes it: a hop to
    another lane moves a column on; a branch out of a bottom into a top (a top into a
    bottom) keeps its column, a node's only way on with those handles moves one on."""
    if t_side == "left":
        return 1
    if t_side == "right" or s_side == "left":
        return -1
    if not same_lane or s_side in ("right", t_side):
        return 1
    return 0 if branch else 1


def closes_constraint_cycle(model: Model, edge, backward: set[int]) -> bool:
    """An edge drawn against the flow must close a cycle: of the diagram's edges (a feedback
    edge of the depth-first search from the starts), or of handle constraints (its own
    constraint, tail -> head, with a path head -> tail through constraints still kept; a
    bottom -> top edge counted both as a branch and as a node's only way on)."""
    s, t = edge.source.node, edge.target.node
    edges_out: dict[int, list[int]] = {}
    for e in model.edges:
        if e.source.node is not None and e.target.node is not None and e.source.node is not e.target.node:
            edges_out.setdefault(id(e.source.node), []).append(id(e.target.node))
    if _reaches(edges_out, id(t), id(s)):
        return True
    for branch in (True, False):

        def arc(e, branch: bool = branch):
            a, b = e.source.node, e.target.node
            sides = side_or(e.source.direction, "right"), side_or(e.target.direction, "left")
            step = column_step(a.lane is b.lane, *sides, branch)
            return (id(a), id(b)) if step >= 0 else (id(b), id(a))

        out: dict[int, list[int]] = {}
        for e in model.edges:
            if e.index in backward or e.source.node is None or e.target.node is None or e.source.node is e.target.node:
                continue
            tail, head = arc(e)
            out.setdefault(tail, []).append(head)
        tail, head = arc(edge)
        if _reaches(out, head, tail):
            return True
    return False


def _reaches(out: dict[int, list[int]], start: int, goal: int) -> bool:
    seen, todo = {start}, deque([start])
    while todo:
        v = todo.popleft()
        if v == goal:
            return True
        for w in out.get(v, ()):
            if w not in seen:
                seen.add(w)
                todo.append(w)
    return False


def check_end(point, following, box: Box, shape: str, side: str) -> None:
    """An edge end attaches on the named side's part of the node's outline and leaves (or
    enters) straight out of that side; a diamond's ends sit on its corners, and one leaving by
    a corner that edges also enter may turn there at once (a knee: along the corner's other
    axis, never into the diamond)."""
    x, y = point
    nx, ny = NORMAL[side]
    if shape == "circle":
        r = box.w / 2
        assert math.hypot(x - box.cx, y - box.cy) == pytest.approx(r, abs=0.05)
        assert (x - box.cx) * nx + (y - box.cy) * ny > 0.7 * r, f"{point} is not on the {side} of {box}"
    elif shape == "diamond":
        corner = box.side_midpoint(side)
        assert (x, y) == pytest.approx(corner), f"{point} off the {side} corner of {box}"
        dx, dy = following[0] - x, following[1] - y
        assert dx * nx + dy * ny >= 0 and (dx == 0 or dy == 0), f"does not leave the {side} corner outwards"
        return
    else:
        edge_at = {"left": box.x, "right": box.right, "top": box.y, "bottom": box.bottom}[side]
        assert (x if nx else y) == pytest.approx(edge_at)
        lo, hi = (box.y, box.bottom) if nx else (box.x, box.right)
        assert lo < (y if nx else x) < hi, f"{point} beyond the {side} side of {box}"
    dx, dy = following[0] - x, following[1] - y
    assert dx * nx + dy * ny > 0 and dx * ny == pytest.approx(dy * nx), f"does not leave the {side} side outwards"


def check_orthogonal_route(points, s: NodeLayout, s_side: str, t: NodeLayout, t_side: str) -> None:
    assert len(points) >= 2
    for a, b in pairwise(points):
        assert a != b and (a[0] == b[0] or a[1] == b[1]), f"not orthogonal: {points}"
    check_end(points[0], points[1], s.box, s.shape, s_side)
    check_end(points[-1], points[-2], t.box, t.shape, t_side)


def check_text_fits(shape: str, box: Box, text: Box) -> None:
    assert box.contains(text), (shape, box, text)
    if shape == "circle":
        r = box.w / 2
        corners = [(text.x, text.y), (text.right, text.y), (text.x, text.bottom), (text.right, text.bottom)]
        assert all((x - box.cx) ** 2 + (y - box.cy) ** 2 <= r * r + 1e-6 for x, y in corners)
    if shape == "diamond":
        a, b = box.w / 2, box.h / 2
        assert abs(text.x - box.cx) / a + abs(text.y - box.cy) / b <= 1 + 1e-9
        assert abs(text.right - box.cx) / a + abs(text.bottom - box.cy) / b <= 1 + 1e-9


def check_workflow(model: Model) -> None:
    layout = layout_workflow(model)
    # every node once, in its lane's band, no overlaps, text inside the shape
    assert [n.node for n in layout.nodes] == model.nodes
    assert [b.lane for b in layout.bands][: len(model.lanes)] == model.lanes
    for n in layout.nodes:
        band = layout.bands[n.band]
        assert band.lane is n.node.lane
        assert band.box.contains(n.box) and n.box.x >= band.title_box.right
        for block in n.blocks:
            check_text_fits(n.shape, n.box, block.box)
    assert overlapping_pairs([n.box for n in layout.nodes]) == []
    for upper, lower in zip(layout.bands, layout.bands[1:]):
        assert upper.box.bottom <= lower.box.y

    box_of = {id(n.node): n for n in layout.nodes}
    drawn = {id(e.edge): e for e in layout.edges}
    backward = {e.edge.index for e in layout.edges if e.backward}
    for edge in model.edges:
        s_node, t_node = edge.source.node, edge.target.node
        s_side = side_or(edge.source.direction, "right")
        t_side = side_or(edge.target.direction, "left")
        if s_node is None and t_node is None:
            assert id(edge) not in drawn
            continue
        e = drawn[id(edge)]
        if s_node is None or t_node is None:  # dashed stub at the resolved end
            assert e.kind == ("source-only" if t_node is None else "target-only")
            node, side = (s_node, s_side) if t_node is None else (t_node, t_side)
            end, following = (e.points[0], e.points[1]) if t_node is None else (e.points[-1], e.points[-2])
            check_end(end, following, box_of[id(node)].box, box_of[id(node)].shape, side)
            assert len(e.points) == 2
            continue
        s, t = box_of[id(s_node)], box_of[id(t_node)]
        check_orthogonal_route(e.points, s, s_side, t, t_side)
        if s_node is t_node:
            assert e.kind == "self"
            continue
        if e.backward:  # only an edge whose handles close a cycle may go against them
            assert closes_constraint_cycle(model, edge, backward), f"edge {edge.index} is drawn backward for no reason"
            continue
        if s_node.lane is not t_node.lane:
            if column_step(False, s_side, t_side) >= 0:
                assert t.box.cx > s.box.cx, f"cross-lane edge {edge.index} does not move right"
        elif t_side == "left":
            assert t.box.x >= s.box.right, f"right -> left edge {edge.index} does not move right"
    for lp in layout.loops:
        for ref in lp.loop.members:
            if ref.node is not None:
                assert lp.box.contains(box_of[id(ref.node)].box)

    svg = render_svg(model, "workflow")
    root = ET.fromstring(svg)
    check_svg_elements(model, root)
    assert svg_texts(root) == expected_texts(model)
    quality = measure(svg, model)
    assert quality.defects == 0, quality.details


def check_svg_elements(model: Model, root: ET.Element) -> None:
    nodes = [el for el in root.iter() if "data-node" in el.attrib]
    assert Counter((el.get("data-node"), int(el.get("data-line"))) for el in nodes) == Counter(
        (n.id, n.line) for n in model.nodes
    )
    edges = {int(el.get("data-edge")): int(el.get("data-line")) for el in root.iter() if "data-edge" in el.attrib}
    for edge in model.edges:
        if edge.source.node is not None or edge.target.node is not None:
            assert edges.pop(edge.index) == edge.line
    assert edges == {}
