"""`fz-lsp mcp`: the MCP server for AI agents on stdin/stdout (fz_lsp.mcp); without the MCP
SDK (the `fz-lsp[mcp]` extra), one line on stderr and exit 2.

May import: fz_lsp.mcp.
"""

from __future__ import annotations


def run_mcp() -> int:
    from fz_lsp.mcp import main

    return main()
