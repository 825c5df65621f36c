"""Code actions: quick fixes (`quick_fixes`), fix-all (`fix_all`: every safe quick fix at once,
also `fz-lsp check --fix`) and the request's entry point (`actions.code_actions`).

May import: fz_lsp.base, fz_lsp.syntax, fz_lsp.model, fz_lsp.analysis, fz_lsp.diagnostics.
"""

from fz_lsp.features.code_actions.actions import allowed, code_actions
from fz_lsp.features.code_actions.fix_all import fix_all_edits, fixed_text
from fz_lsp.features.code_actions.quick_fixes import FIX_ALL, KINDS, QUICKFIX, RENUMBER, SOURCE, Action

__all__ = [
    "FIX_ALL",
    "KINDS",
    "QUICKFIX",
    "RENUMBER",
    "SOURCE",
    "Action",
    "allowed",
    "code_actions",
    "fix_all_edits",
    "fixed_text",
]
