"""The commands that share a diagram with FlowZap's web playground: flowzap.shareUrl (the URL
only) and flowzap.openInFlowZap (opened in the user's browser). The text travels in the URL;
nothing is sent unless the user runs one of them.

Loaded on the first of these commands (fz_lsp.lsp.server).

May import: fz_lsp.features.share, fz_lsp.lsp (window, handlers.arguments, the session's type).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fz_lsp.features.share import share_url
from fz_lsp.lsp import window
from fz_lsp.lsp.handlers.arguments import document_argument

if TYPE_CHECKING:
    from fz_lsp.lsp.session import FlowZapServer


def share_url_command(ls: FlowZapServer, options: Any = None) -> dict:
    """The FlowZap playground URL of the current (unsaved) text: {url}. Opens nothing."""
    return {"url": share_url(document_argument(ls, options).text)}


async def open_in_flowzap(ls: FlowZapServer, options: Any = None) -> dict:
    """Open the current (unsaved) text in FlowZap's web playground, in the user's browser."""
    url = share_url(document_argument(ls, options).text)
    text = ls.tr._("Open this diagram in FlowZap: {url}", url=url)
    opened = await window.open_externally(ls, url, "FlowZap", text, text)
    return {"url": url, "opened": opened}
