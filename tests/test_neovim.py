"""Headless Neovim tests of the editors/nvim plugin against the real fz-lsp server.

Each `editors/nvim/tests/test_*.lua` script loads the plugin as a user would (runtimepath +
filetype detection + `require("fz_lsp").setup{...}` + `:edit file.fz`), drives Neovim's LSP
client and exits non-zero on any failure, printing what was expected and what was got.

Needs `nvim` (Debian: `apt-get install -y neovim`, 0.7.2). Without it these tests FAIL,
unless FZ_SKIP_NVIM=1 is set, which skips them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NVIM_PLUGIN = ROOT / "editors" / "nvim"
SCRIPTS = sorted((NVIM_PLUGIN / "tests").glob("test_*.lua"))
CORPUS = Path(os.environ.get("FZ_CORPUS_DIR") or ROOT.parent / "shared" / "corpus")
SERVER_COMMAND = [sys.executable, "-m", "fz_lsp", "--stdio"]


def _nvim() -> str:
    nvim = shutil.which("nvim")
    if nvim is None:
        if os.environ.get("FZ_SKIP_NVIM") == "1":
            pytest.skip("nvim not installed and FZ_SKIP_NVIM=1")
        pytest.fail("nvim is not installed (apt-get install -y neovim); set FZ_SKIP_NVIM=1 to skip the Neovim tests")
    return nvim


def test_scripts_found():
    names = {p.name for p in SCRIPTS}
    assert {
        "test_filetype_syntax.lua",
        "test_diagnostics.lua",
        "test_completion_hover.lua",
        "test_rename.lua",
        "test_format_quickfix.lua",
        "test_commands.lua",
    } <= names, names


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_neovim(script: Path, tmp_path: Path):
    _nvim()
    assert CORPUS.is_dir(), f"the FlowZap corpus is missing at {CORPUS}"
    home = tmp_path / "xdg"
    for sub in ("config", "data", "cache", "state"):
        (home / sub).mkdir(parents=True)
    work = tmp_path / "work"
    work.mkdir()
    pythonpath = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    env = {
        **os.environ,
        "FZ_LSP_CMD": json.dumps(SERVER_COMMAND),
        "FZ_TEST_TMPDIR": str(work),
        "FZ_CORPUS_DIR": str(CORPUS),
        "PYTHONPATH": pythonpath,
        # keep the user's Neovim state (shada, lsp.log) out of it
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_STATE_HOME": str(home / "state"),
    }
    cmd = ["timeout", "90", "nvim", "--headless", "-u", "NONE", "-c", f"luafile {script}"]
    try:
        proc = subprocess.run(cmd, env=env, cwd=str(work), capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"{script.name}: nvim did not finish within 120 s\nstdout:\n{exc.stdout}\nstderr:\n{exc.stderr}")
    if proc.returncode != 0:
        logs = []
        for log in sorted(home.rglob("lsp.log")):
            tail = log.read_text(errors="replace").splitlines()[-40:]
            logs.append(f"--- {log} (last 40 lines) ---\n" + "\n".join(tail))
        reason = "timed out after 90 s (timeout 124)" if proc.returncode == 124 else f"exit code {proc.returncode}"
        pytest.fail(
            f"{script.name}: {reason}\n"
            f"command: {' '.join(cmd)}\n"
            f"--- stderr ---\n{proc.stderr}\n--- stdout ---\n{proc.stdout}\n" + "\n".join(logs),
            pytrace=False,
        )
