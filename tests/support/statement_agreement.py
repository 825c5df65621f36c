"""Every way fz-lsp builds a line's statement agrees with lark's parse of the line: the
shape's template built from the lexer's tokens, the same template built straight from one
match of the shape's line pattern, compiled at once here rather than after
templates.COMPILE_AFTER_LINES lines of its key (`built_three_ways` says which ways there were;
`assert_lines_agree` counts them over whole texts; `corpus_lines_agree` is the corpus
suite's check). tests/test_line_templates.py checks them on generated documents, fixtures,
examples and any line hypothesis writes, tests/test_corpus_features.py on the corpus."""

from __future__ import annotations

from pathlib import Path

from fz_lsp import syntax
from fz_lsp.syntax import lexer, parse as syntax_parse, templates
from support.paths import read_exact


def built_three_ways(line: str) -> tuple[str, str]:
    """Check the line's statement from its template (tokens, and one match) against lark's;
    which ways there were: ("template" | "lark", "match" | "no match")."""
    lark = syntax_parse.recovered_statement(line)
    syntax_parse.forget_line(line)
    assert syntax.parse_line(line) == lark, line  # learns the shape's template
    scanned = lexer.scan(line)
    made = templates.template(scanned[0]) if scanned else None
    if not isinstance(made, templates.Template):
        # no template for the shape: none was ever learned, or it was dropped from its memo
        # while the compiled one lived on (two memos, two bounds): then that one builds it
        by_match = by_its_pattern(line)
        assert by_match is templates.UNSEEN or by_match == lark or not line.strip(), line
        return "lark", "no match"
    assert made.build(scanned[1]) == lark, line
    by_match = by_its_pattern(line)
    if by_match is templates.UNSEEN:
        return "template", "no match"
    assert by_match == lark, line
    return "template", "match"


def by_its_pattern(line: str) -> object:
    """templates.build_line(line), its shape's pattern compiled for this line if it was not yet."""
    waited = templates.COMPILE_AFTER_LINES
    templates.COMPILE_AFTER_LINES = 0
    try:
        return templates.build_line(line)
    finally:
        templates.COMPILE_AFTER_LINES = waited


def assert_lines_agree(texts: list[str]) -> dict[tuple[str, str], int]:
    ways: dict[tuple[str, str], int] = {}
    for text in texts:
        for line in text.splitlines():
            way = built_three_ways(line)
            ways[way] = ways.get(way, 0) + 1
    return ways


def corpus_lines_agree(files: list[Path]) -> None:
    """The corpus suite's check (tests/test_corpus_features.py): every line of `files` agrees,
    and some were built from a match."""
    ways = assert_lines_agree([read_exact(path) for path in files])
    assert ways[("template", "match")] > 0
