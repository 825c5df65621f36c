"""Phase 1 of the workflow layout: ranks and columns.

Columns are the layers of a left-to-right layered layout (dagre's "rank" phase). The
handles of an edge say where its target sits relative to its source, as a constraint
`column(target) - column(source) >= step` (`column_step`): a `right -> left` edge moves at
least one column right, a `bottom -> top` hand-over keeps the target at or after the
source's column, a `left`-bound edge moves left. Constraints that close a cycle are found
by a depth-first search in declaration order and dropped (the edge is drawn "backward",
like dagre's acyclic phase); the rest are solved by longest paths from the sources, and
then every source is pulled right next to its successors so a lane does not start far
left of where its flow begins (columns are reused wherever the constraints allow).

Input and output are plain lists: nodes are indices 0..n-1, `Link`s join them.

Pure Python: no pygls import.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Link:
    """A drawn edge between two resolved nodes (indices), with the sides it uses."""

    edge: int  # index of the edge in document order
    source: int
    target: int
    source_side: str
    target_side: str


@dataclass(frozen=True, slots=True)
class Arc:
    """A constraint `value[head] >= value[tail] + length`, made by link `link`."""

    tail: int
    head: int
    length: int
    link: int


def column_step(same_band: bool, s_side: str, t_side: str) -> int:
    """How many columns the target sits right of its source at least (negative: left)."""
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


def column_arcs(bands: Sequence[int], links: Sequence[Link]) -> list[Arc]:
    """One constraint per link between two different nodes."""
    arcs = []
    for i, link in enumerate(links):
        if link.source == link.target:
            continue
        step = column_step(bands[link.source] == bands[link.target], link.source_side, link.target_side)
        if step >= 0:
            arcs.append(Arc(link.source, link.target, step, i))
        else:
            arcs.append(Arc(link.target, link.source, -step, i))
    return arcs


def cycle_closing(node_count: int, arcs: Sequence[Arc]) -> set[int]:
    """Indexes of the arcs that close a cycle in a depth-first search (nodes and arcs in order)."""
    out: list[list[tuple[int, int]]] = [[] for _ in range(node_count)]
    for k, arc in enumerate(arcs):
        out[arc.tail].append((k, arc.head))
    state = [0] * node_count  # 0 unseen, 1 on the stack, 2 done
    closing: set[int] = set()
    for root in range(node_count):
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
            k, w = out[v][i]
            if state[w] == 1:
                closing.add(k)
            elif state[w] == 0:
                state[w] = 1
                stack.append((w, 0))
    return closing


def topological_order(node_count: int, arcs: Sequence[Arc]) -> list[int]:
    """Nodes in an order where every arc goes forward (the arcs must be acyclic); ties by index."""
    indegree = [0] * node_count
    out: list[list[int]] = [[] for _ in range(node_count)]
    for arc in arcs:
        indegree[arc.head] += 1
        out[arc.tail].append(arc.head)
    ready = [v for v in range(node_count) if indegree[v] == 0]
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


def assign_columns(node_count: int, bands: Sequence[int], links: Sequence[Link]) -> tuple[list[int], set[int]]:
    """Columns (dense, from 0) and the indexes of the links drawn backward (constraint dropped)."""
    arcs = column_arcs(bands, links)
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
    return dense_ranks(columns), {arcs[k].link for k in closing}


def dense_ranks(values: Sequence[int]) -> list[int]:
    """The values renumbered 0, 1, 2, ... in order, gaps removed."""
    rank = {v: i for i, v in enumerate(sorted(set(values)))}
    return [rank[v] for v in values]
