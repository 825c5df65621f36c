"""`fz-lsp format [--check] [--indent N] FILE...`: FlowZap's canonical style, the formatter the
language server runs on "Format Document" (features/formatting.py), for files and hooks.

- without --check: each file that is not in the style is rewritten in place and named on
  stderr (`reformatted FILE`); `-` reads stdin and writes the formatted text to stdout;
- with --check: nothing is written; each file that would change is named on stdout
  (`would reformat FILE`), and the status is 1 when any would.
Formatting never changes what a document means (a line is rebuilt only when it parses back
to the same statement), and line terminators, blank lines and broken lines are kept.

Exit codes: 0 done (or, with --check, nothing to change), 1 a file would change (--check),
2 a file could not be read or written (every file is handled all the same; the worst wins).

May import: fz_lsp.base, fz_lsp.features.formatting, fz_lsp.cli.files.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from fz_lsp.base import i18n
from fz_lsp.cli.files import READ_ERRORS, cannot, read_source
from fz_lsp.features.formatting import MAX_INDENT, format_text


def run_format(files: Sequence[str], check_only: bool, indent: int = 0, language: str | None = None) -> int:
    tr = i18n.translator(language)
    indent = max(0, min(indent, MAX_INDENT))
    status = 0
    changed = 0
    for path in files:
        try:
            text = read_source(path, tr)
        except READ_ERRORS as err:
            print(cannot(tr, "read", path, err), file=sys.stderr)
            status = 2
            continue
        formatted = format_text(text, indent)
        shown = "<stdin>" if path == "-" else path
        if check_only:
            if formatted != text:
                print(tr._("would reformat {path}", path=shown))
                changed += 1
                status = max(status, 1)
            continue
        if path == "-":
            sys.stdout.write(formatted)
            sys.stdout.flush()
            continue
        if formatted == text:
            continue
        try:
            with open(path, "rb") as f:
                bom = f.read(3) == b"\xef\xbb\xbf"  # read_source dropped it: keep it
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write("\ufeff" + formatted if bom else formatted)
        except OSError as err:
            print(cannot(tr, "write", path, err), file=sys.stderr)
            status = 2
            continue
        print(tr._("reformatted {path}", path=shown), file=sys.stderr)
        changed += 1
    if check_only and changed:
        print(
            tr._n("{n} file would be reformatted", "{n} files would be reformatted", changed),
            file=sys.stderr,
        )
    return status
