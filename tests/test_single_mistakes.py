"""One mistake, one diagnostic.

A valid document and single-mistake variants of it: each variant must get exactly one
error-or-warning (hints do not count), with the right code, on the right line and token,
the way good compilers recover. The slips are the ones people make (issue 12's list and
others): a missing colon, an unquoted label, an unterminated string, `handel`, a lane
header without `{`, Mermaid pasted in, ...
"""

from __future__ import annotations

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from fz_lsp.analysis.document import Document
from fz_lsp.diagnostics import ERROR, WARNING, check
from support.lsp import Session
from support.slips import SLIPS, VALID, Slip, variant


def problems(lines: list[str]) -> list:
    return [d for d in check(Document("\n".join(lines) + "\n")) if d.severity in (ERROR, WARNING)]


def test_the_valid_document_is_clean():
    assert check(Document("\n".join(VALID) + "\n")) == []


def test_at_least_ten_slips_and_each_is_different():
    assert len(SLIPS) >= 10
    assert len({s.name for s in SLIPS}) == len(SLIPS)


@pytest.mark.parametrize("slip", SLIPS, ids=lambda s: s.name)
def test_one_mistake_gives_one_diagnostic(slip: Slip):
    found = problems(variant(slip))
    described = [(d.code, d.span.line, d.span.start, d.span.end, d.message) for d in found]
    assert len(found) == 1, described
    (d,) = found
    assert (d.code, d.severity, d.span.line, d.span.start, d.span.end) == (
        slip.code,
        slip.severity,
        slip.line if slip.at is None else slip.at,
        slip.start,
        slip.end,
    ), described
    assert slip.message in d.message


def test_a_broken_line_still_declares_its_id_and_touches_its_ends():
    doc = Document("\n".join(variant(SLIPS[0])) + "\n")  # `n2 rectangle …`
    model = doc.model
    assert model.node_by_id["n2"].label == "Enter address"
    assert [e.target.node.id for e in model.node_by_id["n1"].outgoing] == ["n2"]
    unreadable = list(VALID)
    unreadable[5] = "n1.handle(right) -> n2.handle(left) ->"  # unfinished: no repair reads it
    touched = [r for r in Document("\n".join(unreadable) + "\n").model.refs if r.role == "touch"]
    assert [(r.name, r.node.id) for r in touched] == [("n1", "n1"), ("n2", "n2")]


def test_the_lines_under_a_header_without_brace_stay_in_their_lane():
    model = Document("\n".join(variant(SLIPS[7])) + "\n").model
    bank = model.lane_by_id["Bank"]
    assert (bank.label, bank.close_line, [n.id for n in bank.nodes]) == ("Card Issuer", 16, ["n5", "n6"])


def test_a_line_too_long_to_be_a_slip_gets_no_repair_but_still_declares_its_node():
    from fz_lsp import syntax
    from fz_lsp.syntax.recovery import MAX_REPAIR_CHARS

    long_value = "x" * (MAX_REPAIR_CHARS + 10)
    st = syntax.parse_line(f'n2: rectangle label:"{long_value}')  # unterminated: no closing quote
    assert (st.code, st.fixes, st.recovered.node.text) == ("syntax-error", (), "n2")
    short = syntax.parse_line('n2: rectangle label:"x')
    assert short.fixes  # the same slip on a short line is repaired


def test_two_slips_on_one_line_are_not_half_repaired():
    """A repair is offered only when the repaired line has no error of its own: otherwise the
    quick fix would reveal the second mistake it hid (`handel` and `rigth` together)."""
    from fz_lsp import syntax

    st = syntax.parse_line("n1.handel(rigth) -> n2.handle(left)")
    assert (st.code, st.fixes, st.recovered) == ("syntax-error", (), None)
    assert [ep.node.text for ep in st.touches] == ["n1", "n2"]  # still touches both ends
    unfinished = syntax.parse_line("n1.handle(right) -> n2.hand(")
    assert (unfinished.fixes, [ep.node.text for ep in unfinished.touches]) == ((), ["n1", "n2"])
    misspelt_shape = syntax.parse_line('n2 rect label:"x"')  # no colon and no known shape
    assert (misspelt_shape.fixes, misspelt_shape.recovered.node.text) == ((), "n2")  # still declares n2


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
async def test_every_slip_gives_one_diagnostic_through_the_server(client: LanguageClient):
    """The same, as an editor sees it: each variant opened in one real server process."""
    session = Session(client)
    severities = {ERROR: types.DiagnosticSeverity.Error, WARNING: types.DiagnosticSeverity.Warning}
    for slip in SLIPS:
        uri = await session.open("\n".join(variant(slip)) + "\n", slip.name.replace(" ", "-"))
        shown = [
            d for d in await session.wait_for(uri, 1) if d.severity in severities.values()
        ]  # (ASCII text: UTF-16 columns are code points)
        line = slip.line if slip.at is None else slip.at
        assert [(d.code, d.severity, d.range) for d in shown] == [
            (
                slip.code,
                severities[slip.severity],
                types.Range(types.Position(line, slip.start), types.Position(line, slip.end)),
            )
        ], slip.name
        client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )


# An id with a character an id may not have: one diagnostic on the id, and the line keeps its
# meaning (the lines under a lane header still belong to that lane, a node still counts).
BAD_IDS = [
    # (lane header, expected id, start, end, a part of the message)
    ("Café {", "Café", 0, 4, "Keep the name as the display label: `Cafe { # Café`"),
    ("销售 {", "销售", 0, 2, "Keep the name as the display label: `Lane { # 销售`"),
    ("  Café { # Café au lait", "Café", 2, 6, "`Café` cannot be a lane id"),
    ("2ops { # Ops", "2ops", 0, 4, "does not start with a digit"),
    ("my-lane {", "my-lane", 0, 7, "`my_lane { # my-lane`"),
    ("Cafe\u0301 {", "Cafe\u0301", 0, 5, "`Cafe { # Cafe\u0301`"),  # é as e + a combining accent
]


@pytest.mark.parametrize(("header", "lane_id", "start", "end", "message"), BAD_IDS, ids=[b[1] for b in BAD_IDS])
def test_a_lane_id_that_is_not_an_identifier_is_one_diagnostic_keeping_its_lines(header, lane_id, start, end, message):
    body = '  n1: circle label:"Start"\n  n2: rectangle label:"Go"\n  n1.handle(right) -> n2.handle(left)\n'
    text = f"{header}\n{body}}}\n"
    doc = Document(text)
    found = [(d.code, d.span.line, d.span.start, d.span.end) for d in check(doc)]  # hints included
    assert found == [("syntax-error", 0, start, end)]
    (d,) = check(doc)
    assert message in d.message and "an id has only ASCII letters, digits and `_`" in d.message
    lane = doc.model.lane_by_id[lane_id]
    assert (lane.header_line, lane.close_line, [n.id for n in lane.nodes]) == (0, 4, ["n1", "n2"])


def test_a_node_id_that_is_not_an_identifier_is_one_diagnostic_on_each_line_that_writes_it():
    text = (
        "Sales { # Sales\n"
        '  n1: circle label:"Start"\n'
        '  né: rectangle label:"Go"\n'
        "  n1.handle(right) -> né.handle(left)\n"
        "  né.handle(bottom) -> Ops.n2.handle(top)\n"
        "}\n"
        "Ops { # Ops\n"
        '  n2: circle label:"End"\n'
        "}\n"
    )
    doc = Document(text)
    found = [(d.code, d.span.line, d.span.start, d.span.end) for d in check(doc)]  # hints included
    assert found == [("syntax-error", 2, 2, 4), ("syntax-error", 3, 22, 24), ("syntax-error", 4, 2, 4)]
    assert "`né` cannot be a node id: an id has only ASCII letters, digits and `_`" in check(doc)[0].message
    node = doc.model.node_by_id["né"]
    assert (node.lane.id, node.label) == ("Sales", "Go")
    assert [e.target.node.id for e in doc.model.node_by_id["n1"].outgoing] == ["né"]
    assert [e.target.node.id for e in node.outgoing] == ["n2"]


def test_a_cross_lane_prefix_that_is_not_an_identifier_names_a_lane():
    from fz_lsp import syntax

    st = syntax.parse_line("Café.n2.handle(bottom) -> n3.handle(top)")
    assert (st.code, st.start, st.end, st.recovered.endpoints[0].lane.text) == ("syntax-error", 0, 4, "Café")
    assert "`Café` cannot be a lane id" in str(st.message)
    loop = syntax.parse_line("loop [retry 3 times] n1 nœud")  # the condition is free text
    assert (loop.start, loop.end, [m.node.text for m in loop.recovered.members]) == (24, 28, ["n1", "nœud"])


def test_an_attribute_key_that_is_not_an_identifier_is_not_called_an_id():
    from fz_lsp import syntax

    st = syntax.parse_line('n1: circle label:"x" größe:"y"')
    assert "cannot be a node id" not in str(st.message)
