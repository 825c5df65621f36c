"""One mistake, one diagnostic.

A valid document and single-mistake variants of it: each variant must get exactly one
error-or-warning (hints do not count), with the right code, on the right line and token,
the way good compilers recover. The slips are the ones people make (issue 12's list and
others): a missing colon, an unquoted label, an unterminated string, `handel`, a lane
header without `{`, Mermaid pasted in, ...
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from conftest import Session
from fz_lsp.analysis.document import Document
from fz_lsp.diagnostics import ERROR, WARNING, check

VALID = [
    "Shop { # Web Shop",  # 0
    'n1: circle label:"Cart ready"',  # 1
    'n2: rectangle label:"Enter address"',  # 2
    'n3: diamond label:"Card accepted?"',  # 3
    'n4: rectangle label:"Show receipt"',  # 4
    "n1.handle(right) -> n2.handle(left)",  # 5
    "n2.handle(right) -> n3.handle(left)",  # 6
    'n3.handle(right) -> n4.handle(left) [label="Yes"]',  # 7
    'n3.handle(bottom) -> Bank.n5.handle(top) [label="Check"]',  # 8
    "}",  # 9
    "Bank { # Card Issuer",  # 10
    'n5: rectangle label:"Authorise the payment"',  # 11
    'n6: circle label:"Declined"',  # 12
    'n5.handle(right) -> n6.handle(left) [label="No funds"]',  # 13
    'n5.handle(top) -> Shop.n4.handle(bottom) [label="Approved"]',  # 14
    "loop [retry] n5 n6",  # 15
    "}",  # 16
]


@dataclass(frozen=True)
class Slip:
    name: str
    line: int  # the line replaced (or, with insert=True, the line inserted before)
    text: str
    code: str
    start: int  # the expected range (on `line`)
    end: int
    severity: int = ERROR
    insert: bool = False
    message: str = ""  # a part of the message that names the slip
    at: int | None = None  # the line of the expected range, when not `line`


SLIPS = [
    Slip(
        "missing colon after the id",
        2,
        'n2 rectangle label:"Enter address"',
        "syntax-error",
        0,
        2,
        message="Missing `:` after `n2`",
    ),
    Slip("unquoted label", 2, "n2: rectangle label:Enter", "syntax-error", 20, 25, message='`label:"Enter"`'),
    Slip(
        "unquoted label of two words",
        2,
        "n2: rectangle label:Enter address",
        "syntax-error",
        20,
        33,
        message="Quote the label",
    ),
    Slip(
        "unterminated string",
        2,
        'n2: rectangle label:"Enter address',
        "syntax-error",
        20,
        34,
        message="Unterminated string",
    ),
    Slip("handel", 5, "n1.handel(right) -> n2.handle(left)", "syntax-error", 3, 9, message="did you mean `handle`"),
    Slip("hanlde", 6, "n2.hanlde(right) -> n3.handle(left)", "syntax-error", 3, 9, message="did you mean `handle`"),
    Slip(
        "Handle",
        7,
        'n3.handle(right) -> n4.Handle(left) [label="Yes"]',
        "syntax-error",
        23,
        29,
        message="did you mean `handle`",
    ),
    Slip("lane header without {", 10, "Bank # Card Issuer", "syntax-error", 0, 4, message="needs `{`"),
    Slip("display label without #", 10, "Bank { Card Issuer", "syntax-error", 7, 18, message="starts with `#`"),
    Slip("Mermaid labelled link", 7, "n3 -->|Yes| n4", "not-flowzap", 3, 11, message="Mermaid labelled link"),
    Slip("Mermaid sequence arrow", 5, "n1 ->> n2: go", "not-flowzap", 3, 6, message="Mermaid sequence arrow"),
    Slip("Mermaid node", 4, "n4[Show receipt]", "not-flowzap", 0, 16, message="Mermaid node"),
    Slip("Mermaid end", 16, "end", "not-flowzap", 0, 3, insert=True, message="closes a Mermaid block"),
    Slip("Mermaid header", 0, "graph TD", "not-flowzap", 0, 8, insert=True),
    Slip(
        "curly quotes",
        2,
        "n2: rectangle label:\u201cEnter address\u201d",
        "syntax-error",
        20,
        35,
        message="straight double quotes",
    ),
    Slip("single quotes", 2, "n2: rectangle label:'Enter address'", "syntax-error", 20, 35, message="double quotes"),
    Slip("unicode arrow", 6, "n2.handle(right) \u2192 n3.handle(left)", "syntax-error", 17, 18, message="`->`"),
    Slip("semicolon", 1, 'n1: circle label:"Cart ready";', "syntax-error", 29, 30, message="`;`"),
    Slip(
        "edge label without brackets",
        7,
        'n3.handle(right) -> n4.handle(left) label="Yes"',
        "syntax-error",
        36,
        47,
        message="brackets",
    ),
    Slip(
        "edge label without ]",
        7,
        'n3.handle(right) -> n4.handle(left) [label="Yes"',
        "syntax-error",
        36,
        37,
        message="`]`",
    ),
    Slip("unclosed handle", 5, "n1.handle(right) -> n2.handle(left", "bad-handle", 22, 34, message="not closed"),
    Slip("direction typo", 5, "n1.handle(rigth) -> n2.handle(left)", "bad-handle", 10, 15, message="`right`"),
    Slip("missing handle", 5, "n1.handle(right) -> n2", "missing-handle", 20, 22),
    Slip("shape typo", 2, 'n2: rect label:"Enter address"', "unknown-shape", 4, 8, message="`rectangle`"),
    Slip(
        "attribute typo",
        2,
        'n2: rectangle lable:"Enter address"',
        "unknown-attribute",
        14,
        19,
        WARNING,
        message="`label`",
    ),
    Slip("label= on a node", 1, 'n1: circle label="Cart ready"', "label-operator", 16, 17, WARNING),
    Slip(
        "label: on an edge", 7, 'n3.handle(right) -> n4.handle(left) [label:"Yes"]', "label-operator", 42, 43, WARNING
    ),
    Slip(
        "missing lane prefix", 8, 'n3.handle(bottom) -> n5.handle(top) [label="Check"]', "missing-lane-prefix", 21, 23
    ),
    Slip("wrong lane prefix", 14, 'n5.handle(top) -> Bank.n4.handle(bottom) [label="Approved"]', "wrong-lane", 18, 22),
    Slip(
        "unknown lane prefix",
        14,
        'n5.handle(top) -> Shopp.n4.handle(bottom) [label="Approved"]',
        "undefined-lane",
        18,
        23,
    ),
    Slip("undefined target", 13, 'n5.handle(right) -> n7.handle(left) [label="No funds"]', "undefined-node", 20, 22),
    Slip("chained edge", 5, "n1.handle(right) -> n2.handle(left) -> n3.handle(left)", "chained-edge", 36, 54),
    Slip("a second }", 10, "}", "unmatched-brace", 0, 1, insert=True),
    Slip("a missing }", 9, "", "unclosed-lane", 0, 4, at=0),
    Slip("loop of one node", 15, "loop [retry] n5", "loop-too-short", 13, 15, WARNING),
    Slip(
        "edge in the wrong lane",
        16,
        "n1.handle(bottom) -> Bank.n6.handle(top)",
        "edge-outside-source-lane",
        0,
        2,
        WARNING,
        insert=True,
    ),
    Slip("node outside every lane", 17, 'n7: circle label:"Lost"', "outside-lane", 0, 23, insert=True),
]


def variant(slip: Slip) -> list[str]:
    lines = list(VALID)
    if slip.insert:
        lines.insert(slip.line, slip.text)
    else:
        lines[slip.line] = slip.text
    return lines


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
