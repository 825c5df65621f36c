"""The plain data of the generic grid router (phases 3 to 6: ports, routing, coordinates,
labels), shared by the workflow view and any other view of boxes on a grid.

A `GridSpec` is a grid of `rows` x `columns` cells separated by gutters: column gutter
`i` (0..columns) runs left of column `i` (the last one right of the last column), row
gutter `j` (0..rows) runs above row `j`. Each `GridNode` is a box in one cell (at most one
per cell), centred in it; each `GridEdge` joins a side of one node to a side of another
(or of the same node), or hangs from one node when its other end is missing (a dashed
stub in the workflow view). Nothing here knows about lanes or FlowZap: lanes are rows
with a divider in the gutter between them (`row_dividers`), the architecture view's
components are boxes in the cells of their layer.

Ends of edges are numbered `2 * edge + 0` (the source end) and `2 * edge + 1` (the
target end).

Pure Python: no pygls import.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from fz_lsp.base.frozen import quick_init
from fz_lsp.render.layout.geometry import Box, Point

SHAPES = ("rect", "circle", "diamond")


@quick_init
@dataclass(frozen=True, slots=True)
class GridNode:
    row: int
    column: int
    width: float
    height: float
    shape: str = "rect"  # rect | circle | diamond: where an edge end meets the outline


@quick_init
@dataclass(frozen=True, slots=True)
class GridEdge:
    source: int | None  # a node index; None when the edge has no source to draw
    source_side: str
    target: int | None
    target_side: str
    label: tuple[float, float] | None = None  # (width, height) the label needs, halo included
    channel: int | None = None  # a feedback edge: the row gutter its way back should run along


@dataclass(frozen=True, slots=True)
class GridSpec:
    rows: int
    columns: int
    x: float = 0.0  # left of the first column gutter
    y: float = 0.0  # top of the first row gutter
    row_min_height: Sequence[float] = ()  # per row (missing: 0)
    column_min_width: Sequence[float] = ()  # per column (missing: 0)
    row_gutter_min: Sequence[float] = ()  # per row gutter, rows + 1 of them (missing: ROW_GUTTER)
    column_gutter_min: Sequence[float] = ()  # per column gutter, columns + 1 (missing: COLUMN_GUTTER)
    row_dividers: frozenset[int] = frozenset()  # row gutters drawn with a divider line across their middle
    hyperedges: bool = False  # ends of one side leaving (entering) a node share a point: trunks with junctions
    row_gutter_keep: Sequence[float] = ()  # per row gutter: room kept free of tracks next to the row below it

    def row_min(self, row: int) -> float:
        return self.row_min_height[row] if row < len(self.row_min_height) else 0.0

    def column_min(self, column: int) -> float:
        return self.column_min_width[column] if column < len(self.column_min_width) else 0.0


@dataclass(frozen=True, slots=True)
class GridLayout:
    """Where everything went: absolute coordinates."""

    column_left: tuple[float, ...]
    column_width: tuple[float, ...]
    row_top: tuple[float, ...]
    row_height: tuple[float, ...]
    column_gutters: tuple[tuple[float, float], ...]  # (left, right) of each column gutter
    row_gutters: tuple[tuple[float, float], ...]  # (top, bottom) of each row gutter
    dividers: dict[int, float]  # row gutter -> y of its divider line
    boxes: tuple[Box, ...]  # per node (grown when a side needed room for more ends)
    paths: tuple[tuple[Point, ...], ...]  # per edge, source end first; () when not drawn
    labels: tuple[Box | None, ...]  # per edge: where its label goes (the label's full box)
    sides: tuple[tuple[str, str], ...] = field(default=())  # per edge: (source side, target side)
    junctions: tuple[Point, ...] = ()  # where a trunk parts into branches (hyperedges)

    @property
    def right(self) -> float:
        return self.column_gutters[-1][1]

    @property
    def bottom(self) -> float:
        return self.row_gutters[-1][1]
