"""Settings from initializationOptions and workspace/configuration; other transports."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from fz_lsp.analysis.settings import Settings
from support.commands import SERVER_COMMAND, SERVER_ENV
from support.lsp import Session, eventually, initialize_params
from support.paths import ROOT

in_module_loop = pytest.mark.asyncio(loop_scope="module")

CROSSING = 'A { # A\nn1: circle label:"a"\nn1.handle(bottom) -> B.n2.handle(top)\n}\nB { # B\nn2: circle label:"b"\n}\n'


def test_settings_from_every_shape():
    assert Settings.from_mapping({"flowzap": {"diagnostics": {"delayMs": 0, "sequenceRules": True}}}) == Settings(
        diagnostics_delay_ms=0, sequence_rules=True
    )
    assert Settings.from_mapping({"diagnostics.delayMs": 5, "format": {"indent": 2}}) == Settings(
        diagnostics_delay_ms=5, format_indent=2
    )
    # wrong types and unknown keys fall back to defaults
    assert Settings.from_mapping({"diagnostics": {"delayMs": "soon", "sequenceRules": 1}, "x": 1}) == Settings()
    assert Settings.from_mapping(None) == Settings()
    assert Settings.from_mapping({"preview": {"theme": "neon"}}) == Settings()


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER_COMMAND, server_env=SERVER_ENV))
async def configured(lsp_client: LanguageClient):
    """A client that answers workspace/configuration (sequence rules on, no debounce)."""
    lsp_client.set_configuration({"diagnostics": {"sequenceRules": True, "delayMs": 0}}, section="flowzap")
    params = initialize_params(options={})
    params.capabilities.workspace = types.WorkspaceClientCapabilities(configuration=True)
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


@in_module_loop
@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
async def test_workspace_configuration_is_pulled(configured: LanguageClient):
    session = Session(configured)
    uri = await session.open(CROSSING)
    # the pulled configuration applies (at once, or by the republish that follows it)
    await eventually(lambda: [d.code for d in session.published[uri][-1].diagnostics] == ["missing-reply"])


@in_module_loop
async def test_configuration_change_republishes(configured: LanguageClient):
    session = Session(configured)
    uri = await session.open(CROSSING)
    await eventually(lambda: len(session.published[uri][-1].diagnostics) == 1)
    configured.set_configuration({"diagnostics": {"sequenceRules": False, "delayMs": 0}}, section="flowzap")
    configured.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await eventually(lambda: list(session.published[uri][-1].diagnostics) == [], message="republished diagnostics")


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_tcp_transport(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "fz_lsp", "--tcp", f"127.0.0.1:{port}"],
        env=SERVER_ENV,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(100):
            try:
                conn = socket.create_connection(("127.0.0.1", port), timeout=5)
                break
            except OSError:
                import time

                time.sleep(0.05)
        else:
            raise AssertionError("server did not listen")
        body = json.dumps(
            {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "initialize",
                "params": {"processId": None, "rootUri": None, "capabilities": {}},
            }
        ).encode()
        conn.sendall(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        data = b""
        while b'"id": 1' not in data and b'"id":1' not in data:
            chunk = conn.recv(65536)
            assert chunk, data
            data += chunk
        assert b'"serverInfo"' in data and b'"fz-lsp"' in data
        conn.close()
    finally:
        proc.kill()
        proc.wait(timeout=10)
