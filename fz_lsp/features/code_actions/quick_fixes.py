"""Quick fixes: one per fixable diagnostic, and "Renumber nodes".

The client sends the diagnostics it shows; each is matched (by code and range) against
the diagnostics the server computes itself, and the fix is built from the server's own
diagnostic and model — never from data the client sends back. Every fix is checked
against the current document (the token it edits must still be what the diagnostic says).

Quick fixes (kind `quickfix`; the single fix of a diagnostic is preferred unless noted):
  missing-lane-prefix      insert `Lane.` before the target
  wrong-lane               change the prefix to the node's lane (remove it when the node
                           is in the edge's own lane)
  undefined-lane           the same when the node exists elsewhere; otherwise change it to
                           the nearest lane name (not preferred: a guess)
  bad-handle               nearest direction, or `.handle(dir)` for a malformed handle
  missing-handle           add `.handle(right)` (source) / `.handle(left)` (target)
  unknown-shape            nearest shape (`rect` -> `rectangle`)
  unknown-attribute        nearest attribute
  label-operator           `=` -> `:` on nodes, `:` -> `=` on edge labels
  display-label-own-line   move `# Label` onto the `{` line and delete its own line
  undefined-node           declare `nK: rectangle label:"nK"` as a new line in the lane of
                           the prefix, else of the statement; after that lane's last node
                           declaration, else before its `}` (not preferred)
  duplicate-edge           delete the whole line
  prefixed-source, redundant-lane-prefix   remove the `Lane.` prefix
  id-gap                   renumber nodes (below; not preferred)
  syntax-error, not-flowzap  the repair fz_lsp/recovery.py found for the slip (handle
                           typo, missing `:` or `{`, unquoted value, closing quote, …)
  edge-outside-source-lane, top-level-edge   move the line into its source's lane (a
                           loop: its first node's lane), lane prefixes adjusted to the
                           new lane and indentation to the lane's own
  missing-display-label    add `# Id` to the lane header

Source action `source.fixAll.flowzap` ("Fix all FlowZap problems", fz_lsp/fix_all.py):
every preferred quick fix at once. The guesses (declaring a missing node, renumbering,
an attribute or shape that is not a close match) are not preferred, so never applied
blindly.

Source action `source.renumberNodes` ("Renumber nodes n1..nN"): canonical ids (n<k>)
are renumbered in order of their current number (n1 n2 n5 n9 -> n1 n2 n3 n4), so the
relative order users chose is kept; declarations, edge references (prefixes kept) and
loop members change in one edit. Names referenced but declared nowhere are never
reused (that would silently connect those references), and non-canonical ids are left
alone. Applying it twice changes nothing the second time; it is offered only when it
would change something.

`context.only` is honoured: an action of kind K is returned when K equals an entry of
`only` or starts with an entry followed by `.`.

May import: fz_lsp.base, fz_lsp.syntax, fz_lsp.model, fz_lsp.analysis, fz_lsp.diagnostics.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fz_lsp import syntax
from fz_lsp.analysis.edits import Region, TextEdit, delete_line, line_region
from fz_lsp.analysis.lookup import node_spans_by_name
from fz_lsp.analysis.settings import Settings
from fz_lsp.base.i18n import Translator, translator
from fz_lsp.diagnostics import Diagnostic, check
from fz_lsp.model import Lane, Model, Ref, Span
from fz_lsp.syntax.vocabulary import CANONICAL_ID, DIRECTIONS, EDGE_ATTRIBUTES, NODE_ATTRIBUTES, SHAPES, spelled_like

if TYPE_CHECKING:
    from fz_lsp.analysis.document import Document

QUICKFIX = "quickfix"
SOURCE = "source"
RENUMBER = "source.renumberNodes"
FIX_ALL = "source.fixAll.flowzap"
KINDS = (QUICKFIX, SOURCE, RENUMBER, "source.fixAll", FIX_ALL)


@dataclass
class Action:
    title: str
    kind: str
    edits: list[TextEdit]
    diagnostic: Diagnostic | None = None
    preferred: bool = False
    request_index: int | None = None  # which of the client's diagnostics it fixes


# ---------------------------------------------------------------------------
# helpers


def _eol(doc: Document, line: int) -> str:
    """The terminator to use for a line inserted near `line`."""
    ends = doc.source.ends
    if 0 <= line < len(ends) and ends[line]:
        return ends[line]
    return next((e for e in ends if e), "\n")


def _indentation(text: str) -> str:
    return text[: len(text) - len(text.lstrip(" \t"))]


def _ref_at(model: Model, span: Span) -> Ref | None:
    for ref in model.line_refs.get(span.line, []):
        if ref.span == span or ref.prefix_span == span:
            return ref
    return None


def _reachable(model: Model, lane: Lane | None) -> bool:
    """A `Lane.` prefix can name `lane` (not a second lane with an already used id)."""
    return lane is not None and model.lane_by_id.get(lane.id) is lane


def _inside(doc: Document, span: Span) -> bool:
    lines = doc.lines
    return 0 <= span.line < len(lines) and 0 <= span.start <= span.end <= len(lines[span.line])


def _replace(title: str, d: Diagnostic, span: Span, new: str, preferred: bool = True) -> Action:
    return Action(title, QUICKFIX, [TextEdit.replace(span, new)], d, preferred)


# ---------------------------------------------------------------------------
# quick fixes per diagnostic code


def _fix_prefix_to_lane(d: Diagnostic, ref: Ref, lane: Lane, tr: Translator) -> Action:
    prefix_span = ref.prefix_span
    assert prefix_span is not None  # the fix of a written prefix
    if ref.role == "source" or ref.context_lane is lane:
        # a source carries no prefix; a target in the edge's own lane needs none
        span = Span(ref.line, prefix_span.start, ref.span.start)
        return _replace(tr._("Remove the `{prefix}.` prefix", prefix=ref.prefix), d, span, "")
    return _replace(tr._("Change the lane prefix to `{lane}`", lane=lane.id), d, prefix_span, lane.id)


def _fixes(doc: Document, d: Diagnostic, settings: Settings, renumbered: Callable[[], Action | None]) -> list[Action]:
    tr = translator(settings.locale)
    _ = tr._
    model = doc.model
    data = d.data if isinstance(d.data, dict) else {}
    code, span = d.code, d.span
    if not _inside(doc, span):
        return []
    line_text = doc.lines[span.line]

    if code == "missing-lane-prefix":
        ref = _ref_at(model, span)
        if ref is None or ref.node is None or ref.prefix is not None:
            return []
        node_lane = ref.node.lane
        if node_lane is None or not _reachable(model, node_lane):
            return []
        return [
            Action(
                _("Add the lane prefix `{lane}.`", lane=node_lane.id),
                QUICKFIX,
                [TextEdit.insert(span.line, span.start, node_lane.id + ".")],
                d,
                True,
            )
        ]

    if code in ("wrong-lane", "undefined-lane"):
        ref = _ref_at(model, span)
        if ref is None or ref.prefix_span != span:
            return []
        if ref.node is not None and ref.node.lane is not None:
            if not _reachable(model, ref.node.lane):
                return []
            return [_fix_prefix_to_lane(d, ref, ref.node.lane, tr)]
        guess = data.get("replacement")
        if code == "undefined-lane" and isinstance(guess, str) and guess in model.lane_by_id and guess != ref.prefix:
            return [_replace(_("Change the lane prefix to `{lane}`", lane=guess), d, span, guess, preferred=False)]
        return []

    if code == "bad-handle":
        new = data.get("replacement")
        if new in DIRECTIONS:
            return [_replace(_("Change the direction to `{direction}`", direction=new), d, span, new)]
        if new in {f".handle({x})" for x in DIRECTIONS} and line_text[span.start : span.start + 1] == ".":
            if new == line_text[span.start : span.end] + ")":
                return [_replace(_("Add the closing `)`"), d, span, new)]
            return [_replace(_("Replace with `{text}`", text=new), d, span, new)]
        return []

    if code == "missing-handle":
        new, at = data.get("insert"), data.get("at")
        if new in {f".handle({x})" for x in DIRECTIONS} and at == span.end:
            return [Action(_("Add `{text}`", text=new), QUICKFIX, [TextEdit.insert(span.line, at, new)], d, True)]
        return []

    if code == "unknown-shape":
        new = data.get("replacement")
        if new in SHAPES:
            return [
                _replace(
                    _("Change the shape to `{shape}`", shape=new),
                    d,
                    span,
                    new,
                    _close(line_text[span.start : span.end], new),
                )
            ]
        return []

    if code == "unknown-attribute":
        new = data.get("replacement")
        st = model.statements[span.line]
        choices = NODE_ATTRIBUTES if isinstance(st, syntax.NodeDecl) else EDGE_ATTRIBUTES
        if isinstance(new, str) and new in choices:
            return [
                _replace(
                    _("Change the attribute to `{attribute}`", attribute=new),
                    d,
                    span,
                    new,
                    _close(line_text[span.start : span.end], new),
                )
            ]
        return []

    if code in ("syntax-error", "not-flowzap"):
        return _repair(doc, d, tr)

    if code in ("edge-outside-source-lane", "top-level-edge"):
        return _move_into_lane(doc, d, settings, tr)

    if code == "missing-display-label":
        lane = next((c for c in model.lanes if c.id_span == span and c.header_line == data.get("header_line")), None)
        st = model.statements[span.line]
        if lane is None or lane.label is not None or not isinstance(st, syntax.LaneOpen) or st.label is not None:
            return []
        return [
            Action(
                _("Add the display label `# {lane}`", lane=lane.id),
                QUICKFIX,
                [TextEdit.insert(span.line, st.brace.end, f" # {lane.id}")],
                d,
                True,
            )
        ]

    if code == "label-operator":
        new = data.get("replacement")
        if new in (":", "=") and line_text[span.start : span.end] in (":", "="):
            title = _("Use a colon: `:`") if new == ":" else _("Use `=`: `=`")
            return [_replace(title, d, span, new)]
        return []

    if code == "display-label-own-line":
        return _move_display_label(doc, d, tr)

    if code == "undefined-node":
        return _declare_node(doc, d, settings, tr)

    if code == "duplicate-edge":
        line = data.get("delete_line")
        if line == span.line and isinstance(model.statements[line], syntax.EdgeStmt):
            return [Action(_("Remove the duplicate edge"), QUICKFIX, [delete_line(doc.lines, line)], d, True)]
        return []

    if code in ("prefixed-source", "redundant-lane-prefix"):
        ref = _ref_at(model, Span(span.line, span.start, span.start + len(_prefix_word(line_text, span.start))))
        if ref is None or ref.prefix_span is None:
            return []
        remove = Span(span.line, ref.prefix_span.start, ref.span.start)
        if data.get("remove") != [remove.start, remove.end]:
            return []
        return [_replace(_("Remove the `{prefix}.` prefix", prefix=ref.prefix), d, remove, "")]

    if code == "id-gap":
        action = renumbered()
        if action is None:
            return []
        return [Action(action.title, QUICKFIX, action.edits, d, False)]
    return []


def _close(word: str, guess: str) -> bool:
    """A correction safe enough to apply without asking (`rect` -> `rectangle`, `lable` ->
    `label`), as opposed to a guess."""
    return spelled_like(word, guess, 0.75)


def _repair(doc: Document, d: Diagnostic, tr: Translator) -> list[Action]:
    """The repair the parser found for a broken line (fz_lsp/recovery.py), checked against
    the line as it is now."""
    st = doc.model.statements[d.span.line]
    if not isinstance(st, syntax.Broken) or not st.fixes or st.code != d.code:
        return []
    if (st.start, min(max(st.end, st.start + 1), len(doc.lines[d.span.line]))) != (d.span.start, d.span.end):
        return []
    edits = [TextEdit(Region(d.span.line, f.start, d.span.line, f.end), f.text) for f in st.fixes]
    title = tr.render(st.fix_title) if st.fix_title else tr._("Repair the line")
    return [Action(title, QUICKFIX, edits, d, True)]


def _move_into_lane(doc: Document, d: Diagnostic, settings: Settings, tr: Translator) -> list[Action]:
    """Move an edge written outside its source's lane (or a loop outside every lane) into
    that lane: after the lane's last edge or loop (else its last node, else its header),
    with the lane's indentation, the source's prefix dropped and the target's prefix made
    right for the new lane."""
    model = doc.model
    line = d.span.line
    edge = next((e for e in model.edges if e.line == line), None)
    loop = next((lp for lp in model.loops if lp.line == line), None) if edge is None else None
    if edge is not None:
        src = edge.source.node
        home = src.lane if src is not None else None
        if edge.chained or edge.foreign:
            return []
    elif loop is not None and loop.lane is None:
        home = next((r.node.lane for r in loop.members if r.node is not None and r.node.lane is not None), None)
    else:
        return []
    if home is None or not _reachable(model, home) or home is (edge.lane if edge is not None else None):
        return []
    text = doc.lines[line]
    body = text.lstrip(" \t")
    shift = len(text) - len(body)
    if edge is not None:
        changes: list[tuple[int, int, str]] = []
        src_ref, tgt = edge.source, edge.target
        if src_ref.prefix_span is not None:
            changes.append((src_ref.prefix_span.start, src_ref.span.start, ""))
        tgt_lane = tgt.node.lane if tgt.node is not None else None
        if tgt_lane is not None:
            wanted = None if tgt_lane is home else tgt_lane.id
            if wanted is not None and not _reachable(model, tgt_lane):
                return []
            if tgt.prefix_span is not None:
                if wanted is None:
                    changes.append((tgt.prefix_span.start, tgt.span.start, ""))
                elif tgt.prefix != wanted:
                    changes.append((tgt.prefix_span.start, tgt.prefix_span.end, wanted))
            elif wanted is not None:
                changes.append((tgt.span.start, tgt.span.start, wanted + "."))
        for start, end, new in sorted(changes, reverse=True):
            text = text[:start] + new + text[end:]
        body = text[shift:]
    anchor = _last_statement_line(model, home)
    indent = _indentation(doc.lines[anchor]) if anchor != home.header_line else " " * settings.format_indent
    lines = doc.lines
    insert = _insert_after(doc, anchor, indent + body)
    remove = delete_line(lines, line)
    if (
        remove.region.start <= insert.region.start < remove.region.end
        or insert.region.start == remove.region.end == insert.region.end
    ):
        return []
    if edge is not None:
        title = tr._("Move the edge into lane `{lane}`", lane=home.id)
    else:
        title = tr._("Move the loop into lane `{lane}`", lane=home.id)
    return [Action(title, QUICKFIX, [insert, remove], d, True)]


def _last_statement_line(model: Model, lane: Lane) -> int:
    """Where new statements of `lane` go: its last edge or loop line, else its last node
    declaration, else its header line."""
    last_node = lane.header_line
    last_link = None
    end = lane.close_line if lane.close_line is not None else lane.last_line
    for i in range(lane.header_line + 1, end + (0 if lane.close_line is not None else 1)):
        f = model.facts[i]
        if f.edge is not None or f.loop is not None:
            last_link = i
        elif f.node is not None:
            last_node = i
    return last_link if last_link is not None else last_node


def _prefix_word(text: str, start: int) -> str:
    end = start
    while end < len(text) and (text[end].isalnum() or text[end] == "_"):
        end += 1
    return text[start:end]


def _move_display_label(doc: Document, d: Diagnostic, tr: Translator) -> list[Action]:
    model = doc.model
    header = (d.data or {}).get("header_line")
    if not isinstance(header, int) or not 0 <= header < len(model.statements):
        return []
    lane = next((c for c in model.lanes if c.header_line == header), None)
    st = model.statements[header]
    if lane is None or not lane.label_own_line or lane.label_span != d.span or not isinstance(st, syntax.LaneOpen):
        return []
    label_line = d.span.line
    text = " # " + lane.label if lane.label else " #"
    head = Region(header, st.brace.end, header, len(doc.lines[header]))
    gone = line_region(doc.lines, label_line)
    if gone.start <= head.end:  # the label line is the last line, right after the header
        edits = [TextEdit(Region(header, st.brace.end, gone.end_line, gone.end_col), text)]
    else:
        edits = [TextEdit(head, text), TextEdit(gone, "")]
    return [Action(tr._("Move the display label onto the `{` line"), QUICKFIX, edits, d, True)]


def _declare_node(doc: Document, d: Diagnostic, settings: Settings, tr: Translator) -> list[Action]:
    model = doc.model
    ref = _ref_at(model, d.span)
    if ref is None or ref.span != d.span or ref.node is not None:
        return []
    lane = ref.prefix_lane if ref.prefix is not None else ref.context_lane
    if lane is None:
        return []
    name = ref.name
    decl = f'{name}: rectangle label:"{name}"'
    lines = doc.lines
    if lane.nodes:
        anchor = lane.nodes[-1].line
        indent = _indentation(lines[anchor])
        edit = _insert_after(doc, anchor, indent + decl)
    else:
        inside = [
            i
            for i in range(
                lane.header_line + 1, (lane.close_line if lane.close_line is not None else lane.last_line + 1)
            )
            if lines[i].strip(" \t")
        ]
        indent = _indentation(lines[inside[0]]) if inside else " " * settings.format_indent
        if lane.close_line is not None:
            edit = TextEdit.insert(lane.close_line, 0, indent + decl + _eol(doc, lane.close_line - 1))
        else:
            anchor = inside[-1] if inside else lane.header_line
            edit = _insert_after(doc, anchor, indent + decl)
    return [Action(tr._("Declare `{node}` in lane `{lane}`", node=name, lane=lane.id), QUICKFIX, [edit], d, False)]


def _insert_after(doc: Document, line: int, text: str) -> TextEdit:
    """Insert `text` as a new line right after `line`."""
    if doc.source.ends[line]:
        return TextEdit.insert(line + 1, 0, text + doc.source.ends[line])
    return TextEdit.insert(line, len(doc.lines[line]), _eol(doc, line) + text)


# ---------------------------------------------------------------------------
# renumbering


def renumber_mapping(model: Model) -> dict[str, str]:
    """old id -> new id for every canonical id that changes."""
    declared = sorted((n for n in model.node_by_id if CANONICAL_ID.match(n)), key=lambda n: int(n[1:]))
    blocked = {r.name for r in model.refs if r.node is None and CANONICAL_ID.match(r.name)}
    mapping: dict[str, str] = {}
    k = 1
    for old in declared:
        while f"n{k}" in blocked:
            k += 1
        new = f"n{k}"
        if new != old:
            mapping[old] = new
        k += 1
    return mapping


def renumber_action(doc: Document, tr: Translator | None = None) -> Action | None:
    model = doc.model
    mapping = renumber_mapping(model)
    if not mapping:
        return None
    spans = node_spans_by_name(model, mapping.keys())
    edits = [TextEdit.replace(s, mapping[old]) for old, found in spans.items() for s in found]
    edits.sort(key=lambda e: e.region)
    top = max(
        [int(n[1:]) for n in model.node_by_id if CANONICAL_ID.match(n) and n not in mapping]
        + [int(v[1:]) for v in mapping.values()]
    )
    tr = tr or translator()
    return Action(tr._("Renumber nodes n1..n{last}", last=top), RENUMBER, edits)


# ---------------------------------------------------------------------------
# entry point


def _changes_text(doc: Document, edits: list[TextEdit]) -> bool:
    for e in edits:
        r = e.region
        if r.start_line != r.end_line or e.new_text != doc.lines[r.start_line][r.start_col : r.end_col]:
            return True
    return False


def match(diagnostics: Sequence[Diagnostic], code: str, span: Span) -> Diagnostic | None:
    """The server's own diagnostic with this code and range."""
    return next((d for d in diagnostics if d.code == code and d.span == span), None)


def quick_fixes(
    doc: Document,
    settings: Settings,
    requested: Sequence[tuple[str | None, Span | None]],
    renumbered: Callable[[], Action | None] | None = None,
) -> list[Action]:
    """Quick fixes for the client's diagnostics (code, code-point span; a span of None never
    matches). `renumbered`: the "Renumber nodes" action when asked for (computed once per
    request by the caller; by default here, on first need)."""
    tr = translator(settings.locale)
    if renumbered is None:
        memo: list[Action | None] = []

        def renumbered() -> Action | None:
            if not memo:
                memo.append(renumber_action(doc, tr))
            return memo[0]

    out: list[Action] = []
    ours = check(doc, settings)
    for index, (code, span) in enumerate(requested):
        if code is None or span is None:
            continue
        d = match(ours, code, span)
        if d is None:
            continue
        for action in _fixes(doc, d, settings, renumbered):
            if not _changes_text(doc, action.edits):
                continue  # e.g. a prefix "corrected" to the same name (duplicate lanes)
            action.request_index = index
            out.append(action)
    return out
