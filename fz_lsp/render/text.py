"""Text as every view draws it: font sizes, wrapped text blocks, and the texts of lanes,
edges and loops.

- `text_block(text, max_width, size, role)`: `text` wrapped (textmeasure.py measures and
  wraps) as a `TextBlock` placed at the origin, to be moved or centred where it goes;
  memoised within bounds (ARCHITECTURE.md, "Caches and their bounds": a live preview
  wraps the same labels at every keystroke);
- the lanes a lane-based view draws (`band_lanes`: the model's lanes, and one more for the
  nodes declared outside any lane) and their title blocks (`lane_titles`), an edge's label
  (`edge_label_text`) and a loop's (`loop_label_text`), shared by the workflow and
  sequence views;
- the room kept around texts: a label's footprint beyond its text (`LABEL_ROOM_X`,
  `LABEL_ROOM_Y`, what the grid router keeps clear for it) and the margin between a view's
  drawing and the page's edge (`MARGIN`).

Pure Python: no pygls import.
May import: fz_lsp.base, fz_lsp.model, fz_lsp.render (layout.geometry, textmeasure).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from fz_lsp.base.frozen import quick_init
from fz_lsp.model import Edge, Lane, Loop, Model
from fz_lsp.render.layout.geometry import Box
from fz_lsp.render.textmeasure import block_width, line_height, wrap

FONT_SIZE = 13
SMALL_FONT_SIZE = 12
EDGE_FONT_SIZE = 11
WRAP_CACHE_SIZE = 4096  # wrapped texts kept (bounded: a long session renders many documents)

OUTSIDE_LANES_TITLE = "(outside any lane)"
TITLE_WRAP = 140  # a lane's title wraps at this width
TITLE_PAD = 12  # least room around a lane's title

MARGIN = 16  # between a view's drawing (shapes, titles, labels) and the page's edge
LABEL_ROOM_X, LABEL_ROOM_Y = 5, 3  # a label's footprint beyond its text: background and clearance


@quick_init
@dataclass(frozen=True, slots=True)
class TextBlock:
    """Wrapped text: `x` is the centre (anchor "middle") or left edge (anchor "start")."""

    lines: tuple[str, ...]
    x: float
    y: float  # top of the first line
    size: float
    bold: bool
    anchor: str
    role: str  # what the text is: css class `fz-<role>`
    width: float

    @property
    def line_height(self) -> float:
        return line_height(self.size)

    @property
    def height(self) -> float:
        return len(self.lines) * self.line_height

    @property
    def box(self) -> Box:
        left = self.x - self.width / 2 if self.anchor == "middle" else self.x
        return Box(left, self.y, self.width, self.height)

    def moved(self, dx: float, dy: float) -> TextBlock:
        return TextBlock(self.lines, self.x + dx, self.y + dy, self.size, self.bold, self.anchor, self.role, self.width)

    def centred_at(self, x: float, y: float) -> TextBlock:
        y = y - len(self.lines) * line_height(self.size) / 2
        return TextBlock(self.lines, x, y, self.size, self.bold, "middle", self.role, self.width)


# ---------------------------------------------------------------------------
# Wrapped text


def text_block(text: str, max_width: float, size: float, role: str, bold: bool = False) -> TextBlock | None:
    """`text` wrapped to `max_width`, placed at the origin; None when there is nothing to show."""
    lines, width = _wrapped(text, max_width, size, bold)
    if not lines:
        return None
    return TextBlock(lines, 0.0, 0.0, size, bold, "middle", role, width)


@lru_cache(maxsize=WRAP_CACHE_SIZE)
def _wrapped(text: str, max_width: float, size: float, bold: bool) -> tuple[tuple[str, ...], float]:
    """Lines and width of wrapped text: a live preview re-renders mostly the same texts."""
    lines = tuple(wrap(text, max_width, size, bold))
    return lines, block_width(lines, size, bold)


def clear_wrapped_texts() -> None:
    """Forget wrapped texts (benchmarks measure a cold renderer with contents.clear_caches)."""
    _wrapped.cache_clear()


# ---------------------------------------------------------------------------
# The texts of lanes, edges and loops


def band_lanes(model: Model) -> list[Lane | None]:
    """The lanes a lane-based view draws, in document order; None last for the nodes
    declared outside any lane, when there are such nodes."""
    lanes: list[Lane | None] = list(model.lanes)
    if any(node.lane is None for node in model.nodes):
        lanes.append(None)
    return lanes


def lane_titles(lanes: list[Lane | None]) -> tuple[list[str], list[TextBlock]]:
    """Each lane's title (`OUTSIDE_LANES_TITLE` for None) and its block, wrapped at `TITLE_WRAP`."""
    titles = [lane.title if lane is not None else OUTSIDE_LANES_TITLE for lane in lanes]
    blocks = []
    for title in titles:
        block = text_block(title, TITLE_WRAP, FONT_SIZE, "lane-title", bold=True)
        assert block is not None  # titles are never blank: a lane id is a name
        blocks.append(block)
    return titles, blocks


def edge_label_text(edge: Edge) -> str | None:
    return edge.label if edge.label and edge.label.strip() else None


def loop_label_text(loop: Loop) -> str:
    return "loop" if loop.condition is None else f"loop [{loop.condition}]"
