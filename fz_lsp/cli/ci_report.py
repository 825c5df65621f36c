"""`fz-lsp check`'s reports for CI: GitHub workflow commands and SARIF 2.1.0.

- `--format github`: one `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=CODE::message`
  line per diagnostic (`::warning` for warnings, `::notice` for information and hints), which
  GitHub Actions turns into annotations on the pull request's lines. Values are escaped as the
  runner reads them (`%`, CR, LF, and in properties also `:` and `,`).
- `--format sarif`: one SARIF 2.1.0 log (OASIS), one run of the driver `fz-lsp` with one rule
  per diagnostic code (every code, in the order of diagnostics.CODES, so that a rule's index is
  the same whatever the files), results with 1-based regions whose columns count Unicode code
  points (`columnKind`), and files that could not be read as tool notifications, for code
  scanning (github/codeql-action/upload-sarif).

Entries are check.diagnostic_entry's dicts (1-based lines and columns, in characters).

May import: fz_lsp.base, fz_lsp.diagnostics (codes).
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from fz_lsp import __version__
from fz_lsp.diagnostics import CODES, ERROR, HINT, INFORMATION, WARNING

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_GITHUB_COMMANDS = {"error": "error", "warning": "warning", "info": "notice", "hint": "notice"}
_SARIF_LEVELS = {"error": "error", "warning": "warning", "info": "note", "hint": "note"}
_LEVEL_OF_SEVERITY = {ERROR: "error", WARNING: "warning", INFORMATION: "note", HINT: "note"}


def _github_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


def github_command(entry: dict[str, Any]) -> str:
    """One diagnostic as a GitHub Actions workflow command."""
    properties = ",".join(
        f"{key}={_github_property(str(value))}"
        for key, value in (
            ("file", entry["path"]),
            ("line", entry["line"]),
            ("col", entry["column"]),
            ("endLine", entry["endLine"]),
            ("endColumn", entry["endColumn"]),
            ("title", entry["code"]),
        )
    )
    return f"::{_GITHUB_COMMANDS[entry['severity']]} {properties}::{_github_data(entry['message'])}"


def artifact_uri(path: str) -> str:
    """A file's SARIF artifact URI: relative paths stay relative (to the checkout, where code
    scanning resolves them), with `/` and percent-encoding; absolute paths become file: URIs."""
    pure = PurePath(path)
    if pure.is_absolute():
        from pathlib import Path

        return Path(path).as_uri()
    return quote(pure.as_posix())


def sarif_rules(strict: bool = False) -> list[dict[str, Any]]:
    """One reporting descriptor per diagnostic code (its level as `check --strict` or not
    reports it)."""
    return [
        {
            "id": code,
            "name": "".join(word.capitalize() for word in code.split("-")),
            "shortDescription": {"text": info.summary},
            "defaultConfiguration": {"level": _LEVEL_OF_SEVERITY[info.severity_for(strict)]},
            "properties": {"flowzapValidatorRule": info.validator},
        }
        for code, info in CODES.items()
    ]


def sarif_log(entries: list[dict[str, Any]], unreadable: list[tuple[str, str]], strict: bool = False) -> dict[str, Any]:
    """The SARIF 2.1.0 log of `entries`; `unreadable`: (path, one-line reason) of the files
    that could not be read, reported as the invocation's notifications."""
    index = {code: k for k, code in enumerate(CODES)}
    results = [
        {
            "ruleId": entry["code"],
            "ruleIndex": index[entry["code"]],
            "level": _SARIF_LEVELS[entry["severity"]],
            "message": {"text": entry["message"]},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": artifact_uri(entry["path"])},
                        "region": {
                            "startLine": entry["line"],
                            "startColumn": entry["column"],
                            "endLine": entry["endLine"],
                            "endColumn": entry["endColumn"],
                        },
                    }
                }
            ],
        }
        for entry in entries
    ]
    notifications = [
        {
            "level": "error",
            "message": {"text": reason},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": artifact_uri(path)}}}],
        }
        for path, reason in unreadable
    ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "fz-lsp",
                        "version": __version__,
                        "rules": sarif_rules(strict),
                    }
                },
                "invocations": [{"executionSuccessful": not unreadable, "toolExecutionNotifications": notifications}],
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
