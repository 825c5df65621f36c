"""`fz-lsp mcp`: fz-lsp's analysis for AI agents, as an MCP server over stdio.

tools.py holds the tools (FlowZap's names and arguments, pure functions to JSON) and
arguments.py their argument checks; server.py carries them over the official MCP Python SDK,
an optional dependency (`pip install 'fz-lsp[mcp]'`). Importing this package imports no SDK.

The entry layer, beside fz_lsp.lsp: only fz_lsp.cli imports it.

May import: every layer below it (features, render, diagnostics, analysis, model, syntax, base)
and the MCP SDK (server.py only).
"""

from __future__ import annotations

import sys

INSTALL_HINT = "fz-lsp mcp needs the MCP Python SDK: pip install 'fz-lsp[mcp]'"


def main() -> int:
    """Serve MCP on stdin/stdout until the client closes it; 2 when the SDK is missing."""
    try:
        from fz_lsp.mcp.server import serve
    except ImportError as error:
        print(f"{INSTALL_HINT} ({error})", file=sys.stderr)
        return 2
    serve()
    return 0
