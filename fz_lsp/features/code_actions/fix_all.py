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

May import: fz_lsp.base, fz_lsp.syntax, fz_lsp.model, fz_lsp.analysis, fz_lsp.diagnostics,
fz_lsp.features.code_actions.quick_fixes.
"""

from __future__ import annotations

import difflib
from collections import Counter
from typing import TYPE_CHECKING

from fz_lsp.analysis.edits import OverlappingEdits, Region, TextEdit, apply_edits, check_edits
from fz_lsp.analysis.settings import Settings
from fz_lsp.diagnostics import ERROR, check
from fz_lsp.features.code_actions.quick_fixes import quick_fixes

if TYPE_CHECKING:
    from fz_lsp.analysis.document import Document

MAX_ROUNDS = 8


def _error_counts(doc: Document, settings: Settings) -> Counter[str]:
    return Counter(d.code for d in check(doc, settings) if d.severity == ERROR)


def _not_worse(after: Counter[str], before: Counter[str]) -> bool:
    return all(after[code] <= before[code] for code in after)


def _safe_fixes(doc: Document, settings: Settings) -> list[list[TextEdit]]:
    """The edits of every preferred quick fix of the document's own diagnostics."""
    requested = [(d.code, d.span) for d in check(doc, settings)]
    return [a.edits for a in quick_fixes(doc, settings, requested) if a.preferred]


def _compatible(chosen: list[TextEdit], edits: list[TextEdit]) -> bool:
    try:
        check_edits(chosen + edits)
    except OverlappingEdits:
        return False
    return True


def fixed_text(text: str, settings: Settings | None = None, uri: str = "untitled:document") -> str:
    """`text` with every safe fix applied (the same text when there is nothing to fix)."""
    from fz_lsp.analysis.document import Document

    settings = settings or Settings()
    doc = Document(text, uri)
    errors = _error_counts(doc, settings)
    for _ in range(MAX_ROUNDS):
        fixes = _safe_fixes(doc, settings)
        if not fixes:
            break
        chosen: list[TextEdit] = []
        taken: list[list[TextEdit]] = []
        for edits in fixes:
            if _compatible(chosen, edits):
                chosen += edits
                taken.append(edits)
        candidate = Document(apply_edits(doc.text, chosen), uri)
        after = _error_counts(candidate, settings)
        if not _not_worse(after, errors):
            candidate, after = _one_by_one(doc, taken, errors, settings, uri)
        if candidate.text == doc.text:
            break
        doc, errors = candidate, after
    return doc.text


def _one_by_one(
    doc: Document, fixes: list[list[TextEdit]], errors: Counter[str], settings: Settings, uri: str
) -> tuple[Document, Counter[str]]:
    """The fixes of a round applied one at a time, each kept only if it makes no kind of
    error more frequent (positions refer to `doc`, so each is tried on it alone and the
    kept ones applied together)."""
    from fz_lsp.analysis.document import Document

    kept: list[TextEdit] = []
    for edits in fixes:
        alone = Document(apply_edits(doc.text, edits), uri)
        if _not_worse(_error_counts(alone, settings), errors) and _compatible(kept, edits):
            kept += edits
    result = Document(apply_edits(doc.text, kept), uri)
    after = _error_counts(result, settings)
    if not _not_worse(after, errors):  # fixes that are fine alone but not together: none
        return doc, errors
    return result, after


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
