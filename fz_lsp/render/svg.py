"""SVG writer for laid-out diagrams (workflow, sequence and architecture views).

Every piece of text and every attribute value goes through `escape`, so a label such as
`<script>` or `a & b` is text, never markup, and characters XML forbids are replaced.
Colours come from CSS classes in an embedded stylesheet that holds both themes; the root
element carries `fz-theme-light` or `fz-theme-dark`, so a host page can switch or
restyle without re-rendering. Nodes carry `data-node` and `data-line` (0-based source
line), edges `data-edge` (index in document order) and `data-line`, lanes `data-lane`.
In the architecture view a component carries `data-lane` and `data-line` (its lane's
header line), each step listed in it `data-node` and `data-line`, and a dependency arrow
`data-from`/`data-to` (lane ids), `data-count` and `data-lines` (the lines of the edges it
stands for, space-separated) with `data-line` the first of them. In the sequence view a
participant carries `data-lane` and `data-line`, a step `data-node` and `data-line`, a
message `data-edge`, `data-line` and `data-lines` (its line) and a `<title>` (from, to,
label) for hovering, a frame `data-frame` (alt, opt, loop) and `data-lines` (the decision's
line and its branch edges', or the loop's line).

Pure Python: no pygls import.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import wraps
from typing import ParamSpec

from fz_lsp.analysis.views import THEMES
from fz_lsp.base.collector import without_gc
from fz_lsp.model import Lane
from fz_lsp.render.architecture import ArchitectureLayout, ComponentLayout, DependencyLayout, StepLayout
from fz_lsp.render.layout.geometry import Box, Point
from fz_lsp.render.sequence import ActivationLayout, FrameLayout, MessageLayout, ParticipantLayout, SequenceLayout
from fz_lsp.render.text import FONT_SIZE, TextBlock
from fz_lsp.render.textmeasure import FONT_FAMILY
from fz_lsp.render.workflow_data import BandLayout, EdgeLayout, LoopLayout, NodeLayout, WorkflowLayout

_PALETTES: dict[str, dict[str, str]] = {
    "light": {
        "bg": "#ffffff",
        "lane-a": "#f8fafc",
        "lane-b": "#f1f5f9",
        "lane-stroke": "#cbd5e1",
        "title-bg": "#e2e8f0",
        "title-text": "#0f172a",
        "text": "#0f172a",
        "muted": "#475569",
        "node-fill": "#ffffff",
        "node-stroke": "#475569",
        "circle-fill": "#ecfdf5",
        "circle-stroke": "#059669",
        "diamond-fill": "#fffbeb",
        "diamond-stroke": "#d97706",
        "task-fill": "#eff6ff",
        "task-stroke": "#2563eb",
        "edge": "#64748b",
        "edge-text": "#334155",
        "label-bg": "#ffffff",
        "loop": "#7c3aed",
        "loop-bg": "#ede9fe",
        "loop-text": "#5b21b6",
        "error": "#dc2626",
        "lifeline": "#94a3b8",
    },
    "dark": {
        "bg": "#1e1e1e",
        "lane-a": "#252526",
        "lane-b": "#2b2b2e",
        "lane-stroke": "#3f3f46",
        "title-bg": "#333337",
        "title-text": "#e5e7eb",
        "text": "#e5e7eb",
        "muted": "#cbd5e1",
        "node-fill": "#2d2d30",
        "node-stroke": "#a1a1aa",
        "circle-fill": "#113527",
        "circle-stroke": "#34d399",
        "diamond-fill": "#3b2a0b",
        "diamond-stroke": "#fbbf24",
        "task-fill": "#172554",
        "task-stroke": "#60a5fa",
        "edge": "#9ca3af",
        "edge-text": "#d1d5db",
        "label-bg": "#1e1e1e",
        "loop": "#a78bfa",
        "loop-bg": "#2e1065",
        "loop-text": "#ddd6fe",
        "error": "#f87171",
        "lifeline": "#6b7280",
    },
}

# selector (inside the themed root) -> {css property: palette colour}
_THEMED_RULES: tuple[tuple[str, dict[str, str]], ...] = (
    (".fz-bg", {"fill": "bg"}),
    (".fz-lane-even .fz-lane-band", {"fill": "lane-a", "stroke": "lane-stroke"}),
    (".fz-lane-odd .fz-lane-band", {"fill": "lane-b", "stroke": "lane-stroke"}),
    (".fz-lane-title-bg", {"fill": "title-bg", "stroke": "lane-stroke"}),
    (".fz-lane-title", {"fill": "title-text"}),
    (".fz-participant-header", {"fill": "title-bg", "stroke": "lane-stroke"}),
    (".fz-lifeline", {"stroke": "lifeline"}),
    (".fz-text", {"fill": "text"}),
    (".fz-node-shape", {"fill": "node-fill", "stroke": "node-stroke"}),
    (".fz-shape-circle .fz-node-shape", {"fill": "circle-fill", "stroke": "circle-stroke"}),
    (".fz-shape-diamond .fz-node-shape", {"fill": "diamond-fill", "stroke": "diamond-stroke"}),
    (".fz-shape-taskbox .fz-node-shape", {"fill": "task-fill", "stroke": "task-stroke"}),
    (".fz-shape-unknown .fz-node-shape", {"stroke": "error"}),
    (".fz-task-accent", {"fill": "task-stroke"}),
    (".fz-task-icon", {"stroke": "muted"}),
    (".fz-task-description, .fz-task-owner, .fz-task-system", {"fill": "muted"}),
    (".fz-edge-line", {"stroke": "edge"}),
    (".fz-arrowhead", {"fill": "edge"}),
    (".fz-edge-label", {"fill": "edge-text"}),
    (".fz-edge-label-bg", {"fill": "label-bg"}),
    (".fz-edge-source-only .fz-edge-line, .fz-edge-target-only .fz-edge-line", {"stroke": "error"}),
    (".fz-dangling-end", {"stroke": "error", "fill": "bg"}),
    (".fz-loop-frame", {"stroke": "loop"}),
    (".fz-loop-link", {"stroke": "loop"}),
    (".fz-loop-tab", {"fill": "loop-bg", "stroke": "loop"}),
    (".fz-loop-label", {"fill": "loop-text"}),
    (".fz-component-box", {"fill": "node-fill", "stroke": "node-stroke"}),
    (".fz-component-header", {"fill": "title-bg"}),
    (".fz-component-divider", {"stroke": "lane-stroke"}),
    (".fz-component-title", {"fill": "title-text"}),
    (".fz-component-id, .fz-component-more", {"fill": "muted"}),
    (".fz-step:hover .fz-step-hit", {"fill": "lane-b"}),
)

_PLAIN_RULES = (
    ".fz-diagram text{dominant-baseline:central}"
    ".fz-diagram .fz-node-shape,.fz-diagram .fz-lane-band,.fz-diagram .fz-lane-title-bg{stroke-width:1.5}"
    ".fz-diagram .fz-shape-unknown .fz-node-shape{stroke-dasharray:5 3}"
    ".fz-diagram .fz-edge-line{fill:none;stroke-width:1.5}"
    ".fz-diagram .fz-edge-source-only .fz-edge-line,.fz-diagram .fz-edge-target-only .fz-edge-line"
    "{stroke-dasharray:5 4}"
    ".fz-diagram .fz-edge-label-bg{opacity:0.92}"
    ".fz-diagram .fz-task-icon{fill:none;stroke-width:1.2}"
    ".fz-diagram .fz-lifeline{stroke-width:1.2;stroke-dasharray:6 4}"
    ".fz-diagram .fz-loop-frame{fill:none;stroke-width:1.5;stroke-dasharray:7 4}"
    ".fz-diagram .fz-loop-link{fill:none;stroke-width:1.2;stroke-dasharray:2 4}"
    ".fz-diagram .fz-loop-tab{stroke-width:1.2}"
    ".fz-diagram .fz-dangling-end{stroke-width:1.5}"
    ".fz-diagram .fz-component-box{stroke-width:1.5}"
    ".fz-diagram .fz-component-divider{stroke-width:1}"
    ".fz-diagram .fz-step-icon{stroke-width:1.2;stroke-dasharray:none}"
    ".fz-diagram .fz-step-hit{fill:transparent}"
    ".fz-diagram .fz-component-more{font-style:italic}"
    ".fz-diagram .fz-dependency-backward .fz-edge-line{stroke-dasharray:6 4}"
    ".fz-diagram .fz-dependency-hit{fill:none;stroke:transparent;stroke-width:10}"
)


def _stylesheet(plain: str = _PLAIN_RULES, themed: tuple[tuple[str, dict[str, str]], ...] = _THEMED_RULES) -> str:
    rules = [plain]
    for theme, palette in _PALETTES.items():
        for selector, props in themed:
            scoped = ",".join(f".fz-theme-{theme} {part.strip()}" for part in selector.split(","))
            body = ";".join(f"{prop}:{palette[colour]}" for prop, colour in props.items())
            rules.append(f"{scoped}{{{body}}}")
    return "".join(rules)


STYLESHEET = _stylesheet()

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# any character `escape` changes: text without one (most labels and ids) is returned as it is
_TO_ESCAPE = re.compile("[&<>\"'\r\n\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def escape(text: str) -> str:
    """`text` made safe as XML character data and as a double- or single-quoted attribute."""
    if _TO_ESCAPE.search(text) is None:
        return text
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace('"', "&quot;").replace("'", "&#39;").replace("\r", "&#13;").replace("\n", "&#10;")
    return _NOT_XML.sub("\ufffd", text)


P = ParamSpec("P")

# One drawing's coordinates -> their text (a 10,730-line workflow writes 93,119 numbers, 25,211
# distinct), emptied when that drawing's SVG is done (`_one_drawing`): kept across renders, its
# entries, made among the layout's objects, pinned their memory pages (peak RSS of a
# 53,679-line session 378 -> 422 MB with a 32,768-entry LRU cache).
_NUMBERS: dict[float, str] = {}


def _n(value: float) -> str:
    """A coordinate with at most one decimal."""
    text = _NUMBERS.get(value)
    if text is None:
        text = f"{value:.1f}"
        if text.endswith(".0"):
            text = text[:-2]
        if text == "-0":
            text = "0"
        _NUMBERS[value] = text
    return text


def _one_drawing(write: Callable[P, str]) -> Callable[P, str]:
    """`write` (a view's SVG writer) with `_n`'s memo emptied once it is done."""

    @wraps(write)
    def run(*args: P.args, **kwargs: P.kwargs) -> str:
        try:
            return write(*args, **kwargs)
        finally:
            _NUMBERS.clear()

    return run


def _points(points: Sequence[Point]) -> str:
    return "M" + " L".join(f"{_n(x)} {_n(y)}" for x, y in points)


def _open(view: str, theme: str, width: float, height: float) -> list[str]:
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r} (expected one of {', '.join(THEMES)})")
    w, h = _n(width), _n(height)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="fz-diagram fz-{view} fz-theme-{theme}" '
        f'width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{escape(FONT_FAMILY)}" '
        f'font-size="{FONT_SIZE}">',
        f"<style>{STYLESHEET}</style>",
        '<defs><marker id="fz-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="10" '
        'markerHeight="10" markerUnits="userSpaceOnUse" orient="auto">'
        '<path class="fz-arrowhead" d="M0 0 L10 5 L0 10 Z"/></marker></defs>',
        f'<rect class="fz-bg" x="0" y="0" width="{w}" height="{h}"/>',
    ]


def _text(block: TextBlock) -> str:
    weight = ' font-weight="bold"' if block.bold else ""
    x, y, line_height = _n(block.x), block.y, block.line_height
    spans = "".join(
        f'<tspan x="{x}" y="{_n(y + (i + 0.5) * line_height)}">{escape(line)}</tspan>'
        for i, line in enumerate(block.lines)
    )
    return (
        f'<text class="fz-text fz-{block.role}" text-anchor="{block.anchor}" '
        f'font-size="{_n(block.size)}"{weight}>{spans}</text>'
    )


def _rect(css: str, box: Box, radius: float = 0) -> str:
    corner = f' rx="{_n(radius)}"' if radius else ""
    return f'<rect class="{css}" x="{_n(box.x)}" y="{_n(box.y)}" width="{_n(box.w)}" height="{_n(box.h)}"{corner}/>'


def _circle(css: str, box: Box) -> str:
    return f'<circle class="{css}" cx="{_n(box.cx)}" cy="{_n(box.cy)}" r="{_n(box.w / 2)}"/>'


def _diamond(css: str, box: Box) -> str:
    corners = ((box.cx, box.y), (box.right, box.cy), (box.cx, box.bottom), (box.x, box.cy))
    return f'<polygon class="{css}" points="{" ".join(f"{_n(x)},{_n(y)}" for x, y in corners)}"/>'


def _node(node: NodeLayout) -> str:
    box = node.box
    parts = [
        f'<g class="fz-node fz-shape-{node.shape}" data-node="{escape(node.node.id)}" data-line="{node.node.line}">'
    ]
    if node.shape == "circle":
        parts.append(_circle("fz-node-shape", box))
    elif node.shape == "diamond":
        parts.append(_diamond("fz-node-shape", box))
    else:
        _card_or_box(parts, node.shape, box, NODE_SIZES)
    return _close_shape(parts, node.blocks)


# (taskbox corner, accent inset from the top, accent width, accent corner, rectangle corner)
NODE_SIZES = (6, 6, 4, 2, 8)  # the workflow view's nodes
STEP_SIZES = (5, 4, 3, 1.5, 6)  # the sequence view's steps, a little tighter


def _card_or_box(parts: list[str], shape: str, box: Box, sizes: tuple[float, ...]) -> None:
    """A taskbox's card with its accent bar, or a rounded box (a rectangle; anything else
    square-cornered), drawn into `parts`."""
    card, inset, accent, accent_corner, rounded = sizes
    if shape == "taskbox":
        parts.append(_rect("fz-node-shape", box, card))
        parts.append(_rect("fz-task-accent", Box(box.x + 3, box.y + inset, accent, box.h - 2 * inset), accent_corner))
    else:
        parts.append(_rect("fz-node-shape", box, rounded if shape == "rectangle" else 2))


def _close_shape(parts: list[str], blocks: Sequence[TextBlock]) -> str:
    """A node's or step's group: its shape in `parts`, then a taskbox's icons and every text."""
    parts.extend(_task_icon(block) for block in blocks if block.role in ("task-owner", "task-system"))
    parts.extend(_text(block) for block in blocks)
    parts.append("</g>")
    return "".join(parts)


def _task_icon(block: TextBlock) -> str:
    """A person (owner) or a screen (system) left of the block's first line."""
    x, y = block.x - 10, block.y + block.line_height / 2
    if block.role == "task-owner":
        return (
            f'<circle class="fz-task-icon" cx="{_n(x)}" cy="{_n(y - 2.5)}" r="2.5"/>'
            f'<path class="fz-task-icon" '
            f'd="M{_n(x - 4.5)} {_n(y + 5)} Q{_n(x)} {_n(y - 1)} {_n(x + 4.5)} {_n(y + 5)}"/>'
        )
    return (
        f'<rect class="fz-task-icon" x="{_n(x - 5)}" y="{_n(y - 4.5)}" width="10" height="7" rx="1"/>'
        f'<path class="fz-task-icon" d="M{_n(x - 3)} {_n(y + 5)} H{_n(x + 3)}"/>'
    )


def _label(block: TextBlock | None) -> str:
    if block is None:
        return ""
    box = block.box
    return _rect("fz-edge-label-bg", Box(box.x - 3, box.y - 1, box.w + 6, box.h + 2), 3) + _text(block)


def _edge(layout: EdgeLayout | MessageLayout, css: str) -> str:
    edge = layout.edge
    kind = layout.kind
    marker = "" if kind == "source-only" else ' marker-end="url(#fz-arrow)"'
    classes = f"{css} fz-edge-{kind}"
    if isinstance(layout, EdgeLayout) and layout.backward:
        classes += " fz-edge-backward"
    parts = [
        f'<g class="{classes}" data-edge="{edge.index}" data-line="{edge.line}">',
        f'<path class="fz-edge-line" d="{_points(layout.points)}"{marker}/>',
    ]
    if kind == "source-only":
        x, y = layout.points[-1]
        parts.append(f'<circle class="fz-dangling-end" cx="{_n(x)}" cy="{_n(y)}" r="3.5"/>')
    parts.append(_label(layout.label))
    parts.append("</g>")
    return "".join(parts)


def _loop(loop: LoopLayout) -> str:
    tab = loop.tab
    notch = min(6.0, tab.h / 2)
    tab_path = (
        f"M{_n(tab.x)} {_n(tab.y)} H{_n(tab.right)} V{_n(tab.bottom - notch)} "
        f"L{_n(tab.right - notch)} {_n(tab.bottom)} H{_n(tab.x)} Z"
    )
    if loop.outline:  # members not placed together: the frame goes around them only
        rings = " ".join(_points(ring) + " Z" for ring in loop.outline)
        frame = f'<path class="fz-loop-frame" d="{rings}"/>'
    else:
        frame = _rect("fz-loop-frame", loop.box, 4)
    if loop.links:
        frame += f'<path class="fz-loop-link" d="{" ".join(_points(link) for link in loop.links)}"/>'
    return (
        f'<g class="fz-loop" data-line="{loop.loop.line}">{frame}'
        f'<path class="fz-loop-tab" d="{tab_path}"/>{_text(loop.label)}</g>'
    )


def _lane_attributes(lane: Lane | None) -> str:
    if lane is None:
        return ""
    return f' data-lane="{escape(lane.id)}" data-line="{lane.header_line}"'


def _band(index: int, band: BandLayout) -> str:
    parity = "even" if index % 2 == 0 else "odd"
    return (
        f'<g class="fz-lane fz-lane-{parity}"{_lane_attributes(band.lane)}>'
        f"{_rect('fz-lane-band', band.box)}{_rect('fz-lane-title-bg', band.title_box)}{_text(band.title_block)}</g>"
    )


def _participant(participant: ParticipantLayout, top: float, bottom: float) -> str:
    x = _n(participant.x)
    return (
        f'<g class="fz-participant"{_lane_attributes(participant.lane)}>'
        f'<line class="fz-lifeline" x1="{x}" y1="{_n(top)}" x2="{x}" y2="{_n(bottom)}"/>'
        f"{_rect('fz-participant-header', participant.header, 6)}{_text(participant.title_block)}</g>"
    )


@without_gc
@_one_drawing
def workflow_svg(layout: WorkflowLayout, theme: str = "light") -> str:
    out = _open("workflow", theme, layout.width, layout.height)
    out.append('<g class="fz-lanes">')
    out.extend(_band(i, band) for i, band in enumerate(layout.bands))
    out.append('</g><g class="fz-loops">')
    out.extend(_loop(loop) for loop in layout.loops)
    out.append('</g><g class="fz-edges">')
    out.extend(_edge(edge, "fz-edge") for edge in layout.edges)
    out.append('</g><g class="fz-junctions">')
    out.extend(
        f'<circle class="fz-arrowhead fz-junction" cx="{_n(x)}" cy="{_n(y)}" r="3"/>' for x, y in layout.junctions
    )
    out.append('</g><g class="fz-nodes">')
    out.extend(_node(node) for node in layout.nodes)
    out.append("</g></svg>")
    return "\n".join(out)


# ---------------------------------------------------------------------------
# The sequence view

# the sequence view's own rules, in a second <style> (the other views' SVGs do not change)
_SEQUENCE_THEMED_RULES: tuple[tuple[str, dict[str, str]], ...] = (
    (".fz-frame-alt .fz-frame-box, .fz-frame-alt .fz-frame-divider", {"stroke": "diamond-stroke"}),
    (".fz-frame-alt .fz-frame-tab", {"fill": "diamond-fill", "stroke": "diamond-stroke"}),
    (".fz-frame-alt .fz-frame-label", {"fill": "text"}),
    (".fz-frame-guard", {"fill": "edge-text"}),
    (".fz-frame-loop .fz-frame-box", {"stroke": "loop"}),
    (".fz-frame-loop .fz-frame-tab", {"fill": "loop-bg", "stroke": "loop"}),
    (".fz-frame-loop .fz-frame-label", {"fill": "loop-text"}),
    (".fz-message-return .fz-edge-line", {"stroke": "muted"}),
)
_SEQUENCE_PLAIN_RULES = (
    ".fz-diagram .fz-frame-box{fill:none;stroke-width:1.3}"
    ".fz-diagram .fz-frame-tab{stroke-width:1.1}"
    ".fz-diagram .fz-frame-divider{stroke-width:1.1;stroke-dasharray:5 4}"
    ".fz-diagram .fz-message-hit{fill:none;stroke:transparent;stroke-width:9}"
    ".fz-diagram .fz-message-return .fz-edge-line{stroke-dasharray:6 3}"
)
SEQUENCE_STYLESHEET = _stylesheet(_SEQUENCE_PLAIN_RULES, _SEQUENCE_THEMED_RULES)


@_one_drawing
def sequence_svg(layout: SequenceLayout, theme: str = "light") -> str:
    out = _open("sequence", theme, layout.width, layout.height)
    out.insert(2, f"<style>{SEQUENCE_STYLESHEET}</style>")
    out.append('<g class="fz-participants">')
    out.extend(_participant(p, layout.lifeline_top, layout.lifeline_bottom) for p in layout.participants)
    out.append('</g><g class="fz-frames">')
    out.extend(_frame(frame) for frame in layout.frames)
    out.append('</g><g class="fz-messages">')
    out.extend(_message(message) for message in layout.messages)
    out.append('</g><g class="fz-frame-tabs">')  # over the lines that cross them
    out.extend(_frame_tab(frame) for frame in layout.frames)
    out.append('</g><g class="fz-nodes">')
    out.extend(_sequence_step(step) for step in layout.nodes)
    out.append("</g></svg>")
    return "\n".join(out)


def _sequence_step(step: ActivationLayout) -> str:
    """A step on its lifeline: a pill (circle), a hexagon (decision), a card (taskbox) or a
    rounded box, its text inside."""
    box = step.box
    node = step.node
    parts = [
        f'<g class="fz-node fz-seq-step fz-shape-{step.shape}" data-node="{escape(node.id)}" data-line="{node.line}">'
    ]
    if step.shape == "circle":
        parts.append(_rect("fz-node-shape", box, box.h / 2))
    elif step.shape == "diamond":
        k = box.h / 2
        corners = (
            (box.x, box.cy),
            (box.x + k, box.y),
            (box.right - k, box.y),
            (box.right, box.cy),
            (box.right - k, box.bottom),
            (box.x + k, box.bottom),
        )
        parts.append(f'<polygon class="fz-node-shape" points="{" ".join(f"{_n(x)},{_n(y)}" for x, y in corners)}"/>')
    else:
        _card_or_box(parts, step.shape, box, STEP_SIZES)
    return _close_shape(parts, step.blocks)


def _message(layout: MessageLayout) -> str:
    """An edge of the sequence view; `data-lines` (its line) makes it clickable in a preview."""
    edge = layout.edge
    kind = layout.kind
    marker = "" if kind == "source-only" else ' marker-end="url(#fz-arrow)"'
    ends = f"{layout.source or '?'} \u2192 {layout.target or '?'}"
    tip = ends + (f": {edge.label}" if edge.label and edge.label.strip() else "")
    d = _points(layout.points)
    parts = [
        f'<g class="fz-edge fz-message fz-message-{kind}" data-edge="{edge.index}" data-line="{edge.line}" '
        f'data-lines="{edge.line}"><title>{escape(tip)}</title>',
        f'<path class="fz-message-hit" d="{d}"/>',
        f'<path class="fz-edge-line" d="{d}"{marker}/>',
    ]
    if kind == "source-only":
        x, y = layout.points[-1]
        parts.append(f'<circle class="fz-dangling-end" cx="{_n(x)}" cy="{_n(y)}" r="3.5"/>')
    parts.append(_label(layout.label))
    parts.append("</g>")
    return "".join(parts)


def _frame(frame: FrameLayout) -> str:
    """An alt/opt/loop frame's outline and dividers, under the messages; `data-lines` points
    at the decision (and its branch edges) or the loop line."""
    box = frame.box
    parts = [
        f'<g class="fz-frame fz-frame-{_frame_style(frame)}" data-frame="{frame.kind}" '
        f'data-line="{frame.lines[0]}" data-lines="{" ".join(map(str, frame.lines))}">',
        _rect("fz-frame-box", box, 4),
    ]
    for operand in frame.operands:
        if operand.divider is not None:
            y = _n(operand.divider)
            parts.append(f'<line class="fz-frame-divider" x1="{_n(box.x)}" y1="{y}" x2="{_n(box.right)}" y2="{y}"/>')
    parts.append("</g>")
    return "".join(parts)


def _frame_tab(frame: FrameLayout) -> str:
    """A frame's tab and guards, over the lines that cross them (clickable like the frame)."""
    tab = frame.tab
    notch = min(6.0, tab.h / 2)
    tab_path = (
        f"M{_n(tab.x)} {_n(tab.y)} H{_n(tab.right)} V{_n(tab.bottom - notch)} "
        f"L{_n(tab.right - notch)} {_n(tab.bottom)} H{_n(tab.x)} Z"
    )
    parts = [
        f'<g class="fz-frame fz-frame-{_frame_style(frame)}" data-line="{frame.lines[0]}" '
        f'data-lines="{" ".join(map(str, frame.lines))}">',
        f'<path class="fz-frame-tab" d="{tab_path}"/>',
        _text(frame.label),
    ]
    parts.extend(_label(operand.guard) for operand in frame.operands)
    parts.append("</g>")
    return "".join(parts)


def _frame_style(frame: FrameLayout) -> str:
    return "loop" if frame.kind == "loop" else "alt"


# ---------------------------------------------------------------------------
# The architecture view


def _step_icon(step: StepLayout) -> str:
    box = step.icon
    if step.shape == "circle":
        return _circle("fz-node-shape fz-step-icon", box)
    if step.shape == "diamond":
        return _diamond("fz-node-shape fz-step-icon", box.inflated(1))
    if step.shape == "taskbox":
        return _rect("fz-node-shape fz-step-icon", Box(box.x, box.y + 1, box.w, box.h - 2), 1.5) + _rect(
            "fz-task-accent", Box(box.x, box.y + 1, 2.5, box.h - 2), 1
        )
    return _rect("fz-node-shape fz-step-icon", Box(box.x, box.y + 1.5, box.w, box.h - 3), 2.5)


def _step(step: StepLayout) -> str:
    tip = f"<title>{escape(step.step.text)}</title>" if step.cut else ""
    return (
        f'<g class="fz-step fz-shape-{step.shape}" '
        f'data-node="{escape(step.step.node_id)}" data-line="{step.step.line}">'
        f"{tip}{_rect('fz-step-hit', step.row, 3)}{_step_icon(step)}{_text(step.text)}</g>"
    )


def _component(layout: ComponentLayout) -> str:
    component = layout.component
    box, header = layout.box, layout.header
    r = 8.0
    band = (
        f"M{_n(box.x)} {_n(header.bottom)} V{_n(box.y + r)} A{_n(r)} {_n(r)} 0 0 1 {_n(box.x + r)} {_n(box.y)} "
        f"H{_n(box.right - r)} A{_n(r)} {_n(r)} 0 0 1 {_n(box.right)} {_n(box.y + r)} V{_n(header.bottom)} Z"
    )
    standalone = " fz-component-standalone" if layout.standalone else ""
    parts = [
        f'<g class="fz-component{standalone}" '
        f'data-lane="{escape(component.lane_id)}" data-line="{component.header_line}">',
        _rect("fz-component-box", box, r),
        f'<path class="fz-component-header" d="{band}"/>',
        f'<line class="fz-component-divider" x1="{_n(box.x)}" y1="{_n(header.bottom)}" x2="{_n(box.right)}" '
        f'y2="{_n(header.bottom)}"/>',
        _text(layout.title),
    ]
    if layout.subtitle is not None:
        parts.append(_text(layout.subtitle))
    parts.extend(_step(step) for step in layout.steps)
    if layout.more is not None:
        parts.append(_text(layout.more))
    parts.append("</g>")
    return "".join(parts)


def _dependency(layout: DependencyLayout) -> str:
    dep = layout.dependency
    classes = "fz-dependency fz-dependency-backward" if dep.backward else "fz-dependency"
    caption = dep.caption
    tip = f"{dep.source.title} → {dep.target.title}" + (f": {caption}" if caption else "")
    d = _points(layout.points)
    return (
        f'<g class="{classes}" data-from="{escape(dep.source.lane_id)}" data-to="{escape(dep.target.lane_id)}" '
        f'data-count="{dep.count}" data-lines="{" ".join(map(str, dep.lines))}" data-line="{dep.lines[0]}">'
        f"<title>{escape(tip)}</title>"
        f'<path class="fz-dependency-hit" d="{d}"/>'
        f'<path class="fz-edge-line" d="{d}" marker-end="url(#fz-arrow)"/>'
        f"{_label(layout.label)}</g>"
    )


@_one_drawing
def architecture_svg(layout: ArchitectureLayout, theme: str = "light") -> str:
    out = _open("architecture", theme, layout.width, layout.height)
    out.append('<g class="fz-components">')
    out.extend(_component(c) for c in layout.components)
    out.append('</g><g class="fz-dependencies">')
    out.extend(_dependency(d) for d in layout.dependencies if d.points)
    out.append("</g></svg>")
    return "\n".join(out)
