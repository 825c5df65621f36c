"""The language server: one `FlowZapServer` (fz_lsp.lsp.session) and its handlers registered.

What the first diagnostics need is loaded with this module: the protocol (fz_lsp.lsp.protocol),
the session with its document memory and publishing, the lifecycle and text sync handlers.
Every other handler module is named in a table and imported by its first request
(`_on_first_use`), so that neither the features nor the renderer, the browser preview or
lark delay the first squiggle; the initialize answer is the same either way, as the options
each method announces are written here (tests/test_server_startup.py pins the answer and
checks these options against the features' own constants).

May import: fz_lsp.lsp (session, handlers), lsprotocol, pygls through the session.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import import_module
from typing import Any

from lsprotocol import types

from fz_lsp.lsp.handlers import lifecycle, text_sync
from fz_lsp.lsp.session import FlowZapServer

# -- what the server announces (the same values as the features': tests check it) -------

COMPLETION_OPTIONS = types.CompletionOptions(trigger_characters=[".", "(", ":", "[", " "])  # TRIGGER_CHARACTERS
SEMANTIC_TOKENS_LEGEND = types.SemanticTokensLegend(  # semantic_tokens.TOKEN_TYPES, TOKEN_MODIFIERS
    token_types=["namespace", "variable", "type", "property", "string", "enumMember", "operator", "keyword", "comment"],
    token_modifiers=["declaration", "documentation"],
)
CODE_ACTION_OPTIONS = types.CodeActionOptions(  # code_actions.KINDS
    code_action_kinds=[
        types.CodeActionKind.QuickFix,
        types.CodeActionKind.Source,
        "source.renumberNodes",
        types.CodeActionKind.SourceFixAll,
        "source.fixAll.flowzap",
    ]
)
INLAY_HINT_OPTIONS = types.InlayHintOptions(resolve_provider=False)

# -- the handlers ------------------------------------------------------------------------

# loaded with the server: what the first diagnostics need
AT_START: tuple[tuple[str, Callable[..., Any]], ...] = (
    (types.INITIALIZE, lifecycle.initialize),
    (types.INITIALIZED, lifecycle.initialized),
    (types.WORKSPACE_DID_CHANGE_CONFIGURATION, lifecycle.did_change_configuration),
    (types.SHUTDOWN, lifecycle.shutdown),
    (types.TEXT_DOCUMENT_DID_OPEN, text_sync.did_open),
    (types.TEXT_DOCUMENT_DID_CHANGE, text_sync.did_change),
    (types.TEXT_DOCUMENT_DID_SAVE, text_sync.did_save),
    (types.TEXT_DOCUMENT_DID_CLOSE, text_sync.did_close),
)

# method, options, module of fz_lsp.lsp.handlers, function, whether it is a coroutine function
ON_FIRST_USE: tuple[tuple[str, Any, str, str, bool], ...] = (
    (types.TEXT_DOCUMENT_COMPLETION, COMPLETION_OPTIONS, "language", "completion", False),
    (types.TEXT_DOCUMENT_HOVER, None, "language", "hover", False),
    (types.TEXT_DOCUMENT_INLAY_HINT, INLAY_HINT_OPTIONS, "language", "inlay_hints", False),
    (types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, SEMANTIC_TOKENS_LEGEND, "language", "semantic_tokens_full", False),
    (types.TEXT_DOCUMENT_SEMANTIC_TOKENS_RANGE, SEMANTIC_TOKENS_LEGEND, "language", "semantic_tokens_range", False),
    (types.TEXT_DOCUMENT_DEFINITION, None, "navigation", "definition", False),
    (types.TEXT_DOCUMENT_REFERENCES, None, "navigation", "references", False),
    (types.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT, None, "navigation", "document_highlight", False),
    (types.TEXT_DOCUMENT_DOCUMENT_SYMBOL, None, "navigation", "document_symbol", False),
    (types.TEXT_DOCUMENT_FOLDING_RANGE, None, "navigation", "folding_range", False),
    (types.TEXT_DOCUMENT_SELECTION_RANGE, None, "navigation", "selection_range", False),
    (types.TEXT_DOCUMENT_PREPARE_RENAME, None, "editing", "prepare_rename", False),
    (types.TEXT_DOCUMENT_RENAME, None, "editing", "rename", False),
    (types.TEXT_DOCUMENT_FORMATTING, None, "editing", "formatting", False),
    (types.TEXT_DOCUMENT_RANGE_FORMATTING, None, "editing", "range_formatting", False),
    (types.TEXT_DOCUMENT_CODE_ACTION, CODE_ACTION_OPTIONS, "editing", "code_action", False),
)

# workspace/executeCommand: command, module of fz_lsp.lsp.handlers, function, coroutine function
COMMANDS: tuple[tuple[str, str, str, bool], ...] = (
    ("flowzap.preview", "preview", "preview", False),
    ("flowzap.export", "export", "export_file", False),
    ("flowzap.openBrowserPreview", "preview", "open_browser_preview", True),
    ("flowzap.sourceRanges", "preview", "source_ranges_command", False),
    ("flowzap.shareUrl", "share", "share_url_command", False),
    ("flowzap.openInFlowZap", "share", "open_in_flowzap", True),
)


def _loader(module: str, function: str) -> Callable[[], Callable[..., Any]]:
    """The handler fz_lsp.lsp.handlers.<module>.<function>, imported when first asked for."""
    return cache(lambda: getattr(import_module(f"fz_lsp.lsp.handlers.{module}"), function))


def _on_first_use(module: str, function: str, is_async: bool) -> Callable[..., Any]:
    """A feature handler that imports its module on its first request. Sync or async like the
    handler it stands for: pygls runs a sync handler at once, in message order, and schedules
    a coroutine."""
    handler = _loader(module, function)
    if is_async:

        async def run_async(ls: FlowZapServer, params: Any) -> Any:
            return await handler()(ls, params)

        return run_async

    def run(ls: FlowZapServer, params: Any) -> Any:
        return handler()(ls, params)

    return run


def _command_on_first_use(module: str, function: str, is_async: bool) -> Callable[..., Any]:
    """A command that imports its module on first use. pygls passes a command's arguments by
    the handler's signature: each takes one optional argument, `options`."""
    handler = _loader(module, function)
    if is_async:

        async def run_async(ls: FlowZapServer, options: Any = None) -> Any:
            return await handler()(ls, options)

        return run_async

    def run(ls: FlowZapServer, options: Any = None) -> Any:
        return handler()(ls, options)

    return run


def create_server() -> FlowZapServer:
    """A new server with every handler registered."""
    ls = FlowZapServer()
    for method, handler in AT_START:
        ls.feature(method)(handler)
    for method, options, module, function, is_async in ON_FIRST_USE:
        ls.feature(method, options)(_on_first_use(module, function, is_async))
    for command, module, function, is_async in COMMANDS:
        ls.command(command)(_command_on_first_use(module, function, is_async))
    return ls


server = create_server()
