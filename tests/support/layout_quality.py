"""Layout quality of a rendered workflow diagram, measured on the SVG's own geometry.

`measure(svg, model)` reads what a browser would draw (node shapes, edge paths, label
backgrounds, loop frames and tabs) and counts what makes a diagram ambiguous:

- `overlaps`: two edges drawn over each other: segments of both on one line for more than
  a pixel, while the edges share neither their source port nor their target port (a port
  is a node and a side; which node and side each edge uses comes from the model);
- `trunks`: edges that share a port and run together anywhere but on one common path
  from that port (a fan-out is drawn as one trunk that parts into branches, ELK's
  hyperedges: once parted, two branches never meet or run along each other again);
- `junctions`: a place where edges sharing a port part after a common run (or join
  before a common run into one port) with no junction dot drawn there;
- `through_nodes`: an edge segment crossing a node's drawn shape (an edge's own end may
  touch its node's outline, nothing more);
- `label_node`, `label_label`, `label_edge`, `label_arrow`, `label_tab`: an edge label's
  background touching a node, another label, a segment of any other edge, its own
  arrowhead (with a gap) or a loop's tab;
- `loop_intruders`: a node inside a loop frame whose `loop` line does not list it;
  `loop_missing`: a listed node not inside its frame;
- `diamond_slanted`: an edge end on a diamond that is not one of its four corners (a
  decision's ports are its corners, shared by the edges on one side);
- `split_loops`: a loop frame drawn as more than one outline (or pieces joined by links);
- `frame_edge`: an edge segment running along a loop frame's border; `tab_edge`: an edge
  segment through a loop's tab;
- `crossings`: points where segments of two edges cross (not a defect: a budget, see
  `crossing_budget`);
- the diagram's `width` and `height`, its node count and the area its nodes cover
  (`area_used`: the nodes' bounding boxes over the diagram's area; `width_per_node`).

The model supplies what the SVG does not say: which node and side each edge leaves and
enters (edges carry `data-edge`, nodes `data-line`) and which nodes each loop lists
(loops carry their `data-line`). Renderings of older versions measure the same way.

Also here: `generated_document(seed, nodes, lanes)`, seeded FlowZap documents that look
like real diagrams (flows, decisions, hand-overs, replies, back edges, loops), for the
layout tests and the layout benchmark.
"""

from __future__ import annotations

import math
import random
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

SVG = "{http://www.w3.org/2000/svg}"
EPS = 0.5  # geometry tolerance, px (coordinates are written with one decimal)
JUNCTION_REACH = 1.5  # a junction dot this close to where two branches part counts
FRAME_NEAR = 2.0  # an edge this close to a frame's border, along it, runs on the border
ARROW = 10.0  # arrowhead length and width (the marker's userSpaceOnUse size)
ARROW_GAP = 2.0  # a label keeps this far from its own arrowhead
DEFECTS = (
    "overlaps",
    "trunks",
    "through_nodes",
    "label_node",
    "label_label",
    "label_edge",
    "label_arrow",
    "label_tab",
    "loop_intruders",
    "loop_missing",
    "junctions",
)
# what the narrative asks of a diagram (issue 22), counted apart from the geometry defects
NARRATIVE = ("diamond_slanted", "split_loops", "frame_edge", "tab_edge")

Point = tuple[float, float]
Rect = tuple[float, float, float, float]  # x0, y0, x1, y1


# ---------------------------------------------------------------------------
# What the SVG draws


@dataclass
class DrawnNode:
    key: int  # data-line
    shape: str  # "rect" | "circle" | "polygon"
    rect: Rect  # bounding box
    polygon: tuple[Point, ...] = ()
    radius: float = 0.0


@dataclass
class DrawnEdge:
    index: int
    points: list[Point]
    arrow: bool
    label: Rect | None
    source: tuple[int, str] | None = None  # (node line, side) from the model
    target: tuple[int, str] | None = None

    @property
    def segments(self) -> list[tuple[Point, Point]]:
        return [(a, b) for a, b in zip(self.points, self.points[1:]) if a != b]


@dataclass
class DrawnLoop:
    key: int  # data-line
    rings: list[list[Point]]
    tab: Rect | None
    members: set[int] = field(default_factory=set)
    links: int = 0  # dashed lines joining pieces of the frame


@dataclass
class Drawing:
    width: float
    height: float
    nodes: list[DrawnNode]
    edges: list[DrawnEdge]
    loops: list[DrawnLoop]
    junctions: list[Point] = field(default_factory=list)  # junction dots of trunks


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")


def _numbers(text: str) -> list[float]:
    return [float(v) for v in _NUMBER.findall(text)]


def _path_rings(d: str) -> list[list[Point]]:
    """Subpaths of an absolute path made of M, L, H, V and Z commands."""
    rings: list[list[Point]] = []
    x = y = 0.0
    for command, args in re.findall(r"([MLHVZmlhvz])([^MLHVZmlhvz]*)", d):
        values = _numbers(args)
        if command == "M":
            x, y = values[0], values[1]
            rings.append([(x, y)])
            values = values[2:]
            command = "L"
        if command == "L":
            for i in range(0, len(values) - 1, 2):
                x, y = values[i], values[i + 1]
                rings[-1].append((x, y))
        elif command == "H":
            for v in values:
                x = v
                rings[-1].append((x, y))
        elif command == "V":
            for v in values:
                y = v
                rings[-1].append((x, y))
        elif command in "Zz" and rings:
            x, y = rings[-1][0]
        elif command in "mlhv":
            raise ValueError(f"relative path commands are not expected: {d[:60]}")
    return rings


def _rect_of(el: ET.Element) -> Rect:
    x, y = float(el.get("x", 0)), float(el.get("y", 0))
    return (x, y, x + float(el.get("width", 0)), y + float(el.get("height", 0)))


def _bounds(points: Iterable[Point]) -> Rect:
    pts = list(points)
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return (min(xs), min(ys), max(xs), max(ys))


def parse(svg: str) -> Drawing:
    root = ET.fromstring(svg)
    width, height = float(root.get("width", 0)), float(root.get("height", 0))
    nodes, edges, loops = [], [], []
    for g in root.iter(f"{SVG}g"):
        classes = (g.get("class") or "").split()
        if "data-node" in g.attrib:
            nodes.append(_drawn_node(g))
        elif "data-edge" in g.attrib:
            edges.append(_drawn_edge(g))
        elif "fz-loop" in classes:
            loops.append(_drawn_loop(g))
    junctions = [
        (float(c.get("cx")), float(c.get("cy")))
        for c in root.iter(f"{SVG}circle")
        if "fz-junction" in (c.get("class") or "").split()
    ]
    return Drawing(width, height, nodes, edges, loops, junctions)


def _drawn_node(g: ET.Element) -> DrawnNode:
    key = int(g.get("data-line"))
    shape = next(el for el in g if "fz-node-shape" in (el.get("class") or "").split())
    tag = shape.tag.replace(SVG, "")
    if tag == "circle":
        cx, cy, r = float(shape.get("cx")), float(shape.get("cy")), float(shape.get("r"))
        return DrawnNode(key, "circle", (cx - r, cy - r, cx + r, cy + r), radius=r)
    if tag == "polygon":
        values = _numbers(shape.get("points"))
        polygon = tuple(zip(values[0::2], values[1::2]))
        return DrawnNode(key, "polygon", _bounds(polygon), polygon=polygon)
    return DrawnNode(key, "rect", _rect_of(shape))


def _drawn_edge(g: ET.Element) -> DrawnEdge:
    line = next(el for el in g if "fz-edge-line" in (el.get("class") or "").split())
    rings = _path_rings(line.get("d"))
    points = [p for ring in rings for p in ring]
    label = next((_rect_of(el) for el in g if "fz-edge-label-bg" in (el.get("class") or "").split()), None)
    return DrawnEdge(int(g.get("data-edge")), points, line.get("marker-end") is not None, label)


def _drawn_loop(g: ET.Element) -> DrawnLoop:
    rings: list[list[Point]] = []
    tab = None
    links = 0
    for el in g:
        classes = (el.get("class") or "").split()
        tag = el.tag.replace(SVG, "")
        if "fz-loop-frame" in classes:
            if tag == "rect":
                x0, y0, x1, y1 = _rect_of(el)
                rings.append([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
            else:
                rings.extend(_path_rings(el.get("d")))
        elif "fz-loop-tab" in classes:
            tab = _bounds(p for ring in _path_rings(el.get("d")) for p in ring)
        elif "fz-loop-link" in classes:
            links += len(_path_rings(el.get("d")))
    return DrawnLoop(int(g.get("data-line")), rings, tab, links=links)


def attach_model(drawing: Drawing, model) -> None:
    """Ports of each edge and members of each loop, by source line, from the model."""
    by_index = {edge.index: edge for edge in model.edges}
    for drawn in drawing.edges:
        edge = by_index[drawn.index]
        s, t = edge.source.node, edge.target.node
        if s is not None:
            drawn.source = (s.line, _side(edge.source.direction, "right"))
        if t is not None:
            drawn.target = (t.line, _side(edge.target.direction, "left"))
    by_line = {loop.line: loop for loop in model.loops}
    for drawn in drawing.loops:
        loop = by_line[drawn.key]
        drawn.members = {ref.node.line for ref in loop.members if ref.node is not None}


def _side(direction: str | None, default: str) -> str:
    return direction if direction in ("left", "right", "top", "bottom") else default


# ---------------------------------------------------------------------------
# Geometry


def _inflate(r: Rect, d: float) -> Rect:
    return (r[0] - d, r[1] - d, r[2] + d, r[3] + d)


def _rects_overlap(a: Rect, b: Rect) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _clip(a: Point, b: Point, r: Rect) -> float:
    """Length of segment a-b inside the open rectangle r (Liang-Barsky)."""
    (x0, y0), (x1, y1) = a, b
    dx, dy = x1 - x0, y1 - y0
    lo, hi = 0.0, 1.0
    for p, q in ((-dx, x0 - r[0]), (dx, r[2] - x0), (-dy, y0 - r[1]), (dy, r[3] - y0)):
        if p == 0:
            if q <= 0:
                return 0.0
            continue
        t = q / p
        if p < 0:
            lo = max(lo, t)
        else:
            hi = min(hi, t)
        if lo >= hi:
            return 0.0
    return (hi - lo) * math.hypot(dx, dy)


def _inside_polygon(p: Point, polygon: Iterable[Point]) -> bool:
    pts = list(polygon)
    inside = False
    x, y = p
    for (x0, y0), (x1, y1) in zip(pts, pts[1:] + pts[:1]):
        if (y0 > y) != (y1 > y):
            cross = x0 + (y - y0) * (x1 - x0) / (y1 - y0)
            if cross > x:
                inside = not inside
    return inside


def _inside_rings(p: Point, rings: list[list[Point]]) -> bool:
    """Even-odd rule over all subpaths (holes are outside)."""
    return sum(_inside_polygon(p, ring) for ring in rings) % 2 == 1


def _length_in_shape(a: Point, b: Point, node: DrawnNode) -> float:
    """Length of segment a-b strictly inside the node's drawn shape (shrunk by EPS)."""
    if node.shape == "rect":
        return _clip(a, b, _inflate(node.rect, -EPS))
    if node.shape == "circle":
        cx, cy = (node.rect[0] + node.rect[2]) / 2, (node.rect[1] + node.rect[3]) / 2
        r = node.radius - EPS
        (x0, y0), (x1, y1) = a, b
        dx, dy = x1 - x0, y1 - y0
        fx, fy = x0 - cx, y0 - cy
        qa, qb, qc = dx * dx + dy * dy, 2 * (fx * dx + fy * dy), fx * fx + fy * fy - r * r
        disc = qb * qb - 4 * qa * qc
        if qa == 0 or disc <= 0:
            return 0.0
        root = math.sqrt(disc)
        t0, t1 = max(0.0, (-qb - root) / (2 * qa)), min(1.0, (-qb + root) / (2 * qa))
        return max(0.0, t1 - t0) * math.sqrt(qa)
    # convex polygon (diamond): clip against each edge's inner half-plane
    pts = node.polygon
    cx = sum(p[0] for p in pts) / len(pts)
    cy = sum(p[1] for p in pts) / len(pts)
    (x0, y0), (x1, y1) = a, b
    lo, hi = 0.0, 1.0
    for (px, py), (qx, qy) in zip(pts, pts[1:] + pts[:1]):
        nx, ny = py - qy, qx - px  # a normal of the side
        norm = math.hypot(nx, ny)
        if norm == 0:
            continue
        nx, ny = nx / norm, ny / norm
        if nx * (cx - px) + ny * (cy - py) < 0:
            nx, ny = -nx, -ny  # point it inwards
        # inside: n.(p - side) > EPS
        d0 = nx * (x0 - px) + ny * (y0 - py) - EPS
        d1 = nx * (x1 - px) + ny * (y1 - py) - EPS
        if d0 <= 0 and d1 <= 0:
            return 0.0
        if d0 < 0 or d1 < 0:
            t = d0 / (d0 - d1)
            if d0 < 0:
                lo = max(lo, t)
            else:
                hi = min(hi, t)
        if lo >= hi:
            return 0.0
    return (hi - lo) * math.hypot(x1 - x0, y1 - y0)


def _segment_rect(a: Point, b: Point) -> Rect:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1]))


class _Buckets:
    """A uniform grid of cells holding items by their bounding rectangles."""

    CELL = 96.0

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list] = defaultdict(list)

    def _keys(self, r: Rect):
        c = self.CELL
        for i in range(math.floor(r[0] / c), math.floor(r[2] / c) + 1):
            for j in range(math.floor(r[1] / c), math.floor(r[3] / c) + 1):
                yield (i, j)

    def add(self, r: Rect, item) -> None:
        for key in self._keys(r):
            self.cells[key].append(item)

    def near(self, r: Rect) -> list:
        seen, out = set(), []
        for key in self._keys(r):
            for item in self.cells.get(key, ()):
                if id(item) not in seen:
                    seen.add(id(item))
                    out.append(item)
        return out


# ---------------------------------------------------------------------------
# The measures


@dataclass
class Quality:
    width: float
    height: float
    nodes: int = 0
    edges: int = 0
    node_area: float = 0.0  # the nodes' bounding boxes, summed
    crossings: int = 0
    overlaps: int = 0
    trunks: int = 0
    through_nodes: int = 0
    label_node: int = 0
    label_label: int = 0
    label_edge: int = 0
    label_arrow: int = 0
    label_tab: int = 0
    loop_intruders: int = 0
    loop_missing: int = 0
    junctions: int = 0
    diamond_slanted: int = 0
    split_loops: int = 0
    frame_edge: int = 0
    tab_edge: int = 0
    details: list[str] = field(default_factory=list)

    @property
    def defects(self) -> int:
        return sum(getattr(self, name) for name in DEFECTS)

    def defect_counts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in DEFECTS if getattr(self, name)}

    @property
    def narrative(self) -> int:
        return sum(getattr(self, name) for name in NARRATIVE)

    def narrative_counts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in NARRATIVE if getattr(self, name)}

    @property
    def area_used(self) -> float:
        """Share of the diagram's area the nodes cover (bounding boxes)."""
        return self.node_area / (self.width * self.height) if self.width and self.height else 0.0

    @property
    def width_per_node(self) -> float:
        return self.width / self.nodes if self.nodes else 0.0

    def note(self, kind: str, text: str) -> None:
        setattr(self, kind, getattr(self, kind) + 1)
        if len(self.details) < 40:
            self.details.append(f"{kind}: {text}")


def crossing_budget(edges: int) -> int:
    """The most crossings one diagram may have: max(2, 10 % of its edges)."""
    return max(2, edges // 10)


def skip_triangles(model) -> list[tuple]:
    """Decisions whose branch out of the bottom skips a step of their row into the top of
    the step after it: D.right -> S1.left, S1.right -> S2.left and D.bottom -> S2.top (or
    the same upside down, D.top -> S2.bottom), as (D, S1, S2, the three edges).
    generate.py's and bench_render.py's documents are made of them; see
    `forced_crossings` for what they cost."""
    triangles = []
    for branch in model.edges:
        decision, after = branch.source.node, branch.target.node
        if (
            decision is None
            or after is None
            or decision.shape != "diamond"
            or (branch.source.direction, branch.target.direction) not in (("bottom", "top"), ("top", "bottom"))
            or decision.lane is not after.lane
        ):
            continue
        for yes in decision.outgoing:
            step = yes.target.node
            if step is None or (yes.source.direction, yes.target.direction) != ("right", "left"):
                continue
            on = next(
                (
                    on
                    for on in step.outgoing
                    if on.target.node is after and (on.source.direction, on.target.direction) == ("right", "left")
                ),
                None,
            )
            if on is not None:
                triangles.append((decision, step, after, (branch, yes, on)))
                break
    return triangles


def skip_branches(model) -> int:
    """How many skip triangles (see `skip_triangles`) the document has."""
    return len(skip_triangles(model))


def forced_crossings(model) -> float:
    """A lower bound on the crossings of any drawing of the document that keeps every edge
    on the sides its handles name, from its skip triangles (`skip_triangles`).

    Why. Named sides fix the order of the edges round a node (top, right, bottom, left).
    Draw a triangle's three edges, joined through D, S1 and S2, as one closed curve C. At D
    the curve uses the right and bottom sides, so edges on D's left and top leave on one
    side of C; at S2 it uses the top and left, so edges on S2's right and bottom leave on
    the other (upside down: D's left and bottom against S2's right and top). A path of
    other edges joining the two (avoiding D, S1 and S2: S1's top and bottom lie on opposite
    sides of C, so a path through S1 proves nothing) must cross C, so the edges crossing C
    form a cut between the two sides: the triangle is *joined*, and owns a crossing.

    How many. A crossing is one pair of edges. When no two triangles share a node, an edge
    belongs to at most one triangle, so a crossing serves at most two; and every other
    triangle's three edges lie on a cycle that a cut must break twice, so a cut made of
    triangle edges alone has at least two. Each joined triangle therefore owns a whole
    crossing (one with an edge of no triangle, or two halves): the bound is the number of
    joined triangles. When triangles share nodes, an edge may belong to k of them and a
    crossing serve 2k: the bound is the joined triangles over 2k. A triangle not joined
    (the flow after S2 a dead end, say) can have its branch drawn round that part: no
    crossing is forced, and none is counted."""
    triangles = skip_triangles(model)
    neighbours: dict[int, set[int]] = defaultdict(set)
    for edge in model.edges:
        s, t = edge.source.node, edge.target.node
        if s is not None and t is not None and s is not t:
            neighbours[id(s)].add(id(t))
            neighbours[id(t)].add(id(s))
    joined = sum(1 for triangle in triangles if _joined(model, neighbours, triangle))
    nodes: dict[int, int] = defaultdict(int)
    edges: dict[int, int] = defaultdict(int)
    for decision, step, after, own in triangles:
        for node in (decision, step, after):
            nodes[id(node)] += 1
        for edge in own:
            edges[id(edge)] += 1
    if all(count == 1 for count in nodes.values()):
        return float(joined)
    return joined / (2 * max(edges.values()))


def _joined(model, neighbours: dict[int, set[int]], triangle: tuple) -> bool:
    """Whether a path of edges outside the triangle joins D's free sides (left, and top or
    bottom, whichever its branch leaves free) to S2's (right, and the side facing the
    branch), avoiding D, S1 and S2 (see `forced_crossings`)."""
    decision, step, after, own = triangle
    branch_side = own[0].source.direction  # D's bottom into S2's top, or D's top into S2's bottom
    d_free = ("left", "top" if branch_side == "bottom" else "bottom")
    s2_free = ("right", branch_side)
    avoid = {id(decision), id(step), id(after)}
    way_in: set[int] = set()
    way_out: set[int] = set()
    for edge in model.edges:
        if edge in own or edge.source.node is None or edge.target.node is None:
            continue
        ends = ((edge.source, edge.target), (edge.target, edge.source))
        for here, there in ends:
            if here.node is decision and here.direction in d_free:
                if there.node is after and there.direction in s2_free:
                    return True  # an edge straight from D's free side to S2's
                way_in.add(id(there.node))
            if here.node is after and here.direction in s2_free:
                way_out.add(id(there.node))
    seen = way_in - avoid
    frontier = list(seen)
    while frontier:
        for other in neighbours[frontier.pop()]:
            if other not in seen and other not in avoid:
                seen.add(other)
                frontier.append(other)
    return bool(seen & way_out)


def measure(svg: str, model) -> Quality:
    drawing = parse(svg)
    attach_model(drawing, model)
    return measure_drawing(drawing)


def _shares_port(e: DrawnEdge, f: DrawnEdge) -> bool:
    return (e.source is not None and e.source == f.source) or (e.target is not None and e.target == f.target)


def _arrow_rect(edge: DrawnEdge) -> Rect | None:
    if not edge.arrow or len(edge.points) < 2:
        return None
    (ax, ay), (bx, by) = edge.points[-2], edge.points[-1]
    length = math.hypot(bx - ax, by - ay) or 1.0
    ux, uy = (bx - ax) / length, (by - ay) / length
    tail = (bx - ux * (ARROW + ARROW_GAP), by - uy * (ARROW + ARROW_GAP))
    half = ARROW / 2
    return (
        min(tail[0], bx) - abs(uy) * half,
        min(tail[1], by) - abs(ux) * half,
        max(tail[0], bx) + abs(uy) * half,
        max(tail[1], by) + abs(ux) * half,
    )


def measure_drawing(d: Drawing) -> Quality:
    q = Quality(d.width, d.height, nodes=len(d.nodes), edges=len(d.edges))
    q.node_area = sum((n.rect[2] - n.rect[0]) * (n.rect[3] - n.rect[1]) for n in d.nodes)
    _edges_against_edges(d, q)
    _edges_against_nodes(d, q)
    _diamond_ends(d, q)
    _labels(d, q)
    _loops(d, q)
    return q


def _common_run(a: list[Point], b: list[Point]) -> tuple[float, Point]:
    """How far two polylines starting at one point run together from it, and where they part."""
    if not a or not b or math.dist(a[0], b[0]) > EPS:
        return 0.0, a[0] if a else (0.0, 0.0)
    at = a[0]
    i = j = 1  # the next vertex of each
    run = 0.0
    while i < len(a) and j < len(b):
        pa, pb = a[i], b[j]
        da, db = math.dist(at, pa), math.dist(at, pb)
        if da <= EPS:
            i += 1
            continue
        if db <= EPS:
            j += 1
            continue
        ua = ((pa[0] - at[0]) / da, (pa[1] - at[1]) / da)
        ub = ((pb[0] - at[0]) / db, (pb[1] - at[1]) / db)
        if abs(ua[0] - ub[0]) > 1e-6 or abs(ua[1] - ub[1]) > 1e-6:
            break
        step = min(da, db)
        at = (at[0] + ua[0] * step, at[1] + ua[1] * step)
        run += step
        if da - step <= EPS:
            i += 1
        if db - step <= EPS:
            j += 1
    return run, at


def _edges_against_edges(d: Drawing, q: Quality) -> None:
    horizontal: dict[int, list] = defaultdict(list)  # y (rounded) -> (x0, x1, edge)
    vertical: dict[int, list] = defaultdict(list)
    buckets = _Buckets()
    for edge in d.edges:
        for a, b in edge.segments:
            if abs(a[1] - b[1]) <= EPS:
                horizontal[round(a[1])].append((min(a[0], b[0]), max(a[0], b[0]), a[1], edge))
            elif abs(a[0] - b[0]) <= EPS:
                vertical[round(a[0])].append((min(a[1], b[1]), max(a[1], b[1]), a[0], edge))
            buckets.add(_segment_rect(a, b), (a, b, edge))
    # collinear runs: same line (within EPS), overlapping by more than a pixel
    overlap: dict[tuple[int, int], float] = defaultdict(float)
    for lines in (horizontal, vertical):
        for key in list(lines):
            # runs of this line and the next (a line within EPS may round either way); a pair
            # of two runs of the next line is counted when that line's turn comes
            runs = [(*run, True) for run in lines[key]] + [(*run, False) for run in lines.get(key + 1, [])]
            runs.sort(key=lambda r: r[0])
            for i, (_, hi, at, e, mine) in enumerate(runs):
                for lo2, hi2, at2, f, mine2 in runs[i + 1 :]:
                    if lo2 >= hi:
                        break
                    if f is e or abs(at - at2) > EPS or not (mine or mine2):
                        continue
                    pair = (min(e.index, f.index), max(e.index, f.index))
                    overlap[pair] += min(hi, hi2) - lo2
    by_index = {e.index: e for e in d.edges}
    dots = _Buckets()
    for p in d.junctions:
        dots.add((p[0], p[1], p[0], p[1]), p)

    def dotted(p: Point) -> bool:
        box = (p[0] - JUNCTION_REACH, p[1] - JUNCTION_REACH, p[0] + JUNCTION_REACH, p[1] + JUNCTION_REACH)
        return any(math.dist(p, dot) <= JUNCTION_REACH for dot in dots.near(box))

    for (i, j), length in sorted(overlap.items()):
        if length <= 1.0:
            continue
        e, f = by_index[i], by_index[j]
        if not _shares_port(e, f):
            q.note("overlaps", f"edges {i} and {j} run together for {length:.0f}px")
            continue
        shared = 0.0
        for same, forward in (
            (e.source is not None and e.source == f.source, True),
            (e.target is not None and e.target == f.target, False),
        ):
            if not same:
                continue
            a, b = (e.points, f.points) if forward else (e.points[::-1], f.points[::-1])
            run, parting = _common_run(a, b)
            shared += run
            ends = (e.points[0], e.points[-1], f.points[0], f.points[-1])
            if run > 1.0 and not any(math.dist(parting, end) <= EPS for end in ends) and not dotted(parting):
                q.note("junctions", f"edges {i} and {j} part at ({parting[0]:.0f}, {parting[1]:.0f}) with no dot")
        if length > shared + 1.0:
            apart = length - shared
            q.note("trunks", f"edges {i} and {j} share a port and run together for {apart:.0f}px away from it")
    # crossings: a horizontal and a vertical segment of two edges meeting inside both
    counted = set()
    for cell in buckets.cells.values():
        for a, b, e in cell:
            if abs(a[1] - b[1]) > EPS:
                continue
            x0, x1, y = min(a[0], b[0]), max(a[0], b[0]), a[1]
            for c, dd, f in cell:
                if f is e or abs(c[0] - dd[0]) > EPS or _shares_port(e, f):
                    continue
                y0, y1, x = min(c[1], dd[1]), max(c[1], dd[1]), c[0]
                if x0 + EPS < x < x1 - EPS and y0 + EPS < y < y1 - EPS:
                    key = (round(x, 1), round(y, 1), min(e.index, f.index), max(e.index, f.index))
                    counted.add(key)
    q.crossings = len(counted)


def _edges_against_nodes(d: Drawing, q: Quality) -> None:
    buckets = _Buckets()
    for node in d.nodes:
        buckets.add(node.rect, node)
    for edge in d.edges:
        ends = {edge.source[0] if edge.source else None, edge.target[0] if edge.target else None}
        segments = edge.segments
        for a, b in segments:
            for node in buckets.near(_segment_rect(a, b)):
                inside = _length_in_shape(a, b, node)
                if inside > 1.0:
                    own = node.key in ends
                    q.note(
                        "through_nodes",
                        f"edge {edge.index} crosses node at line {node.key}{' (its own)' if own else ''}",
                    )


def _diamond_ends(d: Drawing, q: Quality) -> None:
    """Every end on a diamond sits on one of its corners."""
    diamonds = {n.key: n for n in d.nodes if n.shape == "polygon"}
    for edge in d.edges:
        for end, point in (
            (edge.source, edge.points[0] if edge.points else None),
            (edge.target, edge.points[-1] if edge.points else None),
        ):
            if end is None or point is None or end[0] not in diamonds:
                continue
            if not any(math.dist(point, corner) <= 1.0 for corner in diamonds[end[0]].polygon):
                q.note("diamond_slanted", f"edge {edge.index} meets the diamond at line {end[0]} off its corners")


def _labels(d: Drawing, q: Quality) -> None:
    nodes = _Buckets()
    for node in d.nodes:
        nodes.add(node.rect, node)
    segments = _Buckets()
    for edge in d.edges:
        for a, b in edge.segments:
            segments.add(_segment_rect(a, b), (a, b, edge))
    labelled = [e for e in d.edges if e.label is not None]
    tabs = [lp.tab for lp in d.loops if lp.tab is not None]
    for i, edge in enumerate(labelled):
        box = _inflate(edge.label, -EPS)
        for node in nodes.near(box):
            if _rects_overlap(box, node.rect):
                q.note("label_node", f"label of edge {edge.index} on node at line {node.key}")
        for other in labelled[i + 1 :]:
            if _rects_overlap(box, other.label):
                q.note("label_label", f"labels of edges {edge.index} and {other.index}")
        hit = sorted({f.index for a, b, f in segments.near(box) if f is not edge and _clip(a, b, box) > 0})
        for index in hit:
            q.note("label_edge", f"label of edge {edge.index} on edge {index}")
        arrow = _arrow_rect(edge)
        if arrow is not None and _rects_overlap(box, arrow):
            q.note("label_arrow", f"label of edge {edge.index} on its own arrowhead")
        for tab in tabs:
            if _rects_overlap(box, tab):
                q.note("label_tab", f"label of edge {edge.index} on a loop tab")


def _outer_rings(rings: list[list[Point]]) -> int:
    """Rings not inside another ring (holes do not count)."""
    return sum(
        1
        for k, ring in enumerate(rings)
        if not any(k != m and _inside_polygon(_ring_probe(ring), other) for m, other in enumerate(rings))
    )


def _ring_probe(ring: list[Point]) -> Point:
    """A point just inside a ring's top-left corner (the rings are rectilinear)."""
    x = min(p[0] for p in ring)
    y = min(p[1] for p in ring if p[0] == x)
    return (x + 0.25, y + 0.25)


def _runs_along(a: Point, b: Point, c: Point, e: Point) -> bool:
    """Segment c-e lies on the line of border a-b (within FRAME_NEAR) for more than 2 px."""
    if (abs(a[1] - b[1]) <= EPS) != (abs(c[1] - e[1]) <= EPS):
        return False
    axis = 0 if abs(a[1] - b[1]) <= EPS else 1  # the coordinate along the border
    if abs(c[1 - axis] - a[1 - axis]) > FRAME_NEAR:
        return False
    common = min(max(a[axis], b[axis]), max(c[axis], e[axis])) - max(min(a[axis], b[axis]), min(c[axis], e[axis]))
    return common > 2.0


def _loops(d: Drawing, q: Quality) -> None:
    segments = _Buckets()
    for edge in d.edges:
        for a, b in edge.segments:
            segments.add(_segment_rect(a, b), (a, b, edge))
    for loop in d.loops:
        if not loop.rings:
            continue
        if loop.links or _outer_rings(loop.rings) > 1:
            q.note("split_loops", f"loop at line {loop.key} is drawn in pieces")
        for node in d.nodes:
            r = _inflate(node.rect, -EPS)
            centre = ((r[0] + r[2]) / 2, (r[1] + r[3]) / 2)
            crossed = any(_clip(a, b, r) > 0 for ring in loop.rings for a, b in zip(ring, ring[1:] + ring[:1]))
            inside = _inside_rings(centre, loop.rings)
            if node.key in loop.members:
                if crossed or not inside:
                    q.note("loop_missing", f"loop at line {loop.key} does not hold node at line {node.key}")
            elif crossed or inside:
                q.note("loop_intruders", f"loop at line {loop.key} holds node at line {node.key}")
        along: set[int] = set()
        for ring in loop.rings:
            for a, b in zip(ring, ring[1:] + ring[:1]):
                for c, e, edge in segments.near(_inflate(_segment_rect(a, b), FRAME_NEAR)):
                    if edge.index not in along and _runs_along(a, b, c, e):
                        along.add(edge.index)
                        q.note("frame_edge", f"edge {edge.index} runs along the frame of the loop at line {loop.key}")
        if loop.tab is not None:
            tab = _inflate(loop.tab, -EPS)
            crossing = sorted({edge.index for a, b, edge in segments.near(tab) if _clip(a, b, tab) > 0})
            for index in crossing:
                q.note("tab_edge", f"edge {index} runs through the tab of the loop at line {loop.key}")


# ---------------------------------------------------------------------------
# Generated documents

WORDS = [
    "order",
    "payment",
    "retry",
    "refund",
    "notify",
    "check",
    "approve",
    "reject",
    "ship",
    "pack",
    "review",
    "update",
    "deploy",
    "build",
    "test",
    "merge",
    "queue",
    "archive",
    "escalate",
    "cancel",
    "confirm",
    "validate",
    "sync",
    "rollback",
    "report",
    "store",
    "fetch",
    "parse",
    "render",
    "audit",
    "timeout",
]


def _phrase(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high))).capitalize()


def generated_document(seed: int, nodes: int, lanes: int) -> str:
    """A FlowZap document of `nodes` nodes in `lanes` lanes that reads like a real process:
    a main flow per lane with decisions (two edges on one handle now and then), hand-overs
    to the next lanes, replies to earlier lanes, back edges, self-loops, and loops over
    nearby or scattered nodes. Same seed, same document."""
    rng = random.Random(seed)
    lanes = max(1, min(lanes, nodes))
    per_lane = [nodes // lanes + (1 if i < nodes % lanes else 0) for i in range(lanes)]
    ids: list[list[int]] = []
    counter = 1
    for count in per_lane:
        ids.append(list(range(counter, counter + count)))
        counter += count
    shapes: dict[int, str] = {}
    body: list[list[str]] = [[] for _ in range(lanes)]
    for lane, members in enumerate(ids):
        for k, n in enumerate(members):
            shape = (
                "circle"
                if k in (0, len(members) - 1)
                else rng.choice(["rectangle"] * 5 + ["diamond"] * 2 + ["taskbox"])
            )
            shapes[n] = shape
            if shape == "taskbox":
                body[lane].append(
                    f'n{n}: taskbox owner:"{_phrase(rng, 1, 2)}" description:"{_phrase(rng, 2, 5)}" '
                    f'system:"{rng.choice(WORDS)}"'
                )
            else:
                body[lane].append(f'n{n}: {shape} label:"{_phrase(rng, 1, 4)}"')

    def ref(src_lane: int, n: int) -> str:
        lane = next(i for i, m in enumerate(ids) if n in m)
        return f"n{n}" if lane == src_lane else f"L{lane}.n{n}"

    def label() -> str:
        return f' [label="{_phrase(rng, 1, 3)}"]' if rng.random() < 0.45 else ""

    for lane, members in enumerate(ids):
        for k, n in enumerate(members[:-1]):
            nxt = members[k + 1]
            body[lane].append(f"n{n}.handle(right) -> n{nxt}.handle(left){label()}")
            if shapes[n] == "diamond" and k + 2 < len(members):
                handle = rng.choice(["bottom", "bottom", "right", "top"])
                target_side = {"bottom": "top", "top": "bottom", "right": "left"}[handle]
                body[lane].append(f"n{n}.handle({handle}) -> n{members[k + 2]}.handle({target_side}){label()}")
            roll = rng.random()
            if roll < 0.08 and k >= 2:  # back edge
                back = members[rng.randint(0, k - 1)]
                body[lane].append(f"n{n}.handle(bottom) -> n{back}.handle(bottom){label()}")
            elif roll < 0.11:
                body[lane].append(f"n{n}.handle(top) -> n{n}.handle(right){label()}")
        if lanes > 1:
            for _ in range(max(1, len(members) // 6)):
                src = rng.choice(members)
                other = rng.choice([i for i in range(lanes) if i != lane])
                tgt = rng.choice(ids[other])
                if other > lane:
                    ends = ("bottom", "top")
                else:
                    ends = rng.choice([("top", "bottom"), ("right", "bottom"), ("top", "left")])
                body[lane].append(f"n{src}.handle({ends[0]}) -> {ref(lane, tgt)}.handle({ends[1]}){label()}")
        if rng.random() < 0.3 and len(members) >= 3:
            start = rng.randint(0, len(members) - 3)
            listed = members[start : start + rng.randint(2, 3)]
            if rng.random() < 0.4 and lanes > 1:
                other = rng.choice([i for i in range(lanes) if i != lane])
                listed = [*listed, rng.choice(ids[other])]
            body[lane].append(f"loop [{_phrase(rng, 1, 3)}] " + " ".join(ref(lane, n) for n in listed))
    lines = []
    for lane in range(lanes):
        lines.append(f"L{lane} {{ # {_phrase(rng, 1, 3)}")
        lines.extend(body[lane])
        lines.append("}")
    return "\n".join(lines) + "\n"


# The generated documents the benchmark reports and the tests check: (seed, nodes, lanes)
GENERATED = ((1, 12, 2), (2, 30, 3), (3, 60, 5), (4, 120, 8), (5, 250, 12), (6, 500, 20))
