"""The entry point: `check(document, settings)`, every diagnostic of a document, sorted by
position, and the caches that make it cheap on every keystroke.

Three levels of reuse, all keyed by the settings in use:
- each line's own diagnostics live in its `LineFacts.derived` (diagnostics/lines.py), emptied
  by the model whenever that line changes;
- the document-wide ones (diagnostics/document_checks.py, sequence rules) are kept while the
  document's `link_revision` stays (an edit in place, such as typing in a label, keeps it);
- the sorted whole is kept while the document's `revision` stays.
They live in the document's `derived` under this module's key, so closing a document
(Document.dispose) drops them.

May import: fz_lsp.base, fz_lsp.syntax, fz_lsp.model, fz_lsp.analysis and this package.
"""

from __future__ import annotations

from fz_lsp.analysis.document import Document
from fz_lsp.analysis.settings import Settings
from fz_lsp.diagnostics.codes import FLOWZAP_CHAR_LIMIT, Diagnostic
from fz_lsp.diagnostics.document_checks import DocumentChecks
from fz_lsp.diagnostics.lines import LineChecks
from fz_lsp.diagnostics.report import Reporter
from fz_lsp.diagnostics.sequence_rules import sequence_rules
from fz_lsp.model import Span


class _Cache:
    """What `check` keeps of one document (in `document.derived`)."""

    __slots__ = ("found", "link_revision", "revision", "wide")

    def __init__(self) -> None:
        self.revision = -1
        self.link_revision = -1
        self.found: dict[Settings, list[Diagnostic]] = {}
        self.wide: dict[Settings, list[Diagnostic]] = {}  # the document-wide diagnostics


_KEY = "fz_lsp.diagnostics"  # this module's entry in Document.derived
# the settings of a call that gives none: one object, so each line's cached diagnostics
# are recognised by identity (a fresh Settings() would be compared on every line)
DEFAULT_SETTINGS = Settings()


def check(doc: Document, settings: Settings | None = None) -> list[Diagnostic]:
    """All diagnostics of the document under `settings`, sorted by position."""
    settings = settings or DEFAULT_SETTINGS
    cache = doc.derived.get(_KEY)
    if cache is None:
        cache = doc.derived[_KEY] = _Cache()
    if cache.link_revision != doc.link_revision:
        cache.link_revision = doc.link_revision
        cache.wide.clear()
    if cache.revision != doc.revision:
        cache.revision = doc.revision
        cache.found.clear()
    found = cache.found.get(settings)
    if found is None:
        model = doc.model
        wide = cache.wide.get(settings)
        if wide is None:
            checks = DocumentChecks(model, settings)
            checks.all()
            if settings.sequence_rules or settings.strict:  # strict: FlowZap's validator enforces them
                sequence_rules(checks)
            wide = cache.wide[settings] = checks.out
        lines = LineChecks(model, settings)
        lines.lines()
        _size(lines, len(doc.source))
        found = cache.found[settings] = sorted(wide + lines.out, key=Diagnostic.sort_key)
    return found


def _size(report: Reporter, total: int) -> None:
    """A document over FlowZap's limit of characters."""
    if total > FLOWZAP_CHAR_LIMIT:
        lines = report.model.lines
        first_line = next((i for i, text in enumerate(lines) if text.strip()), 0)
        report.add(
            "too-large",
            Span(first_line, 0, len(lines[first_line])),
            report._(
                "This diagram has {n} characters; FlowZap accepts at most {limit}",
                n=report.tr.number(total),
                limit=report.tr.number(FLOWZAP_CHAR_LIMIT),
            ),
        )
