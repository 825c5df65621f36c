"""Architecture view layout: components in columns by dependency order, arrows between them.

The content comes from fz_lsp/architecture.py (`architecture(model)`: one component per
lane, one dependency per ordered pair of lanes joined by cross-lane edges, ranks with
cycles broken). This module places it, as plain data that svg.py draws and tests check:

1. columns: a component sits in the column of its rank, so every dependency that does not
   close a cycle points right;
2. order: the components of one column are ordered against crossings (barycentre sweeps
   in both directions, the order with the fewest crossings kept); a component with a
   return (a dependency that closes a cycle: a reply) must have a way out to the channels
   above and below the cards, so the first such component of a column takes its top row,
   the second its bottom row, and a third one, or one left with no way out once routed,
   a column of its own right after (`place_returning`); then rows, so that a component
   sits level with the components it depends on or that depend on it (an arrow between
   two components of one row is straight); lanes with no dependency at all stand alone in
   rows below, left to right in document order, in the same columns;
3. routing: the forward arrows go through the generic grid router (layout/router.py):
   components are boxes in the cells of a grid, an arrow leaves its source's right side
   for its target's left side, has a line of its own and its caption sits on it in the
   clear; the returns go round the outside (return_channels.py): straight up or down out
   of the source, along a channel above or below every card, straight into the target
   (svg.py draws them dashed), never through the gaps between the columns, never across
   a forward arrow. A caption says what its edges say (fz_lsp/architecture.caption_text).

Every component lists its lane's steps, each a small shape icon and the node's text
wrapped to `STEP_WRAP` (the card grows to hold it; only a text longer than
`MAX_STEP_LINES` lines is cut, with "…" and the whole text as a tooltip), at most
`MAX_STEPS` steps: a longer list ends with "+ N more".

Pure Python: no pygls import.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from fz_lsp.analysis.architecture import Architecture, Component, Dependency, Step, architecture
from fz_lsp.model import Model
from fz_lsp.render.layout.geometry import Box, Point
from fz_lsp.render.layout.grid import GridEdge, GridNode, GridSpec
from fz_lsp.render.layout.ordering import crossing_count
from fz_lsp.render.layout.ranks import Link
from fz_lsp.render.layout.router import route_grid
from fz_lsp.render.return_channels import Return, route_returns
from fz_lsp.render.text import EDGE_FONT_SIZE, FONT_SIZE, LABEL_ROOM_X, LABEL_ROOM_Y, MARGIN, TextBlock, text_block
from fz_lsp.render.textmeasure import clusters, text_width
from fz_lsp.syntax.vocabulary import SHAPES

STEP_FONT_SIZE = 12
SUBTITLE_FONT_SIZE = 11
TITLE_WRAP = 240
CAPTION_WRAP = 150
MIN_WIDTH = 180  # a component box at least
STEP_WRAP = 210  # a step's text wraps at this width
MAX_STEP_LINES = 4  # lines a step's text may take; a longer text is cut with "…" (the whole as a tooltip)
PAD_X = 12
HEADER_PAD_Y = 8
SUBTITLE_GAP = 2
LIST_PAD_Y = 6
STEP_HEIGHT = 20  # a step of one line; each further line adds its line height
ICON = 10  # a step's shape icon, square
ICON_GAP = 7  # between the icon and the text
EMPTY_LIST = 6  # room under the header of a lane with no steps
MAX_STEPS = 8  # lines a component lists; a longer list shows MAX_STEPS - 1 and "+ N more"
COLUMN_GAP = 64  # least room between two columns (arrows and their captions; more when needed)
ROW_GAP = 44
STANDALONE_COLUMNS = 4  # lanes with no dependency, per row, when nothing else sets the width
ELLIPSIS = "…"
CHANNEL_ROOM = 6  # room kept beyond a return's channel or ring
CROSSING_SWEEPS = 4


# ---------------------------------------------------------------------------
# Plain data


@dataclass(frozen=True, slots=True)
class StepLayout:
    step: Step
    shape: str  # circle | rectangle | diamond | taskbox | unknown
    icon: Box  # level with the text's first line
    text: TextBlock  # wrapped, anchor "start"
    cut: bool  # the text was longer than MAX_STEP_LINES lines (the full text goes in a tooltip)
    row: Box  # the step's full width and height: what a click on the step hits


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
    steps: tuple[tuple[Step, str, TextBlock, bool], ...]  # (step, shape, wrapped text, cut)
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


def step_text(text: str) -> tuple[TextBlock, bool]:
    """A step's text wrapped to `STEP_WRAP` (whitespace runs collapsed), and whether it had to
    be cut: only beyond `MAX_STEP_LINES` lines, the last one then ending with "…"."""
    block = text_block(text, STEP_WRAP, STEP_FONT_SIZE, "step-label") or _line(text, STEP_FONT_SIZE, "step-label")
    block = replace(block, anchor="start")
    if len(block.lines) <= MAX_STEP_LINES:
        return block, False
    rest = " ".join(block.lines[MAX_STEP_LINES - 1 :])
    lines = (*block.lines[: MAX_STEP_LINES - 1], cut_text(rest, STEP_WRAP, STEP_FONT_SIZE)[0])
    return replace(block, lines=lines, width=max(text_width(line, STEP_FONT_SIZE) for line in lines)), True


def step_height(block: TextBlock) -> float:
    """A step's row: `STEP_HEIGHT` for one line, a line height more for each further line."""
    return STEP_HEIGHT + (len(block.lines) - 1) * block.line_height


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
        text = step.text if step.text.strip() else step.node_id
        block, cut = step_text(text)
        shape = step.shape if step.shape in SHAPES else "unknown"
        steps.append((step, shape, block, cut))
    more = _line(f"+ {hidden} more", STEP_FONT_SIZE, "component-more") if hidden else None

    header_h = HEADER_PAD_Y + title.height + (SUBTITLE_GAP + subtitle.height if subtitle else 0) + HEADER_PAD_Y
    rows = sum(step_height(block) for _, _, block, _ in steps) + (STEP_HEIGHT if more else 0)
    list_h = 2 * LIST_PAD_Y + rows if rows else EMPTY_LIST
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
    row_y = y + header_h + LIST_PAD_Y
    for step, shape, block, cut in content.steps:
        cy = row_y + STEP_HEIGHT / 2  # the first line's middle
        icon = Box(x + PAD_X, cy - ICON / 2, ICON, ICON)
        text = replace(block, x=x + PAD_X + ICON + ICON_GAP, y=cy - block.line_height / 2)
        height = step_height(block)
        steps.append(StepLayout(step, shape, icon, text, cut, Box(x + 1, row_y, box.w - 2, height)))
        row_y += height
    more = None
    if content.more is not None:
        cy = row_y + STEP_HEIGHT / 2
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


def assign_rows(
    columns: list[list[Component]], links: Sequence[tuple[Component, Component]], pins: dict[int, str] | None = None
) -> dict[int, int]:
    """A row per component, keeping each column's order: the tallest column fills rows
    0..R-1, then every other column (rightwards from it, then leftwards) puts each of its
    components as near as it can to the mean row of its neighbours already placed (a lone
    column is centred), so joined components sit level. A component pinned "top" takes
    row 0, one pinned "bottom" row R-1 (`pins`: id -> side)."""
    pins = pins or {}
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
        fixed = [{"top": 0, "bottom": height - 1}.get(pins.get(id(c), "")) for c in col]
        for c, r in zip(col, _fit_rows(desired, height, fixed)):
            row[id(c)] = r
    return row


def _fit_rows(desired: Sequence[float], height: int, fixed: Sequence[int | None] = ()) -> list[int]:
    """Strictly increasing rows in 0..height-1, one per wish, nearest to the wishes in
    total (dynamic programming over (item, row)); item i takes row fixed[i] when given."""
    n = len(desired)
    inf = float("inf")

    def allowed(i: int, r: int) -> bool:
        return i >= len(fixed) or fixed[i] is None or fixed[i] == r

    cost = [[inf] * height for _ in range(n)]
    back = [[-1] * height for _ in range(n)]
    for r in range(height):
        if allowed(0, r):
            cost[0][r] = abs(r - desired[0])
    for i in range(1, n):
        best, best_r = inf, -1
        for r in range(height):
            if r >= 1 and cost[i - 1][r - 1] < best:
                best, best_r = cost[i - 1][r - 1], r - 1
            if best < inf and allowed(i, r):
                cost[i][r] = best + abs(r - desired[i]) + 1e-6 * r  # ties: the upper row
                back[i][r] = best_r
    r = min(range(height), key=lambda r: (cost[n - 1][r], r))
    rows = [0] * n
    for i in range(n - 1, -1, -1):
        rows[i] = r
        r = back[i][r]
    return rows


def place_returning(
    columns: list[list[Component]],
    partners: dict[int, set[int]],
    alone: set[int],
    flipped: frozenset[int] = frozenset(),
) -> tuple[list[list[Component]], dict[int, str]]:
    """Physical columns and pins so that a component with a return end (`partners`: id ->
    the ids at the other ends of its returns) has a clear way out: in each column, the first
    such component goes to the top row and the second to the bottom row; a third and more,
    and those in `alone`, get a column of their own right after (alone in a column, in the
    top row, nothing is ever above them). The only one of a column goes to the top row,
    or to the bottom one when more of its partners are there (its returns then run below
    instead of round the side). A component in `flipped` takes the other row of the two
    (its column's other component with returns too). Answers the columns and the pins
    (id -> "top" | "bottom")."""
    out: list[list[Component]] = []
    pins: dict[int, str] = {}
    single: list[tuple[list[Component], Component]] = []  # (column, its only component with returns)
    for col in columns:
        ends = [c for c in col if id(c) in partners and id(c) not in alone]
        apart = {id(c) for c in col if id(c) in alone} | {id(c) for c in ends[2:]}
        kept = [c for c in col if id(c) not in apart]
        if len(kept) > 1 and len(ends) > 1:
            top, bottom = ends[0], ends[1]
            if id(top) in flipped or id(bottom) in flipped:
                top, bottom = bottom, top
            kept = [top, *(c for c in kept if c is not top and c is not bottom), bottom]
            pins[id(top)], pins[id(bottom)] = "top", "bottom"
        elif len(kept) > 1 and ends:
            single.append((kept, ends[0]))
        elif kept and id(kept[0]) in partners:
            pins[id(kept[0])] = "top"
        if kept:
            out.append(kept)
        for c in col:
            if id(c) in apart:
                out.append([c])
                pins[id(c)] = "top"
    for kept, c in single:
        votes = sum((pins.get(p) == "bottom") - (pins.get(p) == "top") for p in partners[id(c)])
        kept[:] = [other for other in kept if other is not c]
        if (votes > 0) != (id(c) in flipped):
            kept.append(c)
            pins[id(c)] = "bottom"
        else:
            kept.insert(0, c)
            pins[id(c)] = "top"
    return out, pins


# ---------------------------------------------------------------------------
# The layout


@dataclass(slots=True)
class _Drawn:
    """The components with dependencies and their arrows, placed."""

    boxes: list[Box]  # per connected component
    cells: list[tuple[int, int]]  # (row, column) per connected component
    header_h: dict[int, float]  # per row
    paths: list[tuple[Point, ...]]  # per dependency (arch order)
    sides: list[tuple[str, str]]
    labels: list[TextBlock | None]
    right: float
    bottom: float
    column_left: tuple[float, ...]
    column_width: tuple[float, ...]
    column_gutters: tuple[tuple[float, float], ...]
    blocked: frozenset[int]  # connected components with no clear way for a return (see return_channels)
    rings: tuple[tuple[int, int], ...]  # per return round the side: (id of its end going down, of the one going up)


@dataclass(slots=True)
class _Arranged:
    """One way to place the components with dependencies, drawn."""

    members: list[tuple[Component, _Content, tuple[int, int]]]
    drawn: _Drawn | None
    column_w: dict[int, float]
    width: int  # columns, standalone lanes included


def _caption(d: Dependency) -> TextBlock | None:
    return text_block(d.caption, CAPTION_WRAP, EDGE_FONT_SIZE, "edge-label") if d.caption.strip() else None


def _label_size(block: TextBlock | None) -> tuple[float, float] | None:
    return (block.width + 2 * LABEL_ROOM_X, block.height + 2 * LABEL_ROOM_Y) if block is not None else None


def _sizes(
    members: Sequence[tuple[Component, _Content, tuple[int, int]]], column_w: dict[int, float]
) -> tuple[list[GridNode], dict[int, float]]:
    """Grid nodes of cards whose rows are as tall as each other and their headers too, and
    whose columns are as wide (tops, lists and sides line up)."""
    header_h: dict[int, float] = {}
    row_h: dict[int, float] = {}
    for _, content, (r, _) in members:
        header_h[r] = max(header_h.get(r, 0.0), content.header_h)
    for _, content, (r, _) in members:
        row_h[r] = max(row_h.get(r, 0.0), content.h - content.header_h + header_h[r])
    return [GridNode(r, k, column_w[k], row_h[r]) for _, _, (r, k) in members], header_h


def _gutters(count: int, gap: float) -> tuple[float, ...]:
    return tuple([gap / 2] + [gap] * max(0, count - 1) + [gap / 2])


def _draw_connected(
    arch: Architecture,
    members: Sequence[tuple[Component, _Content, tuple[int, int]]],
    column_w: dict[int, float],
    rows: int,
    columns: int,
) -> _Drawn:
    """Forward arrows through the grid router, returns on outer channels (return_channels)."""
    nodes, header_h = _sizes(members, column_w)
    spec = GridSpec(
        rows=rows,
        columns=columns,
        x=float(MARGIN),
        y=float(MARGIN),
        row_gutter_min=_gutters(rows, ROW_GAP),
        column_gutter_min=_gutters(columns, COLUMN_GAP),
    )
    index = {id(c): i for i, (c, _, _) in enumerate(members)}
    captions = [_caption(d) for d in arch.dependencies]
    forward = [k for k, d in enumerate(arch.dependencies) if not d.backward]
    backward = [k for k, d in enumerate(arch.dependencies) if d.backward]
    edges = []
    for k in forward:
        d = arch.dependencies[k]
        edges.append(GridEdge(index[id(d.source)], "right", index[id(d.target)], "left", _label_size(captions[k])))
    grid = route_grid(spec, nodes, edges)
    boxes = list(grid.boxes)
    forward_labels: list[TextBlock | None] = []
    for e, k in enumerate(forward):
        block, spot = captions[k], grid.labels[e]
        forward_labels.append(block.centred_at(spot.cx, spot.cy) if block is not None and spot is not None else None)
    returns = [
        Return(index[id(arch.dependencies[k].source)], index[id(arch.dependencies[k].target)], _label_size(captions[k]))
        for k in backward
    ]
    taken = [box for box, block in zip(grid.labels, forward_labels) if box is not None and block is not None]
    channels = route_returns(boxes, grid.paths, taken, returns)

    paths: list[tuple[Point, ...]] = [()] * len(arch.dependencies)
    sides: list[tuple[str, str]] = [("right", "left")] * len(arch.dependencies)
    labels: list[TextBlock | None] = [None] * len(arch.dependencies)
    for e, k in enumerate(forward):
        paths[k], labels[k] = grid.paths[e], forward_labels[e]
    for j, k in enumerate(backward):
        route = channels.routes[j]
        if route is None:
            continue
        paths[k], sides[k] = route.points, (route.source_side, route.target_side)
        block = captions[k]
        if block is not None and route.label is not None:
            labels[k] = block.centred_at(route.label.cx, route.label.cy)
    # what sticks out of the grid (returns' channels and rings) moves everything right and down
    points = [p for path in paths for p in path]
    drawn = [block.box for block in labels if block is not None]
    drawn += [Box(x - CHANNEL_ROOM, y - CHANNEL_ROOM, 2 * CHANNEL_ROOM, 2 * CHANNEL_ROOM) for x, y in points]
    dx = max(0.0, MARGIN - min([grid.column_gutters[0][0]] + [b.x for b in drawn]))
    dy = max(0.0, MARGIN - min([grid.row_gutters[0][0]] + [b.y for b in drawn]))
    right = max([grid.right] + [b.right for b in drawn]) + dx
    bottom = max([grid.bottom] + [b.bottom for b in drawn]) + dy
    blocked = frozenset(id(members[i][0]) for i in channels.blocked)
    rings = []
    for k in backward:
        d, (source_side, target_side) = arch.dependencies[k], sides[k]
        if paths[k] and source_side != target_side:
            rings.append((id(d.source), id(d.target)) if source_side == "bottom" else (id(d.target), id(d.source)))
    return _Drawn(
        [Box(b.x + dx, b.y + dy, b.w, b.h) for b in boxes],
        [cell for _, _, cell in members],
        header_h,
        [tuple((x + dx, y + dy) for x, y in path) for path in paths],
        sides,
        [block.moved(dx, dy) if block is not None else None for block in labels],
        right,
        bottom,
        tuple(x + dx for x in grid.column_left),
        grid.column_width,
        tuple((a + dx, b + dx) for a, b in grid.column_gutters),
        blocked,
        tuple(rings),
    )


def layout_architecture(model: Model, arch: Architecture | None = None) -> ArchitectureLayout:
    arch = arch if arch is not None else architecture(model)
    components = arch.components
    if not components:
        return ArchitectureLayout(2.0 * MARGIN, 2.0 * MARGIN, (), ())
    links = _links(arch)
    joined = {id(c) for pair in links for c in pair}
    connected = [c for c in components if id(c) in joined]
    alone = [c for c in components if id(c) not in joined]
    partners: dict[int, set[int]] = {}
    for d in arch.dependencies:
        if d.backward:
            partners.setdefault(id(d.source), set()).add(id(d.target))
            partners.setdefault(id(d.target), set()).add(id(d.source))
    contents = {id(c): component_content(c) for c in components}

    ranks: list[list[Component]] = [[] for _ in range(max((c.rank for c in connected), default=-1) + 1)]
    for c in connected:
        ranks[c.rank].append(c)
    ranks = order_columns(ranks, links)

    def arrange(apart: set[int], flipped: frozenset[int]) -> _Arranged:
        columns, pins = place_returning(ranks, partners, apart, flipped)
        rows = assign_rows(columns, links, pins)
        members = [(c, contents[id(c)], (rows[id(c)], k)) for k, col in enumerate(columns) for c in col]
        width = max(len(columns), min(len(alone), STANDALONE_COLUMNS))
        column_w = {k: float(MIN_WIDTH) for k in range(width)}
        for _, content, (_, k) in members:
            column_w[k] = max(column_w[k], content.w)
        for k, c in enumerate(alone):
            column_w[k % width] = max(column_w[k % width], contents[id(c)].w)
        drawn = None
        if members:
            drawn = _draw_connected(arch, members, column_w, max(len(col) for col in columns), len(columns))
        return _Arranged(members, drawn, column_w, width)

    # a component left with no way out for its returns gets a column of its own, and again
    apart: set[int] = set()
    flipped: frozenset[int] = frozenset()
    best = arrange(apart, flipped)
    for _ in range(len(connected)):
        if best.drawn is None or best.drawn.blocked <= apart:
            break
        apart |= best.drawn.blocked
        best = arrange(apart, flipped)
    # a return round the side: try its end in the bottom row at the top, then its other end
    if best.drawn is not None and best.drawn.rings:
        for which in (0, 1):
            ends = frozenset(ring[which] for ring in best.drawn.rings)
            trial = arrange(apart, flipped ^ ends)
            if (
                trial.drawn is not None
                and trial.drawn.blocked <= apart
                and len(trial.drawn.rings) < len(best.drawn.rings)
            ):
                best, flipped = trial, flipped ^ ends
                break
    members, drawn, column_w, width = best.members, best.drawn, best.column_w, best.width

    placed: dict[int, ComponentLayout] = {}
    right, bottom = float(MARGIN), float(MARGIN)
    gutters: tuple[float, ...] = ()
    if drawn is not None:
        for (c, content, (r, k)), box in zip(members, drawn.boxes):
            placed[id(c)] = _placed(c, content, box, drawn.header_h[r], r, k, False)
        right, bottom = drawn.right, drawn.bottom
        gutters = tuple(b - a for a, b in drawn.column_gutters)
    if alone:
        # lanes with no dependency stand alone in rows below, in the columns above them
        first_row = max((r for _, _, (r, _) in members), default=-1) + 1
        cells = [(k // width, k % width) for k in range(len(alone))]
        single = [(c, contents[id(c)], cell) for c, cell in zip(alone, cells)]
        nodes, header_h = _sizes(single, column_w)
        standalone_rows = cells[-1][0] + 1
        column_gutters = list(_gutters(width, COLUMN_GAP))
        column_gutters[: len(gutters)] = gutters[: width + 1]
        spec = GridSpec(
            rows=standalone_rows,
            columns=width,
            x=drawn.column_gutters[0][0] if drawn is not None else float(MARGIN),
            y=bottom if drawn is not None else float(MARGIN),
            column_min_width=[column_w[k] for k in range(width)],
            row_gutter_min=_gutters(standalone_rows, ROW_GAP),
            column_gutter_min=column_gutters,
        )
        grid = route_grid(spec, nodes, [])
        for (c, content, (r, k)), box in zip(single, grid.boxes):
            placed[id(c)] = _placed(c, content, box, header_h[r], first_row + r, k, True)
        right, bottom = max(right, grid.right), grid.bottom
    arrows = []
    if drawn is not None:
        for k, d in enumerate(arch.dependencies):
            arrows.append(DependencyLayout(d, drawn.paths[k], *drawn.sides[k], drawn.labels[k]))
    return ArchitectureLayout(right + MARGIN, bottom + MARGIN, tuple(placed[id(c)] for c in components), tuple(arrows))
