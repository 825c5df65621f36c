"""What a click in a diagram preview points at in the source.

Every drawn element of a preview says where it comes from (fz_lsp/render/svg.py): a node
or a step listed in an architecture component (`data-node`, `data-line`), a component or
a sequence view's participant (`data-lane`, `data-line`: its lane's header), an
architecture arrow (`data-lines`: the lines of the edges it stands for), a sequence view's
message (`data-lines`: its edge's line) or frame (`data-lines`: its decision's line and its
branch edges', or its loop's line). A preview page (the browser page, the VS Code webview)
sends that back as a *target*, `{"node"?, "lane"?, "line"?, "lines"?}`;
`source_regions(model, target)` answers what to select: the node's id at its declaration,
the lane's id at its header, the text of each edge line of an arrow (the first is the one
to show), or the text of a bare `line`. A node or lane whose line moved on (the page shows
an older rendering) is found by its id. Empty when nothing of the target is in the
document; anything else in `target` (wrong types, lines out of range) is ignored.

Pure Python: no pygls import.
"""

from __future__ import annotations

from typing import Any

from fz_lsp.analysis.edits import Region, statement_region
from fz_lsp.model import Model

MAX_NAME = 200  # longer node or lane ids are no ids of ours


def _line_number(value: Any, count: int) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < count:
        return value
    return None


def _name(value: Any) -> str | None:
    return value if isinstance(value, str) and 0 < len(value) <= MAX_NAME else None


def source_regions(model: Model, target: Any) -> list[Region]:
    if not isinstance(target, dict):
        return []
    count = len(model.lines)
    line = _line_number(target.get("line"), count)
    node_id = _name(target.get("node"))
    if node_id is not None:
        here = model.line_nodes.get(line, []) if line is not None else []
        node = next((n for n in here if n.id == node_id), None) or model.node_by_id.get(node_id)
        return [Region.of(node.span)] if node is not None else []
    lane_id = _name(target.get("lane"))
    if lane_id is not None:
        lane = next((a for a in model.lanes if a.id == lane_id and a.header_line == line), None)
        lane = lane or model.lane_by_id.get(lane_id)
        return [Region.of(lane.id_span)] if lane is not None else []
    listed = target.get("lines")
    numbers = [_line_number(v, count) for v in listed] if isinstance(listed, list) else [line]
    regions = (statement_region(model.lines, n) for n in numbers if n is not None)
    return [r for r in regions if r is not None]
