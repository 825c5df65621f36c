"""How the tests run fz-lsp: the session's environment, the server and CLI commands, `run_cli`.

Importing this module sets the environment of the whole test session (conftest.py imports it
before any test module runs), so the commands below and every server the tests start see it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from support.paths import ROOT

# the shape-template cache (fz_lsp/syntax/shape_cache.py) of this test session, in and out of
# process: tests neither read what an earlier run left nor write to the user's cache
os.environ["FZ_LSP_CACHE_DIR"] = tempfile.mkdtemp(prefix="fz-lsp-test-cache-")

# fz-lsp speaks the language of LANGUAGE/LC_ALL/LC_MESSAGES/LANG when no client or option
# names one (fz_lsp/base/i18n.py): tests expect English whatever the developer's locale, and
# the tests of other languages (test_i18n*.py) set their own environment
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
