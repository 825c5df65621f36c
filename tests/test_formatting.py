"""Formatting: canonical FlowZap style, minimal edits, never a change of meaning.

Unit tests and hypothesis properties on fz_lsp/formatting.py, and end-to-end tests
through the server applying the returned edits to the text.
"""

from __future__ import annotations

import asyncio
import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from lsprotocol import types

from fz_lsp import syntax
from fz_lsp.analysis.document import Document
from fz_lsp.analysis.edits import Region, TextEdit, apply_client_edits, apply_edits
from fz_lsp.base.source import split_lines
from fz_lsp.features import formatting
from support.edit_properties import assert_format_keeps_meaning_and_is_idempotent, meaning
from support.lsp import R
from support.paths import FIXTURES, fixture_files, read_exact

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.filterwarnings("ignore:The test <Function .* is marked with '@pytest.mark.asyncio'"),
]

ALL_FILES = fixture_files("*.fz") + fixture_files("truncated/*.partial")
CRLF_INDENTED = FIXTURES / "cake-order-crlf-indented.fz"  # CRLF, two-space indentation, blank lines between lanes

MESSY = (
    "  Lane{#  Display  X \n"
    ' n1 :rectangle  label : "a  b"   owner:"o"\n'
    '\tn1 . handle ( right )->Other . n2.handle(left)[ label = "x" ]\n'
    "   \t\n"
    "loop[ retry  twice ]n1   n2\n"
    "  //  a comment  \n"
    '   n3: rect label="bad op"  \n'
    '  n3.handle(left) -> n1.handle(rigth) [label:"colon"]\n'
    "  n4 -> n5\n"
    '\tbroken  "line\n'
    "  }  \n"
    "Other { #\n"
    "  # stray\n"
    "n2: diamond\n"
    "}"
)

MESSY_0 = (
    "Lane { # Display  X\n"
    'n1: rectangle label:"a  b" owner:"o"\n'
    'n1.handle(right) -> Other.n2.handle(left) [label="x"]\n'
    "\n"
    "loop [retry  twice] n1 n2\n"
    "//  a comment  \n"
    'n3: rect label="bad op"\n'
    'n3.handle(left) -> n1.handle(rigth) [label:"colon"]\n'
    "n4 -> n5\n"
    'broken  "line\n'
    "}\n"
    "Other { #\n"
    "# stray\n"
    "n2: diamond\n"
    "}"
)


def fmt(text: str, indent: int = 0) -> str:
    return formatting.format_text(text, indent)


def indented(text: str, lines: set[int], prefix: str) -> str:
    out = text.split("\n")
    for i in lines:
        out[i] = prefix + out[i]
    return "\n".join(out)


# ---------------------------------------------------------------------------
# unit: canonical style


def test_messy_document_to_canonical_style():
    assert fmt(MESSY) == MESSY_0


def test_indentation_setting():
    inside = {1, 2, 4, 5, 6, 7, 8, 9, 12, 13}
    assert fmt(MESSY, 2) == indented(MESSY_0, inside, "  ")
    assert fmt(MESSY, 4) == indented(MESSY_0, inside, "    ")
    assert fmt(fmt(MESSY, 4), 0) == MESSY_0


def test_statements_outside_lanes_stay_in_column_zero():
    text = '  n1: circle label:"x"\n  A { # A\n    n2: circle label:"y"\n  }\n  }\n   graph TD\n'
    assert fmt(text, 2) == 'n1: circle label:"x"\nA { # A\n  n2: circle label:"y"\n}\n}\ngraph TD\n'


def test_unclosed_lane_content_is_indented_to_the_next_lane():
    text = 'A { # A\nn1: circle label:"x"\n\nB { # B\nn2: circle label:"y"\n'
    assert fmt(text, 2) == 'A { # A\n  n1: circle label:"x"\n\nB { # B\n  n2: circle label:"y"\n'


def test_malformed_handles_and_foreign_arrows_are_only_reindented():
    text = (
        "A { # A\n"
        "   n1.handle(right -> n2.handle  (left)\n"
        " n1.handle(right)-->n2.handle(left)\n"
        " n1.handle( ) ->  n2.handle(left)\n"
        "}\n"
    )
    assert fmt(text) == (
        "A { # A\nn1.handle(right -> n2.handle  (left)\nn1.handle(right)-->n2.handle(left)\n"
        "n1.handle() -> n2.handle(left)\n}\n"
    )


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("final", [True, False])
def test_line_endings_and_final_newline_are_kept(eol, final):
    lines = MESSY.split("\n")
    text = eol.join(lines) + (eol if final else "")
    expected = eol.join(MESSY_0.split("\n")) + (eol if final else "")
    assert fmt(text) == expected


def test_crlf_file_keeps_crlf():
    text = read_exact(CRLF_INDENTED)
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    assert formatting.format_edits(Document(text).model, 2) == []  # already canonical with indent 2
    out = fmt(text, 0)
    assert out == "\r\n".join(line.removeprefix("  ") for line in text.split("\r\n"))
    assert out.count("\r\n") == text.count("\r\n") and "\n" not in out.replace("\r\n", "")


def test_canonical_files_need_no_edits():
    for name in (
        "library-hold.fz",
        "kettle-single-lane-loop.fz",
        "newsroom-taskboxes.fz",
        "bubble-tea-cjk-emoji.fz",
        "recycling-no-final-newline.fz",
        "greenhouse-cr.fz",
    ):
        assert formatting.format_edits(Document(read_exact(FIXTURES / name)).model, 0) == [], name


def test_tab_and_own_line_label_files_format_to_canonical_style():
    text = read_exact(FIXTURES / "ferry-tab-indented.fz")
    assert fmt(text, 0) == "\n".join(line.removeprefix("\t") for line in text.split("\n"))
    assert fmt(text, 2) == "\n".join("  " + line[1:] if line.startswith("\t") else line for line in text.split("\n"))
    # the old own-line display label is indented like a statement and otherwise kept
    # (moving it onto the `{` line is the quick fix's job, not the formatter's)
    hotel = read_exact(FIXTURES / "hotel-old-display-label.fz")
    assert formatting.format_edits(Document(hotel).model, 2) == []
    assert fmt(hotel, 0).split("\n")[:3] == ["frontdesk {", "# Front Desk", 'n1: circle label:"Guest arrives"']


def test_edits_are_minimal():
    text = 'A { # A\nn1:  circle label:"x"\nn2: circle label:"y"\n}\n'
    edits = formatting.format_edits(Document(text).model, 0)
    assert edits == [TextEdit(Region(1, 4, 1, 5), "")]
    edits = formatting.format_edits(Document(text).model, 2)
    assert edits == [TextEdit(Region(1, 0, 1, 4), "  n1:"), TextEdit(Region(2, 0, 2, 0), "  ")]


def test_range_formatting_touches_only_the_range():
    model = Document(MESSY).model
    edits = formatting.format_edits(model, 0, formatting.range_lines((1, 5), (2, 3)))
    assert {e.region.start_line for e in edits} == {1, 2}
    out = apply_edits(MESSY, edits)
    expected = MESSY.split("\n")
    expected[1:3] = MESSY_0.split("\n")[1:3]
    assert out == "\n".join(expected)


def test_range_lines():
    assert formatting.range_lines((2, 4), (5, 0)) == (2, 4)
    assert formatting.range_lines((2, 4), (5, 1)) == (2, 5)
    assert formatting.range_lines((3, 0), (3, 0)) == (3, 3)
    assert formatting.range_lines((5, 1), (2, 0)) == (2, 5)  # reversed range


def test_empty_and_blank_documents():
    assert fmt("") == ""
    assert fmt("   \n\t\n") == "\n\n"
    assert formatting.format_edits(Document("").model, 2, (0, 10)) == []


def test_rebuilt_line_must_parse_back_to_the_same_statement():
    # the signature distinguishes operators, prefixes, handles, labels and members
    s = formatting.signature
    p = syntax.parse_line
    assert s(p('n1: circle label:"x"')) != s(p('n1: circle label="x"'))
    assert s(p("a.handle(right) -> B.b.handle(left)")) != s(p("a.handle(right) -> b.handle(left)"))
    assert s(p("loop [x] n1 n2")) != s(p("loop [x] n2 n1"))
    assert s(p("A { #  Lbl ")) == s(p("A{# Lbl"))
    for line in MESSY.split("\n"):
        st_ = p(line)
        canon = formatting.canonical(st_)
        if canon is not None:
            assert s(p(canon)) == s(st_), line


# ---------------------------------------------------------------------------
# properties: meaning is kept, idempotent, whitespace noise is normalised away


def tokens(value) -> list[syntax.Tok]:
    """Every token inside a statement."""
    if isinstance(value, syntax.Tok):
        return [value]
    if isinstance(value, tuple):
        return [t for v in value for t in tokens(v)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [t for f in dataclasses.fields(value) for t in tokens(getattr(value, f.name))]
    return []


WS = st.text(alphabet=" \t", min_size=1, max_size=3)


@st.composite
def noisy(draw, text: str):
    """`text` with random indentation, random blanks between tokens of readable lines and
    a random line-ending style."""
    lines, ends = split_lines(text)
    eol = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    out = []
    for line in lines:
        s = syntax.parse_line(line)
        body = line.lstrip(" \t")
        shift = len(line) - len(body)
        if formatting.canonical(s) is not None and s is not None:
            cuts = sorted({t.start for t in tokens(s)} | {t.end for t in tokens(s)})
            pieces, prev = [], shift
            for c in cuts:
                if c <= shift:
                    continue
                pieces.append(line[prev:c])
                prev = c
                if draw(st.booleans()):
                    pieces.append(draw(WS))
            pieces.append(line[prev:])
            body = "".join(pieces)
        indent = draw(st.text(alphabet=" \t", max_size=4)) if line.strip() else ""
        out.append(indent + body)
    return "".join(line + (eol if e else "") for line, e in zip(out, ends))


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
@pytest.mark.parametrize("indent", [0, 2])
def test_fixture_format_keeps_meaning_and_is_idempotent(path, indent):
    assert_format_keeps_meaning_and_is_idempotent(read_exact(path), indent)


@pytest.mark.slow
@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(data=st.data(), indent=st.sampled_from([0, 1, 2, 4]))
def test_noisy_variants_format_to_the_same_meaning(path, data, indent):
    original = read_exact(path)
    text = data.draw(noisy(original))
    once = fmt(text, indent)
    assert meaning(once) == meaning(text)
    assert fmt(once, indent) == once
    # whitespace noise is normalised away: the variant formats like the original
    # (with the variant's line endings)
    _, ends = split_lines(text)
    want_lines, _ = split_lines(fmt(original, indent))
    assert split_lines(once) == (want_lines, ends)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=' \t\r\nabn12{}#:."=->[]()/_loophandlercircleLane', max_size=120))
def test_arbitrary_text_formats_safely(text):
    once = fmt(text, 2)
    assert meaning(once) == meaning(text)
    assert fmt(once, 2) == once


# ---------------------------------------------------------------------------
# end to end


def client_edits(edits) -> list[tuple]:
    return [
        (e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character, e.new_text)
        for e in edits
    ]


OPTIONS = types.FormattingOptions(tab_size=8, insert_spaces=False)


async def format_via(client, uri: str):
    return await client.text_document_formatting_async(
        types.DocumentFormattingParams(text_document=types.TextDocumentIdentifier(uri=uri), options=OPTIONS)
    )


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
async def test_e2e_document_formatting(client, session):
    uri = await session.open(MESSY, "fmt")
    edits = await format_via(client, uri)
    assert apply_client_edits(MESSY, client_edits(edits)) == MESSY_0
    lines = MESSY.split("\n")
    assert sorted({e.range.start.line for e in edits}) == [
        i for i, (a, b) in enumerate(zip(lines, MESSY_0.split("\n"))) if a != b
    ]
    first = edits[0]
    assert (first.range, first.new_text) == (R(0, 0, 0, 21), "Lane { # Display  X")


async def test_e2e_formatting_exact_edits_and_utf16(client, session):
    text = 'A { # 🎉 Fête  \n  n1:  circle label:"🎉"\n  n1.handle(right)  ->  n2.handle(left)  [label="é🎉"]  \n}\n'
    uri = await session.open(text, "fmt")
    edits = await format_via(client, uri)
    # one edit per changed line, trimmed to the part that differs; columns in UTF-16
    assert [(e.range, e.new_text) for e in edits] == [
        (R(0, 13, 0, 15), ""),
        (R(1, 0, 1, 6), "n1:"),
        (R(2, 0, 2, 56), 'n1.handle(right) -> n2.handle(left) [label="é🎉"]'),
    ]
    assert apply_client_edits(text, client_edits(edits)) == (
        'A { # 🎉 Fête\nn1: circle label:"🎉"\nn1.handle(right) -> n2.handle(left) [label="é🎉"]\n}\n'
    )


async def configure_indent(client, session, uri: str, indent: int) -> None:
    """Change flowzap.format.indent and wait until the server has taken it (it republishes
    the diagnostics of open documents once the new settings are in)."""
    before = len(session.published.get(uri, []))
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"flowzap": {"format": {"indent": indent}}})
    )
    for _ in range(3000):
        if len(session.published.get(uri, [])) > before:
            return
        await asyncio.sleep(0.005)
    raise AssertionError("the server did not republish after the configuration change")


async def test_e2e_crlf_file_and_indent_setting(client, session):
    text = read_exact(CRLF_INDENTED)
    uri = await session.open(text, "fmt")
    edits = await format_via(client, uri)
    out = apply_client_edits(text, client_edits(edits))
    assert out == "\r\n".join(line.removeprefix("  ") for line in text.split("\r\n"))
    assert all(e.range.start.line == e.range.end.line and e.new_text == "" for e in edits)
    try:
        await configure_indent(client, session, uri, 2)
        assert list(await format_via(client, uri)) == []
        uri2 = await session.open(out, "fmt")
        edits = await format_via(client, uri2)
        assert apply_client_edits(out, client_edits(edits)) == text
    finally:
        await configure_indent(client, session, uri, 0)


async def test_e2e_range_formatting(client, session):
    uri = await session.open(MESSY, "fmt")
    edits = await client.text_document_range_formatting_async(
        types.DocumentRangeFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=uri), range=R(4, 3, 6, 0), options=OPTIONS
        )
    )
    out = apply_client_edits(MESSY, client_edits(edits))
    expected = MESSY.split("\n")
    expected[4:6] = MESSY_0.split("\n")[4:6]
    assert out == "\n".join(expected)


async def test_e2e_truncated_file(client, session):
    text = read_exact(FIXTURES / "truncated" / "parcel-cut-mid-string.fz.partial")
    uri = await session.open(text, "fmt")
    edits = await format_via(client, uri)
    out = apply_client_edits(text, client_edits(edits))
    assert out == "\n".join(line.removeprefix("  ") for line in text.split("\n"))
    assert out.endswith('\nn9: diamond label:"Anyone at h')  # the broken last line is kept


def test_huge_indent_setting_is_capped():
    text = 'A { # A\nn1: circle label:"x"\n}\n'
    assert (
        fmt(text, 100_000) == fmt(text, formatting.MAX_INDENT) == "A { # A\n" + " " * 32 + 'n1: circle label:"x"\n}\n'
    )


async def test_e2e_messy_library_formats_back_to_the_fixture(client, session):
    text = read_exact(FIXTURES / "library-hold.fz")
    messy = []
    for i, line in enumerate(text.split("\n")):
        if " { # " in line:
            line = line.replace(" { # ", "{   #  ") + "  "
        elif line.startswith("n") and ": " in line and "->" not in line:
            line = ("\t" if i % 2 else "    ") + line.replace(": ", " :  ", 1).replace(' label:"', '\tlabel :"', 1)
        elif " -> " in line:
            line = "  " + line.replace(" -> ", "->").replace(".handle(", " . handle ( ").replace(
                " [label=", "[ label= "
            )
        elif line == "}":
            line = "  }\t"
        messy.append(line)
    messy_text = "\n".join(messy)
    assert messy_text != text and meaning(messy_text)["edges"] == meaning(text)["edges"]
    uri = await session.open(messy_text, "fmt")
    edits = await format_via(client, uri)
    assert apply_client_edits(messy_text, client_edits(edits)) == text
    assert len(edits) == sum(1 for a, b in zip(messy, text.split("\n")) if a != b)  # one edit per changed line
