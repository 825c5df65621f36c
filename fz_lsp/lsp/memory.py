"""The server's memory over days: large documents out of the collector's sight, released
when closed, and freed memory handed back to the system when the server is idle.

- A document of LARGE_DOCUMENT_LINES or more is built (and checked) with the collector
  paused, then frozen (`gc.freeze`): full collections never scan its objects mid-keystroke.
- Closing it: the document is disposed by the session (reference counting frees its model
  at once, frozen or not); what else it froze is collected RELEASE_DELAY_S later, once for
  several closes.
- `trim_when_idle`: glibc's `malloc_trim(0)` IDLE_TRIM_S after the last publish or close
  (a keystroke only moves a timer); elsewhere than glibc, nothing.

May import: fz_lsp.analysis, fz_lsp.diagnostics; neither pygls nor lsprotocol.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import sys
from collections.abc import Callable
from functools import cache

from fz_lsp.analysis.document import Document
from fz_lsp.analysis.settings import Settings
from fz_lsp.base.collector import collector_paused
from fz_lsp.diagnostics import check as check_diagnostics

LARGE_DOCUMENT_LINES = 5_000  # from here on, a model is frozen out of the garbage collector
RELEASE_DELAY_S = 2.0  # after closing a large document, collect it this much later
IDLE_TRIM_S = 1.0  # this long after the last publish or close, freed heap memory goes back to the system


@cache
def malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, or None (macOS, Windows, musl). The C allocator keeps the memory
    Python frees in large blocks (a preview's SVG, a closed document's text) for reuse and
    counted in the process's resident memory; malloc_trim(0) hands it back (about 1 ms).
    Looked up on first use, an idle moment after the first diagnostics (loading ctypes)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        trim = ctypes.CDLL(None).malloc_trim  # the C library the process runs on
    except (OSError, AttributeError):
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


class DocumentMemory:
    """The session's documents as memory: which are frozen, a collection due, a trim due."""

    def __init__(self) -> None:
        self.large_documents: set[str] = set()  # URIs whose models were frozen out of the GC
        self._release_due = False  # a closed large document waits for collect_released
        self._trim: asyncio.TimerHandle | None = None  # trim_when_idle's pending malloc_trim

    def load(self, uri: str, text: str, version: int | None, settings: Settings) -> Document:
        """A newly opened document, analysed with the garbage collector paused. A large one
        (LARGE_DOCUMENT_LINES) is long-lived: its diagnostics are computed in the same
        pause and all of it is frozen out of the collector's sight before it resumes, so
        neither this open nor later keystrokes pay for scanning its objects."""
        with collector_paused():
            doc = Document(text, uri, version)
            if len(doc.lines) >= LARGE_DOCUMENT_LINES:
                with contextlib.suppress(Exception):  # reported when published, which tries again
                    check_diagnostics(doc, settings)
                gc.freeze()
                self.large_documents.add(uri)
        return doc

    def release_frozen(self, uri: str) -> None:
        """After a large document frozen at open was closed (and disposed, which frees its
        model at once), collect what else it froze: objects of lines edited away that form
        cycles. A full collection, run a moment later (RELEASE_DELAY_S) so that it does not
        hold up the messages that follow a close (opening the next file), and once for
        several closes."""
        if uri not in self.large_documents:
            return
        self.large_documents.discard(uri)
        if self._release_due:
            return
        self._release_due = True
        try:
            asyncio.get_running_loop().call_later(RELEASE_DELAY_S, self.collect_released)
        except RuntimeError:  # no event loop (in-process use): now
            self.collect_released()

    def collect_released(self) -> None:
        if self._release_due:
            self._release_due = False
            gc.unfreeze()
            gc.collect()
            gc.freeze()
            self.trim_when_idle()

    def trim_when_idle(self) -> None:
        """Give the heap memory freed by the last burst of work back to the system once the
        server has published nothing for IDLE_TRIM_S: a keystroke only moves a timer.
        malloc_trim is looked up when the timer fires, not by the first publish (ctypes takes
        ~2 ms to load)."""
        if not sys.platform.startswith("linux"):  # no malloc_trim (see malloc_trim)
            return
        if self._trim is not None:
            self._trim.cancel()
        try:
            self._trim = asyncio.get_running_loop().call_later(IDLE_TRIM_S, self._trim_now)
        except RuntimeError:  # no event loop (in-process use): nothing to wait for
            self._trim = None

    def _trim_now(self) -> None:
        self._trim = None
        trim = malloc_trim()
        if trim is not None:
            trim(0)
