"""A real `fz-lsp mcp` process driven by the MCP Python SDK's own stdio client, for tests
and the MCP benchmark: `with McpClient() as client: client.call(tool, arguments)`.

The SDK is async (anyio): the client runs it on an event loop in a thread of its own (an anyio
blocking portal), so tests stay plain functions and one server serves a whole module.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from contextlib import AbstractContextManager, ExitStack
from typing import Any

import anyio
from anyio.from_thread import BlockingPortal, start_blocking_portal
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.types import CallToolResult

from support.paths import ROOT

# the tools `fz-lsp mcp` lists, in order (FlowZap's own MCP server's names)
TOOL_NAMES = [
    "flowzap_validate",
    "flowzap_get_syntax",
    "flowzap_create_playground",
    "flowzap_export_graph",
    "flowzap_diff",
    "flowzap_apply_change",
    "flowzap_fix",
    "flowzap_render",
]
COMMAND = [sys.executable, "-m", "fz_lsp", "mcp"]  # `fz-lsp mcp`, this checkout first on the path


class McpClient(AbstractContextManager["McpClient"]):
    def __init__(self, command: Sequence[str] = COMMAND, env: dict[str, str] | None = None) -> None:
        environment = {**os.environ, "PYTHONPATH": str(ROOT), "LANGUAGE": "en"} if env is None else env
        self.parameters = StdioServerParameters(command=command[0], args=list(command[1:]), env=environment, cwd=ROOT)
        self._stack = ExitStack()
        self.portal: BlockingPortal
        self.session: ClientSession

    def __enter__(self) -> McpClient:
        self.portal = self._stack.enter_context(start_blocking_portal())
        read, write = self._stack.enter_context(self.portal.wrap_async_context_manager(stdio_client(self.parameters)))
        self.session = self._stack.enter_context(self.portal.wrap_async_context_manager(ClientSession(read, write)))
        self.initialized = self.portal.call(self.session.initialize)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def call(self, tool: str, arguments: dict[str, Any] | None = None) -> CallToolResult:
        return self.portal.call(self.session.call_tool, tool, arguments)

    def list_tools(self) -> list[Any]:
        return self.portal.call(self.session.list_tools).tools

    def call_together(self, calls: Sequence[tuple[str, dict[str, Any]]]) -> list[CallToolResult]:
        """Several calls sent at once (each its own request in flight), answers in call order."""

        async def together() -> list[CallToolResult]:
            results: list[CallToolResult | None] = [None] * len(calls)

            async def one(k: int, tool: str, arguments: dict[str, Any]) -> None:
                results[k] = await self.session.call_tool(tool, arguments)

            async with anyio.create_task_group() as group:
                for k, (tool, arguments) in enumerate(calls):
                    group.start_soon(one, k, tool, arguments)
            return [r for r in results if r is not None]

        return self.portal.call(together)
