"""Start-up: what the server announces and what it loads before the first diagnostics.

- The initialize answer is pinned, whole: handlers whose modules load on first use
  (fz_lsp/lsp/server.py's registration table) are announced exactly as before.
- Importing the server, and serving `initialize` and a first `didOpen` through to its
  diagnostics, loads neither the renderer, the browser preview, the code actions, share,
  the language features nor lark (when the document's line shapes are known); each is
  checked in a fresh interpreter's `sys.modules`.
- A real server process started as editors start it (`python -m fz_lsp --stdio`, the
  `fz-lsp --stdio` entry point) loads none of those either, nor the command line's parser
  (argparse) or the standard modules only other paths need (NOT_AT_START_STDLIB): read from
  its own import log (`PYTHONPROFILEIMPORTTIME`), its names only.
No timing is asserted here (issue 24's figures come from `python -X importtime` and benchmarks/).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from fz_lsp.base.i18n import LOCALE_DIR
from support.commands import SERVER_COMMAND, SERVER_ENV
from support.lsp_process import LspProcess, default_capabilities
from support.paths import EXAMPLES, ROOT

CODE_ACTION_KINDS = ["quickfix", "source", "source.renumberNodes", "source.fixAll", "source.fixAll.flowzap"]
COMMANDS = [
    "flowzap.preview",
    "flowzap.export",
    "flowzap.openBrowserPreview",
    "flowzap.sourceRanges",
    "flowzap.shareUrl",
    "flowzap.openInFlowZap",
]
TOKEN_TYPES = ["namespace", "variable", "type", "property", "string", "enumMember", "operator", "keyword", "comment"]


def expected_capabilities(encoding: str, rename: object) -> dict:
    return {
        "codeActionProvider": {"codeActionKinds": CODE_ACTION_KINDS},
        "completionProvider": {"triggerCharacters": [".", "(", ":", "[", " "]},
        "definitionProvider": True,
        "documentFormattingProvider": True,
        "documentHighlightProvider": True,
        "documentRangeFormattingProvider": True,
        "documentSymbolProvider": True,
        "executeCommandProvider": {"commands": COMMANDS},
        "foldingRangeProvider": True,
        "hoverProvider": True,
        "inlayHintProvider": {"resolveProvider": False},
        "positionEncoding": encoding,
        "referencesProvider": True,
        "renameProvider": rename,
        "selectionRangeProvider": True,
        "semanticTokensProvider": {
            "full": True,
            "legend": {"tokenModifiers": ["declaration", "documentation"], "tokenTypes": TOKEN_TYPES},
            "range": True,
        },
        "textDocumentSync": {"change": 2, "openClose": True, "save": True},
        "workspace": {"fileOperations": {}, "workspaceFolders": {"changeNotifications": True, "supported": True}},
    }


PREPARE_RENAME = {
    "general": {"positionEncodings": ["utf-8", "utf-16"]},
    "textDocument": {"rename": {"prepareSupport": True}},
}


@pytest.mark.parametrize(
    ("capabilities", "encoding", "rename"),
    [
        (default_capabilities(), "utf-16", True),
        ({}, "utf-16", True),
        (PREPARE_RENAME, "utf-8", {"prepareProvider": True}),
    ],
    ids=["tests' client", "no capabilities", "utf-8 and prepareRename"],
)
@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_the_initialize_answer_is_pinned(capabilities: dict, encoding: str, rename: object) -> None:
    server = LspProcess()
    try:
        result = server.initialize(capabilities=capabilities)
        assert result == {
            "capabilities": expected_capabilities(encoding, rename),
            "serverInfo": {"name": "fz-lsp", "version": "0.1.0"},
        }
        assert server.shutdown_and_exit() == 0
    finally:
        server.kill()


# what the first diagnostics never need (each loads when a request first asks for it)
NOT_AT_START = (
    "fz_lsp.render",
    "fz_lsp.lsp.browser_preview",
    "fz_lsp.features.code_actions",
    "fz_lsp.features.share",
    "fz_lsp.features.completion",
    "fz_lsp.features.hover",
    "fz_lsp.features.semantic_tokens",
    "fz_lsp.features.inlay_hints",
    "fz_lsp.features.navigation",
    "fz_lsp.features.rename",
    "fz_lsp.features.formatting",
    "fz_lsp.features.reveal",
    "lark",
)


# what a server started by an editor never loads in a session of initialize, didOpen of the
# seed example (its line shapes known) and shutdown: the command line's parser, and standard
# modules that only other paths need (spelling suggestions, saving new shapes, message catalogs)
NOT_AT_START_STDLIB = (
    "fz_lsp.cli.arguments",
    "argparse",
    "shutil",
    "difflib",
    "tempfile",
    "gettext",
)


def _loaded_in_a_fresh_interpreter(code: str, env: dict | None = None) -> dict:
    """Run `code` (which leaves its findings in `out`) in a new interpreter; `out` as JSON,
    with `modules`: every module then in sys.modules."""
    script = f"import json, sys\nout = {{}}\n{code}\nout['modules'] = sorted(sys.modules)\nprint(json.dumps(out))\n"
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env or SERVER_ENV,
        cwd=str(ROOT),
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def _unwanted(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == name or m.startswith(name + ".") for name in NOT_AT_START)]


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_importing_the_server_loads_no_renderer_preview_code_actions_or_lark() -> None:
    loaded = _loaded_in_a_fresh_interpreter("import fz_lsp.lsp.server")
    assert _unwanted(loaded["modules"]) == []
    assert "fz_lsp.lsp.server" in loaded["modules"]


FIRST_DIAGNOSTICS = """
import asyncio
import gettext

catalogs = []  # the message catalogs read (fz_lsp.base.i18n reads them with GNUTranslations)


class Catalog(gettext.GNUTranslations):
    def __init__(self, fp=None):
        catalogs.append(fp.name)
        super().__init__(fp)


gettext.GNUTranslations = Catalog
from fz_lsp.lsp.server import server

sent = []

class Wire:
    def write(self, data):
        sent.append(json.loads(data))
    def close(self):
        pass

proto = server.protocol
proto.set_writer(Wire(), include_headers=False)

def send(message):
    proto.handle_message(proto.structure_message({"jsonrpc": "2.0", **message}))

async def session():
    send({"id": 1, "method": "initialize", "params": {"capabilities": {}}})
    send({"method": "initialized", "params": {}})
    send({"method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": "file:///start.fz", "languageId": "flowzap", "version": 1, "text": TEXT}}})
    for _ in range(200):
        await asyncio.sleep(0.01)
        if any(m.get("method") == "textDocument/publishDiagnostics" for m in sent):
            break

asyncio.run(session())
out["published"] = [m["params"] for m in sent if m.get("method") == "textDocument/publishDiagnostics"]
out["catalogs"] = catalogs
"""


@pytest.mark.parametrize(("language", "catalogs"), [("en", []), ("fr", ["fr/LC_MESSAGES/fz_lsp.mo"])])
@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_serving_the_first_diagnostics_loads_only_what_they_need(tmp_path, language: str, catalogs: list[str]) -> None:
    """In a fresh interpreter: initialize, initialized, didOpen of the seed example, its
    diagnostics published; none of NOT_AT_START was loaded (lark neither: the example's line
    shapes were saved by an earlier process, as on every start but a machine's first), and
    no message catalog but the user's language's was read."""
    text = (EXAMPLES / "gitops.fz").read_text(encoding="utf-8")
    env = {**SERVER_ENV, "FZ_LSP_CACHE_DIR": str(tmp_path), "LANGUAGE": language}
    code = FIRST_DIAGNOSTICS.replace("TEXT", json.dumps(text))
    first = _loaded_in_a_fresh_interpreter(code, env)  # learns and saves the example's line shapes
    assert [p["diagnostics"] for p in first["published"]] == [[]]
    assert os.listdir(tmp_path)  # the shape cache is there to be used
    loaded = _loaded_in_a_fresh_interpreter(code, env)
    assert [p["diagnostics"] for p in loaded["published"]] == [[]]
    assert _unwanted(loaded["modules"]) == []
    assert [Path(c).relative_to(LOCALE_DIR).as_posix() for c in loaded["catalogs"]] == catalogs


def test_the_announced_options_are_the_features_own() -> None:
    """The server writes out what it announces (so that announcing loads no feature): the
    same values as the features that answer."""
    from fz_lsp.features import code_actions, completion, semantic_tokens
    from fz_lsp.lsp import server

    assert server.COMPLETION_OPTIONS.trigger_characters == list(completion.TRIGGER_CHARACTERS)
    assert server.SEMANTIC_TOKENS_LEGEND.token_types == list(semantic_tokens.TOKEN_TYPES)
    assert server.SEMANTIC_TOKENS_LEGEND.token_modifiers == list(semantic_tokens.TOKEN_MODIFIERS)
    assert server.CODE_ACTION_OPTIONS.code_action_kinds == list(code_actions.KINDS)


def test_every_handler_loaded_on_first_use_exists_and_runs_as_the_table_says() -> None:
    """Each row of the table names a function of its handlers module, a coroutine function
    exactly when the row says so (pygls runs the one at once, schedules the other)."""
    import importlib
    import inspect

    from fz_lsp.lsp import server

    rows = [(module, function, is_async) for _, _, module, function, is_async in server.ON_FIRST_USE]
    rows += [(module, function, is_async) for _, module, function, is_async in server.COMMANDS]
    for module, function, is_async in rows:
        handler = getattr(importlib.import_module(f"fz_lsp.lsp.handlers.{module}"), function)
        assert inspect.iscoroutinefunction(handler) == is_async, (module, function)
    registered = server.server.protocol.fm
    assert set(registered.features) == {method for method, _ in server.AT_START} | {
        method for method, *_ in server.ON_FIRST_USE
    }
    assert list(registered.commands) == [command for command, *_ in server.COMMANDS]


def _entry_point() -> list[str]:
    script = Path(sys.executable).with_name("fz-lsp")
    if not script.is_file():
        pytest.skip(f"no fz-lsp entry point beside {sys.executable} (the package is not installed)")
    return [str(script), "--stdio"]


_IMPORT_LINE = re.compile(r"import time:\s+\d+ \|\s+\d+ \| *(\S+)$", re.MULTILINE)


def _modules_of_a_session(command: list[str], env: dict) -> list[str]:
    """Every module a real server process imports in a session of initialize, didOpen of the
    seed example, its diagnostics and shutdown (read from its import log on standard error)."""
    server = LspProcess(command, env={**env, "PYTHONPROFILEIMPORTTIME": "1"})
    try:
        server.initialize()
        uri = (EXAMPLES / "gitops.fz").as_uri()
        server.open(uri, (EXAMPLES / "gitops.fz").read_text(encoding="utf-8"))
        assert server.diagnostics(uri, 1) == []
        assert server.shutdown_and_exit() == 0
        log = server.all_stderr()
    finally:
        server.kill()
    return _IMPORT_LINE.findall(log)


@pytest.mark.parametrize("command", ["python -m fz_lsp --stdio", "fz-lsp --stdio"])
@pytest.mark.slow  # two server processes
def test_a_server_started_by_an_editor_loads_only_what_its_first_diagnostics_need(tmp_path, command: str) -> None:
    """A real process, started as an editor starts it, in English: none of NOT_AT_START nor
    NOT_AT_START_STDLIB is ever imported (the seed example's line shapes were saved by an
    earlier process, as on every start but a machine's first)."""
    argv = SERVER_COMMAND if command.startswith("python") else _entry_point()
    env = {**SERVER_ENV, "FZ_LSP_CACHE_DIR": str(tmp_path), "LANGUAGE": "en"}
    _modules_of_a_session(argv, env)  # learns and saves the example's line shapes
    modules = _modules_of_a_session(argv, env)
    assert "fz_lsp.lsp.server" in modules and "fz_lsp.diagnostics" in modules  # the log is read whole
    assert _unwanted(modules) == []
    assert [m for m in modules if m in NOT_AT_START_STDLIB] == []
