"""The workflow view's placement, as named phases (the way dagre's `layout.js` and bpmn.io's
auto-layout list theirs): which cell (column, row of its lane) each node takes.

    placement = place(node_count, lanes, links, circles)

`PHASES` lists them in order; each is a pure function of plain data (node indices, lane
indices, `Link`s), testable on its own:

1. `feedback` (ranks.feedback_links): the edges closing a cycle, by a depth-first search
   from the starts; they are drawn as feedback edges, outside the normal flow;
2. `continuations` (ranks.continuations, ranks.branch_returns): each node's main way
   on; its other ways on are branches; an edge coming back into a branch from further on
   is a feedback edge too;
3. `ranks` (ranks.assign_columns): columns by longest paths over what the handles ask
   (the flow moves right, a hop to another lane moves a column on, a branch out of a
   bottom into a top stays in its column);
4. `chains` (bands.chains): runs of a lane's nodes that carry its flow left to right;
5. `bands` (bands.assign_bands): a band (row) per chain, the main path of a lane in its
   band 0, alternatives above and below it, a band reused where its chains do not
   overlap;
6. `unlinked` (`place_unlinked`): nodes no edge joins to another take the free cells of
   their lane's main band, left to right, before new columns open;
7. `rows` (bands.normalise_rows): bands renumbered as rows 0, 1, ... per lane.

The router (router.py) then draws every edge on the grid these cells make.

Pure Python: no pygls import.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fz_lsp.render.layout.bands import assign_bands, chains, discovery_order, normalise_rows
from fz_lsp.render.layout.ranks import Link, assign_columns, branch_returns, continuations, feedback_links, starts

PHASES = ("feedback", "continuations", "ranks", "chains", "bands", "unlinked", "rows")


@dataclass(frozen=True, slots=True)
class Placement:
    columns: list[int]  # per node
    rows: list[int]  # per node, within its lane (0 the top row)
    bands: list[int]  # per node, within its lane (0 the main band, negative above)
    backward: set[int]  # links drawn as feedback edges (their constraint dropped)
    branches: set[int]  # links that are a node's second (third, ...) way on
    chains: list[list[int]]  # runs of a lane's nodes on one row, left to right


def place(
    node_count: int,
    lanes: Sequence[int],
    links: Sequence[Link],
    circles: Sequence[bool] = (),
    decisions: Sequence[bool] = (),
) -> Placement:
    """Every node's cell; `lanes` gives each node's lane, `circles` which nodes are circles
    (start events come first among the starts), `decisions` which are diamonds (their
    edges out of a bottom or a top are outcomes: branches)."""
    feedback = feedback_links(node_count, links, circles, lanes)
    continuation, branches = continuations(node_count, lanes, links, feedback, decisions)
    returns = branch_returns(node_count, lanes, links, feedback, branches, decisions)
    if returns:
        feedback |= returns
        continuation, branches = continuations(node_count, lanes, links, feedback, decisions)
    columns, backward = assign_columns(node_count, lanes, links, feedback, branches)
    linked = [False] * node_count
    for link in links:
        if link.source != link.target:
            linked[link.source] = linked[link.target] = True
    node_chains = [c for c in chains(node_count, lanes, columns, links, backward, continuation) if linked[c[0]]]
    order = discovery_order(node_count, links, starts(node_count, links, circles, lanes))
    bands = assign_bands(node_count, lanes, columns, links, backward, node_chains, order)
    columns = place_unlinked(lanes, columns, bands, node_chains, linked)
    rows = normalise_rows(lanes, bands)
    return Placement(columns, rows, bands, backward, branches, node_chains)


def place_unlinked(
    lanes: Sequence[int],
    columns: Sequence[int],
    bands: Sequence[int],
    node_chains: Sequence[Sequence[int]],
    linked: Sequence[bool],
) -> list[int]:
    """Nodes no edge joins to another take the first columns their lane's main band leaves
    free (in declaration order), past its last column only when every one is taken."""
    columns = list(columns)
    taken: dict[int, set[int]] = {}
    for chain in node_chains:
        if bands[chain[0]] == 0:
            spans = taken.setdefault(lanes[chain[0]], set())
            spans.update(range(columns[chain[0]], columns[chain[-1]] + 1))
    next_free: dict[int, int] = {}
    for v, lane in enumerate(lanes):
        if linked[v]:
            continue
        spans = taken.setdefault(lane, set())
        column = next_free.get(lane, 0)
        while column in spans:
            column += 1
        spans.add(column)
        next_free[lane] = column + 1
        columns[v] = column
    return columns
