"""Hover: Markdown about the node, lane, handle direction or shape under the cursor.

* node (declaration, edge source/target with or without `Lane.`, loop member): what the
  diagram shows (label, or the taskbox's owner/description/system), shape, lane, the
  loops it is in, and its incoming and outgoing edges with their labels;
  an undeclared id says so;
* lane id or `Lane.` prefix: display label, id, node count (and the ids);
* handle direction: where the edge attaches ("leaves n4 at the middle of its bottom side");
* shape word of a declaration: what the shape means.

The hover range is the token under the cursor. Found through `lookup.symbol_at`, plus
the shape token from the line's statement. The text is in the language of `locale`
(fz_lsp/i18n.py; English by default).

May import: fz_lsp.base, fz_lsp.syntax, fz_lsp.model, fz_lsp.analysis.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fz_lsp import syntax
from fz_lsp.analysis.architecture import architecture, dependency_summary
from fz_lsp.analysis.lookup import HandleSymbol, LaneSymbol, NodeSymbol, symbol_at
from fz_lsp.analysis.markdown import code_span, md
from fz_lsp.analysis.suggestions import DIRECTION, SHAPE, unknown_word
from fz_lsp.base.i18n import Translator, translator
from fz_lsp.model import Edge, Lane, Model, Node, Ref, Span
from fz_lsp.syntax.vocabulary import DIRECTIONS, HANDLE_SIDES, SHAPE_DESCRIPTIONS, SHAPES

if TYPE_CHECKING:
    from fz_lsp.analysis.document import Document

MAX_EDGES_LISTED = 12


@dataclass(frozen=True)
class HoverInfo:
    markdown: str
    span: Span  # the token hovered


def hover(doc: Document, line: int, col: int, locale: str | None = None) -> HoverInfo | None:
    """Hover at (line, code-point column), or None when there is nothing to say; in the
    language of `locale` (English when None)."""
    model = doc.model
    if not (0 <= line < len(doc.lines)):
        return None
    tr = translator(locale)
    sym = symbol_at(model, line, col)
    if isinstance(sym, NodeSymbol):
        return HoverInfo(_node_markdown(model, sym, tr), sym.span)
    if isinstance(sym, LaneSymbol):
        return HoverInfo(_lane_markdown(model, sym.name, sym.lane, tr), sym.span)
    if isinstance(sym, HandleSymbol):
        return HoverInfo(_handle_markdown(model, sym.ref, sym.edge, tr), sym.span)
    st = doc.statements[line] if line < len(doc.statements) else None
    if isinstance(st, syntax.NodeDecl) and st.shape.start <= col <= st.shape.end:
        return HoverInfo(_shape_markdown(st.shape.text, tr), Span.of(line, st.shape))
    return None


# -- nodes -----------------------------------------------------------------------


def _qualified(node: Node | None, name: str, here: Lane | None) -> str:
    """`n5`, or `CICD.n5` when the node lives in another lane than `here`."""
    if node is not None and node.lane is not None and node.lane is not here:
        return code_span(f"{node.lane.id}.{node.id}")
    return code_span(name)


def _edge_line(edge: Edge, node: Node, outgoing: bool, tr: Translator) -> str:
    other_ref: Ref = edge.target if outgoing else edge.source
    other = other_ref.node
    who = _qualified(other, other_ref.name, node.lane)
    text = f" {md(other.display_text)}" if other is not None and other.display_text != other.id else ""
    if other is None:
        text = " " + tr._("(not declared)")
    dirs = f"{edge.source.direction or '?'} → {edge.target.direction or '?'}"
    label = f' — "{md(edge.label)}"' if edge.label else ""
    arrow = "→" if outgoing else "←"
    return f"- {arrow} {who}{text} ({dirs}){label}"


def _edges_block(incoming: bool, edges: list[Edge], node: Node, tr: Translator) -> list[str]:
    _ = tr._
    if not edges:
        return [_("**Incoming:** none") if incoming else _("**Outgoing:** none")]
    out = [_("**Incoming:**") if incoming else _("**Outgoing:**"), ""]
    for edge in edges[:MAX_EDGES_LISTED]:
        out.append(_edge_line(edge, node, not incoming, tr))
    if len(edges) > MAX_EDGES_LISTED:
        out.append("- " + _("… and {n} more", n=len(edges) - MAX_EDGES_LISTED))
    return out


def _node_markdown(model: Model, sym: NodeSymbol, tr: Translator) -> str:
    _ = tr._
    node = sym.node
    if node is None:
        return _(
            "{node} is **not declared** in this document.\n\n"
            'Declare it inside a lane, e.g. `{name}: rectangle label:"…"`.',
            node=code_span(sym.name),
            name=sym.name,
        )
    if node.display_text != node.id:
        parts = [f"**{md(node.display_text)}**", ""]
    else:
        parts = [_("{node} (no label)", node=code_span(node.id)), ""]
    shape = node.shape
    if shape in SHAPES:
        shape_text = f"{code_span(shape)} — {_(SHAPE_DESCRIPTIONS[shape])}"
    else:
        shape_text = _("{shape} (unknown shape)", shape=code_span(shape))
    parts.append(f"{code_span(node.id)} · {shape_text}  ")
    if node.lane is not None:
        parts.append(_("Lane: **{title}** ({lane})", title=md(node.lane.title), lane=code_span(node.lane.id)))
    else:
        parts.append(_("Lane: none (declared outside any lane)"))
    fields = [(k, v) for k in ("owner", "description", "system") if (v := node.attribute(k)) is not None]
    if fields or (shape == "taskbox" and node.label and "|" in node.label):
        parts.append("")
        if shape == "taskbox" and node.label and "|" in node.label:
            items = [s.strip() for s in node.label.split("|")]
            parts.append(_("Sub-items: {items}", items=" · ".join(md(s) for s in items)))
        for key, value in fields:
            parts.append(f"- {key}: {md(value)}")
    count = model.declaration_count(node.id)
    if count > 1:
        parts += [
            "",
            "⚠ " + _("{node} is declared {n} times; the first declaration is used.", node=code_span(node.id), n=count),
        ]
    if node.loops:
        parts.append("")
        for loop in node.loops:
            members = tr.join([code_span(r.name) for r in loop.members])
            if loop.condition:
                parts.append(_("In loop [{condition}] with {members}", condition=md(loop.condition), members=members))
            else:
                parts.append(_("In loop (no condition) with {members}", members=members))
    parts.append("")
    parts += _edges_block(True, node.incoming, node, tr)
    parts.append("")
    parts += _edges_block(False, node.outgoing, node, tr)
    return "\n".join(parts)


# -- lanes -----------------------------------------------------------------------


MAX_DEPENDENCIES_SHOWN = 12


def _lane_markdown(model: Model, name: str, lane: Lane | None, tr: Translator) -> str:
    _ = tr._
    if lane is None:
        return _("No lane named {lane} is declared in this document.", lane=code_span(name))
    count = len(lane.nodes)
    head = f"**{md(lane.title)}**\n\n"
    if count:
        ids = tr.join([code_span(n.id) for n in lane.nodes[:20]]) + (" …" if count > 20 else "")
        head += tr._n(
            "Lane {lane} · {n} node: {ids}", "Lane {lane} · {n} nodes: {ids}", count, lane=code_span(lane.id), ids=ids
        )
    else:
        head += _("Lane {lane} · 0 nodes", lane=code_span(lane.id))
    text = head
    summary = dependency_summary(architecture(model), lane, tr)
    if summary is None:
        return text
    uses, used_by = summary
    if not uses and not used_by:
        return text + "\n\n" + _("Architecture view: no dependencies (no edge to or from another lane).")
    blocks = [text]
    for depends, lines in ((True, uses), (False, used_by)):
        if lines:
            shown = [f"- {md(line)}" for line in lines[:MAX_DEPENDENCIES_SHOWN]]
            if len(lines) > MAX_DEPENDENCIES_SHOWN:
                shown.append("- " + _("… {n} more", n=len(lines) - MAX_DEPENDENCIES_SHOWN))
            title = _("Depends on (Architecture view):") if depends else _("Used by (Architecture view):")
            blocks.append(title + "\n" + "\n".join(shown))
    return "\n\n".join(blocks)


# -- handles ---------------------------------------------------------------------


def _handle_markdown(model: Model, ref: Ref, edge: Edge | None, tr: Translator) -> str:
    _ = tr._
    direction = ref.direction or ""
    who = code_span(f"{ref.prefix}.{ref.name}" if ref.prefix else ref.name)
    if direction not in DIRECTIONS:
        return unknown_word(tr, DIRECTION, direction).message
    if ref.role == "source":
        text = _("The edge leaves {node} at {side}.", node=who, side=_(HANDLE_SIDES[direction]))
    else:
        text = _("The edge enters {node} at {side}.", node=who, side=_(HANDLE_SIDES[direction]))
    if edge is not None:
        src, tgt = edge.source, edge.target
        tgt_name = f"{tgt.prefix}.{tgt.name}" if tgt.prefix else tgt.name
        summary = f"{code_span(src.name)} ({src.direction or '?'}) → {code_span(tgt_name)} ({tgt.direction or '?'})"
        if edge.label:
            summary += f' — "{md(edge.label)}"'
        text += "\n\n" + summary
    return text


# -- shapes ----------------------------------------------------------------------


def _shape_markdown(shape: str, tr: Translator) -> str:
    _ = tr._
    if shape in SHAPES:
        return f"{code_span(shape)} — {_(SHAPE_DESCRIPTIONS[shape])}"
    return unknown_word(tr, SHAPE, shape).message
