"""The MCP server: tools.py's tools over stdio, on the official MCP Python SDK's low-level
`Server` (the tools declare their own JSON schemas, FlowZap's, and check their own arguments,
so that a malformed call gets one sentence instead of a validation dump).

A call runs in a worker thread, one at a time (the analysis is not built for two threads at
once): the event loop keeps reading, so a second call waits for the first instead of the
transport stalling, and cancellation or a ping is still heard. Whatever a call raises ends
that call only: a ToolInputError is an error result with its sentence, anything else an error
result naming the failure (the traceback goes to stderr); the server goes on.

May import: the MCP SDK (`mcp`, the optional extra), this package's tools.
"""

from __future__ import annotations

import base64
import json
import logging
import traceback
from collections.abc import Mapping
from typing import Any

import anyio
import anyio.to_thread
import mcp.types as types
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server

from fz_lsp.mcp.arguments import ToolInputError, arguments_of
from fz_lsp.mcp.tools import INSTRUCTIONS, SERVER_NAME, SERVER_VERSION, TOOLS, TOOLS_BY_NAME, Answer

log = logging.getLogger(__name__)

_ANNOTATIONS = types.ToolAnnotations(read_only_hint=True, idempotent_hint=True, open_world_hint=False)


def _error(sentence: str) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(type="text", text=sentence)], is_error=True)


def _result(answer: Answer) -> types.CallToolResult:
    text = types.TextContent(type="text", text=json.dumps(answer.json, ensure_ascii=False))
    content: list[types.ContentBlock] = [text]
    if answer.png is not None:
        image = types.ImageContent(
            type="image", data=base64.b64encode(answer.png).decode("ascii"), mime_type="image/png"
        )
        content = [image, text]
    return types.CallToolResult(content=content, structured_content=answer.json)


def call(name: str, raw_arguments: object) -> types.CallToolResult:
    """One tool call, in the worker thread; never raises."""
    tool = TOOLS_BY_NAME.get(name)
    if tool is None:
        return _error(f"there is no tool `{name}`; the tools are {', '.join(t.name for t in TOOLS)}")
    try:
        return _result(tool.run(arguments_of(raw_arguments)))
    except ToolInputError as error:
        return _error(str(error))
    except Exception as error:  # a bug of ours: this call fails, the server goes on
        traceback.print_exc()
        return _error(f"{name} failed on this input ({type(error).__name__}); the server is still running")


async def _list_tools(
    ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
) -> types.ListToolsResult:
    return types.ListToolsResult(
        tools=[
            types.Tool(name=t.name, description=t.description, input_schema=t.input_schema, annotations=_ANNOTATIONS)
            for t in TOOLS
        ]
    )


_one_at_a_time = anyio.CapacityLimiter(1)


async def _call_tool(ctx: ServerRequestContext[Any], params: types.CallToolRequestParams) -> types.CallToolResult:
    arguments: Mapping[str, Any] | None = params.arguments
    return await anyio.to_thread.run_sync(call, params.name, arguments, limiter=_one_at_a_time)


def build_server() -> Server[Any]:
    return Server(
        SERVER_NAME,
        version=SERVER_VERSION,
        instructions=INSTRUCTIONS,
        on_list_tools=_list_tools,
        on_call_tool=_call_tool,
    )


async def _serve() -> None:
    server = build_server()
    async with stdio_server() as (read_stream, write_stream):
        await server.run(read_stream, write_stream, server.create_initialization_options())


def serve() -> None:
    anyio.run(_serve)
