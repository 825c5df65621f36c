"""`fz-lsp render FILE`: the diagram as SVG, PNG or a standalone HTML page (render/export.py).

May import: fz_lsp.base, fz_lsp.analysis, fz_lsp.diagnostics, fz_lsp.render, fz_lsp.cli.files/check.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fz_lsp.analysis.document import analyse
from fz_lsp.analysis.settings import Settings
from fz_lsp.analysis.views import SEQUENCE_ORDERS, THEMES, VIEWS
from fz_lsp.base.i18n import translator
from fz_lsp.cli.check import diagnostic_entry, diagnostic_line
from fz_lsp.cli.files import READ_ERRORS, describe_error, read_source
from fz_lsp.diagnostics import check
from fz_lsp.render.export import ExportError, export_bytes, format_of


def _say(message: str) -> None:
    print(f"fz-lsp: {message}", file=sys.stderr)


def render_command(
    path: str,
    out: str | None,
    view: str = "workflow",
    theme: str = "light",
    allow_errors: bool = False,
    language: str | None = None,
    fmt: str | None = None,
    scale: float = 1.0,
    sequence_order: str = "causal",
) -> int:
    """Render the .fz file at `path` to `out` in the format its extension names (.svg,
    .png, .html/.htm) or `fmt`; to standard output when `out` is None or "-" (SVG, or
    `fmt`); `path` "-" reads standard input. An output name whose extension says no known
    format is refused (nothing is written), never written as SVG.

    The picture is written whatever the document's errors (what resolves is drawn), and
    the errors are printed to standard error in `fz-lsp check`'s format. Returns the exit
    status: 0 done, 1 the document has errors (0 with `allow_errors`), has nothing to
    draw (no lanes: e.g. a Mermaid file; nothing is written) or the output could not be
    written, 2 input unreadable or bad option. Messages are in `language` (fz_lsp/i18n.py;
    English when None). The sequence view's steps come in `sequence_order`."""
    tr = translator(language)
    _ = tr._
    if view not in VIEWS:
        _say(_("unknown view {view} (expected one of {choices})", view=repr(view), choices=", ".join(VIEWS)))
        return 2
    if theme not in THEMES:
        _say(_("unknown theme {theme} (expected one of {choices})", theme=repr(theme), choices=", ".join(THEMES)))
        return 2
    if sequence_order not in SEQUENCE_ORDERS:
        _say(
            _(
                "unknown sequence order {order} (expected one of {choices})",
                order=repr(sequence_order),
                choices=", ".join(SEQUENCE_ORDERS),
            )
        )
        return 2
    try:
        fmt = format_of(out, fmt)
    except ExportError as error:
        _say(tr.render(error.message))
        return 2
    try:
        text = read_source(path, tr)
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
        foreign = next((d for d in check(doc, settings) if d.code == "not-flowzap"), None)
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
    errors = [d for d in check(doc, settings) if d.severity == 1]
    if errors:
        for d in errors:
            print(diagnostic_line(diagnostic_entry(shown, d)), file=sys.stderr)
    status = 1 if errors and not allow_errors else 0
    try:
        data = export_bytes(model, fmt, view, theme, scale, title=name, sequence_order=sequence_order)
    except ExportError as error:
        _say(tr.render(error.message))
        return 2
    if out is None or out == "-":
        try:
            sys.stdout.buffer.write(data + b"\n" if fmt == "svg" else data)
            sys.stdout.flush()
        except OSError as error:
            _say(_("cannot write to standard output: {reason}", reason=describe_error(error, tr)))
            return 1
        return status
    try:
        Path(out).write_bytes(data)
    except (OSError, ValueError) as error:
        _say(_("cannot write {path}: {reason}", path=out, reason=describe_error(error, tr)))
        return 1
    return status
