"""Phases 1 to 3 of the workflow layout: feedback edges, continuations, ranks (columns).

Columns are the ranks of a left-to-right layered layout, as bpmn.io's auto-layout and
dagre compute them:

1. **Feedback** (`feedback_links`): a depth-first search from the starts (start events,
   circles first in their lane that lead somewhere and that nothing declared before them
   leads to, though a retry may lead back; then nodes nothing leads to; then any node not
   reached; a retry within a lane back to its start event is the edge back even when the
   search meets the start through it first, and an edge back that is the flow going
   straight on is exchanged for a U-turn, bottom into bottom, on the way round its cycle),
   following
   each node's edges in the declaration order of their targets, marks the edges that
   close a cycle. They constrain nothing and are routed later as feedback edges, outside
   the normal flow.
2. **Continuations** (`continuations`): each node's main way on, among its other
   edges: an edge of its own lane leaving right into a left side first, then another
   edge of its own lane, then one to another lane (declaration order breaks ties). The
   others are *branches* when the node has more than one way on, and so is every edge
   out of a decision's bottom into a top (top into a bottom). Another node's branch that
   comes back into such an outcome from further on in the flow, closing a cycle through
   it (`branch_returns`), is the feedback edge of that cycle: the outcome stays next to
   its decision.
3. **Ranks** (`assign_columns`): every remaining edge says, from its handles, how many
   columns its target sits right of its source at least (`column_step`): the flow moves
   right, **a hop to another lane advances one column** (a ping-pong between two lanes
   reads as a staircase), a branch leaving a bottom (top) into a top (bottom) keeps the
   column and goes a row down (up), while the same handles on a node's only way on keep
   the row and move a column right (a lane is not made taller for an End drawn under
   its predecessor); an edge into a right side, or out of a left side into a top or
   bottom, puts its target left. Constraints that still close a cycle are dropped in
   declaration order; the rest are solved by longest paths, and a node no constraint
   pushes sits right before its first successor.

Input and output are plain lists: nodes are indices 0..n-1, `Link`s join them.

Pure Python: no pygls import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence, Set
from dataclasses import dataclass

from fz_lsp.base.frozen import quick_init

HORIZONTAL = frozenset({"left", "right"})


@quick_init
@dataclass(frozen=True, slots=True)
class Link:
    """A drawn edge between two resolved nodes (indices), with the sides it uses."""

    edge: int  # index of the edge in document order
    source: int
    target: int
    source_side: str
    target_side: str


@quick_init
@dataclass(frozen=True, slots=True)
class Arc:
    """A constraint `value[head] >= value[tail] + length`, made by link `link`."""

    tail: int
    head: int
    length: int
    link: int


# ---------------------------------------------------------------------------
# Phase 1: feedback edges


def start_events(
    node_count: int, links: Sequence[Link], circles: Sequence[bool] = (), lanes: Sequence[int] = ()
) -> list[int]:
    """Circles first in their lane (`lanes`: each node's lane, when given) that lead
    somewhere and that nothing declared before them leads to (a retry from further on may
    lead back to its start), in declaration order. A circle further down its lane that
    leads on is an End with a way back, or a step drawn round."""
    if not circles:
        return []
    first_in_lane = [True] * node_count
    if lanes:
        seen: set[int] = set()
        for v, lane in enumerate(lanes):
            first_in_lane[v] = lane not in seen
            seen.add(lane)
    led_to_from_before = [False] * node_count
    leads = [False] * node_count
    for link in links:
        if link.source != link.target:
            leads[link.source] = True
            if link.source < link.target:
                led_to_from_before[link.target] = True
    return [v for v in range(node_count) if circles[v] and first_in_lane[v] and leads[v] and not led_to_from_before[v]]


def starts(
    node_count: int, links: Sequence[Link], circles: Sequence[bool] = (), lanes: Sequence[int] = ()
) -> list[int]:
    """Where the depth-first search begins, in declaration order within each group: start
    events first (`start_events`), then the other nodes no edge leads to."""
    led_to = [False] * node_count
    for link in links:
        if link.source != link.target:
            led_to[link.target] = True
    events = start_events(node_count, links, circles, lanes)
    chosen = set(events)
    return events + [v for v in range(node_count) if not led_to[v] and v not in chosen]


def feedback_links(
    node_count: int, links: Sequence[Link], circles: Sequence[bool] = (), lanes: Sequence[int] = ()
) -> set[int]:
    """Indexes of the links that close a cycle in a depth-first search from the starts,
    each node's links taken in the declaration order of their targets."""
    out: list[list[tuple[int, int]]] = [[] for _ in range(node_count)]  # (target, link)
    for k, link in enumerate(links):
        if link.source != link.target:
            out[link.source].append((link.target, k))
    for targets in out:
        targets.sort()
    events = set(start_events(node_count, links, circles, lanes))
    closing = back_edges(
        out,
        [*starts(node_count, links, circles, lanes), *range(node_count)],
        lambda v, w: w in events and (not lanes or lanes[v] == lanes[w]),
    )
    return _returns_for_flow(out, links, closing, lanes)


def _u_turn(link: Link, lanes: Sequence[int]) -> bool:
    """A link within one lane from a top into a top, or a bottom into a bottom: drawn as a
    way back (a retry under the row), whatever order the search met its ends in."""
    return (
        link.source_side == link.target_side
        and link.source_side in ("top", "bottom")
        and (not lanes or lanes[link.source] == lanes[link.target])
    )


def _returns_for_flow(
    out: Sequence[Sequence[tuple[int, int]]], links: Sequence[Link], closing: set[int], lanes: Sequence[int]
) -> set[int]:
    """`closing` with each edge back that is the flow going straight on (out of a right side
    into a left side, in one lane) exchanged for a U-turn (`_u_turn`) on the way round its
    cycle, when one is there and the exchange leaves no cycle through the flow edge: a node
    the search reached from another lane first (its retry followed before the step that
    leads into it) keeps the step as the way in and the retry as the way back."""
    closing = set(closing)
    for k in sorted(closing):
        link = links[k]
        if (link.source_side, link.target_side) != ("right", "left") or (
            lanes and lanes[link.source] != lanes[link.target]
        ):
            continue
        path = _path(out, link.target, link.source, closing)
        turn = next((j for j in path if _u_turn(links[j], lanes)), None)
        if turn is None:
            continue
        closing.discard(k)
        closing.add(turn)
        if _reaches(out, link.target, link.source, closing):
            closing.discard(turn)
            closing.add(k)
    return closing


def _path(out: Sequence[Sequence[tuple[int, int]]], start: int, goal: int, skip: Set[int]) -> list[int]:
    """The keys of the edges of a shortest path from `start` to `goal` avoiding `skip`
    (empty when there is none)."""
    came: dict[int, tuple[int, int]] = {}
    seen = {start}
    frontier = [start]
    while frontier:
        following = []
        for v in frontier:
            for w, k in out[v]:
                if k not in skip and w not in seen:
                    seen.add(w)
                    came[w] = (v, k)
                    following.append(w)
        frontier = following
    if goal not in came:
        return []
    keys = []
    v = goal
    while v != start:
        v, k = came[v]
        keys.append(k)
    return keys[::-1]


def back_edges(
    out: Sequence[Sequence[tuple[int, int]]],
    roots: Iterable[int],
    waits: Callable[[int, int], bool] | None = None,
) -> set[int]:
    """Keys of the edges that close a cycle in an iterative depth-first search from `roots`
    in turn (one already reached is passed over); `out[v]` lists v's edges as (target, key),
    in the order they are followed. An edge v -> w that `waits(v, w)` (a retry within its
    lane back to the lane's start event, which must be among the roots) is not followed:
    w is entered only as a root, and the edge closes a cycle when w's flow leads back to
    v (a retry to the start of a flow that an earlier start's flow runs into: the retry is
    the edge back, not the start's own way on). A hand-over from another lane into a start
    is followed as any edge."""
    state = [0] * len(out)  # 0 unseen, 1 on the stack, 2 done
    closing: set[int] = set()
    waiting: list[tuple[int, int, int]] = []  # (source, start event, key)
    for root in roots:
        if state[root]:
            continue
        state[root] = 1
        stack = [(root, 0)]
        while stack:
            v, i = stack[-1]
            if i == len(out[v]):
                state[v] = 2
                stack.pop()
                continue
            stack[-1] = (v, i + 1)
            w, k = out[v][i]
            if state[w] == 1:
                closing.add(k)
            elif state[w] == 0:
                if waits is not None and waits(v, w):
                    waiting.append((v, w, k))
                    continue
                state[w] = 1
                stack.append((w, 0))
    for v, w, k in waiting:
        if _reaches(out, w, v, closing):
            closing.add(k)
    return closing


def _reaches(out: Sequence[Sequence[tuple[int, int]]], start: int, goal: int, skip: Set[int]) -> bool:
    """Whether `goal` can be reached from `start` by edges whose keys are not in `skip`."""
    seen = {start}
    frontier = [start]
    while frontier:
        v = frontier.pop()
        if v == goal:
            return True
        for w, k in out[v]:
            if k not in skip and w not in seen:
                seen.add(w)
                frontier.append(w)
    return False


# ---------------------------------------------------------------------------
# Phase 2: continuations and branches


def link_class(link: Link, bands: Sequence[int]) -> int:
    """How much a link looks like the flow going straight on: 0 along its lane out of a right
    side into a left side, 1 along its lane otherwise, 2 to another lane."""
    if bands[link.source] != bands[link.target]:
        return 2
    return 0 if (link.source_side, link.target_side) == ("right", "left") else 1


def continuations(
    node_count: int,
    bands: Sequence[int],
    links: Sequence[Link],
    feedback: set[int],
    decisions: Sequence[bool] = (),
) -> tuple[list[int], set[int]]:
    """Each node's main way on (a link index, -1 for none) and the links that are branches:
    a node's other ways on when it has more than one, and every edge leaving a decision
    (`decisions`: the diamonds) from its bottom into a top or from its top into a bottom,
    which is one of its outcomes whatever else leaves it."""
    best = [-1] * node_count
    ways = [0] * node_count
    outcome: set[int] = set()
    for k, link in enumerate(links):
        if k in feedback or link.source == link.target:
            continue
        u = link.source
        ways[u] += 1
        if decisions and decisions[u] and _vertical(link):
            outcome.add(k)
            continue
        if best[u] == -1 or link_class(link, bands) < link_class(links[best[u]], bands):
            best[u] = k
    branches = {
        k
        for k, link in enumerate(links)
        if k not in feedback and link.source != link.target and ways[link.source] > 1 and best[link.source] != k
    }
    return best, branches | outcome


def _vertical(link: Link) -> bool:
    return {link.source_side, link.target_side} == {"top", "bottom"}


def branch_returns(
    node_count: int,
    bands: Sequence[int],
    links: Sequence[Link],
    feedback: set[int],
    branches: set[int],
    decisions: Sequence[bool] = (),
    budget: int = 20_000,
) -> set[int]:
    """Edges that come back into a decision's outcome: into the target v of an edge p -> v out
    of a decision's bottom (top) in its own lane, from another node's branch u -> v, where
    p's flow reaches u later (without passing v) and v leads back to u (a cycle), such as
    a failed check returning to a review's "changes requested" step. Of that cycle the edge
    back is the feedback edge, and the outcome keeps its place next to its decision (the
    searches from p take `budget` steps in all)."""
    out: list[list[int]] = [[] for _ in range(node_count)]
    incoming: list[list[int]] = [[] for _ in range(node_count)]
    for k, link in enumerate(links):
        if k in feedback or link.source == link.target:
            continue
        incoming[link.target].append(k)
        out[link.source].append(link.target)
    component: list[int] | None = None
    returns: set[int] = set()
    for b in sorted(branches):
        p, v = links[b].source, links[b].target
        if bands[p] != bands[v] or not (decisions and decisions[p] and _vertical(links[b])):
            continue
        others = {links[k].source: k for k in incoming[v] if k != b and k in branches and links[k].source != p}
        if not others:
            continue
        if component is None:
            component = strong_components(node_count, links)
        others = {u: k for u, k in others.items() if component[u] == component[v]}
        if not others:
            continue
        later, budget = _reach(out, p, v, set(others), budget)
        returns.update(others[u] for u in later)
    return returns


def strong_components(node_count: int, links: Sequence[Link]) -> list[int]:
    """The strongly connected component of each node (Tarjan's algorithm, iterative)."""
    out: list[list[int]] = [[] for _ in range(node_count)]
    for link in links:
        out[link.source].append(link.target)
    index = [-1] * node_count
    low = [0] * node_count
    on_stack = [False] * node_count
    component = [-1] * node_count
    stack: list[int] = []
    counter = components = 0
    for root in range(node_count):
        if index[root] != -1:
            continue
        work = [(root, 0)]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = True
        while work:
            v, i = work[-1]
            if i < len(out[v]):
                work[-1] = (v, i + 1)
                w = out[v][i]
                if index[w] == -1:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack[w] = True
                    work.append((w, 0))
                elif on_stack[w]:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                u = work[-1][0]
                low[u] = min(low[u], low[v])
            if low[v] == index[v]:
                while True:
                    w = stack.pop()
                    on_stack[w] = False
                    component[w] = components
                    if w == v:
                        break
                components += 1
    return component


def _reach(out: Sequence[Sequence[int]], start: int, avoid: int, wanted: set[int], budget: int) -> tuple[set[int], int]:
    """Which of `wanted` a search from `start` (never entering `avoid`) meets, and the budget left."""
    found: set[int] = set()
    seen = {start, avoid}
    todo = [start]
    while todo and len(found) < len(wanted) and budget > 0:
        u = todo.pop()
        for w in out[u]:
            budget -= 1
            if w in seen:
                continue
            seen.add(w)
            if w in wanted:
                found.add(w)
            todo.append(w)
    return found, budget


# ---------------------------------------------------------------------------
# Phase 3: ranks


def column_step(same_band: bool, s_side: str, t_side: str, branch: bool = True) -> int:
    """How many columns the target sits right of its source at least (negative: left).
    `branch`: the link is one of several ways on from its source (not its continuation)."""
    if t_side == "left":
        return 1
    if t_side == "right":
        return -1
    if s_side == "left":
        return -1
    if not same_band:
        return 1  # a hop to another lane moves a column on
    if s_side == "right" or s_side == t_side:
        return 1
    return 0 if branch else 1  # bottom -> top (top -> bottom): a branch below (above), else on along the row


def row_step(s_side: str, t_side: str) -> int:
    """Which way (same lane) a link's target lies from its source: 1 below, -1 above, 0 level."""
    if t_side == "top" and s_side != "top":
        return 1
    if t_side == "bottom" and s_side != "bottom":
        return -1
    if t_side in HORIZONTAL:
        return {"bottom": 1, "top": -1}.get(s_side, 0)
    return 0


def column_arcs(
    bands: Sequence[int], links: Sequence[Link], skip: Set[int] = frozenset(), branches: Set[int] | None = None
) -> list[Arc]:
    """One constraint per link between two different nodes, but those in `skip`; with no
    `branches` given every link counts as a branch (its handles taken literally)."""
    arcs = []
    for i, link in enumerate(links):
        if link.source == link.target or i in skip:
            continue
        branch = branches is None or i in branches
        step = column_step(bands[link.source] == bands[link.target], link.source_side, link.target_side, branch)
        if step >= 0:
            arcs.append(Arc(link.source, link.target, step, i))
        else:
            arcs.append(Arc(link.target, link.source, -step, i))
    return arcs


def cycle_closing(node_count: int, arcs: Sequence[Arc]) -> set[int]:
    """Indexes of the arcs that close a cycle in a depth-first search (nodes and arcs in order)."""
    out: list[list[tuple[int, int]]] = [[] for _ in range(node_count)]  # (head, arc)
    for k, arc in enumerate(arcs):
        out[arc.tail].append((arc.head, k))
    return back_edges(out, range(node_count))


def topological_order(node_count: int, arcs: Sequence[Arc]) -> list[int]:
    """Nodes in an order where every arc goes forward (the arcs must be acyclic); ties by index."""
    indegree = [0] * node_count
    out: list[list[int]] = [[] for _ in range(node_count)]
    for arc in arcs:
        indegree[arc.head] += 1
        out[arc.tail].append(arc.head)
    ready = [v for v in range(node_count) if indegree[v] == 0]
    ready.reverse()
    order: list[int] = []
    while ready:
        v = ready.pop()
        order.append(v)
        for w in reversed(out[v]):
            indegree[w] -= 1
            if indegree[w] == 0:
                ready.append(w)
    return order


def longest_paths(node_count: int, arcs: Sequence[Arc], order: Sequence[int]) -> list[int]:
    """The smallest values >= 0 meeting every arc (arcs acyclic, `order` topological)."""
    incoming: list[list[Arc]] = [[] for _ in range(node_count)]
    for arc in arcs:
        incoming[arc.head].append(arc)
    value = [0] * node_count
    for v in order:
        for arc in incoming[v]:
            value[v] = max(value[v], value[arc.tail] + arc.length)
    return value


def assign_columns(
    node_count: int,
    bands: Sequence[int],
    links: Sequence[Link],
    feedback: Set[int] = frozenset(),
    branches: Set[int] | None = None,
) -> tuple[list[int], set[int]]:
    """Columns (dense, from 0) and the links drawn backward: the `feedback` links and those
    whose column constraint still closed a cycle (dropped in declaration order)."""
    arcs = column_arcs(bands, links, feedback, branches)
    closing = cycle_closing(node_count, arcs)
    kept = [arc for k, arc in enumerate(arcs) if k not in closing]
    order = topological_order(node_count, kept)
    columns = longest_paths(node_count, kept, order)
    # pull sources right: a node no constraint pushes sits just before its first successor
    has_incoming = [False] * node_count
    outgoing: list[list[Arc]] = [[] for _ in range(node_count)]
    for arc in kept:
        has_incoming[arc.head] = True
        outgoing[arc.tail].append(arc)
    for v in reversed(order):
        if not has_incoming[v] and outgoing[v]:
            columns[v] = max(columns[v], min(columns[a.head] - a.length for a in outgoing[v]))
    return dense_ranks(columns), set(feedback) | {arcs[k].link for k in closing}


def dense_ranks(values: Sequence[int]) -> list[int]:
    """The values renumbered 0, 1, 2, ... in order, gaps removed."""
    rank = {v: i for i, v in enumerate(sorted(set(values)))}
    return [rank[v] for v in values]
