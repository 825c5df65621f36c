"""Renderer acceptance tests: geometry of both views, SVG/HTML output, CLI, live preview server.

The geometry checks (tests/support/workflow_checks.py, sequence_checks.py) rebuild every
expectation from the document model (sides, columns, texts), never from the renderer's own
helpers, over the examples and over generated documents; every workflow SVG is also measured
by tests/support/layout_quality.py (no edges drawn over each other, none through a node,
labels in the clear, loops holding their own nodes). The same checks run over the real-world
corpus in test_corpus_render.py.
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
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

from fz_lsp.analysis.document import analyse
from fz_lsp.cli.render import render_command
from fz_lsp.lsp.browser_preview import BrowserPreviewServer
from fz_lsp.render import layout_workflow, render_html, render_svg
from fz_lsp.render.html import zoom_script
from fz_lsp.render.text import OUTSIDE_LANES_TITLE
from fz_lsp.render.textmeasure import _pieces, clusters, text_width, wrap
from support.drawn_text import squash
from support.models import read_model
from support.sequence_checks import check_sequence
from support.workflow_checks import check_workflow, overlapping_pairs, svg_texts

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((REPO / "examples").glob("*.fz"))
GITOPS = REPO / "examples" / "gitops.fz"


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


def test_an_edge_leaving_the_corner_another_enters_bends_into_its_target() -> None:
    """A diamond's top corner that one edge enters and another leaves: the leaving edge
    turns at once (a knee, held at the corner) and, as the rectangle beside it cannot take
    an end that high, bends down into its left side instead of running straight past it
    (found by the generated documents below: the end was drawn above the rectangle)."""
    text = (
        'A { # A\nn1: diamond label:"a"\nn2: rectangle label:"b"\nn3: rectangle label:"c"\n'
        "n3.handle(right) -> n1.handle(top)\nn1.handle(top) -> n2.handle(left)\n}\n"
    )
    model = analyse(text).model
    layout = layout_workflow(model)
    boxes = {n.node.id: n.box for n in layout.nodes}
    corner = (boxes["n1"].x + boxes["n1"].w / 2, boxes["n1"].y)
    leaving = next(e for e in layout.edges if e.edge.source.node.id == "n1")
    assert leaving.points[0] == pytest.approx(corner)
    assert [p[1] for p in leaving.points] == pytest.approx([corner[1], corner[1], boxes["n2"].y + 8, boxes["n2"].y + 8])
    assert leaving.points[-1][0] == pytest.approx(boxes["n2"].x)  # on n2's left side, 8 px below its top
    check_workflow(model)


# found by this test: a stub out of n1's right and one into n2's left (both other ends
# unresolved) on one line across a narrow gutter ran over each other for 20 px
STUBS_FACING = (
    'n1: circle label:""\nn2: circle label:""\n'
    "n99.handle(left) -> n2.handle(left)\nn1.handle(right) -> n2.handle(left)\nn1.handle(right) -> n99.handle(left)\n"
)

# found by this test: n3's right both goes straight into n2's left (one attachment line for
# the two sides) and leaves for n2's top; an edge from n3's right may not run along that line
# past its first gutter, where n4's edge into n2's left runs along it too
FACING_LINE_SHARED = (
    'L0 { # \nn3: circle label:""\nn4: circle label:""\n'
    + 'n1: circle label:""\n' * 5
    + 'n2: diamond label:""\nn1: circle label:""\n'
    + "n3.handle(left) -> n3.handle(left)\n" * 3
    + "n1.handle(left) -> n2.handle(left)\nn3.handle(left) -> n3.handle(left)\nn3.handle(right) -> n2.handle(left)\n"
    + "n3.handle(left) -> n3.handle(left)\n" * 3
    + "n1.handle(left) -> n3.handle(left)\nn3.handle(right) -> n2.handle(top)\nn4.handle(left) -> n2.handle(left)\n"
    + "n3.handle(left) -> n3.handle(left)\n" * 5
    + 'n3.handle(left) -> n4.handle(left)\n}\nn2: circle label:""\nn2.handle(left) -> n3.handle(left)\n'
)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
@example(STUBS_FACING)
@example(FACING_LINE_SHARED)
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


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
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
