"""Large documents in the server process: built and checked in one collector pause and
frozen out of the garbage collector at open, released at close (fz_lsp/lsp/memory.py).

In-process tests of FlowZapServer's own methods (the garbage collector's state cannot be
seen through the protocol); the protocol side of large documents is in test_limits.py.
"""

from __future__ import annotations

import gc

import pytest

from fz_lsp.lsp.memory import LARGE_DOCUMENT_LINES
from fz_lsp.lsp.session import FlowZapServer
from support.document_disposal import assert_disposed_document_leaves_no_cycles
from support.paths import EXAMPLES, fixture_files

pytestmark = pytest.mark.slow  # large documents, and a full garbage collection per fixture: deselected by -m "not slow"

FILES = fixture_files("*.fz") + fixture_files("truncated/*.partial") + sorted(EXAMPLES.glob("*.fz"))


def _lanes(lines: int, end: str = "\n") -> str:
    per_lane = 50
    out = []
    for lane in range(lines // (per_lane + 2) + 1):
        out.append(f"L{lane} {{ # Lane {lane}")
        out += [f'n{lane * per_lane + k}: rectangle label:"step {k}"' for k in range(1, per_lane + 1)]
        out.append("}")
    return end.join(out) + end


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_a_large_document_is_frozen_at_open_and_released_at_close(end: str):
    server = FlowZapServer()
    gc.collect()
    gc.freeze()  # everything alive now is the baseline
    base = gc.get_freeze_count()
    try:
        doc = server.open_document("file:///big.fz", _lanes(LARGE_DOCUMENT_LINES, end), 1)
        assert len(doc.lines) >= LARGE_DOCUMENT_LINES
        assert server.memory.large_documents == {"file:///big.fz"}
        assert gc.isenabled()
        assert doc.derived  # checked at open, inside the pause
        # its lines, model and diagnostics were moved out of the collector's sight
        added = gc.get_freeze_count() - base
        assert added > 10 * len(doc.lines)
        server.documents.pop("file:///big.fz")
        del doc
        server.memory.release_frozen("file:///big.fz")
        assert server.memory.large_documents == set()
        # the model (a cyclic graph, which only the collector can free) is gone; what stays
        # is the parse memo (one statement per distinct line text, shared by all documents)
        assert gc.get_freeze_count() - base < added // 2
    finally:
        gc.unfreeze()


def test_a_small_document_is_not_frozen():
    server = FlowZapServer()
    gc.collect()
    frozen_before = gc.get_freeze_count()
    doc = server.open_document("file:///small.fz", _lanes(200), 1)
    assert gc.get_freeze_count() == frozen_before
    assert server.memory.large_documents == set() and server.documents["file:///small.fz"] is doc
    server.memory.release_frozen("file:///small.fz")  # nothing to release: a no-op


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_disposed_document_leaves_no_cycles_and_stays_usable(path):
    assert_disposed_document_leaves_no_cycles(path)
