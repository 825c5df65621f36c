"""The diagnostics layer: every mistake FlowZap warns about, on the exact token.

`check(document, settings)` returns plain `Diagnostic` values (code-point spans). Codes are
stable kebab-case strings documented in the README (`CODES`: severity tiers, strict mode);
`data` carries what a quick fix needs. The protocol layer converts spans to the client's
position encoding.

- `codes`: `Diagnostic`, `CODES`, severities, `most_severe`;
- `report`: what every check shares (settings, language, the list found);
- `lines`: checks of one line alone (cached per line);
- `document_checks`: checks of the whole model's links (lanes, ids, references);
- `sequence_rules`: the sequence-view rules (opt-in, and on in strict mode);
- `check`: the entry point and its caches.

May import: fz_lsp.base, fz_lsp.syntax, fz_lsp.model, fz_lsp.analysis. Nothing above.
"""

from fz_lsp.diagnostics.check import check
from fz_lsp.diagnostics.codes import (
    CODES,
    ERROR,
    FLOWZAP_CHAR_LIMIT,
    HINT,
    INFORMATION,
    SEVERITY_NAMES,
    WARNING,
    CodeInfo,
    Diagnostic,
    Related,
    as_record,
    most_severe,
)

__all__ = [
    "CODES",
    "ERROR",
    "FLOWZAP_CHAR_LIMIT",
    "HINT",
    "INFORMATION",
    "SEVERITY_NAMES",
    "WARNING",
    "CodeInfo",
    "Diagnostic",
    "Related",
    "as_record",
    "check",
    "most_severe",
]
