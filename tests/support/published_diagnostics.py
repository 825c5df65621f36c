"""What a server published, seen as the diagnostics tests compare it: `triples` (line,
start, end of each diagnostic, of one code or all), `errors` (the error-severity ones), and
`assert_only_errors_of_the_cut`, the rule for a file cut off part-way (only the errors the
cut causes). tests/test_server_diagnostics.py checks them on the project's fixtures,
tests/test_corpus_verdicts.py on the real-world corpus."""

from __future__ import annotations

import re

from lsprotocol import types

from support.lsp import Session


def triples(diags, code=None):
    return [
        (d.range.start.line, d.range.start.character, d.range.end.character)
        for d in diags
        if code is None or d.code == code
    ]


def errors(diags):
    return [d for d in diags if d.severity == types.DiagnosticSeverity.Error]


async def assert_only_errors_of_the_cut(session: Session, text: str) -> None:
    """A file cut off part-way has only the errors the cut causes (also used by the corpus
    suite): a syntax error on the cut line, the last lane left open, and references to
    nodes or lanes whose declarations were cut away."""
    uri = await session.open(text, "partial")
    lines = text.split("\n")
    last_line = len(lines) - 1
    diags = errors(session.diagnostics(uri))
    # the cut line: a syntax error on the last line (or, if the cut fell between
    # statements, nothing there), and the lane left open
    assert {d.code for d in diags} <= {"syntax-error", "unclosed-lane", "undefined-node", "undefined-lane"}
    for d in diags:
        if d.code == "syntax-error":
            assert d.range.start.line == last_line
        if d.code == "unclosed-lane":
            header = lines[d.range.start.line]
            assert (
                header.rstrip().endswith(header.split("{")[0].strip() + " { # " + header.split("# ", 1)[1].strip())
                or "{" in header
            )
            # it is the last lane of the file
            assert all("{" not in line for line in lines[d.range.start.line + 1 :])
    assert [d.code for d in diags].count("unclosed-lane") == 1
    declared = {int(m) for m in re.findall(r"^\s*n(\d+):", text, re.M)}
    lanes = set(re.findall(r"^\s*(\w+) \{", text, re.M))
    for d in diags:
        if d.code == "undefined-node":
            # only nodes whose declarations were cut away: numbered after every declared one
            name = lines[d.range.start.line][d.range.start.character : d.range.end.character]
            assert int(name[1:]) > max(declared), name
        if d.code == "undefined-lane":
            name = lines[d.range.start.line][d.range.start.character : d.range.end.character]
            assert name not in lanes
