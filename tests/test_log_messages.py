"""Server logging: `window/logMessage` at the record's level, standard error for failures.

A client shows everything the server writes to standard error as an error
(vscode-languageclient logs each line as `[error]`), so a normal session must write
nothing there: the start-up line is an Info log message and pygls's warnings are Warning
log messages. Real failures (ERROR records, tracebacks) still go to standard error.

Every test drives a real server process. The pytest-lsp servers run under `sh -c 'exec
... 2>FILE'` so that the test reads exactly what the process wrote to standard error.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from support.commands import SERVER_COMMAND, SERVER_ENV
from support.lsp import Session, eventually, initialize_params
from support.lsp_process import LspProcess, frame
from support.paths import ROOT

STDERR_DIR = Path(tempfile.mkdtemp(prefix="fz-lsp-stderr-"))


def _config(stderr_file: Path) -> ClientServerConfig:
    """The real server, its standard error written to `stderr_file`."""
    return ClientServerConfig(
        server_command=[
            "sh",
            "-c",
            'exec "$@" 2>"$FZ_TEST_STDERR"',
            "sh",
            *SERVER_COMMAND,
        ],
        server_env={**SERVER_ENV, "FZ_TEST_STDERR": str(stderr_file)},
    )


MODULE_STDERR = STDERR_DIR / "module.txt"
SESSION_STDERR = STDERR_DIR / "session.txt"

START_UP = f"fz-lsp {__import__('fz_lsp').__version__}: Python "

DOC = 'User { # User\nn1: circle label:"Start"\nn2: rectangle label:"Review"\nn1.handle(right) -> n2.handle(left)\n}\n'


@pytest.fixture(scope="module", autouse=True)
def _remove_stderr_files():
    yield
    shutil.rmtree(STDERR_DIR, ignore_errors=True)


@pytest_lsp.fixture(scope="module", config=_config(MODULE_STDERR))
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(initialize_params())
    yield
    await lsp_client.shutdown_session()


in_module_loop = pytest.mark.asyncio(loop_scope="module")


def _messages(client: LanguageClient) -> list[tuple[types.MessageType, str]]:
    return [(m.type, m.message) for m in client.log_messages]


@in_module_loop
@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
async def test_the_start_up_line_is_an_info_log_message(client: LanguageClient):
    await eventually(
        lambda: any(m.startswith(START_UP) for _, m in _messages(client)),
        10,
        "the start-up line",
    )
    [(kind, line)] = [(k, m) for k, m in _messages(client) if m.startswith(START_UP)]
    assert kind == types.MessageType.Info
    assert line.endswith(f"fz_lsp from {ROOT / 'fz_lsp'}"), line
    assert MODULE_STDERR.read_text() == ""


@in_module_loop
async def test_a_pygls_warning_is_a_warning_log_message_not_stderr(
    client: LanguageClient,
):
    client.protocol.notify("flowzap/noSuchNotification", {})
    expected = "pygls.protocol.json_rpc: Ignoring notification for unknown method 'flowzap/noSuchNotification'"
    await eventually(
        lambda: (types.MessageType.Warning, expected) in _messages(client),
        10,
        "the pygls warning",
    )
    assert MODULE_STDERR.read_text() == ""


@in_module_loop
async def test_cancelling_an_answered_request_is_silent(client: LanguageClient):
    """VS Code cancels requests that have already been answered all the time; pygls warns
    about each one. That is a normal race, not worth a line anywhere."""
    session = Session(client)
    uri = await session.open(DOC, "cancel")
    before = len(client.log_messages)
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(1, 0),
        )
    )
    assert hover is not None
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=10_000))
    # a request after the cancel: once it is answered, the cancel has been handled
    await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(2, 0),
        )
    )
    assert _messages(client)[before:] == []
    assert MODULE_STDERR.read_text() == ""


@in_module_loop
async def test_a_fz_lsp_warning_is_a_warning_log_message(client: LanguageClient):
    """fz-lsp's own warnings (here: didChange for a document that is not open)."""
    uri = "file:///tmp/fz-tests/never-opened.fz"
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text="")],
        )
    )
    expected = f"didChange for a document that is not open: {uri}"
    await eventually(
        lambda: (types.MessageType.Warning, expected) in _messages(client),
        10,
        "the warning",
    )
    assert MODULE_STDERR.read_text() == ""


@pytest_lsp.fixture(config=_config(SESSION_STDERR))
async def fresh(lsp_client: LanguageClient):
    yield  # the test runs the whole session itself, exit included


@pytest.mark.slow
@pytest.mark.asyncio(loop_scope="function")
async def test_a_normal_session_writes_nothing_to_standard_error(fresh: LanguageClient):
    client = fresh
    await client.initialize_session(initialize_params())
    session = Session(client)
    uri = await session.open(DOC, "normal")
    diagnostics = await session.change(uri, 2, (4, 0), (4, 0), "n2.handle(bottom) -> n9.handle(top)\n")
    assert [d.code for d in diagnostics] == ["undefined-node"]
    completion = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(3, 20),
        )
    )
    assert completion is not None and completion.items
    await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(1, 0),
        )
    )
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="flowzap.preview", arguments=[{"uri": uri}])
    )
    session.close(uri)
    await client.shutdown_session()  # shutdown + exit, then waits for the process to end
    assert client._server is not None and client._server.returncode == 0
    assert SESSION_STDERR.read_text() == ""
    kinds = {kind for kind, _ in _messages(client)}
    assert kinds == {types.MessageType.Info}, _messages(client)


# -- raw protocol: before initialize, never initialized, real failures --------------------

NOT_JSON_RPC_2 = {"method": "textDocument/didOpen", "params": {}}


def _log_messages(srv: LspProcess) -> list[tuple[int, str]]:
    return [
        (n["params"]["type"], n["params"]["message"]) for n in srv.notifications if n["method"] == "window/logMessage"
    ]


@pytest.mark.slow
def test_records_before_initialize_are_sent_once_it_arrives():
    srv = LspProcess()
    try:
        srv.send(NOT_JSON_RPC_2)  # logged as a warning before any session exists
        srv.initialize()
        srv.wait(lambda: len(_log_messages(srv)) >= 2, 10, "the held records")
        first, second = _log_messages(srv)[:2]
        assert first[0] == types.MessageType.Info.value and first[1].startswith(START_UP), first
        assert second[0] == types.MessageType.Warning.value, second
        assert second[1].startswith("ignoring a message that is not JSON-RPC 2.0"), second
        assert srv.shutdown_and_exit() == 0
        assert srv.stderr_text() == ""
    finally:
        srv.kill()


@pytest.mark.slow
def test_a_server_that_is_never_initialized_says_its_start_up_line_on_stderr():
    """No client ever listened: what was held goes to standard error at exit."""
    srv = LspProcess()
    try:
        srv.proc.stdin.close()  # end of input before initialize
        assert srv.wait_exit(30) == 0, srv.stderr_text()
        srv.wait(lambda: START_UP in srv.stderr_text(), 10, "the start-up line on stderr")
        assert srv.stderr_text().startswith("fz-lsp INFO fz_lsp.lsp.log_forwarding: " + START_UP), srv.stderr_text()
        assert _log_messages(srv) == []
    finally:
        srv.kill()


@pytest.mark.slow
def test_a_real_failure_goes_to_stderr_and_not_to_the_client():
    """A message that is not JSON at all: pygls logs an ERROR with the traceback."""
    srv = LspProcess()
    try:
        srv.initialize()
        srv.wait(lambda: _log_messages(srv), 10, "the start-up line")
        srv.send_bytes(frame(b"{this is not json"))
        srv.wait(lambda: "JSONDecodeError" in srv.stderr_text(), 10, "the failure on stderr")
        assert srv.stderr_text().startswith("fz-lsp ERROR pygls.server: Unable to handle message\nTraceback"), (
            srv.stderr_text()
        )
        assert srv.result("shutdown") is None  # still serving
        srv.notify("exit")
        assert srv.wait_exit(30) == 0
        assert all(kind != types.MessageType.Error.value for kind, _ in _log_messages(srv)), _log_messages(srv)
    finally:
        srv.kill()


def test_the_message_types_and_what_is_forwarded():
    from fz_lsp.lsp.log_forwarding import message_type, wanted

    assert message_type(logging.WARNING) == types.MessageType.Warning
    assert message_type(logging.INFO) == types.MessageType.Info
    assert message_type(logging.DEBUG) == types.MessageType.Log

    def record(name: str, level: int, msg: str = "x") -> logging.LogRecord:
        return logging.LogRecord(name, level, __file__, 1, msg, (), None)

    assert wanted(record("fz_lsp.lsp.server", logging.INFO))
    assert not wanted(record("fz_lsp.lsp.server", logging.DEBUG))
    assert wanted(record("pygls.protocol.json_rpc", logging.WARNING))
    assert not wanted(record("pygls.protocol.json_rpc", logging.INFO))  # "Sending data: ..." for every message
    assert not wanted(
        record(
            "pygls.protocol.json_rpc",
            logging.WARNING,
            'Cancel notification for unknown message id "%s"',
        )
    )
    assert wanted(record("pygls.server", logging.ERROR, "Unable to handle message"))


def test_python_warnings_become_warning_log_messages():
    """A library's `warnings.warn` would print to stderr (an `[error]` line in VS Code);
    `install` routes it like any other record. In process, with a recorder standing in
    for the server's one method the handler calls (no client can make a real server warn)."""
    import warnings

    from fz_lsp.lsp import log_forwarding

    class Recorder:
        def __init__(self) -> None:
            self.sent: list[types.LogMessageParams] = []

        def window_log_message(self, params: types.LogMessageParams) -> None:
            self.sent.append(params)

    recorder = Recorder()
    root = logging.getLogger()
    handlers, own_level = list(root.handlers), logging.getLogger("fz_lsp").level
    try:
        handler = log_forwarding.install(recorder)
        log_forwarding.session_started(recorder)
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.warn("this API is going away", DeprecationWarning, stacklevel=1)
        log_forwarding.session_ended(recorder)
        assert [m.type for m in recorder.sent] == [types.MessageType.Info, types.MessageType.Warning]
        assert recorder.sent[0].message.startswith(START_UP)
        assert recorder.sent[1].message.startswith("py.warnings: ")
        assert "DeprecationWarning: this API is going away" in recorder.sent[1].message
    finally:
        logging.captureWarnings(False)
        root.removeHandler(handler)
        root.handlers[:] = handlers
        logging.getLogger("fz_lsp").setLevel(own_level)
