"""The preview's views, themes and export formats, by name: what the renderer draws
(fz_lsp/render), the server's preview and export commands and the CLI's `render --view/--theme/
--format` accept.

Outside the render package on purpose: importing `fz_lsp.render` loads every layout, and
the server and the CLI need only the names until they draw.

Pure Python: no pygls import.
"""

from __future__ import annotations

VIEWS = ("workflow", "sequence", "architecture")
THEMES = ("light", "dark")
FORMATS = ("svg", "png", "html")  # render/export.py writes them
