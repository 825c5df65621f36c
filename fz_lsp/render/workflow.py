"""Workflow view layout: lanes as horizontal bands, nodes on a grid, orthogonal edges.

The layout is plain data (boxes, point lists, text blocks) so tests can check it
geometrically and svg.py only draws it.

How nodes are placed:
- every lane is a band; bands are stacked in document order (nodes declared outside any
  lane get one extra band at the bottom);
- cycles are broken by a depth-first search in declaration order: the edges that close a
  cycle are marked `backward` and do not constrain the placement;
- nodes are then visited in topological order and put in a cell (band, row, column):
  the column follows the flow (a `right -> left` edge moves right, a cross-lane edge
  keeps its target at or after its source's column), the row follows `top`/`bottom`
  branches (a target entered from the top goes one row below its source), and a taken
  cell pushes the node to the next free column of its row. Columns are shared by all
  bands, rows belong to a band. One node per cell, so nodes never overlap.

How edges are routed: from the midpoint of the named side of the source to the midpoint
of the named side of the target, orthogonally: straight or with one bend when that path
is free of other nodes, otherwise through the gutters between columns and rows, which no
node occupies.

Pure Python: no pygls import.
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from typing import Optional, Sequence

from fz_lsp.model import DIRECTIONS, SHAPES, Edge, Lane, Loop, Model, Node
from fz_lsp.render.textmeasure import block_width, line_height, wrap

Point = tuple[float, float]

OUTSIDE_LANES_TITLE = "(outside any lane)"

FONT_SIZE = 13
SMALL_FONT_SIZE = 12
EDGE_FONT_SIZE = 11

MARGIN = 16
TITLE_WRAP = 140
TITLE_PAD = 12
TITLE_MIN_WIDTH = 96
LEAD = 40  # space between the title strip and the first column
TRAIL = 40  # space after the last column
COLUMN_GAP = 56
ROW_GAP = 48
BAND_PAD = 32  # above the first row and below the last row of a band
MIN_BAND_HEIGHT = 96

STUB = 12  # shortest run out of a side before an edge may turn
DANGLING_LENGTH = 36  # length of the dashed stub drawn for a half-resolved edge
CLEARANCE = 4  # how close a straight edge may pass another node
EDGE_LABEL_WRAP = 150
EDGE_LABEL_ROOM = 14  # free space each side of a label sitting in a column gap
LABEL_HALO = 3  # background margin around an edge label
LOOP_PAD = 10
LOOP_LABEL_WRAP = 240

NORMALS: dict[str, Point] = {"left": (-1.0, 0.0), "right": (1.0, 0.0), "top": (0.0, -1.0), "bottom": (0.0, 1.0)}


# ---------------------------------------------------------------------------
# Plain data


@dataclass(frozen=True, slots=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    def side_midpoint(self, side: str) -> Point:
        if side == "left":
            return (self.x, self.cy)
        if side == "right":
            return (self.right, self.cy)
        if side == "top":
            return (self.cx, self.y)
        return (self.cx, self.bottom)

    def contains(self, other: "Box") -> bool:
        return self.x <= other.x and self.y <= other.y and other.right <= self.right and other.bottom <= self.bottom

    def overlaps(self, other: "Box") -> bool:
        """True when the interiors intersect (touching edges do not count)."""
        return self.x < other.right and other.x < self.right and self.y < other.bottom and other.y < self.bottom


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

    def moved(self, dx: float, dy: float) -> "TextBlock":
        return replace(self, x=self.x + dx, y=self.y + dy)

    def centred_at(self, x: float, y: float) -> "TextBlock":
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
    lane: Optional[Lane]  # None: the band of nodes declared outside any lane
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
    backward: bool  # closes a cycle: ignored when placing nodes
    label: Optional[TextBlock]  # placed on the path by _place_labels


@dataclass(frozen=True, slots=True)
class LoopLayout:
    loop: Loop
    box: Box
    tab: Box
    label: TextBlock


@dataclass(frozen=True, slots=True)
class WorkflowLayout:
    width: float
    height: float
    bands: tuple[BandLayout, ...]
    nodes: tuple[NodeLayout, ...]
    edges: tuple[EdgeLayout, ...]
    loops: tuple[LoopLayout, ...]


# ---------------------------------------------------------------------------
# Text and node contents (shared with the sequence view)


def text_block(text: str, max_width: float, size: float, role: str, bold: bool = False) -> Optional[TextBlock]:
    """`text` wrapped to `max_width`, placed at the origin; None when there is nothing to show."""
    lines = tuple(wrap(text, max_width, size, bold))
    if not lines:
        return None
    return TextBlock(lines, 0.0, 0.0, size, bold, "middle", role, block_width(lines, size, bold))


def source_side(direction: Optional[str]) -> str:
    return direction if direction in DIRECTIONS else "right"


def target_side(direction: Optional[str]) -> str:
    return direction if direction in DIRECTIONS else "left"


def edge_label_text(edge: Edge) -> Optional[str]:
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


def _taskbox_sections(node: Node) -> dict[str, Optional[str]]:
    values = {
        "task-title": node.label,
        "task-description": node.attribute("description"),
        "task-owner": node.attribute("owner"),
        "task-system": node.attribute("system"),
    }
    return {role: (v if v and v.strip() else None) for role, v in values.items()}


RECT_WRAP, RECT_PAD_X, RECT_PAD_Y, RECT_MIN_W, RECT_MIN_H = 150, 14, 10, 120, 48
CIRCLE_WRAPS, CIRCLE_PAD, CIRCLE_MIN = (60, 80, 100, 130), 8, 60
DIAMOND_WRAP, DIAMOND_PAD, DIAMOND_MIN_W, DIAMOND_MIN_H = 110, 4, 100, 64
TASK_WRAP, TASK_PAD, TASK_ACCENT, TASK_ICON, TASK_MIN_W, TASK_MIN_H, TASK_SPACING = 170, 12, 5, 16, 170, 56, 4


def node_content(node: Node) -> NodeContent:
    shape = node.shape if node.shape in SHAPES else "unknown"
    if shape == "taskbox":
        sections = _taskbox_sections(node)
        if any(sections.values()):
            return _taskbox_content(sections)
    text = node_texts(node)
    if shape == "circle":
        block = min((text_block(text[0], w, FONT_SIZE, "label") for w in CIRCLE_WRAPS), key=_diagonal) if text else None
        size = max(CIRCLE_MIN, math.ceil(_diagonal(block) + 2 * CIRCLE_PAD))
        return _centred(shape, size, size, block)
    if shape == "diamond":
        block = text_block(text[0], DIAMOND_WRAP, FONT_SIZE, "label") if text else None
        tw, th = (block.width, block.height) if block else (0.0, 0.0)
        # a (w/2+p) x (h/2+p) text box fits a diamond with half-diagonals twice as long
        w = max(DIAMOND_MIN_W, math.ceil(2 * (tw + 2 * DIAMOND_PAD)))
        h = max(DIAMOND_MIN_H, math.ceil(2 * (th + 2 * DIAMOND_PAD)))
        return _centred(shape, w, h, block)
    block = text_block(text[0], RECT_WRAP, FONT_SIZE, "label") if text else None
    tw, th = (block.width, block.height) if block else (0.0, 0.0)
    w = max(RECT_MIN_W, math.ceil(tw + 2 * RECT_PAD_X))
    h = max(RECT_MIN_H, math.ceil(th + 2 * RECT_PAD_Y))
    return _centred(shape, w, h, block)


def _diagonal(block: Optional[TextBlock]) -> float:
    """Diameter of the smallest circle around a text block."""
    return math.hypot(block.width, block.height) if block else 0.0


def _centred(shape: str, w: float, h: float, block: Optional[TextBlock]) -> NodeContent:
    if block is None:
        return NodeContent(shape, w, h, ())
    return NodeContent(shape, w, h, (block.centred_at(w / 2, h / 2),))


def _taskbox_content(sections: dict[str, Optional[str]]) -> NodeContent:
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
# Flow graph: forward edges, cycle-closing edges


@dataclass(frozen=True, slots=True)
class _Link:
    edge: Edge
    source: int  # index into model.nodes
    target: int
    source_side: str
    target_side: str


def _links(model: Model) -> list[Optional[_Link]]:
    """One entry per edge: the resolved link, or None when an end does not resolve."""
    index = {id(node): i for i, node in enumerate(model.nodes)}
    links: list[Optional[_Link]] = []
    for edge in model.edges:
        s, t = edge.source.node, edge.target.node
        if s is None or t is None:
            links.append(None)
            continue
        sides = source_side(edge.source.direction), target_side(edge.target.direction)
        links.append(_Link(edge, index[id(s)], index[id(t)], *sides))
    return links


def _cycle_closing(node_count: int, links: Sequence[Optional[_Link]]) -> set[int]:
    """Edge indexes that close a cycle in a depth-first search in declaration order."""
    out: list[list[tuple[int, int]]] = [[] for _ in range(node_count)]
    for i, link in enumerate(links):
        if link is not None and link.source != link.target:
            out[link.source].append((i, link.target))
    state = [0] * node_count  # 0 unseen, 1 on the stack, 2 done
    closing: set[int] = set()
    for root in range(node_count):
        if state[root]:
            continue
        state[root] = 1
        stack = [(root, 0)]
        while stack:
            v, k = stack[-1]
            if k == len(out[v]):
                state[v] = 2
                stack.pop()
                continue
            stack[-1] = (v, k + 1)
            edge_index, w = out[v][k]
            if state[w] == 1:
                closing.add(edge_index)
            elif state[w] == 0:
                state[w] = 1
                stack.append((w, 0))
    return closing


def column_step(same_band: bool, s_side: str, t_side: str) -> int:
    """How many columns the target sits right of its source (negative: left)."""
    if not same_band:
        return 1 if t_side == "left" else 0
    if t_side == "left":
        return 1
    if t_side == "right":
        return -1
    if s_side == "left":
        return -1
    if s_side == "right" or s_side == t_side:
        return 1
    return 0


def row_step(s_side: str, t_side: str) -> int:
    """How many rows (same band) the target sits below its source (negative: above)."""
    if t_side == "top" and s_side != "top":
        return 1
    if t_side == "bottom" and s_side != "bottom":
        return -1
    if t_side in ("left", "right"):
        return {"bottom": 1, "top": -1}.get(s_side, 0)
    return 0


def _claim_column(taken: dict[int, int], column: int) -> int:
    """The first free column >= `column` of a row; marks it taken (skip pointers, compressed)."""
    path = []
    while column in taken:
        path.append(column)
        column = taken[column]
    for visited in path:
        taken[visited] = column + 1
    taken[column] = column + 1
    return column


def _place(
    node_count: int, bands: Sequence[int], links: Sequence[Optional[_Link]], closing: set[int]
) -> tuple[list[int], list[int]]:
    """Rows and columns (normalised: rows from 0 per band, columns from 0 overall)."""
    preds: list[list[tuple[int, int, Optional[int]]]] = [[] for _ in range(node_count)]
    succs: list[list[int]] = [[] for _ in range(node_count)]
    indegree = [0] * node_count
    for i, link in enumerate(links):
        if link is None or link.source == link.target or i in closing:
            continue
        same_band = bands[link.source] == bands[link.target]
        rows = row_step(link.source_side, link.target_side) if same_band else None
        preds[link.target].append((link.source, column_step(same_band, link.source_side, link.target_side), rows))
        succs[link.source].append(link.target)
        indegree[link.target] += 1
    ready = [i for i in range(node_count) if indegree[i] == 0]
    heapq.heapify(ready)
    rows = [0] * node_count
    columns = [0] * node_count
    taken: dict[tuple[int, int], dict[int, int]] = {}
    while ready:
        v = heapq.heappop(ready)
        column = max((columns[u] + step for u, step, _ in preds[v]), default=0)
        row_wishes = [rows[u] + step for u, _, step in preds[v] if step is not None]
        row = max(row_wishes, default=0)
        rows[v] = row
        columns[v] = _claim_column(taken.setdefault((bands[v], row), {}), column)
        for w in succs[v]:
            indegree[w] -= 1
            if indegree[w] == 0:
                heapq.heappush(ready, w)
    return _normalise_rows(bands, rows), _dense_ranks(columns)


def _dense_ranks(values: Sequence[int]) -> list[int]:
    rank = {v: i for i, v in enumerate(sorted(set(values)))}
    return [rank[v] for v in values]


def _normalise_rows(bands: Sequence[int], rows: Sequence[int]) -> list[int]:
    used: dict[int, set[int]] = {}
    for band, row in zip(bands, rows):
        used.setdefault(band, set()).add(row)
    rank = {band: {r: i for i, r in enumerate(sorted(rs))} for band, rs in used.items()}
    return [rank[band][row] for band, row in zip(bands, rows)]


# ---------------------------------------------------------------------------
# Grid geometry and routing


class _Grid:
    """Column and row positions, gutters, and the nodes along each row and column line."""

    def __init__(
        self,
        column_left: list[float],
        column_width: list[float],
        column_gap: list[float],
        bands: Sequence[BandLayout],
        nodes: Sequence[NodeLayout],
    ) -> None:
        self.column_left = column_left
        self.column_width = column_width
        self.column_gap = column_gap
        self.bands = bands
        self.row_spans = sorted(
            (top, top + height, (b, r)) for b, band in enumerate(bands) for r, (top, height) in enumerate(band.rows)
        )
        self.row_tops = [span[0] for span in self.row_spans]
        in_row: dict[tuple[int, int], list[Box]] = {}
        in_column: dict[int, list[Box]] = {}
        for n in nodes:
            in_row.setdefault((n.band, n.row), []).append(n.box)
            in_column.setdefault(n.column, []).append(n.box)
        self.in_row = {key: _Line(boxes, horizontal=True) for key, boxes in in_row.items()}
        self.in_column = {key: _Line(boxes, horizontal=False) for key, boxes in in_column.items()}

    def vertical_gutter(self, column: int, side: str) -> float:
        """x of the free line left or right of a column."""
        if side == "left":
            if column == 0:
                return self.column_left[0] - LEAD / 2
            return self.column_left[column] - self.column_gap[column - 1] / 2
        right = self.column_left[column] + self.column_width[column]
        if column == len(self.column_left) - 1:
            return right + TRAIL / 2
        return right + self.column_gap[column] / 2

    def horizontal_gutter(self, band: int, row: int, side: str) -> float:
        """y of the free line above or below a row of a band."""
        rows = self.bands[band].rows
        top, height = rows[row]
        if side == "top":
            return top - (BAND_PAD if row == 0 else ROW_GAP) / 2
        return top + height + (BAND_PAD if row == len(rows) - 1 else ROW_GAP) / 2

    def gutter_exit(self, node: NodeLayout, side: str, start: Point) -> tuple[Point, str]:
        """Where a run out of `side` meets the nearest gutter, and that gutter's axis."""
        if side in ("left", "right"):
            return (self.vertical_gutter(node.column, side), start[1]), "vertical"
        return (start[0], self.horizontal_gutter(node.band, node.row, side)), "horizontal"

    def is_clear(self, a: Point, b: Point, ignore: Sequence[Box]) -> bool:
        """No node other than `ignore` comes within CLEARANCE of the axis-parallel segment a-b."""
        if a[1] == b[1]:
            lo, hi = sorted((a[0], b[0]))
            seg = Box(lo, a[1] - CLEARANCE, hi - lo, 2 * CLEARANCE)
            k = bisect_right(self.row_tops, seg.bottom) - 1
            lines = []
            while k >= 0 and self.row_spans[k][1] >= seg.y:
                lines.append(self.in_row[self.row_spans[k][2]])
                k -= 1
        else:
            lo, hi = sorted((a[1], b[1]))
            seg = Box(a[0] - CLEARANCE, lo, 2 * CLEARANCE, hi - lo)
            column = bisect_right(self.column_left, a[0]) - 1
            lines = [self.in_column[column]] if column in self.in_column else []
        return not any(box.overlaps(seg) for line in lines for box in line.near(seg) if box not in ignore)


class _Line:
    """The node boxes of one row (or column), sorted along it: they never overlap there."""

    def __init__(self, boxes: list[Box], horizontal: bool) -> None:
        self.horizontal = horizontal
        self.boxes = sorted(boxes, key=(lambda b: b.x) if horizontal else (lambda b: b.y))
        self.starts = [b.x if horizontal else b.y for b in self.boxes]
        self.ends = [b.right if horizontal else b.bottom for b in self.boxes]

    def near(self, seg: Box) -> list[Box]:
        """The boxes whose extent along the line meets the segment's."""
        lo, hi = (seg.x, seg.right) if self.horizontal else (seg.y, seg.bottom)
        return self.boxes[bisect_right(self.ends, lo) : bisect_left(self.starts, hi)]


def _dot(p: Point, n: Point) -> float:
    return p[0] * n[0] + p[1] * n[1]


def _ahead(origin: Point, normal: Point, point: Point) -> bool:
    """`point` lies on the ray out of `origin` along `normal`, at least STUB away."""
    d = (point[0] - origin[0], point[1] - origin[1])
    return _dot(d, normal) >= STUB and _dot(d, (normal[1], normal[0])) == 0


def route(s: NodeLayout, s_side: str, t: NodeLayout, t_side: str, grid: _Grid) -> tuple[Point, ...]:
    """Orthogonal path from the midpoint of s's side to the midpoint of t's side."""
    p, q = s.box.side_midpoint(s_side), t.box.side_midpoint(t_side)
    ns, nt = NORMALS[s_side], NORMALS[t_side]
    ends = (s.box, t.box)
    if s is not t:
        if ns == (-nt[0], -nt[1]) and _ahead(p, ns, q) and grid.is_clear(p, q, ends):
            return (p, q)
        if _dot(ns, nt) == 0:
            corner = (q[0], p[1]) if ns[1] == 0 else (p[0], q[1])
            if _ahead(p, ns, corner) and _ahead(q, nt, corner):
                if grid.is_clear(p, corner, ends) and grid.is_clear(corner, q, ends):
                    return (p, corner, q)
    g1, axis1 = grid.gutter_exit(s, s_side, p)
    g2, axis2 = grid.gutter_exit(t, t_side, q)
    return _simplify([p, g1, *_through_gutters(g1, axis1, g2, axis2, s, grid), g2, q])


def _through_gutters(g1: Point, axis1: str, g2: Point, axis2: str, s: NodeLayout, grid: _Grid) -> list[Point]:
    """Bends joining two gutter points using gutter lines only (they hold no node)."""
    if axis1 == "vertical" and axis2 == "vertical":
        if g1[0] == g2[0] or (g1[1] == g2[1] and grid.is_clear(g1, g2, ())):
            return []
        y = grid.horizontal_gutter(s.band, s.row, "bottom" if g2[1] > g1[1] else "top")
        return [(g1[0], y), (g2[0], y)]
    if axis1 == "horizontal" and axis2 == "horizontal":
        if g1[1] == g2[1]:
            return []
        x = grid.vertical_gutter(s.column, "right" if g2[0] >= g1[0] else "left")
        return [(x, g1[1]), (x, g2[1])]
    if axis1 == "vertical":
        return [(g1[0], g2[1])]
    return [(g2[0], g1[1])]


def _simplify(points: list[Point]) -> tuple[Point, ...]:
    """Drop repeated points and middle points of straight runs (turnarounds stay)."""
    out = [points[0]]
    for pt in points[1:]:
        if pt == out[-1]:
            continue
        if len(out) >= 2:
            a, b = out[-2], out[-1]
            same_line = (a[0] == b[0] == pt[0]) or (a[1] == b[1] == pt[1])
            if same_line and _dot((b[0] - a[0], b[1] - a[1]), (pt[0] - b[0], pt[1] - b[1])) > 0:
                out[-1] = pt
                continue
        out.append(pt)
    return tuple(out)


def _label_spots(points: Sequence[Point]) -> list[Point]:
    """Where a label may sit on a polyline, best first: along its segments, longest first."""
    segments = sorted(zip(points, points[1:]), key=lambda ab: -abs(ab[1][0] - ab[0][0]) - abs(ab[1][1] - ab[0][1]))
    return [(ax + (bx - ax) * f, ay + (by - ay) * f) for (ax, ay), (bx, by) in segments for f in (0.5, 0.3, 0.7)]


class _Taken:
    """Boxes already drawn, bucketed on a coarse grid for quick overlap tests."""

    CELL = 128.0

    def __init__(self, boxes: Sequence[Box]) -> None:
        self._cells: dict[tuple[int, int], list[Box]] = {}
        for box in boxes:
            self.add(box)

    def _keys(self, box: Box) -> list[tuple[int, int]]:
        xs = range(int(box.x // self.CELL), int(box.right // self.CELL) + 1)
        ys = range(int(box.y // self.CELL), int(box.bottom // self.CELL) + 1)
        return [(x, y) for x in xs for y in ys]

    def add(self, box: Box) -> None:
        for key in self._keys(box):
            self._cells.setdefault(key, []).append(box)

    def is_free(self, box: Box) -> bool:
        return not any(other.overlaps(box) for key in self._keys(box) for other in self._cells.get(key, ()))


def _halo(block: TextBlock) -> Box:
    box = block.box
    return Box(box.x - LABEL_HALO, box.y - LABEL_HALO, box.w + 2 * LABEL_HALO, box.h + 2 * LABEL_HALO)


def _place_labels(edges: Sequence[EdgeLayout], nodes: Sequence[NodeLayout]) -> tuple[EdgeLayout, ...]:
    """Put each edge label on its own path, clear of nodes and of earlier labels when possible."""
    taken = _Taken([n.box for n in nodes])
    placed = []
    for edge in edges:
        label = edge.label
        if label is None:
            placed.append(edge)
            continue
        if edge.kind in ("full", "self"):
            spots = _label_spots(edge.points)
        else:
            far = edge.points[-1] if edge.kind == "source-only" else edge.points[0]
            spots = [(far[0], far[1] - label.height / 2 - LABEL_HALO)]
        choices = [label.centred_at(x, y) for x, y in spots]
        chosen = next((c for c in choices if taken.is_free(_halo(c))), choices[0])
        taken.add(_halo(chosen))
        placed.append(replace(edge, label=chosen))
    return tuple(placed)


# ---------------------------------------------------------------------------
# The layout


def band_lanes(model: Model) -> list[Optional[Lane]]:
    lanes: list[Optional[Lane]] = list(model.lanes)
    if any(node.lane is None for node in model.nodes):
        lanes.append(None)
    return lanes


def layout_workflow(model: Model) -> WorkflowLayout:
    lanes = band_lanes(model)
    band_index = {id(lane): i for i, lane in enumerate(lanes)}
    nodes = model.nodes
    bands = [band_index[id(node.lane)] for node in nodes]
    contents = [node_content(node) for node in nodes]
    links = _links(model)
    closing = _cycle_closing(len(nodes), links)
    rows, columns = _place(len(nodes), bands, links, closing)
    labels = [
        text_block(text, EDGE_LABEL_WRAP, EDGE_FONT_SIZE, "edge-label") if text else None
        for text in map(edge_label_text, model.edges)
    ]

    column_count = max(columns, default=-1) + 1
    column_width = [0.0] * column_count
    for column, content in zip(columns, contents):
        column_width[column] = max(column_width[column], content.w)
    column_gap = _column_gaps(column_count, links, labels, closing, bands, rows, columns)
    titles = [lane.title if lane is not None else OUTSIDE_LANES_TITLE for lane in lanes]
    title_blocks = [text_block(title, TITLE_WRAP, FONT_SIZE, "lane-title", bold=True) for title in titles]
    title_width = max([TITLE_MIN_WIDTH] + [b.width + 2 * TITLE_PAD for b in title_blocks if b])
    column_left = _column_lefts(MARGIN + title_width + LEAD, column_width, column_gap)
    columns_right = column_left[-1] + column_width[-1] if column_count else MARGIN + title_width + LEAD

    row_height: list[list[float]] = [[] for _ in lanes]
    for band, row, content in zip(bands, rows, contents):
        heights = row_height[band]
        heights.extend([0.0] * (row + 1 - len(heights)))
        heights[row] = max(heights[row], content.h)
    band_layouts = _bands(lanes, titles, title_blocks, title_width, row_height)

    node_layouts = []
    for i, node in enumerate(nodes):
        content = contents[i]
        top, h = band_layouts[bands[i]].rows[rows[i]]
        x = column_left[columns[i]] + (column_width[columns[i]] - content.w) / 2
        box = Box(x, top + (h - content.h) / 2, content.w, content.h)
        blocks = tuple(b.moved(box.x, box.y) for b in content.blocks)
        node_layouts.append(NodeLayout(node, content.shape, box, bands[i], rows[i], columns[i], blocks))

    grid = _Grid(column_left, column_width, column_gap, band_layouts, node_layouts)
    index = {id(node): i for i, node in enumerate(nodes)}
    edge_layouts = [
        _edge_layout(edge, link, labels[i], i in closing, node_layouts, index, grid)
        for i, (edge, link) in enumerate(zip(model.edges, links))
    ]
    edges = _place_labels([e for e in edge_layouts if e is not None], node_layouts)
    loops = tuple(lp for lp in (_loop_layout(loop, node_layouts, index) for loop in model.loops) if lp is not None)

    drawn = [b.box for b in band_layouts] + [lp.box for lp in loops] + [lp.tab for lp in loops]
    drawn += [e.label.box for e in edges if e.label is not None]
    right = max([columns_right + TRAIL] + [b.right for b in drawn] + [pt[0] for e in edges for pt in e.points])
    bottom = max([float(MARGIN)] + [b.bottom for b in drawn] + [pt[1] for e in edges for pt in e.points])
    band_layouts = [replace(b, box=Box(b.box.x, b.box.y, right - b.box.x, b.box.h)) for b in band_layouts]
    return WorkflowLayout(right + MARGIN, bottom + MARGIN, tuple(band_layouts), tuple(node_layouts), edges, loops)


def _column_lefts(first: float, widths: Sequence[float], gaps: Sequence[float]) -> list[float]:
    lefts = []
    x = first
    for width, gap in zip(widths, gaps):
        lefts.append(x)
        x += width + gap
    return lefts


def _bands(
    lanes: Sequence[Optional[Lane]],
    titles: Sequence[str],
    title_blocks: Sequence[Optional[TextBlock]],
    title_width: float,
    row_height: Sequence[Sequence[float]],
) -> list[BandLayout]:
    """Bands stacked from the top margin, each as wide as its title strip (widened later)."""
    bands = []
    y = float(MARGIN)
    for lane, title, block, heights in zip(lanes, titles, title_blocks, row_height):
        assert block is not None  # titles are never blank: a lane id is a name
        rows = []
        row_top = y + BAND_PAD
        for h in heights:
            rows.append((row_top, h))
            row_top += h + ROW_GAP
        content_height = row_top - ROW_GAP + BAND_PAD - y if rows else 0.0
        height = max(content_height, block.height + 2 * TITLE_PAD, MIN_BAND_HEIGHT)
        title_box = Box(MARGIN, y, title_width, height)
        block = block.centred_at(title_box.cx, title_box.cy)
        bands.append(BandLayout(lane, title, title_box, title_box, block, tuple(rows)))
        y += height
    return bands


def _column_gaps(
    column_count: int,
    links: Sequence[Optional[_Link]],
    labels: Sequence[Optional[TextBlock]],
    closing: set[int],
    bands: Sequence[int],
    rows: Sequence[int],
    columns: Sequence[int],
) -> list[float]:
    """Room between neighbouring columns: wide enough for the labels of straight edges across it."""
    gaps = [float(COLUMN_GAP)] * column_count
    for i, link in enumerate(links):
        label = labels[i]
        if link is None or label is None or i in closing:
            continue
        s, t = link.source, link.target
        straight = bands[s] == bands[t] and rows[s] == rows[t] and columns[t] == columns[s] + 1
        if straight and link.source_side == "right" and link.target_side == "left":
            gaps[columns[s]] = max(gaps[columns[s]], math.ceil(label.width + 2 * EDGE_LABEL_ROOM))
    return gaps


def _edge_layout(
    edge: Edge,
    link: Optional[_Link],
    label: Optional[TextBlock],
    backward: bool,
    nodes: Sequence[NodeLayout],
    index: dict[int, int],
    grid: _Grid,
) -> Optional[EdgeLayout]:
    s_side, t_side = source_side(edge.source.direction), target_side(edge.target.direction)
    if link is not None:
        s, t = nodes[link.source], nodes[link.target]
        points = route(s, s_side, t, t_side, grid)
        kind = "self" if s is t else "full"
    elif edge.source.node is not None:
        p = nodes[index[id(edge.source.node)]].box.side_midpoint(s_side)
        n = NORMALS[s_side]
        points = (p, (p[0] + n[0] * DANGLING_LENGTH, p[1] + n[1] * DANGLING_LENGTH))
        kind = "source-only"
    elif edge.target.node is not None:
        q = nodes[index[id(edge.target.node)]].box.side_midpoint(t_side)
        n = NORMALS[t_side]
        points = ((q[0] + n[0] * DANGLING_LENGTH, q[1] + n[1] * DANGLING_LENGTH), q)
        kind = "target-only"
    else:
        return None
    return EdgeLayout(edge, points, s_side, t_side, kind, backward, label)


def _loop_layout(loop: Loop, nodes: Sequence[NodeLayout], index: dict[int, int]) -> Optional[LoopLayout]:
    boxes = [nodes[index[id(ref.node)]].box for ref in loop.members if ref.node is not None]
    return loop_frame(loop, boxes) if boxes else None


def union(a: Box, b: Box) -> Box:
    x, y = min(a.x, b.x), min(a.y, b.y)
    return Box(x, y, max(a.right, b.right) - x, max(a.bottom, b.bottom) - y)


def _loop_label(loop: Loop) -> TextBlock:
    label = text_block(loop_label_text(loop), LOOP_LABEL_WRAP, EDGE_FONT_SIZE, "loop-label", bold=True)
    assert label is not None  # "loop" is never blank
    return label


def loop_tab_height(loop: Loop) -> float:
    return _loop_label(loop).height + 4


def loop_frame(loop: Loop, boxes: Sequence[Box]) -> LoopLayout:
    """A labelled frame around `boxes` (at least one), its `loop [...]` tab above them."""
    bounds = boxes[0]
    for box in boxes[1:]:
        bounds = union(bounds, box)
    label = _loop_label(loop)
    tab_h = loop_tab_height(loop)
    x, y = bounds.x - LOOP_PAD, bounds.y - LOOP_PAD - tab_h
    frame = Box(x, y, bounds.w + 2 * LOOP_PAD, bounds.bottom + LOOP_PAD - y)
    return LoopLayout(loop, frame, Box(x, y, label.width + 12, tab_h), replace(label, x=x + 6, y=y + 2, anchor="start"))
