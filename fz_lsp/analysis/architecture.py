"""The Architecture view's content: what depends on what.

FlowZap's third view (spec §3, Decision): every lane is a component, titled with its
display label and listing its steps; every ordered pair of lanes joined by cross-lane
edges gets one dependency from the source's lane to the target's lane, captioned with what
its edges say (`caption_text`: "label (×N)" only when all N edges share one label, else the
distinct labels and how many edges have none); a lane with no cross-lane edges stands alone.
Components are ranked left to right by dependency order, cycles broken the way a reader
expects (a request goes forward, its reply back).

`architecture(model)` is plain data for the renderer (fz_lsp/render/architecture.py), for
hover on a lane header, and for tests. An edge counts where its nodes live, whatever lane
it is written in; an edge with an unresolved end counts nowhere ("broken documents render
what resolves").

Pure Python: no pygls import.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from fz_lsp.base.i18n import Translator, translator
from fz_lsp.model import Edge, Lane, Model


@dataclass(frozen=True)
class Step:
    node_id: str
    shape: str
    text: str  # what the diagram shows for the node (label, taskbox fields, else the id)
    line: int


@dataclass
class Component:
    lane: Lane = field(repr=False)
    lane_id: str
    title: str
    header_line: int
    steps: list[Step]
    index: int  # position in the document's lanes
    rank: int = 0  # column, left to right


@dataclass
class Dependency:
    source: Component = field(repr=False)
    target: Component = field(repr=False)
    labels: tuple[str, ...]  # the distinct edge labels, in document order
    count: int  # how many cross-lane edges from source to target
    lines: tuple[int, ...]  # the lines of those edges
    backward: bool = False  # drawn against the left-to-right order (it closes a cycle)
    unlabelled: int = 0  # how many of those edges have no label

    @property
    def key(self) -> tuple[str, str]:
        return self.source.lane_id, self.target.lane_id

    @property
    def caption(self) -> str:
        """The arrow's text, as the diagram shows it (English): see `caption_text`."""
        return caption_text(self.labels, self.count, self.unlabelled)


def caption_text(labels: Sequence[str], count: int, unlabelled: int, tr: Translator | None = None) -> str:
    """What an arrow standing for `count` edges says, `labels` being their distinct labels
    (document order) and `unlabelled` how many have none: "×N" is the count of edges that
    all say the same thing, so it follows a label only when every edge carries that label
    ("Webhook (×2)"), stands alone when none has one ("×3"), and is left out otherwise:
    the distinct labels (joined by ", ", or by "; " when a label has a comma of its own),
    then how many edges say nothing ("Yes, No (+1 unlabelled)"), in `tr`'s language (the
    diagram's English by default). One edge without a label: ""."""
    if not labels:
        return f"×{count}" if count > 1 else ""
    if len(labels) == 1 and unlabelled == 0:
        return f"{labels[0]} (×{count})" if count > 1 else labels[0]
    text = ("; " if any("," in label for label in labels) else ", ").join(labels)  # "Yes, lower deck; Ramp B"
    if unlabelled:
        tr = tr or translator()
        # NOTE: {labels} are the diagram's own edge labels, joined by ", "; {n} edges have none
        text = tr._("{labels} (+{n} unlabelled)", labels=text, n=unlabelled)
    return text


@dataclass
class Architecture:
    components: list[Component]
    dependencies: list[Dependency]

    def outgoing(self, component: Component) -> list[Dependency]:
        return [d for d in self.dependencies if d.source is component]

    def incoming(self, component: Component) -> list[Dependency]:
        return [d for d in self.dependencies if d.target is component]

    def component(self, lane: Lane) -> Component | None:
        return next((c for c in self.components if c.lane is lane), None)


def architecture(model: Model) -> Architecture:
    components = [
        Component(
            lane,
            lane.id,
            lane.title,
            lane.header_line,
            [Step(n.id, n.shape, n.display_text, n.line) for n in lane.nodes],
            k,
        )
        for k, lane in enumerate(model.lanes)
    ]
    by_lane = {id(c.lane): c for c in components}
    found: dict[tuple[int, int], list[Edge]] = {}
    for edge in model.edges:
        src, tgt = edge.source.node, edge.target.node
        if src is None or tgt is None or src.lane is None or tgt.lane is None or src.lane is tgt.lane:
            continue
        if edge.foreign:
            continue  # a Mermaid arrow is not an edge FlowZap draws
        found.setdefault((id(src.lane), id(tgt.lane)), []).append(edge)
    dependencies = []
    for (a, b), edges in found.items():
        labels: list[str] = []
        unlabelled = 0
        for e in edges:
            if not e.label or not e.label.strip():  # a blank label shows nothing
                unlabelled += 1
            elif e.label not in labels:
                labels.append(e.label)
        dependencies.append(
            Dependency(
                by_lane[a], by_lane[b], tuple(labels), len(edges), tuple(e.line for e in edges), unlabelled=unlabelled
            )
        )
    dependencies.sort(key=lambda d: d.lines[0])
    _rank(components, dependencies)
    return Architecture(components, dependencies)


def _rank(components: list[Component], dependencies: list[Dependency]) -> None:
    """Columns by dependency order. Cycles are broken by a depth-first search that starts
    from the components nothing depends on and otherwise goes in document order, following
    dependencies in the order their edges are written: the edge that closes a cycle (a
    reply) is the one marked backward. Then each component sits one column right of the
    furthest component it depends on (longest path)."""
    out: dict[int, list[Dependency]] = {id(c): [] for c in components}
    indegree = {id(c): 0 for c in components}
    for d in dependencies:
        out[id(d.source)].append(d)
        indegree[id(d.target)] += 1
    state: dict[int, int] = {}  # 1 on the stack, 2 done
    order: list[Component] = []

    def visit(c: Component) -> None:
        stack = [(c, iter(out[id(c)]))]
        state[id(c)] = 1
        while stack:
            node, edges = stack[-1]
            for d in edges:
                s = state.get(id(d.target))
                if s == 1:
                    d.backward = True
                elif s is None:
                    state[id(d.target)] = 1
                    stack.append((d.target, iter(out[id(d.target)])))
                    break
            else:
                stack.pop()
                state[id(node)] = 2
                order.append(node)

    roots = [c for c in components if indegree[id(c)] == 0] + components
    for c in roots:
        if id(c) not in state:
            visit(c)
    for c in reversed(order):  # reverse post-order: a topological order of the forward edges
        for d in out[id(c)]:
            if not d.backward:
                d.target.rank = max(d.target.rank, c.rank + 1)


def dependency_summary(
    arch: Architecture, lane: Lane, tr: Translator | None = None
) -> tuple[list[str], list[str]] | None:
    """(what `lane` depends on, what depends on it), one line of text per arrow, as the
    Architecture view shows them, in `tr`'s language (English by default); None when the
    lane is not a component."""
    component = arch.component(lane)
    if component is None:
        return None
    tr = tr or translator()

    def line(d: Dependency, other: Component) -> str:
        caption = caption_text(d.labels, d.count, d.unlabelled, tr)
        if caption:
            return tr._("{title} ({lane}): {caption}", title=other.title, lane=other.lane_id, caption=caption)
        return tr._("{title} ({lane})", title=other.title, lane=other.lane_id)

    return (
        [line(d, d.target) for d in arch.outgoing(component)],
        [line(d, d.source) for d in arch.incoming(component)],
    )
