"""Phases 4 and 5 of the workflow layout: chains and bands (the rows inside each lane).

bpmn.io's auto-layout keeps the primary path on one line and puts alternatives in
*semantic bands* above and below it, a band reused wherever the paths in it do not
overlap; lanes then keep their nodes' bands as rows. Here:

4. **Chains** (`chains`): runs of nodes of one lane joined by edges that carry the flow
   on along the lane, left to right (an edge of the lane into a column further right:
   out of a right side into a left side first, then a node's only way on whatever its
   handles, e.g. `bottom -> top` to an End drawn right of it). Each node continues into at
   most one chain successor and follows at most one; straight `right -> left` edges are
   joined first, then the others, shortest and leftmost first.
5. **Bands** (`assign_bands`): each chain takes one band of its lane over the columns it
   spans, chains taken in the order a depth-first walk from the starts meets their first
   node (so a lane's main path, met first, takes band 0). A chain entered from a node of
   its own lane goes the way that edge's handles point (`row_step`: entered from a bottom,
   below; from a top, above; a second `right -> left` branch below its first, siblings in
   source order), starting next to its source's band and moving further out until the
   band is free over its columns; a chain nothing of its lane leads into but that leads
   down (up) into a placed chain of its lane sits above (below) that one, its edge a
   short drop; any other chain entered from another lane (or from nowhere) takes the
   band nearest the main one, towards the lanes its edges lead to, or, when an
   earlier chain of the lane was fed by the same node (a fan-out), the next band below that
   one: siblings side by side in source order. So a lane keeps one row unless it holds
   paths that overlap.

Input and output are plain lists over node indices; bands are integers (negative above
the main band), `normalise_rows` turns them into rows 0, 1, ... per lane.

Pure Python: no pygls import.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Sequence

from fz_lsp.render.layout.ranks import Link, link_class, row_step


def chains(
    node_count: int,
    bands: Sequence[int],
    columns: Sequence[int],
    links: Sequence[Link],
    feedback: set[int],
    continuation: Sequence[int],
) -> list[list[int]]:
    """The chains (node lists, left to right), every node in exactly one."""
    succ = [-1] * node_count
    pred = [-1] * node_count
    eligible = []
    for k, link in enumerate(links):
        s, t = link.source, link.target
        if k in feedback or s == t or bands[s] != bands[t] or columns[t] <= columns[s]:
            continue
        straight = link_class(link, bands) == 0
        if straight or continuation[s] == k:
            eligible.append((0 if straight else 1, columns[t] - columns[s], columns[s], k))
    for _, _, _, k in sorted(eligible):
        s, t = links[k].source, links[k].target
        if succ[s] == -1 and pred[t] == -1:
            succ[s], pred[t] = t, s
    out = []
    for v in range(node_count):
        if pred[v] != -1:
            continue
        chain = [v]
        while succ[chain[-1]] != -1:
            chain.append(succ[chain[-1]])
        out.append(chain)
    return out


def discovery_order(node_count: int, links: Sequence[Link], first: Sequence[int]) -> list[int]:
    """Each node's place in a depth-first walk from `first` (then every node not reached),
    edges followed in the declaration order of their targets."""
    out: list[list[int]] = [[] for _ in range(node_count)]
    for link in links:
        if link.source != link.target:
            out[link.source].append(link.target)
    for targets in out:
        targets.sort()
    place = [-1] * node_count
    counter = 0
    for root in [*first, *range(node_count)]:
        if place[root] != -1:
            continue
        place[root] = counter
        counter += 1
        stack = [(root, 0)]
        while stack:
            v, i = stack[-1]
            if i == len(out[v]):
                stack.pop()
                continue
            stack[-1] = (v, i + 1)
            w = out[v][i]
            if place[w] == -1:
                place[w] = counter
                counter += 1
                stack.append((w, 0))
    return place


class _Band:
    """The column spans taken in one band: sorted, disjoint."""

    __slots__ = ("los", "his")

    def __init__(self) -> None:
        self.los: list[int] = []
        self.his: list[int] = []

    def free(self, lo: int, hi: int) -> bool:
        i = bisect_left(self.his, lo)
        return i == len(self.los) or self.los[i] > hi

    def take(self, lo: int, hi: int) -> None:
        i = bisect_left(self.his, lo)
        self.los.insert(i, lo)
        self.his.insert(i, hi)


def assign_bands(
    node_count: int,
    bands: Sequence[int],
    columns: Sequence[int],
    links: Sequence[Link],
    feedback: set[int],
    node_chains: Sequence[Sequence[int]],
    order: Sequence[int],
) -> list[int]:
    """A band per node (0 the main one of its lane, negative above, positive below)."""
    chain_of = [0] * node_count
    for c, chain in enumerate(node_chains):
        for v in chain:
            chain_of[v] = c
    entry: list[list[int]] = [[] for _ in node_chains]  # links into a chain's first node
    exits: list[list[int]] = [[] for _ in node_chains]  # links from a chain up or down into another of its lane
    toward = [0.0] * len(node_chains)  # where a chain's other lanes lie: < 0 above, > 0 below
    fed_by = [-1] * len(node_chains)  # the node of another lane whose edge first leads into the chain
    for k, link in enumerate(links):
        s, t = link.source, link.target
        if s == t:
            continue
        if bands[s] != bands[t]:
            toward[chain_of[s]] += 1 if bands[t] > bands[s] else -1
            toward[chain_of[t]] += 1 if bands[s] > bands[t] else -1
            if k not in feedback and node_chains[chain_of[t]][0] == t and fed_by[chain_of[t]] == -1:
                fed_by[chain_of[t]] = s
        elif k not in feedback and chain_of[s] != chain_of[t]:
            if node_chains[chain_of[t]][0] == t:
                entry[chain_of[t]].append(k)
            if row_step(link.source_side, link.target_side):
                exits[chain_of[s]].append(k)
    taken: dict[tuple[int, int], _Band] = {}
    band = [0] * node_count
    placed = [False] * len(node_chains)
    last_fed: dict[tuple[int, int], int] = {}  # (lane, node of another lane) -> band of the chain it fed last
    for c in sorted(range(len(node_chains)), key=lambda c: order[node_chains[c][0]]):
        chain = node_chains[c]
        lane = bands[chain[0]]
        lo, hi = columns[chain[0]], columns[chain[-1]]
        sources = [k for k in entry[c] if placed[chain_of[links[k].source]]]
        feeder = fed_by[c]
        if sources:
            k = min(sources, key=lambda k: (order[links[k].source], k))
            link = links[k]
            base = band[link.source]
            step = row_step(link.source_side, link.target_side)
            candidates = _outwards(base + step if step else base, step or 1)
        elif feeder != -1 and (lane, feeder) in last_fed:
            candidates = _outwards(last_fed[(lane, feeder)] + 1, 1)  # siblings side by side, in source order
        elif leads := [k for k in exits[c] if placed[chain_of[links[k].target]]]:
            # nothing of its lane leads into it, but it leads down (up) into a placed chain:
            # it sits above (below) that one, as its edge's handles point
            k = min(leads, key=lambda k: (order[links[k].target], k))
            step = row_step(links[k].source_side, links[k].target_side)
            candidates = _outwards(band[links[k].target] - step, -step)
        else:
            candidates = _nearest(1 if toward[c] >= 0 else -1)
        for b in candidates:
            spans = taken.setdefault((lane, b), _Band())
            if spans.free(lo, hi):
                spans.take(lo, hi)
                break
        for v in chain:
            band[v] = b
        if feeder != -1:
            last_fed[(lane, feeder)] = b
        placed[c] = True
    return band


def _outwards(start: int, step: int) -> Iterator[int]:
    """start, start + step, start + 2 * step, ..."""
    b = start
    while True:
        yield b
        b += step


def _nearest(side: int) -> Iterator[int]:
    """0, then 1, -1, 2, -2, ... with `side` first."""
    yield 0
    k = 1
    while True:
        yield side * k
        yield -side * k
        k += 1


def normalise_rows(lanes: Sequence[int], bands: Sequence[int]) -> list[int]:
    """Bands renumbered as rows 0, 1, ... within each lane, top to bottom, unused ones removed."""
    used: dict[int, set[int]] = {}
    for lane, b in zip(lanes, bands):
        used.setdefault(lane, set()).add(b)
    rank = {lane: {b: i for i, b in enumerate(sorted(bs))} for lane, bs in used.items()}
    return [rank[lane][b] for lane, b in zip(lanes, bands)]
