"""Hover: Markdown about the node, lane, handle direction or shape under the cursor.

* node (declaration, edge source/target with or without `Lane.`, loop member): what the
  diagram shows (label, or the taskbox's owner/description/system), shape, lane, the
  loops it is in, and its incoming and outgoing edges with their labels;
  an undeclared id says so;
* lane id or `Lane.` prefix: display label, id, node count (and the ids);
* handle direction: where the edge attaches ("leaves n4 at the middle of its bottom side");
* shape word of a declaration: what the shape means.

The hover range is the token under the cursor. Found through `lookup.symbol_at`, plus
the shape token from the line's statement.

Pure Python: no pygls/lsprotocol import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from fz_lsp import syntax
from fz_lsp.diagnostics import nearest
from fz_lsp.lookup import HandleSymbol, LaneSymbol, NodeSymbol, symbol_at
from fz_lsp.architecture import architecture, dependency_summary
from fz_lsp.model import DIRECTIONS, SHAPE_DESCRIPTIONS, SHAPES, Edge, Lane, Model, Node, Ref, Span

if TYPE_CHECKING:
    from fz_lsp.document import Document

MAX_EDGES_LISTED = 12

SIDES = {
    "left": "the middle of its left side",
    "right": "the middle of its right side",
    "top": "the middle of its top side",
    "bottom": "the middle of its bottom side",
}


@dataclass(frozen=True)
class HoverInfo:
    markdown: str
    span: Span  # the token hovered


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~])")


def md(text: str) -> str:
    """User text made safe for Markdown (no accidental emphasis, links or HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


_MD_PLAIN = re.compile(r"\\([\\`*_{}\[\]()<>#+\-.!|~])|\*\*|`|  (?=\n)")


def markdown_to_plain(text: str) -> str:
    """The Markdown this package writes, as plain text (for clients without Markdown):
    escapes undone, `**`, backticks and hard-break spaces dropped."""
    return _MD_PLAIN.sub(lambda m: m.group(1) or "", text)


def _code(text: str) -> str:
    return f"`{text}`" if "`" not in text else f"``{text}``"


def hover(doc: "Document", line: int, col: int) -> Optional[HoverInfo]:
    """Hover at (line, code-point column), or None when there is nothing to say."""
    model = doc.model
    if not (0 <= line < len(doc.lines)):
        return None
    sym = symbol_at(model, line, col)
    if isinstance(sym, NodeSymbol):
        return HoverInfo(_node_markdown(model, sym), sym.span)
    if isinstance(sym, LaneSymbol):
        return HoverInfo(_lane_markdown(model, sym.name, sym.lane), sym.span)
    if isinstance(sym, HandleSymbol):
        return HoverInfo(_handle_markdown(model, sym.ref, sym.edge), sym.span)
    st = doc.statements[line] if line < len(doc.statements) else None
    if isinstance(st, syntax.NodeDecl) and st.shape.start <= col <= st.shape.end:
        return HoverInfo(_shape_markdown(st.shape.text), Span.of(line, st.shape))
    return None


# -- nodes -----------------------------------------------------------------------


def _qualified(node: Optional[Node], name: str, here: Optional[Lane]) -> str:
    """`n5`, or `CICD.n5` when the node lives in another lane than `here`."""
    if node is not None and node.lane is not None and node.lane is not here:
        return _code(f"{node.lane.id}.{node.id}")
    return _code(name)


def _edge_line(edge: Edge, node: Node, outgoing: bool) -> str:
    other_ref: Ref = edge.target if outgoing else edge.source
    other = other_ref.node
    who = _qualified(other, other_ref.name, node.lane)
    text = f" {md(other.display_text)}" if other is not None and other.display_text != other.id else ""
    if other is None:
        text = " (not declared)"
    dirs = f"{edge.source.direction or '?'} → {edge.target.direction or '?'}"
    label = f' — "{md(edge.label)}"' if edge.label else ""
    arrow = "→" if outgoing else "←"
    return f"- {arrow} {who}{text} ({dirs}){label}"


def _edges_block(title: str, edges: list[Edge], node: Node, outgoing: bool) -> list[str]:
    if not edges:
        return [f"**{title}:** none"]
    out = [f"**{title}:**", ""]
    for edge in edges[:MAX_EDGES_LISTED]:
        out.append(_edge_line(edge, node, outgoing))
    if len(edges) > MAX_EDGES_LISTED:
        out.append(f"- … and {len(edges) - MAX_EDGES_LISTED} more")
    return out


def _node_markdown(model: Model, sym: NodeSymbol) -> str:
    node = sym.node
    if node is None:
        return (
            f"{_code(sym.name)} is **not declared** in this document.\n\n"
            f'Declare it inside a lane, e.g. `{sym.name}: rectangle label:"…"`.'
        )
    parts = [f"**{md(node.display_text)}**" if node.display_text != node.id else f"{_code(node.id)} (no label)", ""]
    shape = node.shape
    shape_text = f"{_code(shape)} — {SHAPE_DESCRIPTIONS[shape]}" if shape in SHAPES else f"{_code(shape)} (unknown shape)"
    parts.append(f"{_code(node.id)} · {shape_text}  ")
    if node.lane is not None:
        parts.append(f"Lane: **{md(node.lane.title)}** ({_code(node.lane.id)})")
    else:
        parts.append("Lane: none (declared outside any lane)")
    fields = [(k, node.attribute(k)) for k in ("owner", "description", "system")]
    fields = [(k, v) for k, v in fields if v is not None]
    if fields or (shape == "taskbox" and node.label and "|" in node.label):
        parts.append("")
        if shape == "taskbox" and node.label and "|" in node.label:
            items = [s.strip() for s in node.label.split("|")]
            parts.append("Sub-items: " + " · ".join(md(s) for s in items))
        for key, value in fields:
            parts.append(f"- {key}: {md(value)}")
    count = model.declaration_count(node.id)
    if count > 1:
        parts += ["", f"⚠ {_code(node.id)} is declared {count} times; the first declaration is used."]
    if node.loops:
        parts.append("")
        for loop in node.loops:
            cond = f"[{md(loop.condition)}]" if loop.condition else "(no condition)"
            members = ", ".join(_code(r.name) for r in loop.members)
            parts.append(f"In loop {cond} with {members}")
    parts.append("")
    parts += _edges_block("Incoming", node.incoming, node, outgoing=False)
    parts.append("")
    parts += _edges_block("Outgoing", node.outgoing, node, outgoing=True)
    return "\n".join(parts)


# -- lanes -----------------------------------------------------------------------


MAX_DEPENDENCIES_SHOWN = 12


def _lane_markdown(model: Model, name: str, lane: Optional[Lane]) -> str:
    if lane is None:
        return f"No lane named {_code(name)} is declared in this document."
    count = len(lane.nodes)
    ids = ", ".join(_code(n.id) for n in lane.nodes[:20]) + (" …" if count > 20 else "")
    head = f"**{md(lane.title)}**\n\nLane {_code(lane.id)} · {count} node{'s' if count != 1 else ''}"
    text = head + (f": {ids}" if count else "")
    summary = dependency_summary(architecture(model), lane)
    if summary is None:
        return text
    uses, used_by = summary
    if not uses and not used_by:
        return text + "\n\nArchitecture view: no dependencies (no edge to or from another lane)."
    blocks = [text]
    for title, lines in (("Depends on", uses), ("Used by", used_by)):
        if lines:
            shown = [f"- {md(line)}" for line in lines[:MAX_DEPENDENCIES_SHOWN]]
            if len(lines) > MAX_DEPENDENCIES_SHOWN:
                shown.append(f"- … {len(lines) - MAX_DEPENDENCIES_SHOWN} more")
            blocks.append(f"{title} (Architecture view):\n" + "\n".join(shown))
    return "\n\n".join(blocks)


# -- handles ---------------------------------------------------------------------


def _handle_markdown(model: Model, ref: Ref, edge: Optional[Edge]) -> str:
    direction = ref.direction or ""
    who = _code(f"{ref.prefix}.{ref.name}" if ref.prefix else ref.name)
    if direction not in DIRECTIONS:
        guess = nearest(direction, DIRECTIONS)
        hint = f" Did you mean {_code(guess)}?" if guess else ""
        return f"{_code(direction)} is not a handle direction.{hint} Use `left`, `right`, `top` or `bottom`."
    if ref.role == "source":
        text = f"The edge leaves {who} at {SIDES[direction]}."
    else:
        text = f"The edge enters {who} at {SIDES[direction]}."
    if edge is not None:
        src, tgt = edge.source, edge.target
        tgt_name = f"{tgt.prefix}.{tgt.name}" if tgt.prefix else tgt.name
        summary = f"{_code(src.name)} ({src.direction or '?'}) → {_code(tgt_name)} ({tgt.direction or '?'})"
        if edge.label:
            summary += f' — "{md(edge.label)}"'
        text += "\n\n" + summary
    return text


# -- shapes ----------------------------------------------------------------------


def _shape_markdown(shape: str) -> str:
    if shape in SHAPES:
        return f"{_code(shape)} — {SHAPE_DESCRIPTIONS[shape]}"
    guess = nearest(shape, SHAPES)
    hint = f" Did you mean {_code(guess)}?" if guess else ""
    return f"{_code(shape)} is not a FlowZap shape.{hint} Shapes: `circle`, `rectangle`, `diamond`, `taskbox`."
