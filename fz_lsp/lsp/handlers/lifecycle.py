"""initialize, initialized, the settings (initializationOptions, workspace/configuration,
didChangeConfiguration) and shutdown.

Settings are read whole at initialize, then pulled from the client when it answers
workspace/configuration; any change republishes every open document's diagnostics (the
language or strict mode may have changed them) and asks the client for inlay hints again.

May import: fz_lsp.lsp (from_lsp, to_lsp, log_forwarding, the session's type), fz_lsp.analysis.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from lsprotocol import types

from fz_lsp.analysis.settings import Settings
from fz_lsp.lsp import from_lsp, log_forwarding, to_lsp

if TYPE_CHECKING:
    from fz_lsp.lsp.session import FlowZapServer

log = logging.getLogger(__name__)


def initialize(ls: FlowZapServer, params: types.InitializeParams) -> None:
    ls.client_locale = from_lsp.locale(params)
    ls.settings = ls.resolved(Settings.from_mapping(params.initialization_options))
    ls.encoding = str(getattr(ls.workspace.position_encoding, "value", ls.workspace.position_encoding))
    log_forwarding.session_started(ls)


async def initialized(ls: FlowZapServer, params: types.InitializedParams) -> None:
    await pull_configuration(ls)


async def pull_configuration(ls: FlowZapServer) -> None:
    if not from_lsp.configuration(ls.client_capabilities):
        return
    try:
        result = await ls.workspace_configuration_async(to_lsp.settings_request())
    except Exception as err:  # a client that fails the request keeps the current settings
        log.warning("workspace/configuration failed: %s", err)
        return
    if result:
        new = ls.resolved(Settings.from_mapping(result[0], base=ls.settings))
        if new != ls.settings:
            ls.settings = new
            ls.publisher.republish_all()


async def did_change_configuration(ls: FlowZapServer, params: types.DidChangeConfigurationParams) -> None:
    if params.settings:
        ls.settings = ls.resolved(Settings.from_mapping(params.settings, base=ls.settings))
    await pull_configuration(ls)
    ls.publisher.republish_all()
    refresh_inlay_hints(ls)


def refresh_inlay_hints(ls: FlowZapServer) -> None:
    """Ask the client to request inlay hints again (settings such as
    `flowzap.inlayHints.labels` may have changed), when it supports that."""
    if from_lsp.inlay_hint_refresh(ls.client_capabilities):
        ls.workspace_inlay_hint_refresh(None)


def shutdown(ls: FlowZapServer, params: None) -> None:
    log_forwarding.session_ended(ls)
    if ls.browser is not None:
        ls.browser.stop()
        ls.browser = None
