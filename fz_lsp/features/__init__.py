"""The features: each module answers one kind of request as a pure function over a
`Document`, for the front ends (the language server, the command line, the MCP server):
completion, hover, navigation, rename, formatting, inlay hints, semantic tokens, code
actions with fix-all, reveal, share; and for agents the graph export and diff, structured
changes and the syntax page.

Invariant: a feature never imports another feature (what two share lives in
fz_lsp.analysis or below), never pygls or lsprotocol; answers are code-point spans and
plain dataclasses that the protocol layer converts.

May import: fz_lsp.base, fz_lsp.syntax, fz_lsp.model, fz_lsp.analysis, fz_lsp.diagnostics.
"""
