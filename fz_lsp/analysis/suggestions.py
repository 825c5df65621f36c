"""The one "Unknown X. Did you mean Y?" message: what a misspelt FlowZap word was most likely
meant to be (syntax.vocabulary.nearest) and the sentence that says so, in the user's
language. Diagnostics (unknown shape, attribute, handle direction, lane prefix) and hover
(a shape or direction under the cursor) say the same thing the same way.

May import: fz_lsp.base, fz_lsp.syntax.
"""

from __future__ import annotations

from dataclasses import dataclass

from fz_lsp.base.i18n import Translator
from fz_lsp.syntax.vocabulary import DIRECTIONS, NODE_ATTRIBUTES, SHAPES, nearest

SHAPE, ATTRIBUTE, DIRECTION, LANE = "shape", "attribute", "direction", "lane"

# the choices of each kind of word; a lane's are the document's lane ids (given by the caller)
CHOICES = {SHAPE: SHAPES, ATTRIBUTE: NODE_ATTRIBUTES, DIRECTION: DIRECTIONS}


@dataclass(frozen=True)
class Suggestion:
    message: str
    guess: str | None  # the word meant, when one is close enough


def code_list(words: tuple[str, ...], tr: Translator) -> str:
    """`a`, `b`, `c` or `d` in `tr`'s language."""
    return tr.or_list(tuple(f"`{w}`" for w in words))


def unknown_word(tr: Translator, kind: str, word: str, choices: tuple[str, ...] | None = None) -> Suggestion:
    """The sentence for `word`, not a `kind` FlowZap knows, with the nearest of `choices`
    (by default the kind's own words) as a guess."""
    choices = CHOICES[kind] if choices is None else choices
    guess = nearest(word, choices) if choices else None
    _ = tr._
    if kind == LANE:
        if guess:
            return Suggestion(
                _("There is no lane `{prefix}`. Did you mean `{guess}`?", prefix=word, guess=guess), guess
            )
        return Suggestion(_("There is no lane `{prefix}`.", prefix=word), None)
    listed = code_list(choices, tr)
    if kind == SHAPE:
        if guess:
            text = _(
                "Unknown shape `{word}`. Did you mean `{guess}`? Shapes are {choices}.",
                word=word,
                guess=guess,
                choices=listed,
            )
        else:
            text = _("Unknown shape `{word}`. Shapes are {choices}.", word=word, choices=listed)
    elif kind == ATTRIBUTE:
        if guess:
            text = _(
                "Unknown node attribute `{word}`. Did you mean `{guess}`? Nodes take {choices}.",
                word=word,
                guess=guess,
                choices=listed,
            )
        else:
            text = _("Unknown node attribute `{word}`. Nodes take {choices}.", word=word, choices=listed)
    elif kind == DIRECTION:
        if guess:
            text = _(
                "Unknown handle direction `{word}`: did you mean `{guess}`? Use {choices}.",
                word=word,
                guess=guess,
                choices=listed,
            )
        else:
            text = _("Unknown handle direction `{word}`: Use {choices}.", word=word, choices=listed)
    else:
        raise ValueError(f"unknown kind of word {kind!r}")
    return Suggestion(text, guess)
