"""FlowZap's words, defined once: shapes, attributes, handle directions, what an id looks
like, and how a misspelt word is matched to the word meant.

Every layer above reads them here (the parser's lexer, recovery, the model, the checks,
completion, hover, semantic tokens, code actions).

May import: fz_lsp.base (stdlib otherwise).
"""

from __future__ import annotations

import re

from fz_lsp.base.i18n import N_

SHAPES = ("circle", "rectangle", "diamond", "taskbox")
NODE_ATTRIBUTES = ("label", "owner", "description", "system")
EDGE_ATTRIBUTES = ("label",)
DIRECTIONS = ("left", "right", "top", "bottom")

SHAPE_DESCRIPTIONS = {  # English; shown through i18n (`tr._(SHAPE_DESCRIPTIONS[shape])`)
    "circle": N_("Start or end point"),
    "rectangle": N_("A process step"),
    "diamond": N_("A decision (branches leave by right/bottom/left)"),
    "taskbox": N_("An assigned task with owner, description and system"),
}

HANDLE_SIDES = {  # where an edge meets a node for each direction; English, shown through i18n
    "left": N_("the middle of its left side"),
    "right": N_("the middle of its right side"),
    "top": N_("the middle of its top side"),
    "bottom": N_("the middle of its bottom side"),
}

# An identifier (lane id, node id, keyword, attribute key): the grammar's NAME terminal.
NAME_CHARS = "A-Za-z0-9_"  # the characters of an identifier, for a [class] (the first is not a digit)
NAME = rf"[A-Za-z_][{NAME_CHARS}]*"
NAME_CHAR = re.compile(rf"[{NAME_CHARS}]")  # `NAME_CHAR.match(c)`: c can be part of an identifier
NAME_END = rf"(?![{NAME_CHARS}])"  # in a pattern: no identifier goes on here
ID_PATTERN = re.compile(NAME + r"\Z")  # `ID_PATTERN.match(text)`: the whole text is an identifier
CANONICAL_ID = re.compile(r"n[1-9][0-9]*\Z")  # the node ids FlowZap's docs ask for: n1, n2, ...


def spelled_like(word: str, guess: str, ratio: float) -> bool:
    """`word` is `guess` or a slip of it: a prefix either way (`rect`, `labels`), any case,
    or as alike as `ratio` by difflib's measure (`rectangel`, `lable`)."""
    low = word.lower()
    if guess.startswith(low) or low.startswith(guess):
        return True
    import difflib  # here: a document without slips never needs it

    return difflib.SequenceMatcher(None, low, guess).ratio() >= ratio


def nearest(word: str, choices: tuple[str, ...], ratio: float = 0.4) -> str | None:
    """The choice `word` is most likely a slip of: the same word in any case, else the first
    choice spelled like it by a prefix either way, else the most alike by difflib's measure
    (at least `ratio`); None when none is."""
    low = word.lower()
    if low in choices:
        return low
    prefixed = [c for c in choices if low and (c.startswith(low) or low.startswith(c))]
    if prefixed:
        return prefixed[0]
    import difflib

    close = difflib.get_close_matches(low, choices, n=1, cutoff=ratio)
    return close[0] if close else None
