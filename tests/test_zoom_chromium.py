"""One pan and zoom script, fz_lsp/render/zoom.js, driven in headless Chromium in each page
that shows a diagram, with the same assertions:

- the standalone HTML page (`fz-lsp render -o x.html`, fz_lsp/render/html.py);
- the live browser page (fz_lsp/lsp/browser_preview.py), with click to source;
- the VS Code webview page (editors/vscode/media/preview.html + preview.js, zoom.js from
  the package as scripts/build.mjs copies it, a stub acquireVsCodeApi that records what the
  page posts), with click to source.

Each page shows examples/gitops.fz's workflow (wider than the window) in a 1000 x 700
window; real input events (Chrome DevTools Protocol: mouse, wheel, keys, touch) drive it,
and what is checked is where the diagram is drawn (getBoundingClientRect): it opens
fitted to the width, centred, and follows the window until the user zooms; Ctrl+wheel and
a pinch zoom around the pointer (the point under it stays put), the wheel pans; keys and
buttons zoom around the centre, fit, show the actual size; a drag pans by exactly the
pointer's path and is no click, while a click (and a press that barely moved) is; the
scale stays within 5% .. 800% and 48 px of the diagram within view.
"""

from __future__ import annotations

import json
import math
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from fz_lsp.analysis.document import analyse
from fz_lsp.lsp.browser_preview import BrowserPreviewServer
from fz_lsp.render import render_html, render_svg
from support.chromium import Browser
from support.paths import EXAMPLES
from support.webview import webview_page

pytestmark = pytest.mark.slow  # a real Chromium per page

WIDTH, HEIGHT = 1000, 700
PADDING = 16  # zoom.js: around a fitted diagram
STEP = 1.25  # zoom.js: one + or - or button press
KEEP_VISIBLE = 48  # zoom.js: px of the diagram that stay in view
TEXT = (EXAMPLES / "gitops.fz").read_text(encoding="utf-8")
LINES = TEXT.splitlines()
NATURAL_WIDTH = float(ET.fromstring(render_svg(analyse(TEXT).model)).get("width"))
RECORDING_VSCODE_API = (
    "({postMessage(m) { (window.__posted = window.__posted || []).push(m); },"
    " getState() { return null; }, setState() {}})"
)
CTRL = 2  # CDP modifier bit


@dataclass
class Page:
    """One of the three pages in a browser, and how to read what it did."""

    kind: str
    browser: Browser
    url: str
    viewport: str  # the element the diagram is seen through
    label: str  # the element showing the scale
    reveals: list[dict] = field(default_factory=list)  # the live page's clicks, as its server got them

    def load(self) -> None:
        self.reveals.clear()
        self.browser.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False},
            self.browser.session,
        )
        self.browser.load(self.url)
        self.browser.wait_for(f"!!document.querySelector('{self.viewport} svg [data-node]')")
        if self.kind == "live":
            self.browser.wait_for("document.getElementById('fz-diagram').dataset.live === 'open'")
        # every click that reaches the diagram is counted
        self.js(
            f"document.querySelector('{self.viewport} svg').addEventListener('click', () => {{"
            " window.__clicks = (window.__clicks || 0) + 1; })"
        )

    def js(self, expression: str) -> Any:
        return self.browser.evaluate(expression)

    def wait_for(self, expression: str) -> None:
        self.browser.wait_for(expression)

    def rect(self, selector: str) -> dict[str, float]:
        return self.js(
            f"(() => {{ const r = document.querySelector({json.dumps(selector)}).getBoundingClientRect();"
            " return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width,"
            " height: r.height, x: r.left + r.width / 2, y: r.top + r.height / 2}; })()"
        )

    def area(self) -> dict[str, float]:
        """The viewport's inside (its client box) in window coordinates."""
        return self.js(
            f"(() => {{ const v = document.querySelector('{self.viewport}'); const r = v.getBoundingClientRect();"
            " return {left: r.left + v.clientLeft, top: r.top + v.clientTop, width: v.clientWidth,"
            " height: v.clientHeight, right: r.left + v.clientLeft + v.clientWidth,"
            " bottom: r.top + v.clientTop + v.clientHeight}; })()"
        )

    def svg(self) -> dict[str, float]:
        return self.rect(f"{self.viewport} svg")

    def node(self, node_id: str) -> dict[str, float]:
        return self.rect(f'{self.viewport} [data-node="{node_id}"] .fz-node-shape')

    def zoom(self) -> float:
        return float(self.js(f"document.querySelector('{self.viewport}').dataset.zoom"))

    def fitted(self) -> str:
        return self.js(f"document.querySelector('{self.viewport}').dataset.fitted")

    def label_text(self) -> str:
        return self.js(f"document.querySelector('{self.label}').textContent")

    def clicks(self) -> int:
        return self.js("window.__clicks || 0")

    def revealed(self) -> list[dict]:
        """What the page sent to its editor for clicks (the static page has no editor)."""
        if self.kind == "webview":
            posted = self.js("window.__posted || []")
            return [{k: v for k, v in m.items() if k != "type"} for m in posted if m["type"] == "reveal"]
        return list(self.reveals)

    def key(self, key: str) -> None:
        for kind in ("keyDown", "keyUp"):
            params = {"type": kind, "key": key}
            if kind == "keyDown" and len(key) == 1:
                params["text"] = key
            self.browser.call("Input.dispatchKeyEvent", params, self.browser.session)

    def mouse(self, kind: str, x: float, y: float, buttons: int = 1, **extra: Any) -> None:
        params = {"type": kind, "x": x, "y": y, "button": "left", "buttons": buttons, "clickCount": 1, **extra}
        self.browser.call("Input.dispatchMouseEvent", params, self.browser.session)

    def click(self, x: float, y: float) -> None:
        self.mouse("mousePressed", x, y)
        self.mouse("mouseReleased", x, y, buttons=0)

    def press_button(self, action: str) -> None:
        button = self.rect(f'button[data-zoom="{action}"]')
        self.click(button["x"], button["y"])

    def drag(self, x: float, y: float, path: list[tuple[float, float]]) -> None:
        self.mouse("mousePressed", x, y)
        for px, py in path:
            self.mouse("mouseMoved", px, py)
        self.mouse("mouseReleased", *path[-1], buttons=0)

    def wheel(self, x: float, y: float, dy: float, dx: float = 0, modifiers: int = 0) -> None:
        self.browser.call(
            "Input.dispatchMouseEvent",
            {"type": "mouseWheel", "x": x, "y": y, "deltaX": dx, "deltaY": dy, "modifiers": modifiers},
            self.browser.session,
        )
        time.sleep(0.05)  # wheel events are delivered asynchronously

    def resize(self, width: int, height: int) -> None:
        self.browser.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            self.browser.session,
        )


@pytest.fixture(scope="module", params=["static", "live", "webview"])
def page(request, chromium: str, tmp_path_factory) -> Iterator[Page]:
    kind = request.param
    tmp = tmp_path_factory.mktemp(kind)
    model = analyse(TEXT).model
    server = None
    reveals: list[dict] = []
    if kind == "static":
        path = tmp / "gitops.html"
        path.write_text(render_html(model, title="gitops.fz"), encoding="utf-8")
        url, viewport, label = path.as_uri(), "#fz-diagram", "#fz-zoom-level"
    elif kind == "live":
        server = BrowserPreviewServer(
            render=lambda uri, view: (render_svg(model, view), "gitops.fz"),
            reveal=lambda uri, target: reveals.append(target),
        )
        url, viewport, label = server.open("file:///gitops.fz", "workflow"), "#fz-diagram", "#fz-zoom-level"
    else:
        path = webview_page(tmp, render_svg(model), RECORDING_VSCODE_API)
        url, viewport, label = path.as_uri(), "#viewport", "#zoom-level"
    browser = Browser(chromium, tmp / "profile", WIDTH, HEIGHT)
    try:
        yield Page(kind, browser, url, viewport, label, reveals)
    finally:
        browser.close()
        if server is not None:
            server.stop()


def diagram_point(page: Page, x: float, y: float) -> tuple[float, float]:
    """The point of the diagram (in its own px) drawn at (x, y) of the window."""
    svg = page.svg()
    scale = svg["width"] / NATURAL_WIDTH
    return ((x - svg["left"]) / scale, (y - svg["top"]) / scale)


def assert_fitted(page: Page) -> dict[str, float]:
    area, svg = page.area(), page.svg()
    assert page.fitted() == "yes"
    assert svg["width"] == pytest.approx(area["width"] - 2 * PADDING, abs=1), (svg, area)
    assert svg["left"] - area["left"] == pytest.approx(area["right"] - svg["right"], abs=1), "centred"
    assert page.zoom() == pytest.approx(svg["width"] / NATURAL_WIDTH, abs=0.001)
    # the label rounds the scale to a whole percent, data-zoom to 0.001 (and Python's round
    # halves to even where Math.round goes up): within half a percent of each other
    label = page.label_text()
    assert label.endswith("%") and abs(float(label[:-1]) - page.zoom() * 100) <= 0.5 + 0.05, (label, page.zoom())
    return svg


def test_opens_fitted_and_follows_the_window_until_the_user_zooms(page: Page) -> None:
    page.load()
    opened = assert_fitted(page)
    assert page.zoom() < 1, "gitops.fz is wider than the window"
    page.resize(800, 600)
    page.wait_for(
        f"document.querySelector('{page.viewport} svg').getBoundingClientRect().width < {opened['width'] - 100}"
    )
    assert_fitted(page)
    page.key("+")
    zoomed = page.zoom()
    assert page.fitted() == "no"
    page.resize(WIDTH, HEIGHT)
    page.wait_for(f"document.querySelector('{page.viewport}').clientWidth > 900")
    assert page.zoom() == zoomed and page.fitted() == "no", "a zoomed diagram keeps its scale"
    page.key("0")
    assert assert_fitted(page)["width"] == pytest.approx(opened["width"], abs=1)


def test_ctrl_wheel_and_a_pinch_zoom_around_the_pointer_and_the_wheel_pans(page: Page) -> None:
    page.load()
    fit = page.zoom()
    n5 = page.node("n5")
    page.wheel(n5["x"], n5["y"], -200, modifiers=CTRL)  # a mouse notch is 100 px
    page.wait_for(f"document.querySelector('{page.viewport}').dataset.zoom !== '{fit}'")
    zoomed = page.node("n5")
    assert page.zoom() == pytest.approx(fit * math.exp(0.4), abs=0.002)
    assert (zoomed["x"], zoomed["y"]) == pytest.approx((n5["x"], n5["y"]), abs=0.5), "n5 stays under the pointer"
    assert zoomed["width"] == pytest.approx(n5["width"] * math.exp(0.4), rel=0.01)
    assert page.fitted() == "no"
    page.wheel(n5["x"], n5["y"], 200, modifiers=CTRL)
    back = page.node("n5")
    assert page.zoom() == pytest.approx(fit, abs=0.001)
    assert (back["x"], back["y"], back["width"]) == pytest.approx((n5["x"], n5["y"], n5["width"]), abs=0.5)
    # the wheel alone pans, the scale stays
    before = page.svg()
    page.wheel(n5["x"], n5["y"], 100)
    page.wheel(n5["x"], n5["y"], 0, dx=-30)
    after = page.svg()
    assert (after["left"] - before["left"], after["top"] - before["top"]) == pytest.approx((30, -100), abs=0.01)
    assert page.zoom() == pytest.approx(fit, abs=0.001)
    # two fingers moving apart, from 200 px to 400 px, around n5: twice the scale, n5 stays
    n5 = page.node("n5")
    scale = page.zoom()
    touches = [(-100, 100), (-150, 150), (-200, 200)]
    for i, (a, b) in enumerate(touches):
        page.browser.call(
            "Input.dispatchTouchEvent",
            {
                "type": "touchStart" if i == 0 else "touchMove",
                "touchPoints": [{"x": n5["x"] + a, "y": n5["y"], "id": 1}, {"x": n5["x"] + b, "y": n5["y"], "id": 2}],
            },
            page.browser.session,
        )
    page.browser.call("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []}, page.browser.session)
    pinched = page.node("n5")
    assert page.zoom() == pytest.approx(2 * scale, abs=0.002)
    assert (pinched["x"], pinched["y"]) == pytest.approx((n5["x"], n5["y"]), abs=0.5), "n5 stays between the fingers"
    assert page.clicks() == 0 and page.revealed() == [], "a pinch is no click"


def test_keys_and_buttons_zoom_around_the_centre_fit_and_show_the_actual_size(page: Page) -> None:
    page.load()
    fitted = assert_fitted(page)
    fit = page.zoom()
    area = page.area()
    centre = (area["left"] + area["width"] / 2, area["top"] + area["height"] / 2)
    middle = diagram_point(page, *centre)
    page.key("+")
    assert page.zoom() == pytest.approx(fit * STEP, abs=0.002) and page.fitted() == "no"
    assert diagram_point(page, *centre) == pytest.approx(middle, abs=0.5), "the centre stays put"
    page.key("-")
    assert page.zoom() == pytest.approx(fit, abs=0.001)
    page.key("1")
    assert page.svg()["width"] == pytest.approx(NATURAL_WIDTH, abs=1) and page.label_text() == "100%"
    assert diagram_point(page, *centre) == pytest.approx(middle, abs=0.5)
    before = page.svg()
    page.key("ArrowLeft")
    page.key("ArrowDown")
    after = page.svg()
    assert (after["left"] - before["left"], after["top"] - before["top"]) == pytest.approx((40, -40), abs=0.01)
    page.key("0")
    assert assert_fitted(page) == pytest.approx(fitted, abs=0.5)
    # the toolbar's buttons do the same
    page.press_button("in")
    assert page.zoom() == pytest.approx(fit * STEP, abs=0.002)
    page.press_button("actual")
    assert page.svg()["width"] == pytest.approx(NATURAL_WIDTH, abs=1) and page.label_text() == "100%"
    page.press_button("fit")
    assert assert_fitted(page) == pytest.approx(fitted, abs=0.5)
    page.press_button("out")
    assert page.zoom() == pytest.approx(fit / STEP, abs=0.002)
    assert page.clicks() == 0, "pressing a button is no click on the diagram"


def test_a_drag_pans_by_the_pointers_path_and_is_no_click_a_click_is(page: Page) -> None:
    page.load()
    page.key("1")
    area = page.area()
    centre = (area["left"] + area["width"] / 2, area["top"] + area["height"] / 2)
    ids = page.js(f"[...document.querySelectorAll('{page.viewport} [data-node]')].map((n) => n.dataset.node)")
    node_id = min(ids, key=lambda i: math.dist(centre, (page.node(i)["x"], page.node(i)["y"])))  # one in view
    node = page.node(node_id)
    before = page.svg()
    page.drag(node["x"], node["y"], [(node["x"] + 60, node["y"] + 30), (node["x"] + 120, node["y"] + 40)])
    after = page.svg()
    assert (after["left"] - before["left"], after["top"] - before["top"]) == pytest.approx((120, 40), abs=0.01)
    assert page.clicks() == 0 and page.fitted() == "no"
    # a press that moves less than 4 px is still a click, and a click reaches the diagram
    node = page.node(node_id)
    page.drag(node["x"], node["y"], [(node["x"] + 2, node["y"] + 1)])
    assert page.svg() == pytest.approx(after, abs=0.01), "a 2 px wobble does not pan"
    assert page.clicks() == 1
    page.click(node["x"], node["y"])
    assert page.clicks() == 2
    if page.kind != "static":  # the pages with click to source sent the two clicks, and only those
        line = next(i for i, text in enumerate(LINES) if text.strip().startswith(f"{node_id}:"))
        deadline = time.monotonic() + 15
        while len(page.revealed()) < 2:
            assert time.monotonic() < deadline, page.revealed()
            time.sleep(0.05)
        assert page.revealed() == [{"node": node_id, "line": line}] * 2


def test_the_scale_and_the_position_have_limits(page: Page) -> None:
    page.load()
    for _ in range(30):
        page.key("-")
    assert page.zoom() == 0.05 and page.label_text() == "5%"
    for _ in range(40):
        page.key("+")
    assert page.zoom() == 8 and page.label_text() == "800%"
    page.key("0")
    area = page.area()
    for _ in range(5):  # far to the left, then far up: 48 px of the diagram stay in view
        page.wheel(area["left"] + 300, area["top"] + 300, 0, dx=2000)
    for _ in range(5):
        page.wheel(area["left"] + 300, area["top"] + 300, 2000)
    svg = page.svg()
    assert svg["right"] - area["left"] == pytest.approx(KEEP_VISIBLE, abs=0.01)
    assert svg["bottom"] - area["top"] == pytest.approx(KEEP_VISIBLE, abs=0.01)
