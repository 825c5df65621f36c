"""pytest's hooks and the fixtures several test modules share; their machinery is in tests/support.

- `client`, `browser_client`, `session`: one real fz-lsp server per test module, driven by
  pytest-lsp (support/lsp.py);
- `chromium`, `browser_factory`: headless Chromium (support/chromium.py);
- `installed_wheel`: fz-lsp's wheel installed in a fresh venv, built once per session
  (support/installed_wheel.py).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import pytest_lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from support import commands, lsp, paths  # importing support.commands sets the session's environment
from support.chromium import Browser, find_chromium
from support.installed_wheel import InstalledWheel, install_wheel

# The corpus suite: test modules named test_corpus_*.py read paths.CORPUS_DIR. When the corpus
# is absent they are not collected at all, and tests/test_corpus_suite.py reports that once
# as one skipped test.
CORPUS_SUITE_SENTINEL = "test_corpus_suite.py"


def pytest_ignore_collect(collection_path, config):
    name = collection_path.name
    if paths.CORPUS_DIR is None and name.startswith("test_corpus_") and name != CORPUS_SUITE_SENTINEL:
        return True
    return None


# ---------------------------------------------------------------------------
# a real server through pytest-lsp

SERVER = ClientServerConfig(server_command=commands.SERVER_COMMAND, server_env=commands.SERVER_ENV)


@pytest_lsp.fixture(scope="module", config=SERVER)
async def client(lsp_client: LanguageClient):
    """One real server per test module (UTF-16, the LSP default)."""
    await lsp_client.initialize_session(lsp.initialize_params())
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(scope="module", config=SERVER)
async def browser_client(lsp_client: LanguageClient):
    """One real server per test module, for a client that supports window/showDocument."""
    await lsp_client.initialize_session(lsp.initialize_params(show_document=True))
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def session(client: LanguageClient) -> lsp.Session:
    return lsp.Session(client)


# ---------------------------------------------------------------------------
# headless Chromium


@pytest.fixture(scope="session")
def chromium() -> str:
    """Chromium's path; skipped with FZ_SKIP_BROWSER=1, a failure when it is missing."""
    if os.environ.get("FZ_SKIP_BROWSER") == "1":
        pytest.skip("FZ_SKIP_BROWSER=1")
    found = find_chromium()
    if found is None:
        pytest.fail("Chromium not found at /usr/bin/chromium (apt-get install chromium, or set FZ_SKIP_BROWSER=1)")
    return found


@pytest.fixture
def browser_factory(chromium: str, tmp_path: Path):
    """`make(width, height)`: a browser of the test's own (each with its own profile), closed
    when the test ends."""
    opened: list[Browser] = []

    def make(width: int, height: int) -> Browser:
        browser = Browser(chromium, tmp_path / f"profile-{len(opened)}", width, height)
        opened.append(browser)
        return browser

    yield make
    for browser in opened:
        browser.close()


# ---------------------------------------------------------------------------
# the installed wheel


@pytest.fixture(scope="session")
def installed_wheel(tmp_path_factory: pytest.TempPathFactory) -> InstalledWheel:
    """fz-lsp's wheel built from this checkout and installed alone in a fresh venv, once per
    session (building it takes seconds); tests run it but never change it."""
    return install_wheel(tmp_path_factory.mktemp("installed-wheel"))
