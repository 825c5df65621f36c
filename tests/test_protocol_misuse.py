"""Protocol misuse: a client that gets things wrong never breaks the server.

Every test drives a real `fz-lsp --stdio` process through `LspProcess`, a small raw
JSON-RPC client (stdlib only) that can send anything, well formed or not, and sees every
byte the server writes (tests/support/lsp_process.py; the other reliability tests, fuzzing,
limits, isolation, use it too).

What a misbehaving client gets: a request always gets an answer (a result, or a JSON-RPC
error with a clear message); a notification it got wrong is ignored (and logged); the
server keeps working and exits 0 after shutdown + exit, 1 after exit alone.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from fz_lsp.lsp.window import SHOW_DOCUMENT_TIMEOUT_S
from support.client_text import check_ranges_inside, diagnostic_key, expected_diagnostics
from support.commands import SERVER_ENV
from support.lsp_process import (
    DOCUMENT_REQUESTS,
    GOOD,
    INVALID_PARAMS,
    INVALID_REQUEST,
    METHOD_NOT_FOUND,
    NO_ANSWER,
    REQUEST_CANCELLED,
    REQUEST_FAILED,
    SERVER_NOT_INITIALIZED,
    LspProcess,
    assert_answer,
    default_capabilities,
    frame,
    range_,
    request_params,
    text_position,
    whole,
)
from support.paths import ROOT

# ---------------------------------------------------------------------------
# fixtures


@pytest.fixture(scope="module")
def server():
    srv = LspProcess()
    srv.initialize()
    yield srv
    if srv.alive():
        assert srv.shutdown_and_exit() == 0, srv.stderr_tail()
    srv.kill()


@pytest.fixture
def fresh():
    """A server of its own, for tests that end it."""
    srv = LspProcess()
    yield srv
    srv.kill()


_docs = itertools.count(1)


def new_uri(name: str = "doc") -> str:
    return f"file:///tmp/fz-misuse/{name}-{next(_docs)}.fz"


def still_works(srv: LspProcess) -> None:
    """The server answers and publishes diagnostics for a fresh document."""
    uri = new_uri("alive")
    srv.open(uri, GOOD)
    assert srv.diagnostics(uri, 1) == []
    hover = srv.result("textDocument/hover", text_position(uri, 3, 1))
    assert hover is not None and "Code Change" in json.dumps(hover)
    srv.close(uri)
    assert srv.alive()


# ---------------------------------------------------------------------------
# documents that are not open


@pytest.mark.parametrize("method", DOCUMENT_REQUESTS)
@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_request_for_a_document_never_opened(server: LspProcess, method: str):
    uri = new_uri("never-opened")
    message = server.call(method, request_params(method, uri, 0, 0))
    assert_answer(message)
    if "error" in message and message["error"]["code"] == INVALID_PARAMS:
        assert "not open" in message["error"]["message"] or "uri" in message["error"]["message"].lower(), message


@pytest.mark.parametrize("method", DOCUMENT_REQUESTS)
def test_request_for_a_closed_document(server: LspProcess, method: str):
    uri = new_uri("closed")
    server.open(uri, GOOD)
    server.diagnostics(uri, 1)
    server.close(uri)
    assert_answer(server.call(method, request_params(method, uri, 1, 1)))
    # closing clears the diagnostics
    server.wait(lambda: server.latest_diagnostics(uri)["diagnostics"] == [], 10, "cleared diagnostics")


def test_notifications_for_unopened_documents_are_ignored(server: LspProcess):
    uri = new_uri("ghost")
    server.change(uri, 2, [{"range": range_(0, 0, 0, 0), "text": "x"}])
    server.close(uri)
    server.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    still_works(server)
    assert uri not in server.publications or all(not p["diagnostics"] for p in server.publications[uri])


# ---------------------------------------------------------------------------
# positions outside the document


POSITIONS = [(0, 10_000), (5, 2**31 - 1), (10_000, 0), (2**31 - 1, 2**31 - 1), (9, 0), (10, 0), (10, 5)]


@pytest.mark.parametrize("method", DOCUMENT_REQUESTS)
def test_positions_past_the_end(server: LspProcess, method: str):
    uri = new_uri("past-end")
    server.open(uri, GOOD)
    server.diagnostics(uri, 1)
    for line, character in POSITIONS:
        message = server.call(method, request_params(method, uri, line, character))
        assert_answer(message)
        assert_inside(message.get("result"), GOOD)
    server.close(uri)


def assert_inside(value: Any, text: str) -> None:
    """Every Range and Position in `value` lies inside `text` (UTF-16 columns)."""
    check_ranges_inside(value, text)


def test_negative_and_non_integer_positions_are_invalid_params(server: LspProcess):
    uri = new_uri("negative")
    server.open(uri, GOOD)
    server.diagnostics(uri, 1)
    for pos in (
        {"line": -1, "character": 0},
        {"line": 0, "character": -5},
        {"line": "1", "character": 0},
        {"line": 1.5, "character": 0},
        {"line": None, "character": 0},
        {},
    ):
        message = server.call("textDocument/hover", {"textDocument": {"uri": uri}, "position": pos}, timeout=10)
        assert_answer(message)
    still_works(server)


# ---------------------------------------------------------------------------
# invalid parameters and unknown methods


BAD_PARAMS = [
    ("textDocument/hover", {"textDocument": {"uri": "file:///x.fz"}}),  # no position
    ("textDocument/hover", {"position": {"line": 0, "character": 0}}),  # no document
    ("textDocument/hover", None),
    ("textDocument/hover", []),
    ("textDocument/hover", "nonsense"),
    ("textDocument/completion", {"textDocument": "file:///x.fz", "position": {"line": 0, "character": 0}}),
    ("textDocument/rename", {"textDocument": {"uri": "file:///x.fz"}, "position": {"line": 0, "character": 0}}),
    ("textDocument/codeAction", {"textDocument": {"uri": "file:///x.fz"}, "range": {}, "context": {}}),
    ("textDocument/formatting", {"textDocument": {"uri": "file:///x.fz"}}),
    ("workspace/executeCommand", {"arguments": []}),
    ("workspace/executeCommand", {"command": 42}),
]


@pytest.mark.parametrize("method, params", BAD_PARAMS, ids=[f"{m}-{i}" for i, (m, _) in enumerate(BAD_PARAMS)])
def test_invalid_params_get_an_error_response(server: LspProcess, method: str, params: Any):
    message = server.call(method, params, timeout=10)
    assert "error" in message, message
    assert message["error"]["code"] in (INVALID_PARAMS, INVALID_REQUEST), message
    assert server.alive()


def test_invalid_notification_params_are_ignored(server: LspProcess):
    server.notify("textDocument/didOpen", {"textDocument": {"uri": 5}})
    server.notify("textDocument/didOpen", None)
    server.notify("textDocument/didChange", {"textDocument": {"uri": "file:///x.fz"}, "contentChanges": "x"})
    server.notify("textDocument/didClose", [])
    server.notify("workspace/didChangeConfiguration", {"settings": {"flowzap": {"diagnostics": {"delayMs": "soon"}}}})
    server.notify("workspace/didChangeConfiguration", {"settings": [1, 2, 3]})
    still_works(server)


def test_unknown_method_is_method_not_found(server: LspProcess):
    message = server.call("flowzap/doesNotExist", {"x": 1}, timeout=10)
    assert message["error"]["code"] == METHOD_NOT_FOUND, message
    server.notify("flowzap/unknownNotification", {"x": 1})
    server.notify("$/somethingOptional", {})
    message = server.call("$/optionalRequest", {}, timeout=10)
    assert message["error"]["code"] == METHOD_NOT_FOUND, message
    still_works(server)


@pytest.mark.parametrize("command", ["flowzap.noSuchCommand", "", "editor.action.triggerSuggest"])
def test_unknown_command_is_an_error(server: LspProcess, command: str):
    message = server.call("workspace/executeCommand", {"command": command, "arguments": []}, timeout=10)
    assert message["error"]["code"] in (INVALID_PARAMS, METHOD_NOT_FOUND, REQUEST_FAILED), message
    assert command in message["error"]["message"] or "command" in message["error"]["message"].lower()


@pytest.mark.parametrize(
    "arguments",
    [
        None,
        [],
        ["file:///nope.fz"],
        [{"uri": "file:///nope.fz"}],
        [{"uri": 5, "view": "workflow"}],
        [{"view": "nope"}],
        [1, 2, 3],
    ],
)
def test_preview_command_with_bad_arguments(server: LspProcess, arguments):
    params = {"command": "flowzap.preview"}
    if arguments is not None:
        params["arguments"] = arguments
    message = server.call("workspace/executeCommand", params, timeout=10)
    assert_answer(message)
    assert server.alive()


def test_malformed_messages_do_not_break_the_server(server: LspProcess):
    for body in (
        b"{not json",
        b"[]",
        b"42",
        b'"text"',
        b"null",
        b'{"jsonrpc": "2.0"}',
        b'{"jsonrpc": "1.0", "id": 77, "method": "shutdown"}',
        b'{"id": 78, "method": "textDocument/hover"}',
        b'{"jsonrpc": "2.0", "method": 5}',
        "\u00e9".encode("latin-1"),
        b'{"jsonrpc": "2.0", "id": {"a": 1}, "method": "textDocument/hover", "params": {}}',
    ):
        server.send_bytes(frame(body))
    server.send_bytes(b"Content-Length: 0\r\n\r\n")
    server.send_bytes(b"X-Unknown-Header: 1\r\n" + frame(b'{"jsonrpc": "2.0", "method": "flowzap/ignored"}'))
    still_works(server)


def test_lone_surrogates_and_nul_in_text(server: LspProcess):
    uri = new_uri("surrogates")
    # JSON lets a client send lone surrogates (JavaScript strings may hold them)
    text = 'A { # \ud800 lone\nn1: circle label:"\udfff\x00\u0001"\n\ud83d\ude00}\n'
    server.open(uri, text)
    diags = server.diagnostics(uri, 1)
    assert_inside(diags, text)
    for method in DOCUMENT_REQUESTS:
        for line, character in ((0, 6), (1, 20), (2, 1)):
            message = server.call(method, request_params(method, uri, line, character))
            assert_answer(message)
            assert_inside(message.get("result"), text)
    server.change(uri, 2, [{"range": range_(0, 6, 0, 7), "text": "\udc00\ud800"}])
    server.diagnostics(uri, 2)
    still_works(server)


# ---------------------------------------------------------------------------
# text sync misuse: the text stays what the client sent


def test_out_of_order_versions_keep_every_change(server: LspProcess):
    uri = new_uri("versions")
    server.open(uri, "A { # A\n}\n", version=5)
    server.diagnostics(uri, 5)
    # versions going backwards, repeating, or absent: the changes are still applied in order
    server.change(uri, 3, [{"range": range_(1, 0, 1, 0), "text": 'n1: circle label:"x"\n'}])
    server.change(uri, 3, [{"range": range_(2, 0, 2, 0), "text": "n2: circle\n"}])
    server.change(uri, 9, [{"range": range_(3, 0, 3, 0), "text": "n1.handle(right) -> n2.handle(left)\n"}])
    server.change(uri, 7, [{"range": range_(2, 10, 2, 10), "text": ' label:"y"'}])
    diags = server.diagnostics(uri, 7)
    assert diags == [], diags  # the text is the complete, valid diagram
    formatted = server.result("textDocument/formatting", request_params("textDocument/formatting", uri, 0, 0))
    assert formatted == [], formatted


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_a_burst_of_changes_publishes_only_fresh_diagnostics(fresh: LspProcess):
    fresh.initialize(options={"flowzap": {"diagnostics": {"delayMs": 100}}})
    uri = new_uri("burst")
    fresh.open(uri, GOOD)
    fresh.diagnostics(uri, 1)
    text = GOOD
    for version in range(2, 40):
        insert = "x" if version % 3 else "\n"
        fresh.change(uri, version, [{"range": range_(1, 0, 1, 0), "text": insert}])
        text = text.replace("\n", "\n" + insert, 1)
    final = fresh.diagnostics(uri, 39)
    assert [diagnostic_key(d) for d in final] == expected_diagnostics(text, uri)
    time.sleep(0.3)
    versions = [p["version"] for p in fresh.publications[uri]]
    assert versions == sorted(versions) and versions[-1] == 39, versions  # never a stale version after a newer one
    assert len(versions) < 10, versions  # debounced, not one per keystroke
    assert fresh.shutdown_and_exit() == 0


def test_change_ranges_out_of_bounds_are_clamped(server: LspProcess):
    uri = new_uri("clamp")
    server.open(uri, "A { # A\n}\n")
    server.diagnostics(uri, 1)
    server.change(uri, 2, [{"range": range_(50, 0, 60, 0), "text": "B { # B\n}\n"}])  # past the end: appended
    server.change(uri, 3, [{"range": range_(0, 900, 0, 999), "text": " tail"}])  # past the end of a line: at its end
    server.change(uri, 4, [{"range": range_(1, 1, 1, 0), "text": ""}])  # end before start: treated as swapped
    diags = server.diagnostics(uri, 4)
    assert_inside(diags, "A { # A tail\n}\nB { # B\n}\n")
    symbols = server.result("textDocument/documentSymbol", whole(uri))
    assert [s["name"] for s in symbols] == ["A", "B"], symbols


def test_full_text_changes_and_reopen(server: LspProcess):
    uri = new_uri("full")
    server.open(uri, "garbage")
    server.diagnostics(uri, 1)
    server.change(uri, 2, [{"text": GOOD}])
    assert server.diagnostics(uri, 2) == []
    count = len(server.publications[uri])
    server.open(uri, "x", version=7)  # didOpen twice: the new text wins
    server.wait(lambda: len(server.publications[uri]) > count, 10, "diagnostics of the reopened text")
    assert server.publications[uri][-1]["version"] == 7 and server.publications[uri][-1]["diagnostics"] != []
    # a full change then an incremental one in the same notification
    server.change(uri, 8, [{"text": GOOD}, {"range": range_(0, 0, 0, 9), "text": "Dev"}])
    diags = server.diagnostics(uri, 8)
    symbols = server.result("textDocument/documentSymbol", whole(uri))
    assert [s["name"] for s in symbols] == ["Dev", "CICD"], symbols
    assert diags == [], diags


# ---------------------------------------------------------------------------
# malformed answers to the server's own requests


@pytest.mark.slow
@pytest.mark.parametrize("reply", [None, 42, "text", [1, 2], {"unexpected": True}])
def test_malformed_configuration_answer(fresh: LspProcess, reply):
    fresh.server_requests["workspace/configuration"] = lambda message: reply
    caps = {
        **default_capabilities(),
        "workspace": {"configuration": True, "didChangeConfiguration": {"dynamicRegistration": False}},
    }
    fresh.initialize(capabilities=caps)
    fresh.notify("workspace/didChangeConfiguration", {"settings": None})
    still_works(fresh)
    assert fresh.shutdown_and_exit() == 0, fresh.stderr_tail()


@pytest.mark.slow
@pytest.mark.parametrize("reply", [None, 42, {"success": "yes"}, {"success": False}])
def test_malformed_show_document_answer_still_answers_the_preview(fresh: LspProcess, reply):
    _preview_answers_its_url(fresh, reply)


@pytest.mark.slow
def test_unanswered_show_document_still_answers_the_preview(fresh: LspProcess):
    started = time.monotonic()
    _preview_answers_its_url(fresh, NO_ANSWER)  # after SHOW_DOCUMENT_TIMEOUT_S
    assert time.monotonic() - started >= SHOW_DOCUMENT_TIMEOUT_S
    shown = [m["params"]["message"] for m in fresh.notifications if m["method"] == "window/showMessage"]
    assert any("Open the FlowZap preview at http://127.0.0.1:" in m for m in shown), shown


def _preview_answers_its_url(fresh: LspProcess, reply) -> None:
    fresh.server_requests["window/showDocument"] = lambda message: reply
    fresh.initialize(capabilities={**default_capabilities(), "window": {"showDocument": {"support": True}}})
    uri = new_uri("show")
    fresh.open(uri, GOOD)
    fresh.diagnostics(uri, 1)
    params = {"command": "flowzap.openBrowserPreview", "arguments": [{"uri": uri, "view": "workflow"}]}
    message = fresh.call("workspace/executeCommand", params, timeout=20)
    assert_answer(message)
    # the preview is served anyway and its address is in the answer for the user to open
    assert message.get("result", {}).get("url", "").startswith("http://127.0.0.1:"), message
    still_works(fresh)
    assert fresh.shutdown_and_exit() == 0, fresh.stderr_tail()


# ---------------------------------------------------------------------------
# cancellation


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_cancel_request(server: LspProcess):
    uri = new_uri("cancel")
    big = "".join(f'L{i} {{ # lane {i}\nn{i}: rectangle label:"step {i}"\n}}\n' for i in range(1, 3000))
    server.open(uri, big)
    server.diagnostics(uri, 1, timeout=60)
    ids = [server.request_async("textDocument/semanticTokens/full", whole(uri)) for _ in range(5)]
    for msg_id in ids:
        server.notify("$/cancelRequest", {"id": msg_id})
    server.notify("$/cancelRequest", {"id": 987654})  # unknown id: ignored
    server.notify("$/cancelRequest", {"id": "no-such-request"})
    for msg_id in ids:
        message = server.response(msg_id, timeout=60)
        assert_answer(message, allowed_errors=(REQUEST_CANCELLED,))
    server.close(uri)
    still_works(server)


# ---------------------------------------------------------------------------
# lifecycle


@pytest.mark.slow
def test_shutdown_then_exit_is_exit_code_0(fresh: LspProcess):
    fresh.initialize()
    still_works(fresh)
    assert fresh.call("shutdown")["result"] is None
    # after shutdown, requests are refused with an error (not left unanswered)
    message = fresh.call("textDocument/hover", text_position("file:///x.fz", 0, 0), timeout=10)
    assert message["error"]["code"] == INVALID_REQUEST, message
    fresh.notify("exit")
    assert fresh.wait_exit(30) == 0, fresh.stderr_tail()


@pytest.mark.slow
def test_exit_without_shutdown_is_exit_code_1(fresh: LspProcess):
    fresh.initialize()
    fresh.notify("exit")
    assert fresh.wait_exit(30) == 1, fresh.stderr_tail()


@pytest.mark.slow
def test_exit_before_initialize_is_exit_code_1(fresh: LspProcess):
    fresh.notify("exit")
    assert fresh.wait_exit(30) == 1, fresh.stderr_tail()


@pytest.mark.slow
def test_closed_input_ends_the_server(fresh: LspProcess):
    fresh.initialize()
    fresh.proc.stdin.close()
    assert fresh.wait_exit(30) in (0, 1)


@pytest.mark.slow
def test_requests_before_initialize(fresh: LspProcess):
    message = fresh.call("textDocument/hover", text_position("file:///x.fz", 0, 0), timeout=10)
    assert_answer(message, allowed_errors=(SERVER_NOT_INITIALIZED, INVALID_PARAMS, INVALID_REQUEST))
    fresh.initialize()
    still_works(fresh)
    assert fresh.shutdown_and_exit() == 0


@pytest.mark.slow
def test_initialize_with_odd_options(fresh: LspProcess):
    odd = {
        "flowzap": {
            "diagnostics": {"delayMs": -5, "maxLabelLength": "long", "sequenceRules": "yes"},
            "format": {"indent": 10**9},
            "preview": {"theme": 7},
        }
    }
    fresh.initialize(options=odd, encodings=["utf-99", "utf-8"])
    uri = new_uri("odd")
    fresh.open(uri, GOOD)
    fresh.wait(lambda: fresh.latest_diagnostics(uri), 30, "diagnostics")
    formatted = fresh.call("textDocument/formatting", request_params("textDocument/formatting", uri, 0, 0))
    assert_answer(formatted)
    assert fresh.shutdown_and_exit() == 0


# ---------------------------------------------------------------------------
# command line misuse: unreadable input is one clear line and exit status 2


def _cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "fz_lsp", *args], input=stdin, capture_output=True, env=SERVER_ENV, timeout=60, cwd=ROOT
    )


def _unreadable(tmp: Path, kind: str) -> Path:
    if kind == "missing":
        return tmp / "missing.fz"
    if kind == "directory":
        return tmp
    if kind == "binary":
        path = tmp / "bin.fz"
        path.write_bytes(b"\x00\x01\x02PNG\x00")
        return path
    if kind == "invalid-utf8":
        path = tmp / "latin1.fz"
        path.write_bytes(b"A { # Caf\xe9\n}\n")
        return path
    if kind == "unreadable":
        path = tmp / "secret.fz"
        path.write_text("A { # A\n}\n")
        path.chmod(0)
        return path
    raise AssertionError(kind)


UNREADABLE = {
    "missing": "no such file",
    "directory": "is a directory",
    "binary": "binary file",
    "invalid-utf8": "not valid UTF-8",
    "unreadable": "permission denied",
}


@pytest.mark.slow
@pytest.mark.parametrize("command", ["check", "render", "render-html"])
@pytest.mark.parametrize("kind", list(UNREADABLE))
def test_cli_unreadable_input_is_one_line_and_exit_2(tmp_path: Path, command: str, kind: str):
    if kind == "unreadable" and os.geteuid() == 0:
        pytest.skip("running as root: file permissions do not apply")
    path = _unreadable(tmp_path, kind)
    args = ["check", str(path)] if command == "check" else ["render", str(path)]
    if command == "render-html":
        args += ["-o", str(tmp_path / "out.html")]
    result = _cli(*args)
    err = result.stderr.decode()
    assert "Traceback" not in err, err
    assert result.returncode == 2, (result.returncode, err)
    assert err.count("\n") == 1, err
    assert err.startswith(f"fz-lsp: cannot read {path}: {UNREADABLE[kind]}"), err
    assert result.stdout == b""
    assert not (tmp_path / "out.html").exists()


@pytest.mark.parametrize("command", ["check", "render"])
@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_cli_binary_and_invalid_stdin(command: str):
    for data in (b"\x00\x00", b"\xff\xfe\xfd"):
        result = _cli(command, "-", stdin=data)
        err = result.stderr.decode()
        assert "Traceback" not in err and result.returncode == 2 and err.count("\n") == 1, (
            command,
            data,
            result.returncode,
            err,
        )


def test_cli_render_to_an_unwritable_place_is_one_line(tmp_path: Path):
    result = _cli("render", str(ROOT / "examples" / "gitops.fz"), "-o", str(tmp_path / "no-such-dir" / "x.html"))
    err = result.stderr.decode()
    assert "Traceback" not in err and err.count("\n") == 1 and result.returncode in (1, 2), err


@pytest.mark.slow
def test_initialize_twice(fresh: LspProcess):
    fresh.initialize()
    message = fresh.call("initialize", {"processId": None, "rootUri": None, "capabilities": {}}, timeout=10)
    assert_answer(message, allowed_errors=(INVALID_REQUEST, INVALID_PARAMS, REQUEST_FAILED))
    still_works(fresh)
    assert fresh.shutdown_and_exit() == 0
