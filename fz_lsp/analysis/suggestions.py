"""The one "Unknown X. Did you mean Y?" message: what a misspelt FlowZap word was most likely
meant to be (syntax.vocabulary.nearest) and the sentence that says so, in the user's
language. Diagnostics (unknown shape, attribute, handle direction, lane prefix) and hover
(a shape or direction under the cursor) say the same thing the same way.

May import: fz_lsp.base, fz_lsp.syntax.
"""

from __future__ import annotations

from dataclasses import dataclass

from fz_lsp.base.i18n import N_, Translator
from fz_lsp.syntax.vocabulary import DIRECTIONS, NODE_ATTRIBUTES, SHAPES, nearest

SHAPE, ATTRIBUTE, DIRECTION, LANE = "shape", "attribute", "direction", "lane"

# the choices of each kind of word; a lane's are the document's lane ids (given by the caller)
CHOICES = {SHAPE: SHAPES, ATTRIBUTE: NODE_ATTRIBUTES, DIRECTION: DIRECTIONS}


@dataclass(frozen=True)
class Suggestion:
    """The sentence about a misspelt word, and the word it was most likely meant to be."""

    message: str
    guess: str | None  # the word meant, when one is close enough


def code_list(words: tuple[str, ...], tr: Translator) -> str:
    """`a`, `b`, `c` or `d` in `tr`'s language."""
    return tr.or_list(tuple(f"`{w}`" for w in words))


# kind -> (the sentence with a guess, the sentence without one); English, translated when said
_SENTENCES = {
    SHAPE: (
        N_("Unknown shape `{word}`. Did you mean `{guess}`? Shapes are {choices}."),
        N_("Unknown shape `{word}`. Shapes are {choices}."),
    ),
    ATTRIBUTE: (
        N_("Unknown node attribute `{word}`. Did you mean `{guess}`? Nodes take {choices}."),
        N_("Unknown node attribute `{word}`. Nodes take {choices}."),
    ),
    DIRECTION: (
        N_("Unknown handle direction `{word}`: did you mean `{guess}`? Use {choices}."),
        N_("Unknown handle direction `{word}`: Use {choices}."),
    ),
    LANE: (
        N_("There is no lane `{prefix}`. Did you mean `{guess}`?"),  # {prefix}: the word, as the catalogs have it
        N_("There is no lane `{prefix}`."),
    ),
}


def unknown_word(tr: Translator, kind: str, word: str, choices: tuple[str, ...] | None = None) -> Suggestion:
    """The sentence for `word`, not a `kind` FlowZap knows (SHAPE, ATTRIBUTE, DIRECTION, LANE),
    with the nearest of `choices` (by default the kind's own words; a lane's: the document's
    lane ids) as a guess. Lanes are not listed: a document may have many."""
    if kind not in _SENTENCES:
        raise ValueError(f"unknown kind of word {kind!r}")
    choices = CHOICES[kind] if choices is None else choices
    guess = nearest(word, choices) if choices else None
    with_guess, without = _SENTENCES[kind]
    listed = code_list(choices, tr) if kind != LANE else ""
    if guess:
        return Suggestion(tr._(with_guess, word=word, prefix=word, guess=guess, choices=listed), guess)
    return Suggestion(tr._(without, word=word, prefix=word, choices=listed), None)
