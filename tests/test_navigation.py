"""Navigation: definition, references, highlights, symbols, folding, selection ranges.

Unit tests on the pure functions (fz_lsp/navigation.py) and end-to-end tests through a
real server process asserting exact protocol ranges.
"""

from __future__ import annotations

import pytest
from lsprotocol import types

from fz_lsp.analysis.document import Document
from fz_lsp.analysis.edits import Region
from fz_lsp.features import navigation
from fz_lsp.model import Span
from support.lsp import R
from support.paths import FIXTURES, fixture_files, read_exact
from support.position_properties import assert_every_position_is_safe

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.filterwarnings("ignore:The test <Function .* is marked with '@pytest.mark.asyncio'"),
]

# lanes Patron (lines 0-10), Catalog (11-19), Stacks (20-32), Desk (33-45), then an empty line 46;
# line 8: `n3.handle(bottom) -> Catalog.n6.handle(top) [label="Hold request"]`
LIBRARY = read_exact(FIXTURES / "library-hold.fz")
TRIAGE = read_exact(
    FIXTURES / "truncated" / "er-triage-cut-mid-handle.fz.partial"
)  # lane Doctor unclosed, cut `n14.ha`


def model(text: str):
    return Document(text).model


def doc_id(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


# ---------------------------------------------------------------------------
# unit: definition / references / highlights


def test_definition_of_prefixed_reference_is_the_declaration_in_the_other_lane():
    m = model(LIBRARY)
    assert navigation.definition(m, 8, 29) == [Span(12, 0, 2)]
    assert navigation.definition(m, 8, 31) == [Span(12, 0, 2)]  # right after the token


def test_definition_of_lane_prefix_is_the_lane_header():
    m = model(LIBRARY)
    assert navigation.definition(m, 8, 21) == [Span(11, 0, 7)]
    assert navigation.definition(m, 30, 20) == [Span(11, 0, 7)]  # the same lane, prefixed in another lane


def test_definition_on_declaration_is_itself_and_nothing_elsewhere():
    m = model(LIBRARY)
    assert navigation.definition(m, 12, 1) == [Span(12, 0, 2)]
    assert navigation.definition(m, 11, 2) == [Span(11, 0, 7)]
    assert navigation.definition(m, 8, 12) == []  # the handle direction `bottom`
    assert navigation.definition(m, 1, 10) == []  # the shape
    assert navigation.definition(m, 8, 500) == []  # past the end of the line
    assert navigation.definition(m, 999, 0) == []
    assert navigation.definition(model(""), 0, 0) == []


def test_definition_of_undefined_node_is_empty():
    m = model('A { # A\nn1: circle label:"x"\nn1.handle(right) -> n9.handle(left)\n}\n')
    assert navigation.definition(m, 2, 21) == []


def test_references_with_and_without_declaration():
    m = model(LIBRARY)
    assert navigation.references(m, 15, 0, include_declaration=True) == [
        Span(8, 29, 31),
        Span(12, 0, 2),
        Span(15, 0, 2),
    ]
    assert navigation.references(m, 15, 0, include_declaration=False) == [Span(8, 29, 31), Span(15, 0, 2)]


def test_lane_references_are_header_and_prefixes():
    m = model(LIBRARY)
    # lane Stacks: its header (line 20) and the `Stacks.` prefixes of lines 16 and 18
    assert navigation.references(m, 20, 0) == [Span(16, 20, 26), Span(18, 20, 26), Span(20, 0, 6)]
    assert navigation.references(m, 20, 0, include_declaration=False) == [Span(16, 20, 26), Span(18, 20, 26)]


def test_references_in_loops_and_other_lanes():
    text = read_exact(FIXTURES / "peer-review-loop-across-lanes.fz")
    m = model(text)
    lines = text.splitlines()
    spans = navigation.references(m, 3, 0)  # n3: declaration, edge source, loop member, `Author.n3`
    assert [(s.line, s.start, lines[s.line][s.start : s.end]) for s in spans] == [
        (3, 0, "n3"),
        (7, 0, "n3"),
        (8, 33, "n3"),
        (19, 26, "n3"),
    ]
    # n11: a loop member declared in another lane, after the loop
    assert [(s.line, s.start) for s in navigation.references(m, 15, 0)] == [
        (8, 42),
        (15, 0),
        (19, 0),
        (20, 0),
        (29, 26),
    ]


def test_highlights_declaration_text_references_read():
    m = model(LIBRARY)
    assert navigation.highlights(m, 8, 30) == [
        navigation.Highlight(Span(8, 29, 31), navigation.READ),
        navigation.Highlight(Span(12, 0, 2), navigation.TEXT),
        navigation.Highlight(Span(15, 0, 2), navigation.READ),
    ]
    assert navigation.highlights(m, 8, 12) == []


# ---------------------------------------------------------------------------
# unit: document symbols and folding


def test_document_symbols_lanes_hold_nodes():
    m = model(LIBRARY)
    syms = navigation.document_symbols(m)
    assert [(s.name, s.kind, s.detail, s.region, s.selection) for s in syms] == [
        ("Patron", "lane", "Library Patron", Region(0, 0, 10, 1), Span(0, 0, 6)),
        ("Catalog", "lane", "Catalog/ILS (Koha)", Region(11, 0, 19, 1), Span(11, 0, 7)),
        ("Stacks", "lane", "Stacks & Shelving", Region(20, 0, 32, 1), Span(20, 0, 6)),
        ("Desk", "lane", "Circulation Desk", Region(33, 0, 45, 1), Span(33, 0, 4)),
    ]
    assert [c.name for c in syms[1].children] == ["n6", "n7", "n8"]
    n6 = syms[1].children[0]
    assert (n6.kind, n6.detail, n6.region, n6.selection) == (
        "node",
        "Record the hold",
        Region(12, 0, 12, 37),
        Span(12, 0, 2),
    )
    for s in syms:
        assert s.region.contains(Region.of(s.selection))
        for c in s.children:
            assert s.region.contains(c.region) and c.region.contains(Region.of(c.selection))


def test_document_symbols_nodes_outside_lanes_and_taskbox_detail():
    text = 'n7: circle label:"Loose"\nops { # Ops\n  n1: taskbox owner:"Alice" description:"Deploy"\n}\nn8: rectangle\n'
    syms = navigation.document_symbols(model(text))
    assert [(s.name, s.kind, s.detail, s.region) for s in syms] == [
        ("n7", "node", "Loose", Region(0, 0, 0, 24)),
        ("ops", "lane", "Ops", Region(1, 0, 3, 1)),
        ("n8", "node", None, Region(4, 0, 4, 13)),
    ]
    assert [(c.name, c.detail, c.region) for c in syms[1].children] == [("n1", "Alice / Deploy", Region(2, 2, 2, 48))]


def test_document_symbols_of_unclosed_lane_end_at_its_last_content():
    syms = navigation.document_symbols(model(TRIAGE))
    assert syms[-1].name == "Doctor"
    assert syms[-1].region == Region(22, 0, 33, 6)  # to the end of the cut line `n14.ha`
    assert [c.name for c in syms[-1].children] == ["n10", "n11", "n12", "n13", "n14"]


def test_folding_ranges():
    assert navigation.folding_ranges(model(LIBRARY)) == [
        navigation.Fold(0, 9),
        navigation.Fold(11, 18),
        navigation.Fold(20, 31),
        navigation.Fold(33, 44),
    ]
    # blank lines between lanes and CRLF endings change nothing
    cake = read_exact(FIXTURES / "cake-order-crlf-indented.fz")
    assert navigation.folding_ranges(model(cake)) == [
        navigation.Fold(0, 7),
        navigation.Fold(10, 17),
        navigation.Fold(20, 24),
    ]
    # an unclosed lane folds to its last non-blank line; a one-line lane does not fold
    text = 'A { # A\n}\nB { # B\nn1: circle label:"x"\n\n\n'
    assert navigation.folding_ranges(model(text)) == [navigation.Fold(2, 3)]
    assert navigation.folding_ranges(model("")) == []


# ---------------------------------------------------------------------------
# unit: selection ranges


def test_selection_range_grows_from_token_to_document():
    m = model(LIBRARY)
    assert navigation.selection_range(m, 8, 30) == [
        Region(8, 29, 8, 31),  # n6
        Region(8, 21, 8, 31),  # Catalog.n6
        Region(8, 21, 8, 43),  # Catalog.n6.handle(top)
        Region(8, 0, 8, 66),  # the statement
        Region(0, 0, 10, 1),  # lane Patron
        Region(0, 0, 46, 0),  # document
    ]


def test_selection_range_in_attribute_and_on_blank_positions():
    m = model(LIBRARY)
    # inside the value of label:"Wants a book" on line 1
    assert navigation.selection_range(m, 1, 20) == [
        Region(1, 17, 1, 31),
        Region(1, 11, 1, 31),
        Region(1, 0, 1, 31),
        Region(0, 0, 10, 1),
        Region(0, 0, 46, 0),
    ]
    # past the end of a line: clamped to the line end
    assert navigation.selection_range(m, 10, 50)[0] == Region(10, 0, 10, 1)
    # the empty last line
    assert navigation.selection_range(m, 46, 0) == [Region(0, 0, 46, 0)]
    assert navigation.selection_range(model(""), 3, 3) == [Region(0, 0, 0, 0)]


# ---------------------------------------------------------------------------
# unit: robustness on every fixture file and every position


@pytest.mark.parametrize("path", fixture_files("*.fz") + fixture_files("truncated/*.partial"), ids=lambda p: p.name)
def test_every_position_is_safe(path):
    assert_every_position_is_safe(read_exact(path))


# ---------------------------------------------------------------------------
# end to end


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
async def test_e2e_definition(client, session):
    uri = await session.open(LIBRARY, "nav")
    result = await client.text_document_definition_async(
        types.DefinitionParams(text_document=doc_id(uri), position=types.Position(8, 30))
    )
    assert result == [types.Location(uri=uri, range=R(12, 0, 12, 2))]
    result = await client.text_document_definition_async(
        types.DefinitionParams(text_document=doc_id(uri), position=types.Position(8, 22))
    )
    assert result == [types.Location(uri=uri, range=R(11, 0, 11, 7))]
    result = await client.text_document_definition_async(
        types.DefinitionParams(text_document=doc_id(uri), position=types.Position(8, 900))
    )
    assert result is None


async def test_e2e_references(client, session):
    uri = await session.open(LIBRARY, "nav")
    with_decl = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=doc_id(uri),
            position=types.Position(15, 1),
            context=types.ReferenceContext(include_declaration=True),
        )
    )
    assert list(with_decl) == [
        types.Location(uri=uri, range=R(8, 29, 8, 31)),
        types.Location(uri=uri, range=R(12, 0, 12, 2)),
        types.Location(uri=uri, range=R(15, 0, 15, 2)),
    ]
    without = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=doc_id(uri),
            position=types.Position(15, 1),
            context=types.ReferenceContext(include_declaration=False),
        )
    )
    assert list(without) == [
        types.Location(uri=uri, range=R(8, 29, 8, 31)),
        types.Location(uri=uri, range=R(15, 0, 15, 2)),
    ]


async def test_e2e_highlight(client, session):
    uri = await session.open(LIBRARY, "nav")
    result = await client.text_document_document_highlight_async(
        types.DocumentHighlightParams(text_document=doc_id(uri), position=types.Position(11, 1))
    )
    assert list(result) == [
        types.DocumentHighlight(range=R(8, 21, 8, 28), kind=types.DocumentHighlightKind.Read),
        types.DocumentHighlight(range=R(11, 0, 11, 7), kind=types.DocumentHighlightKind.Text),
        types.DocumentHighlight(range=R(30, 19, 30, 26), kind=types.DocumentHighlightKind.Read),
    ]


async def test_e2e_document_symbols(client, session):
    uri = await session.open(LIBRARY, "nav")
    result = await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=doc_id(uri)))
    assert [(s.name, s.kind, s.detail, s.range, s.selection_range) for s in result] == [
        ("Patron", types.SymbolKind.Namespace, "Library Patron", R(0, 0, 10, 1), R(0, 0, 0, 6)),
        ("Catalog", types.SymbolKind.Namespace, "Catalog/ILS (Koha)", R(11, 0, 19, 1), R(11, 0, 11, 7)),
        ("Stacks", types.SymbolKind.Namespace, "Stacks & Shelving", R(20, 0, 32, 1), R(20, 0, 20, 6)),
        ("Desk", types.SymbolKind.Namespace, "Circulation Desk", R(33, 0, 45, 1), R(33, 0, 33, 4)),
    ]
    n1 = result[0].children[0]
    assert (n1.name, n1.kind, n1.detail, n1.range, n1.selection_range) == (
        "n1",
        types.SymbolKind.Object,
        "Wants a book",
        R(1, 0, 1, 31),
        R(1, 0, 1, 2),
    )
    assert [len(s.children) for s in result] == [5, 3, 5, 5]


async def test_e2e_symbols_use_utf16_columns(client, session):
    text = 'Party { # 🎉 Fête\nn1: circle label:"🎉🎉"\n}\n'
    uri = await session.open(text, "nav")
    result = await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=doc_id(uri)))
    assert (result[0].detail, result[0].selection_range) == ("🎉 Fête", R(0, 0, 0, 5))
    # `n1: circle label:"🎉🎉"` is 21 code points, 23 UTF-16 units
    assert result[0].children[0].range == R(1, 0, 1, 23)


async def test_e2e_folding(client, session):
    uri = await session.open(LIBRARY, "nav")
    result = await client.text_document_folding_range_async(types.FoldingRangeParams(text_document=doc_id(uri)))
    assert [(f.start_line, f.end_line) for f in result] == [(0, 9), (11, 18), (20, 31), (33, 44)]


async def test_e2e_selection_range(client, session):
    uri = await session.open(LIBRARY, "nav")
    result = await client.text_document_selection_range_async(
        types.SelectionRangeParams(text_document=doc_id(uri), positions=[types.Position(8, 30), types.Position(60, 0)])
    )
    chain = []
    node = result[0]
    while node is not None:
        chain.append(node.range)
        node = node.parent
    assert chain == [R(8, 29, 8, 31), R(8, 21, 8, 31), R(8, 21, 8, 43), R(8, 0, 8, 66), R(0, 0, 10, 1), R(0, 0, 46, 0)]
    assert result[1].range == R(0, 0, 46, 0) and result[1].parent is None


async def test_e2e_truncated_file(client, session):
    uri = await session.open(TRIAGE, "nav")
    # `n14.ha` (line 33, broken) is not a reference; n14 in `-> n14.handle(left)` (line 32) is
    result = await client.text_document_definition_async(
        types.DefinitionParams(text_document=doc_id(uri), position=types.Position(32, 23))
    )
    assert result == [types.Location(uri=uri, range=R(27, 0, 27, 3))]
    result = await client.text_document_definition_async(
        types.DefinitionParams(text_document=doc_id(uri), position=types.Position(33, 1))
    )
    assert result is None
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=doc_id(uri)))
    assert (symbols[-1].name, symbols[-1].range) == ("Doctor", R(22, 0, 33, 6))
    folds = await client.text_document_folding_range_async(types.FoldingRangeParams(text_document=doc_id(uri)))
    assert [(f.start_line, f.end_line) for f in folds] == [(0, 7), (9, 20), (22, 33)]
