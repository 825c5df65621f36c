"""flowzap.export: the diagram of the current (unsaved) text as a file's bytes (SVG, PNG or
HTML, fz_lsp/render/export.py), answered in base64 or written to an absolute path; for the
editors' Export SVG / Export PNG and Neovim's :FlowZapExport.

Loaded on the first export (fz_lsp.lsp.server), with the renderer.

May import: fz_lsp.render.export, fz_lsp.lsp (handlers.arguments, the session's type),
pygls (its errors).
"""

from __future__ import annotations

import base64
import os
from typing import TYPE_CHECKING, Any

from pygls.exceptions import JsonRpcInvalidParams

from fz_lsp.lsp.handlers.arguments import preview_arguments, sequence_order
from fz_lsp.render.export import ExportError, export_bytes, format_of

if TYPE_CHECKING:
    from fz_lsp.lsp.session import FlowZapServer


def export_file(ls: FlowZapServer, options: Any = None) -> dict:
    """`{uri, view?, theme?, format?, scale?, path?, sequenceOrder?}` -> the bytes,
    `{format, view, theme, base64}`, or, given an absolute `path`, written there,
    `{format, path, bytes}` (the format is then the path's extension's). Every refusal is
    InvalidParams in the user's language, and nothing is written."""
    doc, view, theme = preview_arguments(ls, options)
    options = options if isinstance(options, dict) else {}
    path, asked, scale = options.get("path"), options.get("format"), options.get("scale", 1)
    tr = ls.tr
    if path is not None and (not isinstance(path, str) or not os.path.isabs(path)):
        raise JsonRpcInvalidParams("fz-lsp: " + tr._("path must be an absolute file name, got {path}", path=repr(path)))
    if isinstance(scale, bool) or not isinstance(scale, (int, float)):
        raise JsonRpcInvalidParams("fz-lsp: " + tr._("scale must be a number, got {scale}", scale=repr(scale)))
    try:
        fmt = format_of(path, asked if isinstance(asked, str) else None)
        data = export_bytes(
            doc.model, fmt, view, theme, float(scale), doc.uri.rsplit("/", 1)[-1], sequence_order(ls, options)
        )
    except ExportError as error:
        raise JsonRpcInvalidParams("fz-lsp: " + tr.render(error.message)) from None
    if path is None:
        return {"format": fmt, "view": view, "theme": theme, "base64": base64.b64encode(data).decode("ascii")}
    try:
        with open(path, "wb") as f:
            f.write(data)
    except OSError as error:
        reason = error.strerror or str(error)
        raise JsonRpcInvalidParams(
            "fz-lsp: " + tr._("cannot write {path}: {reason}", path=path, reason=reason)
        ) from None
    return {"format": fmt, "path": path, "bytes": len(data)}
