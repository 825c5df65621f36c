"""Diagnostics to the client: debounced, capped, and what the user must know told once.

- `schedule`: publish after `flowzap.diagnostics.delayMs` (at once on open and save); a
  newer version cancels the pending publish, so stale results are never sent. A document
  over LARGE_DOCUMENT_CHARS waits for a pause in typing of LARGE_DOCUMENT_DELAY_MS.
- `publish`: `diagnostics.check` (pure) converted by fz_lsp.lsp.to_lsp, with the document
  version; more than MAX_PUBLISHED_DIAGNOSTICS are cut, errors kept first; an open browser
  preview of the document is re-rendered at the same moment; a failing check is shown
  once and every other feature keeps working.
- `say_once`: a message shown the first time its topic comes up for an open document.

May import: fz_lsp.lsp (convert, to_lsp), fz_lsp.diagnostics and below, lsprotocol (types).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from lsprotocol import types

from fz_lsp.diagnostics import check as check_diagnostics, most_severe
from fz_lsp.lsp import to_lsp

if TYPE_CHECKING:
    from fz_lsp.analysis.document import Document
    from fz_lsp.lsp.session import FlowZapServer

log = logging.getLogger(__name__)

# Graceful degradation for very large documents (README, "Reliability").
MAX_PUBLISHED_DIAGNOSTICS = 1000  # more are cut (errors kept first) and the user is told once
LARGE_DOCUMENT_CHARS = 3_000_000  # above this (60x FlowZap's own limit), diagnostics wait for a pause in typing ...
LARGE_DOCUMENT_DELAY_MS = 500  # ... of at least this long (whatever flowzap.diagnostics.delayMs says)


def document_name(uri: str) -> str:
    """The file name of a URI, as messages name a document."""
    return uri.rstrip("/").rsplit("/", 1)[-1] or uri


class Publisher:
    """The diagnostics of one server's open documents: pending publishes and topics told."""

    def __init__(self, server: FlowZapServer) -> None:
        self.server = server
        self.pending: dict[str, asyncio.Task] = {}  # uri -> its debounced publish
        self.said: dict[str, set[str]] = {}  # uri -> topics already shown to the user (say_once)

    def forget(self, uri: str) -> None:
        """A closed document: its pending publish cancelled, its topics forgotten."""
        pending = self.pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        self.said.pop(uri, None)

    def publish(self, doc: Document) -> None:
        server = self.server
        try:
            found = check_diagnostics(doc, server.settings)
        except Exception:  # a bug in a check: keep serving everything else, say so once
            log.exception("diagnostics failed for %s (version %s)", doc.uri, doc.version)
            text = server.tr._(
                "could not check {name} (an internal error; see the server log). Other features keep working.",
                name=document_name(doc.uri),
            )
            self.say_once(doc.uri, "failed", types.MessageType.Error, "fz-lsp: " + text)
            return
        if len(found) > MAX_PUBLISHED_DIAGNOSTICS:
            tr = server.tr
            text = tr._(
                "{name} has {n} problems; only {limit} are shown (errors first).",
                name=document_name(doc.uri),
                n=tr.number(len(found)),
                limit=tr.number(MAX_PUBLISHED_DIAGNOSTICS),
            )
            self.say_once(doc.uri, "many", types.MessageType.Warning, "fz-lsp: " + text)
            found = most_severe(found, MAX_PUBLISHED_DIAGNOSTICS)
        server.text_document_publish_diagnostics(
            to_lsp.published_diagnostics(server.converter(doc), doc.version, found)
        )
        if server.browser is not None:  # pages open on this document follow the same debounce
            try:
                server.browser.document_changed(doc.uri)
            except Exception:
                log.exception("browser preview update failed for %s", doc.uri)
        server.memory.trim_when_idle()

    def say_once(self, uri: str, topic: str, kind: types.MessageType, message: str) -> None:
        """Show `message` the first time `topic` comes up for this open document."""
        said = self.said.setdefault(uri, set())
        if topic not in said:
            said.add(topic)
            log.warning("%s", message)
            self.server.window_show_message(to_lsp.message(kind, message))

    def schedule(self, uri: str, immediate: bool = False) -> None:
        """Publish diagnostics after the configured delay; a newer edit cancels older work."""
        pending = self.pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        server = self.server
        delay = 0 if immediate else server.settings.diagnostics_delay_ms / 1000
        doc = server.documents.get(uri)
        if doc is None:
            return
        if not immediate and len(doc.source) > LARGE_DOCUMENT_CHARS:
            # a large document is re-checked only after a pause in typing, never per keystroke
            delay = max(delay, LARGE_DOCUMENT_DELAY_MS / 1000)
            tr = server.tr
            text = tr._(
                "{name} is large ({n} characters); diagnostics update after a {delay} ms pause in typing.",
                name=document_name(uri),
                n=tr.number(len(doc.source)),
                delay=LARGE_DOCUMENT_DELAY_MS,
            )
            self.say_once(uri, "large", types.MessageType.Info, "fz-lsp: " + text)
        if delay <= 0:
            self.publish(doc)
            return
        version = doc.version

        async def later() -> None:
            await asyncio.sleep(delay)
            current = server.documents.get(uri)
            if current is doc and current.version == version:
                self.pending.pop(uri, None)
                self.publish(current)

        self.pending[uri] = asyncio.ensure_future(later())

    def republish_all(self) -> None:
        for uri in list(self.server.documents):
            self.schedule(uri, immediate=True)
