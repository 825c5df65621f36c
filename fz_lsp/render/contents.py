"""What a node shows: its shape, size and wrapped texts, for the workflow and sequence views.

`node_content(node)` sizes a node to its text: a rectangle wraps its label at
RECT_WRAP, a circle and a diamond try a few wrap widths and keep the most compact shape,
a taskbox stacks its title, description, owner and system (text blocks and font sizes
are text.py's). Contents are memoised within bounds (see ARCHITECTURE.md, "Caches and
their bounds"): a live preview renders the same document at every keystroke.

Pure Python: no pygls import.
May import: fz_lsp.base, fz_lsp.model, fz_lsp.syntax.vocabulary, fz_lsp.render (text,
textmeasure).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from fz_lsp.base.bounded_memo import BoundedMemo
from fz_lsp.model import Node
from fz_lsp.render.text import FONT_SIZE, SMALL_FONT_SIZE, TextBlock, clear_wrapped_texts, text_block
from fz_lsp.render.textmeasure import text_width
from fz_lsp.syntax.vocabulary import SHAPES

CONTENT_MEMO_BUDGET = 8_000_000  # node contents kept: key length + CONTENT_ENTRY_WEIGHT each, about bytes
CONTENT_ENTRY_WEIGHT = 1_400  # what a node content takes beyond its key (measured: ~1.4 KB with its slot)

_contents: BoundedMemo[str, NodeContent] = BoundedMemo(CONTENT_MEMO_BUDGET, CONTENT_ENTRY_WEIGHT)


@dataclass(frozen=True, slots=True)
class NodeContent:
    """A node's drawn shape and size, with its text placed relative to its top-left."""

    shape: str  # circle | rectangle | diamond | taskbox | unknown
    w: float
    h: float
    blocks: tuple[TextBlock, ...]


def clear_caches() -> None:
    """Forget wrapped texts and node contents (benchmarks measure a cold renderer with it)."""
    clear_wrapped_texts()
    _contents.clear()


# ---------------------------------------------------------------------------
# Node contents


def node_texts(node: Node) -> list[str]:
    """The texts a node shows: a taskbox card's sections, else the display text."""
    if node.shape == "taskbox":
        sections = [v for v in _taskbox_sections(node).values() if v]
        if sections:
            return sections
    return [node.display_text] if node.display_text.strip() else []


def _taskbox_sections(node: Node) -> dict[str, str | None]:
    values = {
        "task-title": node.label,
        "task-description": node.attribute("description"),
        "task-owner": node.attribute("owner"),
        "task-system": node.attribute("system"),
    }
    return {role: (v if v and v.strip() else None) for role, v in values.items()}


RECT_WRAP, RECT_PAD_X, RECT_PAD_Y, RECT_MIN_W, RECT_MIN_H = 150, 14, 10, 120, 48
CIRCLE_WRAPS, CIRCLE_PAD, CIRCLE_MIN = (60, 80, 100, 130), 8, 60
DIAMOND_WRAPS, DIAMOND_PAD, DIAMOND_MIN_W, DIAMOND_MIN_H = (70, 90, 110, 150), 4, 100, 64
TASK_WRAP, TASK_PAD, TASK_ACCENT, TASK_ICON, TASK_MIN_W, TASK_MIN_H, TASK_SPACING = 170, 12, 5, 16, 170, 56, 4


def node_content(node: Node) -> NodeContent:
    """A node's shape, size and placed texts; remembered by shape and texts (a live preview
    draws the same nodes again at every keystroke)."""
    shape = node.shape if node.shape in SHAPES else "unknown"
    if shape == "taskbox":
        key = "\x1f".join((shape, *(text or "" for text in _taskbox_sections(node).values()), node.display_text))
    else:
        key = f"{shape}\x1f{node.display_text}"
    content = _contents.get(key)
    if content is None:
        content = _node_content(node, shape)
        _contents.put(key, content)
    return content


def _node_content(node: Node, shape: str) -> NodeContent:
    if shape == "taskbox":
        sections = _taskbox_sections(node)
        if any(sections.values()):
            return _taskbox_content(sections)
    text = node_texts(node)
    if shape == "circle":
        block = min(_wrappings(text[0], CIRCLE_WRAPS), key=_diagonal) if text else None
        size = max(CIRCLE_MIN, math.ceil(_diagonal(block) + 2 * CIRCLE_PAD))
        return _centred(shape, size, size, block)
    if shape == "diamond":
        # the wrap width giving the most compact diamond (a wide one-line diamond widens its column)
        options = [_diamond(block) for block in _wrappings(text[0], DIAMOND_WRAPS)] if text else [_diamond(None)]
        w, h, block = min(options, key=lambda o: (o[0] + 0.6 * o[1], o[0]))
        return _centred(shape, w, h, block)
    block = text_block(text[0], RECT_WRAP, FONT_SIZE, "label") if text else None
    tw, th = (block.width, block.height) if block else (0.0, 0.0)
    w = max(RECT_MIN_W, math.ceil(tw + 2 * RECT_PAD_X))
    h = max(RECT_MIN_H, math.ceil(th + 2 * RECT_PAD_Y))
    return _centred(shape, w, h, block)


def _wrappings(text: str, widths: Sequence[float]) -> list[TextBlock | None]:
    """`text` wrapped at each width, narrowest first, up to the first width that holds it on
    one line; widths narrower than its longest word are left out (no word is cut to make a
    shape smaller) unless none is wide enough."""
    longest = max((text_width(word, FONT_SIZE) for word in text.split()), default=0.0)
    usable = [w for w in widths if w >= longest] or [widths[-1]]
    out = []
    for width in usable:
        block = text_block(text, width, FONT_SIZE, "label")
        out.append(block)
        if block is None or len(block.lines) == 1:
            break
    return out


def _diamond(block: TextBlock | None) -> tuple[float, float, TextBlock | None]:
    tw, th = (block.width, block.height) if block else (0.0, 0.0)
    # a (w/2+p) x (h/2+p) text box fits a diamond with half-diagonals twice as long
    w = max(DIAMOND_MIN_W, math.ceil(2 * (tw + 2 * DIAMOND_PAD)))
    h = max(DIAMOND_MIN_H, math.ceil(2 * (th + 2 * DIAMOND_PAD)))
    return w, h, block


def _diagonal(block: TextBlock | None) -> float:
    """Diameter of the smallest circle around a text block."""
    return math.hypot(block.width, block.height) if block else 0.0


def _centred(shape: str, w: float, h: float, block: TextBlock | None) -> NodeContent:
    if block is None:
        return NodeContent(shape, w, h, ())
    return NodeContent(shape, w, h, (block.centred_at(w / 2, h / 2),))


def _taskbox_content(sections: dict[str, str | None]) -> NodeContent:
    left = TASK_ACCENT + TASK_PAD
    blocks: list[TextBlock] = []
    y = float(TASK_PAD)
    for role, value in sections.items():
        if value is None:
            continue
        bold = role == "task-title"
        size = FONT_SIZE if bold else SMALL_FONT_SIZE
        indent = TASK_ICON if role in ("task-owner", "task-system") else 0
        block = text_block(value, TASK_WRAP - indent, size, role, bold)
        if block is None:
            continue
        blocks.append(replace(block, x=left + indent, y=y, anchor="start"))
        y += block.height + TASK_SPACING
    content_w = max(b.x + b.width for b in blocks)
    w = max(TASK_MIN_W, math.ceil(content_w + TASK_PAD))
    h = max(TASK_MIN_H, math.ceil(y - TASK_SPACING + TASK_PAD))
    return NodeContent("taskbox", w, h, tuple(blocks))
