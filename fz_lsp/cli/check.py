"""`fz-lsp check FILE...`: report diagnostics, optionally after fixing every safe problem;
as text, JSON, GitHub workflow commands or SARIF (cli/ci_report.py).

Exit codes: 0 clean or warnings only, 1 errors found, 2 a file could not be read (every
file is checked all the same; the worst status wins).

May import: fz_lsp.base, fz_lsp.analysis, fz_lsp.diagnostics, fz_lsp.features, fz_lsp.cli.files/ci_report.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence

from fz_lsp.base import i18n
from fz_lsp.cli.ci_report import github_command, sarif_log
from fz_lsp.cli.files import READ_ERRORS, cannot, read_source


def diagnostic_entry(name: str, d) -> dict:
    """One diagnostic as `check` reports it (1-based line and columns, in characters)."""
    from fz_lsp.diagnostics import as_record  # with the analysis, not at the CLI's start

    return {"path": name, **as_record(d)}


def diagnostic_line(entry: dict) -> str:
    return f"{entry['path']}:{entry['line']}:{entry['column']}: {entry['severity']}[{entry['code']}] {entry['message']}"


def run_check(
    files: Sequence[str],
    fmt: str,
    sequence_rules: bool,
    no_hints: bool,
    strict: bool = False,
    fix: bool = False,
    language: str | None = None,
) -> int:
    """`fz-lsp check`; messages in `language` (English when None). Every file is checked,
    whatever happens to the others; the status is the worst: 2 when a file could not be
    read or written, else 1 when a file has errors, else 0."""
    from fz_lsp.analysis.document import Document
    from fz_lsp.analysis.settings import Settings
    from fz_lsp.diagnostics import check

    language = language or i18n.ENGLISH
    tr = i18n.translator(language)
    settings = Settings(sequence_rules=sequence_rules, strict=strict, locale=language)
    status = 0
    report: list[dict] = []
    unreadable: list[tuple[str, str]] = []
    out = sys.stdout
    for path in files:
        try:
            text = read_source(path, tr)
        except READ_ERRORS as err:
            message = cannot(tr, "read", path, err)
            print(message, file=sys.stderr)
            unreadable.append((path, message))
            status = 2
            continue
        name = "<stdin>" if path == "-" else path
        if fix:
            from fz_lsp.features.code_actions.fix_all import fix_report

            fixed, applied = fix_report(text, settings, name)
            if path == "-":
                sys.stdout.write(fixed)
                sys.stdout.flush()
                out = sys.stderr  # the fixed text owns stdout
            # what was fixed, in `check`'s line format: with the text report, else on stderr
            said = out if fmt == "text" else sys.stderr
            for done in applied:
                where = f"{name}:{done.line + 1}" if done.line is not None else name
                print(f"{where}: fixed[{done.code}] {done.title}", file=said)
            if applied:
                print(
                    tr._n("{path}: {n} problem fixed", "{path}: {n} problems fixed", len(applied), path=name), file=said
                )
            if path != "-" and fixed != text:
                try:
                    with open(path, "w", encoding="utf-8", newline="") as f:
                        f.write(fixed)
                except OSError as err:
                    message = cannot(tr, "write", path, err)
                    print(message, file=sys.stderr)
                    unreadable.append((path, message))
                    status = 2
                    continue
            text = fixed
        for d in check(Document(text, name), settings):
            if no_hints and d.severity == 4:
                continue
            if d.severity == 1:
                status = max(status, 1)
            entry = diagnostic_entry(name, d)
            report.append(entry)
            if fmt == "text":
                print(diagnostic_line(entry), file=out)
            elif fmt == "github":
                print(github_command(entry), file=out)
    if fmt == "json":
        json.dump(report, out, ensure_ascii=False, indent=2)
        print(file=out)
    elif fmt == "sarif":
        json.dump(sarif_log(report, unreadable, strict), out, ensure_ascii=False, indent=2)
        print(file=out)
    return status
