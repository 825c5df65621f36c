"""Requests to the client's window: show a document or open a URL, and what to do when the
client cannot, fails or never answers.

May import: fz_lsp.lsp (from_lsp, to_lsp, the session's type), pygls through the session.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from lsprotocol import types

from fz_lsp.lsp import from_lsp, to_lsp

if TYPE_CHECKING:
    from fz_lsp.lsp.session import FlowZapServer

log = logging.getLogger(__name__)

# how long to wait for the client to open the browser before telling the user the URL
SHOW_DOCUMENT_TIMEOUT_S = 10.0


async def show_document(ls: FlowZapServer, params: types.ShowDocumentParams, what: str) -> bool:
    """window/showDocument, when the client supports it; True when it showed the document.
    A client that fails, answers nonsense or never answers (SHOW_DOCUMENT_TIMEOUT_S) is
    logged, not raised."""
    if not from_lsp.show_document(ls.client_capabilities):
        return False
    try:
        result = await asyncio.wait_for(ls.window_show_document_async(params), SHOW_DOCUMENT_TIMEOUT_S)
    except Exception as err:
        log.warning("window/showDocument for %s failed: %r", what, err)
        return False
    return bool(getattr(result, "success", False))


async def open_externally(ls: FlowZapServer, url: str, what: str, unopened: str, no_support: str) -> bool:
    """Ask the client to open `url` in the browser (window/showDocument, external); when it
    cannot or does not, show the URL in a message instead (`no_support`, `unopened`). True
    when the client opened it."""
    if not from_lsp.show_document(ls.client_capabilities):
        ls.window_show_message(to_lsp.message(types.MessageType.Info, no_support))
        return False
    opened = await show_document(ls, to_lsp.open_externally(url), what)
    if not opened:
        ls.window_show_message(to_lsp.message(types.MessageType.Warning, unopened))
    return opened
