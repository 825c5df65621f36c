"""Inlay hints: unit tests of fz_lsp/inlay_hints.py and end-to-end tests through a real server."""

from __future__ import annotations

import asyncio

import pytest
import pytest_lsp
from conftest import CORPUS, R, SERVER_COMMAND, SERVER_ENV, Session, initialize_params, read_exact
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from fz_lsp.document import Document
from fz_lsp.inlay_hints import LabelHint, label_hints, truncate

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.filterwarnings("ignore:The test <Function .* is marked with '@pytest.mark.asyncio'"),
]

GITOPS = read_exact(CORPUS / "gitops-deployment.fz")
AUTH = read_exact(CORPUS / "skill-ref-auth-three-lane-loop-spaced.fz")
EVERYWHERE = ((0, 0), (10_000, 0))


def short(hints: list[LabelHint]) -> list[tuple[int, int, str]]:
    return [(h.line, h.col, h.label) for h in hints]


# ---------------------------------------------------------------------------
# unit


def test_edge_endpoints_get_labels_after_the_handle():
    hints = label_hints(Document(GITOPS), (8, 0), (8, 100))
    # `n4.handle(bottom) -> CICD.n5.handle(top) [label="Trigger"]`
    assert short(hints) == [(8, 17, "Merge After Review"), (8, 40, "Run Tests and Lint")]
    assert hints[1].tooltip == "Run Tests and Lint\n(n5, rectangle in lane CI/CD Pipeline)"


def test_only_hints_inside_the_range():
    doc = Document(GITOPS)
    assert short(label_hints(doc, (8, 0), (8, 20))) == [(8, 17, "Merge After Review")]
    assert short(label_hints(doc, (8, 18), (8, 40))) == [(8, 40, "Run Tests and Lint")]
    assert short(label_hints(doc, (5, 0), (6, 0))) == [(5, 16, "Code Change"), (5, 35, "Git Push to Main")]
    assert label_hints(doc, (9, 0), (4, 0)) == []
    assert label_hints(doc, (0, 0), (4, 100)) == []  # declarations only
    all_hints = label_hints(doc, *EVERYWHERE)
    assert len(all_hints) == 2 * len(doc.model.edges) == 36


def test_loop_members_get_labels_after_the_id_and_long_labels_are_cut():
    # `loop [retry until valid format] n2 n3 n7 n8`
    hints = label_hints(Document(AUTH), (10, 0), (10, 100))
    assert short(hints) == [
        (10, 34, "Enter username and passw…"),
        (10, 37, "Submit form"),
        (10, 40, "Validate format"),
        (10, 43, "Valid format?"),
    ]
    assert hints[0].tooltip == "Enter username and password\n(n2, rectangle in lane User)"


def test_truncate():
    assert truncate("x" * 24) == "x" * 24
    assert truncate("x" * 25) == "x" * 24 + "…"
    assert truncate("Forward confirmation to client") == "Forward confirmation to…"  # space before the cut dropped
    assert truncate("a\tb  c") == "a b c"


def test_unresolved_unlabelled_and_incomplete_references():
    skeleton = Document(read_exact(CORPUS / "mcp-syntax-v1-0-2-skeleton-placeholder.fz"))
    # `  n1.handle(right) -> n2.handle(left)`: n2 is undeclared, so only n1 gets a hint
    assert short(label_hints(skeleton, *EVERYWHERE)) == [(3, 18, "Node Label")]
    doc = Document('A { # A\nn1: circle\nn2: taskbox owner:"Al" system:"CI"\nn1.handle(right -> n2.handle(left)\nn2.handle(right) -> n1\n}')
    # n1 has no label (nothing but its id to show): no hint; the taskbox shows its fields;
    # an unclosed handle puts the hint after what is written; no handle: after the id
    assert short(label_hints(doc, *EVERYWHERE)) == [(3, 34, "Al / CI"), (4, 16, "Al / CI")]
    assert type(doc.statements[3]).__name__ == "EdgeStmt"


def test_truncated_files_and_empty_document():
    for path in sorted((CORPUS / "truncated").glob("*.partial")):
        doc = Document(read_exact(path))
        hints = label_hints(doc, *EVERYWHERE)
        assert hints and all(h.line < len(doc.lines) - 1 for h in hints)  # the cut line has none
    doc = Document(read_exact(CORPUS / "truncated" / "api-gateway-workflow.fz.partial"))
    last = len(doc.lines) - 1
    assert short(label_hints(doc, (last - 1, 0), (last, 10))) == [
        (last - 1, 15, "Return error response"),
        (last - 1, 45, "Transform response"),
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


async def test_e2e_gitops_hints(session: Session, client: LanguageClient):
    uri = await session.open(GITOPS)
    result = await request(client, uri, R(8, 0, 9, 0))
    assert result == [
        hint(8, 17, "Merge After Review", "Merge After Review\n(n4, rectangle in lane Developer)"),
        hint(8, 40, "Run Tests and Lint", "Run Tests and Lint\n(n5, rectangle in lane CI/CD Pipeline)"),
    ]
    assert len(await request(client, uri, R(0, 0, 46, 0))) == 36


async def test_e2e_setting_switches_hints_off_and_on(session: Session, client: LanguageClient):
    uri = await session.open(GITOPS)

    async def configure(labels: bool) -> None:
        client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings={"flowzap": {"inlayHints": {"labels": labels}}})
        )
        await session.wait_for(uri, 1)  # settings changes republish diagnostics: the change is applied

    await configure(False)
    try:
        assert await request(client, uri, R(0, 0, 46, 0)) == []
    finally:
        await configure(True)
    assert len(await request(client, uri, R(0, 0, 46, 0))) == 36


async def test_e2e_truncated_file(session: Session, client: LanguageClient):
    text = read_exact(CORPUS / "truncated" / "fr-authentication-flow-workflow.fz.partial")
    uri = await session.open(text, name="truncated")
    last = text.count("\n")
    # `n16.handle(right) -> n17.handle(left)` then the cut `n17.ha`; the range runs past the end
    result = await request(client, uri, R(last - 1, 0, last + 5, 0))
    assert [(h.position, h.label) for h in result] == [
        (types.Position(last - 1, 17), "Send OTP to device"),
        (types.Position(last - 1, 37), "Verify OTP code"),
    ]


async def test_e2e_utf16_positions_after_emoji(session: Session, client: LanguageClient):
    text = read_exact(CORPUS / "guidelines-simple-loop.fz").split("\n")
    line = "loop [重试 🚀] n1 n2"
    text[4] = line
    uri = await session.open("\n".join(text))
    result = await request(client, uri, R(4, 0, 5, 0))
    # code points: n1 ends at 14, n2 at 17; the rocket adds one UTF-16 unit
    assert (line.index("n1") + 2, line.index("n2") + 2) == (14, 17)
    assert [(h.position, h.label) for h in result] == [
        (types.Position(4, 15), "Validate"),
        (types.Position(4, 18), "Valid?"),
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


async def test_e2e_settings_change_refreshes_hints(refresh_client: LanguageClient):
    session = Session(refresh_client)
    uri = await session.open(GITOPS)
    assert REFRESHES == []
    refresh_client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"flowzap": {"inlayHints": {"labels": False}}})
    )
    for _ in range(100):
        if REFRESHES:
            break
        await asyncio.sleep(0.05)
    assert REFRESHES == [None]
    assert await request(refresh_client, uri, R(0, 0, 46, 0)) == []
