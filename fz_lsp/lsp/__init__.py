"""The protocol layer: LSP over pygls. Handlers find the document, convert positions (the
only place that converts them: `convert`), call a pure function and convert its answer.

The only layer that imports pygls and lsprotocol.

May import: every layer below (features, render, diagnostics, analysis, ...).
"""
