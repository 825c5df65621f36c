"""The real-world corpus through every feature: whatever others wrote, fz-lsp never fails.

Part of the corpus suite (collected only when ../shared/corpus or $FZ_CORPUS_DIR is there,
see conftest.py). The behaviours themselves are pinned on the project's own fixtures in
each feature's test module; here every corpus file and every position goes through the
same functions and must give well-formed answers (the properties both check are in
tests/support: edit_properties, position_properties, incremental_analysis, ...).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from fz_lsp import syntax
from fz_lsp.analysis.document import Document
from fz_lsp.diagnostics import check as check_diagnostics
from fz_lsp.features import formatting
from fz_lsp.features.completion import complete
from fz_lsp.features.hover import hover
from fz_lsp.features.inlay_hints import label_hints
from fz_lsp.syntax import parse as syntax_parse
from support.document_disposal import assert_disposed_document_leaves_no_cycles
from support.edit_properties import (
    assert_every_fix_applies_cleanly,
    assert_format_keeps_meaning_and_is_idempotent,
    assert_renaming_keeps_the_graph,
)
from support.incremental_analysis import diagnostic_summary, edit_texts, model_summary
from support.paths import CORPUS_DIR, corpus_files, read_exact
from support.position_properties import assert_every_position_is_safe, assert_tokens_ordered_disjoint_and_on_their_line
from support.shape_cache_probe import assert_saved_templates_give_lark_s_statements
from support.statement_agreement import corpus_lines_agree

pytestmark = pytest.mark.slow  # the corpus sweep: deselected by -m "not slow"

ALL_FILES = corpus_files("*.fz") + corpus_files("truncated/*.partial")


def test_every_prefix_of_every_corpus_line_completes_without_error():
    for path in ALL_FILES:
        doc = Document(read_exact(path))
        for i, line in enumerate(doc.lines):
            for col in range(len(line) + 1):
                for item in complete(doc, i, col):
                    assert item.replace.line == i and item.replace.start <= col <= item.replace.end


def test_every_position_of_the_corpus_hovers_without_error():
    for path in ALL_FILES:
        doc = Document(read_exact(path))
        for i, line in enumerate(doc.lines):
            for col in range(len(line) + 2):
                found = hover(doc, i, col)
                if found is not None:
                    assert found.span.line == i and found.span.start <= col <= found.span.end


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_renaming_every_node_and_lane_of_a_corpus_file_keeps_the_graph(path):
    assert_renaming_keeps_the_graph(read_exact(path))


def test_every_inlay_hint_of_the_corpus_lies_inside_its_line():
    for path in ALL_FILES:
        doc = Document(read_exact(path))
        hints = label_hints(doc, (0, 0), (len(doc.lines), 0))
        for h in hints:
            assert 0 <= h.col <= len(doc.lines[h.line]) and h.label.strip()


def test_corpus_tokens_are_ordered_disjoint_and_on_their_line():
    for path in ALL_FILES:
        assert_tokens_ordered_disjoint_and_on_their_line(Document(read_exact(path)))


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_every_navigation_answer_on_a_corpus_file_stays_in_the_document(path):
    assert_every_position_is_safe(read_exact(path))


def test_every_fix_on_every_diagnostic_of_the_corpus_applies_cleanly():
    for path in ALL_FILES:
        assert_every_fix_applies_cleanly(read_exact(path))


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
@pytest.mark.parametrize("indent", [0, 2])
def test_corpus_format_keeps_meaning_and_is_idempotent(path, indent):
    assert_format_keeps_meaning_and_is_idempotent(read_exact(path), indent)


def test_canonical_corpus_files_need_no_edits():
    for name in ("gitops-deployment.fz", "guidelines-simple-loop.fz", "guidelines-taskbox-ops.fz"):
        assert formatting.format_edits(Document(read_exact(CORPUS_DIR / name)).model, 0) == [], name
    # the README's CRLF example is canonical with two-space indentation, and keeps CRLF at 0
    text = read_exact(CORPUS_DIR / "wedding-readme-indented.fz")
    assert formatting.format_edits(Document(text).model, 2) == []
    assert formatting.format_text(text, 0) == "\r\n".join(line.removeprefix("  ") for line in text.split("\r\n"))


def test_corpus_lines_parse_like_lark():
    for path in ALL_FILES:
        for line in read_exact(path).splitlines():
            assert syntax.parse_line(line) == syntax_parse.recovered_statement(line), line


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(ALL_FILES),
    st.lists(st.tuples(st.integers(0, 40), st.integers(0, 70), st.integers(0, 3), edit_texts), min_size=1, max_size=12),
)
def test_incremental_edits_of_corpus_files_equal_fresh_analysis(path, edits):
    doc = Document(read_exact(path))
    for line, col, length, new in edits:
        check_diagnostics(doc)  # analyse between edits, as the server does
        doc.replace((line, col), (line, col + length), new)
        fresh = Document(doc.text)
        assert model_summary(doc) == model_summary(fresh)
        assert diagnostic_summary(doc) == diagnostic_summary(fresh)


def test_saved_templates_give_lark_s_statements_on_every_corpus_file(tmp_path):
    assert_saved_templates_give_lark_s_statements(tmp_path, ALL_FILES)


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_a_disposed_corpus_document_leaves_no_cycles_and_stays_usable(path):
    assert_disposed_document_leaves_no_cycles(path)


def test_every_corpus_line_is_built_from_its_template_like_lark():
    corpus_lines_agree(ALL_FILES)
