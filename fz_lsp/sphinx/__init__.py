"""FlowZap diagrams in Sphinx: the extension `fz_lsp.sphinx` and its `.. flowzap::` directive,
drawn as inline SVG in HTML output when the docs are built.

    # conf.py
    extensions = ["fz_lsp.sphinx"]

    .. flowzap:: diagrams/checkout.fz
       :view: sequence
       :theme: dark

    .. flowzap::
       :view: workflow

       Shop { # Web Shop
       n1: circle label:"Cart ready"
       ...
       }

A diagram with errors is reported at its file, line and column (the .fz file's, or the .rst
file's for inline text) and the build ends with status 1 (`directive`).

An entry layer, like fz_lsp.cli: nothing in fz_lsp imports it; Sphinx imports it.

May import: fz_lsp.base, fz_lsp.analysis (views), fz_lsp.embed; sphinx and docutils.
"""

from __future__ import annotations

from typing import Any

from fz_lsp import __version__


def setup(app: Any) -> dict[str, Any]:
    """Sphinx's entry point: the `flowzap` directive and the bookkeeping of failed diagrams."""
    from fz_lsp.sphinx.directive import connect

    connect(app)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
