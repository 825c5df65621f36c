"""The model layer: lanes, nodes, edges, loops and resolved references of one document
version, built from the per-line statements.

- `span`: `Span` and `LineAnchor`, positions that follow their line;
- `entities`: `Lane`, `Node`, `Ref`, `Edge`, `Loop`, `Model`;
- `facts`: `LineFacts`, what one line contributes, kept across edits; `link_signature`;
- `build`: `build_model` (one relinking pass), `retarget_edge`.

Invariant: the model knows what the text says, not what is wrong with it: no diagnostics
here (fz_lsp.diagnostics reads the model), no positions in any encoding but code points.

May import: fz_lsp.base, fz_lsp.syntax. Nothing above.
"""

from fz_lsp.model.build import build_model, can_retarget, retarget_edge
from fz_lsp.model.entities import Edge, Lane, Loop, Model, Node, Ref, StructureIssue
from fz_lsp.model.facts import LineFacts, line_facts, link_signature
from fz_lsp.model.span import LineAnchor, Span

__all__ = [
    "Edge",
    "Lane",
    "LineAnchor",
    "LineFacts",
    "Loop",
    "Model",
    "Node",
    "Ref",
    "Span",
    "StructureIssue",
    "build_model",
    "can_retarget",
    "line_facts",
    "link_signature",
    "retarget_edge",
]
