"""Markdown as hover and completion write it: user text escaped, code spans, and the same
text made plain for clients without Markdown.

May import: the standard library only.
"""

from __future__ import annotations

import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~])")


def md(text: str) -> str:
    """User text made safe for Markdown (no accidental emphasis, links or HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


_MD_PLAIN = re.compile(r"\\([\\`*_{}\[\]()<>#+\-.!|~])|\*\*|`|  (?=\n)")


def markdown_to_plain(text: str) -> str:
    """The Markdown this package writes, as plain text (for clients without Markdown):
    escapes undone, `**`, backticks and hard-break spaces dropped."""
    return _MD_PLAIN.sub(lambda m: m.group(1) or "", text)


def code_span(text: str) -> str:
    return f"`{text}`" if "`" not in text else f"``{text}``"
