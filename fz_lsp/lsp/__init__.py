"""The protocol layer: LSP over pygls. Handlers find the document, convert positions (the
only place that converts them: `convert`), call a pure function and convert its answer.

- `server`: the wiring: the server created, its handlers registered (most loaded on first use);
- `protocol`: JSON-RPC hardening and fz-lsp's own text sync over pygls's protocol;
- `session`: `FlowZapServer`, the open documents, settings and language;
- `memory`: large documents frozen out of the collector, released, memory trimmed when idle;
- `publishing`: debounced diagnostics, their cap, messages told once;
- `convert` (positions), `to_lsp` (every answer built), `from_lsp` (requests and client
  capabilities read): the only modules that build or read lsprotocol values;
- `window`: showDocument and its fallbacks; `handlers/`: one module per group of requests;
- `browser_preview` (live pages for clients without a webview), `log_forwarding`.

The only layer that imports pygls and lsprotocol.

May import: every layer below (features, render, diagnostics, analysis, ...).
"""
