"""Limits: very large documents stay answerable, in bounded time and memory.

Each document goes to a fresh real server process (so its peak memory is its own):

- a 5 MB document (about 250 lanes, 6,000 nodes... repeated to 5 MB: ~120,000 lines);
- a single 1 MB line (a node label of 1,000,000 characters);
- a single 1 MB line of 333,333 loop members (333,334 diagnostics: the cap at work);
- 10,000 lanes;
- 100,000 nodes in one lane.

For each: didOpen -> diagnostics, a keystroke -> fresh diagnostics, and every request
(completion, hover, definition, references, highlights, symbols, folding, selection,
prepareRename, rename, formatting, range formatting, code actions, semantic tokens full
and range, inlay hints, preview) must answer within the bounds below; the process's
peak RSS (VmHWM) must stay under MAX_RSS_MB. The figures measured on the reference
machine are in the README (section Reliability); run with `-s` to print this machine's.

Graceful degradation (fz_lsp/lsp/publishing.py): at most MAX_PUBLISHED_DIAGNOSTICS (1,000)
diagnostics are published per document (errors first), and above LARGE_DOCUMENT_CHARS
(3,000,000 characters) diagnostics wait for a 500 ms pause in typing; each is said once
per document with window/showMessage.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable

import pytest

from fz_lsp.lsp.publishing import LARGE_DOCUMENT_CHARS, LARGE_DOCUMENT_DELAY_MS, MAX_PUBLISHED_DIAGNOSTICS
from support.client_text import check_ranges_inside, check_semantic_tokens, split
from support.lsp_process import LspProcess, assert_answer

# Bounds (generous: several times the reference figures, for slow or busy CI machines)
OPEN_SECONDS = 90
KEYSTROKE_SECONDS = 20
REQUEST_SECONDS = 45
MAX_RSS_MB = 1500

# ---------------------------------------------------------------------------
# The documents


def five_megabytes() -> str:
    out: list[str] = []
    size = lane = node = 0
    while size < 5_000_000:
        lane += 1
        chunk = [f"L{lane} {{ # Lane {lane}\n"]
        first = node + 1
        for _ in range(20):
            node += 1
            chunk.append(f'n{node}: rectangle label:"Step {node} of the pipeline"\n')
        for k in range(first, node):
            chunk.append(f'n{k}.handle(right) -> n{k + 1}.handle(left) [label="next"]\n')
        chunk.append(f"n{node}.handle(bottom) -> L{lane + 1}.n{node + 1}.handle(top)\n}}\n")
        text = "".join(chunk)
        out.append(text)
        size += len(text)
    # the last lane's hop points at a lane that does not exist: one real error to report
    return "".join(out)


def one_megabyte_line() -> str:
    return (
        'A { # One long label\nn1: rectangle label:"' + "x" * 1_000_000 + '"\n'
        'n2: circle label:"end"\nn1.handle(right) -> n2.handle(left)\n}\n'
    )


def one_megabyte_of_loop_members() -> str:
    return (
        'A { # Loop\nn1: rectangle label:"a"\nn2: rectangle label:"b"\nn1.handle(right) -> n2.handle(left)\n'
        "loop [forever]" + " n3" * 333_333 + "\n}\n"
    )


def ten_thousand_lanes() -> str:
    n = 10_000
    return "".join(
        f'L{i} {{ # Lane {i}\nn{i}: rectangle label:"Step {i}"\n'
        + (f"n{i}.handle(bottom) -> L{i + 1}.n{i + 1}.handle(top)\n" if i < n else "")
        + "}\n"
        for i in range(1, n + 1)
    )


def hundred_thousand_nodes() -> str:
    n = 100_000
    nodes = "".join(f'n{i}: rectangle label:"Step {i}"\n' for i in range(1, n + 1))
    edges = "".join(f"n{i}.handle(right) -> n{i + 1}.handle(left)\n" for i in range(1, 1001))
    return "A { # One lane\n" + nodes + edges + "}\n"


DOCUMENTS: dict[str, Callable[[], str]] = {
    "5 MB": five_megabytes,
    "1 MB line": one_megabyte_line,
    "1 MB line of loop members": one_megabyte_of_loop_members,
    "10,000 lanes": ten_thousand_lanes,
    "100,000 nodes in one lane": hundred_thousand_nodes,
}

FIGURES: dict[str, dict[str, str]] = {}

# ---------------------------------------------------------------------------


def peak_rss_mb(srv: LspProcess) -> float:
    with open(f"/proc/{srv.proc.pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM in /proc/<pid>/status")


def probe(text: str) -> tuple[int, int, str]:
    """(line, character, node id) of an edge target near the middle of the document."""
    lines = split(text)
    middle = len(lines) // 2
    order = sorted(range(len(lines)), key=lambda i: abs(i - middle))
    for i in order[:200_000]:
        m = re.search(r"-> (?:\w+\.)?(n\d+)\.handle", lines[i])
        if m:
            return i, m.start(1), m.group(1)
    raise AssertionError("no edge in the document")


def timed(figures: dict, name: str, bound: float, action):
    started = time.perf_counter()
    result = action()
    elapsed = time.perf_counter() - started
    figures[name] = f"{elapsed:.2f} s"
    assert elapsed <= bound, f"{name} took {elapsed:.1f}s (bound {bound}s)"
    return result


@pytest.mark.slow
@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_large_document_stays_answerable(name: str):
    text = DOCUMENTS[name]()
    lines = split(text)
    figures = FIGURES.setdefault(name, {})
    figures["size"] = f"{len(text):,} characters, {len(lines):,} lines"
    srv = LspProcess()
    try:
        srv.initialize()
        base = peak_rss_mb(srv)
        uri = "file:///tmp/fz-limits/" + re.sub(r"\W+", "-", name) + ".fz"

        # didOpen -> diagnostics (capped)
        srv.open(uri, text)
        diags = timed(
            figures, "didOpen -> diagnostics", OPEN_SECONDS, lambda: srv.diagnostics(uri, 1, timeout=OPEN_SECONDS)
        )
        assert len(diags) <= MAX_PUBLISHED_DIAGNOSTICS
        check_ranges_inside(diags, text, lines)

        # a keystroke in the middle -> fresh diagnostics
        line, character, node = probe(text)
        srv.change(
            uri,
            2,
            [{"range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}}, "text": " "}],
        )
        timed(
            figures,
            "keystroke -> diagnostics",
            KEYSTROKE_SECONDS,
            lambda: srv.diagnostics(uri, 2, timeout=KEYSTROKE_SECONDS),
        )
        character += 1
        lines[line] = " " + lines[line]
        text = "\n".join(lines)

        at = {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}
        doc = {"textDocument": {"uri": uri}}
        window = {
            "start": {"line": max(0, line - 50), "character": 0},
            "end": {"line": min(len(lines) - 1, line + 50), "character": 0},
        }
        requests = [
            ("completion", "textDocument/completion", at),
            ("hover", "textDocument/hover", at),
            ("definition", "textDocument/definition", at),
            ("references", "textDocument/references", {**at, "context": {"includeDeclaration": True}}),
            ("highlights", "textDocument/documentHighlight", at),
            ("prepareRename", "textDocument/prepareRename", at),
            ("rename", "textDocument/rename", {**at, "newName": "n999999"}),
            ("selection range", "textDocument/selectionRange", {**doc, "positions": [at["position"]]}),
            (
                "code actions (window)",
                "textDocument/codeAction",
                {**doc, "range": window, "context": {"diagnostics": diags[:20]}},
            ),
            ("semantic tokens (window)", "textDocument/semanticTokens/range", {**doc, "range": window}),
            ("inlay hints (window)", "textDocument/inlayHint", {**doc, "range": window}),
            (
                "range formatting (window)",
                "textDocument/rangeFormatting",
                {**doc, "range": window, "options": {"tabSize": 2, "insertSpaces": True}},
            ),
            ("formatting", "textDocument/formatting", {**doc, "options": {"tabSize": 2, "insertSpaces": True}}),
            ("folding ranges", "textDocument/foldingRange", doc),
            ("document symbols", "textDocument/documentSymbol", doc),
            ("semantic tokens (full)", "textDocument/semanticTokens/full", doc),
            (
                "preview (workflow)",
                "workspace/executeCommand",
                {"command": "flowzap.preview", "arguments": [{"uri": uri, "view": "workflow"}]},
            ),
        ]
        for label, method, params in requests:
            message = timed(
                figures, label, REQUEST_SECONDS, functools.partial(srv.call, method, params, timeout=REQUEST_SECONDS)
            )
            assert_answer(message)
            result = message.get("result")
            if method in ("textDocument/hover", "textDocument/definition", "textDocument/references"):
                assert result, f"{label} found nothing at {node} ({line}:{character})"
            if method == "textDocument/semanticTokens/full":
                check_semantic_tokens(result, lines)
            elif method not in ("workspace/executeCommand", "textDocument/documentSymbol"):
                check_ranges_inside(result, text, lines, where=label)

        # the degradations are said once (and only when they apply)
        said = [n["params"]["message"] for n in srv.notifications if n["method"] == "window/showMessage"]
        many = [m for m in said if "problems; only" in m]
        large = [m for m in said if "is large" in m]
        total = len(srv.publications[uri][0]["diagnostics"])
        assert len(many) <= 1 and len(large) <= 1, said
        assert (len(text) > LARGE_DOCUMENT_CHARS) == bool(large), said
        if total == MAX_PUBLISHED_DIAGNOSTICS:
            assert many, said
        assert not [m for m in said if "could not" in m or "Error" in m], said

        peak = peak_rss_mb(srv)
        figures["peak RSS"] = f"{peak:.0f} MB (idle server {base:.0f} MB)"
        assert peak <= MAX_RSS_MB, f"peak RSS {peak:.0f} MB"
        assert srv.shutdown_and_exit(60) == 0, srv.stderr_tail()
    finally:
        srv.kill()
        print(f"\n{name}:", "; ".join(f"{k} {v}" for k, v in figures.items()))


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_published_diagnostics_are_capped_errors_first():
    """A document with more problems than the cap: errors are kept, warnings cut."""
    warnings = "".join(f"n{i}: rectangle\n" for i in range(1, 1500))  # missing-label warnings
    errors = "".join(f"n{i}.handle(rigth) -> n{i}.handle(left)\n" for i in range(1, 11))  # bad-handle errors
    text = "A { # A\n" + warnings + errors + "}\n"
    srv = LspProcess()
    try:
        srv.initialize()
        uri = "file:///tmp/fz-limits/capped.fz"
        srv.open(uri, text)
        diags = srv.diagnostics(uri, 1)
        assert len(diags) == MAX_PUBLISHED_DIAGNOSTICS
        assert sum(1 for d in diags if d["severity"] == 1) == 10
        keys = [(d["range"]["start"]["line"], d["range"]["start"]["character"]) for d in diags]
        assert keys == sorted(keys)
        srv.change(
            uri, 2, [{"range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}}, "text": " "}]
        )
        srv.diagnostics(uri, 2)
        said = [n["params"]["message"] for n in srv.notifications if n["method"] == "window/showMessage"]
        assert len(said) == 1 and f"only {MAX_PUBLISHED_DIAGNOSTICS:,} are shown" in said[0], said
        assert srv.shutdown_and_exit() == 0
    finally:
        srv.kill()


@pytest.mark.slow
def test_large_document_waits_for_a_pause_in_typing():
    text = five_megabytes()
    srv = LspProcess()
    try:
        srv.initialize()  # delayMs 0: small documents are checked at once
        uri = "file:///tmp/fz-limits/typing.fz"
        srv.open(uri, text)
        srv.diagnostics(uri, 1, timeout=OPEN_SECONDS)
        started = time.perf_counter()
        for version in range(2, 12):  # ten keystrokes in a burst
            srv.change(
                uri,
                version,
                [{"range": {"start": {"line": 5, "character": 0}, "end": {"line": 5, "character": 0}}, "text": "x"}],
            )
        srv.diagnostics(uri, 11, timeout=KEYSTROKE_SECONDS)
        assert time.perf_counter() - started >= LARGE_DOCUMENT_DELAY_MS / 1000
        versions = [p["version"] for p in srv.publications[uri]]
        assert versions == [1, 11], versions  # one check for the burst, none per keystroke
        assert srv.shutdown_and_exit(60) == 0
    finally:
        srv.kill()
