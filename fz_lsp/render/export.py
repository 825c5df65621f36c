"""A diagram exported as a file: which format a file name asks for, and the file's bytes.

One place for every exporter (`fz-lsp render -o`, the editors' export commands through the
language server; PNG through render/png.py, the one rasterizer): `format_of(path, asked)`
reads the format from the output's extension (`.svg`, `.html`/`.htm`, `.png`) or from an
explicit `--format`, and refuses an extension it does not know rather than writing SVG text
into, say, `flow.jpg`; `export_bytes(model, fmt, view, theme, scale, title)` draws it.

May import: fz_lsp.base, fz_lsp.analysis, fz_lsp.render (its own modules).
"""

from __future__ import annotations

from pathlib import PurePath

from fz_lsp.analysis.views import FORMATS
from fz_lsp.base.i18n import Msg, msg
from fz_lsp.model import Model

EXTENSIONS = {".svg": "svg", ".png": "png", ".html": "html", ".htm": "html"}


class ExportError(ValueError):
    """The export cannot be made as asked; `message` says why (a Msg is translated where it is
    shown; render/png.py's sentences are English)."""

    def __init__(self, message: Msg | str) -> None:
        super().__init__(str(message))
        self.message = message


def format_of(path: str | None, asked: str | None = None) -> str:
    """The format to write `path` in: `asked` when given (it must be one of FORMATS and agree
    with a known extension), else the extension's; SVG for standard output (`path` None or
    "-"). ExportError for an unknown extension or a contradiction."""
    if asked is not None and asked not in FORMATS:
        raise ExportError(
            msg("unknown format {format} (expected one of {choices})", format=repr(asked), choices=", ".join(FORMATS))
        )
    if path is None or path == "-":
        return asked or "svg"
    suffix = PurePath(path).suffix.lower()
    known = EXTENSIONS.get(suffix)
    if known is None:
        if asked is not None:
            return asked
        raise ExportError(
            msg(
                "cannot tell the format of {path}: name it .svg, .png or .html, or give --format",
                path=path,
            )
        )
    if asked is not None and asked != known:
        raise ExportError(
            msg("{path} is named .{extension} but --format is {format}", path=path, extension=suffix[1:], format=asked)
        )
    return known


def export_bytes(
    model: Model,
    fmt: str,
    view: str = "workflow",
    theme: str = "light",
    scale: float = 1.0,
    title: str = "FlowZap diagram",
    sequence_order: str = "causal",
) -> bytes:
    """The file's content: SVG or a standalone HTML page (UTF-8), or a PNG `scale` times the
    SVG's size (render/png.py: ExportError for a bad scale, a picture too large, or no
    rasterizer installed, saying how to install it); the sequence view's steps in
    `sequence_order`."""
    from fz_lsp.render import render_html, render_svg

    if fmt == "svg":
        return render_svg(model, view, theme, sequence_order).encode("utf-8")
    if fmt == "html":
        return render_html(model, view, theme, title=title, sequence_order=sequence_order).encode("utf-8")
    if fmt == "png":
        from fz_lsp.render.png import PngExportError, PngUnavailable, check_scale, svg_to_png

        try:
            return svg_to_png(render_svg(model, view, theme, sequence_order), check_scale(scale))
        except (PngExportError, PngUnavailable) as error:
            raise ExportError(str(error)) from None
    raise ExportError(
        msg("unknown format {format} (expected one of {choices})", format=repr(fmt), choices=", ".join(FORMATS))
    )
