"""Diagram rendering: the workflow, sequence and architecture views of a FlowZap model as
SVG or HTML.

Everything runs in-process in pure Python (no external binary, no network):

- `render_svg(model, view, theme)`: the diagram as an SVG document;
- `render_html(model, view, theme, title, live_events_url)`: a standalone page around it;
- `layout_workflow(model)` / `layout_sequence(model)` / `layout_architecture(model)`: the
  geometry as plain data;
- `render_command(path, out, view, theme, ...)`: the `fz-lsp render` command.

The sequence view draws its steps in causal order by default, or in FlowZap's document
order (`sequence_order`, fz_lsp/render/sequence_order.py).

Any model renders, broken ones included: what resolves is drawn, an edge with one
unresolved end is a dashed stub, an edge with none is left out (the architecture view
counts only edges whose two ends resolve to nodes of two lanes).

Pure Python: no pygls import.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fz_lsp.document import analyse
from fz_lsp.files import READ_ERRORS, describe_error, read_source
from fz_lsp.i18n import translator
from fz_lsp.model import Model
from fz_lsp.render.architecture import ArchitectureLayout, layout_architecture
from fz_lsp.render.html import html_page
from fz_lsp.render.sequence import SequenceLayout, layout_sequence
from fz_lsp.render.sequence_order import DEFAULT_ORDER, ORDERS
from fz_lsp.render.svg import architecture_svg, sequence_svg, workflow_svg
from fz_lsp.render.workflow import WorkflowLayout, layout_workflow
from fz_lsp.views import THEMES, VIEWS

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
    "render_command",
    "render_html",
    "render_svg",
]


def render_svg(model: Model, view: str = "workflow", theme: str = "light", sequence_order: str = DEFAULT_ORDER) -> str:
    """The diagram of `model` as an SVG document (no XML declaration); the sequence view's
    steps in `sequence_order` ("causal" or "document", fz_lsp/render/sequence_order.py)."""
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


def _say(message: str) -> None:
    print(f"fz-lsp: {message}", file=sys.stderr)


def render_command(
    path: str,
    out: str | None,
    view: str = "workflow",
    theme: str = "light",
    allow_errors: bool = False,
    language: str | None = None,
    sequence_order: str = DEFAULT_ORDER,
) -> int:
    """Render the .fz file at `path`: SVG to `out`, HTML when `out` ends in .html/.htm,
    SVG on standard output when `out` is None or "-"; `path` "-" reads standard input.

    The picture is written whatever the document's errors (what resolves is drawn), and
    the errors are printed to standard error in `fz-lsp check`'s format. Returns the exit
    status: 0 done, 1 the document has errors (0 with `allow_errors`), has nothing to
    draw (no lanes: e.g. a Mermaid file; nothing is written) or the output could not be
    written, 2 input unreadable or bad option. Messages are in `language` (fz_lsp/i18n.py;
    English when None). The sequence view's steps come in `sequence_order`."""
    from fz_lsp.settings import Settings

    tr = translator(language)
    _ = tr._
    if view not in VIEWS:
        _say(_("unknown view {view} (expected one of {choices})", view=repr(view), choices=", ".join(VIEWS)))
        return 2
    if theme not in THEMES:
        _say(_("unknown theme {theme} (expected one of {choices})", theme=repr(theme), choices=", ".join(THEMES)))
        return 2
    if sequence_order not in ORDERS:
        _say(
            _(
                "unknown sequence order {order} (expected one of {choices})",
                order=repr(sequence_order),
                choices=", ".join(ORDERS),
            )
        )
        return 2
    try:
        text = read_source(path)
    except READ_ERRORS as error:
        _say(_("cannot read {path}: {reason}", path=path, reason=describe_error(error, tr)))
        return 2
    name = "stdin.fz" if path == "-" else Path(path).name
    uri = "untitled:stdin.fz" if path == "-" else Path(path).resolve().as_uri()
    doc = analyse(text, uri=uri)
    model = doc.model
    shown = "<stdin>" if path == "-" else path
    settings = Settings(locale=tr.language)
    if not model.lanes and not model.nodes:
        foreign = next((d for d in doc.diagnostics(settings) if d.code == "not-flowzap"), None)
        if foreign is not None:
            _say(
                _(
                    "nothing to draw in {path}: no lanes (it looks like Mermaid or PlantUML, not FlowZap Code)",
                    path=shown,
                )
            )
        else:
            _say(_("nothing to draw in {path}: no lanes", path=shown))
        return 1
    errors = [d for d in doc.diagnostics(settings) if d.severity == 1]
    if errors:
        from fz_lsp.cli import diagnostic_entry, diagnostic_line

        for d in errors:
            print(diagnostic_line(diagnostic_entry(shown, d)), file=sys.stderr)
    status = 1 if errors and not allow_errors else 0
    if out is None or out == "-":
        try:
            sys.stdout.buffer.write(render_svg(model, view, theme, sequence_order).encode("utf-8") + b"\n")
            sys.stdout.flush()
        except OSError as error:
            _say(_("cannot write to standard output: {reason}", reason=describe_error(error, tr)))
            return 1
        return status
    is_html = out.lower().endswith((".html", ".htm"))
    if is_html:
        document = render_html(model, view, theme, title=name, sequence_order=sequence_order)
    else:
        document = render_svg(model, view, theme, sequence_order)
    try:
        Path(out).write_text(document, encoding="utf-8")
    except (OSError, ValueError) as error:
        _say(_("cannot write {path}: {reason}", path=out, reason=describe_error(error, tr)))
        return 1
    return status
