"""Hover: unit tests of fz_lsp/hover.py and end-to-end tests through a real server.

The module's server (`client`, overriding conftest's) declares Markdown hover content,
as editors do; one test uses conftest's capabilities through a second server to check
the plain-text fallback.
"""

from __future__ import annotations

import pytest
import pytest_lsp
from conftest import CORPUS, R, SERVER_COMMAND, SERVER_ENV, Session, initialize_params, read_exact
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from fz_lsp.document import Document
from fz_lsp.hover import hover, markdown_to_plain, md
from fz_lsp.model import Span

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.filterwarnings("ignore:The test <Function .* is marked with '@pytest.mark.asyncio'"),
]

GITOPS = read_exact(CORPUS / "gitops-deployment.fz")
AUTH = read_exact(CORPUS / "skill-ref-auth-three-lane-loop-spaced.fz")

N5 = """**Run Tests and Lint**

`n5` · `rectangle` — A process step  
Lane: **CI/CD Pipeline** (`CICD`)

**Incoming:**

- ← `Developer.n4` Merge After Review (bottom → top) — "Trigger"

**Outgoing:**

- → `n6` Build Container Image (right → left) — "Tests Pass\""""

CICD = "**CI/CD Pipeline**\n\nLane `CICD` · 4 nodes: `n5`, `n6`, `n7`, `n8`"


# ---------------------------------------------------------------------------
# unit


def test_hover_on_prefixed_target_shows_the_node():
    doc = Document(GITOPS)
    # line 8: `n4.handle(bottom) -> CICD.n5.handle(top) [label="Trigger"]`
    for col in (26, 27, 28):
        found = hover(doc, 8, col)
        assert found is not None and found.span == Span(8, 26, 28)
        assert found.markdown == N5


def test_hover_on_declaration_and_on_source_is_the_same_node():
    doc = Document(GITOPS)
    assert hover(doc, 11, 1).markdown == N5  # `n5: rectangle ...`
    assert hover(doc, 11, 1).span == Span(11, 0, 2)
    assert hover(doc, 15, 0).markdown == N5  # `n5.handle(right) -> n6...`
    n4 = hover(doc, 8, 0)
    assert n4.span == Span(8, 0, 2)
    assert n4.markdown.startswith("**Merge After Review**\n")
    assert '- → `CICD.n5` Run Tests and Lint (bottom → top) — "Trigger"' in n4.markdown
    assert '- ← `n3` Open Pull Request (right → left) — "Approved"' in n4.markdown


def test_hover_on_lane_prefix_and_lane_header():
    doc = Document(GITOPS)
    assert hover(doc, 8, 21).markdown == CICD
    assert hover(doc, 8, 21).span == Span(8, 21, 25)
    assert hover(doc, 10, 2).markdown == CICD
    assert hover(doc, 10, 2).span == Span(10, 0, 4)


def test_hover_on_handle_directions():
    doc = Document(GITOPS)
    src = hover(doc, 8, 12)
    assert src.span == Span(8, 10, 16)
    assert src.markdown == (
        "The edge leaves `n4` at the middle of its bottom side.\n\n"
        '`n4` (bottom) → `CICD.n5` (top) — "Trigger"'
    )
    tgt = hover(doc, 8, 37)
    assert tgt.span == Span(8, 36, 39)
    assert tgt.markdown.startswith("The edge enters `CICD.n5` at the middle of its top side.")


def test_hover_on_unknown_direction_suggests_the_nearest():
    doc = Document("A { # A\nn1: circle label:\"a\"\nn2: circle label:\"b\"\nn1.handle(rigth) -> n2.handle(left)\n}")
    found = hover(doc, 3, 12)
    assert found.span == Span(3, 10, 15)
    assert found.markdown == "`rigth` is not a handle direction. Did you mean `right`? Use `left`, `right`, `top` or `bottom`."


def test_hover_on_undeclared_node_and_unknown_lane():
    skeleton = Document(read_exact(CORPUS / "mcp-syntax-v1-0-2-skeleton-placeholder.fz"))
    # `  n1.handle(right) -> n2.handle(left)`: n2 is declared nowhere
    found = hover(skeleton, 3, 23)
    assert found.span == Span(3, 22, 24)
    assert found.markdown == (
        "`n2` is **not declared** in this document.\n\nDeclare it inside a lane, e.g. `n2: rectangle label:\"…\"`."
    )
    doc = Document("A { # A\nn1: circle label:\"a\"\nn1.handle(right) -> Nope.n2.handle(left)\n}")
    assert hover(doc, 2, 21).markdown == "No lane named `Nope` is declared in this document."


def test_hover_on_loop_member_mentions_the_loop_and_other_lane_edges():
    doc = Document(AUTH)
    # `loop [retry until valid format] n2 n3 n7 n8`
    found = hover(doc, 10, 33)
    assert found.span == Span(10, 32, 34)
    assert found.markdown == """**Enter username and password**

`n2` · `rectangle` — A process step  
Lane: **User** (`User`)

In loop [retry until valid format] with `n2`, `n3`, `n7`, `n8`

**Incoming:**

- ← `n1` Start (right → left)
- ← `Application.n8` Valid format? (top → bottom) — "No \\- Error"

**Outgoing:**

- → `n3` Submit form (right → left)"""


def test_hover_on_taskbox_lists_its_fields():
    doc = Document(read_exact(CORPUS / "guidelines-taskbox-ops.fz"))
    assert hover(doc, 1, 0).markdown == """**Alice / Deploy / CI**

`n1` · `taskbox` — An assigned task with owner, description and system  
Lane: **Ops** (`ops`)

- owner: Alice
- description: Deploy
- system: CI

**Incoming:** none

**Outgoing:** none"""
    doc = Document('t { # T\nn1: taskbox label:"Review|Alice|Jira"\n}')
    assert "Sub-items: Review · Alice · Jira" in hover(doc, 1, 0).markdown


def test_hover_escapes_markdown_and_flags_duplicates_and_laneless_nodes():
    doc = Document('n1: circle label:"x"\nA { # A\nn2: rectangle label:"**bold** [x](y)"\nn2.handle(right) -> n1.handle(left)\nn2: circle\n}')
    n2 = hover(doc, 3, 0).markdown
    assert n2.startswith("**\\*\\*bold\\*\\* \\[x\\]\\(y\\)**\n")
    assert "⚠ `n2` is declared 2 times; the first declaration is used." in n2
    n1 = hover(doc, 0, 0).markdown
    assert "Lane: none (declared outside any lane)" in n1
    assert "- ← `A.n2` \\*\\*bold\\*\\* \\[x\\]\\(y\\) (right → left)" in n1


def test_hover_on_shapes():
    doc = Document(GITOPS)
    found = hover(doc, 11, 6)
    assert (found.markdown, found.span) == ("`rectangle` — A process step", Span(11, 4, 13))
    skeleton = Document(read_exact(CORPUS / "mcp-syntax-v1-0-2-skeleton-placeholder.fz"))
    assert hover(skeleton, 2, 8).markdown == (
        "`shapeType` is not a FlowZap shape. Shapes: `circle`, `rectangle`, `diamond`, `taskbox`."
    )


def test_no_hover_where_there_is_nothing():
    doc = Document(GITOPS)
    assert hover(doc, 8, 19) is None  # the arrow
    assert hover(doc, 8, 200) is None  # past the end of the line
    assert hover(doc, 500, 0) is None
    assert hover(doc, -1, 0) is None
    assert hover(Document(""), 0, 0) is None


def test_broken_and_truncated_lines():
    text = read_exact(CORPUS / "truncated" / "api-gateway-workflow.fz.partial")
    doc = Document(text)
    last = len(doc.lines) - 1
    assert hover(doc, last, 1) is None  # `n18.h`: broken, nothing resolved there
    found = hover(doc, last - 1, 0)  # `n17.handle(top) -> Gateway.n13.handle(bottom) [label="Error"]`
    assert found.markdown.startswith("**Return error response**\n")
    assert found.span == Span(last - 1, 0, 3)


def test_every_position_of_the_corpus_hovers_without_error():
    for path in sorted(CORPUS.glob("*.fz")) + sorted((CORPUS / "truncated").glob("*.partial")):
        doc = Document(read_exact(path))
        for i, line in enumerate(doc.lines):
            for col in range(len(line) + 2):
                found = hover(doc, i, col)
                if found is not None:
                    assert found.span.line == i and found.span.start <= col <= found.span.end


def test_markdown_round_trip_to_plain():
    text = "a*b_c [x](y) <b> # 1. - + ! | ~ \\ `q` **"
    assert markdown_to_plain(md(text)) == text
    assert markdown_to_plain("**Run** `n5` · x  \nLane") == "Run n5 · x\nLane"


# ---------------------------------------------------------------------------
# end to end

CONFIG = ClientServerConfig(server_command=SERVER_COMMAND, server_env=SERVER_ENV)


def markdown_params() -> types.InitializeParams:
    params = initialize_params()
    params.capabilities.text_document.hover = types.HoverClientCapabilities(
        content_format=[types.MarkupKind.Markdown, types.MarkupKind.PlainText]
    )
    return params


@pytest_lsp.fixture(scope="module", config=CONFIG)
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(markdown_params())
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(scope="module", config=CONFIG)
async def plain_client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(initialize_params())
    yield
    await lsp_client.shutdown_session()


async def request(client: LanguageClient, uri: str, line: int, character: int):
    return await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line, character))
    )


async def test_e2e_hover_on_gitops(session: Session, client: LanguageClient):
    uri = await session.open(GITOPS)
    result = await request(client, uri, 8, 27)
    assert result == types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=N5), range=R(8, 26, 8, 28))
    result = await request(client, uri, 8, 22)
    assert result.range == R(8, 21, 8, 25) and result.contents.value == CICD
    result = await request(client, uri, 8, 12)
    assert result.range == R(8, 10, 8, 16)
    assert result.contents.value.startswith("The edge leaves `n4` at the middle of its bottom side.")
    assert await request(client, uri, 8, 19) is None
    assert await request(client, uri, 8, 300) is None  # past the end of the line
    assert await request(client, uri, 300, 0) is None  # past the end of the document


async def test_e2e_hover_on_truncated_and_undeclared(session: Session, client: LanguageClient):
    text = read_exact(CORPUS / "truncated" / "fr-support-ticket-workflow.fz.partial")
    uri = await session.open(text, name="truncated")
    last = text.count("\n")
    assert await request(client, uri, last, 1) is None  # the cut line `n14.handle(right) -> n15.`
    uri = await session.open(read_exact(CORPUS / "mcp-syntax-v1-0-2-skeleton-placeholder.fz"))
    result = await request(client, uri, 3, 23)
    assert result.range == R(3, 22, 3, 24)
    assert result.contents.value.startswith("`n2` is **not declared** in this document.")


async def test_e2e_utf16_range_after_emoji(session: Session, client: LanguageClient):
    line = "loop [重试 🚀] n1 n2"
    uri = await session.open(with_loop(line))
    start16 = len(line[: line.rindex("n2")].encode("utf-16-le")) // 2
    assert start16 == line.rindex("n2") + 1  # the rocket takes two UTF-16 units
    result = await request(client, uri, 4, start16 + 1)
    assert result.range == R(4, start16, 4, start16 + 2)
    assert result.contents.value.startswith("**Valid?**\n")
    # a client column inside the surrogate pair maps to the emoji itself: no token there
    assert await request(client, uri, 4, line.index("🚀") + 1) is None


def with_loop(line: str) -> str:
    text = read_exact(CORPUS / "guidelines-simple-loop.fz").split("\n")
    text[4] = line
    return "\n".join(text)


async def test_e2e_plain_text_for_clients_without_markdown(plain_client: LanguageClient):
    session = Session(plain_client)
    uri = await session.open(GITOPS)
    result = await request(plain_client, uri, 8, 22)
    assert result.contents == "CI/CD Pipeline\n\nLane CICD · 4 nodes: n5, n6, n7, n8"
    assert result.range == R(8, 21, 8, 25)
