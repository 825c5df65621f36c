"""`fz-lsp check FILE...`: report diagnostics, optionally after fixing every safe problem.

Exit codes: 0 clean or warnings only, 1 errors found, 2 unreadable input.

May import: fz_lsp.base, fz_lsp.analysis, fz_lsp.diagnostics, fz_lsp.features, fz_lsp.cli.files.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence

from fz_lsp.base import i18n
from fz_lsp.cli.files import READ_ERRORS, cannot, read_source

SEVERITY_NAMES = {1: "error", 2: "warning", 3: "info", 4: "hint"}


def diagnostic_entry(name: str, d) -> dict:
    """One diagnostic as `check` reports it (1-based line and columns, in characters)."""
    return {
        "path": name,
        "line": d.span.line + 1,
        "column": d.span.start + 1,
        "endLine": d.span.line + 1,
        "endColumn": d.span.end + 1,
        "severity": SEVERITY_NAMES[d.severity],
        "code": d.code,
        "message": d.message,
    }


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
    """`fz-lsp check`; messages in `language` (English when None)."""
    from fz_lsp.analysis.document import Document
    from fz_lsp.analysis.settings import Settings
    from fz_lsp.diagnostics import check

    language = language or i18n.ENGLISH
    tr = i18n.translator(language)
    settings = Settings(sequence_rules=sequence_rules, strict=strict, locale=language)
    status = 0
    report = []
    out = sys.stdout
    for path in files:
        try:
            text = read_source(path)
        except READ_ERRORS as err:
            print(cannot(tr, "read", path, err), file=sys.stderr)
            return 2
        name = "<stdin>" if path == "-" else path
        if fix:
            from fz_lsp.features.code_actions import fixed_text

            fixed = fixed_text(text, settings, name)
            if path == "-":
                sys.stdout.write(fixed)
                sys.stdout.flush()
                out = sys.stderr  # the fixed text owns stdout
            elif fixed != text:
                try:
                    with open(path, "w", encoding="utf-8", newline="") as f:
                        f.write(fixed)
                except OSError as err:
                    print(cannot(tr, "write", path, err), file=sys.stderr)
                    return 2
            text = fixed
        for d in check(Document(text, name), settings):
            if no_hints and d.severity == 4:
                continue
            if d.severity == 1:
                status = 1
            entry = diagnostic_entry(name, d)
            report.append(entry)
            if fmt == "text":
                print(diagnostic_line(entry), file=out)
    if fmt == "json":
        json.dump(report, out, ensure_ascii=False, indent=2)
        print(file=out)
    return status
