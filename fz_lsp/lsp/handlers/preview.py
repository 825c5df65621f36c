"""The preview: flowzap.preview (the SVG, for a client's own webview), flowzap.openBrowserPreview
(a live page in the user's browser, for clients without a webview), flowzap.sourceRanges
(what a click in a preview selects), and the browser pages' glue: their SVG rendered from the
session's document, and a click in a page shown in the editor (window/showDocument).

Loaded on the first of these commands (fz_lsp.lsp.server), with the renderer on the first
SVG; the browser preview server (fz_lsp.lsp.browser_preview) is loaded and started with the
first page.

May import: fz_lsp.render, fz_lsp.features.reveal, fz_lsp.lsp (browser_preview, window,
to_lsp, handlers.arguments, the session's type).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from fz_lsp.analysis.views import THEMES
from fz_lsp.features.reveal import source_regions
from fz_lsp.lsp import to_lsp, window
from fz_lsp.lsp.handlers.arguments import document_argument, preview_arguments, sequence_order

if TYPE_CHECKING:
    from lsprotocol import types

    from fz_lsp.lsp.browser_preview import BrowserPreviewServer
    from fz_lsp.lsp.session import FlowZapServer

log = logging.getLogger(__name__)


def preview(ls: FlowZapServer, options: Any = None) -> dict:
    """The diagram of the current (unsaved) text as SVG: {svg, view, version}."""
    from fz_lsp.render import render_svg

    doc, view, theme = preview_arguments(ls, options)
    svg = render_svg(doc.model, view, theme, sequence_order(ls, options))
    return {"svg": svg, "view": view, "version": doc.version}


async def open_browser_preview(ls: FlowZapServer, options: Any = None) -> dict:
    """Open a live preview in the user's browser (for clients without a webview)."""
    doc, view, _ = preview_arguments(ls, options)
    asked = options.get("theme") if isinstance(options, dict) else None  # else the page follows the setting
    url = browser(ls).open(doc.uri, view, asked if asked in THEMES else None)
    tr = ls.tr
    await window.open_externally(
        ls,
        url,
        "the preview",
        tr._("Open the FlowZap preview at {url}", url=url),
        tr._("FlowZap preview: {url}", url=url),
    )
    return {"url": url}


def source_ranges_command(ls: FlowZapServer, options: Any = None) -> dict:
    """What to select for a click in a preview: `{uri, target}` (target as a preview page
    sends it, fz_lsp/features/reveal.py) -> {ranges}: the first is the one to show; empty
    when the target is not in the document."""
    doc = document_argument(ls, options)
    return {"ranges": source_ranges(ls, doc.uri, options.get("target") if isinstance(options, dict) else None)}


# -- the browser pages ----------------------------------------------------------


def browser(ls: FlowZapServer) -> BrowserPreviewServer:
    """The session's browser preview server, started on first use."""
    if ls.browser is None:
        from fz_lsp.lsp.browser_preview import BrowserPreviewServer

        reveal = None
        try:
            loop = asyncio.get_running_loop()

            def reveal(uri: str, target: Any) -> None:  # a click in a page, from an HTTP thread
                loop.call_soon_threadsafe(_show_click, ls, uri, target)
        except RuntimeError:  # no event loop (in-process use): pages without click to source
            pass

        def render(uri: str, view: str, theme: str | None = None) -> tuple[str, str] | None:
            return _render_page(ls, uri, view, theme)

        ls.browser = BrowserPreviewServer(render=render, reveal=reveal)
    return ls.browser


def _render_page(ls: FlowZapServer, uri: str, view: str, theme: str | None) -> tuple[str, str] | None:
    """A page's SVG and title, from the session's document (None once it is closed), in the
    theme the page was opened with, else in flowzap.preview.theme's."""
    from fz_lsp.render import render_svg

    doc = ls.documents.get(uri)
    if doc is None:
        return None
    if theme is None:  # the page follows the setting
        theme = "dark" if ls.settings.preview_theme == "dark" else "light"
    return render_svg(doc.model, view, theme, ls.settings.preview_sequence_order), uri.rsplit("/", 1)[-1]


def _show_click(ls: FlowZapServer, uri: str, target: Any) -> None:
    """Show a click's source; the task is kept until done (and its failure logged)."""
    task = asyncio.ensure_future(show_source(ls, uri, target))
    ls.clicks.add(task)

    def done(task: asyncio.Task) -> None:
        ls.clicks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("showing the source of a click in the preview failed", exc_info=task.exception())

    task.add_done_callback(done)


def source_ranges(ls: FlowZapServer, uri: str, target: Any) -> list[types.Range]:
    """The ranges to select for a click in a preview (fz_lsp/features/reveal.py), in the
    client's encoding; empty when the document is closed or the target is not in it."""
    doc = ls.documents.get(uri)
    if doc is None:
        return []
    return to_lsp.ranges(ls.converter(doc), source_regions(doc.model, target))


async def show_source(ls: FlowZapServer, uri: str, target: Any) -> bool:
    """A click in a browser preview page: ask the client to show the source of what was
    clicked (window/showDocument selecting the first of its ranges). True when the
    client did; False when the document is closed, the target is not in it, or the
    client cannot or did not show it."""
    ranges = source_ranges(ls, uri, target)
    if not ranges:
        return False
    return await window.show_document(ls, to_lsp.show_source(uri, ranges[0]), "a click in the preview")
