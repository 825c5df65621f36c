"""The features: each module answers one kind of editor request as a pure function over a
`Document` (completion, hover, navigation, rename, formatting, inlay hints, semantic
tokens, code actions with fix-all, reveal, share).

Invariant: a feature never imports another feature (what two share lives in
fz_lsp.analysis or below), never pygls or lsprotocol; answers are code-point spans and
plain dataclasses that the protocol layer converts.

May import: fz_lsp.base, fz_lsp.syntax, fz_lsp.model, fz_lsp.analysis, fz_lsp.diagnostics.
"""
