"""The command line: exit codes, output formats, clear errors, and an installed wheel."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fz_lsp.diagnostics import CODES
from support.commands import run_cli
from support.fixture_verdicts import VALID, VERDICTS
from support.installed_wheel import InstalledWheel
from support.paths import EXAMPLES, FIXTURES, ROOT, fixture_files

CLI = [sys.executable, "-m", "fz_lsp"]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def run(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return run_cli(*args, stdin=stdin, cwd=cwd, text=False)


def test_valid_fixtures_exit_zero():
    result = run("check", "--no-hints", *(str(FIXTURES / name) for name in VALID))
    assert result.returncode == 0, result.stdout.decode()
    # only the guidelines' "don't" example has something to say (a warning)
    assert result.stdout.decode().splitlines() == [
        f"{FIXTURES / 'doorbell-orphan-no-reply.fz'}:3:1: warning[orphan-node] "
        "`n2` is not connected: no edge starts or ends at it"
    ]


def test_broken_example_exits_one_and_lists_every_code():
    result = run("check", "--sequence-rules", str(EXAMPLES / "broken.fz"))
    assert result.returncode == 1
    out = result.stdout.decode()
    missing = [code for code in CODES if f"[{code}]" not in out and code != "too-large"]
    assert missing == []
    assert (
        f"{EXAMPLES / 'broken.fz'}:13:11: error[bad-handle] Unknown handle direction `rigth`: did you mean `right`?"
        in out
    )


def test_strict_check_fails_on_the_sequence_rules():
    """`--strict` applies FlowZap's validator, which enforces the ping-pong rule: a request
    never answered is an error (without `--strict`, not even reported)."""
    path = FIXTURES / "doorbell-orphan-no-reply.fz"
    assert run("check", "--no-hints", str(path)).returncode == 0
    result = run("check", "--strict", str(path))
    assert result.returncode == 1
    said = result.stdout.decode()
    assert f"{path}:4:19: error[missing-reply] Request from `Visitor` to `Doorbell` has no reply" in said


def test_json_format():
    result = run("check", "--format", "json", str(FIXTURES / "template-known-errors.fz"))
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert [(r["line"], r["column"], r["endColumn"], r["severity"], r["code"]) for r in report] == [
        (3, 5, 14, "error", "unknown-shape"),
        (5, 21, 23, "error", "undefined-node"),
    ]
    # hints count too: the old own-line display label
    result = run("check", "--format", "json", str(FIXTURES / "hotel-old-display-label.fz"))
    assert result.returncode == 0
    assert [(r["line"], r["column"], r["endColumn"], r["severity"], r["code"]) for r in json.loads(result.stdout)] == [
        (2, 3, 15, "hint", "display-label-own-line"),
        (12, 3, 17, "hint", "display-label-own-line"),
    ]


def test_stdin():
    result = run("check", "-", stdin=b'A { # A\nn1: rect label:"x"\n}\n')
    assert result.returncode == 1
    assert result.stdout.decode() == (
        "<stdin>:2:5: error[unknown-shape] Unknown shape `rect`. Did you mean `rectangle`? "
        "Shapes are `circle`, `rectangle`, `diamond` or `taskbox`.\n"
    )


def test_render_reads_stdin():
    text = (
        "A { # Dev\n"
        'n1: circle label:"Start"\n'
        'n2: rectangle label:"Büild & <ship>"\n'
        "n1.handle(right) -> n2.handle(left)\n"
        "}\n"
    )
    result = run("render", "-", stdin=text.encode())
    assert result.returncode == 0 and result.stderr == b""
    svg = result.stdout.decode()
    assert svg.startswith("<svg") and svg.count('data-node="') == 2
    assert "Büild &amp; &lt;ship&gt;" in svg


@pytest.mark.parametrize(
    "make, reason",
    [
        (lambda tmp: tmp / "missing.fz", "no such file"),
        (lambda tmp: tmp, "is a directory"),
        (lambda tmp: _write(tmp / "bin.fz", b"\x00\x01\x02"), "binary file"),
        (lambda tmp: _write(tmp / "latin1.fz", b"A { # Caf\xe9\n}\n"), "not valid UTF-8"),
    ],
    ids=["missing", "directory", "binary", "invalid-utf8"],
)
def test_unreadable_input_is_one_clear_line(tmp_path: Path, make, reason: str):
    path = make(tmp_path)
    result = run("check", str(path))
    assert result.returncode == 2
    err = result.stderr.decode()
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"fz-lsp: cannot read {path}: {reason}")


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.slow
@pytest.mark.parametrize("command", ["check", "share"])
def test_a_reader_that_stops_early_gets_no_traceback(tmp_path: Path, command: str):
    """`fz-lsp check big.fz | head -1`: the pipe closes while fz-lsp still writes. The
    output stops quietly with a shell's status for SIGPIPE (141), nothing on stderr."""
    lines = "\n".join(f'n{i}: rect label:"step {i}"' for i in range(1, 20_000))
    big = _write(tmp_path / "big.fz", f"Ops {{ # Ops\n{lines}\n}}\n".encode())
    process = subprocess.Popen(
        [*CLI, command, str(big)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV, cwd=tmp_path
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.read(100)
    process.stdout.close()
    errors = process.stderr.read()
    assert process.wait(timeout=60) == 141
    assert first and errors == b""


def test_usage_errors_exit_two():
    for args in (["check"], ["frobnicate"], ["--tcp", "nonsense"]):
        result = run(*args)
        assert result.returncode == 2, args
        assert "Traceback" not in result.stderr.decode()


def test_version():
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.decode().strip() == "fz-lsp 0.1.0"


def test_crlf_and_bom_are_read():
    result = run("check", "-", stdin='\ufeffA { # A\r\nn1: circle label:"x"\r\n}\r\n'.encode())
    assert result.returncode == 0, result.stdout
    assert result.stdout == b""


@pytest.mark.slow
def test_wheel_works_outside_the_repo(installed_wheel: InstalledWheel, tmp_path: Path):
    """The wheel (built once per session), installed into a fresh venv, runs from another folder."""
    assert "fz_lsp/syntax/flowzap.lark" in installed_wheel.names
    assert "fz_lsp/render/zoom.js" in installed_wheel.names  # the HTML pages' pan and zoom
    py = installed_wheel.python
    clean_env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        [str(py), "-m", "fz_lsp", "check", str(FIXTURES / "library-hold.fz")],
        capture_output=True,
        cwd=tmp_path,
        env=clean_env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr.decode()
    where = subprocess.run(
        [str(py), "-c", "import fz_lsp, fz_lsp.syntax.grammar as g; g.parser(); print(fz_lsp.__file__)"],
        capture_output=True,
        cwd=tmp_path,
        env=clean_env,
        timeout=60,
    )
    assert str(installed_wheel.site) in where.stdout.decode(), where
    page = tmp_path / "page.html"
    rendered = subprocess.run(
        [str(py), "-m", "fz_lsp", "render", str(FIXTURES / "library-hold.fz"), "-o", str(page)],
        capture_output=True,
        cwd=tmp_path,
        env=clean_env,
        timeout=60,
    )
    assert rendered.returncode == 0, rendered.stderr.decode()
    assert (ROOT / "fz_lsp" / "render" / "zoom.js").read_text(encoding="utf-8") in page.read_text(encoding="utf-8")


def test_readme_documents_every_code():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = [line for line in readme.splitlines() if line.startswith("| `")]
    documented = {line.split("`")[1] for line in table}
    assert set(CODES) <= documented


def test_every_fixture_is_checked_without_crashing():
    files = [str(p) for p in fixture_files("*.fz") + fixture_files("truncated/*.partial")]
    result = run("check", "--format", "json", *files)
    assert result.returncode == 1  # the template, the Mermaid files and the truncated files have errors
    assert "Traceback" not in result.stderr.decode()
    report = json.loads(result.stdout)
    # the files with errors in the fixtures' verdicts, and no others, have errors
    with_errors = {r["path"] for r in report if r["severity"] == "error"}
    assert with_errors == {str(FIXTURES / n) for n in set(VERDICTS) - set(VALID)} | {str(FIXTURES / "mermaid-only.fz")}
