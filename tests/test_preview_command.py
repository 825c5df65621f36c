"""Preview commands through the real server: SVG for webviews, a live page for browsers."""

from __future__ import annotations

import urllib.request
import xml.etree.ElementTree as ET

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from support.lsp import Session, eventually
from support.paths import FIXTURES, read_exact

pytestmark = pytest.mark.asyncio(loop_scope="module")

SVG = "{http://www.w3.org/2000/svg}"


async def preview(client: LanguageClient, *arguments):
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="flowzap.preview", arguments=list(arguments))
    )


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
async def test_preview_returns_svg_of_unsaved_text(session: Session, client: LanguageClient):
    uri = await session.open(read_exact(FIXTURES / "library-hold.fz"))
    result = await preview(client, {"uri": uri, "view": "workflow"})
    assert (result["view"], result["version"]) == ("workflow", 1)
    root = ET.fromstring(result["svg"])
    nodes = [el.get("data-node") for el in root.iter() if el.get("data-node")]
    assert sorted(nodes, key=lambda n: int(n[1:])) == [f"n{i}" for i in range(1, 19)]
    # an unsaved edit shows up in the next preview: `n1: circle label:"Wants a book"`
    await session.change(uri, 2, (1, 18), (1, 30), "Needs a novel")
    result = await preview(client, {"uri": uri, "view": "sequence", "theme": "dark"})
    assert (result["view"], result["version"]) == ("sequence", 2)
    texts = " ".join("".join(t.itertext()) for t in ET.fromstring(result["svg"]).iter(f"{SVG}text"))
    assert "Needs" in texts and "novel" in texts and "Wants" not in texts


async def test_preview_errors_are_clear(session: Session, client: LanguageClient):
    with pytest.raises(Exception, match="document is not open"):
        await preview(client, {"uri": "file:///nowhere.fz"})
    uri = await session.open("A { # A\n}\n")
    with pytest.raises(Exception, match="unknown view"):
        await preview(client, {"uri": uri, "view": "gantt"})
    with pytest.raises(Exception, match="expected arguments"):
        await preview(client, 42)


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
async def test_browser_preview_is_shown_and_follows_edits(browser_client: LanguageClient):
    session = Session(browser_client)
    uri = await session.open(read_exact(FIXTURES / "kettle-single-lane-loop.fz"))
    result = await browser_client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="flowzap.openBrowserPreview", arguments=[{"uri": uri, "view": "workflow"}])
    )
    url = result["url"]
    assert url.startswith("http://127.0.0.1:")
    (shown,) = browser_client.shown_documents
    assert (shown.uri, shown.external) == (url, True)
    page = urllib.request.urlopen(url, timeout=10).read().decode()
    # `n2: diamond label:"Boiling yet?"` (a two-word label may be drawn on two lines)
    assert 'data-node="n2"' in page and ">Boiling<" in page
    # an edit re-renders the page's diagram (the page receives it over Server-Sent Events)
    await session.change(uri, 2, (2, 19), (2, 31), "Steaming?")
    await eventually(
        lambda: ">Steaming?<" in urllib.request.urlopen(url, timeout=10).read().decode(),
        message="the browser page to show the edit",
    )
