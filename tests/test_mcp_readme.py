"""The README's MCP configurations (section "AI agents") work as written: each is parsed, and
the server it names is started the way the hosts start it (the command looked up on PATH,
spoken to through the MCP SDK's stdio client), its tools listed and one called."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

try:
    import mcp  # noqa: F401
except ImportError:
    pytest.skip("the MCP SDK is not installed (pip install -e '.[test]' installs it)", allow_module_level=True)

from support.mcp_client import TOOL_NAMES, McpClient
from support.paths import EXAMPLES, ROOT, read_exact

SECTION = ROOT.joinpath("README.md").read_text(encoding="utf-8").split("## AI agents", 1)[1].split("\n## ", 1)[0]
# the virtual environment's bin first, as a user who installed fz-lsp[mcp] there has it on PATH
BIN = str(Path(sys.executable).parent)
HOST_ENV = {**os.environ, "PATH": BIN + os.pathsep + os.environ.get("PATH", "")}
GITOPS = read_exact(EXAMPLES / "gitops.fz")


def configured_commands() -> list[tuple[str, list[str]]]:
    """(command, args) of every configuration in the section: the JSON files and `claude mcp add`."""
    found = []
    for block in re.findall(r"```json\n(.*?)```", SECTION, re.DOTALL):
        config = json.loads(block)
        servers = config.get("mcpServers") or config["servers"]
        entry = servers["fz-lsp"]
        assert entry.get("type", "stdio") == "stdio"
        found.append((entry["command"], entry["args"]))
    for line in re.findall(r"^claude mcp add .*$", SECTION, re.MULTILINE):
        command = line.split("#")[0].split(" -- ", 1)[1].split()
        found.append((command[0], command[1:]))
    return found


def test_the_section_configures_each_host() -> None:
    assert configured_commands() == [("fz-lsp", ["mcp"])] * 5  # .mcp.json, Cursor, VS Code, two claude lines
    assert ".vscode/mcp.json" in SECTION and ".cursor/mcp.json" in SECTION and "`.mcp.json`" in SECTION
    assert [name for name in TOOL_NAMES if f"`{name}`" not in SECTION] == []


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("fz-lsp", path=HOST_ENV["PATH"]) is None, reason="no fz-lsp script beside python")
def test_each_configured_command_starts_the_server() -> None:
    for command, args in sorted(set((c, tuple(a)) for c, a in configured_commands())):
        with McpClient([command, *args], env=HOST_ENV) as client:
            assert [tool.name for tool in client.list_tools()] == TOOL_NAMES
            result = client.call("flowzap_validate", {"code": GITOPS})
            assert result.structured_content == {"valid": True, "diagnostics": []}
