"""Workflow view: lanes as horizontal bands, nodes on a grid, orthogonal edges with labels.

The layout is plain data (workflow_data.py: boxes, point lists, text blocks) so tests can
check it geometrically and svg.py only draws it. `layout_workflow(model)` runs the phases of
fz_lsp/render/layout/ in order, each a pure function over plain data:

1. placement (layout/pipeline.py, its phases named in `PHASES`): feedback edges, ranks
   (columns: the flow moves right, a hop to another lane moves a column on), chains and
   bands (rows inside each lane: the main path on one row, alternatives above and below);
2. routing (layout/router.py, generic: boxes on a grid): each lane is a group of grid rows
   with a divider between lanes, each node a box in its cell; edges leaving (entering) one
   side share a point and run as one trunk with junction dots, a decision's ends sit on
   its corners, each edge takes the route crossing least, each run its own track, the
   gutters are sized for them and each label is placed on its own edge;
3. loops (layout/loops.py): each frame is one outline holding exactly the nodes its `loop`
   line lists, its tab where no edge runs.

This module holds what is FlowZap's: lane bands and titles, edge kinds (an edge with one
unresolved end is a short dashed stub), loop tabs, and the mapping of all of it to and
from the grid; node contents (shapes, wrapped texts, taskbox cards) are contents.py's,
text blocks, lane titles and the texts of edges and loops text.py's (the sequence view
shares them). Only the render package's entry (render/__init__.py) imports this module.

Pure Python: no pygls import.
May import: fz_lsp.base, fz_lsp.model, fz_lsp.syntax.vocabulary, fz_lsp.render (contents, layout, text,
workflow_data).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from fz_lsp.base.collector import without_gc
from fz_lsp.model import Lane, Loop, Model
from fz_lsp.render.contents import NodeContent, node_content
from fz_lsp.render.layout.coordinates import Geometry
from fz_lsp.render.layout.geometry import Box, BoxIndex, Point
from fz_lsp.render.layout.grid import GridEdge, GridLayout, GridNode, GridSpec
from fz_lsp.render.layout.loops import Frame, frame as loop_region, node_index as loop_node_index
from fz_lsp.render.layout.pipeline import place
from fz_lsp.render.layout.ranks import Link
from fz_lsp.render.layout.router import route_grid
from fz_lsp.render.text import (
    EDGE_FONT_SIZE,
    LABEL_ROOM_X,
    LABEL_ROOM_Y,
    MARGIN,
    TITLE_PAD,
    TextBlock,
    band_lanes,
    edge_label_text,
    lane_titles,
    loop_label_text,
    text_block,
)
from fz_lsp.render.workflow_data import BandLayout, EdgeLayout, LoopLayout, NodeLayout, WorkflowLayout
from fz_lsp.syntax.vocabulary import DIRECTIONS

TITLE_MIN_WIDTH = 96
LEAD = 24  # least room between the title strip and the first column
TRAIL = 24  # least room after the last column
COLUMN_GAP = 40  # least room between two columns (more when tracks or labels need it)
ROW_GAP = 40  # least room between two rows of a lane
BAND_PAD = 30  # least room above the first row and below the last row of a lane
MIN_BAND_HEIGHT = 96

EDGE_LABEL_WRAP = 120
LOOP_PAD = 10
FRAME_NEAR = 2.5  # an edge this close to a frame's side, along it, would seem to run on it
TAB_CLEARANCE = 6  # between a loop's tab and the row above
LOOP_LABEL_WRAP = 240

# ---------------------------------------------------------------------------
# Edge ends


def source_side(direction: str | None) -> str:
    return direction if direction in DIRECTIONS else "right"


def target_side(direction: str | None) -> str:
    return direction if direction in DIRECTIONS else "left"


# ---------------------------------------------------------------------------
# The layout

GRID_SHAPES = {"circle": "circle", "diamond": "diamond"}  # every other shape attaches like a rectangle


@without_gc
def layout_workflow(model: Model) -> WorkflowLayout:
    lanes = band_lanes(model)
    band_of_lane = {id(lane): i for i, lane in enumerate(lanes)}
    nodes = model.nodes
    index = {id(node): i for i, node in enumerate(nodes)}
    bands = [band_of_lane[id(node.lane)] for node in nodes]
    contents = [node_content(node) for node in nodes]
    # each edge's ends (node indices, None when unresolved) and sides, looked up once
    ends = [
        (
            index[id(edge.source.node)] if edge.source.node is not None else None,
            index[id(edge.target.node)] if edge.target.node is not None else None,
        )
        for edge in model.edges
    ]
    sides = [(source_side(edge.source.direction), target_side(edge.target.direction)) for edge in model.edges]

    # phases 1 and 2: cells
    links = [Link(i, s, t, *sides[i]) for i, (s, t) in enumerate(ends) if s is not None and t is not None]
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
    titles, title_blocks = lane_titles(lanes)
    title_width = max([TITLE_MIN_WIDTH] + [b.width + 2 * TITLE_PAD for b in title_blocks])
    band_starts = set(first_row[1:])
    row_gutter_min = [float(BAND_PAD)]
    row_gutter_min += [2.0 * BAND_PAD if g in band_starts else float(ROW_GAP) for g in range(1, row_count)]
    row_gutter_min.append(float(BAND_PAD))
    loop_members = [
        (loop, sorted({index[id(ref.node)] for ref in loop.members if ref.node is not None})) for loop in model.loops
    ]
    loop_members = [(loop, members) for loop, members in loop_members if members]
    row_gutter_keep = [0.0] * (row_count + 1)
    for loop, members in loop_members:  # a frame's tab sits in the gutter above its topmost member, free of tracks
        top = min(grid_rows[v] for v in members)
        room = LOOP_PAD + loop_tab_height(loop) + TAB_CLEARANCE
        row_gutter_min[top] = max(row_gutter_min[top], 2 * room if top in band_starts else room)
        row_gutter_keep[top] = max(row_gutter_keep[top], room)
    row_min = [0.0] * row_count
    for g, content in zip(grid_rows, contents):
        row_min[g] = max(row_min[g], content.h)
    for b, block in enumerate(title_blocks):
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
        row_gutter_keep=tuple(row_gutter_keep),
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
            s,
            source,
            t,
            target,
            (block.width + 2 * LABEL_ROOM_X, block.height + 2 * LABEL_ROOM_Y) if block is not None else None,
        )
        for (s, t), (source, target), block in zip(ends, sides, label_blocks)
    ]

    # loops' frames (and tabs, which labels avoid) follow the geometry
    cells = list(zip(grid_rows, columns))
    occupied = {cell: v for v, cell in enumerate(cells)}
    frames: list[Frame] = []

    def loop_tabs(geometry: Geometry, polylines: Sequence[Sequence[Point]], segments: BoxIndex) -> list[Box]:
        frames.clear()
        if not loop_members:
            return []
        nodes = loop_node_index(geometry.boxes)
        banded: set[tuple[int, int]] = set()
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
                    occupied,
                    lambda a, b: segments.along(a, b, FRAME_NEAR),
                    banded,
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
        sides,
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
    title_blocks: Sequence[TextBlock],
    title_width: float,
    bands: Sequence[int],
    rows: Sequence[int],
    columns: Sequence[int],
    first_row: Sequence[int],
    band_rows: Sequence[int],
    contents: Sequence[NodeContent],
    sides: Sequence[tuple[str, str]],
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
        blocks = tuple([b.moved(dx, dy) for b in content.blocks])
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
                *sides[i],
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
    right = max([grid.right] + [b.right for b in drawn])
    bottom = max([grid.bottom] + [b.bottom for b in drawn])
    for e in edge_layouts:
        for x, y in e.points:
            if x > right:
                right = x
            if y > bottom:
                bottom = y

    band_layouts = []
    for b, lane in enumerate(lanes):
        top = float(MARGIN) if b == 0 else grid.dividers[first_row[b]]
        end = bottom if b == len(lanes) - 1 else grid.dividers[first_row[b + 1]]
        title_box = Box(MARGIN, top, title_width, end - top)
        block = title_blocks[b]
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
# Loop tabs


def _loop_label(loop: Loop) -> TextBlock:
    label = text_block(loop_label_text(loop), LOOP_LABEL_WRAP, EDGE_FONT_SIZE, "loop-label", bold=True)
    assert label is not None  # "loop" is never blank
    return label


def loop_tab_height(loop: Loop) -> float:
    return _loop_label(loop).height + 4
