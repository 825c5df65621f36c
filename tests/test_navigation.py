"""Navigation: definition, references, highlights, symbols, folding, selection ranges.

Unit tests on the pure functions (fz_lsp/navigation.py) and end-to-end tests through a
real server process asserting exact protocol ranges.
"""

from __future__ import annotations

import pytest
from conftest import CORPUS, R, corpus_files, read_exact
from lsprotocol import types

from fz_lsp import navigation
from fz_lsp.document import Document
from fz_lsp.edits import Region
from fz_lsp.model import Span

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.filterwarnings("ignore:The test <Function .* is marked with '@pytest.mark.asyncio'"),
]

GITOPS = read_exact(CORPUS / "gitops-deployment.fz")
TRUNCATED = sorted((CORPUS / "truncated").glob("*.partial"))


def model(text: str):
    return Document(text).model


def doc_id(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


# ---------------------------------------------------------------------------
# unit: definition / references / highlights


def test_definition_of_prefixed_reference_is_the_declaration_in_the_other_lane():
    m = model(GITOPS)
    # line 8: `n4.handle(bottom) -> CICD.n5.handle(top) [label="Trigger"]`
    assert navigation.definition(m, 8, 26) == [Span(11, 0, 2)]
    assert navigation.definition(m, 8, 28) == [Span(11, 0, 2)]  # right after the token


def test_definition_of_lane_prefix_is_the_lane_header():
    m = model(GITOPS)
    assert navigation.definition(m, 8, 21) == [Span(10, 0, 4)]


def test_definition_on_declaration_is_itself_and_nothing_elsewhere():
    m = model(GITOPS)
    assert navigation.definition(m, 11, 1) == [Span(11, 0, 2)]
    assert navigation.definition(m, 10, 2) == [Span(10, 0, 4)]
    assert navigation.definition(m, 8, 12) == []  # the handle direction `bottom`
    assert navigation.definition(m, 1, 10) == []  # the shape
    assert navigation.definition(m, 8, 500) == []  # past the end of the line
    assert navigation.definition(m, 999, 0) == []
    assert navigation.definition(model(""), 0, 0) == []


def test_definition_of_undefined_node_is_empty():
    m = model("A { # A\nn1: circle label:\"x\"\nn1.handle(right) -> n9.handle(left)\n}\n")
    assert navigation.definition(m, 2, 21) == []


def test_references_with_and_without_declaration():
    m = model(GITOPS)
    assert navigation.references(m, 15, 0, include_declaration=True) == [
        Span(8, 26, 28),
        Span(11, 0, 2),
        Span(15, 0, 2),
    ]
    assert navigation.references(m, 15, 0, include_declaration=False) == [Span(8, 26, 28), Span(15, 0, 2)]


def test_lane_references_are_header_and_prefixes():
    m = model(GITOPS)
    assert navigation.references(m, 20, 0) == [Span(18, 21, 27), Span(20, 0, 6)]
    assert navigation.references(m, 20, 0, include_declaration=False) == [Span(18, 21, 27)]


def test_references_in_loops_and_other_lanes():
    text = read_exact(CORPUS / "skill-ref-auth-three-lane-loop-spaced.fz")
    m = model(text)
    lines = text.splitlines()
    spans = navigation.references(m, 2, 0)  # n2
    assert [(s.line, lines[s.line][s.start : s.end]) for s in spans] == [
        (2, "n2"),
        (6, "n2"),
        (7, "n2"),
        (10, "n2"),
        (23, "n2"),
    ]


def test_highlights_declaration_text_references_read():
    m = model(GITOPS)
    assert navigation.highlights(m, 8, 27) == [
        navigation.Highlight(Span(8, 26, 28), navigation.READ),
        navigation.Highlight(Span(11, 0, 2), navigation.TEXT),
        navigation.Highlight(Span(15, 0, 2), navigation.READ),
    ]
    assert navigation.highlights(m, 8, 12) == []


# ---------------------------------------------------------------------------
# unit: document symbols and folding


def test_document_symbols_lanes_hold_nodes():
    m = model(GITOPS)
    syms = navigation.document_symbols(m)
    assert [(s.name, s.kind, s.detail, s.region, s.selection) for s in syms] == [
        ("Developer", "lane", "Developer", Region(0, 0, 9, 1), Span(0, 0, 9)),
        ("CICD", "lane", "CI/CD Pipeline", Region(10, 0, 19, 1), Span(10, 0, 4)),
        ("GitOps", "lane", "GitOps Controller (ArgoCD/Flux)", Region(20, 0, 33, 1), Span(20, 0, 6)),
        ("Cluster", "lane", "Kubernetes Cluster", Region(34, 0, 44, 1), Span(34, 0, 7)),
    ]
    assert [c.name for c in syms[1].children] == ["n5", "n6", "n7", "n8"]
    n5 = syms[1].children[0]
    assert (n5.kind, n5.detail, n5.region, n5.selection) == ("node", "Run Tests and Lint", Region(11, 0, 11, 40), Span(11, 0, 2))
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
    text = read_exact(TRUNCATED[0])  # api-gateway: lane Backend unclosed, last line `n18.h`
    syms = navigation.document_symbols(model(text))
    assert syms[-1].name == "Backend"
    assert syms[-1].region == Region(31, 0, 42, 5)
    assert [c.name for c in syms[-1].children] == ["n14", "n15", "n16", "n17", "n18"]


def test_folding_ranges():
    assert navigation.folding_ranges(model(GITOPS)) == [
        navigation.Fold(0, 8),
        navigation.Fold(10, 18),
        navigation.Fold(20, 32),
        navigation.Fold(34, 43),
    ]
    # an unclosed lane folds to its last non-blank line; a one-line lane does not fold
    text = "A { # A\n}\nB { # B\nn1: circle label:\"x\"\n\n\n"
    assert navigation.folding_ranges(model(text)) == [navigation.Fold(2, 3)]
    assert navigation.folding_ranges(model("")) == []


# ---------------------------------------------------------------------------
# unit: selection ranges


def test_selection_range_grows_from_token_to_document():
    m = model(GITOPS)
    assert navigation.selection_range(m, 8, 27) == [
        Region(8, 26, 8, 28),  # n5
        Region(8, 21, 8, 28),  # CICD.n5
        Region(8, 21, 8, 40),  # CICD.n5.handle(top)
        Region(8, 0, 8, 58),  # the statement
        Region(0, 0, 9, 1),  # lane Developer
        Region(0, 0, 45, 0),  # document
    ]


def test_selection_range_in_attribute_and_on_blank_positions():
    m = model(GITOPS)
    # inside the value of label:"Code Change" on line 1
    assert navigation.selection_range(m, 1, 20) == [
        Region(1, 17, 1, 30),
        Region(1, 11, 1, 30),
        Region(1, 0, 1, 30),
        Region(0, 0, 9, 1),
        Region(0, 0, 45, 0),
    ]
    # past the end of a line: clamped to the line end
    assert navigation.selection_range(m, 9, 50)[0] == Region(9, 0, 9, 1)
    # the empty last line
    assert navigation.selection_range(m, 45, 0) == [Region(0, 0, 45, 0)]
    assert navigation.selection_range(model(""), 3, 3) == [Region(0, 0, 0, 0)]


# ---------------------------------------------------------------------------
# unit: robustness on every corpus file and every position


@pytest.mark.parametrize("path", corpus_files() + TRUNCATED, ids=lambda p: p.name)
def test_every_position_is_safe(path):
    text = read_exact(path)
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
            for inner, outer in zip(chain, chain[1:]):
                assert outer.contains(inner) and outer != inner


# ---------------------------------------------------------------------------
# end to end


async def test_e2e_definition(client, session):
    uri = await session.open(GITOPS, "nav")
    result = await client.text_document_definition_async(
        types.DefinitionParams(text_document=doc_id(uri), position=types.Position(8, 27))
    )
    assert result == [types.Location(uri=uri, range=R(11, 0, 11, 2))]
    result = await client.text_document_definition_async(
        types.DefinitionParams(text_document=doc_id(uri), position=types.Position(8, 22))
    )
    assert result == [types.Location(uri=uri, range=R(10, 0, 10, 4))]
    result = await client.text_document_definition_async(
        types.DefinitionParams(text_document=doc_id(uri), position=types.Position(8, 900))
    )
    assert result is None


async def test_e2e_references(client, session):
    uri = await session.open(GITOPS, "nav")
    with_decl = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=doc_id(uri),
            position=types.Position(15, 1),
            context=types.ReferenceContext(include_declaration=True),
        )
    )
    assert list(with_decl) == [
        types.Location(uri=uri, range=R(8, 26, 8, 28)),
        types.Location(uri=uri, range=R(11, 0, 11, 2)),
        types.Location(uri=uri, range=R(15, 0, 15, 2)),
    ]
    without = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=doc_id(uri),
            position=types.Position(15, 1),
            context=types.ReferenceContext(include_declaration=False),
        )
    )
    assert list(without) == [types.Location(uri=uri, range=R(8, 26, 8, 28)), types.Location(uri=uri, range=R(15, 0, 15, 2))]


async def test_e2e_highlight(client, session):
    uri = await session.open(GITOPS, "nav")
    result = await client.text_document_document_highlight_async(
        types.DocumentHighlightParams(text_document=doc_id(uri), position=types.Position(10, 1))
    )
    assert list(result) == [
        types.DocumentHighlight(range=R(8, 21, 8, 25), kind=types.DocumentHighlightKind.Read),
        types.DocumentHighlight(range=R(10, 0, 10, 4), kind=types.DocumentHighlightKind.Text),
    ]


async def test_e2e_document_symbols(client, session):
    uri = await session.open(GITOPS, "nav")
    result = await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=doc_id(uri)))
    assert [(s.name, s.kind, s.detail, s.range, s.selection_range) for s in result] == [
        ("Developer", types.SymbolKind.Namespace, "Developer", R(0, 0, 9, 1), R(0, 0, 0, 9)),
        ("CICD", types.SymbolKind.Namespace, "CI/CD Pipeline", R(10, 0, 19, 1), R(10, 0, 10, 4)),
        ("GitOps", types.SymbolKind.Namespace, "GitOps Controller (ArgoCD/Flux)", R(20, 0, 33, 1), R(20, 0, 20, 6)),
        ("Cluster", types.SymbolKind.Namespace, "Kubernetes Cluster", R(34, 0, 44, 1), R(34, 0, 34, 7)),
    ]
    n1 = result[0].children[0]
    assert (n1.name, n1.kind, n1.detail, n1.range, n1.selection_range) == (
        "n1",
        types.SymbolKind.Object,
        "Code Change",
        R(1, 0, 1, 30),
        R(1, 0, 1, 2),
    )
    assert [len(s.children) for s in result] == [4, 4, 6, 5]


async def test_e2e_symbols_use_utf16_columns(client, session):
    text = 'Party { # 🎉 Fête\nn1: circle label:"🎉🎉"\n}\n'
    uri = await session.open(text, "nav")
    result = await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=doc_id(uri)))
    assert (result[0].detail, result[0].selection_range) == ("🎉 Fête", R(0, 0, 0, 5))
    # `n1: circle label:"🎉🎉"` is 21 code points, 23 UTF-16 units
    assert result[0].children[0].range == R(1, 0, 1, 23)


async def test_e2e_folding(client, session):
    uri = await session.open(GITOPS, "nav")
    result = await client.text_document_folding_range_async(types.FoldingRangeParams(text_document=doc_id(uri)))
    assert [(f.start_line, f.end_line) for f in result] == [(0, 8), (10, 18), (20, 32), (34, 43)]


async def test_e2e_selection_range(client, session):
    uri = await session.open(GITOPS, "nav")
    result = await client.text_document_selection_range_async(
        types.SelectionRangeParams(text_document=doc_id(uri), positions=[types.Position(8, 27), types.Position(60, 0)])
    )
    chain = []
    node = result[0]
    while node is not None:
        chain.append(node.range)
        node = node.parent
    assert chain == [R(8, 26, 8, 28), R(8, 21, 8, 28), R(8, 21, 8, 40), R(8, 0, 8, 58), R(0, 0, 9, 1), R(0, 0, 45, 0)]
    assert result[1].range == R(0, 0, 45, 0) and result[1].parent is None


async def test_e2e_truncated_file(client, session):
    path = CORPUS / "truncated" / "fr-authentication-flow-workflow.fz.partial"
    text = read_exact(path)
    uri = await session.open(text, "nav")
    # `n17.ha` (line 42, broken) is not a reference; n17 in `-> n17.handle(left)` (line 41) is
    result = await client.text_document_definition_async(
        types.DefinitionParams(text_document=doc_id(uri), position=types.Position(41, 23))
    )
    assert result == [types.Location(uri=uri, range=R(38, 0, 38, 3))]
    result = await client.text_document_definition_async(
        types.DefinitionParams(text_document=doc_id(uri), position=types.Position(42, 1))
    )
    assert result is None
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=doc_id(uri)))
    assert (symbols[-1].name, symbols[-1].range) == ("MFA", R(36, 0, 42, 6))
    folds = await client.text_document_folding_range_async(types.FoldingRangeParams(text_document=doc_id(uri)))
    assert [(f.start_line, f.end_line) for f in folds] == [(0, 11), (13, 34), (36, 42)]
