"""What fz-lsp says about each of the project's own fixtures (tests/fixtures/README.md says
the same in words): tests/test_server_diagnostics.py checks it through the server, and
tests/test_cli.py checks that `fz-lsp check` accepts the valid ones."""

from __future__ import annotations

from lsprotocol import types

E, W, H = (
    int(types.DiagnosticSeverity.Error),
    int(types.DiagnosticSeverity.Warning),
    int(types.DiagnosticSeverity.Hint),
)
# every diagnostic of each fixture with default settings: (code, line, severity)
VERDICTS: dict[str, list[tuple[str, int, int]]] = {
    "library-hold.fz": [],
    "cake-order-crlf-indented.fz": [],
    "greenhouse-cr.fz": [],
    "recycling-no-final-newline.fz": [],
    "ferry-tab-indented.fz": [],
    "hotel-old-display-label.fz": [("display-label-own-line", 1, H), ("display-label-own-line", 11, H)],
    "porch-light-old-label-no-final-newline.fz": [("display-label-own-line", 1, H)],
    "newsroom-taskboxes.fz": [],
    "peer-review-loop-across-lanes.fz": [],
    "baggage-forward-references.fz": [],
    "kettle-single-lane-loop.fz": [],
    "weather-request-reply.fz": [],
    "doorbell-orphan-no-reply.fz": [("orphan-node", 2, W)],
    "bubble-tea-cjk-emoji.fz": [],
    "mermaid-mixed.fz": [("not-flowzap", 0, E), ("not-flowzap", 1, E), ("not-flowzap", 8, E)],
    "template-known-errors.fz": [("unknown-shape", 2, E), ("undefined-node", 4, E)],
    "truncated/er-triage-cut-mid-handle.fz.partial": [("unclosed-lane", 22, E), ("syntax-error", 33, E)],
    # the cut line still declares n9 (spec §2: a readable id is declared even if the line is broken)
    "truncated/parcel-cut-mid-string.fz.partial": [
        ("unclosed-lane", 16, E),
        ("orphan-node", 18, W),
        ("orphan-node", 19, W),
        ("syntax-error", 19, E),
    ],
    "truncated/field-trip-cut-after-shape.fz.partial": [
        ("undefined-lane", 7, E),
        ("undefined-node", 7, E),
        ("unclosed-lane", 17, E),
        ("orphan-node", 19, W),
        ("missing-label", 20, W),
        ("orphan-node", 20, W),
    ],
    "truncated/bike-share-cut-after-dot.fz.partial": [
        ("undefined-node", 6, E),
        ("unclosed-lane", 8, E),
        ("syntax-error", 16, E),
    ],
    "truncated/bakery-crlf-cut-between-lines.fz.partial": [("unclosed-lane", 8, E)],
}
# no error at all (warnings and hints allowed): what `fz-lsp check` must accept
VALID = [name for name, found in VERDICTS.items() if E not in [severity for _, _, severity in found]]
