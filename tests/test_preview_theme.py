"""The browser preview's theme: `flowzap.openBrowserPreview`'s `theme` argument is honoured
(a page of its own), a page opened without one follows `flowzap.preview.theme`, and the
page's frame (background, bar) is always in the theme of the diagram it shows, including
after a live update changes it (a real server; a real Chromium for the live page)."""

from __future__ import annotations

import re
import urllib.request

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from fz_lsp.analysis.document import analyse
from fz_lsp.lsp.browser_preview import BrowserPreviewServer
from fz_lsp.render import render_svg
from fz_lsp.render.html import html_page, svg_theme
from support.lsp import Session, eventually
from support.paths import EXAMPLES, ROOT, read_exact

GITOPS = read_exact(EXAMPLES / "gitops.fz")


def themes_of(url: str) -> tuple[str, str]:
    """(the page frame's theme, the diagram's theme) of the page at `url`."""
    page = urllib.request.urlopen(url, timeout=10).read().decode()
    frame = re.search(r'<body class="fz-page fz-page-([a-z]+)"', page)
    drawn = re.search(r'<svg [^>]*class="fz-diagram [^"]*fz-theme-([a-z]+)"', page)
    assert frame is not None and drawn is not None, page[:500]
    return frame.group(1), drawn.group(1)


async def open_page(client: LanguageClient, arguments: dict) -> str:
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="flowzap.openBrowserPreview", arguments=[arguments])
    )
    return result["url"]


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
async def test_the_theme_argument_is_honoured_and_a_page_without_one_follows_the_setting(
    browser_client: LanguageClient,
):
    session = Session(browser_client)
    uri = await session.open(GITOPS)
    dark = await open_page(browser_client, {"uri": uri, "view": "workflow", "theme": "dark"})
    light = await open_page(browser_client, {"uri": uri, "view": "workflow", "theme": "light"})
    following = await open_page(browser_client, {"uri": uri, "view": "workflow"})
    assert len({dark, light, following}) == 3  # one page each
    assert themes_of(dark) == ("dark", "dark")
    assert themes_of(light) == ("light", "light")
    assert themes_of(following) == ("light", "light")  # the setting's default, `auto`: light in a browser
    assert await open_page(browser_client, {"uri": uri, "theme": "dark"}) == dark  # the same page again
    browser_client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"flowzap": {"preview": {"theme": "dark"}}})
    )
    await eventually(lambda: themes_of(following) == ("dark", "dark"), message="the page to follow the setting")
    assert themes_of(light) == ("light", "light")  # asked for: kept
    browser_client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"flowzap": {"preview": {"theme": "auto"}}})
    )
    await eventually(lambda: themes_of(following) == ("light", "light"), message="the page to follow back")


def test_a_static_page_and_svg_theme():
    svg = render_svg(analyse(GITOPS).model, "sequence", "dark")
    assert svg_theme(svg) == "dark"
    assert svg_theme(render_svg(analyse(GITOPS).model)) == "light"
    assert svg_theme("<svg></svg>") is None
    assert '<body class="fz-page fz-page-dark">' in html_page(svg, "gitops", "dark")


@pytest.mark.slow  # a real Chromium
def test_the_live_page_frame_follows_the_theme_of_each_update(browser_factory, tmp_path) -> None:
    theme = ["light"]
    server = BrowserPreviewServer(
        render=lambda uri, view: (render_svg(analyse(GITOPS).model, view, theme[0]), "gitops.fz")
    )
    try:
        url = server.open("file:///gitops.fz", "workflow")
        browser = browser_factory(900, 500)
        browser.load(url)
        browser.wait_for("document.getElementById('fz-diagram').dataset.live === 'open'")
        look = "[document.body.className, getComputedStyle(document.body).backgroundColor]"
        assert browser.evaluate(look) == ["fz-page fz-page-light", "rgb(243, 244, 246)"]
        theme[0] = "dark"
        server.document_changed("file:///gitops.fz")
        browser.wait_for("document.getElementById('fz-diagram').dataset.updates === '1'")
        assert browser.evaluate(look) == ["fz-page fz-page-dark", "rgb(24, 24, 24)"]
        assert browser.evaluate("document.querySelector('#fz-diagram svg').getAttribute('class')").endswith(
            "fz-theme-dark"
        )
        shot = browser.call("Page.captureScreenshot", {"format": "png"}, browser.session)
        artifacts = ROOT / "test-artifacts"  # (ignored by git)
        artifacts.mkdir(exist_ok=True)
        import base64

        (artifacts / "browser-preview-dark.png").write_bytes(base64.b64decode(shot["data"]))
    finally:
        server.stop()
