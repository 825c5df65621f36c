"""What the position-based features answer on any document stays inside it: navigation
(definition, references, highlights, symbols, folding, selection ranges) at every position,
even past the ends of lines and of the document (`assert_every_position_is_safe`), and the
semantic tokens, ordered, disjoint and each on its own line
(`assert_tokens_ordered_disjoint_and_on_their_line`). test_navigation.py and
test_semantic_tokens.py check them on the project's fixtures, tests/test_corpus_features.py
on the corpus."""

from __future__ import annotations

from itertools import pairwise

from fz_lsp.analysis.document import Document
from fz_lsp.analysis.edits import Region
from fz_lsp.features import navigation
from fz_lsp.features.semantic_tokens import encode, semantic_tokens


def assert_every_position_is_safe(text: str) -> None:
    """Definition, references, highlights, symbols, folding and selection ranges at every
    position of `text` stay inside the document (also used by the corpus suite)."""
    doc = Document(text)
    m = doc.model
    n = len(m.lines)
    syms = navigation.document_symbols(m)
    for s in syms:
        assert s.region.contains(Region.of(s.selection))
        for c in s.children:
            assert s.region.contains(c.region)
    for f in navigation.folding_ranges(m):
        assert 0 <= f.start_line < f.end_line < n
    for line in range(n + 1):
        length = len(m.lines[min(line, n - 1)])
        for col in range(length + 3):
            for span in navigation.definition(m, line, col) + navigation.references(m, line, col):
                assert 0 <= span.start <= span.end <= len(m.lines[span.line])
            navigation.highlights(m, line, col)
            chain = navigation.selection_range(m, line, col)
            assert chain and chain[-1] == Region(0, 0, n - 1, len(m.lines[-1]))
            for inner, outer in pairwise(chain):
                assert outer.contains(inner) and outer != inner


def assert_tokens_ordered_disjoint_and_on_their_line(doc: Document) -> None:
    """(also used by the corpus suite)"""
    tokens = semantic_tokens(doc)
    prev = (-1, 0)
    for t in tokens:
        assert (t.line, t.start) >= prev
        assert 0 <= t.start < t.end <= len(doc.lines[t.line])
        prev = (t.line, t.end)
    assert len(encode(tokens, lambda n, c: c)) == 5 * len(tokens)
