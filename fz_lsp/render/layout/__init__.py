"""Layout phases of the diagram views, each a pure function over plain data.

The workflow view (fz_lsp/render/workflow.py) runs them in order:

- `pipeline.py`: placement as named phases (`PHASES`): feedback edges and ranks
  (`ranks.py`: columns from the handles, cycles broken by a depth-first search from the
  starts), chains and bands (`bands.py`: rows inside each lane, the main path on one row,
  alternatives above and below it);
- `router.py`: the **generic grid router** (below), with hyperedges (`trunks.py`) and
  routes chosen against crossings (`route_choice.py`);
- `loops.py`: loop frames, each one outline holding exactly its member boxes.

`ordering.py` counts crossings between consecutive columns (the architecture view's
ordering uses it).

The grid router is what another view of boxes joined by arrows reuses as is (the
architecture view's components and their dependency arrows):

    from fz_lsp.render.layout.grid import GridEdge, GridNode, GridSpec
    from fz_lsp.render.layout.router import route_grid

    spec = GridSpec(rows=2, columns=3)                          # cells and the gutters between them
    nodes = [GridNode(0, 0, 160, 60), GridNode(0, 2, 160, 60)]  # (row, column, width, height, shape)
    edges = [GridEdge(0, "right", 1, "left", label=(80, 20))]   # node and side at each end, label size
    layout = route_grid(spec, nodes, edges)
    layout.boxes, layout.paths, layout.labels                    # boxes, polylines, label boxes

Its phases (`routing.py`, `ports.py`, `coordinates.py`, `labels.py`) take and return plain
data too; `geometry.py` holds the shared `Box`, `Point` and a bucketed `BoxIndex`. Its
guarantees, for any input: no two edges share a line unless they share an end, no edge
crosses a box, every label sits on its own edge clear of boxes, other edges, other labels,
caller-given obstacles and its own arrowhead (tests/test_layout_routing.py checks them on
random grids).

Pure Python: no pygls import.
"""
