"""Isolation: an exception inside one feature fails that request only.

The real server process is started through a small wrapper (below, test-only: nothing
in fz_lsp knows about it) that wraps each feature's entry point: the wrapped function
raises `RuntimeError("injected fault in <feature>")` while the feature's name is listed
in a control file the test rewrites. So one process goes through every fault in turn.

For each feature: its request gets a JSON-RPC error (InternalError, with a message) and
the traceback goes to the server log (standard error); every other feature keeps
answering, diagnostics keep being published, and the process exits 0 at the end. A fault
in diagnostics (a notification, nobody to answer) is logged, shown to the user once per
document, and leaves every request working.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from support.commands import SERVER_ENV
from support.lsp_process import GOOD, INTERNAL_ERROR, LspProcess, request_params

# feature name -> (module, function) as the server calls them; diagnostics first: the modules
# that use its `check` (code actions, the server) bind it when imported, after the wrapping
TARGETS = {
    "diagnostics": [("fz_lsp.diagnostics", "check")],
    "completion": [("fz_lsp.features.completion", "completions")],
    "hover": [("fz_lsp.features.hover", "hover")],
    "definition": [("fz_lsp.features.navigation", "definition")],
    "references": [("fz_lsp.features.navigation", "references")],
    "highlights": [("fz_lsp.features.navigation", "highlights")],
    "symbols": [("fz_lsp.features.navigation", "document_symbols")],
    "folding": [("fz_lsp.features.navigation", "folding_ranges")],
    "selection": [("fz_lsp.features.navigation", "selection_range")],
    "prepareRename": [("fz_lsp.features.rename", "prepare_rename")],
    "rename": [("fz_lsp.features.rename", "rename")],
    "formatting": [("fz_lsp.features.formatting", "format_edits")],
    "codeActions": [("fz_lsp.features.code_actions", "code_actions")],
    "semanticTokens": [("fz_lsp.features.semantic_tokens", "semantic_tokens")],
    "inlayHints": [("fz_lsp.features.inlay_hints", "label_hints")],
    "preview": [("fz_lsp.render", "render_svg")],
}

# the request that exercises each feature
REQUESTS = {
    "completion": "textDocument/completion",
    "hover": "textDocument/hover",
    "definition": "textDocument/definition",
    "references": "textDocument/references",
    "highlights": "textDocument/documentHighlight",
    "symbols": "textDocument/documentSymbol",
    "folding": "textDocument/foldingRange",
    "selection": "textDocument/selectionRange",
    "prepareRename": "textDocument/prepareRename",
    "rename": "textDocument/rename",
    "formatting": "textDocument/formatting",
    "codeActions": "textDocument/codeAction",
    "semanticTokens": "textDocument/semanticTokens/full",
    "inlayHints": "textDocument/inlayHint",
    "preview": "workspace/executeCommand",
}

WRAPPER = r"""
import functools, importlib, json, sys
control, targets = sys.argv[1], json.loads(sys.argv[2])

def faulty(feature, function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with open(control, encoding="utf-8") as f:
            if feature in f.read().split():
                raise RuntimeError(f"injected fault in {feature}")
        return function(*args, **kwargs)
    return wrapper

for feature, entries in targets.items():
    for module_name, name in entries:
        module = importlib.import_module(module_name)
        if hasattr(module, name):
            setattr(module, name, faulty(feature, getattr(module, name)))
from fz_lsp.cli import main
sys.exit(main(["--stdio"]))
"""

# a position on `n2` in `n1.handle(right) -> n2.handle(left)` (line 3 of GOOD)
LINE, CHARACTER = 3, 20


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    control = tmp_path_factory.mktemp("isolation") / "faults.txt"
    control.write_text("", encoding="utf-8")
    srv = LspProcess([sys.executable, "-c", WRAPPER, str(control), json.dumps(TARGETS)], env=SERVER_ENV)
    srv.initialize()
    srv.control = control
    yield srv
    srv.kill()


def set_faults(srv: LspProcess, *features: str) -> None:
    Path(srv.control).write_text(" ".join(features), encoding="utf-8")


def ask(srv: LspProcess, feature: str, uri: str) -> dict:
    method = REQUESTS[feature]
    params = request_params(method, uri, LINE, CHARACTER)
    if feature == "codeActions":  # ask for the fix of a real diagnostic, so the feature has work to do
        params["context"]["only"] = ["source"]
    return srv.call(method, params, timeout=30)


_n = iter(range(1, 10_000))


def test_every_target_exists():
    import importlib

    for feature, entries in TARGETS.items():
        found = [name for module, name in entries if hasattr(importlib.import_module(module), name)]
        assert found, f"{feature}: none of {entries} exists; update TARGETS to what the server calls"


@pytest.mark.parametrize("broken", list(REQUESTS))
@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_a_failing_feature_fails_only_its_request(faulty: LspProcess, broken: str):
    uri = f"file:///tmp/fz-isolation/{broken}-{next(_n)}.fz"
    faulty.open(uri, GOOD)
    assert faulty.diagnostics(uri, 1) == []
    set_faults(faulty, broken)
    try:
        message = ask(faulty, broken, uri)
        assert "error" in message, f"{broken}: the injected fault did not surface: {message}"
        assert message["error"]["code"] == INTERNAL_ERROR, message
        assert message["error"]["message"], message
        faulty.wait(lambda: f"injected fault in {broken}" in faulty.stderr_text(), 10, "the fault in the server log")
        # everything else keeps working, diagnostics included
        for other in REQUESTS:
            if other != broken:
                answer = ask(faulty, other, uri)
                assert "error" not in answer, f"{other} failed while only {broken} is broken: {answer}"
        faulty.change(
            uri, 2, [{"range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}}, "text": " "}]
        )
        assert faulty.diagnostics(uri, 2) == []
        # and the feature itself works again once the fault is gone
        set_faults(faulty)
        assert "error" not in ask(faulty, broken, uri)
    finally:
        set_faults(faulty)
        faulty.close(uri)
    assert faulty.alive()


def test_failing_diagnostics_are_logged_and_said_once(faulty: LspProcess):
    uri = f"file:///tmp/fz-isolation/diagnostics-{next(_n)}.fz"
    set_faults(faulty, "diagnostics")
    try:
        before = len(faulty.notifications)
        faulty.open(uri, GOOD)
        faulty.change(
            uri, 2, [{"range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}}, "text": " "}]
        )
        faulty.change(
            uri, 3, [{"range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 1}}, "text": ""}]
        )
        for feature in REQUESTS:  # every request still answers
            answer = ask(faulty, feature, uri)
            assert "error" not in answer, f"{feature} failed while only diagnostics are broken: {answer}"
        faulty.wait(lambda: "injected fault in diagnostics" in faulty.stderr_text(), 10, "the fault in the server log")
        # the code actions asked for "source" include fix all, which needs the diagnostics:
        # it is left out (and logged) while the other actions answer. Waited for: the log line
        # was written before the answer, but standard error is read by its own thread
        faulty.wait(lambda: "fix all failed for " + uri in faulty.stderr_text(), 10, "fix all's failure in the log")
        said = [n["params"]["message"] for n in faulty.notifications[before:] if n["method"] == "window/showMessage"]
        assert len(said) == 1 and "could not check" in said[0], said
        assert uri not in faulty.publications
        set_faults(faulty)
        faulty.change(
            uri, 4, [{"range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}}, "text": ""}]
        )
        assert faulty.diagnostics(uri, 4) == []
    finally:
        set_faults(faulty)
        faulty.close(uri)


def test_all_features_broken_at_once_still_serves_the_protocol(faulty: LspProcess):
    uri = f"file:///tmp/fz-isolation/all-{next(_n)}.fz"
    set_faults(faulty, *TARGETS)
    try:
        faulty.open(uri, GOOD)
        for feature in REQUESTS:
            assert ask(faulty, feature, uri)["error"]["code"] == INTERNAL_ERROR
        assert faulty.call("flowzap/unknown", {})["error"]["code"] == -32601
    finally:
        set_faults(faulty)
        faulty.close(uri)
    assert faulty.shutdown_and_exit() == 0, faulty.stderr_tail()
