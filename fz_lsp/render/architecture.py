"""Architecture view layout: components in columns by dependency order, arrows between them.

The content comes from fz_lsp/architecture.py (`architecture(model)`: one component per
lane, one dependency per ordered pair of lanes joined by cross-lane edges, ranks with
cycles broken). This module places it, as plain data that svg.py draws and tests check:

1. columns: a component sits in the column of its rank, so every dependency that does not
   close a cycle points right;
2. order: the components of one column are ordered against crossings (barycentre sweeps
   in both directions, the order with the fewest crossings kept), then given rows so that
   a component sits level with the components it depends on or that depend on it (an
   arrow between two components of one row is straight); lanes with no dependency at all
   stand alone in rows below, left to right in document order;
3. routing (layout/router.py, the generic grid router): components are boxes in the
   cells of a grid; a dependency leaves its source's right side for its target's left
   side, and a backward one (it closes a cycle: a reply) leaves the source's bottom for
   the target's bottom, so it runs back underneath and reads as a return (svg.py draws it
   dashed; over the top instead when another one already runs under one of its two
   components, so a chain of replies alternates rather than stacking); every arrow has a
   line of its own and its caption (distinct edge labels, the edge count when there are
   several) sits on it in the clear.

Every component lists its lane's steps, one line each (a small shape icon and the node's
text, cut with "…" when too long), at most `MAX_STEPS` lines: a longer list ends with
"+ N more".

Pure Python: no pygls import.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from fz_lsp.analysis.architecture import Architecture, Component, Dependency, Step, architecture
from fz_lsp.model import Model
from fz_lsp.render.layout.geometry import Box, Point
from fz_lsp.render.layout.grid import GridEdge, GridNode, GridSpec
from fz_lsp.render.layout.ordering import crossing_count
from fz_lsp.render.layout.ranks import Link
from fz_lsp.render.layout.router import route_grid
from fz_lsp.render.textmeasure import clusters, text_width
from fz_lsp.render.workflow import (
    EDGE_FONT_SIZE,
    FONT_SIZE,
    LABEL_ROOM_X,
    LABEL_ROOM_Y,
    MARGIN,
    TextBlock,
    text_block,
)
from fz_lsp.syntax.vocabulary import SHAPES

STEP_FONT_SIZE = 12
SUBTITLE_FONT_SIZE = 11
TITLE_WRAP = 240
CAPTION_WRAP = 150
MIN_WIDTH = 180  # a component box at least
STEP_TEXT_MAX = 210  # a step's text is cut beyond this width
PAD_X = 12
HEADER_PAD_Y = 8
SUBTITLE_GAP = 2
LIST_PAD_Y = 6
STEP_HEIGHT = 20
ICON = 10  # a step's shape icon, square
ICON_GAP = 7  # between the icon and the text
EMPTY_LIST = 6  # room under the header of a lane with no steps
MAX_STEPS = 8  # lines a component lists; a longer list shows MAX_STEPS - 1 and "+ N more"
COLUMN_GAP = 64  # least room between two columns (arrows and their captions; more when needed)
ROW_GAP = 44
STANDALONE_COLUMNS = 4  # lanes with no dependency, per row, when nothing else sets the width
ELLIPSIS = "…"
CROSSING_SWEEPS = 4


# ---------------------------------------------------------------------------
# Plain data


@dataclass(frozen=True, slots=True)
class StepLayout:
    step: Step
    shape: str  # circle | rectangle | diamond | taskbox | unknown
    icon: Box
    text: TextBlock  # one line, anchor "start"
    cut: bool  # the text was shortened (the full text goes in a tooltip)
    row: Box  # the line's full width: what a click on the step hits


@dataclass(frozen=True, slots=True)
class ComponentLayout:
    component: Component
    box: Box
    header: Box  # the title band at the top of the box
    title: TextBlock
    subtitle: TextBlock | None  # the lane id, when the title is a display label
    steps: tuple[StepLayout, ...]
    more: TextBlock | None  # "+ N more"
    hidden: int  # steps not listed
    row: int
    column: int
    standalone: bool  # the lane has no dependency: it stands alone below the others


@dataclass(frozen=True, slots=True)
class DependencyLayout:
    dependency: Dependency
    points: tuple[Point, ...]  # source end first; the arrowhead at the last point
    source_side: str
    target_side: str
    label: TextBlock | None  # the caption, on its own path, clear of everything else


@dataclass(frozen=True, slots=True)
class ArchitectureLayout:
    width: float
    height: float
    components: tuple[ComponentLayout, ...]
    dependencies: tuple[DependencyLayout, ...]


# ---------------------------------------------------------------------------
# Component contents


@dataclass(frozen=True, slots=True)
class _Content:
    """A component's drawing relative to its box's top-left corner."""

    w: float
    h: float
    header_h: float
    title: TextBlock
    subtitle: TextBlock | None
    steps: tuple[tuple[Step, str, TextBlock, bool], ...]  # (step, shape, one-line text, cut)
    more: TextBlock | None
    hidden: int


def cut_text(text: str, max_width: float, size: float, bold: bool = False) -> tuple[str, bool]:
    """`text` on one line (whitespace runs collapsed) no wider than `max_width`: cut between
    characters (never inside one) and ended with "…" when it is too long."""
    text = " ".join(text.split())
    if text_width(text, size, bold) <= max_width:
        return text, False
    room = max_width - text_width(ELLIPSIS, size, bold)
    out, width = "", 0.0
    for cluster in clusters(text):
        w = text_width(cluster, size, bold)
        if width + w > room:
            break
        out += cluster
        width += w
    return out.rstrip() + ELLIPSIS, True


def _line(text: str, size: float, role: str, bold: bool = False) -> TextBlock:
    return TextBlock((text,), 0.0, 0.0, size, bold, "start", role, text_width(text, size, bold))


def component_content(component: Component) -> _Content:
    title = text_block(component.title, TITLE_WRAP, FONT_SIZE, "component-title", bold=True)
    if title is None:  # a lane id is never blank; a display label may be only spaces
        title = text_block(component.lane_id, TITLE_WRAP, FONT_SIZE, "component-title", bold=True)
    assert title is not None
    subtitle = None
    if component.title.strip() != component.lane_id:
        subtitle = _line(
            cut_text(component.lane_id, TITLE_WRAP, SUBTITLE_FONT_SIZE)[0], SUBTITLE_FONT_SIZE, "component-id"
        )
    listed = component.steps
    hidden = 0
    if len(listed) > MAX_STEPS:
        hidden = len(listed) - (MAX_STEPS - 1)
        listed = listed[: MAX_STEPS - 1]
    steps = []
    for step in listed:
        shown, cut = cut_text(step.text or step.node_id, STEP_TEXT_MAX, STEP_FONT_SIZE)
        if not shown.strip():
            shown, cut = step.node_id, False
        shape = step.shape if step.shape in SHAPES else "unknown"
        steps.append((step, shape, _line(shown, STEP_FONT_SIZE, "step-label"), cut))
    more = _line(f"+ {hidden} more", STEP_FONT_SIZE, "component-more") if hidden else None

    header_h = HEADER_PAD_Y + title.height + (SUBTITLE_GAP + subtitle.height if subtitle else 0) + HEADER_PAD_Y
    rows = len(steps) + (1 if more else 0)
    list_h = 2 * LIST_PAD_Y + rows * STEP_HEIGHT if rows else EMPTY_LIST
    widths = [title.width, subtitle.width if subtitle else 0.0]
    widths += [ICON + ICON_GAP + block.width for _, _, block, _ in steps]
    widths += [more.width] if more else []
    w = max(MIN_WIDTH, math.ceil(max(widths) + 2 * PAD_X))
    h = math.ceil(header_h + list_h)
    return _Content(w, h, header_h, title, subtitle, tuple(steps), more, hidden)


def _placed(
    component: Component, content: _Content, box: Box, header_h: float, row: int, column: int, standalone: bool
) -> ComponentLayout:
    """The content drawn in `box` (the router may have grown it): a header `header_h` tall
    (the tallest of its row, so the lists of one row start level) across the top with the
    title centred in it, the list under it from the left."""
    x, y = box.x, box.y
    block_h = content.header_h - 2 * HEADER_PAD_Y  # title and subtitle
    title_top = y + (header_h - block_h) / 2
    title = replace(content.title, x=box.cx, y=title_top, anchor="middle")
    y_text = title_top + content.title.height + SUBTITLE_GAP
    subtitle = None
    if content.subtitle is not None:
        subtitle = replace(content.subtitle, x=box.cx, y=y_text, bold=False, anchor="middle")
    steps = []
    top = y + header_h + LIST_PAD_Y
    for k, (step, shape, block, cut) in enumerate(content.steps):
        row_y = top + k * STEP_HEIGHT
        cy = row_y + STEP_HEIGHT / 2
        icon = Box(x + PAD_X, cy - ICON / 2, ICON, ICON)
        text = replace(block, x=x + PAD_X + ICON + ICON_GAP, y=cy - block.height / 2, bold=False, anchor="start")
        steps.append(StepLayout(step, shape, icon, text, cut, Box(x + 1, row_y, box.w - 2, STEP_HEIGHT)))
    more = None
    if content.more is not None:
        cy = top + len(steps) * STEP_HEIGHT + STEP_HEIGHT / 2
        more = replace(
            content.more, x=x + PAD_X + ICON + ICON_GAP, y=cy - content.more.height / 2, bold=False, anchor="start"
        )
    header = Box(x, y, box.w, header_h)
    return ComponentLayout(
        component, box, header, title, subtitle, tuple(steps), more, content.hidden, row, column, standalone
    )


# ---------------------------------------------------------------------------
# Columns and rows


def _links(arch: Architecture) -> list[tuple[Component, Component]]:
    """Each dependency once, as (left component, right component)."""
    out = []
    for d in arch.dependencies:
        a, b = (d.target, d.source) if d.backward else (d.source, d.target)
        out.append((a, b))
    return out


def _crossings(links: Sequence[tuple[Component, Component]], at: dict[int, float]) -> int:
    """Pairs of links whose straight lines (column, position) cross: the workflow layout's
    count (layout/ordering.crossing_count), with the components numbered."""
    number: dict[int, int] = {}
    columns: list[int] = []
    positions: list[float] = []

    def index(c: Component) -> int:
        k = number.get(id(c))
        if k is None:
            k = number[id(c)] = len(columns)
            columns.append(c.rank)
            positions.append(at[id(c)])
        return k

    drawn = [Link(k, index(a), index(b), "right", "left") for k, (a, b) in enumerate(links)]
    return crossing_count(columns, positions, drawn)


def order_columns(
    columns: list[list[Component]], links: Sequence[tuple[Component, Component]]
) -> list[list[Component]]:
    """The components of each column ordered against crossings: barycentre sweeps left to
    right and back (a component moves towards the positions of its neighbours in the
    columns already swept), the order with the fewest crossings kept."""
    neighbours: dict[int, list[Component]] = {}
    for a, b in links:
        neighbours.setdefault(id(a), []).append(b)
        neighbours.setdefault(id(b), []).append(a)

    def positions(cols: list[list[Component]]) -> dict[int, float]:
        return {id(c): (i + 0.5) / len(col) for col in cols for i, c in enumerate(col)}

    best = [list(col) for col in columns]
    if len(columns) < 2 or not links:
        return best
    best_count = _crossings(links, positions(best))
    current = [list(col) for col in columns]
    for sweep in range(CROSSING_SWEEPS):
        rightwards = sweep % 2 == 0
        sequence = range(1, len(current)) if rightwards else range(len(current) - 2, -1, -1)
        at = positions(current)
        for k in sequence:
            keys: dict[int, tuple[float, int]] = {}
            for c in current[k]:
                seen = [at[id(n)] for n in neighbours.get(id(c), []) if (n.rank < k if rightwards else n.rank > k)]
                keys[id(c)] = (sum(seen) / len(seen) if seen else at[id(c)], c.index)
            current[k].sort(key=lambda c: keys[id(c)])
            at.update({id(c): (i + 0.5) / len(current[k]) for i, c in enumerate(current[k])})
        found = _crossings(links, positions(current))
        if found < best_count:
            best, best_count = [list(col) for col in current], found
        if best_count == 0:
            break
    return best


def assign_rows(columns: list[list[Component]], links: Sequence[tuple[Component, Component]]) -> dict[int, int]:
    """A row per component, keeping each column's order: the tallest column fills rows
    0..R-1, then every other column (rightwards from it, then leftwards) puts each of its
    components as near as it can to the mean row of its neighbours already placed (a lone
    column is centred), so joined components sit level."""
    height = max((len(col) for col in columns), default=0)
    row: dict[int, int] = {}
    if height == 0:
        return row
    neighbours: dict[int, list[Component]] = {}
    for a, b in links:
        neighbours.setdefault(id(a), []).append(b)
        neighbours.setdefault(id(b), []).append(a)
    first = max(range(len(columns)), key=lambda k: (len(columns[k]), -k))
    sequence = [first, *range(first + 1, len(columns)), *range(first - 1, -1, -1)]
    for k in sequence:
        col = columns[k]
        desired = []
        for i, c in enumerate(col):
            placed = [row[id(n)] for n in neighbours.get(id(c), []) if id(n) in row]
            desired.append(sum(placed) / len(placed) if placed else (height - len(col)) / 2 + i)
        for c, r in zip(col, _fit_rows(desired, height)):
            row[id(c)] = r
    return row


def _fit_rows(desired: Sequence[float], height: int) -> list[int]:
    """Strictly increasing rows in 0..height-1, one per wish, nearest to the wishes in
    total (dynamic programming over (item, row))."""
    n = len(desired)
    inf = float("inf")
    cost = [[inf] * height for _ in range(n)]
    back = [[-1] * height for _ in range(n)]
    for r in range(height):
        cost[0][r] = abs(r - desired[0])
    for i in range(1, n):
        best, best_r = inf, -1
        for r in range(height):
            if r >= 1 and cost[i - 1][r - 1] < best:
                best, best_r = cost[i - 1][r - 1], r - 1
            if best < inf:
                cost[i][r] = best + abs(r - desired[i]) + 1e-6 * r  # ties: the upper row
                back[i][r] = best_r
    r = min(range(height), key=lambda r: (cost[n - 1][r], r))
    rows = [0] * n
    for i in range(n - 1, -1, -1):
        rows[i] = r
        r = back[i][r]
    return rows


# ---------------------------------------------------------------------------
# The layout


def dependency_sides(dependencies: Sequence[Dependency], cell: dict[int, tuple[int, int]]) -> list[tuple[str, str]]:
    """Where each arrow leaves its source and enters its target: right to left, or, for
    one that closes a cycle, out of the bottom of the source and into the bottom of the
    target (it runs back underneath) — or over the top, when another backward arrow
    already runs under one of its components or under the same stretch of its row
    (a chain of replies alternates below and above instead of stacking ever deeper)."""
    sides: list[tuple[str, str]] = [("right", "left")] * len(dependencies)
    spans: dict[int, tuple[frozenset[int], int, int, int, int]] = {}
    for k, d in enumerate(dependencies):
        if d.backward:
            (r0, c0), (r1, c1) = cell[id(d.source)], cell[id(d.target)]
            spans[k] = frozenset((id(d.source), id(d.target))), r0, r1, min(c0, c1), max(c0, c1)

    class Run:
        """The backward arrows routed on one side (under or over), counted so that how many
        of them an arrow meets (an end in common, or the same stretch of one row) is
        answered without going through them all."""

        def __init__(self) -> None:
            self.by_end: Counter[int] = Counter()
            self.by_ends: Counter[frozenset[int]] = Counter()
            self.in_row: dict[int, list[tuple[int, int, frozenset[int]]]] = {}

        def met_by(self, k: int) -> int:
            ends, r0, r1, lo, hi = spans[k]
            met = sum(self.by_end[e] for e in ends) - (self.by_ends[ends] if len(ends) == 2 else 0)
            if r0 == r1:
                met += sum(1 for a, b, other in self.in_row.get(r0, ()) if lo <= b and a <= hi and not ends & other)
            return met

        def add(self, k: int) -> None:
            ends, r0, r1, lo, hi = spans[k]
            self.by_end.update(ends)
            self.by_ends[ends] += 1
            if r0 == r1:
                self.in_row.setdefault(r0, []).append((lo, hi, ends))

    under, over = Run(), Run()
    for k in sorted(spans, key=lambda k: (spans[k][4] - spans[k][3], k)):
        if over.met_by(k) < under.met_by(k):
            over.add(k)
            sides[k] = ("top", "top")
        else:
            under.add(k)
            sides[k] = ("bottom", "bottom")
    return sides


def layout_architecture(model: Model, arch: Architecture | None = None) -> ArchitectureLayout:
    arch = arch if arch is not None else architecture(model)
    components = arch.components
    if not components:
        return ArchitectureLayout(2.0 * MARGIN, 2.0 * MARGIN, (), ())
    links = _links(arch)
    joined = {id(c) for pair in links for c in pair}
    connected = [c for c in components if id(c) in joined]
    alone = [c for c in components if id(c) not in joined]

    column_count = max((c.rank for c in connected), default=-1) + 1
    columns: list[list[Component]] = [[] for _ in range(column_count)]
    for c in connected:
        columns[c.rank].append(c)
    columns = order_columns(columns, links)
    rows = assign_rows(columns, links)
    cell: dict[int, tuple[int, int]] = {id(c): (rows[id(c)], c.rank) for c in connected}
    first_free = max((len(col) for col in columns), default=0)
    width = max(column_count, min(len(alone), STANDALONE_COLUMNS))
    for k, c in enumerate(alone):
        cell[id(c)] = (first_free + k // width, k % width)
    row_count = max(r for r, _ in cell.values()) + 1
    column_count = max(column_count, width)

    contents = [component_content(c) for c in components]
    index = {id(c): i for i, c in enumerate(components)}
    spec = GridSpec(
        rows=row_count,
        columns=column_count,
        x=float(MARGIN),
        y=float(MARGIN),
        row_gutter_min=tuple([float(ROW_GAP) / 2] + [float(ROW_GAP)] * max(0, row_count - 1) + [float(ROW_GAP) / 2]),
        column_gutter_min=tuple(
            [float(COLUMN_GAP) / 2] + [float(COLUMN_GAP)] * max(0, column_count - 1) + [float(COLUMN_GAP) / 2]
        ),
    )
    # cards of one row are as tall as each other and their headers too, cards of one column
    # as wide: tops, lists and sides line up
    row_h: dict[int, float] = {}
    header_h: dict[int, float] = {}
    column_w: dict[int, float] = {}
    for c, content in zip(components, contents):
        r, k = cell[id(c)]
        header_h[r] = max(header_h.get(r, 0.0), content.header_h)
        column_w[k] = max(column_w.get(k, 0.0), content.w)
    for c, content in zip(components, contents):
        r, _ = cell[id(c)]
        row_h[r] = max(row_h.get(r, 0.0), content.h - content.header_h + header_h[r])
    nodes = [GridNode(*cell[id(c)], column_w[cell[id(c)][1]], row_h[cell[id(c)][0]]) for c in components]
    captions = [
        text_block(d.caption, CAPTION_WRAP, EDGE_FONT_SIZE, "edge-label") if d.caption.strip() else None
        for d in arch.dependencies
    ]
    sides = dependency_sides(arch.dependencies, cell)
    edges = []
    for d, block, (source_side, target_side) in zip(arch.dependencies, captions, sides):
        size = (block.width + 2 * LABEL_ROOM_X, block.height + 2 * LABEL_ROOM_Y) if block is not None else None
        edges.append(GridEdge(index[id(d.source)], source_side, index[id(d.target)], target_side, size))
    grid = route_grid(spec, nodes, edges)

    placed = []
    for i, (c, content) in enumerate(zip(components, contents)):
        r, k = cell[id(c)]
        placed.append(_placed(c, content, grid.boxes[i], header_h[r], r, k, id(c) not in joined))
    arrows = []
    for e, (d, block) in enumerate(zip(arch.dependencies, captions)):
        spot = grid.labels[e]
        label = block.centred_at(spot.cx, spot.cy) if block is not None and spot is not None else None
        arrows.append(DependencyLayout(d, grid.paths[e], *sides[e], label))

    drawn = [a.label.box for a in arrows if a.label is not None]
    right = max([grid.right] + [b.right for b in drawn] + [p[0] for a in arrows for p in a.points])
    bottom = max([grid.bottom] + [b.bottom for b in drawn] + [p[1] for a in arrows for p in a.points])
    return ArchitectureLayout(right + MARGIN, bottom + MARGIN, tuple(placed), tuple(arrows))
