"""A request the server refuses on purpose (a document that is not open, bad arguments, a
refused rename) answers with its JSON-RPC error and logs one warning line as
window/logMessage: no traceback, nothing on standard error."""

from __future__ import annotations

import time

import pytest

from support.lsp_process import LspProcess


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_requests_for_a_document_that_is_not_open_log_one_line_each():
    srv = LspProcess()
    try:
        srv.initialize()
        uri = "file:///tmp/fz-refused/nope.fz"
        hover = srv.call("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}})
        preview = srv.call("workspace/executeCommand", {"command": "flowzap.preview", "arguments": [{"uri": uri}]})
        bad = srv.call("workspace/executeCommand", {"command": "flowzap.preview", "arguments": [42]})
        for answer in (hover, preview):
            assert answer["error"]["code"] == -32602
            assert answer["error"]["message"] == f"fz-lsp: document is not open: {uri}"
        assert bad["error"]["code"] == -32602
        srv.wait(
            lambda: len([n for n in srv.notifications if "refused" in str(n.get("params", {}).get("message"))]) >= 3,
            30,
            "three log lines",
        )
        logs = [n["params"] for n in srv.notifications if n["method"] == "window/logMessage"]
        refused = [p for p in logs if "refused" in p["message"]]
        assert [(p["type"], p["message"].count("\n")) for p in refused] == [(2, 0), (2, 0), (2, 0)]
        assert refused[0]["message"].endswith(f"refused: fz-lsp: document is not open: {uri}")
        assert not any("Traceback" in p["message"] for p in logs)
        assert srv.shutdown_and_exit() == 0
        time.sleep(0.2)
        assert srv.stderr_text() == ""
    finally:
        srv.kill()
