"""What every check shares: the diagnostics found so far, the settings and the user's language.

Every message goes through `self._` (fz_lsp/base/i18n.py): English in the code, in the
language of `settings.locale` in the diagnostic.

May import: fz_lsp.base, fz_lsp.model, fz_lsp.analysis, fz_lsp.diagnostics.codes.
"""

from __future__ import annotations

from typing import Any

from fz_lsp.analysis.settings import Settings
from fz_lsp.analysis.suggestions import code_list
from fz_lsp.base.i18n import translator
from fz_lsp.diagnostics.codes import CODES, Diagnostic, Related
from fz_lsp.model import Model, Span


class Reporter:
    """Collects diagnostics of one model under one set of settings."""

    def __init__(self, model: Model, settings: Settings) -> None:
        self.model = model
        self.settings = settings
        self.tr = translator(settings.locale)
        self._ = self.tr._
        self.out: list[Diagnostic] = []

    def add(self, code: str, span: Span, message: str, **extra: Any) -> None:
        severity = CODES[code].severity_for(self.settings.strict)
        self.out.append(Diagnostic(code, severity, message, span, **extra))

    def related(self, span: Span, message: str) -> tuple[Related, ...]:
        return (Related(span, message),)

    def choices(self, words: tuple[str, ...]) -> str:
        return code_list(words, self.tr)
