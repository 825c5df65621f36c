"""Completion rows carry their description in `labelDetails` for clients that support it.

VS Code shows an item's `detail` only on the selected row of the suggest list, but
`labelDetails.description` on every row: with it, `-> ` lists each node with its label
("n1  Start", "n2  Review", ...). A client without `labelDetailsSupport` gets `detail`
alone, exactly as before. Both through a real server.
"""

from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from support.commands import SERVER_COMMAND, SERVER_ENV
from support.lsp import R, Session, initialize_params

pytestmark = pytest.mark.asyncio(loop_scope="module")

CONFIG = ClientServerConfig(server_command=SERVER_COMMAND, server_env=SERVER_ENV)

DOC = """Customer { # Customer
n1: circle label:"Start"
n2: rectangle label:"Place order"
n1.handle(right) -> n2.handle(left)
n2.handle(bottom) -> Shop.n3.handle(top) [label="Order"]
}
Shop { # Online Shop
n3: rectangle label:"Check stock"
n4: diamond label:"In stock?"
n3.handle(right) -> n4.handle(left)
}
"""
EDGE_LINE = 4  # `n2.handle(bottom) -> ...`: the typed target starts at column 21


def _params(label_details: bool) -> types.InitializeParams:
    params = initialize_params()
    params.capabilities.text_document.completion = types.CompletionClientCapabilities(
        completion_item=types.ClientCompletionItemOptions(
            snippet_support=True,
            label_details_support=True if label_details else None,
            documentation_format=[types.MarkupKind.Markdown],
        )
    )
    return params


@pytest_lsp.fixture(scope="module", config=CONFIG)
async def vscode_like(lsp_client: LanguageClient):
    await lsp_client.initialize_session(_params(label_details=True))
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(scope="module", config=CONFIG)
async def older(lsp_client: LanguageClient):
    await lsp_client.initialize_session(_params(label_details=False))
    yield
    await lsp_client.shutdown_session()


async def _complete(client: LanguageClient, line_text: str, column: int) -> list[types.CompletionItem]:
    lines = DOC.split("\n")
    lines[EDGE_LINE] = line_text
    uri = await Session(client).open("\n".join(lines), "label-details")
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(EDGE_LINE, column),
        )
    )
    assert isinstance(result, types.CompletionList)
    return list(result.items)


def _rows(items: list[types.CompletionItem]) -> list[tuple]:
    return [
        (
            i.label,
            i.label_details.detail if i.label_details else None,
            i.label_details.description if i.label_details else None,
            i.detail,
        )
        for i in items
    ]


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
async def test_every_target_row_shows_its_label(vscode_like: LanguageClient):
    items = await _complete(vscode_like, "n2.handle(bottom) -> ", 21)
    assert _rows(items) == [
        ("n1", None, "Start", "Start"),
        ("n2", None, "Place order", "Place order"),
        ("Shop.", None, "Online Shop", "Online Shop"),
    ]
    assert items[0].text_edit == types.TextEdit(range=R(EDGE_LINE, 21, EDGE_LINE, 21), new_text="n1.handle($1)")


async def test_nodes_of_another_lane_show_their_labels(vscode_like: LanguageClient):
    items = await _complete(vscode_like, "n2.handle(bottom) -> Shop.", 26)
    assert _rows(items) == [
        ("n3", None, "Check stock", "Check stock"),
        ("n4", None, "In stock?", "In stock?"),
    ]


async def test_shapes_show_their_description(vscode_like: LanguageClient):
    items = await _complete(vscode_like, "n5: ", 4)
    assert [(i.label, i.label_details.description if i.label_details else None) for i in items] == [
        (i.label, i.detail) for i in items
    ]
    assert {i.label for i in items} == {"circle", "rectangle", "diamond", "taskbox"}
    assert all(i.detail for i in items)


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
async def test_without_label_details_support_only_detail(older: LanguageClient):
    items = await _complete(older, "n2.handle(bottom) -> ", 21)
    assert _rows(items) == [
        ("n1", None, None, "Start"),
        ("n2", None, None, "Place order"),
        ("Shop.", None, None, "Online Shop"),
    ]
