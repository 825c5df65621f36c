"""Diagram rendering: the workflow, sequence and architecture views of a FlowZap model as
SVG or HTML.

Everything runs in-process in pure Python (no external binary, no network):

- `render_svg(model, view, theme)`: the diagram as an SVG document;
- `render_html(model, view, theme, title, live_events_url)`: a standalone page around it;
- `layout_workflow(model)` / `layout_sequence(model)` / `layout_architecture(model)`: the
  geometry as plain data.

The sequence view draws its steps in causal order by default, or in FlowZap's document
order (`sequence_order`, fz_lsp/render/sequence_order.py).

Any model renders, broken ones included: what resolves is drawn, an edge with one
unresolved end is a dashed stub, an edge with none is left out (the architecture view
counts only edges whose two ends resolve to nodes of two lanes).

May import: fz_lsp.base, fz_lsp.syntax, fz_lsp.model, fz_lsp.analysis. Never fz_lsp.features,
fz_lsp.diagnostics, pygls or lsprotocol.
"""

from __future__ import annotations

from fz_lsp.analysis.views import THEMES, VIEWS
from fz_lsp.base.collector import without_gc
from fz_lsp.model import Model
from fz_lsp.render.architecture import ArchitectureLayout, layout_architecture
from fz_lsp.render.html import html_page
from fz_lsp.render.sequence import SequenceLayout, layout_sequence
from fz_lsp.render.sequence_order import DEFAULT_ORDER, ORDERS
from fz_lsp.render.svg import architecture_svg, sequence_svg, workflow_svg
from fz_lsp.render.workflow import layout_workflow
from fz_lsp.render.workflow_data import WorkflowLayout

__all__ = [
    "ORDERS",
    "THEMES",
    "VIEWS",
    "ArchitectureLayout",
    "SequenceLayout",
    "WorkflowLayout",
    "layout_architecture",
    "layout_sequence",
    "layout_workflow",
    "render_html",
    "render_svg",
]


@without_gc
def render_svg(model: Model, view: str = "workflow", theme: str = "light", sequence_order: str = DEFAULT_ORDER) -> str:
    """The diagram of `model` as an SVG document (no XML declaration); the sequence view's
    steps in `sequence_order` ("causal" or "document", fz_lsp/render/sequence_order.py).
    The collector stays paused from the layout to the SVG: the layout (hundreds of
    thousands of objects at 10,000 lines, none in a cycle) is freed by reference counting
    before it resumes, instead of being scanned once between the two (base/collector.py)."""
    if view == "workflow":
        return workflow_svg(layout_workflow(model), theme)
    if view == "sequence":
        return sequence_svg(layout_sequence(model, sequence_order), theme)
    if view == "architecture":
        return architecture_svg(layout_architecture(model), theme)
    raise ValueError(f"unknown view {view!r} (expected one of {', '.join(VIEWS)})")


def render_html(
    model: Model,
    view: str = "workflow",
    theme: str = "light",
    title: str = "FlowZap diagram",
    live_events_url: str | None = None,
    sequence_order: str = DEFAULT_ORDER,
) -> str:
    """A standalone HTML page showing the diagram; live when `live_events_url` is given."""
    return html_page(render_svg(model, view, theme, sequence_order), title, theme, live_events_url)
