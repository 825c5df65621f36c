"""FlowZap diagrams in Markdown: a ```` ```flowzap ```` fence drawn as inline SVG when the site is
built, through pymdown-extensions' SuperFences (MkDocs, or Python-Markdown alone).

    markdown_extensions:
      - pymdownx.superfences:
          custom_fences:
            - name: flowzap
              class: flowzap
              format: !!python/name:fz_lsp.markdown.fence_format
              validator: !!python/name:fz_lsp.markdown.fence_validator

```` ```flowzap view="sequence" theme="dark" ```` picks the view and the theme. A diagram with
errors fails the build, each error at its file, line and column (`fence`).

An entry layer, like fz_lsp.cli: nothing in fz_lsp imports it; it needs pymdown-extensions
(and MkDocs to build a site) only when a build runs it.

May import: fz_lsp.base, fz_lsp.embed (and, through it, analysis, diagnostics, render).
"""

from fz_lsp.markdown.fence import FENCE_NAME, fence_format, fence_validator

__all__ = ["FENCE_NAME", "fence_format", "fence_validator"]
