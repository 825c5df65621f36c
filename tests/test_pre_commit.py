"""The pre-commit hooks of .pre-commit-hooks.yaml, run by pre-commit itself: `pre-commit
try-repo` installs this checkout (its tracked files, uncommitted changes included) into a
fresh environment, as a repository's .pre-commit-config.yaml would, and runs each hook on
the files of a small git repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support.paths import ROOT

pytest.importorskip("pre_commit", reason="pre-commit is in the test extra")

OK = 'Ops {   # Operations\nn1: circle label:"Start"\n}\n'
BROKEN = 'Ops { # Operations\nn1: rect label:"Start"\n}\n'


def try_repo(hooks: list[str], files: list[str], cwd: Path, home: Path) -> subprocess.CompletedProcess:
    """`pre-commit try-repo` of this checkout: `hooks` (every hook of the repository when
    empty) on `files`."""
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(home),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), *hooks, "--files", *files],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow  # pre-commit builds an environment with fz-lsp in it (~30 s each time the tree differs)
def test_the_check_and_format_hooks_run_through_pre_commit(tmp_path: Path):
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("pre-commit try-repo needs git and a git checkout of fz-lsp")
    project = tmp_path / "project"
    project.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    (project / "ok.fz").write_text(OK, encoding="utf-8")
    (project / "broken.fz").write_text(BROKEN, encoding="utf-8")
    (project / "notes.txt").write_text("n1: rect\n", encoding="utf-8")  # not a .fz file: never read
    subprocess.run(["git", "add", "."], cwd=project, check=True)
    files = ["ok.fz", "broken.fz", "notes.txt"]

    both = try_repo([], files, project, tmp_path / "home")  # every hook of the repository
    assert both.returncode == 1, both.stdout + both.stderr
    check, fmt = both.stdout.split("fz-lsp format...", 1)
    assert "fz-lsp check..." in check and "Failed" in check
    assert "broken.fz:2:5: error[unknown-shape] Unknown shape `rect`." in check
    assert "ok.fz" not in check.split("- exit code: 1", 1)[1]  # nothing to say about it
    assert "files were modified by this hook" in fmt and "reformatted ok.fz" in fmt
    assert (project / "ok.fz").read_text(encoding="utf-8") == 'Ops { # Operations\nn1: circle label:"Start"\n}\n'
    assert (project / "notes.txt").read_text(encoding="utf-8") == "n1: rect\n"
    again = try_repo(["fz-lsp-format"], files, project, tmp_path / "home")
    assert again.returncode == 0, again.stdout + again.stderr  # formatted: nothing left to change
