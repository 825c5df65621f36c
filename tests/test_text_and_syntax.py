"""Pure layers: line splitting and edits, position encodings, the line grammar, the model."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from fz_lsp import syntax
from fz_lsp.analysis.document import Document
from fz_lsp.base import positions
from fz_lsp.base.source import SourceText, split_lines
from fz_lsp.diagnostics import check as check_diagnostics
from fz_lsp.model import Span
from fz_lsp.syntax import grammar as syntax_grammar, parse as syntax_parse
from support.incremental_analysis import diagnostic_summary, edit_texts, model_summary
from support.paths import FIXTURES, fixture_files, read_exact

# -- lines and edits ---------------------------------------------------------------


def test_split_lines_follows_lsp():
    assert split_lines("a\r\nb\rc\nd") == (["a", "b", "c", "d"], ["\r\n", "\r", "\n", ""])
    assert split_lines("a\n") == (["a", ""], ["\n", ""])
    assert split_lines("") == ([""], [""])
    # U+2028, form feed and NEL are not line breaks in LSP
    assert split_lines("a\u2028b\x0cc\x85d") == (["a\u2028b\x0cc\x85d"], [""])


texts = st.text(alphabet=st.sampled_from("ab \r\n\u00e9\U0001f680"), max_size=30)


@settings(max_examples=300, deadline=None)
@given(
    texts,
    st.lists(st.tuples(st.integers(0, 8), st.integers(0, 8), st.integers(0, 8), st.integers(0, 8), texts), max_size=6),
)
@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_replace_equals_string_splice(text, edits):
    src = SourceText(text)
    for l1, c1, l2, c2, new in edits:

        def offset(line, col):
            line, col = src.clamp(line, col)
            return sum(len(x) + len(e) for x, e in zip(src.lines[:line], src.ends[:line])) + col

        before = src.text
        a, b = sorted((offset(l1, c1), offset(l2, c2)))
        src.replace((l1, c1), (l2, c2), new)
        expected = before[:a] + new + before[b:]
        assert src.text == expected
        assert len(src) == len(expected)
        assert (src.lines, src.ends) == split_lines(expected)


# -- position encodings --------------------------------------------------------------


def test_to_client_units():
    line = 'n1: circle label:"开始 🎉" x'
    col = line.index("x")
    assert positions.to_client(line, col, "utf-32") == col
    assert positions.to_client(line, col, "utf-16") == col + 1  # 🎉 is a surrogate pair
    assert positions.to_client(line, col, "utf-8") == col + 2 * 2 + 3  # 开始: 3 bytes each, 🎉: 4


@given(
    st.text(alphabet=st.sampled_from("a\u00e9\u4e2d\U0001f680"), max_size=20),
    st.sampled_from(["utf-8", "utf-16", "utf-32"]),
)
def test_round_trip(line, encoding):
    for col in range(len(line) + 1):
        assert positions.from_client(line, positions.to_client(line, col, encoding), encoding) == col


def test_from_client_clamps_and_snaps():
    assert positions.from_client("ab", 99, "utf-16") == 2
    assert positions.from_client("🎉b", 1, "utf-16") == 0  # inside the surrogate pair
    assert positions.from_client("🎉b", -3, "utf-16") == 0


# -- the line grammar ------------------------------------------------------------------


def test_edge_tokens_have_exact_columns():
    st_ = syntax.parse_line('  n4.handle(bottom) -> CICD.n5.handle(top) [label="Trigger"]')
    assert isinstance(st_, syntax.EdgeStmt)
    src, tgt = st_.endpoints
    assert (src.node.text, src.node.start, src.node.end) == ("n4", 2, 4)
    assert (src.handle.direction.text, src.handle.direction.start) == ("bottom", 12)
    assert (tgt.lane.text, tgt.lane.start, tgt.lane.end) == ("CICD", 23, 27)
    assert (tgt.node.start, tgt.handle.direction.text) == (28, "top")
    (label,) = st_.attributes
    assert (label.key.text, label.op.text, label.text, label.value.start) == ("label", "=", "Trigger", 50)


def test_lane_header_label_keeps_braces_as_text():
    st_ = syntax.parse_line("Ops { # Deploy {prod}")
    assert isinstance(st_, syntax.LaneOpen)
    assert st_.label.text == "# Deploy {prod}"


def test_loop_tokens():
    st_ = syntax.parse_line("loop [retry until valid] n1 n2 n7")
    assert isinstance(st_, syntax.LoopStmt)
    assert st_.condition.text == "[retry until valid]"
    assert [m.node.text for m in st_.members] == ["n1", "n2", "n7"]


def test_loop_members_may_carry_their_lane_prefix():
    # FlowZap's own templates write `loop [..] planner.n1 executor.n2` (spec, top of the page)
    st_ = syntax.parse_line("loop [Rejection] planner.n1 n2 critic_agent.n3")
    assert isinstance(st_, syntax.LoopStmt)
    assert [(m.lane.text if m.lane else None, m.node.text) for m in st_.members] == [
        ("planner", "n1"),
        (None, "n2"),
        ("critic_agent", "n3"),
    ]
    assert (st_.members[0].lane.start, st_.members[0].node.start, st_.members[0].node.end) == (17, 25, 27)


@pytest.mark.parametrize(
    "line, kind",
    [
        ("", type(None)),
        ("   \t", type(None)),
        ("}", syntax.LaneClose),
        ("  # Sales Team", syntax.DisplayLabel),
        ("// note", syntax.Comment),
        ("graph TD", syntax.Foreign),
        ("participant Alice", syntax.Foreign),
        ('n1: taskbox owner:"A" description:"B" system:"C"', syntax.NodeDecl),
        ("n1 -> n2", syntax.EdgeStmt),
        ("n1.handle(right) -> n2.handle(left) -> n3.handle(left)", syntax.EdgeStmt),
        ('n1: circle label:"unterminated', syntax.Broken),
        ("n18.h", syntax.Broken),
        ("n1 n2 n3", syntax.Broken),
    ],
)
def test_line_kinds(line, kind):
    assert type(syntax.parse_line(line)) is kind


def test_broken_line_points_at_the_offending_token():
    st_ = syntax.parse_line("n1.handle(right) -> ->")
    assert isinstance(st_, syntax.Broken)
    assert (st_.start, st_.end) == (20, 22)


def test_grammar_ships_with_the_package():
    from pathlib import Path

    import fz_lsp

    text = syntax_grammar.grammar_text()
    assert text == (Path(fz_lsp.__file__).parents[1] / "grammar" / "flowzap.lark").read_text(encoding="utf-8")


# -- model ------------------------------------------------------------------------------


LIBRARY = FIXTURES / "library-hold.fz"
HOLD_LINE = 'n3.handle(bottom) -> Catalog.n6.handle(top) [label="Hold request"]'  # line 8 of the library


def test_library_model():
    m = Document(read_exact(LIBRARY)).model
    assert [(lane.id, lane.label, len(lane.nodes)) for lane in m.lanes] == [
        ("Patron", "Library Patron", 5),
        ("Catalog", "Catalog/ILS (Koha)", 3),
        ("Stacks", "Stacks & Shelving", 5),
        ("Desk", "Circulation Desk", 5),
    ]
    assert len(m.edges) == 20
    hold = m.edges[2]
    assert (hold.source.name, hold.target.prefix, hold.target.name, hold.label) == (
        "n3",
        "Catalog",
        "n6",
        "Hold request",
    )
    assert hold.target.node is m.node_by_id["n6"]
    assert hold.target.prefix_lane is m.lane_by_id["Catalog"]
    assert hold.target.prefix_span == Span(8, 21, 28)
    assert m.node_by_id["n6"].incoming == [hold]


def test_loop_members_resolve_across_lanes():
    m = Document(read_exact(FIXTURES / "peer-review-loop-across-lanes.fz")).model
    (loop,) = m.loops
    assert loop.condition == "until the reviewers agree"
    assert loop.lane.id == "Author"
    assert [(r.name, r.node.lane.id) for r in loop.members] == [
        ("n3", "Author"),
        ("n5", "Editor"),
        ("n8", "Reviewers"),
        ("n11", "Editor"),
    ]


def test_forward_references_resolve():
    """Edges naming nodes declared later, in the same lane and in later lanes, and an edge
    written before its own source's declaration (tests/fixtures/baggage-forward-references.fz)."""
    doc = Document(read_exact(FIXTURES / "baggage-forward-references.fz"))
    m = doc.model
    assert [(e.line, e.source.node.id, e.target.node.id, e.target.node.lane.id) for e in m.edges] == [
        (2, "n1", "n2", "CheckIn"),
        (4, "n2", "n3", "CheckIn"),
        (6, "n3", "n4", "CheckIn"),
        (7, "n3", "n5", "Sorting"),
        (9, "n4", "n5", "Sorting"),
        (12, "n5", "n6", "Apron"),
        (18, "n6", "n7", "Apron"),
    ]
    assert check_diagnostics(doc) == []


@pytest.mark.parametrize(
    "name, ends",
    [
        ("library-hold.fz", ["\n"]),
        ("cake-order-crlf-indented.fz", ["\r\n"]),
        ("greenhouse-cr.fz", ["\r"]),
        ("recycling-no-final-newline.fz", ["\n"]),
        ("porch-light-old-label-no-final-newline.fz", ["\n"]),
        ("truncated/bakery-crlf-cut-between-lines.fz.partial", ["\r\n"]),
    ],
)
def test_fixture_line_endings_survive_the_checkout(name, ends):
    """The fixtures' bytes are what the tests rely on (tests/fixtures/.gitattributes: -text):
    each file has only the line ending it is about, and the lines are the same whatever
    the ending."""
    text = read_exact(FIXTURES / name)
    lines, terminators = split_lines(text)
    assert {t for t in terminators if t} == set(ends)
    assert text.endswith(("\n", "\r")) == ("no-final-newline" not in name)
    assert lines == text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


# -- incremental re-parsing ---------------------------------------------------------------


def summary(doc: Document):
    return (
        doc.statements,
        [(lane.id, lane.label, lane.close_line) for lane in doc.model.lanes],
        [(e.source.name, e.target.name, e.label) for e in doc.model.edges],
    )


def test_one_line_edit_reparses_one_line():
    doc = Document(read_exact(LIBRARY))
    before = syntax_parse.parse_count
    doc.replace((12, 20), (12, 20), "X")
    assert doc.lines_parsed_last_edit == 1
    assert syntax_parse.parse_count - before <= 1
    assert summary(doc) == summary(Document(doc.text))


fixture_texts = [read_exact(p) for p in fixture_files("*.fz") + fixture_files("truncated/*.partial")]


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(fixture_texts),
    st.lists(
        st.tuples(
            st.integers(0, 60),
            st.integers(0, 80),
            st.integers(0, 60),
            st.integers(0, 80),
            st.sampled_from(["", "x", "\n", "}\n", "n1.handle(", '"', "->", "\r\n", "Lane { # L\n", "🎉"]),
        ),
        max_size=8,
    ),
)
def test_incremental_model_equals_fresh_parse(text, edits):
    doc = Document(text)
    for l1, c1, l2, c2, new in edits:
        doc.replace((l1, c1), (l2, c2), new)
        assert doc.lines_parsed_last_edit <= new.count("\n") + new.count("\r") + 2
    assert summary(doc) == summary(Document(doc.text))


def test_typing_in_a_label_keeps_the_model():
    doc = Document(read_exact(LIBRARY))
    model = doc.model
    check_diagnostics(doc)
    doc.replace((12, 36), (12, 36), " now")  # n6: rectangle label:"Record the hold now"
    assert doc.model is model and doc.in_place_edits == 1
    assert doc.model.node_by_id["n6"].label == "Record the hold now"
    assert model_summary(doc) == model_summary(Document(doc.text))
    doc.replace((12, 4), (12, 13), "rect")  # an unknown shape: still in place, new local diagnostic
    assert doc.model is model
    assert [d.code for d in check_diagnostics(doc)] == ["unknown-shape"]
    doc.replace((12, 0), (12, 2), "n60")  # a new id changes links: the model is rebuilt
    assert doc.model is not model


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(fixture_texts),
    st.lists(st.tuples(st.integers(0, 40), st.integers(0, 70), st.integers(0, 3), edit_texts), min_size=1, max_size=12),
)
def test_incremental_diagnostics_equal_fresh_analysis(text, edits):
    """Whatever path an edit takes (in place or relinked), the model and the diagnostics
    equal those of the same text analysed from scratch."""
    doc = Document(text)
    for line, col, length, new in edits:
        check_diagnostics(doc)  # analyse between edits, as the server does
        doc.replace((line, col), (line, col + length), new)
        fresh = Document(doc.text)
        assert model_summary(doc) == model_summary(fresh)
        assert diagnostic_summary(doc) == diagnostic_summary(fresh)


def links_summary(doc: Document):
    """Every reference's resolution and every node's edge lists, by identity-free values."""
    m = doc.model
    return (
        [
            (
                r.span.line,
                r.span.start,
                r.name,
                r.role,
                r.node.span.line if r.node else None,
                r.prefix_lane.header_line if r.prefix_lane else None,
                r.context_lane.header_line if r.context_lane else None,
            )
            for r in m.refs
        ],
        [([e.index for e in n.incoming], [e.index for e in n.outgoing], [lp.line for lp in n.loops]) for n in m.nodes],
    )


def test_typing_in_an_edge_target_relinks_only_that_edge():
    doc = Document(read_exact(LIBRARY))
    model = doc.model
    check_diagnostics(doc)
    line = doc.lines.index(HOLD_LINE)
    n6, n7 = model.node_by_id["n6"], model.node_by_id["n7"]
    edge = model.edges[2]
    doc.replace((line, 30), (line, 31), "7")  # Catalog.n6 -> Catalog.n7
    assert doc.model is model and doc.retargeted_edits == 1
    assert edge.target.node is n7 and edge not in n6.incoming and n7.incoming[0] is edge
    assert [e.index for e in n7.incoming] == sorted(e.index for e in n7.incoming)
    assert model_summary(doc) == model_summary(Document(doc.text))
    assert links_summary(doc) == links_summary(Document(doc.text))
    doc.replace((line, 30), (line, 31), "99")  # Catalog.n99: undefined
    assert edge.target.node is None and [d.code for d in check_diagnostics(doc) if d.severity == 1] == [
        "undefined-node"
    ]
    assert diagnostic_summary(doc) == diagnostic_summary(Document(doc.text))


target_edits = st.sampled_from(
    [
        "",
        "n1",
        "n2",
        "n5",
        "n12",
        "n99",
        "1",
        "x",
        "Catalog.",
        "Patron.",
        "Stacks.",
        "Author.",
        "Nope.",
        ".",
        "right",
        "left",
        "top",
        "bottom",
        "rigth",
        "(",
        ")",
        "->",
        "[",
        "]",
        "handel",
        "Handle",
        "\u2192",
        ";",
    ]
)


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(fixture_texts),
    st.lists(
        st.tuples(st.integers(0, 10**6), st.integers(-25, 25), st.integers(0, 4), target_edits), min_size=1, max_size=12
    ),
)
def test_edits_in_edge_lines_equal_fresh_analysis(text, edits):
    """Edits aimed at edge lines around the arrow (ids, prefixes, handles): whether the edge
    is retargeted in place or the document relinked, the links, the model and the
    diagnostics equal those of the same text analysed from scratch."""
    doc = Document(text)
    for pick, offset, length, new in edits:
        edge_lines = [f.anchor.line for f in doc.facts if f.edge is not None]
        if not edge_lines:
            break
        line = edge_lines[pick % len(edge_lines)]
        arrow = doc.lines[line].find("->")
        col = min(max(0, arrow + offset), len(doc.lines[line]))
        check_diagnostics(doc)
        doc.replace((line, col), (line, min(col + length, len(doc.lines[line]))), new)
        fresh = Document(doc.text)
        assert links_summary(doc) == links_summary(fresh)
        assert model_summary(doc) == model_summary(fresh)
        assert diagnostic_summary(doc) == diagnostic_summary(fresh)


# -- shape templates agree with lark -------------------------------------------------------

line_alphabet = st.sampled_from(
    [
        "n1",
        "n22",
        "Lane",
        "CICD",
        ".",
        "handle",
        "(",
        ")",
        "right",
        "rigth",
        " ",
        "  ",
        "\t",
        "->",
        "-->",
        ":",
        "=",
        '"a b"',
        '"x\\"y"',
        "[",
        "]",
        "label",
        "{",
        "}",
        "# Label {",
        "loop",
        "[retry]",
        "//c",
        "rectangle",
        "graph TD",
        "participant",
        "é",
        "🎉",
        '"',
        "\\",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(line_alphabet, min_size=1, max_size=14).map("".join))
@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_template_parse_equals_lark_parse(line):
    """A line parsed through a shape template gives exactly lark's statement."""
    assert syntax.parse_line(line) == syntax_parse.recovered_statement(line)
    # a second line of the same shape (names and strings changed) goes through the template
    other = line.replace("n1", "n7").replace("CICD", "Ops").replace('"a b"', '"cd e f"')
    syntax_parse.forget_line(other)
    assert syntax.parse_line(other) == syntax_parse.recovered_statement(other)


def test_fixture_lines_parse_like_lark():
    for text in fixture_texts:
        for line in text.splitlines():
            assert syntax.parse_line(line) == syntax_parse.recovered_statement(line), line
