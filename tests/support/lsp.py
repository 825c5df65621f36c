"""The pytest-lsp side of the tests: a client's initialize, `Session` (open documents in a
real server and wait for their diagnostics), `R` for expected ranges, `eventually`.

The `client`, `browser_client` and `session` fixtures (conftest.py) start the server with these."""

from __future__ import annotations

import asyncio
import inspect
import itertools

from lsprotocol import types
from pytest_lsp import LanguageClient

from support.paths import ROOT


def R(sl: int, sc: int, el: int, ec: int) -> types.Range:
    """An LSP range, written short in expected values."""
    return types.Range(start=types.Position(sl, sc), end=types.Position(el, ec))


def initialize_params(encodings=None, options=None, show_document: bool = False) -> types.InitializeParams:
    """A client's initialize: diagnostics with related information and versions, no
    workspace/configuration; `show_document` for a client that opens URLs and files
    (window/showDocument), as the browser preview needs."""
    general = types.GeneralClientCapabilities(position_encodings=encodings) if encodings else None
    window = (
        types.WindowClientCapabilities(show_document=types.ShowDocumentClientCapabilities(support=True))
        if show_document
        else None
    )
    return types.InitializeParams(
        capabilities=types.ClientCapabilities(
            general=general,
            window=window,
            workspace=types.WorkspaceClientCapabilities(configuration=False),
            text_document=types.TextDocumentClientCapabilities(
                publish_diagnostics=types.PublishDiagnosticsClientCapabilities(
                    related_information=True, version_support=True
                ),
            ),
        ),
        initialization_options=options if options is not None else {"flowzap": {"diagnostics": {"delayMs": 0}}},
        root_uri=ROOT.as_uri(),
    )


def record_publications(client: LanguageClient) -> dict[str, list[types.PublishDiagnosticsParams]]:
    """Keep every publishDiagnostics the client receives, per URI (idempotent).

    pytest-lsp keeps only the latest diagnostics per URI and `wait_for_notification`
    can miss a notification that arrives in the same read as another, so tests wait
    on this record instead.
    """
    record = getattr(client, "published", None)
    if record is not None:
        return record
    record = client.published = {}
    features = client.protocol.fm.features
    original = features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]

    def publish(params: types.PublishDiagnosticsParams):
        record.setdefault(params.uri, []).append(params)
        return original(client, params) if _takes_client(original) else original(params)

    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish
    return record


def _takes_client(func) -> bool:
    return len(inspect.signature(func).parameters) == 2


_URI_NUMBERS = itertools.count(1)  # every document a test opens gets a URI of its own


class Session:
    """Open documents in a real server and wait for their diagnostics."""

    def __init__(self, client: LanguageClient) -> None:
        self.client = client
        self.published = record_publications(client)

    async def open(self, text: str, name: str = "doc") -> str:
        uri = f"file:///tmp/fz-tests/{name}-{next(_URI_NUMBERS)}.fz"
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=uri, language_id="flowzap", version=1, text=text)
            )
        )
        await self.wait_for(uri, 1)
        return uri

    async def wait_for(self, uri: str, version: int | None, timeout: float = 15) -> list[types.Diagnostic]:
        """The diagnostics published for `uri` at `version` (fails after `timeout` seconds)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        seen = 0
        while loop.time() < deadline:
            found = self.published.get(uri, [])
            for params in found[seen:]:
                if params.version == version:
                    return list(params.diagnostics)
            seen = len(found)
            await asyncio.sleep(0.005)
        raise AssertionError(f"no diagnostics for {uri} version {version} within {timeout}s")

    def diagnostics(self, uri: str) -> list[types.Diagnostic]:
        return list(self.client.diagnostics.get(uri, ()))

    async def change(self, uri: str, version: int, start: tuple[int, int], end: tuple[int, int], text: str):
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(start=types.Position(*start), end=types.Position(*end)), text=text
                    )
                ],
            )
        )
        return await self.wait_for(uri, version)

    def close(self, uri: str) -> None:
        self.client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )


async def eventually(condition, timeout: float = 10, message: str = "condition") -> None:
    """Wait until `condition()` is true (fails after `timeout` seconds)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {message}")
        await asyncio.sleep(0.01)
