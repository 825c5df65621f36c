"""Node contents (render/contents.py) are remembered per shape and text within a budget.

ARCHITECTURE.md, "Caches and their bounds", lists `render.contents._contents`: a
BoundedMemo of CONTENT_MEMO_BUDGET units, each entry its key's length plus
CONTENT_ENTRY_WEIGHT, that weight being at least what an entry takes in memory.
"""

from __future__ import annotations

import gc
import tracemalloc

import pytest

from fz_lsp.analysis.document import analyse
from fz_lsp.model import Model
from fz_lsp.render import contents, render_svg
from fz_lsp.render.contents import CONTENT_ENTRY_WEIGHT, CONTENT_MEMO_BUDGET, node_content


def _model(count: int, start: int = 0) -> Model:
    lines = ["Team { # Team"]
    for i in range(start, start + count):
        lines.append(f'n{i}: rectangle label:"Check the order number {i} against the stock list"')
    lines.append("}")
    return analyse("\n".join(lines) + "\n").model


def test_same_shape_and_text_share_one_content() -> None:
    contents.clear_caches()
    a = analyse('A {\nn1: rectangle label:"Pack the parcel"\n}\n').model
    b = analyse('B {\nn7: rectangle label:"Pack the parcel"\nn8: circle label:"Pack the parcel"\n}\n').model
    first = node_content(a.nodes[0])
    assert node_content(b.nodes[0]) is first
    assert node_content(b.nodes[1]) is not first  # another shape: another content


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_the_memo_stays_within_its_budget() -> None:
    contents.clear_caches()
    memo = contents._contents
    per_entry = CONTENT_ENTRY_WEIGHT + 60  # the key: shape, separator, a ~55-character label
    fits = CONTENT_MEMO_BUDGET // per_entry
    model = _model(fits + 500)
    for node in model.nodes:
        node_content(node)
    assert memo.weight <= CONTENT_MEMO_BUDGET
    assert memo.evictions >= 400
    assert len(memo) >= fits - 100


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_an_entry_weighs_at_least_what_it_takes() -> None:
    """CONTENT_ENTRY_WEIGHT (bytes, roughly) covers a rendered node's content: the memo's
    budget is about its memory."""
    contents.clear_caches()
    model = _model(400, start=100_000)
    nodes = list(model.nodes)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for node in nodes:
            node_content(node)
        gc.collect()
        taken = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    per_entry = taken / len(nodes)
    key_length = len(f"rectangle\x1f{nodes[0].display_text}")
    print(f"{per_entry:.0f} bytes per node content")
    assert per_entry <= (CONTENT_ENTRY_WEIGHT + key_length) * 1.2, per_entry


def test_a_render_fills_the_memo_once() -> None:
    contents.clear_caches()
    model = _model(50)
    first = render_svg(model)
    size = len(contents._contents)
    assert size == 50
    assert render_svg(model) == first
    assert len(contents._contents) == size
