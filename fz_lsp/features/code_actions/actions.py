"""The code actions of a request: quick fixes for the client's diagnostics, "Renumber nodes"
and "Fix all FlowZap problems", filtered by the request's `only`.

`context.only` is honoured: an action of kind K is returned when K equals an entry of
`only` or starts with an entry followed by `.`.

May import: fz_lsp.base, fz_lsp.analysis, fz_lsp.model, this package's quick_fixes and fix_all.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from fz_lsp.analysis.settings import Settings
from fz_lsp.base.i18n import translator
from fz_lsp.features.code_actions.fix_all import fix_all_edits
from fz_lsp.features.code_actions.quick_fixes import FIX_ALL, QUICKFIX, RENUMBER, Action, quick_fixes, renumber_action
from fz_lsp.model import Span

if TYPE_CHECKING:
    from fz_lsp.analysis.document import Document

log = logging.getLogger(__name__)


def allowed(kind: str, only: Sequence[str] | None) -> bool:
    if not only:
        return True
    return any(kind == o or kind.startswith(o + ".") for o in only)


def code_actions(
    doc: Document,
    settings: Settings,
    requested: Sequence[tuple[str | None, Span | None]],
    only: Sequence[str] | None = None,
) -> list[Action]:
    """Quick fixes for the client's diagnostics (code, code-point span; a span of None
    never matches) and the source actions, filtered by `only`."""
    tr = translator(settings.locale)
    out: list[Action] = []
    renumber: list[Action | None] = []  # computed at most once per request

    def renumbered() -> Action | None:
        if not renumber:
            renumber.append(renumber_action(doc, tr))
        return renumber[0]

    if allowed(QUICKFIX, only):
        out += quick_fixes(doc, settings, requested, renumbered)
    if allowed(RENUMBER, only):
        renumber_all = renumbered()
        if renumber_all is not None:
            out.append(renumber_all)
    if only and allowed(FIX_ALL, only):  # asked for by kind (fix on save, the Source Action menu)
        try:
            edits = fix_all_edits(doc, settings)
        except Exception:  # it needs the diagnostics; when they fail, the other actions still answer
            log.exception("fix all failed for %s", doc.uri)
            edits = []
        if edits:
            out.append(Action(tr._("Fix all FlowZap problems"), FIX_ALL, edits))
    return out
