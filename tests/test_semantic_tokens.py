"""Semantic tokens: unit tests of fz_lsp/semantic_tokens.py and end-to-end tests through a
real server (legend, relative encoding, UTF-16 lengths)."""

from __future__ import annotations

import pytest
import pytest_lsp
from hypothesis import given, settings, strategies as st
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from fz_lsp.analysis.document import Document
from fz_lsp.base import positions
from fz_lsp.features.semantic_tokens import TOKEN_MODIFIERS, TOKEN_TYPES, SemanticToken, encode, semantic_tokens
from support.commands import SERVER_COMMAND, SERVER_ENV
from support.lsp import Session, initialize_params
from support.paths import FIXTURES, fixture_files, read_exact
from support.position_properties import assert_tokens_ordered_disjoint_and_on_their_line

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.filterwarnings("ignore:The test <Function .* is marked with '@pytest.mark.asyncio'"),
]

# line 8: `n3.handle(bottom) -> Catalog.n6.handle(top) [label="Hold request"]`
LIBRARY = read_exact(FIXTURES / "library-hold.fz")


def words(doc: Document, line: int) -> list[tuple[str, str, tuple[str, ...]]]:
    text = doc.lines[line]
    return [(text[t.start : t.end], t.type, t.modifiers) for t in semantic_tokens(doc, line, line)]


# ---------------------------------------------------------------------------
# unit


def test_legend():
    assert TOKEN_TYPES == (
        "namespace",
        "variable",
        "type",
        "property",
        "string",
        "enumMember",
        "operator",
        "keyword",
        "comment",
    )
    assert TOKEN_MODIFIERS == ("declaration", "documentation")


def test_library_lines():
    doc = Document(LIBRARY)
    assert words(doc, 11) == [
        ("Catalog", "namespace", ("declaration",)),
        ("# Catalog/ILS (Koha)", "string", ("documentation",)),
    ]
    assert words(doc, 12) == [
        ("n6", "variable", ("declaration",)),
        ("rectangle", "type", ()),
        ("label", "property", ()),
        ('"Record the hold"', "string", ()),
    ]
    assert words(doc, 8) == [
        ("n3", "variable", ()),
        ("handle", "keyword", ()),
        ("bottom", "enumMember", ()),
        ("->", "operator", ()),
        ("Catalog", "namespace", ()),
        ("n6", "variable", ()),
        ("handle", "keyword", ()),
        ("top", "enumMember", ()),
        ("label", "property", ()),
        ('"Hold request"', "string", ()),
    ]
    assert semantic_tokens(doc, 10, 10) == []  # `}`
    assert semantic_tokens(doc, 8, 8)[4] == SemanticToken(8, 21, 28, "namespace")


def test_taskbox_styles_and_cjk_lines():
    doc = Document(read_exact(FIXTURES / "newsroom-taskboxes.fz"))
    assert [w[:2] for w in words(doc, 1)] == [
        ("n1", "variable"),
        ("taskbox", "type"),
        ("owner", "property"),
        ('"Priya"', "string"),
        ("description", "property"),
        ('"Draft the article"', "string"),
        ("system", "property"),
        ('"CMS"', "string"),
    ]
    assert [w[:2] for w in words(doc, 3)] == [
        ("n3", "variable"),
        ("taskbox", "type"),
        ("label", "property"),
        ('"Publish|Sam|WordPress"', "string"),
    ]
    tea = Document(read_exact(FIXTURES / "bubble-tea-cjk-emoji.fz"))
    assert words(tea, 0) == [("Customer", "namespace", ("declaration",)), ("# 顾客 🧋", "string", ("documentation",))]
    assert words(tea, 5)[-1] == ('"下单 📝"', "string", ())


def test_loops_comments_display_labels_and_foreign_lines():
    doc = Document(read_exact(FIXTURES / "kettle-single-lane-loop.fz"))
    assert words(doc, 6) == [
        ("loop", "keyword", ()),
        ("[until it boils]", "string", ()),
        ("n1", "variable", ()),
        ("n2", "variable", ()),
    ]
    old = Document(read_exact(FIXTURES / "hotel-old-display-label.fz"))
    assert words(old, 0) == [("frontdesk", "namespace", ("declaration",))]
    assert words(old, 1) == [("# Front Desk", "string", ("documentation",))]
    doc = Document("A {\n  // note\ngraph TD\nn1.handle(rigth) -> n2.handle(left)\n}")
    assert words(doc, 1) == [("// note", "comment", ())]
    assert words(doc, 2) == []
    # an unknown direction stays unhighlighted
    assert [w for w, _, _ in words(doc, 3)] == ["n1", "handle", "->", "n2", "handle", "left"]


def test_broken_lines_use_the_fallback_lexer():
    text = LIBRARY.split("\n")
    text[8] = "n3.handle(bottom) -> Catalog."
    text[9] = 'n19: rect label="x" foo:"unfinished'
    doc = Document("\n".join(text))
    assert type(doc.statements[8]).__name__ == "Broken"
    assert words(doc, 8) == [
        ("n3", "variable", ()),
        ("handle", "keyword", ()),
        ("bottom", "enumMember", ()),
        ("->", "operator", ()),
        ("Catalog", "namespace", ()),
    ]
    assert words(doc, 9) == [
        ("n19", "variable", ("declaration",)),
        ("rect", "type", ()),
        ("label", "property", ()),
        ('"x"', "string", ()),
        ("foo", "property", ()),
        ('"unfinished', "string", ()),
    ]
    doc = Document("A { # A\nn5: circle\nloop [until ok\nn4.handle(bottom) -> n5.hand\n}")
    assert words(doc, 2) == [("loop", "keyword", ()), ("[until ok", "string", ())]
    # the grammar reads `n5.hand` as lane `n5`, node `hand`: n5 is a node being given `.handle`
    assert words(doc, 3)[-1] == ("n5", "variable", ())


def test_a_broken_line_s_mermaid_arrow_is_one_operator_as_in_a_parsed_edge():
    """The fallback reads a broken line through the one lexer (syntax/lexer.py): a Mermaid
    arrow is one token there, classified as a parsed edge's arrow is."""
    doc = Document("A { # A\nn1: circle\nn2: circle\nn1 --> n2 )\nn1 --> n2\n}")
    assert type(doc.statements[3]).__name__ == "Broken"
    assert words(doc, 3) == [("n1", "variable", ()), ("-->", "operator", ()), ("n2", "variable", ())]
    assert words(doc, 4) == [("n1", "variable", ()), ("-->", "operator", ()), ("n2", "variable", ())]


def test_truncated_last_lines():
    last = {}
    for path in fixture_files("truncated/*.partial"):
        doc = Document(read_exact(path))
        last[path.name] = words(doc, len(doc.lines) - 1)
    assert last["er-triage-cut-mid-handle.fz.partial"] == [("n14", "variable", ())]  # `n14.ha`
    assert last["parcel-cut-mid-string.fz.partial"] == [
        ("n9", "variable", ("declaration",)),
        ("diamond", "type", ()),
        ("label", "property", ()),
        ('"Anyone at h', "string", ()),
    ]
    assert last["bike-share-cut-after-dot.fz.partial"][-1] == ("n6", "variable", ())  # `-> n6.`
    assert last["field-trip-cut-after-shape.fz.partial"] == [
        ("n9", "variable", ("declaration",)),
        ("rectangle", "type", ()),
    ]
    assert last["bakery-crlf-cut-between-lines.fz.partial"] == []  # cut after a line end: an empty last line


def test_encode_relative_positions():
    tokens = [
        SemanticToken(0, 0, 4, "namespace", ("declaration",)),
        SemanticToken(0, 7, 12, "string", ("documentation",)),
        SemanticToken(2, 3, 5, "variable"),
        SemanticToken(2, 6, 6, "variable"),  # empty: skipped
        SemanticToken(2, 8, 10, "operator"),
    ]
    assert encode(tokens, lambda line, col: col) == [
        0,
        0,
        4,
        0,
        1,
        0,
        7,
        5,
        4,
        2,
        2,
        3,
        2,
        1,
        0,
        0,
        5,
        2,
        6,
        0,
    ]


def test_encode_in_utf16_and_utf8():
    line = 'n1: rectangle label:"部署 🚀" owner:"x"'
    doc = Document("A {\n" + line + "\n}")
    tokens = semantic_tokens(doc, 1, 1)
    string = tokens[3]
    assert line[string.start : string.end] == '"部署 🚀"'

    def col16(n, c):
        return positions.to_client(doc.lines[n], c, positions.UTF16)

    def col8(n, c):
        return positions.to_client(doc.lines[n], c, positions.UTF8)

    data16 = encode(tokens, col16)
    data8 = encode(tokens, col8)
    # 4th token (the label value): 6 code points, 7 UTF-16 units, 13 UTF-8 bytes
    assert data16[15:18] == [0, 6, 7] and data8[15:18] == [0, 6, 13]
    # 5th token (`owner`): its start moves by the value's length in each encoding, plus a space
    assert data16[20:23] == [0, 8, 5] and data8[20:23] == [0, 14, 5]


def test_fixture_tokens_are_ordered_disjoint_and_on_their_line():
    for path in fixture_files("*.fz") + fixture_files("truncated/*.partial"):
        assert_tokens_ordered_disjoint_and_on_their_line(Document(read_exact(path)))


PIECES = st.sampled_from(
    [
        "n1",
        "CICD",
        ".",
        "handle",
        "(",
        ")",
        "->",
        "-->",
        " ",
        ":",
        "=",
        '"',
        "[",
        "]",
        "{",
        "}",
        "#",
        "//",
        "loop",
        "label",
        "x",
        "😀",
        "left",
    ]
)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(PIECES, max_size=14).map("".join), min_size=1, max_size=8))
def test_random_lines_never_crash_and_stay_ordered(lines):
    doc = Document("CICD { # c\n" + "\n".join(lines))
    tokens = semantic_tokens(doc)
    prev = (-1, 0)
    for t in tokens:
        assert (t.line, t.start) >= prev and t.end <= len(doc.lines[t.line])
        prev = (t.line, t.end)
    encode(tokens, lambda n, c: positions.to_client(doc.lines[n], c, positions.UTF16))


def test_identical_lines_get_their_own_line_numbers():
    doc = Document('A {\nn1: circle label:"a"\nn1: circle label:"a"\n}')
    first, second = semantic_tokens(doc, 1, 1), semantic_tokens(doc, 2, 2)
    assert [t.line for t in first] == [1] * 4 and [t.line for t in second] == [2] * 4
    assert [t[1:] for t in first] == [t[1:] for t in second]


def test_empty_document_and_ranges():
    assert semantic_tokens(Document("")) == []
    doc = Document(LIBRARY)
    assert semantic_tokens(doc, 8, 8) == [t for t in semantic_tokens(doc) if t.line == 8]
    assert semantic_tokens(doc, 40, 500) == [t for t in semantic_tokens(doc) if t.line >= 40]


# ---------------------------------------------------------------------------
# end to end

SERVER_CAPABILITIES: list[types.ServerCapabilities] = []


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER_COMMAND, server_env=SERVER_ENV))
async def client(lsp_client: LanguageClient):
    result = await lsp_client.initialize_session(initialize_params())
    SERVER_CAPABILITIES.append(result.capabilities)
    yield
    await lsp_client.shutdown_session()


def decode(data: list[int]) -> list[tuple[int, int, int, str, list[str]]]:
    out = []
    line = start = 0
    for i in range(0, len(data), 5):
        dl, ds, length, type_, mods = data[i : i + 5]
        line += dl
        start = start + ds if dl == 0 else ds
        out.append(
            (line, start, length, TOKEN_TYPES[type_], [m for b, m in enumerate(TOKEN_MODIFIERS) if mods >> b & 1])
        )
    return out


async def full(client: LanguageClient, uri: str) -> list[int]:
    result = await client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    return list(result.data)


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
async def test_e2e_legend_in_capabilities(client: LanguageClient):
    provider = SERVER_CAPABILITIES[-1].semantic_tokens_provider
    assert list(provider.legend.token_types) == list(TOKEN_TYPES)
    assert list(provider.legend.token_modifiers) == list(TOKEN_MODIFIERS)
    assert provider.full and provider.range


async def test_e2e_full_on_the_library(session: Session, client: LanguageClient):
    uri = await session.open(LIBRARY)
    data = await full(client, uri)
    assert data[:10] == [0, 0, 6, 0, 1, 0, 9, 16, 4, 2]  # `Patron { # Library Patron`
    tokens = decode(data)
    assert [t for t in tokens if t[0] == 8] == [
        (8, 0, 2, "variable", []),
        (8, 3, 6, "keyword", []),
        (8, 10, 6, "enumMember", []),
        (8, 18, 2, "operator", []),
        (8, 21, 7, "namespace", []),
        (8, 29, 2, "variable", []),
        (8, 32, 6, "keyword", []),
        (8, 39, 3, "enumMember", []),
        (8, 45, 5, "property", []),
        (8, 51, 14, "string", []),
    ]
    assert len(tokens) == len(semantic_tokens(Document(LIBRARY)))


async def test_e2e_range_request(session: Session, client: LanguageClient):
    uri = await session.open(LIBRARY)
    result = await client.text_document_semantic_tokens_range_async(
        types.SemanticTokensRangeParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=types.Position(11, 0), end=types.Position(12, 5)),
        )
    )
    assert decode(list(result.data)) == [
        (11, 0, 7, "namespace", ["declaration"]),
        (11, 10, 20, "string", ["documentation"]),
        (12, 0, 2, "variable", ["declaration"]),
        (12, 4, 9, "type", []),
        (12, 14, 5, "property", []),
        (12, 20, 17, "string", []),
    ]


async def test_e2e_utf16_lengths_and_columns(session: Session, client: LanguageClient):
    text = 'ops { # 運用 🛠\nn1: taskbox label:"部署 🚀" owner:"Ada"\n}'
    uri = await session.open(text)
    assert decode(await full(client, uri)) == [
        (0, 0, 3, "namespace", ["declaration"]),
        (0, 6, 7, "string", ["documentation"]),  # `# 運用 🛠`: 6 code points, 7 UTF-16 units
        (1, 0, 2, "variable", ["declaration"]),
        (1, 4, 7, "type", []),
        (1, 12, 5, "property", []),
        (1, 18, 7, "string", []),  # `"部署 🚀"`: 6 code points, 7 units
        (1, 26, 5, "property", []),  # `owner` starts at code point 25
        (1, 32, 5, "string", []),
    ]


async def test_e2e_truncated_file(session: Session, client: LanguageClient):
    text = read_exact(FIXTURES / "truncated" / "field-trip-cut-after-shape.fz.partial")  # ends `n9: rectangle `
    uri = await session.open(text, name="truncated")
    tokens = decode(await full(client, uri))
    last = text.count("\n")
    assert [t for t in tokens if t[0] == last] == [(last, 0, 2, "variable", ["declaration"]), (last, 4, 9, "type", [])]
