"""Text measuring and wrapping for the diagram renderer.

Widths approximate DejaVu Sans, the font the SVG asks for first: the printable ASCII
advance widths below are DejaVu Sans' own (hmtx table, in em), accented Latin letters
take their base letter's width, East Asian wide and fullwidth characters (CJK, most
emoji) take a full em, combining marks and joiners take none. Wrapping breaks at
spaces, after `-`, `/` and `|`, around wide characters, and inside a word only when the
word alone is wider than the line.

Pure Python: no pygls import.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

FONT_FAMILY = "'DejaVu Sans', 'Bitstream Vera Sans', Verdana, sans-serif"

# Advance widths (em) of U+0020..U+007E in DejaVu Sans and DejaVu Sans Bold.
_REGULAR_ASCII = (
    0.3179, 0.4009, 0.46, 0.8379, 0.6362, 0.9502, 0.7798, 0.2749, 0.3901, 0.3901, 0.5, 0.8379,
    0.3179, 0.3608, 0.3179, 0.3369, 0.6362, 0.6362, 0.6362, 0.6362, 0.6362, 0.6362, 0.6362, 0.6362,
    0.6362, 0.6362, 0.3369, 0.3369, 0.8379, 0.8379, 0.8379, 0.5308, 1, 0.6841, 0.686, 0.6982, 0.77,
    0.6318, 0.5752, 0.7749, 0.752, 0.2949, 0.2949, 0.6558, 0.5571, 0.8628, 0.748, 0.7871, 0.603,
    0.7871, 0.6948, 0.6348, 0.6108, 0.7319, 0.6841, 0.9888, 0.6851, 0.6108, 0.6851, 0.3901, 0.3369,
    0.3901, 0.8379, 0.5, 0.5, 0.6128, 0.6348, 0.5498, 0.6348, 0.6152, 0.3521, 0.6348, 0.6338,
    0.2778, 0.2778, 0.5791, 0.2778, 0.9741, 0.6338, 0.6118, 0.6348, 0.6348, 0.4111, 0.521, 0.3921,
    0.6338, 0.5918, 0.8179, 0.5918, 0.5918, 0.5249, 0.6362, 0.3369, 0.6362, 0.8379,
)  # fmt: skip
_BOLD_ASCII = (
    0.3481, 0.4561, 0.521, 0.8379, 0.6958, 1.002, 0.8721, 0.3062, 0.457, 0.457, 0.5229, 0.8379,
    0.3799, 0.415, 0.3799, 0.3652, 0.6958, 0.6958, 0.6958, 0.6958, 0.6958, 0.6958, 0.6958, 0.6958,
    0.6958, 0.6958, 0.3999, 0.3999, 0.8379, 0.8379, 0.8379, 0.5801, 1, 0.7739, 0.7622, 0.7339,
    0.8301, 0.6831, 0.6831, 0.8208, 0.8369, 0.3721, 0.3721, 0.7749, 0.6372, 0.9951, 0.8369, 0.8501,
    0.7329, 0.8501, 0.77, 0.7202, 0.6821, 0.812, 0.7739, 1.103, 0.771, 0.7241, 0.7251, 0.457,
    0.3652, 0.457, 0.8379, 0.5, 0.5, 0.6748, 0.7158, 0.5928, 0.7158, 0.6782, 0.4351, 0.7158, 0.7119,
    0.3428, 0.3428, 0.665, 0.3428, 1.042, 0.7119, 0.687, 0.7158, 0.7158, 0.4932, 0.5952, 0.478,
    0.7119, 0.6519, 0.9238, 0.645, 0.6519, 0.582, 0.7119, 0.3652, 0.7119, 0.8379,
)  # fmt: skip

WIDE_EM = 1.0  # CJK ideographs, kana, hangul, fullwidth forms, wide emoji
OTHER_EM = 0.65  # characters outside the table with no ASCII base letter (Greek, Cyrillic, ...)
_ZERO_WIDTH_CATEGORIES = frozenset({"Mn", "Me", "Cf"})
_ZWJ = "\u200d"
_BREAK_AFTER = frozenset("-/|")

# Memo budgets (ARCHITECTURE.md, "Caches and their bounds"): a preview re-rendered while
# the user types measures every intermediate label, so each cache drops its least
# recently used entries past a fixed size.
CHAR_EM_CACHE_ENTRIES = 8_192  # (character, weight) pairs; a CJK diagram uses a few thousand; ~1.5 MB
TEXT_WIDTH_CACHE_ENTRIES = 16_384  # words and wrapped lines; a 10,000-line diagram measures ~5,000; ~5 MB
TEXT_WIDTH_CACHE_MAX_CHARS = 64  # a longer text is measured each time (cost linear in its length anyway)


def line_height(size: float) -> float:
    """Distance between two baselines of wrapped text in `size` px."""
    return round(size * 1.3)


def _is_extender(ch: str) -> bool:
    """Characters drawn as part of the previous one (marks, joiners, selectors, skin tones)."""
    return unicodedata.category(ch) in _ZERO_WIDTH_CATEGORIES or 0x1F3FB <= ord(ch) <= 0x1F3FF


def _is_regional_indicator(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


def is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


@lru_cache(maxsize=CHAR_EM_CACHE_ENTRIES)
def char_em(ch: str, bold: bool = False) -> float:
    """Advance width of one character in em."""
    table = _BOLD_ASCII if bold else _REGULAR_ASCII
    code = ord(ch)
    if 0x20 <= code <= 0x7E:
        return table[code - 0x20]
    if _is_extender(ch):
        return 0.0
    if is_wide(ch) or unicodedata.category(ch) == "Cc":
        return WIDE_EM
    base = unicodedata.normalize("NFD", ch)[0]
    if 0x20 <= ord(base) <= 0x7E:
        return table[ord(base) - 0x20]
    return OTHER_EM


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in px of `text` set on one line in `size` px."""
    if len(text) > TEXT_WIDTH_CACHE_MAX_CHARS:
        return _measure(text, size, bold)
    return _memo_width(text, size, bold)


def _measure(text: str, size: float, bold: bool) -> float:
    return size * sum(char_em(ch, bold) for ch in text)


_memo_width = lru_cache(maxsize=TEXT_WIDTH_CACHE_ENTRIES)(_measure)
text_width.cache_clear = _memo_width.cache_clear  # type: ignore[attr-defined]  # as before: an lru_cache's API
text_width.cache_info = _memo_width.cache_info  # type: ignore[attr-defined]  # the same


def clusters(word: str) -> list[str]:
    """Split into user-perceived characters: a base plus marks, ZWJ sequences, flag pairs."""
    out: list[str] = []
    after_zwj = False
    for ch in word:
        joins = out and (
            after_zwj
            or _is_extender(ch)
            or (_is_regional_indicator(ch) and len(out[-1]) == 1 and _is_regional_indicator(out[-1]))
        )
        if joins:
            out[-1] += ch
        else:
            out.append(ch)
        after_zwj = ch == _ZWJ
    return out


def _pieces(word: str) -> list[str]:
    """A space-free word cut at its soft break opportunities (wide clusters stand alone)."""
    if word.isascii() and _BREAK_AFTER.isdisjoint(word):
        return [word] if word else []  # the common case: no cluster joins, none is wide, nowhere to break
    pieces: list[str] = []
    current = ""
    for cluster in clusters(word):
        if is_wide(cluster[0]):
            if current:
                pieces.append(current)
                current = ""
            pieces.append(cluster)
        elif cluster in _BREAK_AFTER:
            pieces.append(current + cluster)
            current = ""
        else:
            current += cluster
    if current:
        pieces.append(current)
    return pieces


def wrap(text: str, max_width: float, size: float, bold: bool = False) -> list[str]:
    """Greedy line breaking of `text` into lines no wider than `max_width` px.

    Whitespace runs collapse to one space (as SVG shows them). A single cluster wider
    than the line still gets a line of its own, so no character is ever dropped:
    ''.join(lines) equals the text with whitespace removed, once spaces are removed too.
    """
    space = text_width(" ", size, bold)
    lines: list[str] = []
    line, line_w = "", 0.0
    for word in text.split():
        for index, piece in enumerate(_pieces(word)):
            gap = space if index == 0 and line else 0.0
            piece_w = text_width(piece, size, bold)
            if line and line_w + gap + piece_w <= max_width:
                line += (" " if gap else "") + piece
                line_w += gap + piece_w
                continue
            if line:
                lines.append(line)
                line, line_w = "", 0.0
            if piece_w <= max_width:
                line, line_w = piece, piece_w
                continue
            for cluster in clusters(piece):
                cluster_w = text_width(cluster, size, bold)
                if line and line_w + cluster_w > max_width:
                    lines.append(line)
                    line, line_w = "", 0.0
                line += cluster
                line_w += cluster_w
    if line:
        lines.append(line)
    return lines


def block_width(lines: list[str] | tuple[str, ...], size: float, bold: bool = False) -> float:
    """Width of the widest of `lines`."""
    return max((text_width(line, size, bold) for line in lines), default=0.0)
