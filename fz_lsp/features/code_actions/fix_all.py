"""Fix all: every safe quick fix in a document at once (`source.fixAll.flowzap`, and
`fz-lsp check --fix`).

Safe means preferred: the quick fixes quick_fixes.py marks preferred (label
operators, named slips, handle typos, close shape and attribute corrections, lane
prefixes, the display label moved onto its `{` line, an edge moved into its source's
lane, a duplicate edge removed, …); guesses (declaring a missing node, renumbering ids,
a distant correction) are never applied. Fixes are applied in rounds (a fix can reveal
another, e.g. a repaired line whose target then needs its lane prefix), each round taking
the fixes that do not overlap, until nothing is left to fix. A round that would leave any
kind of error more frequent than before is undone, fix by fix, so the result never has more
errors of any code than the text it started from.

The answer is a list of edits that turns the document into the fixed text, one per block of
changed lines, so the client's cursor and undo history move as little as possible.
`fix_report` also says what was fixed (each fix's code, title and line in the original text),
and `fixable` which diagnostics a fix-all repairs (those with a preferred quick fix).

May import: fz_lsp.base, fz_lsp.syntax, fz_lsp.model, fz_lsp.analysis, fz_lsp.diagnostics,
fz_lsp.features.code_actions.quick_fixes.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fz_lsp.analysis.edits import OverlappingEdits, Region, TextEdit, apply_edits, check_edits
from fz_lsp.analysis.settings import Settings
from fz_lsp.diagnostics import ERROR, check
from fz_lsp.features.code_actions.quick_fixes import Action, quick_fixes
from fz_lsp.model import Span

if TYPE_CHECKING:
    from fz_lsp.analysis.document import Document

MAX_ROUNDS = 8


def _error_counts(doc: Document, settings: Settings) -> Counter[str]:
    return Counter(d.code for d in check(doc, settings) if d.severity == ERROR)


def _not_worse(after: Counter[str], before: Counter[str]) -> bool:
    return all(after[code] <= before[code] for code in after)


@dataclass(frozen=True)
class Fixed:
    """One fix a fix-all applied."""

    code: str  # the diagnostic it repaired
    title: str  # the quick fix's title ("Use a colon: `:`")
    line: int | None  # 0-based, in the original text; None on a line an earlier fix wrote


def _safe_fixes(doc: Document, settings: Settings) -> list[Action]:
    """Every preferred quick fix of the document's own diagnostics."""
    requested = [(d.code, d.span) for d in check(doc, settings)]
    return [a for a in quick_fixes(doc, settings, requested) if a.preferred]


def fixable(doc: Document, settings: Settings | None = None) -> set[tuple[str, Span]]:
    """The (code, span) of every diagnostic of `doc` that a fix-all repairs: those with a
    preferred quick fix (a round may still leave one out when, applied together with the
    others, it would make an error more frequent)."""
    return {(a.diagnostic.code, a.diagnostic.span) for a in _safe_fixes(doc, settings or Settings()) if a.diagnostic}


def _compatible(chosen: list[TextEdit], edits: list[TextEdit]) -> bool:
    try:
        check_edits(chosen + edits)
    except OverlappingEdits:
        return False
    return True


def fixed_text(text: str, settings: Settings | None = None, uri: str = "untitled:document") -> str:
    """`text` with every safe fix applied (the same text when there is nothing to fix)."""
    return fix_report(text, settings, uri)[0]


def fix_report(text: str, settings: Settings | None = None, uri: str = "untitled:document") -> tuple[str, list[Fixed]]:
    """`text` with every safe fix applied, and the fixes applied, in the order applied."""
    from fz_lsp.analysis.document import Document

    settings = settings or Settings()
    doc = Document(text, uri)
    origin: list[int | None] = list(range(len(doc.lines)))  # line of doc -> line of `text`
    report: list[Fixed] = []
    errors = _error_counts(doc, settings)
    for _ in range(MAX_ROUNDS):
        fixes = _safe_fixes(doc, settings)
        if not fixes:
            break
        chosen: list[TextEdit] = []
        taken: list[Action] = []
        for action in fixes:
            if _compatible(chosen, action.edits):
                chosen += action.edits
                taken.append(action)
        candidate = Document(apply_edits(doc.text, chosen), uri)
        after = _error_counts(candidate, settings)
        if not _not_worse(after, errors):
            candidate, after, taken = _one_by_one(doc, taken, errors, settings, uri)
        if candidate.text == doc.text:
            break
        report += [_fixed(action, origin) for action in taken]
        origin = _carried(origin, doc.lines, candidate.lines)
        doc, errors = candidate, after
    return doc.text, report


def _fixed(action: Action, origin: Sequence[int | None]) -> Fixed:
    d = action.diagnostic
    line = d.span.line if d is not None else action.edits[0].region.start_line
    return Fixed(d.code if d is not None else "", action.title, origin[line] if line < len(origin) else None)


def _carried(origin: Sequence[int | None], old: Sequence[str], new: Sequence[str]) -> list[int | None]:
    """The original lines of `new`'s lines, through the lines `old` and `new` share."""
    carried: list[int | None] = [None] * len(new)
    for block in difflib.SequenceMatcher(None, old, new, autojunk=False).get_matching_blocks():
        for k in range(block.size):
            carried[block.b + k] = origin[block.a + k]
    return carried


def _one_by_one(
    doc: Document, fixes: list[Action], errors: Counter[str], settings: Settings, uri: str
) -> tuple[Document, Counter[str], list[Action]]:
    """The fixes of a round applied one at a time, each kept only if it makes no kind of
    error more frequent (positions refer to `doc`, so each is tried on it alone and the
    kept ones applied together)."""
    from fz_lsp.analysis.document import Document

    kept: list[TextEdit] = []
    kept_actions: list[Action] = []
    for action in fixes:
        alone = Document(apply_edits(doc.text, action.edits), uri)
        if _not_worse(_error_counts(alone, settings), errors) and _compatible(kept, action.edits):
            kept += action.edits
            kept_actions.append(action)
    result = Document(apply_edits(doc.text, kept), uri)
    after = _error_counts(result, settings)
    if not _not_worse(after, errors):  # fixes that are fine alone but not together: none
        return doc, errors, []
    return result, after, kept_actions


def edits_between(doc: Document, new_text: str) -> list[TextEdit]:
    """Edits that turn `doc` into `new_text`: one per block of changed lines."""
    from fz_lsp.base.source import split_lines

    old_lines, old_ends = doc.lines, doc.source.ends
    new_lines, new_ends = split_lines(new_text)
    old = [line + end for line, end in zip(old_lines, old_ends)]
    new = [line + end for line, end in zip(new_lines, new_ends)]
    last = len(old_lines) - 1

    def position(k: int) -> tuple[int, int]:
        """Where old line k starts (the end of the document past the last line)."""
        if k <= last:
            return k, 0
        return last, len(old_lines[last])

    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        start, end = position(i1), position(i2)
        replacement = "".join(new[j1:j2])
        if i1 > last and old_ends[last] == "":  # appending after a last line without terminator
            replacement = (new_ends[j1 - 1] if j1 > 0 and new_ends[j1 - 1] else "\n") + replacement.rstrip("\r\n")
        out.append(TextEdit(Region(start[0], start[1], end[0], end[1]), replacement))
    return out


def fix_all_edits(doc: Document, settings: Settings | None = None) -> list[TextEdit]:
    """The edits of "Fix all FlowZap problems" for `doc` ([] when nothing is safely fixable)."""
    new_text = fixed_text(doc.text, settings, doc.uri)
    if new_text == doc.text:
        return []
    return edits_between(doc, new_text)
