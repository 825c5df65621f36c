"""The preview's views and themes, by name: what the renderer draws (fz_lsp/render), the
server's preview commands and the CLI's `render --view/--theme` accept.

Outside the render package on purpose: importing `fz_lsp.render` loads every layout, and
the server and the CLI need only the names until they draw.

Pure Python: no pygls import.
"""

from __future__ import annotations

VIEWS = ("workflow", "sequence", "architecture")
THEMES = ("light", "dark")
