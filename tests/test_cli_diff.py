"""`fz-lsp diff OLD NEW` (text and JSON: flowzap_diff's function) and `fz-lsp mcp` without the
MCP SDK, as a user runs them."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from fz_lsp.analysis.document import analyse
from fz_lsp.features.graph_diff import diff_models
from support.commands import run_cli
from support.paths import EXAMPLES, ROOT, read_exact

GITOPS = read_exact(EXAMPLES / "gitops.fz")
NEW = GITOPS.replace('n21: circle label:"Release live"', 'n21: circle label:"Live"').replace(
    'n19.handle(top) -> Sync.n15.handle(bottom) [label="Healthy"]\n', ""
)


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return str(path)


def test_text_report_and_exit_status(tmp_path: Path) -> None:
    new = write(tmp_path, "new.fz", NEW)
    result = run_cli("diff", str(EXAMPLES / "gitops.fz"), new)
    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout.splitlines() == [
        '~ node n21: label "Release live" -> "Live"',
        '- edge n19.handle(top) -> Sync.n15.handle(bottom) [label="Healthy"]',
        "1 node updated (n21); 1 edge removed (n19->n15)",
    ]
    same = run_cli("diff", str(EXAMPLES / "gitops.fz"), "-", stdin=GITOPS)
    assert (same.returncode, same.stdout) == (0, "no change\n")


def test_json_is_flowzap_diffs_answer(tmp_path: Path) -> None:
    new = write(tmp_path, "new.fz", NEW)
    result = run_cli("diff", "--format", "json", str(EXAMPLES / "gitops.fz"), new)
    assert result.returncode == 1
    assert json.loads(result.stdout) == diff_models(analyse(GITOPS).model, analyse(NEW).model)


def test_unreadable_input_and_two_stdins() -> None:
    missing = run_cli("diff", str(EXAMPLES / "gitops.fz"), "nowhere.fz")
    assert (missing.returncode, missing.stdout) == (2, "")
    assert missing.stderr == "fz-lsp: cannot read nowhere.fz: no such file or directory\n"
    both = run_cli("diff", "-", "-", stdin="")
    assert (both.returncode, both.stderr) == (2, "fz-lsp: only one of OLD and NEW can be '-' (stdin)\n")


def test_mcp_without_the_sdk_is_one_line_and_status_2(tmp_path: Path) -> None:
    """`python -S`: no site-packages, so neither the SDK nor its dependencies can be imported."""
    import subprocess

    result = subprocess.run(
        [sys.executable, "-S", "-m", "fz_lsp", "mcp"],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stdout) == (2, "")
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("fz-lsp mcp needs the MCP Python SDK: pip install 'fz-lsp[mcp]' (No module named ")
