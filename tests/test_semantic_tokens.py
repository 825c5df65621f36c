"""Semantic tokens: unit tests of fz_lsp/semantic_tokens.py and end-to-end tests through a
real server (legend, relative encoding, UTF-16 lengths)."""

from __future__ import annotations

import pytest
import pytest_lsp
from conftest import CORPUS, SERVER_COMMAND, SERVER_ENV, Session, initialize_params, read_exact
from hypothesis import given, settings
from hypothesis import strategies as st
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from fz_lsp import positions
from fz_lsp.document import Document
from fz_lsp.semantic_tokens import TOKEN_MODIFIERS, TOKEN_TYPES, SemanticToken, encode, semantic_tokens

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.filterwarnings("ignore:The test <Function .* is marked with '@pytest.mark.asyncio'"),
]

GITOPS = read_exact(CORPUS / "gitops-deployment.fz")
TRUNCATED = sorted((CORPUS / "truncated").glob("*.partial"))


def words(doc: Document, line: int) -> list[tuple[str, str, tuple[str, ...]]]:
    text = doc.lines[line]
    return [(text[t.start : t.end], t.type, t.modifiers) for t in semantic_tokens(doc, line, line)]


# ---------------------------------------------------------------------------
# unit


def test_legend():
    assert TOKEN_TYPES == (
        "namespace", "variable", "type", "property", "string", "enumMember", "operator", "keyword", "comment"
    )
    assert TOKEN_MODIFIERS == ("declaration", "documentation")


def test_gitops_lines():
    doc = Document(GITOPS)
    assert words(doc, 10) == [("CICD", "namespace", ("declaration",)), ("# CI/CD Pipeline", "string", ("documentation",))]
    assert words(doc, 11) == [
        ("n5", "variable", ("declaration",)),
        ("rectangle", "type", ()),
        ("label", "property", ()),
        ('"Run Tests and Lint"', "string", ()),
    ]
    assert words(doc, 8) == [
        ("n4", "variable", ()),
        ("handle", "keyword", ()),
        ("bottom", "enumMember", ()),
        ("->", "operator", ()),
        ("CICD", "namespace", ()),
        ("n5", "variable", ()),
        ("handle", "keyword", ()),
        ("top", "enumMember", ()),
        ("label", "property", ()),
        ('"Trigger"', "string", ()),
    ]
    assert semantic_tokens(doc, 9, 9) == []  # `}`
    assert semantic_tokens(doc, 8, 8)[4] == SemanticToken(8, 21, 25, "namespace")


def test_loops_comments_display_labels_and_foreign_lines():
    doc = Document(read_exact(CORPUS / "guidelines-simple-loop.fz"))
    assert words(doc, 4) == [
        ("loop", "keyword", ()),
        ("[retry until valid]", "string", ()),
        ("n1", "variable", ()),
        ("n2", "variable", ()),
    ]
    old = Document(read_exact(CORPUS / "mcp-syntax-v1-0-2-order-processing.fz"))
    assert words(old, 1) == [("# Sales Team", "string", ("documentation",))]
    doc = Document('A {\n  // note\ngraph TD\nn1.handle(rigth) -> n2.handle(left)\n}')
    assert words(doc, 1) == [("// note", "comment", ())]
    assert words(doc, 2) == []
    # an unknown direction stays unhighlighted
    assert [w for w, _, _ in words(doc, 3)] == ["n1", "handle", "->", "n2", "handle", "left"]


def test_broken_lines_use_the_fallback_lexer():
    text = GITOPS.split("\n")
    text[8] = "n4.handle(bottom) -> CICD."
    text[9] = 'n20: rect label="x" foo:"unfinished'
    doc = Document("\n".join(text))
    assert type(doc.statements[8]).__name__ == "Broken"
    assert words(doc, 8) == [
        ("n4", "variable", ()),
        ("handle", "keyword", ()),
        ("bottom", "enumMember", ()),
        ("->", "operator", ()),
        ("CICD", "namespace", ()),
    ]
    assert words(doc, 9) == [
        ("n20", "variable", ("declaration",)),
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


def test_truncated_last_lines():
    last = {}
    for path in TRUNCATED:
        doc = Document(read_exact(path))
        last[path.name] = words(doc, len(doc.lines) - 1)
    assert last["api-gateway-workflow.fz.partial"] == [("n18", "variable", ())]  # `n18.h`
    assert last["fr-in-app-message-workflow.fz.partial"] == [
        ("n15", "variable", ("declaration",)),
        ("diamond", "type", ()),
        ("label", "property", ()),
        ('"Delivery s', "string", ()),
    ]
    assert last["fr-support-ticket-workflow.fz.partial"][-1] == ("n15", "variable", ())


def test_encode_relative_positions():
    tokens = [
        SemanticToken(0, 0, 4, "namespace", ("declaration",)),
        SemanticToken(0, 7, 12, "string", ("documentation",)),
        SemanticToken(2, 3, 5, "variable"),
        SemanticToken(2, 6, 6, "variable"),  # empty: skipped
        SemanticToken(2, 8, 10, "operator"),
    ]
    assert encode(tokens, lambda line, col: col) == [
        0, 0, 4, 0, 1,
        0, 7, 5, 4, 2,
        2, 3, 2, 1, 0,
        0, 5, 2, 6, 0,
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


def test_corpus_tokens_are_ordered_disjoint_and_on_their_line():
    for path in sorted(CORPUS.glob("*.fz")) + TRUNCATED:
        doc = Document(read_exact(path))
        tokens = semantic_tokens(doc)
        prev = (-1, 0)
        for t in tokens:
            assert (t.line, t.start) >= prev
            assert 0 <= t.start < t.end <= len(doc.lines[t.line])
            prev = (t.line, t.end)
        assert len(encode(tokens, lambda n, c: c)) == 5 * len(tokens)


PIECES = st.sampled_from(
    ["n1", "CICD", ".", "handle", "(", ")", "->", "-->", " ", ":", "=", '"', "[", "]", "{", "}", "#", "//", "loop", "label", "x", "😀", "left"]
)


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
    doc = Document(GITOPS)
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
        out.append((line, start, length, TOKEN_TYPES[type_], [m for b, m in enumerate(TOKEN_MODIFIERS) if mods >> b & 1]))
    return out


async def full(client: LanguageClient, uri: str) -> list[int]:
    result = await client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    return list(result.data)


async def test_e2e_legend_in_capabilities(client: LanguageClient):
    provider = SERVER_CAPABILITIES[-1].semantic_tokens_provider
    assert list(provider.legend.token_types) == list(TOKEN_TYPES)
    assert list(provider.legend.token_modifiers) == list(TOKEN_MODIFIERS)
    assert provider.full and provider.range


async def test_e2e_full_on_gitops(session: Session, client: LanguageClient):
    uri = await session.open(GITOPS)
    data = await full(client, uri)
    assert data[:10] == [0, 0, 9, 0, 1, 0, 12, 11, 4, 2]  # `Developer { # Developer`
    tokens = decode(data)
    assert [t for t in tokens if t[0] == 8] == [
        (8, 0, 2, "variable", []),
        (8, 3, 6, "keyword", []),
        (8, 10, 6, "enumMember", []),
        (8, 18, 2, "operator", []),
        (8, 21, 4, "namespace", []),
        (8, 26, 2, "variable", []),
        (8, 29, 6, "keyword", []),
        (8, 36, 3, "enumMember", []),
        (8, 42, 5, "property", []),
        (8, 48, 9, "string", []),
    ]
    assert len(tokens) == len(semantic_tokens(Document(GITOPS)))


async def test_e2e_range_request(session: Session, client: LanguageClient):
    uri = await session.open(GITOPS)
    result = await client.text_document_semantic_tokens_range_async(
        types.SemanticTokensRangeParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=types.Position(10, 0), end=types.Position(11, 5)),
        )
    )
    assert decode(list(result.data)) == [
        (10, 0, 4, "namespace", ["declaration"]),
        (10, 7, 16, "string", ["documentation"]),
        (11, 0, 2, "variable", ["declaration"]),
        (11, 4, 9, "type", []),
        (11, 14, 5, "property", []),
        (11, 20, 20, "string", []),
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
    text = read_exact(CORPUS / "truncated" / "microservices-api-gateway-architecture.fz.partial")
    uri = await session.open(text, name="truncated")
    tokens = decode(await full(client, uri))
    last = text.count("\n")
    assert [t for t in tokens if t[0] == last] == [(last, 0, 3, "variable", ["declaration"]), (last, 5, 9, "type", [])]
