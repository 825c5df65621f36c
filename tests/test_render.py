"""Renderer acceptance tests: geometry of both views, SVG/HTML output, CLI, live preview server.

The geometry checks rebuild every expectation from the document model (sides, columns,
texts), never from the renderer's own helpers, over the examples and over generated
documents; every workflow SVG is also measured by tests/support/layout_quality.py (no edges drawn
over each other, none through a node, labels in the clear, loops holding their own
nodes). The same checks run over the real-world corpus in test_corpus_render.py.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import math
import re
import socket
import struct
import time
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter, deque
from itertools import pairwise
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from fz_lsp.analysis.document import analyse
from fz_lsp.cli.render import render_command
from fz_lsp.lsp.browser_preview import BrowserPreviewServer
from fz_lsp.model import Model, Node
from fz_lsp.render import layout_workflow, render_html, render_svg
from fz_lsp.render.html import zoom_script
from fz_lsp.render.layout.geometry import Box
from fz_lsp.render.text import OUTSIDE_LANES_TITLE
from fz_lsp.render.textmeasure import _pieces, clusters, text_width, wrap
from fz_lsp.render.workflow_data import NodeLayout
from support.layout_quality import measure
from support.sequence_checks import check_sequence

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((REPO / "examples").glob("*.fz"))
GITOPS = REPO / "examples" / "gitops.fz"
SVG_NS = "{http://www.w3.org/2000/svg}"
SIDES = ("left", "right", "top", "bottom")
NORMAL = {"left": (-1, 0), "right": (1, 0), "top": (0, -1), "bottom": (0, 1)}


def read_model(path: Path) -> Model:
    return analyse(path.read_bytes().decode("utf-8")).model


def squash(text: str) -> str:
    return "".join(text.split())


def side_or(direction: str | None, default: str) -> str:
    return direction if direction in SIDES else default


def expected_node_texts(node: Node) -> list[str]:
    if node.shape == "taskbox":
        fields = [node.label, node.attribute("description"), node.attribute("owner"), node.attribute("system")]
        present = [f for f in fields if f and f.strip()]
        if present:
            return present
    return [node.display_text] if node.display_text.strip() else []


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


# ---------------------------------------------------------------------------
# The examples (the real-world corpus: test_corpus_render.py)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_workflow_geometry_on_examples(path: Path) -> None:
    check_workflow(read_model(path))


@pytest.mark.parametrize("order", ["causal", "document"])
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_sequence_geometry_on_examples(path: Path, order: str) -> None:
    check_sequence(read_model(path), order)


def test_gitops_layout_follows_the_flow() -> None:
    layout = layout_workflow(read_model(GITOPS))
    at = {n.node.id: n for n in layout.nodes}
    assert [b.title for b in layout.bands] == ["Developer", "CI Pipeline", "GitOps Controller", "Kubernetes Cluster"]
    # the main path reads left to right on one row per lane, a hand-over moving one column on
    main = [1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17, 18, 19, 21]
    assert [at[f"n{i}"].column for i in main] == list(range(18))
    assert {at[f"n{i}"].row for i in main} == {0}
    # a decision's "No" branch goes one row down, in the decision's column
    for decision, branch in (("n4", "n5"), ("n14", "n16"), ("n18", "n20")):
        assert (at[branch].row, at[branch].column) == (at[decision].row + 1, at[decision].column)
    by_index = {e.edge.index: e for e in layout.edges}
    straight = {i for i, e in by_index.items() if len(e.points) == 2}
    # every edge between neighbours that face each other is one straight line
    assert straight == set(range(24)) - {4, 6, 8, 12, 17, 22, 23}
    # the edges back against the flow (a review's update, a failed check, a rollback, health
    # reports) are feedback edges, routed around the flow
    assert {i for i, e in by_index.items() if e.backward} == {4, 8, 22, 23}


# ---------------------------------------------------------------------------
# Generated documents

DIRECTIONS = st.sampled_from(["left", "right", "top", "bottom", "rigth", None])
LABEL_CHARS = st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp", "Co", "Cn"), blacklist_characters='"\\')
LABELS = st.one_of(
    st.text(LABEL_CHARS, max_size=40),
    st.sampled_from(
        [
            "<script>alert(1)</script> & Co",
            "注文を受け付ける",
            "🚀 Deploy 👩‍💻 to prod 🇫🇷",
            "Supercalifragilisticexpialidocious-and-then-some-more-text",
            "a]&amp;[b",
        ]
    ),
)


@st.composite
def documents(draw) -> str:
    lane_count = draw(st.integers(0, 4))
    lanes = [f"L{i}" for i in range(lane_count)]
    if lanes and draw(st.booleans()):
        lanes.append(lanes[0])  # duplicate lane id
    node_count = draw(st.integers(0, 14))
    ids = [f"n{draw(st.integers(1, node_count + 2))}" for _ in range(node_count)]  # duplicates happen
    placement = [draw(st.integers(-1, len(lanes) - 1)) for _ in ids]  # -1: outside any lane
    body: dict[int, list[str]] = {i: [] for i in range(-1, len(lanes))}
    for node_id, lane in zip(ids, placement):
        shape = draw(st.sampled_from(["circle", "rectangle", "diamond", "taskbox", "rect"]))
        if shape == "taskbox" and draw(st.booleans()):
            fields = " ".join(
                f'{key}:"{draw(LABELS)}"' for key in ("owner", "description", "system") if draw(st.booleans())
            )
            body[lane].append(f"{node_id}: taskbox {fields}")
        else:
            body[lane].append(f'{node_id}: {shape} label:"{draw(LABELS)}"')
    known = [*ids, "n99"]  # n99 is never declared
    for _ in range(draw(st.integers(0, 20))):
        src, tgt = draw(st.sampled_from(known)), draw(st.sampled_from(known))
        ends = []
        for name, direction in ((src, draw(DIRECTIONS)), (tgt, draw(DIRECTIONS))):
            ends.append(f"{name}.handle({direction or ''})")
        label = f' [label="{draw(LABELS)}"]' if draw(st.booleans()) else ""
        lane = placement[ids.index(src)] if src in ids else -1
        body[lane].append(f"{ends[0]} -> {ends[1]}{label}")
    for _ in range(draw(st.integers(0, 2))):
        members = " ".join(draw(st.lists(st.sampled_from(known), min_size=1, max_size=4)))
        body[draw(st.integers(-1, len(lanes) - 1))].append(f"loop [{draw(LABELS)}] {members}")
    lines = []
    for i, lane in enumerate(lanes):
        lines.append(f"{lane} {{ # {draw(LABELS)}")
        lines.extend(body[i])
        lines.append("}")
    lines.extend(body[-1])
    return "\n".join(lines) + "\n"


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_workflow_geometry_on_generated_documents(text: str) -> None:
    check_workflow(analyse(text).model)


@pytest.mark.slow
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(), st.sampled_from(["causal", "document"]))
def test_sequence_geometry_on_generated_documents(text: str, order: str) -> None:
    check_sequence(analyse(text).model, order)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_renders_well_formed_svg(text: str) -> None:
    model = analyse(text).model
    for view in ("workflow", "sequence"):
        for theme in ("light", "dark"):
            ET.fromstring(render_svg(model, view, theme))


# ---------------------------------------------------------------------------
# Broken and hostile documents

BROKEN = """\
A { # First lane
n1: circle label:"Start"
n1: rectangle label:"Duplicate id"
n2: diamond label:"Loop back?"
n1.handle(right) -> n2.handle(left)
n2.handle(top) -> n1.handle(bottom) [label="again"]
n2.handle(right) -> n2.handle(right) [label="self"]
n2.handle(rigth) -> n77.handle(left) [label="to nowhere"]
n88.handle(right) -> n1.handle(top) [label="from nowhere"]
n88.handle(right) -> n89.handle(left) [label="nowhere at all"]
loop [forever] n1 n2 n404
A { # Duplicate lane id
n3: shapeType label:"Unknown shape"
}
n4: rectangle label:"Outside every lane"
n4.handle(bottom) -> A.n3.handle(top)
}}
"""


def test_broken_document_renders_what_resolves() -> None:
    model = analyse(BROKEN).model
    check_workflow(model)
    check_sequence(model)
    layout = layout_workflow(model)
    kinds = {e.edge.label: e.kind for e in layout.edges}
    assert kinds["to nowhere"] == "source-only" and kinds["from nowhere"] == "target-only"
    assert kinds["self"] == "self" and "nowhere at all" not in kinds
    assert [b.title for b in layout.bands] == ["First lane", "Duplicate lane id", OUTSIDE_LANES_TITLE]
    svg = render_svg(model)
    assert svg.count('data-node="n1"') == 2  # both declarations are drawn


@pytest.mark.parametrize("view", ["workflow", "sequence"])
def test_empty_document(view: str) -> None:
    root = ET.fromstring(render_svg(analyse("").model, view))
    assert [el for el in root.iter() if "data-node" in el.attrib] == []


def test_labels_are_escaped() -> None:
    text = 'L { # <b>Lane</b> & "co"\nn1: rectangle label:"<script>alert(1)</script> & Co"\n}\n'
    model = analyse(text).model
    for view in ("workflow", "sequence"):
        svg = render_svg(model, view)
        assert "<script" not in svg and "<b>" not in svg
        assert "&lt;script&gt;alert(1)&lt;/" in svg and "script&gt; &amp; Co" in svg  # wrapped in two lines
        root = ET.fromstring(svg)  # well-formed XML
        assert "<script>alert(1)</script>&Co" in svg_texts(root)
        assert '<b>Lane</b>&"co"' in svg_texts(root)
    page = render_html(model, title="<script>x</script>")
    assert "<script>x</script>" not in page and "<title>&lt;script&gt;x&lt;/script&gt;</title>" in page
    assert page.count("<script") == 1  # the page's own (pan and zoom)


def test_characters_xml_forbids_are_replaced() -> None:
    model = analyse('L {\nn1: rectangle label:"bell\x07 and \x01 nul"\n}\n').model
    root = ET.fromstring(render_svg(model))
    assert "bell\ufffdand\ufffdnul" in svg_texts(root)


@pytest.mark.slow
def test_thousands_of_nodes() -> None:
    lines = []
    for lane in range(10):
        lines.append(f"L{lane} {{ # Lane {lane}")
        for k in range(300):
            n = lane * 300 + k + 1
            lines.append(f'n{n}: rectangle label:"Step {n}"')
            if k:
                lines.append(f"n{n - 1}.handle(right) -> n{n}.handle(left)")
        if lane:
            lines.append(f"n{lane * 300}.handle(bottom) -> L{lane - 1}.n{lane * 300 - 299}.handle(top) [label=back]")
        lines.append("}")
    model = analyse("\n".join(lines)).model
    layout = layout_workflow(model)
    assert len(layout.nodes) == 3000 and overlapping_pairs([n.box for n in layout.nodes]) == []
    ET.fromstring(render_svg(model))
    ET.fromstring(render_svg(model, "sequence"))


def test_themes_and_views() -> None:
    model = read_model(GITOPS)
    for view in ("workflow", "sequence"):
        for theme in ("light", "dark"):
            root = ET.fromstring(render_svg(model, view, theme))
            assert root.get("class").split() == ["fz-diagram", f"fz-{view}", f"fz-theme-{theme}"]
    with pytest.raises(ValueError):
        render_svg(model, "gantt")
    with pytest.raises(ValueError):
        render_svg(model, "workflow", "sepia")


# ---------------------------------------------------------------------------
# Text measuring


@settings(max_examples=300)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=120), st.integers(20, 200))
def test_wrap_keeps_every_character_and_fits(text: str, width: int) -> None:
    lines = wrap(text, width, 13)
    assert squash("".join(lines)) == squash(text)
    for line in lines:
        assert text_width(line, 13) <= width or len(clusters(line)) == 1


@settings(max_examples=300)
@given(st.text(st.sampled_from("ab-/|Z9.é注👩\u200d💻"), max_size=12))
def test_a_words_pieces_are_the_same_by_the_ascii_shortcut(word: str) -> None:
    """_pieces skips the cluster walk for plain ASCII words without break characters;
    every word cuts as the walk would cut it."""
    walked: list[str] = []
    current = ""
    for cluster in clusters(word):
        if unicodedata.east_asian_width(cluster[0]) in ("W", "F"):
            walked += [current, cluster] if current else [cluster]
            current = ""
        elif cluster in "-/|":
            walked.append(current + cluster)
            current = ""
        else:
            current += cluster
    walked += [current] if current else []
    assert _pieces(word) == walked


def test_wide_characters_measure_a_full_em() -> None:
    assert text_width("注文", 10) == pytest.approx(20)
    assert text_width("e\u0301", 10) == pytest.approx(text_width("e", 10))
    assert clusters("👩‍💻🇫🇷x") == ["👩‍💻", "🇫🇷", "x"]
    assert wrap("注文を受け付ける", 35, 10) == ["注文を", "受け付", "ける"]
    assert all(unicodedata.east_asian_width(c[0]) == "W" for c in clusters("注文"))


# ---------------------------------------------------------------------------
# HTML page and CLI


def test_static_html_page_is_self_contained() -> None:
    """A static page runs one script, the pan and zoom one (fz_lsp/render/zoom.js and the
    lines that attach it), allowed by its hash; it connects nowhere and loads nothing."""
    page = render_html(read_model(GITOPS), "workflow", "dark", "gitops.fz")
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page).group(1)
    assert policy.startswith("default-src 'none'; style-src 'unsafe-inline'") and "connect-src" not in policy
    (script,) = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert page.count("<script") == 1 and script.startswith(zoom_script()) and "FlowZapZoom.attach(" in script
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    assert policy.endswith(f"; script-src 'sha256-{digest}'")
    assert "EventSource" not in script and "fetch(" not in script and "XMLHttpRequest" not in script
    assert re.findall(r"https?://[^\s\"'<>]+", page) == ["http://www.w3.org/2000/svg"]
    assert 'class="fz-page fz-page-dark"' in page and "fz-theme-dark" in page
    assert render_html(read_model(GITOPS), "workflow", "dark", "gitops.fz") == page, "the same page every time"


def test_the_zoom_script_can_be_inlined() -> None:
    """Nothing in zoom.js ends or alters an inline <script> element, or refers elsewhere."""
    script = zoom_script()
    assert (REPO / "fz_lsp" / "render" / "zoom.js").read_text(encoding="utf-8") == script
    assert "</script" not in script.lower() and "<!--" not in script and "<script" not in script.lower()
    assert not re.findall(r"(?:https?:)?//\w", script), "zoom.js names a URL"


def test_live_html_page_script_is_allowed_by_nonce() -> None:
    page = render_html(read_model(GITOPS), live_events_url="/p/tok/events?since=1")
    nonce = re.search(r"script-src 'nonce-([^']+)'", page).group(1)
    assert f'<script nonce="{nonce}">' in page and page.count("<script") == 1
    assert "connect-src 'self'" in page and 'data-events="/p/tok/events?since=1"' in page
    assert "EventSource" in page and "location.reload" not in page
    assert zoom_script() in page and "FlowZapZoom.attach(" in page


def test_render_command_writes_svg_and_html(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    source = GITOPS
    assert render_command(str(source), str(tmp_path / "out.svg"), "workflow", "light") == 0
    ET.fromstring((tmp_path / "out.svg").read_text(encoding="utf-8"))
    assert render_command(str(source), str(tmp_path / "out.HTML"), "sequence", "dark") == 0
    assert (tmp_path / "out.HTML").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert render_command(str(source), None, "workflow", "light") == 0
    out = capsys.readouterr()
    assert out.err == ""
    ET.fromstring(out.out)


@pytest.mark.parametrize(
    "make, reason",
    [
        (lambda d: d / "missing.fz", "no such file or directory"),
        (lambda d: d, "is a directory"),
        (lambda d: (d / "latin1.fz").write_bytes(b"L { # Caf\xe9\n}\n") and d / "latin1.fz", "not valid UTF-8"),
    ],
    ids=["missing", "directory", "invalid-utf8"],
)
def test_render_command_reports_unreadable_files(
    tmp_path: Path, capsys: pytest.CaptureFixture, make, reason: str
) -> None:
    path = make(tmp_path)
    assert render_command(str(path), None, "workflow", "light") == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"fz-lsp: cannot read {path}: {reason}")


def test_render_command_reports_unwritable_output(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    target = tmp_path / "no-such-dir" / "out.svg"
    assert render_command(str(GITOPS), str(target), "workflow", "light") == 1
    assert capsys.readouterr().err.strip() == f"fz-lsp: cannot write {target}: no such file or directory"


# ---------------------------------------------------------------------------
# Live preview server (Server-Sent Events, no browser)


class Workspace:
    def __init__(self) -> None:
        self.texts = {"file:///gitops.fz": GITOPS.read_text(encoding="utf-8")}
        self.renders = 0
        self.render_seconds = 0.0

    def render(self, uri: str, view: str):
        if uri not in self.texts:
            return None
        started = time.monotonic()
        self.renders += 1
        svg = render_svg(analyse(self.texts[uri]).model, view)
        self.render_seconds += time.monotonic() - started
        return svg, uri.rsplit("/", 1)[-1]


def get(url: str, host: str | None = None) -> tuple[int, dict, bytes]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers={"Host": host} if host else {})
    response = conn.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def open_events(server: BrowserPreviewServer, page_url: str) -> http.client.HTTPResponse:
    before = server.client_count()
    body = get(page_url)[2].decode("utf-8")
    events = re.search(r'data-events="([^"]+)"', body).group(1).replace("&amp;", "&")
    parts = urlsplit(page_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.request("GET", events)
    response = conn.getresponse()
    assert response.status == 200 and response.getheader("Content-Type").startswith("text/event-stream")
    deadline = time.monotonic() + 5
    while server.client_count() == before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.client_count() == before + 1
    return response


def read_event(response: http.client.HTTPResponse) -> tuple[str, str]:
    name, data = "", []
    while True:
        line = response.fp.readline().decode("utf-8")
        assert line, "stream closed"
        line = line.rstrip("\n")
        if line.startswith("event: "):
            name = line[7:]
        elif line.startswith("data: "):
            data.append(line[6:])
        elif line == "" and name:
            return name, "\n".join(data)


@pytest.fixture
def preview():
    workspace = Workspace()
    server = BrowserPreviewServer(render=workspace.render, send_timeout=1.0, max_clients=2)
    yield server, workspace
    server.stop()


def test_preview_page_is_served_with_csp(preview) -> None:
    server, _ = preview
    url = server.open("file:///gitops.fz", "workflow")
    assert url.startswith("http://127.0.0.1:")
    status, headers, body = get(url)
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    nonce = re.search(r"'nonce-([^']+)'", headers["Content-Security-Policy"]).group(1)
    assert f'<script nonce="{nonce}">' in body.decode("utf-8")
    assert body.decode("utf-8").count('data-node="') == len(read_model(GITOPS).nodes)
    assert get(url, host="evil.example:80")[0] == 403
    assert get(url.rsplit("/", 1)[0] + "/not-a-token")[0] == 404


def test_document_changed_pushes_the_new_svg(preview) -> None:
    server, workspace = preview
    uri = "file:///gitops.fz"
    stream = open_events(server, server.open(uri, "workflow"))
    workspace.texts[uri] = workspace.texts[uri].replace("Start a change", "Edited <live> & well")
    started = time.monotonic()
    server.document_changed(uri)
    assert time.monotonic() - started < 1.0
    name, data = read_event(stream)
    assert name == "svg"
    root = ET.fromstring(data)
    assert "Edited<live>&well" in svg_texts(root)
    assert read_event(stream) == ("title", "gitops.fz")
    renders = workspace.renders
    server.document_changed(uri)  # same text: rendered again but nothing new to push
    assert workspace.renders == renders + 1
    server.close(uri)
    assert stream.fp.readline() == b"", "closing the document ends its streams"


def test_slow_browser_never_blocks_and_is_dropped(preview) -> None:
    server, workspace = preview
    uri = "file:///gitops.fz"
    url = server.open(uri, "workflow")
    body = get(url)[2].decode("utf-8")
    events = re.search(r'data-events="([^"]+)"', body).group(1).replace("&amp;", "&")
    parts = urlsplit(url)
    sleeper = socket.create_connection((parts.hostname, parts.port))
    sleeper.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sleeper.sendall(f"GET {events} HTTP/1.1\r\nHost: 127.0.0.1:{parts.port}\r\n\r\n".encode())
    deadline = time.monotonic() + 5
    while server.client_count(uri) == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.client_count(uri) == 1
    extra = "".join(f'X{i} {{ # lane {i}\nn{100 + i}: rectangle label:"{"y" * 40}"\n}}\n' for i in range(150))
    base = workspace.texts[uri] + extra
    started = time.monotonic()
    for k in range(30):  # ~150 kB each, never read by the browser
        workspace.texts[uri] = base.replace("Start a change", f"Version {k}")
        server.document_changed(uri)
    pushing = time.monotonic() - started - workspace.render_seconds
    assert pushing < 0.5, f"document_changed waited {pushing:.2f}s for a browser"
    deadline = time.monotonic() + 10
    while server.client_count(uri) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.client_count(uri) == 0, "a browser that stopped reading must be dropped"
    sleeper.close()


def test_connection_limit_and_stop(preview) -> None:
    server, _ = preview
    url = server.open("file:///gitops.fz", "sequence")
    first = open_events(server, url)
    second = open_events(server, url)
    assert server.client_count() == 2
    events = re.search(r'data-events="([^"]+)"', get(url)[2].decode()).group(1).replace("&amp;", "&")
    assert get(f"{url.split('/p/')[0]}{events}")[0] == 503
    server.stop()
    for stream in (first, second):
        while stream.fp.readline():
            pass  # ends: the server closed the stream
    with pytest.raises(OSError):
        get(url)


def test_the_readme_picture_is_the_current_rendering() -> None:
    r"""README.md shows docs/gitops-workflow.png, a Chromium screenshot of docs/gitops-workflow.svg.
    Regenerate both after a layout change:
        fz-lsp render examples/gitops.fz -o docs/gitops-workflow.svg
        chromium --headless --no-sandbox --window-size=W,H \
            --screenshot=docs/gitops-workflow.png docs/gitops-workflow.svg
    (W x H: the SVG's width and height, rounded up)."""
    svg = (REPO / "docs" / "gitops-workflow.svg").read_text(encoding="utf-8")
    assert svg == render_svg(read_model(GITOPS)), "docs/gitops-workflow.svg is stale (see this test's docstring)"
    png = (REPO / "docs" / "gitops-workflow.png").read_bytes()
    root = ET.fromstring(svg)
    size = (math.ceil(float(root.get("width"))), math.ceil(float(root.get("height"))))
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", png[16:24]) == size, (
        "docs/gitops-workflow.png is stale"
    )
    assert "(docs/gitops-workflow.png)" in (REPO / "README.md").read_text(encoding="utf-8")
