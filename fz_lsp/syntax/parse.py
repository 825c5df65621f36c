"""Parsing: a line -> its statement, memoised by line text.

A line no memo holds is built by its shape's template (syntax/templates.py: straight from
one match of the shape's pattern, else from the lexer's tokens), else parsed by lark
(syntax/grammar.py), and a line the grammar rejects goes through recovery
(syntax/recovery.py), which names the slip and keeps what the line still says.

Memos, each within a memory budget (ARCHITECTURE.md, "Caches and their bounds"): a server
lives for days and every keystroke makes a new line text, so no memo here grows without
bound. Statements are memoised by line text in two BoundedMemos: the lines of whole texts
(parse_lines: a document opened again is not parsed again) and the lines edits made
(parse_line: typing back what was just there, undo). Keeping them apart lets typing churn
through its own small budget without pushing out the lines of documents.

May import: fz_lsp.base and the modules of fz_lsp.syntax.
"""

from __future__ import annotations

import enum
from typing import Final

from fz_lsp.base.bounded_memo import BoundedMemo
from fz_lsp.syntax import templates
from fz_lsp.syntax.grammar import lark_statement
from fz_lsp.syntax.lexer import scan
from fz_lsp.syntax.statements import Broken, Statement

LINE_ENTRY_WEIGHT = 32  # a memoised line counts as its length + this (~20 bytes of memory per unit)
DOCUMENT_LINES_BUDGET = 1_000_000  # lines of whole texts: ~20 MB, a closed 10,000-line document reopens warm
EDITED_LINES_BUDGET = 100_000  # lines made by edits: ~2 MB, the last ~1,300 lines typed
MEMO_MAX_LINE_CHARS = 4_096  # a longer line is parsed each time it is asked for (its document holds it)

_document_lines: BoundedMemo[str, Statement] = BoundedMemo(DOCUMENT_LINES_BUDGET, LINE_ENTRY_WEIGHT)
_edited_lines: BoundedMemo[str, Statement] = BoundedMemo(EDITED_LINES_BUDGET, LINE_ENTRY_WEIGHT)


class _Missing(enum.Enum):
    MISSING = enum.auto()


_MISSING: Final = _Missing.MISSING  # what a memo answers for a line (or shape) it does not hold
parse_count = 0  # number of lines actually parsed, by lark or from a template (for tests)


def recovered_statement(line: str) -> Statement:
    """lark's statement of `line`, a broken line recovered (no memo)."""
    st = lark_statement(line)
    if type(st) is Broken:
        from fz_lsp.syntax.recovery import recover

        return recover(line, st)
    return st


def parse_line(line: str) -> Statement:
    """Parse one line (no terminator) as an edit made it. Memoised by text (the lines
    edits made, then those of whole texts) and by shape (see above)."""
    st = _edited_lines.get(line, _MISSING)
    if st is _MISSING:
        st = _document_lines.get(line, _MISSING)
        if st is _MISSING:
            st = _parse(line)
            if len(line) <= MEMO_MAX_LINE_CHARS:
                _edited_lines.put(line, st)
    return st


def parse_lines(lines: list[str]) -> list[Statement]:
    """The statements of a whole text's lines (a document opened or replaced whole),
    memoised among the lines of whole texts."""
    out: list[Statement] = []
    document_get, edited_get, put = _document_lines.get, _edited_lines.get, _document_lines.put
    for line in lines:
        st = document_get(line, _MISSING)
        if st is _MISSING:
            st = edited_get(line, _MISSING)
            if st is _MISSING:
                st = _parse(line)
            if len(line) <= MEMO_MAX_LINE_CHARS:
                put(line, st)
        out.append(st)
    return out


def _parse(line: str) -> Statement:
    """Parse a line no memo holds: through its shape's template, else with lark (and
    learn the shape's template from lark's statement)."""
    global parse_count
    parse_count += 1
    if not line or line.isspace():
        return None
    built = templates.build_line(line)
    if built is not templates.UNSEEN:
        return built
    scanned = scan(line)
    if scanned is None:
        return recovered_statement(line)
    shape, toks = scanned
    template = templates.template(shape)
    if template is not None and template is not templates.UNSEEN:
        try:
            return template.build(toks)
        except Exception:  # a saved template that does not fit (a damaged cache file)
            templates.forget(shape)
            return recovered_statement(line)
    result = recovered_statement(line)
    if template is templates.UNSEEN:
        templates.learn(shape, result, toks)
    return result


def forget_line(line: str) -> None:
    """Drop `line` from the memos (tests use it to parse a line afresh)."""
    _edited_lines.pop(line)
    _document_lines.pop(line)


def memo_sizes() -> dict[str, tuple[int, int, int]]:
    """name -> (entries, weight, budget) of each memo of the parser."""
    return {
        "document lines": (len(_document_lines), _document_lines.weight, _document_lines.max_weight),
        "edited lines": (len(_edited_lines), _edited_lines.weight, _edited_lines.max_weight),
        "templates": templates.memo_size(),
    }
