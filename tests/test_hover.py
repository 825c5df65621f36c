"""Hover: unit tests of fz_lsp/hover.py and end-to-end tests through a real server.

The module's server (`client`, overriding conftest's) declares Markdown hover content,
as editors do; one test uses conftest's capabilities through a second server to check
the plain-text fallback.
"""

from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from fz_lsp.analysis.document import Document
from fz_lsp.analysis.markdown import markdown_to_plain, md
from fz_lsp.features.hover import hover
from fz_lsp.model import Span
from support.commands import SERVER_COMMAND, SERVER_ENV
from support.lsp import R, Session, initialize_params
from support.paths import FIXTURES, fixture_files, read_exact

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.filterwarnings("ignore:The test <Function .* is marked with '@pytest.mark.asyncio'"),
]

# line 8: `n3.handle(bottom) -> Catalog.n6.handle(top) [label="Hold request"]`
LIBRARY = read_exact(FIXTURES / "library-hold.fz")
REVIEW = read_exact(FIXTURES / "peer-review-loop-across-lanes.fz")
TEMPLATE = read_exact(FIXTURES / "template-known-errors.fz")

N6 = """**Record the hold**

`n6` · `rectangle` — A process step  
Lane: **Catalog/ILS \\(Koha\\)** (`Catalog`)

**Incoming:**

- ← `Patron.n3` Place a hold (bottom → top) — "Hold request"

**Outgoing:**

- → `n7` Copy on shelf? (right → left) — "Look up copies\""""  # noqa: W291 - two spaces end a Markdown line

CATALOG = (
    "**Catalog/ILS \\(Koha\\)**\n\nLane `Catalog` · 3 nodes: `n6`, `n7`, `n8`"
    "\n\nDepends on (Architecture view):\n- Stacks & Shelving \\(Stacks\\): Yes, Copy returned"
    "\n\nUsed by (Architecture view):\n- Library Patron \\(Patron\\): Hold request"
    "\n- Stacks & Shelving \\(Stacks\\): Next copy"
)


# ---------------------------------------------------------------------------
# unit


def test_hover_on_prefixed_target_shows_the_node():
    doc = Document(LIBRARY)
    for col in (29, 30, 31):
        found = hover(doc, 8, col)
        assert found is not None and found.span == Span(8, 29, 31)
        assert found.markdown == N6


def test_hover_on_declaration_and_on_source_is_the_same_node():
    doc = Document(LIBRARY)
    assert hover(doc, 12, 1).markdown == N6  # `n6: rectangle ...`
    assert hover(doc, 12, 1).span == Span(12, 0, 2)
    assert hover(doc, 15, 0).markdown == N6  # `n6.handle(right) -> n7...`
    n3 = hover(doc, 8, 0)
    assert n3.span == Span(8, 0, 2)
    assert n3.markdown.startswith("**Place a hold**\n")
    assert '- → `Catalog.n6` Record the hold (bottom → top) — "Hold request"' in n3.markdown
    assert '- ← `n2` Search the catalogue (right → left) — "Found it"' in n3.markdown


def test_hover_on_lane_prefix_and_lane_header():
    doc = Document(LIBRARY)
    assert hover(doc, 8, 21).markdown == CATALOG
    assert hover(doc, 8, 21).span == Span(8, 21, 28)
    assert hover(doc, 11, 2).markdown == CATALOG
    assert hover(doc, 11, 2).span == Span(11, 0, 7)


def test_hover_on_handle_directions():
    doc = Document(LIBRARY)
    src = hover(doc, 8, 12)
    assert src.span == Span(8, 10, 16)
    assert src.markdown == (
        'The edge leaves `n3` at the middle of its bottom side.\n\n`n3` (bottom) → `Catalog.n6` (top) — "Hold request"'
    )
    tgt = hover(doc, 8, 40)
    assert tgt.span == Span(8, 39, 42)
    assert tgt.markdown.startswith("The edge enters `Catalog.n6` at the middle of its top side.")


def test_hover_on_unknown_direction_suggests_the_nearest():
    doc = Document('A { # A\nn1: circle label:"a"\nn2: circle label:"b"\nn1.handle(rigth) -> n2.handle(left)\n}')
    found = hover(doc, 3, 12)
    assert found.span == Span(3, 10, 15)
    assert (
        found.markdown
        == "Unknown handle direction `rigth`: did you mean `right`? Use `left`, `right`, `top` or `bottom`."
    )


def test_hover_on_undeclared_node_and_unknown_lane():
    template = Document(TEMPLATE)
    # `n2.handle(right) -> n3.handle(left)`: n3 is declared nowhere
    found = hover(template, 4, 21)
    assert found.span == Span(4, 20, 22)
    assert found.markdown == (
        '`n3` is **not declared** in this document.\n\nDeclare it inside a lane, e.g. `n3: rectangle label:"…"`.'
    )
    doc = Document('A { # A\nn1: circle label:"a"\nn1.handle(right) -> Nope.n2.handle(left)\n}')
    assert hover(doc, 2, 21).markdown == "No lane named `Nope` is declared in this document."


def test_hover_on_loop_member_mentions_the_loop_and_other_lane_edges():
    doc = Document(REVIEW)
    # `loop [until the reviewers agree] n3 n5 n8 n11`: members in three lanes
    found = hover(doc, 8, 34)
    assert found.span == Span(8, 33, 35)
    expected = """**Revise the manuscript carefully**

`n3` · `rectangle` — A process step  
Lane: **Author** (`Author`)

In loop [until the reviewers agree] with `n3`, `n5`, `n8`, `n11`

**Incoming:**

- ← `Editor.n11` Weigh the reviews (top → bottom) — "Major revision"

**Outgoing:**

- → `Editor.n5` Screen the submission (bottom → left) — "Resubmission\""""  # noqa: W291 - Markdown line break
    assert found.markdown == expected
    # a member declared in another lane, after the loop
    assert hover(doc, 8, 43).markdown.startswith(
        "**Weigh the reviews**\n\n`n11` · `rectangle` — A process step  \nLane: **Handling Editor** (`Editor`)"
    )


def test_hover_on_taskbox_lists_its_fields():
    """The three taskbox styles of the docs (tests/fixtures/newsroom-taskboxes.fz)."""
    doc = Document(read_exact(FIXTURES / "newsroom-taskboxes.fz"))
    # owner/description/system without a label: the title is made of the three
    expected = """**Priya / Draft the article / CMS**

`n1` · `taskbox` — An assigned task with owner, description and system  
Lane: **Newsroom** (`newsroom`)

- owner: Priya
- description: Draft the article
- system: CMS

**Incoming:** none

**Outgoing:**

- → `n2` Fact check (right → left)"""  # noqa: W291 - Markdown line break
    assert hover(doc, 1, 0).markdown == expected
    # a label plus the three: the label is the title, the fields are listed
    n2 = hover(doc, 2, 0).markdown
    assert n2.startswith("**Fact check**\n")
    assert "- owner: Tomás\n- description: Verify every quote\n- system: Notion" in n2
    assert "- ← `n1` Priya / Draft the article / CMS (right → left)" in n2
    # `label:"A|B|C"`: the sub-items
    n3 = hover(doc, 3, 0).markdown
    assert n3.startswith("**Publish\\|Sam\\|WordPress**\n")
    assert "Sub-items: Publish · Sam · WordPress" in n3 and n3.endswith("**Outgoing:** none")


def test_hover_escapes_markdown_and_flags_duplicates_and_laneless_nodes():
    doc = Document(
        'n1: circle label:"x"\n'
        "A { # A\n"
        'n2: rectangle label:"**bold** [x](y)"\n'
        "n2.handle(right) -> n1.handle(left)\n"
        "n2: circle\n"
        "}"
    )
    n2 = hover(doc, 3, 0).markdown
    assert n2.startswith("**\\*\\*bold\\*\\* \\[x\\]\\(y\\)**\n")
    assert "⚠ `n2` is declared 2 times; the first declaration is used." in n2
    n1 = hover(doc, 0, 0).markdown
    assert "Lane: none (declared outside any lane)" in n1
    assert "- ← `A.n2` \\*\\*bold\\*\\* \\[x\\]\\(y\\) (right → left)" in n1


def test_hover_on_shapes():
    doc = Document(LIBRARY)
    found = hover(doc, 12, 6)
    assert (found.markdown, found.span) == ("`rectangle` — A process step", Span(12, 4, 13))
    found = hover(Document(TEMPLATE), 2, 8)  # `n2: stepShape label:"Describe this step"`
    assert (found.markdown, found.span) == (
        "Unknown shape `stepShape`. Shapes are `circle`, `rectangle`, `diamond` or `taskbox`.",
        Span(2, 4, 13),
    )


def test_no_hover_where_there_is_nothing():
    doc = Document(LIBRARY)
    assert hover(doc, 8, 19) is None  # the arrow
    assert hover(doc, 8, 200) is None  # past the end of the line
    assert hover(doc, 500, 0) is None
    assert hover(doc, -1, 0) is None
    assert hover(Document(""), 0, 0) is None


def test_broken_and_truncated_lines():
    text = read_exact(FIXTURES / "truncated" / "er-triage-cut-mid-handle.fz.partial")
    doc = Document(text)
    last = len(doc.lines) - 1
    assert hover(doc, last, 1) is None  # `n14.ha`: broken, nothing resolved there
    found = hover(doc, last - 1, 0)  # `n13.handle(right) -> n14.handle(left)`
    assert found.markdown.startswith("**Read the scan**\n")
    assert found.span == Span(last - 1, 0, 3)
    found = hover(doc, last - 1, 22)  # its target, declared before the cut
    assert found.markdown.startswith("**Write the discharge note**\n") and found.span == Span(last - 1, 21, 24)


def test_every_position_of_every_fixture_hovers_without_error():
    for path in fixture_files("*.fz") + fixture_files("truncated/*.partial"):
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


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
async def test_e2e_hover_on_the_library(session: Session, client: LanguageClient):
    uri = await session.open(LIBRARY)
    result = await request(client, uri, 8, 30)
    assert result == types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=N6), range=R(8, 29, 8, 31)
    )
    result = await request(client, uri, 8, 22)
    assert result.range == R(8, 21, 8, 28) and result.contents.value == CATALOG
    result = await request(client, uri, 8, 12)
    assert result.range == R(8, 10, 8, 16)
    assert result.contents.value.startswith("The edge leaves `n3` at the middle of its bottom side.")
    assert await request(client, uri, 8, 19) is None
    assert await request(client, uri, 8, 300) is None  # past the end of the line
    assert await request(client, uri, 300, 0) is None  # past the end of the document


async def test_e2e_hover_on_truncated_and_undeclared(session: Session, client: LanguageClient):
    text = read_exact(FIXTURES / "truncated" / "bike-share-cut-after-dot.fz.partial")
    uri = await session.open(text, name="truncated")
    last = text.count("\n")
    # the cut line `  n7.handle(right) -> n6.` still names n7 (recovery): hover shows it
    cut = await request(client, uri, last, 3)
    assert cut.range == R(last, 2, last, 4) and cut.contents.value.startswith("**Ask for a top\\-up**")
    uri = await session.open(TEMPLATE)
    result = await request(client, uri, 4, 21)
    assert result.range == R(4, 20, 4, 22)
    assert result.contents.value.startswith("`n3` is **not declared** in this document.")


async def test_e2e_utf16_range_after_emoji(session: Session, client: LanguageClient):
    line = "loop [再烧 🫖] n1 n2"
    uri = await session.open(with_loop(line))
    start16 = len(line[: line.rindex("n2")].encode("utf-16-le")) // 2
    assert start16 == line.rindex("n2") + 1  # the teapot takes two UTF-16 units
    result = await request(client, uri, 6, start16 + 1)
    assert result.range == R(6, start16, 6, start16 + 2)
    assert result.contents.value.startswith("**Boiling yet?**\n")
    # a client column inside the surrogate pair maps to the emoji itself: no token there
    assert await request(client, uri, 6, line.index("🫖") + 1) is None


def with_loop(line: str) -> str:
    """The kettle fixture with its loop line (line 6) replaced."""
    text = read_exact(FIXTURES / "kettle-single-lane-loop.fz").split("\n")
    assert text[6].startswith("loop [")
    text[6] = line
    return "\n".join(text)


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
async def test_e2e_plain_text_for_clients_without_markdown(plain_client: LanguageClient):
    session = Session(plain_client)
    uri = await session.open(LIBRARY)
    result = await request(plain_client, uri, 8, 22)
    assert result.contents == (
        "Catalog/ILS (Koha)\n\nLane Catalog · 3 nodes: n6, n7, n8\n\nDepends on (Architecture view):\n"
        "- Stacks & Shelving (Stacks): Yes, Copy returned\n\nUsed by (Architecture view):\n"
        "- Library Patron (Patron): Hold request\n- Stacks & Shelving (Stacks): Next copy"
    )
    assert result.range == R(8, 21, 8, 28)
