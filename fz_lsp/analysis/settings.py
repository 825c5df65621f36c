"""User settings (`flowzap.*`), as one immutable value.

Read from `initializationOptions` and `workspace/configuration` by the server and from
flags by the CLI. Unknown keys are ignored; values of the wrong type fall back to the
default, so a bad setting can never break analysis.

Pure Python: no pygls import.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, ClassVar

from fz_lsp.analysis.views import SEQUENCE_ORDERS
from fz_lsp.base.i18n import is_locale_setting


@dataclass(frozen=True)
class Settings:
    """Every `flowzap.*` setting the analysis and the features read, each with its default."""

    diagnostics_delay_ms: int = 150  # flowzap.diagnostics.delayMs
    sequence_rules: bool = False  # flowzap.diagnostics.sequenceRules
    strict: bool = False  # flowzap.diagnostics.strict: FlowZap's validator rules are errors, not warnings
    max_label_length: int = 50  # flowzap.diagnostics.maxLabelLength
    format_indent: int = 0  # flowzap.format.indent (spaces inside lanes; 0 = none)
    inlay_hint_labels: bool = True  # flowzap.inlayHints.labels
    preview_theme: str = "auto"  # flowzap.preview.theme: auto | light | dark
    # flowzap.preview.sequenceOrder: the sequence view's order of steps (fz_lsp/render/sequence_order.py)
    preview_sequence_order: str = "causal"  # causal | document (FlowZap's: the edges' order)
    # flowzap.locale: the language of messages, hovers and fixes (fz_lsp/i18n.py). "auto":
    # the client's (initialize's `locale`), else the environment's. The server and the CLI
    # replace "auto" by the language it stands for; pure features read "auto" as English.
    locale: str = "auto"

    # setting path (below `flowzap`) -> field name
    KEYS: ClassVar[dict[str, str]] = {
        "diagnostics.delayMs": "diagnostics_delay_ms",
        "diagnostics.sequenceRules": "sequence_rules",
        "diagnostics.strict": "strict",
        "diagnostics.maxLabelLength": "max_label_length",
        "format.indent": "format_indent",
        "inlayHints.labels": "inlay_hint_labels",
        "preview.theme": "preview_theme",
        "preview.sequenceOrder": "preview_sequence_order",
        "locale": "locale",
    }

    # string settings -> the values they take
    CHOICES: ClassVar[dict[str, tuple[str, ...]]] = {
        "preview_theme": ("auto", "light", "dark"),
        "preview_sequence_order": SEQUENCE_ORDERS,
    }

    @classmethod
    def from_mapping(cls, raw: Any, base: Settings | None = None) -> Settings:
        """Settings from a `flowzap` section, given nested ({"diagnostics": {...}}),
        dotted ({"diagnostics.delayMs": 0}) or wrapped ({"flowzap": {...}})."""
        base = base or cls()
        if not isinstance(raw, Mapping):
            return base
        if isinstance(raw.get("flowzap"), Mapping):
            raw = raw["flowzap"]
        values = {f.name: getattr(base, f.name) for f in fields(cls)}
        for path, name in cls.KEYS.items():
            found, value = _lookup(raw, path)
            if not found:
                continue
            default = getattr(cls(), name)
            if isinstance(default, bool):
                ok = isinstance(value, bool)
            elif isinstance(default, int):
                ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 100_000
            elif name == "locale":
                ok = is_locale_setting(value)
            else:
                ok = value in cls.CHOICES[name]
            if ok:
                values[name] = value
        return cls(**values)


def _lookup(raw: Mapping[str, Any], path: str) -> tuple[bool, Any]:
    if path in raw:
        return True, raw[path]
    node: Any = raw
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return False, None
        node = node[part]
    return True, node
