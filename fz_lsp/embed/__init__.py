"""Diagrams embedded in pages: the FlowZap text of a docs page (an MkDocs fence, a Sphinx
directive) checked and drawn as inline SVG, or the errors that must fail the build, each
with the file, line and column where it is written.

- `diagram`: `embedded_svg(text, view, theme, where)`, `Placement` (where the text is written)
  and `DiagramErrors` (its `Problem`s, each at its file, line and column).

Used by the docs-site integrations (fz_lsp.markdown, fz_lsp.sphinx), which only adapt it to
their tool.

May import: fz_lsp.base, fz_lsp.analysis, fz_lsp.diagnostics, fz_lsp.render.
"""

from fz_lsp.embed.diagram import DiagramErrors, Placement, Problem, embedded_svg

__all__ = ["DiagramErrors", "Placement", "Problem", "embedded_svg"]
