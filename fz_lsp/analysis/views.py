"""The preview's views, themes, sequence orders and export formats, by name: what the renderer
draws (fz_lsp/render), the server's preview and export commands, the settings and the CLI's
`render --view/--theme/--sequence-order/--format` accept.

Outside the render package on purpose: importing `fz_lsp.render` loads every layout, and
the server and the CLI need only the names until they draw.

Pure Python: no pygls import.
"""

from __future__ import annotations

VIEWS = ("workflow", "sequence", "architecture")
THEMES = ("light", "dark")
SEQUENCE_ORDERS = ("causal", "document")  # the sequence view's steps: causes first, or the edges' order
FORMATS = ("svg", "png", "html")  # render/export.py writes them
