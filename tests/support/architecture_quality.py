"""Quality of a rendered architecture view, measured on the SVG's own geometry.

`check_architecture(svg, model)` reads what a browser would draw: the component boxes
(`g.fz-component`: `data-lane`, `data-line`, the `.fz-component-box` rectangle) and the
dependency arrows (`g.fz-dependency`: the `.fz-edge-line` path, the label background,
`data-count`, `data-lines`), and answers the problems it finds, as text (none: []):

- every defect tests/support/layout_quality.py counts for the workflow view (arrows drawn over
  each other, an arrow through a box, a label on a box, on another label, on another
  arrow or on its own arrowhead), each component box a node and each arrow an edge whose
  ports are (component, side);
- boxes overlapping each other;
- an arrow that does not start on its source component's border and end on its target
  component's border (which components those are is read from the geometry, then
  compared with what the model says);
- an aggregated arrow whose `data-count` is not the number of cross-lane edges between
  its two lanes counted afresh from the model, whose `data-lines` are not exactly those
  edges' lines, or two arrows for one ordered pair of lanes; a pair of lanes joined by
  cross-lane edges with no arrow;
- a caption that is not drawn exactly once, or not what its edges say (`expected_caption`:
  "(×N)" only when all N edges say the same, else the distinct labels and how many say
  nothing);
- a lane of the model with no component, a component title or step text that differs
  from the model's (a step's text may wrap, never be cut: `cut_steps` counts the cut ones);
- a backward arrow (a return, `fz-dependency-backward`) that runs through the gaps between
  the cards or crosses a forward arrow (`return_arrows`: it must leave its source and enter
  its target straight up or down, within the card's width, and run everywhere else outside
  the box that bounds the cards with dependencies, on an outer channel).

The model supplies what the SVG does not say; nothing here calls the renderer.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations, pairwise

from support.layout_quality import EPS, SVG, Drawing, DrawnEdge, DrawnNode, _path_rings, _rect_of, measure_drawing

Rect = tuple[float, float, float, float]
Point = tuple[float, float]
# characters XML 1.0 cannot carry: an SVG shows U+FFFD for them
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _shown(text: str) -> str:
    """What an SVG can show of `text`."""
    return _NOT_XML.sub("\ufffd", text)


def _classes(el: ET.Element) -> list[str]:
    return (el.get("class") or "").split()


def _text_of(el: ET.Element) -> str:
    """A <text> element's words, its tspans (wrapped lines) joined by single spaces."""
    spans = el.findall(f"{SVG}tspan")
    return " ".join("".join(s.itertext()) for s in spans) if spans else "".join(el.itertext())


def _squeezed(text: str) -> str:
    """Text without its whitespace (wrapping may break a line anywhere a space or a soft break is)."""
    return "".join(text.split())


def _side_of(point: tuple[float, float], rect: Rect) -> str | None:
    """The side of `rect` the point lies on (within EPS), or None."""
    x, y = point
    x0, y0, x1, y1 = rect
    inside_x = x0 - EPS <= x <= x1 + EPS
    inside_y = y0 - EPS <= y <= y1 + EPS
    if inside_y and abs(x - x0) <= EPS:
        return "left"
    if inside_y and abs(x - x1) <= EPS:
        return "right"
    if inside_x and abs(y - y0) <= EPS:
        return "top"
    if inside_x and abs(y - y1) <= EPS:
        return "bottom"
    return None


def _expected_pairs(model) -> dict[tuple[int, int], list[int]]:
    """(source lane header line, target lane header line) -> lines of the cross-lane edges
    whose two ends resolve to nodes of those two lanes, from the model directly."""
    pairs: dict[tuple[int, int], list[int]] = {}
    for edge in model.edges:
        s, t = edge.source.node, edge.target.node
        if s is None or t is None or s.lane is None or t.lane is None or s.lane is t.lane or edge.foreign:
            continue
        pairs.setdefault((s.lane.header_line, t.lane.header_line), []).append(edge.line)
    return pairs


def expected_caption(labels: list[str | None]) -> str:
    """What an arrow for edges with these labels (None: no label) must say: "×N" only for N
    edges that all say the same ("L (×N)", or "×N" when none has a label); otherwise the
    distinct labels in order ("; " between them when one has a comma) and how many edges
    have none ("a, b (+1 unlabelled)")."""
    said = [text for text in labels if text and text.strip()]
    distinct = list(dict.fromkeys(said))
    silent = len(labels) - len(said)
    if len(labels) > 1 and len(distinct) <= 1 and (silent == 0 or not said):
        return f"{distinct[0]} (×{len(labels)})" if distinct else f"×{len(labels)}"
    caption = ("; " if any("," in text for text in distinct) else ", ").join(distinct)
    if distinct and silent:
        caption += f" (+{silent} unlabelled)"
    return caption


def check_architecture(svg: str, model) -> list[str]:
    root = ET.fromstring(svg)
    problems: list[str] = []
    assert "fz-architecture" in _classes(root), "not an architecture view"

    components: list[tuple[int, str, Rect, ET.Element]] = []
    arrows: list[ET.Element] = []
    for g in root.iter(f"{SVG}g"):
        if "fz-component" in _classes(g):
            box = next(el for el in g if "fz-component-box" in _classes(el))
            components.append((int(g.get("data-line")), g.get("data-lane"), _rect_of(box), g))
        elif "fz-dependency" in _classes(g):
            arrows.append(g)

    # components: one per lane, titled and listing as the model says
    lanes = {lane.header_line: lane for lane in model.lanes}
    if Counter(line for line, *_ in components) != Counter(lane.header_line for lane in model.lanes):
        problems.append(f"components at lines {sorted(c[0] for c in components)}, lanes at {sorted(lanes)}")
    for line, lane_id, _rect, g in components:
        lane = lanes.get(line)
        if lane is None or lane.id != lane_id:
            problems.append(f"component {lane_id!r} at line {line} is no lane of the model")
            continue
        title = next((_text_of(el) for el in g.iter(f"{SVG}text") if "fz-component-title" in _classes(el)), None)
        if title is None or _squeezed(title) != (_squeezed(_shown(lane.title)) or lane.id):
            problems.append(f"component {lane_id!r} is titled {title!r}, its lane {lane.title!r}")
        steps = [el for el in g.iter(f"{SVG}g") if "fz-step" in _classes(el)]
        by_line = {n.line: n for n in lane.nodes}
        for step in steps:
            node = by_line.get(int(step.get("data-line")))
            if node is None or node.id != step.get("data-node"):
                problems.append(f"step {step.get('data-node')!r} of {lane_id!r} is no node of the lane")
                continue
            shown = _text_of(next(el for el in step.iter(f"{SVG}text")))
            full = " ".join(_shown(node.display_text).split()) or node.id
            if _squeezed(shown) != _squeezed(full):
                cut = shown.endswith("…") and _squeezed(full).startswith(_squeezed(shown[:-1]))
                problems.append(
                    f"step {node.id} is cut: {shown!r} for {full!r}"
                    if cut
                    else f"step {node.id} shows {shown!r} for {full!r}"
                )
        more = next((_text_of(el) for el in g.iter(f"{SVG}text") if "fz-component-more" in _classes(el)), None)
        hidden = len(lane.nodes) - len(steps)
        if (more is None) != (hidden == 0) or (more is not None and more != f"+ {hidden} more"):
            problems.append(f"component {lane_id!r} lists {len(steps)} of {len(lane.nodes)} steps, says {more!r}")
        if [s.get("data-node") for s in steps] != [n.id for n in lane.nodes[: len(steps)]]:
            problems.append(f"component {lane_id!r} lists its steps out of order")
    for i, (_, lane_id, rect, _) in enumerate(components):
        for _, other_id, other, _ in components[i + 1 :]:
            if rect[0] < other[2] and other[0] < rect[2] and rect[1] < other[3] and other[1] < rect[3]:
                problems.append(f"components {lane_id!r} and {other_id!r} overlap")

    # arrows: on the borders of the components the model joins, counted right
    expected = _expected_pairs(model)
    seen: Counter = Counter()
    nodes = [DrawnNode(line, "rect", rect) for line, _, rect, _ in components]
    edges = []
    captions: Counter = Counter()
    for k, g in enumerate(arrows):
        line_el = next(el for el in g if "fz-edge-line" in _classes(el))
        points = [p for ring in _path_rings(line_el.get("d")) for p in ring]
        label_bg = next((_rect_of(el) for el in g if "fz-edge-label-bg" in _classes(el)), None)
        label = next((_text_of(el) for el in g.iter(f"{SVG}text") if "fz-edge-label" in _classes(el)), None)
        ends = []
        for point in (points[0], points[-1]):
            touching = [(c[0], _side_of(point, c[2])) for c in components if _side_of(point, c[2])]
            ends.append(touching[0] if len(touching) == 1 else None)
        source, target = ends
        what = f"arrow {g.get('data-from')}->{g.get('data-to')}"
        if source is None or target is None:
            problems.append(f"{what} does not start and end on component borders: {points[0]} .. {points[-1]}")
            continue
        if line_el.get("marker-end") is None:
            problems.append(f"{what} has no arrowhead")
        pair = (source[0], target[0])
        seen[pair] += 1
        lines = [int(v) for v in g.get("data-lines").split()]
        if pair not in expected:
            problems.append(f"{what} joins lanes at lines {pair} that no cross-lane edge joins")
        else:
            if int(g.get("data-count")) != len(expected[pair]):
                problems.append(f"{what} counts {g.get('data-count')} edges, the model has {len(expected[pair])}")
            if lines != expected[pair]:
                problems.append(f"{what} stands for lines {lines}, the edges are at {expected[pair]}")
            by_line = {e.line: e for e in model.edges}
            caption = expected_caption([by_line[n].label for n in expected[pair]])
            if caption.strip():
                captions[_squeezed(_shown(caption))] += 1
                if label is None or _squeezed(label) != _squeezed(_shown(caption)):
                    problems.append(f"{what} is captioned {label!r}, expected {caption!r}")
            elif label is not None:
                problems.append(f"{what} has a caption {label!r} but its edges have no label")
        if (lanes[source[0]].id, lanes[target[0]].id) != (g.get("data-from"), g.get("data-to")):
            problems.append(f"{what} is drawn between {lanes[source[0]].id} and {lanes[target[0]].id}")
        edges.append(DrawnEdge(k, points, line_el.get("marker-end") is not None, label_bg, source, target))
    for pair, lines in expected.items():
        if seen[pair] != 1:
            problems.append(f"lanes at lines {pair} ({len(lines)} edges) have {seen[pair]} arrows")

    # every caption once, as a whole
    drawn_labels = Counter(_squeezed(_text_of(el)) for el in root.iter(f"{SVG}text") if "fz-edge-label" in _classes(el))
    for caption, n in captions.items():
        if drawn_labels[caption] != n:
            problems.append(f"caption {caption!r} drawn {drawn_labels[caption]} times, expected {n}")

    returns = return_arrows(svg)
    problems.extend(returns.details)

    quality = measure_drawing(Drawing(float(root.get("width")), float(root.get("height")), nodes, edges, []))
    problems.extend(quality.details)
    if quality.defects and not quality.details:
        problems.append(f"layout defects: {quality.defect_counts()}")
    return problems


def cut_steps(svg: str) -> int:
    """How many steps of an architecture view show a text cut with "…" (the view wraps step
    texts; it cut them at one line before)."""
    root = ET.fromstring(svg)
    count = 0
    for g in root.iter(f"{SVG}g"):
        if "fz-step" in _classes(g):
            text = next((_text_of(el) for el in g.iter(f"{SVG}text")), "")
            count += text.endswith("…")
    return count


@dataclass
class ReturnArrows:
    """How an architecture view draws its backward arrows (returns)."""

    backward: int = 0  # backward arrows drawn
    through_gaps: int = 0  # of them, those with a stretch among the cards (see `return_arrows`)
    crossing_forward: int = 0  # crossings of a backward arrow with a forward one
    crossings: int = 0  # crossings of any two arrows
    details: list[str] = field(default_factory=list)


def _crossing(a: tuple[Point, Point], b: tuple[Point, Point]) -> bool:
    """A horizontal and a vertical segment meeting inside both (ends and touches do not count)."""
    for (h0, h1), (v0, v1) in ((a, b), (b, a)):
        if abs(h0[1] - h1[1]) <= EPS and abs(v0[0] - v1[0]) <= EPS:
            x, y = v0[0], h0[1]
            if (
                min(h0[0], h1[0]) + EPS < x < max(h0[0], h1[0]) - EPS
                and min(v0[1], v1[1]) + EPS < y < max(v0[1], v1[1]) - EPS
            ):
                return True
    return False


def return_arrows(svg: str) -> ReturnArrows:
    """Backward arrows measured on the SVG. The cards with dependencies (not the standalone
    ones) bound a box; a backward arrow runs **through the gaps** when one of its segments
    other than its two end stubs enters that box's interior, or when an end stub is not a
    vertical segment within the width of the card it ends on (a stub leaves its card
    straight up or down into the outer channel above or below every card). Crossings are
    points where a horizontal and a vertical segment of two arrows meet inside both."""
    root = ET.fromstring(svg)
    cards: list[Rect] = []
    bounded: list[Rect] = []
    arrows: list[tuple[str, bool, list[Point]]] = []
    for g in root.iter(f"{SVG}g"):
        classes = _classes(g)
        if "fz-component" in classes:
            rect = _rect_of(next(el for el in g if "fz-component-box" in _classes(el)))
            cards.append(rect)
            if "fz-component-standalone" not in classes:
                bounded.append(rect)
        elif "fz-dependency" in classes:
            line = next(el for el in g if "fz-edge-line" in _classes(el))
            points = [q for ring in _path_rings(line.get("d")) for q in ring]
            arrows.append((f"{g.get('data-from')}->{g.get('data-to')}", "fz-dependency-backward" in classes, points))
    out = ReturnArrows()
    if bounded:
        x0, y0 = min(r[0] for r in bounded), min(r[1] for r in bounded)
        x1, y1 = max(r[2] for r in bounded), max(r[3] for r in bounded)
    for name, backward, points in arrows:
        if not backward or not bounded:
            continue
        out.backward += 1
        segments = [(a, b) for a, b in pairwise(points) if a != b]
        stubs = (segments[0], segments[-1]) if len(segments) >= 3 else ()
        wrong = []
        for (a, b), end in zip(stubs, (points[0], points[-1])):
            card = next(
                (
                    r
                    for r in cards
                    if r[0] - EPS <= end[0] <= r[2] + EPS and min(abs(end[1] - r[1]), abs(end[1] - r[3])) <= EPS
                ),
                None,
            )
            if card is None or abs(a[0] - b[0]) > EPS or not card[0] + EPS < a[0] < card[2] - EPS:
                wrong.append(f"its end stub {a}..{b} is not straight up or down from its card")
        for a, b in segments[1:-1] if stubs else segments:
            if (
                min(a[0], b[0]) < x1 - EPS
                and max(a[0], b[0]) > x0 + EPS
                and min(a[1], b[1]) < y1 - EPS
                and max(a[1], b[1]) > y0 + EPS
            ):
                wrong.append(f"its segment {a}..{b} runs among the cards")
        if wrong:
            out.through_gaps += 1
            out.details.append(f"backward arrow {name} runs through the gaps: {wrong[0]}")
    for (name, back, points), (other, back2, points2) in combinations(arrows, 2):
        met = sum(_crossing(s, t) for s in pairwise(points) for t in pairwise(points2))
        out.crossings += met
        if met and back != back2:
            out.crossing_forward += met
            out.details.append(
                f"backward arrow {name if back else other} crosses forward arrow {other if back else name}"
            )
    return out
