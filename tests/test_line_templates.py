"""The ways a line becomes a statement agree with lark: a shape's template built from the
lexer's tokens, and the same template built straight from one match of the shape's line
pattern (fz_lsp/syntax/templates.py, fz_lsp/syntax/lexer.py)."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given, settings, strategies as st

from fz_lsp import syntax
from fz_lsp.syntax import lexer, parse as syntax_parse, templates
from support.paths import ROOT, fixture_files, read_exact
from support.statement_agreement import assert_lines_agree, built_three_ways

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate


def test_generated_documents_are_built_from_matches_like_lark():
    ways = assert_lines_agree([generate(600, seed) for seed in (1, 2, 3)])
    # every node, edge, lane close and most lane headers and loops: a label or condition
    # holding punctuation (emoji, CJK) has another key and is scanned
    assert ways[("template", "match")] > 0.9 * sum(ways.values())


def test_fixture_and_example_lines_are_built_like_lark():
    files = fixture_files("*.fz") + fixture_files("truncated/*.partial") + sorted((ROOT / "examples").glob("*.fz"))
    ways = assert_lines_agree([read_exact(path) for path in files])
    assert ways[("template", "match")] > ways.get(("template", "no match"), 0)


line_alphabet = st.sampled_from(
    [
        "n1",
        "n22",
        "Lane",
        "handles",
        ".",
        "handle",
        "(",
        ")",
        "right",
        " ",
        "\t",
        "->",
        "-->",
        "->>",
        "==>",
        "-.->",
        "--",
        "-",
        "=",
        ":",
        '"a b"',
        '"x\\"y"',
        '"',
        "[",
        "]",
        "[retry]",
        "{",
        "}",
        "# Label",
        "#",
        "//c",
        "/",
        "loop",
        "graph",
        "rectangle",
        "é",
        "\\",
    ]
)
lines = st.lists(line_alphabet, min_size=1, max_size=12).map("".join)


@settings(max_examples=400, deadline=None)
@given(lines)
@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_any_line_is_built_like_lark(line):
    built_three_ways(line)


@settings(max_examples=400, deadline=None)
@given(lines, lines)
@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_a_shape_s_line_pattern_takes_exactly_the_lines_of_that_shape(line, other):
    """`line_pattern(shape)` matches a line iff the lexer reads it as that shape, and then
    each group is that token."""
    scanned = lexer.scan(line)
    if scanned is None:
        return
    shape = scanned[0]
    pattern = lexer.line_pattern(shape)
    for candidate in (line, other, other.replace("n22", "x y"), line.replace(" ", "")):
        match = pattern.fullmatch(candidate)
        mine = lexer.scan(candidate)
        if match is None:
            assert mine is None or mine[0] != shape, candidate
        else:
            assert mine is not None and mine[0] == shape, candidate
            assert [match.span(k + 1) for k in range(len(shape))] == [(t.start, t.end) for t in mine[1]]
            # a key tells the lines of a shape but where a label, comment or condition holds
            # punctuation, a string an escaped quote, or a loop member blanks around its dot
            assert (
                lexer.shape_key(candidate) == lexer.key_of_shape(shape)
                or any(c in candidate for c in '#/[\\"')
                or shape[:1] == ("loop",)
            ), candidate


def test_a_damaged_template_falls_back_to_lark(monkeypatch):
    monkeypatch.setattr(templates, "COMPILE_AFTER_LINES", 0)  # the compiled template fails at once
    line = "n1.handle(right) -> n2.handle(left)"
    syntax.parse_line(line)
    shape = lexer.scan(line)[0]
    made = templates.template(shape)
    assert isinstance(made, templates.Template)
    templates._keep(shape, templates.Template(shape, "lambda t: LaneOpen(t[0])"))  # wrong arity
    other = "n3.handle(right) -> n4.handle(left)"
    syntax_parse.forget_line(other)
    assert templates.build_line(other) is templates.UNSEEN
    assert templates.template(shape) is None  # forgotten: lark parses that shape now
    assert syntax.parse_line(other) == syntax_parse.recovered_statement(other)
    templates._keep(shape, made)


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_compiled_templates_stay_within_their_budget(monkeypatch):
    """Lines of many shapes (node declarations of 1 to 80 attributes, loops of 1 to 80
    members): the compiled templates keep within COMPILED_BUDGET, none for a shape of more
    than COMPILED_MAX_TOKENS tokens, and every line still parses like lark."""
    monkeypatch.setattr(templates, "COMPILE_AFTER_LINES", 0)  # each shape compiled by its first line
    for k in range(1, 81):
        attributes = " ".join(f'a{j}:"v"' for j in range(k))
        members = " ".join(f"n{j}" for j in range(k))
        for line in (f"n1: rectangle {attributes}", f"n2: circle {attributes}", f"loop [c] {members}"):
            syntax_parse.forget_line(line)
            assert syntax.parse_line(line) == syntax_parse.recovered_statement(line)
            built = templates.build_line(line.replace("n1", "n9"))
            assert built is templates.UNSEEN or built == syntax_parse.recovered_statement(line.replace("n1", "n9"))
    memo = templates._compiled
    assert memo.weight <= memo.max_weight and len(memo) <= memo.max_weight // templates.COMPILED_ENTRY_WEIGHT
    assert memo.evictions > 0  # the bound was reached and kept
    compiled = [c for group in memo._entries.values() for c in group]
    assert all(len(c.template.shape) <= templates.COMPILED_MAX_TOKENS for c in compiled)
    assert all(len(group) <= templates.COMPILED_PER_KEY for group in memo._entries.values())


def test_a_shape_s_pattern_is_compiled_after_its_first_lines_and_every_line_agrees():
    """The first COMPILE_AFTER_LINES lines of a key are left to their tokens (no pattern
    compiled: a small document's first diagnostics never wait for one), the next one and
    every later one are built from a match of the compiled pattern; all as lark reads them."""
    lines = [f'n{k}.handle(right) -> Lane{k}.n{k + 1}.handle(left) [label:"x{k}"]' for k in range(60)]
    shape = lexer.scan(lines[0])[0]
    syntax_parse.forget_line(lines[0])
    syntax.parse_line(lines[0])  # learns the shape's template
    templates._keep(shape, templates.template(shape))  # compiled afresh: no line of its key met yet
    built = [templates.build_line(line) for line in lines[1:]]
    waited = templates.COMPILE_AFTER_LINES
    assert waited > 0
    assert built[:waited] == [templates.UNSEEN] * waited
    for line, statement in zip(lines[1 + waited :], built[waited:]):
        assert statement == syntax_parse.recovered_statement(line), line
    for line in lines[1 : 1 + waited]:  # built from their tokens by the template
        scanned = lexer.scan(line)
        assert templates.template(scanned[0]).build(scanned[1]) == syntax_parse.recovered_statement(line), line
