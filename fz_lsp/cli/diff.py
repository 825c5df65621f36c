"""`fz-lsp diff OLD NEW`: what changed between two versions of a diagram (nodes by id, edges by
their ends, lanes, loops), as lines for a person or flowzap_diff's JSON; exit 0 no change,
1 changes (as diff(1)), 2 unreadable input.

May import: fz_lsp.base, fz_lsp.analysis, fz_lsp.features.graph_diff, fz_lsp.cli.files, fz_lsp.cli.usage.
"""

from __future__ import annotations

import json
import sys

from fz_lsp.base import i18n
from fz_lsp.cli.files import READ_ERRORS, cannot, read_source
from fz_lsp.cli.usage import UsageError


def run_diff(old_path: str, new_path: str, fmt: str, language: str | None = None) -> int:
    from fz_lsp.analysis.document import analyse
    from fz_lsp.features.graph_diff import diff_models, text_report

    tr = i18n.translator(language)
    if old_path == "-" and new_path == "-":
        raise UsageError("fz-lsp: " + tr._("only one of OLD and NEW can be '-' (stdin)"))
    models = []
    for path in (old_path, new_path):
        try:
            models.append(analyse(read_source(path)).model)
        except READ_ERRORS as err:
            print(cannot(tr, "read", path, err), file=sys.stderr)
            return 2
    diff = diff_models(*models)
    if fmt == "json":
        json.dump(diff, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print("\n".join(text_report(diff)))
    return 0 if diff["summary"] == "no change" else 1
