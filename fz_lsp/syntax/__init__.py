"""The syntax layer: one FlowZap line -> one statement.

- `vocabulary`: FlowZap's words (shapes, attributes, directions), the id patterns, spelling
  suggestions;
- `statements`: the statement dataclasses, tokens with code-point columns;
- `lexer`: a line cut into tokens (the one lexer: templates, semantic tokens, completion);
- `grammar`: lark over grammar/flowzap.lark (the single source of truth for syntax);
- `templates` (+ `shape_cache`): lines of a known token shape rebuilt without lark;
- `recovery`: a line the grammar rejects, its slip named and repaired; foreign (Mermaid,
  PlantUML) text recognised;
- `parse`: `parse_line` / `parse_lines`, memoised by line text within a budget.

Invariant: a statement depends on its line's text alone.

May import: fz_lsp.base (and lark, on first use). Nothing above.
"""

from fz_lsp.syntax.parse import parse_line, parse_lines
from fz_lsp.syntax.statements import (
    Attribute,
    Broken,
    Comment,
    DisplayLabel,
    EdgeStmt,
    Endpoint,
    Foreign,
    Handle,
    LaneClose,
    LaneOpen,
    LoopStmt,
    NodeDecl,
    Statement,
    Tok,
    unquote,
)
from fz_lsp.syntax.templates import save_templates
from fz_lsp.syntax.vocabulary import DIRECTIONS, EDGE_ATTRIBUTES, NODE_ATTRIBUTES, SHAPES

__all__ = [
    "DIRECTIONS",
    "EDGE_ATTRIBUTES",
    "NODE_ATTRIBUTES",
    "SHAPES",
    "Attribute",
    "Broken",
    "Comment",
    "DisplayLabel",
    "EdgeStmt",
    "Endpoint",
    "Foreign",
    "Handle",
    "LaneClose",
    "LaneOpen",
    "LoopStmt",
    "NodeDecl",
    "Statement",
    "Tok",
    "parse_line",
    "parse_lines",
    "save_templates",
    "unquote",
]
