"""Click to source in the live browser preview (editors without a webview, e.g. Neovim):
what a click points at (fz_lsp/reveal.py), the page's `POST /p/<token>/reveal` and what it
refuses (fz_lsp/lsp/browser_preview.py), a real click in Chromium on each kind of element of
the architecture, workflow and sequence views, and the real server turning a click into
window/showDocument with the selection."""

from __future__ import annotations

import asyncio
import http.client
import json
import time
import urllib.parse
import urllib.request

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from fz_lsp.analysis.document import Document
from fz_lsp.features.reveal import source_regions
from fz_lsp.lsp.browser_preview import MAX_REVEAL_BYTES, BrowserPreviewServer
from fz_lsp.render import render_svg
from support.lsp import Session
from support.paths import EXAMPLES, read_exact

GITOPS = read_exact(EXAMPLES / "gitops.fz")


def spans_of(text: str, target) -> list[tuple[int, int, int]]:
    """(line, start, end) of each region to select, the one to show first."""
    regions = source_regions(Document(text).model, target)
    assert all(r.start_line == r.end_line for r in regions)
    return [(r.start_line, r.start_col, r.end_col) for r in regions]


def span_of(text: str, target) -> tuple[int, int, int] | None:
    """The one region of a node, a lane or a line (None when there is none)."""
    spans = spans_of(text, target)
    assert len(spans) <= 1, spans
    return spans[0] if spans else None


# ---------------------------------------------------------------------------
# What a click points at


def test_a_node_lane_or_arrow_points_at_its_source():
    assert span_of(GITOPS, {"node": "n5", "line": 5}) == (5, 0, 2)
    assert span_of(GITOPS, {"lane": "CI", "line": 15}) == (15, 0, 2)
    assert spans_of(GITOPS, {"lines": [51, 52], "line": 51}) == [
        (51, 0, len('n20.handle(top) -> Sync.n13.handle(bottom) [label="Report drift"]')),
        (52, 0, len(GITOPS.splitlines()[52].strip())),
    ]
    assert span_of(GITOPS, {"line": 3}) == (3, 0, len('n3: rectangle label:"Open a pull request"'))


def test_a_moved_line_is_found_by_the_id_and_junk_is_ignored():
    moved = "\n\n" + GITOPS  # the page still shows the old lines
    assert span_of(moved, {"node": "n5", "line": 5}) == (7, 0, 2)
    assert span_of(moved, {"lane": "Sync", "line": 29}) == (31, 0, 4)
    indented = 'A { # A\n   n1: circle label:"x"\n}\n'
    assert span_of(indented, {"node": "n1"}) == (1, 3, 5)
    assert spans_of(indented, {"lines": [1]}) == [(1, 3, len('   n1: circle label:"x"'))]
    assert spans_of(indented, {"lines": [1, 99, 3, -1, "2", 1]}) == [(1, 3, 23), (1, 3, 23)]  # 3 is blank
    for junk in (
        None,
        [],
        "n1",
        {"node": "n99"},
        {"lane": "Nope"},
        {"lines": [99, -1, "2", True]},
        {"line": 3},
        {"line": 10**9},
        {"node": 5, "line": "x"},
        {"node": "n" * 1000},
        {},
    ):
        assert span_of(indented, junk) is None, junk


# ---------------------------------------------------------------------------
# The endpoint


@pytest.fixture
def preview():
    got: list[tuple[str, dict]] = []
    server = BrowserPreviewServer(
        render=lambda uri, view: (render_svg(Document(GITOPS).model, view), "gitops.fz"),
        reveal=lambda uri, target: got.append((uri, target)),
    )
    yield server, got
    server.stop()


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("POST", parts.path, body=body, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


def test_the_page_posts_to_its_own_reveal_url_and_the_callback_gets_the_document(preview):
    server, got = preview
    url = server.open("file:///gitops.fz", "architecture")
    page = urllib.request.urlopen(url, timeout=10).read().decode()
    token = url.rsplit("/", 1)[1]
    assert f'data-reveal="/p/{token}/reveal"' in page and "click to go to the source" in page
    origin = server.base_url
    good = {"Content-Type": "application/json", "Origin": origin, "Host": origin[len("http://") :]}
    assert post(f"{url}/reveal", json.dumps({"lane": "CI", "line": 15}).encode(), good) == 204
    assert got == [("file:///gitops.fz", {"lane": "CI", "line": 15})]


def test_anything_but_the_page_itself_is_refused(preview):
    server, got = preview
    url = server.open("file:///gitops.fz", "workflow")
    origin = server.base_url
    host = origin[len("http://") :]
    body = json.dumps({"node": "n1", "line": 1}).encode()
    good = {"Content-Type": "application/json", "Origin": origin, "Host": host}
    cases = [
        (f"{url}/reveal", body, {**good, "Origin": "http://evil.example"}, 403),
        (f"{url}/reveal", body, {k: v for k, v in good.items() if k != "Origin"}, 403),
        (f"{url}/reveal", body, {**good, "Host": "evil.example"}, 403),
        (f"{url}/reveal", body, {**good, "Content-Type": "text/plain"}, 415),
        (f"{url}/reveal", b"x" * (MAX_REVEAL_BYTES + 1), good, 413),
        (f"{url}/reveal", b"[1, 2]", good, 400),
        (f"{url}/reveal", b"{not json", good, 400),
        (f"{origin}/p/not-a-token/reveal", body, good, 404),
        (f"{url}/elsewhere", body, good, 404),
    ]
    for target, data, headers, status in cases:
        assert post(target, data, headers) == status, (target, headers, status)
    assert got == []
    server.close("file:///gitops.fz")
    assert post(f"{url}/reveal", body, good) == 404  # the document was closed


def test_without_a_reveal_callback_pages_have_no_click_to_source():
    server = BrowserPreviewServer(render=lambda uri, view: (render_svg(Document(GITOPS).model, view), "gitops.fz"))
    try:
        url = server.open("file:///gitops.fz", "architecture")
        page = urllib.request.urlopen(url, timeout=10).read().decode()
        assert "data-reveal" not in page.split("<main")[1].split(">")[0] and "click to go to the source" not in page
        origin = server.base_url
        headers = {"Content-Type": "application/json", "Origin": origin, "Host": origin[len("http://") :]}
        assert post(f"{url}/reveal", b"{}", headers) == 404
    finally:
        server.stop()


# ---------------------------------------------------------------------------
# A real click


def centre_of(browser, selector: str) -> list[float]:
    return browser.evaluate(
        f"""(() => {{ const r = document.querySelector({json.dumps(selector)}).getBoundingClientRect();
                     return [r.left + r.width / 2, r.top + r.height / 2]; }})()"""
    )


def wheel_at(browser, selector: str, delta_y: float, ctrl: bool = False) -> None:
    x, y = centre_of(browser, selector)
    browser.call(
        "Input.dispatchMouseEvent",
        {"type": "mouseWheel", "x": x, "y": y, "deltaX": 0, "deltaY": delta_y, "modifiers": 2 if ctrl else 0},
        browser.session,
    )


def click_centre(browser, selector: str) -> None:
    box = centre_of(browser, selector)
    for kind in ("mousePressed", "mouseReleased"):
        browser.call(
            "Input.dispatchMouseEvent",
            {
                "type": kind,
                "x": box[0],
                "y": box[1],
                "button": "left",
                "buttons": 1 if kind == "mousePressed" else 0,
                "clickCount": 1,
            },
            browser.session,
        )


def wait_for(condition, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.mark.slow
def test_clicks_in_chromium_post_what_was_hit_and_a_drag_posts_nothing(preview, browser_factory):
    server, got = preview
    url = server.open("file:///gitops.fz", "architecture")
    browser = browser_factory(1400, 500)
    browser.load(url)
    browser.wait_for("document.getElementById('fz-diagram').dataset.live === 'open'")
    browser.evaluate("document.dispatchEvent(new KeyboardEvent('keydown', {key: '1'}))")  # actual size
    click_centre(browser, '.fz-component[data-lane="Sync"] .fz-component-title')
    wait_for(lambda: len(got) == 1)
    click_centre(browser, '.fz-step[data-node="n9"] text')
    wait_for(lambda: len(got) == 2)
    click_centre(browser, '.fz-dependency[data-from="Cluster"] .fz-edge-label')
    wait_for(lambda: len(got) == 3)
    assert [target for _, target in got] == [
        {"line": 29, "lane": "Sync"},
        {"line": 18, "node": "n9"},
        {"line": 51, "lines": [51, 52]},
    ]
    assert browser.evaluate("document.getElementById('fz-diagram').dataset.revealed") == "204"
    # a drag that starts on a component pans, and is no click
    box = browser.evaluate(
        "(() => { const r = document.querySelector('.fz-component-title').getBoundingClientRect(); "
        "return [r.left + 5, r.top + 5]; })()"
    )
    for kind, dx in (("mousePressed", 0), ("mouseMoved", 30), ("mouseMoved", 60), ("mouseReleased", 60)):
        browser.call(
            "Input.dispatchMouseEvent",
            {
                "type": kind,
                "x": box[0] + dx,
                "y": box[1],
                "button": "left",
                "buttons": 0 if kind == "mouseReleased" else 1,
                "clickCount": 1,
            },
            browser.session,
        )
    time.sleep(0.5)
    assert len(got) == 3
    # the workflow view's nodes are clickable too
    workflow = server.open("file:///gitops.fz", "workflow")
    browser.load(workflow)
    browser.wait_for("document.getElementById('fz-diagram').dataset.live === 'open'")
    # zoomed in on it (as it opens, fitted, it is small) with Ctrl+wheel, which keeps it under the pointer
    for _ in range(3):
        wheel_at(browser, '[data-node="n4"] .fz-node-shape', -150, ctrl=True)
    assert float(browser.evaluate("document.getElementById('fz-diagram').dataset.zoom")) > 0.9
    click_centre(browser, '[data-node="n4"] .fz-node-shape')
    wait_for(lambda: len(got) == 4)
    assert got[-1] == ("file:///gitops.fz", {"line": 4, "node": "n4"})


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_clicks_in_the_sequence_view_reach_participants_steps_messages_and_frames(preview, browser_factory):
    """In the sequence view a participant goes to its lane's header, a step to its node, a
    message to its edge's line, a frame to its decision (and branch edges) or loop line."""
    server, got = preview
    url = server.open("file:///gitops.fz", "sequence")
    browser = browser_factory(1200, 1600)  # the whole diagram at its own size
    browser.load(url)
    browser.wait_for("document.getElementById('fz-diagram').dataset.live === 'open'")
    browser.evaluate("document.dispatchEvent(new KeyboardEvent('keydown', {key: '1'}))")  # actual size
    for selector in (
        '.fz-participant[data-lane="Sync"] .fz-participant-header',
        '.fz-seq-step[data-node="n9"] .fz-node-shape',
        '.fz-message[data-edge="6"] .fz-edge-label',  # Webhook
        '.fz-frame-tabs [data-lines="32 37 38"] .fz-frame-label',  # alt of "Out of sync?"
        '.fz-frame-tabs [data-lines="27"] .fz-frame-label',  # loop [until checks pass]
    ):
        count = len(got) + 1
        click_centre(browser, selector)
        wait_for(lambda count=count: len(got) == count)
    assert [target for _, target in got] == [
        {"line": 29, "lane": "Sync"},
        {"line": 18, "node": "n9"},
        {"line": 13, "lines": [13]},
        {"line": 32, "lines": [32, 37, 38]},
        {"line": 27, "lines": [27]},
    ]
    # what those clicks select: the lane id, the node id, the edge, the decision then its branches
    lines = GITOPS.splitlines()
    assert [spans_of(GITOPS, target)[0] for _, target in got] == [
        (29, 0, 4),
        (18, 0, 2),
        (13, 0, len(lines[13])),
        (32, 0, len(lines[32])),
        (27, 0, len(lines[27])),
    ]


# ---------------------------------------------------------------------------
# Through the real server


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
async def test_a_click_reaches_the_editor_as_show_document_with_the_selection(browser_client: LanguageClient):
    session = Session(browser_client)
    text = GITOPS.replace('[label="Webhook"]', '[label="Webhook ☕🚀"]')
    uri = await session.open(text, "reveal")
    result = await browser_client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="flowzap.openBrowserPreview", arguments=[{"uri": uri, "view": "architecture"}]
        )
    )
    url = result["url"]
    origin = url.split("/p/")[0]
    headers = {"Content-Type": "application/json", "Origin": origin, "Host": origin[len("http://") :]}

    async def click(target: dict) -> types.ShowDocumentParams:
        before = len(browser_client.shown_documents)
        status = await asyncio.to_thread(post, f"{url}/reveal", json.dumps(target).encode(), headers)
        assert status == 204
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 15
        while len(browser_client.shown_documents) == before:
            assert loop.time() < deadline, "no window/showDocument"
            await asyncio.sleep(0.02)
        return browser_client.shown_documents[-1]

    shown = await click({"lane": "CI", "line": 15})
    assert (shown.uri, shown.external, shown.take_focus) == (uri, None, True)
    assert shown.selection == types.Range(types.Position(15, 0), types.Position(15, 2))
    shown = await click({"node": "n7", "line": 16})
    assert shown.selection == types.Range(types.Position(16, 0), types.Position(16, 2))
    # an arrow: its first edge line; columns in UTF-16 (the rocket takes two code units)
    shown = await click({"lines": [13], "line": 13})
    line = 'n6.handle(bottom) -> CI.n7.handle(top) [label="Webhook ☕🚀"]'
    assert shown.selection == types.Range(types.Position(13, 0), types.Position(13, len(line) + 1))
    # a target that is not in the document shows nothing
    count = len(browser_client.shown_documents)
    assert await asyncio.to_thread(post, f"{url}/reveal", b'{"node": "n404"}', headers) == 204
    await asyncio.sleep(0.5)
    assert len(browser_client.shown_documents) == count


@pytest.mark.asyncio(loop_scope="module")
async def test_a_preview_asks_the_server_what_a_click_selects(browser_client: LanguageClient):
    """flowzap.sourceRanges: what the VS Code webview's clicks select (the same answer a
    browser page's click gets as window/showDocument), in the client's encoding."""
    session = Session(browser_client)
    text = GITOPS.replace('[label="Webhook"]', '[label="Webhook ☕🚀"]')
    uri = await session.open(text, "ranges")

    async def ranges(target) -> list[types.Range]:
        result = await browser_client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="flowzap.sourceRanges", arguments=[{"uri": uri, "target": target}])
        )
        return [types.Range(types.Position(**r["start"]), types.Position(**r["end"])) for r in result["ranges"]]

    assert await ranges({"node": "n7", "line": 99}) == [types.Range(types.Position(16, 0), types.Position(16, 2))]
    webhook = 'n6.handle(bottom) -> CI.n7.handle(top) [label="Webhook ☕🚀"]'
    lines = text.splitlines()
    assert await ranges({"lines": [13, 51], "line": 13}) == [
        types.Range(types.Position(13, 0), types.Position(13, len(webhook) + 1)),  # the rocket: 2 code units
        types.Range(types.Position(51, 0), types.Position(51, len(lines[51]))),
    ]
    assert await ranges({"node": "n404"}) == []
    assert await ranges("junk") == []
    with pytest.raises(Exception, match="expected arguments"):
        await browser_client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="flowzap.sourceRanges", arguments=[{"target": {}}])
        )
