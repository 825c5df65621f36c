"""Shared test fixtures: paths, corpus access, and a real fz-lsp server process."""

from __future__ import annotations

import asyncio
import itertools
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
FIXTURES = ROOT / "tests" / "fixtures"  # the project's own .fz files: every test but the corpus suite uses these


def _find_corpus() -> Path | None:
    """The real-world FlowZap corpus ($FZ_CORPUS_DIR, else ../shared/corpus beside the
    checkout), or None when it is not there (a user's plain clone)."""
    configured = os.environ.get("FZ_CORPUS_DIR")
    found = Path(configured) if configured else ROOT.parent / "shared" / "corpus"
    return found if found.is_dir() else None


# The corpus suite: test modules named test_corpus_*.py read CORPUS_DIR. When the corpus is
# absent they are not collected at all, and tests/test_corpus_suite.py reports that once
# as one skipped test.
CORPUS_DIR = _find_corpus()
CORPUS_SUITE_SENTINEL = "test_corpus_suite.py"


def pytest_ignore_collect(collection_path, config):
    name = collection_path.name
    if CORPUS_DIR is None and name.startswith("test_corpus_") and name != CORPUS_SUITE_SENTINEL:
        return True
    return None


# the shape-template cache (fz_lsp/shape_cache.py) of this test session, in and out of
# process: tests neither read what an earlier run left nor write to the user's cache
os.environ["FZ_LSP_CACHE_DIR"] = tempfile.mkdtemp(prefix="fz-lsp-test-cache-")

# fz-lsp speaks the language of LANGUAGE/LC_ALL/LC_MESSAGES/LANG when no client or option
# names one (fz_lsp/i18n.py): tests expect English whatever the developer's locale, and the
# tests of other languages (test_i18n*.py) set their own environment
os.environ["LANGUAGE"] = "en"

SERVER_COMMAND = [sys.executable, "-m", "fz_lsp", "--stdio"]
SERVER_ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
CLI_COMMAND = [sys.executable, "-m", "fz_lsp"]


def run_cli(
    *args: str,
    stdin: str | bytes | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = ROOT,
    text: bool = True,
    timeout: float = 120,
) -> subprocess.CompletedProcess:
    """`fz-lsp ARGS` as a user runs it (`python -m fz_lsp`, this checkout first on the path,
    or `env`), its output captured: text in UTF-8, or bytes with `text=False`."""
    return subprocess.run(
        [*CLI_COMMAND, *args],
        input=stdin,
        capture_output=True,
        env=SERVER_ENV if env is None else env,
        cwd=cwd,
        timeout=timeout,
        text=text,
        encoding="utf-8" if text else None,
    )


def corpus_files(pattern: str = "*.fz") -> list[Path]:
    """The corpus files matching `pattern` (for test_corpus_*.py modules); [] without a corpus."""
    if CORPUS_DIR is None:
        return []
    files = sorted(CORPUS_DIR.glob(pattern))
    assert files, f"the FlowZap corpus at {CORPUS_DIR} has no {pattern}"
    return files


def fixture_files(pattern: str = "**/*.fz") -> list[Path]:
    """The project's own fixture files matching `pattern` (under tests/fixtures; see its
    README.md: `*.fz` and `truncated/*.partial` are the general-purpose ones, `layout/` and
    `nvim/` belong to their suites)."""
    files = sorted(FIXTURES.glob(pattern))
    assert files, f"tests/fixtures has no {pattern}"
    return files


def read_exact(path: Path) -> str:
    """File text with line endings untouched (CRLF stays CRLF)."""
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


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


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER_COMMAND, server_env=SERVER_ENV))
async def client(lsp_client: LanguageClient):
    """One real server per test module (UTF-16, the LSP default)."""
    await lsp_client.initialize_session(initialize_params())
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER_COMMAND, server_env=SERVER_ENV))
async def browser_client(lsp_client: LanguageClient):
    """One real server per test module, for a client that supports window/showDocument."""
    await lsp_client.initialize_session(initialize_params(show_document=True))
    yield
    await lsp_client.shutdown_session()


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
    import inspect

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


@pytest.fixture
def session(client: LanguageClient) -> Session:
    return Session(client)
