"""`fz-lsp render` tells the truth: the picture is written, the document's errors go to
stderr in `check`'s format with exit status 1 (0 with --allow-errors), and a document with
nothing to draw (no lanes: a Mermaid file) is refused with one line and exit status 1."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from support.commands import run_cli
from support.paths import EXAMPLES, FIXTURES


def render(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return run_cli("render", *args, stdin=stdin)


def check(*args: str) -> subprocess.CompletedProcess:
    return run_cli("check", *args)


def test_a_clean_document_renders_with_exit_zero_and_nothing_on_stderr(tmp_path: Path):
    out = tmp_path / "gitops.svg"
    result = render(str(EXAMPLES / "gitops.fz"), "-o", str(out))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert out.read_text(encoding="utf-8").startswith("<svg")


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_errors_are_printed_like_check_and_exit_one_but_the_picture_is_written(tmp_path: Path):
    out = tmp_path / "broken.svg"
    path = str(EXAMPLES / "broken.fz")
    result = render(path, "-o", str(out))
    assert result.returncode == 1
    errors = [line for line in check(path).stdout.splitlines() if ": error[" in line]
    assert errors and result.stderr.splitlines() == errors
    assert "<svg" in out.read_text(encoding="utf-8")


def test_allow_errors_exits_zero_and_still_reports(tmp_path: Path):
    result = render(str(EXAMPLES / "broken.fz"), "-o", str(tmp_path / "b.html"), "--allow-errors")
    assert result.returncode == 0
    assert "error[" in result.stderr
    assert (tmp_path / "b.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_warnings_alone_do_not_fail_the_render(tmp_path: Path):
    result = render(str(FIXTURES / "flowzap-forms" / "label-equals.fz"), "-o", str(tmp_path / "w.svg"))
    assert (result.returncode, result.stderr) == (0, "")


def test_a_mermaid_file_is_refused_with_one_line(tmp_path: Path):
    out = tmp_path / "mermaid.svg"
    path = FIXTURES / "mermaid-only.fz"
    result = render(str(path), "-o", str(out))
    assert result.returncode == 1
    assert result.stderr == (
        f"fz-lsp: nothing to draw in {path}: no lanes (it looks like Mermaid or PlantUML, not FlowZap Code)\n"
    )
    assert not out.exists()


def test_an_empty_document_on_stdin_has_nothing_to_draw():
    result = render("-", stdin="\n\n")
    assert (result.returncode, result.stdout, result.stderr) == (
        1,
        "",
        "fz-lsp: nothing to draw in <stdin>: no lanes\n",
    )


def test_errors_of_a_document_on_stdin_name_stdin():
    result = render("-", stdin='A { # A\nn1: rect label:"x"\n}\n')
    assert result.returncode == 1
    assert result.stdout.startswith("<svg")
    assert result.stderr.startswith("<stdin>:2:5: error[unknown-shape] Unknown shape `rect`.")
