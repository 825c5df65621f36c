"""A document's model read from a file, as the renderer tests lay it out (the file's bytes
decoded as UTF-8, line endings untouched, then analysed)."""

from __future__ import annotations

from pathlib import Path

from fz_lsp.analysis.document import analyse
from fz_lsp.model import Model


def read_model(path: Path) -> Model:
    return analyse(path.read_bytes().decode("utf-8")).model
