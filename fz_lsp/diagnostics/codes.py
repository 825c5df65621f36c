"""Diagnostic values and the codes they carry: each code's default severity, summary and
whether FlowZap's validator rejects it (strict mode makes those errors).

May import: fz_lsp.model (spans).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fz_lsp.model.span import Span

ERROR, WARNING, INFORMATION, HINT = 1, 2, 3, 4

FLOWZAP_CHAR_LIMIT = 50_000


@dataclass(frozen=True)
class Related:
    """Another place a diagnostic points at (LSP relatedInformation), with what it is."""

    span: Span
    message: str


@dataclass(frozen=True)
class Diagnostic:
    """One problem found: its code, severity, message and span; the other places it concerns,
    what its quick fixes need (`data`) and whether the span is unnecessary (shown faded)."""

    code: str
    severity: int
    message: str
    span: Span
    related: tuple[Related, ...] = ()
    data: dict[str, Any] | None = None
    unnecessary: bool = False  # rendered faded (e.g. a redundant prefix)

    def sort_key(self) -> tuple[int, int, int, str]:
        return (self.span.line, self.span.start, self.span.end, self.code)


@dataclass(frozen=True)
class CodeInfo:
    """What a diagnostic code means and how loud it is (README, "Diagnostics").

    Severity follows what FlowZap does (spec §2): an error when FlowZap cannot draw the
    text as written; a warning when FlowZap draws it but its validator or guidelines
    reject it (`validator`: strict mode makes those errors) or it is almost certainly a
    slip; a hint for style."""

    severity: int  # by default
    summary: str
    validator: bool = False  # FlowZap's validator rejects it: an error in strict mode

    @property
    def flowzap_draws(self) -> bool:
        return self.severity != ERROR

    def severity_for(self, strict: bool) -> int:
        return ERROR if strict and self.validator else self.severity


def _code(severity: int, summary: str, validator: bool = False) -> CodeInfo:
    return CodeInfo(severity, summary, validator)


# the README table is checked against this
CODES: dict[str, CodeInfo] = {
    "syntax-error": _code(ERROR, "A line the grammar cannot read (the slip named, with a fix where it is obvious)"),
    "not-flowzap": _code(ERROR, "Mermaid / PlantUML syntax mixed into FlowZap Code"),
    "undefined-node": _code(ERROR, "An edge or loop names a node declared nowhere"),
    "undefined-lane": _code(ERROR, "A `Lane.` prefix names no lane"),
    "wrong-lane": _code(ERROR, "A `Lane.` prefix names a lane that does not hold the node"),
    "missing-lane-prefix": _code(ERROR, "A target in another lane lacks its `Lane.` prefix"),
    "bad-handle": _code(ERROR, "Unknown or malformed handle direction"),
    "missing-handle": _code(ERROR, "An edge endpoint without `.handle(direction)`"),
    "chained-edge": _code(ERROR, "More than one `->` on a line"),
    "unclosed-lane": _code(ERROR, "A lane whose `}` is missing"),
    "unmatched-brace": _code(ERROR, "A `}` with no open lane"),
    "duplicate-node": _code(ERROR, "A node id declared twice"),
    "duplicate-lane": _code(ERROR, "A lane id declared twice"),
    "unknown-shape": _code(ERROR, "A shape other than circle, rectangle, diamond, taskbox"),
    "outside-lane": _code(ERROR, "A node outside every lane (it has no lane to be drawn in)"),
    "label-operator": _code(WARNING, "`label=` on a node or `[label:…]` on an edge", validator=True),
    "unknown-attribute": _code(WARNING, "An attribute other than label, owner, description, system", validator=True),
    "edge-outside-source-lane": _code(
        WARNING, "An edge written in a lane other than its source node's", validator=True
    ),
    "top-level-edge": _code(WARNING, "An edge or loop outside every lane (after the last `}`)", validator=True),
    "stray-display-label": _code(WARNING, "A `# label` line that is not right after a lane's `{`", validator=True),
    "missing-label": _code(WARNING, "A circle, rectangle or diamond without a label", validator=True),
    "id-gap": _code(WARNING, "Node ids do not run n1..nN without gaps", validator=True),
    "non-canonical-id": _code(WARNING, "A node id not of the form n<number>", validator=True),
    "long-label": _code(WARNING, "A label longer than the docs' 50 characters", validator=True),
    "loop-too-short": _code(WARNING, "A loop with fewer than two nodes", validator=True),
    "too-large": _code(WARNING, "More than FlowZap's 50,000 characters", validator=True),
    "duplicate-attribute": _code(WARNING, "The same attribute given twice (FlowZap uses the first)"),
    "orphan-node": _code(WARNING, "A node no edge or loop touches"),
    "duplicate-edge": _code(WARNING, "The same edge written twice"),
    # FlowZap's validator enforces these since April 2026: on in strict mode, opt-in otherwise
    "missing-reply": _code(WARNING, "Sequence rule (opt-in): a cross-lane request with no reply", validator=True),
    "ping-pong": _code(WARNING, "Sequence rule (opt-in): two requests in a row without a reply", validator=True),
    "prefixed-source": _code(HINT, "An edge source written with its `Lane.` prefix"),
    "redundant-lane-prefix": _code(HINT, "A `Lane.` prefix naming the edge's own lane"),
    "missing-display-label": _code(HINT, "A lane header without `# Display Label`"),
    "display-label-own-line": _code(HINT, "Old style: the display label on its own line"),
    "comment": _code(HINT, "A `//` line: the FlowZap editor ignores it, the guidelines forbid it"),
}


SEVERITY_NAMES = {ERROR: "error", WARNING: "warning", INFORMATION: "info", HINT: "hint"}


def as_record(d: Diagnostic) -> dict[str, int | str]:
    """A diagnostic as plain JSON data, as `fz-lsp check --format json` and the MCP server
    report it: 1-based line and columns (in characters), the severity's name, code, message."""
    return {
        "line": d.span.line + 1,
        "column": d.span.start + 1,
        "endLine": d.span.line + 1,
        "endColumn": d.span.end + 1,
        "severity": SEVERITY_NAMES[d.severity],
        "code": d.code,
        "message": d.message,
    }


def most_severe(found: list[Diagnostic], limit: int) -> list[Diagnostic]:
    """At most `limit` of `found`: errors first, then warnings, infos, hints (each kind in
    document order), returned in document order. `found` itself when it is short enough."""
    if len(found) <= limit:
        return found
    kept = sorted(found, key=lambda d: (d.severity, d.sort_key()))[:limit]
    kept.sort(key=Diagnostic.sort_key)
    return kept
