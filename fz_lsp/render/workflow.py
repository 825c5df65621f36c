"""Workflow view: lanes as horizontal bands, nodes on a grid, orthogonal edges with labels.

The layout is plain data (boxes, point lists, text blocks) so tests can check it
geometrically and svg.py only draws it. `layout_workflow(model)` runs the phases of
fz_lsp/render/layout/ in order, each a pure function over plain data:

1. ranks (layout/ranks.py): columns from the handles' constraints, cycles broken;
2. ordering (layout/ordering.py): rows inside each lane, nodes stacked in a column, then
   barycentre sweeps against crossings;
3. ports, routing, coordinates, labels (layout/router.py, generic: boxes on a grid): each
   lane is a group of grid rows with a divider between lanes, each node a box in its cell;
   the router spreads attachment points along sides, routes every edge through empty cells
   and gutters with a track of its own, sizes the gutters and places each label on its
   own edge;
4. loops (layout/loops.py): each frame holds exactly the nodes its `loop` line lists.

This module holds what is FlowZap's: node contents (shapes, wrapped texts, taskbox cards),
lane bands and titles, edge kinds (an edge with one unresolved end is a short dashed stub),
loop tabs, and the mapping of all of it to and from the grid.

Pure Python: no pygls import.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import pairwise

from fz_lsp.model import Edge, Lane, Loop, Model, Node
from fz_lsp.render.layout.coordinates import Geometry
from fz_lsp.render.layout.geometry import NORMALS, Box, BoxIndex, Point, union
from fz_lsp.render.layout.grid import GridEdge, GridLayout, GridNode, GridSpec
from fz_lsp.render.layout.loops import Frame, frame as loop_region, node_index as loop_node_index
from fz_lsp.render.layout.pipeline import place
from fz_lsp.render.layout.ranks import Link
from fz_lsp.render.layout.router import route_grid
from fz_lsp.render.textmeasure import block_width, line_height, text_width, wrap
from fz_lsp.syntax.vocabulary import DIRECTIONS, SHAPES

__all__ = ["NORMALS", "Box", "Point", "layout_workflow", "union"]

OUTSIDE_LANES_TITLE = "(outside any lane)"

FONT_SIZE = 13
SMALL_FONT_SIZE = 12
EDGE_FONT_SIZE = 11

MARGIN = 16
TITLE_WRAP = 140
TITLE_PAD = 12
TITLE_MIN_WIDTH = 96
LEAD = 24  # least room between the title strip and the first column
TRAIL = 24  # least room after the last column
COLUMN_GAP = 40  # least room between two columns (more when tracks or labels need it)
ROW_GAP = 40  # least room between two rows of a lane
BAND_PAD = 30  # least room above the first row and below the last row of a lane
MIN_BAND_HEIGHT = 96

EDGE_LABEL_WRAP = 120
LABEL_HALO = 3  # background margin around an edge label (svg.py draws 3 px sideways, 1 px up and down)
LABEL_ROOM_X, LABEL_ROOM_Y = 5, 3  # a label's footprint beyond its text: background and clearance
LOOP_PAD = 10
TAB_CLEARANCE = 6  # between a loop's tab and the row above
LOOP_LABEL_WRAP = 240
WRAP_CACHE_SIZE = 4096  # wrapped texts kept (bounded: a long session renders many documents)

# ---------------------------------------------------------------------------
# Plain data


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
        return replace(self, x=self.x + dx, y=self.y + dy)

    def centred_at(self, x: float, y: float) -> TextBlock:
        return replace(self, x=x, y=y - self.height / 2, anchor="middle")


@dataclass(frozen=True, slots=True)
class NodeContent:
    """A node's drawn shape and size, with its text placed relative to its top-left."""

    shape: str  # circle | rectangle | diamond | taskbox | unknown
    w: float
    h: float
    blocks: tuple[TextBlock, ...]


@dataclass(frozen=True, slots=True)
class BandLayout:
    lane: Lane | None  # None: the band of nodes declared outside any lane
    title: str
    box: Box
    title_box: Box
    title_block: TextBlock
    rows: tuple[tuple[float, float], ...]  # (top, height) of each row


@dataclass(frozen=True, slots=True)
class NodeLayout:
    node: Node
    shape: str
    box: Box
    band: int
    row: int
    column: int
    blocks: tuple[TextBlock, ...]


@dataclass(frozen=True, slots=True)
class EdgeLayout:
    edge: Edge
    points: tuple[Point, ...]
    source_side: str
    target_side: str
    kind: str  # "full" | "self" | "source-only" | "target-only" (the other end does not resolve)
    backward: bool  # its handles' column constraint closed a cycle: it constrains nothing
    label: TextBlock | None  # on its own path, clear of everything else


@dataclass(frozen=True, slots=True)
class LoopLayout:
    loop: Loop
    box: Box  # the frame's bounds
    tab: Box
    label: TextBlock
    outline: tuple[tuple[Point, ...], ...] = ()  # rings of the frame when it is not a plain rectangle
    links: tuple[tuple[Point, ...], ...] = ()  # dashed lines joining parts of a frame whose members lie apart


@dataclass(frozen=True, slots=True)
class WorkflowLayout:
    width: float
    height: float
    bands: tuple[BandLayout, ...]
    nodes: tuple[NodeLayout, ...]
    edges: tuple[EdgeLayout, ...]
    loops: tuple[LoopLayout, ...]
    junctions: tuple[Point, ...] = ()  # where a fan-out's (fan-in's) trunk parts into branches


# ---------------------------------------------------------------------------
# Text and node contents (shared with the sequence view)


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


def clear_caches() -> None:
    """Forget wrapped texts (benchmarks measure a cold renderer with it)."""
    _wrapped.cache_clear()


def source_side(direction: str | None) -> str:
    return direction if direction in DIRECTIONS else "right"


def target_side(direction: str | None) -> str:
    return direction if direction in DIRECTIONS else "left"


def edge_label_text(edge: Edge) -> str | None:
    return edge.label if edge.label and edge.label.strip() else None


def loop_label_text(loop: Loop) -> str:
    return "loop" if loop.condition is None else f"loop [{loop.condition}]"


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
    shape = node.shape if node.shape in SHAPES else "unknown"
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


# ---------------------------------------------------------------------------
# The layout

GRID_SHAPES = {"circle": "circle", "diamond": "diamond"}  # every other shape attaches like a rectangle


def band_lanes(model: Model) -> list[Lane | None]:
    lanes: list[Lane | None] = list(model.lanes)
    if any(node.lane is None for node in model.nodes):
        lanes.append(None)
    return lanes


def layout_workflow(model: Model) -> WorkflowLayout:
    lanes = band_lanes(model)
    band_of_lane = {id(lane): i for i, lane in enumerate(lanes)}
    nodes = model.nodes
    index = {id(node): i for i, node in enumerate(nodes)}
    bands = [band_of_lane[id(node.lane)] for node in nodes]
    contents = [node_content(node) for node in nodes]

    # phases 1 and 2: cells
    links = [
        Link(
            i,
            index[id(edge.source.node)],
            index[id(edge.target.node)],
            source_side(edge.source.direction),
            target_side(edge.target.direction),
        )
        for i, edge in enumerate(model.edges)
        if edge.source.node is not None and edge.target.node is not None
    ]
    shapes = [content.shape for content in contents]
    placement = place(len(nodes), bands, links, [s == "circle" for s in shapes], [s == "diamond" for s in shapes])
    columns, rows = placement.columns, placement.rows
    backward = {links[k].edge for k in placement.backward}

    band_rows = [1] * len(lanes)
    for band, row in zip(bands, rows):
        band_rows[band] = max(band_rows[band], row + 1)
    first_row = [sum(band_rows[:b]) for b in range(len(lanes))]
    row_count = sum(band_rows)
    grid_rows = [first_row[band] + row for band, row in zip(bands, rows)]
    column_count = max(columns, default=-1) + 1

    # the grid: lanes are groups of rows, a divider between two lanes
    titles = [lane.title if lane is not None else OUTSIDE_LANES_TITLE for lane in lanes]
    title_blocks = [text_block(title, TITLE_WRAP, FONT_SIZE, "lane-title", bold=True) for title in titles]
    title_width = max([TITLE_MIN_WIDTH] + [b.width + 2 * TITLE_PAD for b in title_blocks if b])
    band_starts = set(first_row[1:])
    row_gutter_min = [float(BAND_PAD)]
    row_gutter_min += [2.0 * BAND_PAD if g in band_starts else float(ROW_GAP) for g in range(1, row_count)]
    row_gutter_min.append(float(BAND_PAD))
    loop_members = [
        (loop, sorted({index[id(ref.node)] for ref in loop.members if ref.node is not None})) for loop in model.loops
    ]
    loop_members = [(loop, members) for loop, members in loop_members if members]
    for loop, members in loop_members:  # a frame's tab sits in the gutter above its topmost member
        top = min(grid_rows[v] for v in members)
        room = LOOP_PAD + loop_tab_height(loop) + TAB_CLEARANCE
        row_gutter_min[top] = max(row_gutter_min[top], 2 * room if top in band_starts else room)
    row_min = [0.0] * row_count
    for g, content in zip(grid_rows, contents):
        row_min[g] = max(row_min[g], content.h)
    for b, block in enumerate(title_blocks):
        assert block is not None  # titles are never blank: a lane id is a name
        rows_of_band = range(first_row[b], first_row[b] + band_rows[b])
        natural = 2 * BAND_PAD + sum(row_min[g] for g in rows_of_band) + (band_rows[b] - 1) * ROW_GAP
        needed = max(MIN_BAND_HEIGHT, block.height + 2 * TITLE_PAD)
        if natural < needed:
            row_min[first_row[b]] += needed - natural
    spec = GridSpec(
        rows=row_count,
        columns=column_count,
        x=MARGIN + title_width,
        y=float(MARGIN),
        row_min_height=tuple(row_min),
        row_gutter_min=tuple(row_gutter_min),
        column_gutter_min=tuple([float(LEAD)] + [float(COLUMN_GAP)] * max(0, column_count - 1) + [float(TRAIL)]),
        row_dividers=frozenset(band_starts),
        hyperedges=True,
    )
    grid_nodes = [
        GridNode(grid_rows[i], columns[i], content.w, content.h, GRID_SHAPES.get(content.shape, "rect"))
        for i, content in enumerate(contents)
    ]
    label_blocks = [
        text_block(text, EDGE_LABEL_WRAP, EDGE_FONT_SIZE, "edge-label") if text else None
        for text in map(edge_label_text, model.edges)
    ]
    grid_edges = [
        GridEdge(
            index[id(edge.source.node)] if edge.source.node is not None else None,
            source_side(edge.source.direction),
            index[id(edge.target.node)] if edge.target.node is not None else None,
            target_side(edge.target.direction),
            (block.width + 2 * LABEL_ROOM_X, block.height + 2 * LABEL_ROOM_Y) if block is not None else None,
        )
        for edge, block in zip(model.edges, label_blocks)
    ]

    # loops' frames (and tabs, which labels avoid) follow the geometry
    cells = list(zip(grid_rows, columns))
    frames: list[Frame] = []

    def loop_tabs(geometry: Geometry, polylines: Sequence[Sequence[Point]]) -> list[Box]:
        frames.clear()
        if not loop_members:
            return []
        segments = BoxIndex()
        for points in polylines:
            for a, b in pairwise(points):
                segments.add_segment(a, b)
        nodes = loop_node_index(geometry.boxes)
        for loop, members in loop_members:
            label = _loop_label(loop)
            frames.append(
                loop_region(
                    members,
                    geometry.boxes,
                    cells,
                    geometry.column_gutters,
                    geometry.row_gutters,
                    LOOP_PAD,
                    (label.width + 12, loop_tab_height(loop)),
                    segments.count,
                    nodes,
                )
            )
        return [f.tab for f in frames]

    grid = route_grid(spec, grid_nodes, grid_edges, loop_tabs)
    return _workflow_layout(
        model,
        lanes,
        titles,
        title_blocks,
        title_width,
        bands,
        rows,
        columns,
        first_row,
        band_rows,
        contents,
        label_blocks,
        backward,
        grid,
        loop_members,
        frames,
    )


def _workflow_layout(
    model: Model,
    lanes: Sequence[Lane | None],
    titles: Sequence[str],
    title_blocks: Sequence[TextBlock | None],
    title_width: float,
    bands: Sequence[int],
    rows: Sequence[int],
    columns: Sequence[int],
    first_row: Sequence[int],
    band_rows: Sequence[int],
    contents: Sequence[NodeContent],
    label_blocks: Sequence[TextBlock | None],
    backward: set[int],
    grid: GridLayout,
    loop_members: Sequence[tuple[Loop, list[int]]],
    frames: Sequence[Frame],
) -> WorkflowLayout:
    """The grid router's answer as the workflow view's plain data."""
    node_layouts = []
    for i, node in enumerate(model.nodes):
        box, content = grid.boxes[i], contents[i]
        dx, dy = box.x + (box.w - content.w) / 2, box.y + (box.h - content.h) / 2
        blocks = tuple(b.moved(dx, dy) for b in content.blocks)
        node_layouts.append(NodeLayout(node, content.shape, box, bands[i], rows[i], columns[i], blocks))

    edge_layouts = []
    for i, edge in enumerate(model.edges):
        points = grid.paths[i]
        if not points:
            continue
        s, t = edge.source.node, edge.target.node
        kind = "self" if s is t else "full"
        if t is None:
            kind = "source-only"
        elif s is None:
            kind = "target-only"
        block, spot = label_blocks[i], grid.labels[i]
        label = block.centred_at(spot.cx, spot.cy) if block is not None and spot is not None else None
        edge_layouts.append(
            EdgeLayout(
                edge,
                points,
                source_side(edge.source.direction),
                target_side(edge.target.direction),
                kind,
                i in backward,
                label,
            )
        )

    loop_layouts = []
    for (loop, _), region in zip(loop_members, frames):
        label = _loop_label(loop)
        tab = region.tab
        outline = () if region.is_rectangle else region.rings
        loop_layouts.append(
            LoopLayout(
                loop,
                region.bounds,
                tab,
                replace(label, x=tab.x + 6, y=tab.y + 2, anchor="start"),
                outline,
                region.links,
            )
        )

    drawn = [lp.box for lp in loop_layouts] + [lp.tab for lp in loop_layouts]
    drawn += [e.label.box for e in edge_layouts if e.label is not None]
    right = max([grid.right] + [b.right for b in drawn] + [p[0] for e in edge_layouts for p in e.points])
    bottom = max([grid.bottom] + [b.bottom for b in drawn] + [p[1] for e in edge_layouts for p in e.points])

    band_layouts = []
    for b, lane in enumerate(lanes):
        top = float(MARGIN) if b == 0 else grid.dividers[first_row[b]]
        end = bottom if b == len(lanes) - 1 else grid.dividers[first_row[b + 1]]
        title_box = Box(MARGIN, top, title_width, end - top)
        block = title_blocks[b]
        assert block is not None
        band_rows_at = tuple(
            (grid.row_top[g], grid.row_height[g]) for g in range(first_row[b], first_row[b] + band_rows[b])
        )
        band_layouts.append(
            BandLayout(
                lane,
                titles[b],
                Box(MARGIN, top, right - MARGIN, end - top),
                title_box,
                block.centred_at(title_box.cx, title_box.cy),
                band_rows_at,
            )
        )
    return WorkflowLayout(
        right + MARGIN,
        bottom + MARGIN,
        tuple(band_layouts),
        tuple(node_layouts),
        tuple(edge_layouts),
        tuple(loop_layouts),
        grid.junctions,
    )


# ---------------------------------------------------------------------------
# Loop tabs and frames (the sequence view draws plain rectangles)


def _loop_label(loop: Loop) -> TextBlock:
    label = text_block(loop_label_text(loop), LOOP_LABEL_WRAP, EDGE_FONT_SIZE, "loop-label", bold=True)
    assert label is not None  # "loop" is never blank
    return label


def loop_tab_height(loop: Loop) -> float:
    return _loop_label(loop).height + 4


def loop_frame(loop: Loop, boxes: Sequence[Box]) -> LoopLayout:
    """A labelled rectangle around `boxes` (at least one), its `loop [...]` tab above them."""
    bounds = boxes[0]
    for box in boxes[1:]:
        bounds = union(bounds, box)
    label = _loop_label(loop)
    tab_h = loop_tab_height(loop)
    x, y = bounds.x - LOOP_PAD, bounds.y - LOOP_PAD - tab_h
    frame = Box(x, y, bounds.w + 2 * LOOP_PAD, bounds.bottom + LOOP_PAD - y)
    return LoopLayout(loop, frame, Box(x, y, label.width + 12, tab_h), replace(label, x=x + 6, y=y + 2, anchor="start"))
