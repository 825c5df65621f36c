"""Formatting to the canonical style of the FlowZap docs.

Each line is rebuilt from its parsed statement (fz_lsp/syntax.py), never by pattern
matching on the raw text:

    Name { # Display Label          lane header (`#` alone when the label is empty)
    n1: rectangle label:"Text"      one space after `n1:`, `key:"v"` without spaces
    n1.handle(right) -> Lane.n2.handle(left) [label="Text"]
    loop [condition] n1 n2
    }                               alone, in column 0

Indentation: lane headers and `}` in column 0; every other non-blank line inside a lane
is indented by `indent` spaces (the `flowzap.format.indent` setting; 0, the default and
the style of the FlowZap docs, means no indentation; values above 32 count as 32); lines
outside lanes are in column 0. The editor's FormattingOptions (tab size, insert spaces)
are not used: FlowZap's own style is unindented, and since an unset setting cannot be
told from 0, the setting alone decides.

What is kept: blank lines (whitespace-only lines become empty; runs are not collapsed),
line terminators (LF, CRLF, CR and a missing final newline: edits never touch them),
and the text of lines that are not plain FlowZap statements (syntax errors, `//` comments,
Mermaid look-alikes, edges with foreign arrows or malformed handles): those are only
re-indented. Quoted values and operators are kept as written (a `label="x"` mistake stays
for its quick fix). A rebuilt line is used only if it parses back to the same statement,
so formatting can never change what a document means.

Edits are minimal: one per changed line, trimmed to the part that differs.

Pure Python: no pygls import.
"""

from __future__ import annotations

from typing import Any

from fz_lsp import syntax
from fz_lsp.analysis.edits import Region, TextEdit
from fz_lsp.model import Model

MAX_INDENT = 32  # a larger flowzap.format.indent is treated as 32


def _label(tok: syntax.Tok) -> str:
    text = tok.text[1:].strip()
    return "# " + text if text else "#"


def _attribute(a: syntax.Attribute) -> str:
    return a.key.text + a.op.text + a.value.text


def _endpoint(ep: syntax.Endpoint) -> str | None:
    out = (ep.lane.text + "." if ep.lane else "") + ep.node.text
    h = ep.handle
    if h is not None:
        if not h.closed:
            return None
        out += ".handle(" + (h.direction.text if h.direction else "") + ")"
    return out


def canonical(st: syntax.Statement) -> str | None:
    """The canonical text of a statement (without indentation); None when the line's
    text should be kept as written."""
    if st is None:
        return ""
    if type(st) is syntax.LaneOpen:
        return f"{st.lane.text} {{" + (" " + _label(st.label) if st.label is not None else "")
    if type(st) is syntax.LaneClose:
        return "}"
    if type(st) is syntax.DisplayLabel:
        return _label(st.label)
    if type(st) is syntax.NodeDecl:
        return f"{st.node.text}: {st.shape.text}" + "".join(" " + _attribute(a) for a in st.attributes)
    if type(st) is syntax.EdgeStmt:
        if any(a.text != "->" for a in st.arrows):
            return None
        parts: list[str] = []
        for ep in st.endpoints:
            part = _endpoint(ep)
            if part is None:
                return None
            parts.append(part)
        out = " -> ".join(parts)
        if st.brackets is not None:
            out += " [" + " ".join(_attribute(a) for a in st.attributes) + "]"
        return out
    if type(st) is syntax.LoopStmt:
        out = "loop"
        if st.condition is not None:
            out += " [" + st.condition.text[1:-1].strip() + "]"
        return out + "".join(" " + _member(m) for m in st.members)
    return None  # Broken, Comment, Foreign


def _member(m: syntax.Endpoint) -> str:
    """A loop member as written canonically: `nX` or `Lane.nX`."""
    return f"{m.lane.text}.{m.node.text}" if m.lane is not None else m.node.text


def signature(st: syntax.Statement) -> tuple[Any, ...]:
    """What a statement means, without columns or spacing (used to verify rebuilt lines)."""
    if st is None:
        return (None,)
    if type(st) is syntax.LaneOpen:
        return ("lane", st.lane.text, st.label.text[1:].strip() if st.label else None)
    if type(st) is syntax.LaneClose:
        return ("close",)
    if type(st) is syntax.DisplayLabel:
        return ("display", st.label.text[1:].strip())
    attrs = tuple((a.key.text, a.op.text, a.value.text) for a in getattr(st, "attributes", ()))
    if type(st) is syntax.NodeDecl:
        return ("node", st.node.text, st.shape.text, attrs)
    if type(st) is syntax.EdgeStmt:
        eps = tuple(
            (
                ep.lane.text if ep.lane else None,
                ep.node.text,
                None
                if ep.handle is None
                else (ep.handle.direction.text if ep.handle.direction else None, ep.handle.closed),
            )
            for ep in st.endpoints
        )
        return ("edge", eps, tuple(a.text for a in st.arrows), attrs, st.brackets is not None)
    if type(st) is syntax.LoopStmt:
        cond = st.condition.text[1:-1].strip() if st.condition else None
        return ("loop", cond, tuple(_member(m) for m in st.members))
    if type(st) is syntax.Comment:
        return ("comment", st.token.text)
    if type(st) is syntax.Foreign:
        return ("foreign", st.token.text)
    return ("broken",)


def _indent_level(model: Model, line: int) -> int:
    st = model.statements[line]
    if isinstance(st, (syntax.LaneOpen, syntax.LaneClose)):
        return 0
    return 1 if model.lane_at(line) is not None else 0


def format_line(model: Model, line: int, indent: int) -> str:
    """The formatted text of one line."""
    st = model.statements[line]
    text = model.lines[line]
    if st is None:
        return ""
    content = canonical(st)
    kept = text.lstrip(" \t")
    # indentation never changes how a line reads; anything else is verified by parsing back
    if content is None or (content != kept and signature(syntax.parse_line(content)) != signature(st)):
        content = kept
    return " " * (indent * _indent_level(model, line)) + content


def _minimal(line: int, old: str, new: str) -> TextEdit:
    start = 0
    limit = min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    end_old, end_new = len(old), len(new)
    while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
        end_old -= 1
        end_new -= 1
    return TextEdit(Region(line, start, line, end_old), new[start:end_new])


def format_edits(model: Model, indent: int = 0, lines: tuple[int, int] | None = None) -> list[TextEdit]:
    """Edits formatting the whole document, or only lines first..last (inclusive)."""
    indent = max(0, min(indent, MAX_INDENT))
    n = len(model.lines)
    first, last = (0, n - 1) if lines is None else (max(0, lines[0]), min(n - 1, lines[1]))
    edits = []
    for i in range(first, last + 1):
        old = model.lines[i]
        new = format_line(model, i, indent)
        if not new and i > 0 and model.ends is not None and model.ends[i - 1] == "\r" and model.ends[i] == "\n":
            continue  # emptying this line would join the CR before it and the LF after it into one CRLF
        if new != old:
            edits.append(_minimal(i, old, new))
    return edits


def range_lines(start: tuple[int, int], end: tuple[int, int]) -> tuple[int, int]:
    """The lines a range formatting request covers: a range ending at column 0 of a
    later line does not include that line."""
    (sl, _), (el, ec) = sorted((start, end))
    if ec == 0 and el > sl:
        el -= 1
    return sl, el


def format_text(text: str, indent: int = 0) -> str:
    """The formatted text (convenience for the CLI and tests)."""
    from fz_lsp.analysis.document import Document
    from fz_lsp.analysis.edits import apply_edits

    return apply_edits(text, format_edits(Document(text).model, indent))
