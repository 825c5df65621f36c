"""Inlay hints: unit tests of fz_lsp/inlay_hints.py and end-to-end tests through a real server."""

from __future__ import annotations

import asyncio

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from fz_lsp.analysis.document import Document
from fz_lsp.features.inlay_hints import LabelHint, label_hints, truncate
from support.commands import SERVER_COMMAND, SERVER_ENV
from support.lsp import R, Session, initialize_params
from support.paths import FIXTURES, fixture_files, read_exact

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.filterwarnings("ignore:The test <Function .* is marked with '@pytest.mark.asyncio'"),
]

LIBRARY = read_exact(FIXTURES / "library-hold.fz")  # 47 lines, 20 edges
REVIEW = read_exact(FIXTURES / "peer-review-loop-across-lanes.fz")
EVERYWHERE = ((0, 0), (10_000, 0))


def short(hints: list[LabelHint]) -> list[tuple[int, int, str]]:
    return [(h.line, h.col, h.label) for h in hints]


# ---------------------------------------------------------------------------
# unit


def test_edge_endpoints_get_labels_after_the_handle():
    hints = label_hints(Document(LIBRARY), (8, 0), (8, 100))
    # `n3.handle(bottom) -> Catalog.n6.handle(top) [label="Hold request"]`
    assert short(hints) == [(8, 17, "Place a hold"), (8, 43, "Record the hold")]
    assert hints[1].tooltip == "Record the hold\n(n6, rectangle in lane Catalog/ILS (Koha))"


def test_only_hints_inside_the_range():
    doc = Document(LIBRARY)
    assert short(label_hints(doc, (8, 0), (8, 20))) == [(8, 17, "Place a hold")]
    assert short(label_hints(doc, (8, 18), (8, 43))) == [(8, 43, "Record the hold")]
    assert short(label_hints(doc, (6, 0), (7, 0))) == [(6, 16, "Wants a book"), (6, 35, "Search the catalogue")]
    assert label_hints(doc, (9, 0), (4, 0)) == []
    assert label_hints(doc, (0, 0), (5, 100)) == []  # declarations only
    all_hints = label_hints(doc, *EVERYWHERE)
    assert len(all_hints) == 2 * len(doc.model.edges) == 40


def test_loop_members_get_labels_after_the_id_and_long_labels_are_cut():
    # `loop [until the reviewers agree] n3 n5 n8 n11`: members of three lanes
    hints = label_hints(Document(REVIEW), (8, 0), (8, 100))
    assert short(hints) == [
        (8, 35, "Revise the manuscript ca…"),
        (8, 38, "Screen the submission"),
        (8, 41, "Read the manuscript"),
        (8, 45, "Weigh the reviews"),
    ]
    assert hints[0].tooltip == "Revise the manuscript carefully\n(n3, rectangle in lane Author)"


def test_truncate():
    assert truncate("x" * 24) == "x" * 24
    assert truncate("x" * 25) == "x" * 24 + "…"
    assert truncate("Forward confirmation to client") == "Forward confirmation to…"  # space before the cut dropped
    assert truncate("a\tb  c") == "a b c"


def test_unresolved_unlabelled_and_incomplete_references():
    template = Document(read_exact(FIXTURES / "template-known-errors.fz"))
    # `n2.handle(right) -> n3.handle(left)`: n3 is undeclared, so only n2 gets a hint there
    # (n2's placeholder shape does not hide its label)
    assert short(label_hints(template, *EVERYWHERE)) == [
        (3, 16, "Begin"),
        (3, 35, "Describe this step"),
        (4, 16, "Describe this step"),
    ]
    doc = Document(
        "A { # A\n"
        "n1: circle\n"
        'n2: taskbox owner:"Al" system:"CI"\n'
        "n1.handle(right -> n2.handle(left)\n"
        "n2.handle(right) -> n1\n"
        "}"
    )
    # n1 has no label (nothing but its id to show): no hint; the taskbox shows its fields;
    # an unclosed handle puts the hint after what is written; no handle: after the id
    assert short(label_hints(doc, *EVERYWHERE)) == [(3, 34, "Al / CI"), (4, 16, "Al / CI")]
    assert type(doc.statements[3]).__name__ == "EdgeStmt"


def test_truncated_files_and_empty_document():
    for path in fixture_files("truncated/*.partial"):
        doc = Document(read_exact(path))
        hints = label_hints(doc, *EVERYWHERE)
        assert hints, path.name
        # on the cut line, only after an id the line still names (recovery's touched nodes)
        touched_ends = {(r.line, r.span.end) for r in doc.model.refs if r.role == "touch" and r.node is not None}
        assert all(h.line < len(doc.lines) - 1 or (h.line, h.col) in touched_ends for h in hints), path.name
    doc = Document(read_exact(FIXTURES / "truncated" / "er-triage-cut-mid-handle.fz.partial"))
    last = len(doc.lines) - 1
    assert short(label_hints(doc, (last - 1, 0), (last, 10))) == [
        (last - 1, 17, "Read the scan"),
        (last - 1, 37, "Write the discharge note"),
    ]
    assert label_hints(Document(""), *EVERYWHERE) == []


# ---------------------------------------------------------------------------
# end to end


async def request(client: LanguageClient, uri: str, rng: types.Range) -> list[types.InlayHint]:
    result = await client.text_document_inlay_hint_async(
        types.InlayHintParams(text_document=types.TextDocumentIdentifier(uri=uri), range=rng)
    )
    return list(result or [])


def hint(line: int, character: int, label: str, tooltip: str) -> types.InlayHint:
    return types.InlayHint(position=types.Position(line, character), label=label, padding_left=True, tooltip=tooltip)


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
async def test_e2e_library_hints(session: Session, client: LanguageClient):
    uri = await session.open(LIBRARY)
    result = await request(client, uri, R(8, 0, 9, 0))
    assert result == [
        hint(8, 17, "Place a hold", "Place a hold\n(n3, rectangle in lane Library Patron)"),
        hint(8, 43, "Record the hold", "Record the hold\n(n6, rectangle in lane Catalog/ILS (Koha))"),
    ]
    assert len(await request(client, uri, R(0, 0, 47, 0))) == 40


async def test_e2e_setting_switches_hints_off_and_on(session: Session, client: LanguageClient):
    uri = await session.open(LIBRARY)

    async def configure(labels: bool) -> None:
        client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings={"flowzap": {"inlayHints": {"labels": labels}}})
        )
        await session.wait_for(uri, 1)  # settings changes republish diagnostics: the change is applied

    await configure(False)
    try:
        assert await request(client, uri, R(0, 0, 47, 0)) == []
    finally:
        await configure(True)
    assert len(await request(client, uri, R(0, 0, 47, 0))) == 40


async def test_e2e_truncated_file(session: Session, client: LanguageClient):
    text = read_exact(FIXTURES / "truncated" / "er-triage-cut-mid-handle.fz.partial")
    uri = await session.open(text, name="truncated")
    last = text.count("\n")
    # `n13.handle(right) -> n14.handle(left)` then the cut `n14.ha`; the range runs past the end
    result = await request(client, uri, R(last - 1, 0, last + 5, 0))
    assert [(h.position, h.label) for h in result] == [
        (types.Position(last - 1, 17), "Read the scan"),
        (types.Position(last - 1, 37), "Write the discharge note"),
    ]


async def test_e2e_utf16_positions_after_emoji(session: Session, client: LanguageClient):
    text = read_exact(FIXTURES / "kettle-single-lane-loop.fz").split("\n")
    line = "loop [再烧 🫖] n1 n2"
    assert text[6].startswith("loop [")
    text[6] = line
    uri = await session.open("\n".join(text))
    result = await request(client, uri, R(6, 0, 7, 0))
    # code points: n1 ends at 14, n2 at 17; the teapot adds one UTF-16 unit
    assert (line.index("n1") + 2, line.index("n2") + 2) == (14, 17)
    assert [(h.position, h.label) for h in result] == [
        (types.Position(6, 15), "Heat the water"),
        (types.Position(6, 18), "Boiling yet?"),
    ]


# a client that supports workspace/inlayHint/refresh: a settings change asks it to refresh

REFRESHES: list[object] = []


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER_COMMAND, server_env=SERVER_ENV))
async def refresh_client(lsp_client: LanguageClient):
    @lsp_client.feature(types.WORKSPACE_INLAY_HINT_REFRESH)
    def on_refresh(params):
        REFRESHES.append(params)

    params = initialize_params()
    params.capabilities.workspace.inlay_hint = types.InlayHintWorkspaceClientCapabilities(refresh_support=True)
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
async def test_e2e_settings_change_refreshes_hints(refresh_client: LanguageClient):
    session = Session(refresh_client)
    uri = await session.open(LIBRARY)
    assert REFRESHES == []
    refresh_client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"flowzap": {"inlayHints": {"labels": False}}})
    )
    for _ in range(100):
        if REFRESHES:
            break
        await asyncio.sleep(0.05)
    assert REFRESHES == [None]
    assert await request(refresh_client, uri, R(0, 0, 47, 0)) == []
