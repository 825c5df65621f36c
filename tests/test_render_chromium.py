"""The HTML preview in a real browser: headless Chromium draws it, every node is visible,
the pages open fitted to the window's width (the static one by CSS alone), the live page
zooms and pans and updates in place when the document changes.

Chromium is expected at /usr/bin/chromium (or $FZ_CHROMIUM). When it is missing these
tests fail, unless FZ_SKIP_BROWSER=1. Screenshots are kept in test-artifacts/: every
example in the light and dark themes, as its page opens (fitted to the window) and at the
diagram's own size, the layout fixtures, and the gitops example's architecture view in both
themes.
Chromium is driven over --remote-debugging-pipe with a few Chrome DevTools Protocol
calls (stdlib only), every wait bounded by a timeout (tests/support/chromium.py).
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from fz_lsp.analysis.document import analyse
from fz_lsp.lsp.browser_preview import BrowserPreviewServer
from fz_lsp.render import render_html, render_svg
from support.chromium import Browser, screenshot

pytestmark = pytest.mark.slow  # real headless Chromium processes: deselected by -m "not slow"

REPO = Path(__file__).resolve().parents[1]
GITOPS = REPO / "examples" / "gitops.fz"
ARTIFACTS = REPO / "test-artifacts"


def check_not_blank(width: int, height: int, rows: list[bytes], theme: str) -> None:
    """Not one colour, with enough ink: pixels much darker (light theme) or much lighter (dark
    theme) than the background, i.e. text and lines."""
    pixels: Counter = Counter()
    for row in rows:
        for i in range(0, len(row), 3):
            pixels[row[i : i + 3]] += 1
    background, most = pixels.most_common(1)[0]
    level = sum(background)
    if theme == "light":
        ink = sum(n for colour, n in pixels.items() if sum(colour) < level - 250)
    else:
        ink = sum(n for colour, n in pixels.items() if sum(colour) > level + 250)
    assert width * height - most > 0.05 * width * height, "the page is (almost) a single colour"
    assert ink > 2000, f"too little ink ({ink}): no text or lines drawn"
    assert len(pixels) > 50


EXAMPLES = sorted((REPO / "examples").glob("*.fz"))
LAYOUT_FIXTURES = sorted((REPO / "tests" / "fixtures" / "layout").glob("*.fz"))


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_screenshots_of_the_examples(chromium: str, tmp_path: Path, path: Path, theme: str) -> None:
    """Each example in each theme, kept in test-artifacts/: the page as it opens (fitted to a
    1280 px window) and the diagram at its own size (what to look at when judging the layout)."""
    model = analyse(path.read_text(encoding="utf-8")).model
    ARTIFACTS.mkdir(exist_ok=True)
    page = tmp_path / f"{path.stem}.html"
    page.write_text(render_html(model, theme=theme, title=path.name), encoding="utf-8")
    shot = screenshot(chromium, page.as_uri(), ARTIFACTS / f"{path.stem}-page-{theme}.png", 1280, 800, tmp_path / "p1")
    check_not_blank(*shot, theme)
    svg = render_svg(model, "workflow", theme)
    image = tmp_path / f"{path.stem}.svg"
    image.write_text(svg, encoding="utf-8")
    root = ET.fromstring(svg)
    width, height = math.ceil(float(root.get("width"))), math.ceil(float(root.get("height")))
    full = screenshot(
        chromium, image.as_uri(), ARTIFACTS / f"{path.stem}-workflow-{theme}.png", width, height, tmp_path / "p2"
    )
    check_not_blank(*full, theme)


@pytest.mark.parametrize("path", LAYOUT_FIXTURES, ids=lambda p: p.name)
def test_screenshots_of_the_layout_fixtures(chromium: str, tmp_path: Path, path: Path) -> None:
    svg = render_svg(analyse(path.read_text(encoding="utf-8")).model)
    image = tmp_path / f"{path.stem}.svg"
    image.write_text(svg, encoding="utf-8")
    root = ET.fromstring(svg)
    width, height = math.ceil(float(root.get("width"))), math.ceil(float(root.get("height")))
    ARTIFACTS.mkdir(exist_ok=True)
    check_not_blank(
        *screenshot(chromium, image.as_uri(), ARTIFACTS / f"layout-{path.stem}.png", width, height, tmp_path / "p"),
        "light",
    )


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshots_of_the_gitops_architecture_view(
    chromium: str, browser_factory, tmp_path: Path, theme: str
) -> None:
    """The gitops example's architecture view in each theme, kept in test-artifacts/
    (gitops-architecture-<theme>.png, at the diagram's own size); in the browser every
    component is on top at its title, and its title and steps stay inside its box in the
    real font."""
    model = analyse(GITOPS.read_text(encoding="utf-8")).model
    svg = render_svg(model, "architecture", theme)
    image = tmp_path / "gitops-architecture.svg"
    image.write_text(svg, encoding="utf-8")
    root = ET.fromstring(svg)
    width, height = math.ceil(float(root.get("width"))), math.ceil(float(root.get("height")))
    ARTIFACTS.mkdir(exist_ok=True)
    shot = screenshot(
        chromium, image.as_uri(), ARTIFACTS / f"gitops-architecture-{theme}.png", width, height, tmp_path / "p"
    )
    check_not_blank(*shot, theme)
    browser = browser_factory(width, height)
    browser.load(image.as_uri())
    report = browser.evaluate(
        """(() => {
          const rect = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
          return [...document.querySelectorAll('.fz-component')].map((el) => {
            const title = el.querySelector('.fz-component-title');
            const t = rect(title);
            const hit = document.elementFromPoint((t[0] + t[2]) / 2, (t[1] + t[3]) / 2);
            return {
              lane: el.dataset.lane, box: rect(el.querySelector('.fz-component-box')),
              header: rect(el.querySelector('.fz-component-header')), title: t,
              steps: [...el.querySelectorAll('.fz-step text, .fz-component-more')].map(rect),
              hit: hit && hit.closest('.fz-component') ? hit.closest('.fz-component').dataset.lane : null,
            };
          });
        })()"""
    )
    assert [c["lane"] for c in report] == [lane.id for lane in model.lanes]
    for c in report:
        left, _top, right, bottom = c["box"]
        assert c["hit"] == c["lane"], f"{c['lane']}'s title is covered by {c['hit']}"
        h_left, h_top, h_right, h_bottom = c["header"]
        assert (
            h_left <= c["title"][0]
            and c["title"][2] <= h_right
            and h_top <= c["title"][1]
            and c["title"][3] <= h_bottom + 0.5
        )
        assert len(c["steps"]) == len(next(lane for lane in model.lanes if lane.id == c["lane"]).nodes)
        for s_left, s_top, s_right, s_bottom in c["steps"]:
            assert left < s_left and s_right <= right - 4 and h_bottom <= s_top and s_bottom <= bottom, (
                c["lane"],
                c["box"],
            )


def svg_rect(browser: Browser) -> dict:
    return browser.evaluate(
        """(() => { const r = document.querySelector('#fz-diagram svg').getBoundingClientRect();
                    return {left: r.left, right: r.right, width: r.width, height: r.height,
                            innerWidth: innerWidth, scrollWidth: document.documentElement.scrollWidth}; })()"""
    )


svg_position = """(() => { const r = document.querySelector('#fz-diagram svg').getBoundingClientRect();
                            return {x: r.left, y: r.top}; })()"""


def test_static_page_opens_fitted_to_the_window_and_switches_to_actual_size(browser_factory, tmp_path: Path) -> None:
    model = analyse(GITOPS.read_text(encoding="utf-8")).model
    natural = float(ET.fromstring(render_svg(model)).get("width"))
    page = tmp_path / "gitops.html"
    page.write_text(render_html(model, title="gitops.fz"), encoding="utf-8")
    browser = browser_factory(1000, 700)
    browser.load(page.as_uri())
    fitted = svg_rect(browser)
    assert natural > 2000, "the example is wider than the window"
    assert fitted["right"] <= fitted["innerWidth"] and fitted["width"] >= 0.9 * fitted["innerWidth"] - 24, fitted
    assert fitted["scrollWidth"] <= fitted["innerWidth"], "nothing to scroll sideways"
    assert fitted["height"] == pytest.approx(
        fitted["width"] * float(ET.fromstring(render_svg(model)).get("height")) / natural, rel=0.01
    )
    assert browser.evaluate("document.getElementById('fz-diagram').dataset.fitted") == "yes"
    browser.evaluate("document.querySelector('[data-zoom=actual]').click()")
    actual = svg_rect(browser)
    # at its own size the diagram runs past the window: dragging pans it (test_zoom_chromium.py)
    assert actual["width"] == pytest.approx(natural, abs=1) and actual["right"] > actual["innerWidth"]
    assert browser.evaluate("document.getElementById('fz-zoom-level').textContent") == "100%"
    browser.evaluate("document.querySelector('[data-zoom=fit]').click()")
    assert svg_rect(browser)["width"] == pytest.approx(fitted["width"], abs=1)
    assert browser.evaluate("document.scripts.length") == 1  # its own: pan and zoom (zoom.js)


def test_static_page_without_scripts_is_fitted_by_css_and_scrolls(browser_factory, tmp_path: Path) -> None:
    """Where scripts are off, the page still shows the whole diagram fitted to the window,
    no dead zoom buttons, and scrolls what does not fit."""
    model = analyse(GITOPS.read_text(encoding="utf-8")).model
    page = tmp_path / "gitops.html"
    page.write_text(render_html(model, "sequence", title="gitops.fz"), encoding="utf-8")
    browser = browser_factory(1000, 700)
    browser.call("Emulation.setScriptExecutionDisabled", {"value": True}, browser.session)
    browser.load(page.as_uri())
    fitted = svg_rect(browser)
    assert fitted["left"] >= 0 and fitted["right"] <= fitted["innerWidth"] - 12, fitted
    assert fitted["scrollWidth"] <= fitted["innerWidth"], "nothing to scroll sideways"
    browser.call("Emulation.setScriptExecutionDisabled", {"value": False}, browser.session)
    state = browser.evaluate(
        """(() => { const main = document.getElementById('fz-diagram');
                    return {zoom: main.dataset.zoom || null,
                            buttons: getComputedStyle(document.getElementById('fz-zoom')).display,
                            overflow: getComputedStyle(main).overflowY,
                            tall: main.scrollHeight > main.clientHeight}; })()"""
    )
    assert state == {"zoom": None, "buttons": "none", "overflow": "auto", "tall": True}, state


def test_every_node_is_present_visible_and_its_text_fits(browser_factory, tmp_path: Path) -> None:
    model = analyse(GITOPS.read_text(encoding="utf-8")).model
    page = tmp_path / "gitops.html"
    page.write_text(render_html(model, title="gitops.fz"), encoding="utf-8")
    browser = browser_factory(3800, 1200)  # the whole diagram in view at its own size
    browser.load(page.as_uri())
    report = browser.evaluate(
        """(() => {
          const rect = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
          return [...document.querySelectorAll('[data-node]')].map((el) => {
            const shape = el.querySelector('.fz-node-shape');
            const centre = rect(shape);
            const hit = document.elementFromPoint((centre[0] + centre[2]) / 2, (centre[1] + centre[3]) / 2);
            const style = getComputedStyle(el);
            return {
              id: el.dataset.node, line: Number(el.dataset.line), box: rect(el), shape: centre,
              texts: [...el.querySelectorAll('text')].map(rect),
              hit: hit && hit.closest('[data-node]') ? hit.closest('[data-node]').dataset.node : null,
              visible: style.visibility === 'visible' && style.display !== 'none' && Number(style.opacity) > 0,
              fill: getComputedStyle(shape).fill,
            };
          });
        })()"""
    )
    assert sorted((n["id"], n["line"]) for n in report) == sorted((n.id, n.line) for n in model.nodes)
    viewport = browser.evaluate("[innerWidth, innerHeight]")
    for node in report:
        left, top, right, bottom = node["box"]
        assert right - left > 20 and bottom - top > 20, node
        assert left >= 0 and right <= viewport[0] and top >= 0 and bottom <= viewport[1], node
        assert node["visible"] and node["fill"] not in ("none", "rgba(0, 0, 0, 0)"), node
        assert node["hit"] == node["id"], f"{node['id']} is covered by {node['hit']}"
        s_left, s_top, s_right, s_bottom = node["shape"]
        for t_left, t_top, t_right, t_bottom in node["texts"]:
            assert s_left - 0.5 <= t_left and t_right <= s_right + 0.5, f"text overflows {node['id']} sideways"
            assert s_top - 0.5 <= t_top and t_bottom <= s_bottom + 0.5, f"text overflows {node['id']} vertically"


def test_live_page_fits_zooms_pans_and_updates_in_place(browser_factory) -> None:
    texts = {"file:///gitops.fz": GITOPS.read_text(encoding="utf-8")}
    server = BrowserPreviewServer(render=lambda uri, view: (render_svg(analyse(texts[uri]).model, view), "gitops.fz"))
    try:
        url = server.open("file:///gitops.fz", "workflow")
        browser = browser_factory(900, 500)
        browser.load(url)
        browser.wait_for("document.getElementById('fz-diagram').dataset.live === 'open'")
        assert server.client_count("file:///gitops.fz") == 1
        fitted = svg_rect(browser)
        assert browser.evaluate("document.getElementById('fz-diagram').dataset.fitted") == "yes"
        assert fitted["right"] <= fitted["innerWidth"] and fitted["width"] >= 0.9 * fitted["innerWidth"] - 24, fitted
        fit_zoom = float(browser.evaluate("document.getElementById('fz-diagram').dataset.zoom"))
        assert 0.1 < fit_zoom < 1
        browser.evaluate("document.querySelector('[data-zoom=in]').click()")
        assert float(browser.evaluate("document.getElementById('fz-diagram').dataset.zoom")) == pytest.approx(
            fit_zoom * 1.25, abs=0.002
        )
        browser.evaluate("document.dispatchEvent(new KeyboardEvent('keydown', {key: '1'}))")  # actual size
        assert svg_rect(browser)["width"] == pytest.approx(
            float(browser.evaluate("document.querySelector('#fz-diagram svg').getAttribute('width')")), abs=1
        )
        before = browser.evaluate(
            """(() => {
              window.fzMarker = 42;
              document.dispatchEvent(new KeyboardEvent('keydown', {key: '+'}));
              const r = document.querySelector('#fz-diagram svg').getBoundingClientRect();
              return {x: r.left, y: r.top, zoom: document.getElementById('fz-diagram').dataset.zoom};
            })()"""
        )
        assert before["zoom"] == "1.25"
        # dragging the diagram pans it, by exactly as far as the pointer went
        for kind, x, y in (
            ("mousePressed", 500, 300),
            ("mouseMoved", 440, 260),
            ("mouseMoved", 400, 240),
            ("mouseReleased", 400, 240),
        ):
            browser.call(
                "Input.dispatchMouseEvent",
                {
                    "type": kind,
                    "x": x,
                    "y": y,
                    "button": "left",
                    "buttons": 1 if kind != "mouseReleased" else 0,
                    "clickCount": 1,
                },
                browser.session,
            )
        panned = browser.evaluate(svg_position)
        assert panned == {"x": before["x"] - 100, "y": before["y"] - 60}, (before, panned)
        texts["file:///gitops.fz"] = texts["file:///gitops.fz"].replace("Start a change", "Live edit <ok> & 更新")
        server.document_changed("file:///gitops.fz")
        browser.wait_for("document.getElementById('fz-diagram').dataset.updates === '1'")
        after = browser.evaluate(
            """(() => {
              const svg = document.querySelector('#fz-diagram svg');
              const label = document.querySelector('[data-node="n1"] text').textContent;
              const r = svg.getBoundingClientRect();
              return {marker: window.fzMarker, x: r.left, y: r.top,
                      scale: r.width / parseFloat(svg.getAttribute('width')),
                      zoom: document.getElementById('fz-diagram').dataset.zoom, label: label,
                      nodes: document.querySelectorAll('[data-node]').length, title: document.title};
            })()"""
        )
        assert after["marker"] == 42, "the page reloaded instead of updating in place"
        assert {"x": after["x"], "y": after["y"]} == panned, "position lost"
        assert after["zoom"] == "1.25" and after["scale"] == pytest.approx(1.25, abs=1e-4), "zoom lost"
        assert "".join(after["label"].split()) == "Liveedit<ok>&更新"
        assert after["nodes"] == len(analyse(texts["file:///gitops.fz"]).model.nodes) and after["title"] == "gitops.fz"
        browser.evaluate(
            "document.dispatchEvent(new KeyboardEvent('keydown', {key: '0'}))"
        )  # back to the window's width
        assert browser.evaluate("document.getElementById('fz-diagram').dataset.fitted") == "yes"
        assert svg_rect(browser)["width"] == pytest.approx(fitted["width"], abs=1)
    finally:
        server.stop()
