"""The text as an LSP client holds it, independent of fz_lsp.base.source: lines, columns in
the negotiated position encoding (`Columns.encoding`, set per run), checks that every
position and range of an answer lies inside the text (never splitting a character), semantic
tokens on their lines, edits applied as a client applies them (failing on a bad position or
an overlap), and the diagnostics a fresh in-process analysis expects the server to publish.
The fuzzer, the limits and the protocol-misuse tests check the server's answers with these."""

from __future__ import annotations

import collections
import itertools
import re
from typing import Any

from fz_lsp.analysis.document import Document
from fz_lsp.analysis.settings import Settings
from fz_lsp.diagnostics import check as check_diagnostics, most_severe
from fz_lsp.lsp import to_lsp
from fz_lsp.lsp.convert import Converter
from fz_lsp.lsp.publishing import MAX_PUBLISHED_DIAGNOSTICS

_TERMINATOR = re.compile(r"\r\n|\r|\n")


def split(text: str) -> list[str]:
    return _TERMINATOR.split(text)


def canonical(text: str) -> str:
    """The text as a UTF-16 client holds it: adjacent surrogate halves are one character."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


class Columns:
    """The position encoding the client negotiated (set per run)."""

    encoding = "utf-16"


def width(ch: str) -> int:
    """Columns one character takes in the negotiated encoding."""
    if Columns.encoding == "utf-8":
        return len(ch.encode("utf-8", "surrogatepass"))
    if Columns.encoding == "utf-16":
        return 2 if ord(ch) > 0xFFFF else 1
    return 1


def col_len(s: str) -> int:
    return sum(width(ch) for ch in s) if not s.isascii() else len(s)


def boundaries(line: str) -> list[int]:
    """Every column that does not split a character."""
    out, units = [0], 0
    for ch in line:
        units += width(ch)
        out.append(units)
    return out


def to_index(line: str, character: int) -> int:
    units = 0
    for i, ch in enumerate(line):
        if units == character:
            return i
        units += width(ch)
        if units > character:
            raise AssertionError(f"column {character} splits a character in {line!r}")
    if units == character:
        return len(line)
    raise AssertionError(f"column {character} is past the end of {line!r} ({units} units)")


def line_starts(text: str) -> list[int]:
    starts = [0]
    for m in _TERMINATOR.finditer(text):
        starts.append(m.end())
    return starts


def offset(text: str, lines: list[str], starts: list[int], pos: dict) -> int:
    line, character = pos["line"], pos["character"]
    assert 0 <= line < len(lines), f"line {line} is outside the document ({len(lines)} lines)"
    return starts[line] + to_index(lines[line], character)


class LineIndex:
    """Column facts per line, computed once (answers may hold many positions on one long line)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self._cache: dict[int, tuple[int, set[int] | None]] = {}

    def columns(self, i: int) -> tuple[int, set[int] | None]:
        """(columns in line i, the valid columns; None when every column up to the end is valid)."""
        found = self._cache.get(i)
        if found is None:
            line = self.lines[i]
            if line.isascii() or Columns.encoding == "utf-32":
                found = (len(line), None)
            else:
                b = boundaries(line)
                found = (b[-1], set(b))
            self._cache[i] = found
        return found


def check_position(index: LineIndex, pos: dict, where: str = "") -> None:
    line, character = pos["line"], pos["character"]
    assert isinstance(line, int) and isinstance(character, int), (where, pos)
    assert 0 <= line < len(index.lines), f"{where}: line {line} outside the document ({len(index.lines)} lines): {pos}"
    end, valid = index.columns(line)
    assert 0 <= character <= end and (valid is None or character in valid), (
        f"{where}: character {character} is not a position on line {line} ({index.lines[line][:300]!r})"
    )


def _is_position(value: Any) -> bool:
    return isinstance(value, dict) and len(value) == 2 and "line" in value and "character" in value


def check_ranges_inside(value: Any, text: str, lines: list[str] | None = None, where: str = "result") -> None:
    """Every Range and Position inside `value` (a JSON answer) lies inside `text`."""
    index = LineIndex(split(text) if lines is None else lines)

    def walk(value: Any, where: str) -> None:
        if isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, f"{where}[{i}]")
        elif isinstance(value, dict):
            if _is_position(value):
                check_position(index, value, where)
                return
            start, end = value.get("start"), value.get("end")
            if _is_position(start) and _is_position(end):
                check_position(index, start, where + ".start")
                check_position(index, end, where + ".end")
                assert (start["line"], start["character"]) <= (end["line"], end["character"]), (
                    f"{where}: range ends before it starts: {value}"
                )
            for k, v in value.items():
                if isinstance(v, (dict, list)):
                    walk(v, f"{where}.{k}")

    walk(value, where)


def check_semantic_tokens(result: Any, lines: list[str]) -> None:
    if result is None:
        return
    data = result["data"]
    index = LineIndex(lines)
    assert len(data) % 5 == 0, len(data)
    line = col = 0
    for i in range(0, len(data), 5):
        dl, dc, length = data[i : i + 3]
        assert dl >= 0 and dc >= 0 and length > 0, data[i : i + 5]
        line += dl
        col = col + dc if dl == 0 else dc
        assert line < len(lines), f"semantic token on line {line} of {len(lines)}"
        assert col + length <= index.columns(line)[0], (
            f"semantic token {line}:{col}+{length} past the end of {lines[line][:300]!r}"
        )


def error_counts(text: str) -> collections.Counter:
    return collections.Counter(d.code for d in check_diagnostics(Document(text)) if d.severity == 1)


def apply_text_edits(text: str, edits: list[dict]) -> str:
    """Apply LSP TextEdits (all relative to `text`); fails on a bad position or an overlap."""
    lines, starts = split(text), line_starts(text)
    spans = []
    for i, e in enumerate(edits):
        a = offset(text, lines, starts, e["range"]["start"])
        b = offset(text, lines, starts, e["range"]["end"])
        assert a <= b, f"edit ends before it starts: {e}"
        assert isinstance(e["newText"], str), e
        spans.append((a, b, i, e["newText"]))
    spans.sort()
    for (_, b1, i1, _), (a2, _, i2, _) in itertools.pairwise(spans):
        assert b1 <= a2, f"overlapping edits: {edits[i1]} and {edits[i2]}"
    out, cursor = [], 0
    for a, b, _, new in spans:
        out.append(text[cursor:a])
        out.append(new)
        cursor = b
    out.append(text[cursor:])
    return "".join(out)


def as_changes(text: str, edits: list[dict]) -> list[dict]:
    """The edits as didChange content changes applied one after another (last first)."""
    lines, starts = split(text), line_starts(text)
    keyed = [
        (offset(text, lines, starts, e["range"]["start"]), offset(text, lines, starts, e["range"]["end"]), i, e)
        for i, e in enumerate(edits)
    ]
    # last position first, so earlier positions stay valid; same-point inserts keep their order
    keyed.sort(key=lambda k: (k[0], k[1], k[2]))
    ordered = [list(group) for _, group in itertools.groupby(keyed, key=lambda k: (k[0], k[1]))]
    changes = []
    for group in reversed(ordered):
        e = group[0][3]
        changes.append({"range": e["range"], "text": "".join(g[3]["newText"] for g in group)})
    return changes


def diagnostic_key(d: dict) -> tuple:
    r = d["range"]
    related = tuple(
        (
            x["location"]["range"]["start"]["line"],
            x["location"]["range"]["start"]["character"],
            x["location"]["range"]["end"]["character"],
            x["message"],
        )
        for x in d.get("relatedInformation") or ()
    )
    return (
        r["start"]["line"],
        r["start"]["character"],
        r["end"]["line"],
        r["end"]["character"],
        d.get("severity"),
        d.get("code"),
        d.get("message"),
        related,
    )


def expected_diagnostics(text: str, uri: str, settings_: Settings | None = None) -> list[tuple]:
    doc = Document(text, uri)
    conv = Converter(uri, doc.lines, Columns.encoding)
    found = check_diagnostics(doc, settings_ or Settings())
    found = most_severe(found, MAX_PUBLISHED_DIAGNOSTICS)  # the server's cap
    out = []
    for d in found:
        lsp = to_lsp.diagnostic(conv, d)
        related = tuple(
            (x.location.range.start.line, x.location.range.start.character, x.location.range.end.character, x.message)
            for x in lsp.related_information or ()
        )
        out.append(
            (
                lsp.range.start.line,
                lsp.range.start.character,
                lsp.range.end.line,
                lsp.range.end.character,
                int(lsp.severity),
                lsp.code,
                lsp.message,
                related,
            )
        )
    return out
