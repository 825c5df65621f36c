"""A disposed document leaves nothing for the garbage collector:
`assert_disposed_document_leaves_no_cycles(path)` analyses the file, disposes of the
document (its model is linked again on demand, with the same diagnostics), drops it, and
checks that a full collection finds no cycle left. tests/test_large_documents.py runs it on
the fixtures and examples, tests/test_corpus_features.py on the corpus."""

from __future__ import annotations

import gc

from fz_lsp.analysis.document import Document
from fz_lsp.analysis.settings import Settings
from fz_lsp.diagnostics import check as check_diagnostics
from support.paths import read_exact


def assert_disposed_document_leaves_no_cycles(path) -> None:
    """(also used by the corpus suite)"""
    text = read_exact(path)
    expected = [d.message for d in check_diagnostics(Document(text), Settings())]  # also warms the parse memo
    gc.collect()
    doc = Document(text, path.as_uri())
    assert [d.message for d in check_diagnostics(doc, Settings())] == expected
    doc.dispose()
    assert [d.message for d in check_diagnostics(doc, Settings())] == expected  # linked again on demand
    doc.dispose()
    del doc  # reference counting frees it all: nothing left for the collector
    was = gc.get_debug()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        found = gc.collect()
        leftovers = list(gc.garbage)
        gc.garbage.clear()
    finally:
        gc.set_debug(was)
    assert found == 0, leftovers[:10]
