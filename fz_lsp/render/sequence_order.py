"""When each step happens in the sequence view, which edges run back, and the frames.

Plain functions over the model, no geometry (fz_lsp/render/sequence.py lays the result
out). Two orders (`ORDERS`):

- `causal` (the default): edges that close a cycle are *feedback* (found by a depth-first
  search from the start nodes, nodes no edge reaches, in document order, each node's
  edges followed in document order); the steps are then ordered topologically along the
  other edges, ties broken by document order, walking a decision's alternatives one
  after the other and keeping a loop's members together where the edges allow it. A
  document written chronologically (every cause before its effect, a decision's
  branches one after the other, a loop's steps together) keeps exactly its order: each
  next step in document order is ready and the earliest, so it is the one chosen.
- `document` (FlowZap's rule): the steps in the order the edges first name them; an edge
  whose target comes first is drawn back up.

"Document order" of the steps: the order in which the edges, in definition order, first
name them (source before target); steps no edge names come last, in declaration order.

Frames (`Fragment`): a decision (diamond) with two or more forward edges to different
steps opens an `alt` frame, one operand per branch holding the steps only that branch
reaches, until the branches join or end; branches that reach no step of their own (they
go straight to the join) get no operand, so a single remaining one makes an `opt` frame.
A decision inside an operand nests inside it. A `loop` frame holds the loop's member
steps, one piece per run of consecutive rows. A frame whose operands the order
interleaves is not drawn (it would claim steps that are not its own).

Pure Python: no pygls import.
May import: fz_lsp.model, fz_lsp.analysis.views.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise

from fz_lsp.analysis.views import SEQUENCE_ORDERS
from fz_lsp.model import Edge, Loop, Model, Node

ORDERS = SEQUENCE_ORDERS
DEFAULT_ORDER = "causal"


@dataclass(frozen=True, slots=True)
class Operand:
    guard: Edge | None  # the branch edge whose label is the operand's guard
    first: int  # first and last row it holds
    last: int


@dataclass(frozen=True, slots=True)
class Fragment:
    kind: str  # "alt" | "opt" | "loop"
    first: int  # first and last row inside the frame
    last: int
    operands: tuple[Operand, ...]  # alt/opt: one per branch; loop: one, without guard
    decision: Node | None = None  # alt/opt
    loop: Loop | None = None  # loop
    piece: int = 0  # loop: which run of its members (0, 1, ...)


@dataclass(frozen=True, slots=True)
class Timeline:
    order: str  # "causal" | "document"
    steps: tuple[int, ...]  # node indices (model.nodes), top to bottom
    feedback: frozenset[int]  # indices of edges drawn back up (they close a cycle)
    fragments: tuple[Fragment, ...]


@dataclass(frozen=True, slots=True)
class _Graph:
    count: int
    rank: tuple[int, ...]  # document order of each node
    links: tuple[tuple[Edge, int, int], ...]  # edges whose two ends resolve: (edge, source, target)


def timeline(model: Model, order: str = DEFAULT_ORDER) -> Timeline:
    """The sequence of steps of `model` in `order` ("causal" or "document")."""
    if order not in ORDERS:
        raise ValueError(f"unknown sequence order {order!r} (expected one of {', '.join(ORDERS)})")
    graph = _graph(model)
    by_rank = sorted(range(graph.count), key=graph.rank.__getitem__)
    if order == "document":
        steps = by_rank
        row = _rows(steps)
        feedback = frozenset(e.index for e, s, t in graph.links if row[t] <= row[s])
        forward = _forward(graph, feedback)
    else:
        feedback = feedback_edges(graph)
        forward = _forward(graph, feedback)
        steps = _Ordering(model, graph, forward).run()
    return Timeline(order, tuple(steps), feedback, _fragments(model, graph, forward, steps, order == "document"))


# ---------------------------------------------------------------------------
# The graph


def _graph(model: Model) -> _Graph:
    index = {id(node): i for i, node in enumerate(model.nodes)}
    n = len(model.nodes)
    rank: list[int | None] = [None] * n
    k = 0
    links = []
    for edge in model.edges:
        ends = [edge.source.node, edge.target.node]
        for end in ends:
            if end is not None and rank[index[id(end)]] is None:
                rank[index[id(end)]] = k
                k += 1
        s, t = ends
        if s is not None and t is not None:
            links.append((edge, index[id(s)], index[id(t)]))
    for i in range(n):
        if rank[i] is None:
            rank[i] = k
            k += 1
    return _Graph(n, tuple(r for r in rank if r is not None), tuple(links))


def feedback_edges(graph: _Graph) -> frozenset[int]:
    """Indices of the edges that close a cycle: a depth-first search from the start nodes
    (no incoming edge) in document order, then from any node still unvisited (a cycle with
    no way in), following each node's edges in document order; an edge back to a node on
    the search's path (or to itself) is feedback."""
    n = graph.count
    succ: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    entered = [False] * n
    for edge, s, t in graph.links:
        succ[s].append((edge.index, t))
        if s != t:
            entered[t] = True
    by_rank = sorted(range(n), key=graph.rank.__getitem__)
    roots = [v for v in by_rank if not entered[v]] + by_rank
    state = [0] * n  # 0 unvisited, 1 on the path, 2 done
    feedback: set[int] = set()
    for root in roots:
        if state[root]:
            continue
        state[root] = 1
        stack: list[tuple[int, Iterator[tuple[int, int]]]] = [(root, iter(succ[root]))]
        while stack:
            node, pending = stack[-1]
            for edge_index, t in pending:
                if state[t] == 1:
                    feedback.add(edge_index)
                elif state[t] == 0:
                    state[t] = 1
                    stack.append((t, iter(succ[t])))
                    break
            else:
                state[node] = 2
                stack.pop()
    return frozenset(feedback)


@dataclass(frozen=True, slots=True)
class _Forward:
    """The edges left once feedback is set aside: a DAG."""

    succ: tuple[tuple[int, ...], ...]  # distinct targets, in edge order
    out: tuple[tuple[tuple[Edge, int], ...], ...]  # (edge, target) per source, in edge order
    indegree: tuple[int, ...]  # distinct sources


def _forward(graph: _Graph, feedback: frozenset[int]) -> _Forward:
    n = graph.count
    succ: list[list[int]] = [[] for _ in range(n)]
    out: list[list[tuple[Edge, int]]] = [[] for _ in range(n)]
    seen: set[tuple[int, int]] = set()
    indegree = [0] * n
    for edge, s, t in graph.links:
        if edge.index in feedback or s == t:
            continue
        out[s].append((edge, t))
        if (s, t) not in seen:
            seen.add((s, t))
            succ[s].append(t)
            indegree[t] += 1
    return _Forward(tuple(map(tuple, succ)), tuple(map(tuple, out)), tuple(indegree))


def _rows(steps: list[int]) -> list[int]:
    row = [0] * len(steps)
    for r, v in enumerate(steps):
        row[v] = r
    return row


def _topological(forward: _Forward) -> list[int]:
    """Any topological order (used to fold reachability sets from the end)."""
    indegree = list(forward.indegree)
    ready = [v for v in range(len(indegree)) if indegree[v] == 0]
    out = []
    while ready:
        v = ready.pop()
        out.append(v)
        for t in forward.succ[v]:
            indegree[t] -= 1
            if indegree[t] == 0:
                ready.append(t)
    return out


def _reach(forward: _Forward, position: list[int] | None = None) -> list[int]:
    """For each node, the bit set (an int) of the nodes it reaches, itself included; a
    node's bit is its index, or its `position` (its row) when given."""
    bit = position or list(range(len(forward.succ)))
    reach = [1 << bit[v] for v in range(len(forward.succ))]
    for v in reversed(_topological(forward)):
        mask = reach[v]
        for t in forward.succ[v]:
            mask |= reach[t]
        reach[v] = mask
    return reach


def _bits(mask: int) -> Iterator[int]:
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


# ---------------------------------------------------------------------------
# Decisions


def _branches(
    model: Model,
    forward: _Forward,
    reach: list[int],
    position: list[int],
    decision: int,
    scope: int,
    loop_scope: int,
) -> list[tuple[Edge, int]] | None:
    """The operands a decision opens: (branch edge, bit set of the steps only that branch
    reaches) for each branch to a different step whose step is its own and in `scope`
    (`reach`'s bit sets, a node's bit at its `position`); None when the node is no
    decision with two branches. In a loop (`loop_scope`: the steps of the loops the
    decision is in) only the branches that stay in it, each within it, unless every
    branch leaves it (then the frame comes after the loop)."""
    if model.nodes[decision].shape != "diamond":
        return None
    first_edge: dict[int, Edge] = {}
    for edge, t in forward.out[decision]:
        first_edge.setdefault(t, edge)
    if len(first_edge) < 2:
        return None
    targets = list(first_edge)
    masks = [reach[t] for t in targets]
    owned = []
    for i, t in enumerate(targets):
        others = 0
        for j, mask in enumerate(masks):
            if j != i:
                others |= mask
        own = masks[i] & ~others & scope
        if own >> position[t] & 1:  # its branch step is its own: an operand
            owned.append((first_edge[t], own, position[t]))
    if not any(loop_scope >> bit & 1 for _, _, bit in owned):
        loop_scope = ~0  # no branch stays in the loop: the frame comes after it
    return [(edge, own & loop_scope) for edge, own, bit in owned if loop_scope >> bit & 1]


# ---------------------------------------------------------------------------
# The causal order


class _Alt:
    """A decision's frame while the ordering walks through it (bit sets of ranks)."""

    __slots__ = ("blocked", "current", "exits", "operands", "reached")

    def __init__(self, operands: list[int], exits: int) -> None:
        self.operands = operands  # the steps of each operand (placed ones too)
        self.current = 0
        # steps of no operand that the decision (`exits`: its branches that own no step) or
        # the current operand (`reached`) leads to: they may come as soon as they are ready,
        # inside the frame, where they happen (a retry that re-enters a branch)
        self.exits = exits
        self.reached = 0
        self.blocked = 0  # the other operands' steps, of this frame and the frames around it


class _Ordering:
    """A topological order of the steps (feedback set aside), ties by document order, that
    walks a decision's operands one after the other and prefers the members of a loop
    already entered. Sets of steps are ints whose bit k stands for the step of rank k
    (document order), so the earliest step of a set is its lowest bit."""

    def __init__(self, model: Model, graph: _Graph, forward: _Forward) -> None:
        self.model = model
        self.rank = list(graph.rank)
        self.by_rank = sorted(range(graph.count), key=graph.rank.__getitem__)
        self.forward = forward
        self.reach = _reach(forward, self.rank)  # per node, bits of ranks
        self.successors = [sum(1 << self.rank[t] for t in targets) for targets in forward.succ]
        members = _loop_members(model)
        self.loop_members = [sum(1 << self.rank[v] for v in nodes) for nodes in members]
        self.loop_scope = _loop_scopes(members, graph.count, self.rank)
        self.loops_of: list[list[int]] = [[] for _ in range(graph.count)]
        for k, nodes in enumerate(members):
            for v in nodes:
                self.loops_of[v].append(k)

    def run(self) -> list[int]:
        rank = self.rank
        indegree = list(self.forward.indegree)
        available = {v for v in range(len(rank)) if indegree[v] == 0}
        placed = 0
        open_loops = 0  # members of loops with a member placed
        stack: list[_Alt] = []
        order: list[int] = []
        while available:
            v = self._choose(available, stack, placed, open_loops)
            bit = 1 << rank[v]
            top = stack[-1] if stack else None
            scope = top.operands[top.current] if top is not None else ~0
            order.append(v)
            placed |= bit
            available.discard(v)
            for t in self.forward.succ[v]:
                indegree[t] -= 1
                if indegree[t] == 0:
                    available.add(t)
            for k in self.loops_of[v]:
                open_loops |= self.loop_members[k]
            open_loops &= ~placed
            if top is not None and (scope | top.reached) & bit:
                top.reached |= self.successors[v]
            operands = _branches(
                self.model, self.forward, self.reach, self.rank, v, scope & ~placed, self.loop_scope[v]
            )
            self._advance(stack, available, placed)
            if operands:
                masks = [mask for _, mask in operands]
                stack.append(_Alt(masks, self.successors[v] & ~placed & ~sum(masks)))
                self._advance(stack, available, placed, opening=True)
        assert len(order) == len(rank), "the forward edges form no cycle"
        return order

    def _advance(self, stack: list[_Alt], available: set[int], placed: int, opening: bool = False) -> None:
        """Move to the next operand of the innermost frame when its current one is done (or
        it has just opened); close it when all are."""
        while stack:
            alt = stack[-1]
            if alt.operands[alt.current] & ~placed and not opening:
                return
            left = [k for k, mask in enumerate(alt.operands) if mask & ~placed]
            if not left:
                stack.pop()
                opening = False
                continue
            ready = 0
            for v in available:
                ready |= 1 << self.rank[v]
            alt.current = min(left, key=lambda k: _entry(alt.operands[k] & ~placed, ready))
            alt.reached = 0
            alt.blocked = stack[-2].blocked if len(stack) > 1 else 0
            for k, mask in enumerate(alt.operands):
                if k != alt.current:
                    alt.blocked |= mask
            return

    def _choose(self, available: set[int], stack: list[_Alt], placed: int, open_loops: int) -> int:
        rank = self.rank
        blocked = stack[-1].blocked if stack else 0
        candidates = [v for v in available if not blocked >> rank[v] & 1] or list(available)

        def best(choices: list[int]) -> int:
            return min(choices, key=lambda v: (not open_loops >> rank[v] & 1, rank[v]))

        for alt in reversed(stack):
            scope = alt.operands[alt.current] & ~placed
            allowed = scope | alt.reached | alt.exits
            inside = [v for v in candidates if allowed >> rank[v] & 1]
            if inside:
                return best(inside)
            if scope:  # the operand waits on steps outside it: place what it needs first
                needed = [v for v in candidates if self.reach[v] & scope]
                if needed:
                    return best(needed)
        return best(candidates)


def _entry(operand: int, ready: int) -> tuple[int, int]:
    """Which operand comes next: one with a step ready, then the earliest in document
    order (the lowest bit)."""
    now = operand & ready
    if now:
        return (0, (now & -now).bit_length())
    return (1, (operand & -operand).bit_length())


def _loop_members(model: Model) -> list[list[int]]:
    """The node indices of each loop's resolved members."""
    index = {id(node): i for i, node in enumerate(model.nodes)}
    return [sorted({index[id(ref.node)] for ref in loop.members if ref.node is not None}) for loop in model.loops]


def _loop_scopes(members: list[list[int]], count: int, position: list[int] | None = None) -> list[int]:
    """For each node, the steps of the loops it belongs to (all steps when none), as a bit
    set like `_reach`'s: a decision inside a loop frames only the branches that stay in
    the loop; a branch that leaves it goes on after the loop."""
    bit = position or list(range(count))
    scope = [~0] * count
    for nodes in members:
        mask = sum(1 << bit[v] for v in nodes)
        for v in nodes:
            scope[v] &= mask
    return scope


# ---------------------------------------------------------------------------
# Frames over a finished order


def _fragments(model: Model, graph: _Graph, forward: _Forward, steps: list[int], exact: bool) -> tuple[Fragment, ...]:
    """The frames over `steps`; with `exact`, an alternative's frame only where its operands
    follow one another with no other step among them (the causal order may place a step a
    branch waits for, or one a branch leads to, inside its operand)."""
    row = _rows(steps)
    reach = _reach(forward, row)  # bit sets of rows: an operand's span is its lowest and highest bit
    members = _loop_members(model)
    loop_scope = _loop_scopes(members, graph.count, row)
    fragments: list[Fragment] = []
    # operands of the frames drawn so far, innermost last: (first row, last row, bit set)
    scopes: list[tuple[int, int, int]] = []
    for r, v in enumerate(steps):
        while scopes and scopes[-1][1] < r:
            scopes.pop()
        scope = next((mask for first, last, mask in reversed(scopes) if first <= r <= last), ~0)
        operands = _branches(model, forward, reach, row, v, scope, loop_scope[v])
        if not operands:
            continue
        spans = sorted(
            (((mask & -mask).bit_length() - 1, mask.bit_length() - 1, edge, mask) for edge, mask in operands),
            key=lambda span: span[:2],
        )
        if spans[0][0] <= r or any(a[1] >= b[0] for a, b in pairwise(spans)):
            continue  # interleaved (document order): no frame
        if exact and any(
            mask.bit_count() != last - first + 1 or (k and spans[k - 1][1] + 1 != first)
            for k, (first, last, _, mask) in enumerate(spans)
        ):
            continue  # in document order, steps of no branch between them: no frame
        kind = "alt" if len(spans) > 1 else "opt"
        fragments.append(
            Fragment(
                kind,
                spans[0][0],
                spans[-1][1],
                # an operand runs from the end of the one before: steps its branch waits for
                # (placed just before it) come after the divider, with it
                tuple(
                    Operand(edge, spans[k - 1][1] + 1 if k else first, last)
                    for k, (first, last, edge, _) in enumerate(spans)
                ),
                decision=model.nodes[v],
            )
        )
        for first, last, _, mask in reversed(spans):
            scopes.append((first, last, mask))
    for loop, nodes in zip(model.loops, members):
        runs: list[list[int]] = []
        for r in sorted(row[v] for v in nodes):
            if runs and r == runs[-1][-1] + 1:
                runs[-1].append(r)
            else:
                runs.append([r])
        for piece, run in enumerate(runs):
            fragments.append(
                Fragment("loop", run[0], run[-1], (Operand(None, run[0], run[-1]),), loop=loop, piece=piece)
            )
    return tuple(fragments)
