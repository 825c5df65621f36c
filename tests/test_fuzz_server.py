"""Fuzzing through the real server: random edit sequences and requests, checked invariants.

A hypothesis state machine plays an editor: it opens a document (a fixture file, a
fragment, random text), then mixes incremental edits (insertions, deletions and
replacements of random Unicode — astral characters, lone surrogates, CR/LF mixes, NUL and
control characters, very long lines, pasted fixture fragments), whole-text replacements,
close/reopen, settings changes, requests at random positions (completion, hover,
definition, references, highlights, symbols, folding, selection ranges,
prepareRename/rename, formatting, range formatting, code actions, semantic tokens, inlay
hints, preview), and applies edits the server returned (formatting, rename, code actions)
back as didChange, like an editor.

Invariants, checked after every step:

- the server process is alive;
- every request gets a result or a proper JSON-RPC error (never an internal error);
- the diagnostics published for each version (and after each settings change) are
  exactly those a fresh in-process analysis of the client's text gives (so incremental
  sync never loses or corrupts text), and every published range lies inside the document;
- every range/position in every answer lies inside the document (and never splits a
  UTF-16 surrogate pair); semantic tokens stay inside their lines;
- every edit returned (rename, formatting, code actions) applies cleanly: positions
  inside the document, no overlapping ranges, the right document version; the result
  re-parses with no more errors of any code than before the edit.

CI runs fixed seeds: 600 sessions of up to 25 steps, in batches of 50 (one Hypothesis run
each, seed 20261128 + batch number), about 50 s on an idle 2-core machine; no batch starts
after 90 s (a busy CI machine stays under 2 minutes; a failure found is always shrunk and
replayed in full). A longer run (no time budget when FZ_FUZZ_EXAMPLES is set):
`FZ_FUZZ_EXAMPLES=2000 bash scripts/dev.sh test tests/test_fuzz_server.py`
(FZ_FUZZ_STEPS: steps per session, default 25; FZ_FUZZ_SEED=<n>: other fixed seeds, n + batch
number; FZ_FUZZ_BUDGET=<seconds>: the time budget).
"""

from __future__ import annotations

import collections
import functools
import itertools
import os
import re
import time
import xml.etree.ElementTree as ET
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, Phase, seed, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, get_state_machine_test, initialize, precondition, rule

from fz_lsp.analysis.document import Document
from fz_lsp.analysis.settings import Settings
from fz_lsp.lsp.convert import Converter
from support.client_text import (
    Columns,
    apply_text_edits,
    as_changes,
    boundaries,
    canonical,
    check_ranges_inside,
    check_semantic_tokens,
    col_len,
    diagnostic_key,
    error_counts,
    expected_diagnostics,
    line_starts,
    offset,
    split,
)
from support.lsp_process import (
    DOCUMENT_REQUESTS,
    INTERNAL_ERROR,
    INVALID_PARAMS,
    METHOD_NOT_FOUND,
    REQUEST_FAILED,
    LspProcess,
)
from support.paths import fixture_files, read_exact

EXAMPLES = int(os.environ.get("FZ_FUZZ_EXAMPLES", "600"))
STEPS = int(os.environ.get("FZ_FUZZ_STEPS", "25"))
BUDGET = float(os.environ.get("FZ_FUZZ_BUDGET", "90" if "FZ_FUZZ_EXAMPLES" not in os.environ else "inf"))
SEED = os.environ.get("FZ_FUZZ_SEED")
BATCH = 50  # sessions per Hypothesis run (see the test)

settings.register_profile(
    "fz-fuzz",
    max_examples=EXAMPLES,
    stateful_step_count=STEPS,
    derandomize=SEED is None,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
)
FUZZ_SETTINGS = settings.get_profile("fz-fuzz")

# ---------------------------------------------------------------------------
# Strategies


# the project's own FlowZap files (tests/fixtures): LF, CRLF and CR, truncated, CJK, Mermaid
FIXTURE_TEXTS = [read_exact(p) for p in fixture_files("*.fz") + fixture_files("truncated/*.partial")]
assert FIXTURE_TEXTS, "tests/fixtures holds no FlowZap files"

TOKENS = [
    "n1",
    "n2",
    "n3",
    "n10",
    "n99",
    "start",
    "Lane",
    "CICD",
    "User",
    ".",
    "handle",
    "(",
    ")",
    "left",
    "right",
    "top",
    "bottom",
    "rigth",
    "->",
    " -> ",
    "-->",
    "[",
    "]",
    '[label="x"]',
    '[label:"x"]',
    "label",
    ":",
    "=",
    '"',
    '"text"',
    'label:"A|B"',
    "owner",
    "description",
    "system",
    "circle",
    "rectangle",
    "diamond",
    "taskbox",
    "rect",
    "{",
    "}",
    " { # Label",
    "#",
    "# label",
    "loop",
    "loop [retry] n1 n2",
    "//",
    "// comment",
    " ",
    "  ",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "\r\r\n\n",
    "\x00",
    "\x01",
    "\x1b",
    "\x7f",
    "\u0085",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\u200b",
    "\u0301",
    "é",
    "注文",
    "😀",
    "👩‍💻",
    "𝔘",
    "\U0010ffff",
    "\\",
    '\\"',
    "graph TD",
    "sequenceDiagram",
    "participant A",
    "n1.handle(right) -> n2.handle(left)",
    "n2.handle(bottom) -> CICD.n3.handle(top)",
    'n4: rectangle label:"Step"',
    # slips that recovery repairs or names (fz_lsp/recovery.py), and forms FlowZap draws
    "handel",
    "hanlde",
    "Handle",
    "n1.handel(right) -> n2.handle(left)",
    "label:Start",
    'n2 rectangle label:"x"',
    "Ops # Ops",
    "Ops { Ops",
    "-->|Yes|",
    "->>",
    "A[Start]",
    "\u201c",
    "\u2192",
    ";",
    ",",
    "end",
    "%%",
    "'x'",
    "loop [x] Lane.n1 CICD.n2",
    "CICD.n3.handle(right) -> n1.handle(left)",
    'label="x"',
    "{#",
]

unicode_text = st.text(alphabet=st.characters(codec=None, exclude_categories=["Cs"]), max_size=12)
surrogate = st.sampled_from(["\ud800", "\udbff", "\udc00", "\udfff"])
flowzap_text = st.lists(st.sampled_from(TOKENS), max_size=8).map("".join)


@st.composite
def fixture_fragment(draw) -> str:
    text = draw(st.sampled_from(FIXTURE_TEXTS))
    a = draw(st.integers(0, len(text)))
    b = draw(st.integers(a, min(len(text), a + 400)))
    return text[a:b]


@st.composite
def long_line(draw) -> str:
    n = draw(st.sampled_from([500, 5_000, 40_000]))
    unit = draw(st.sampled_from(["x", "😀", "n1 ", 'label:"a" ', "->", "\x00", "é注"]))
    return unit * (n // len(unit))


insert_text = st.one_of(
    flowzap_text,
    flowzap_text,
    unicode_text,
    fixture_fragment(),
    st.lists(st.one_of(st.sampled_from(TOKENS), unicode_text, surrogate), max_size=6).map("".join),
    long_line(),
    st.just(""),
)

initial_text = st.one_of(
    st.sampled_from(FIXTURE_TEXTS),
    st.sampled_from(FIXTURE_TEXTS).map(lambda t: t.replace("\n", "\r\n")),
    st.sampled_from(FIXTURE_TEXTS).map(lambda t: t.replace("\n", "\r")),
    fixture_fragment(),
    st.lists(insert_text, max_size=5).map("".join),
    st.just(""),
)

new_names = st.one_of(
    st.sampled_from(
        ["n1", "n2", "n42", "n100", "Lane2", "CICD", "x", "_a", "", " ", "n1 n2", "1abc", "a.b", "注文", "😀", "n\x00"]
    ),
    st.text(max_size=6),
)

valid_names = st.one_of(
    st.integers(1, 30).map(lambda i: f"n{i}"), st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,6}", fullmatch=True)
)

REQUESTS = DOCUMENT_REQUESTS  # every request that takes a document


SYMBOL_REQUESTS = [
    "textDocument/rename",
    "textDocument/rename",
    "textDocument/prepareRename",
    "textDocument/hover",
    "textDocument/definition",
    "textDocument/references",
    "textDocument/documentHighlight",
    "textDocument/completion",
]
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def not_implemented(method: str, error: dict) -> bool:
    """A feature that is not wired yet (accepted while the server is being built)."""
    if error["code"] == METHOD_NOT_FOUND:
        return True
    return (
        method == "workspace/executeCommand"
        and error["code"] == INVALID_PARAMS
        and "is not defined" in error["message"]
    )


# ---------------------------------------------------------------------------
# The state machine


class Fuzzer:
    """The server process shared by the sessions of one run (restarted if it died)."""

    srv: LspProcess | None = None
    deadline = float("inf")
    failed = False
    settings = Settings(diagnostics_delay_ms=0)  # what the server uses now

    @classmethod
    def configure(cls, srv: LspProcess, settings_: Settings) -> None:
        srv.notify(
            "workspace/didChangeConfiguration",
            {
                "settings": {
                    "flowzap": {
                        "diagnostics": {
                            "delayMs": 0,
                            "sequenceRules": settings_.sequence_rules,
                            "maxLabelLength": settings_.max_label_length,
                        },
                        "format": {"indent": settings_.format_indent},
                    }
                }
            },
        )
        cls.settings = settings_

    crashes: ClassVar[list[str]] = []
    counter = itertools.count(1)
    stats: ClassVar[collections.Counter] = collections.Counter()
    seconds: ClassVar[collections.Counter] = collections.Counter()
    slowest: tuple = (0.0, "", 0)

    @classmethod
    def server(cls) -> LspProcess:
        if cls.srv is None or not cls.srv.alive():
            if cls.srv is not None:
                cls.crashes.append(cls.srv.stderr_tail())
                cls.srv.kill()
            cls.srv = LspProcess()
            cls.srv.initialize(encodings=[Columns.encoding])
            cls.settings = Settings(diagnostics_delay_ms=0)
            assert cls.srv.capabilities["positionEncoding"] == Columns.encoding, cls.srv.capabilities
        return cls.srv


def guarded(rule_function):
    """Skip the step when the session is over the time budget; remember failures."""

    @functools.wraps(rule_function)
    def step(self, *args, **kwargs):
        if self.skip:
            if rule_function.__name__ == "open_document":
                self.open = True
            return None
        try:
            return rule_function(self, *args, **kwargs)
        except BaseException:
            Fuzzer.failed = True  # shrinking and the final replay run in full
            raise

    return step


class EditorSession(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        # A whole session runs or is skipped: sessions that start after the time budget
        # (FZ_FUZZ_BUDGET seconds) do nothing, unless a failure is being shrunk.
        self.skip = time.monotonic() > Fuzzer.deadline and not Fuzzer.failed
        Fuzzer.stats["sessions skipped (time budget)" if self.skip else "sessions"] += 1
        self.srv = Fuzzer.server()
        if Fuzzer.settings != Settings(diagnostics_delay_ms=0):  # every session starts from the defaults
            Fuzzer.configure(self.srv, Settings(diagnostics_delay_ms=0))
        self.uri = f"file:///tmp/fz-fuzz/doc-{next(Fuzzer.counter)}.fz"
        self.text = ""
        self.version = 0
        self.open = False
        self.published: list[dict] = []

    # -- helpers -------------------------------------------------------------

    def alive(self) -> None:
        assert self.srv.alive(), f"the server died (exit code {self.srv.proc.poll()})\n{self.srv.stderr_tail()}"
        assert not self.srv.protocol_errors, self.srv.protocol_errors

    def sync_check(self) -> None:
        """The diagnostics of this version equal a fresh analysis of the client's text."""
        published = self.srv.diagnostics(self.uri, self.version)
        check_ranges_inside(published, self.text, where="publishDiagnostics")
        got = [diagnostic_key(d) for d in published]
        want = expected_diagnostics(self.text, self.uri, Fuzzer.settings)
        assert got == want, (
            f"published diagnostics differ from a fresh analysis of the client's text "
            f"(the server's copy of the text is out of sync)\ntext={self.text!r}\ngot={got}\nwant={want}"
        )
        self.published = published
        self.alive()

    def position(self, data, valid: bool = True) -> tuple[int, int]:
        lines = split(self.text)
        if not valid and data.draw(st.integers(0, 3)) == 0:
            return data.draw(
                st.sampled_from([(len(lines), 0), (len(lines) + 5, 3), (0, 10**6), (len(lines) - 1, 10**4)])
            )
        line = data.draw(st.integers(0, len(lines) - 1))
        bounds = boundaries(lines[line])
        if valid or data.draw(st.booleans()):
            return line, data.draw(st.sampled_from(bounds))
        return line, data.draw(st.integers(0, bounds[-1] + 3))

    def ordered_range(self, data) -> dict:
        a, b = sorted([self.position(data), self.position(data)])
        return {"start": {"line": a[0], "character": a[1]}, "end": {"line": b[0], "character": b[1]}}

    def send_changes(self, changes: list[dict], new_text: str) -> None:
        self.version += 1
        started = time.monotonic()
        self.srv.change(self.uri, self.version, changes)
        self.text = canonical(new_text)
        self.sync_check()
        Fuzzer.seconds["didChange + diagnostics"] += time.monotonic() - started

    # -- rules -----------------------------------------------------------------

    @initialize(text=initial_text)
    @guarded
    def open_document(self, text: str) -> None:
        self.text, self.version, self.open = canonical(text), 1, True
        self.srv.open(self.uri, text, 1)
        self.sync_check()

    @precondition(lambda self: self.open)
    @rule(data=st.data())
    @guarded
    def edit(self, data) -> None:
        """One didChange with one to three incremental changes (applied in order)."""
        text = self.text
        changes = []
        for _ in range(data.draw(st.integers(1, 3), label="changes")):
            self.text = text
            rng = self.ordered_range(data)
            if data.draw(st.booleans()):  # mostly short deletions or insertions near the start
                rng["end"] = rng["start"] if data.draw(st.booleans()) else rng["end"]
            new = data.draw(insert_text, label="insert")
            lines, starts = split(text), line_starts(text)
            a, b = offset(text, lines, starts, rng["start"]), offset(text, lines, starts, rng["end"])
            text = canonical(text[:a] + new + text[b:])  # as a UTF-16 client holds it
            changes.append({"range": rng, "text": new})
        self.send_changes(changes, text)
        Fuzzer.stats["edits"] += 1

    @precondition(lambda self: self.open)
    @rule(data=st.data())
    @guarded
    def type_characters(self, data) -> None:
        """Typing: several single-character insertions, one didChange each."""
        line, character = self.position(data)
        for ch in data.draw(
            st.lists(st.sampled_from([*'n1.(){}[]"->: #l\n\r', "😀", "\x00", "é"]), min_size=1, max_size=5)
        ):
            lines, starts = split(self.text), line_starts(self.text)
            line = min(line, len(lines) - 1)
            bounds = boundaries(lines[line])
            character = min(character, bounds[-1])
            if character not in bounds:
                character = max(b for b in bounds if b <= character)
            at = {"line": line, "character": character}
            a = offset(self.text, lines, starts, at)
            self.send_changes([{"range": {"start": at, "end": at}, "text": ch}], self.text[:a] + ch + self.text[a:])
            character += col_len(ch)
            if ch in "\r\n":
                line, character = line + 1, 0
        Fuzzer.stats["typing"] += 1

    @precondition(lambda self: self.open)
    @rule(text=initial_text)
    @guarded
    def replace_everything(self, text: str) -> None:
        self.send_changes([{"text": text}], text)

    @precondition(lambda self: self.open)
    @rule(text=initial_text)
    @guarded
    def close_and_reopen(self, text: str) -> None:
        self.srv.close(self.uri)
        self.srv.wait(
            lambda: (self.srv.latest_diagnostics(self.uri) or {}).get("diagnostics") == [], 30, "cleared diagnostics"
        )
        self.text, self.version = canonical(text), self.version + 1
        self.srv.open(self.uri, text, self.version)
        self.sync_check()

    @precondition(lambda self: self.open)
    @rule(data=st.data(), method=st.sampled_from(REQUESTS))
    @guarded
    def request(self, data, method: str) -> None:
        line, character = self.position(data, valid=data.draw(st.integers(0, 4)) > 0)
        result = self.ask(method, self.params(data, method, line, character))
        Fuzzer.stats[method] += 1
        if result is not None and method in EDIT_METHODS and data.draw(st.booleans(), label="apply it"):
            self.apply_returned(data, method, result)

    @precondition(lambda self: self.open)
    @rule(data=st.data(), method=st.sampled_from(SYMBOL_REQUESTS))
    @guarded
    def at_a_symbol(self, data, method: str) -> None:
        """A request on an identifier (node id, lane id, handle direction, shape, key)."""
        lines = split(self.text)
        spots = [(i, m.start(), m.end()) for i, line in enumerate(lines[:2000]) for m in _WORD.finditer(line)]
        if not spots:
            return
        line, start, end = data.draw(st.sampled_from(spots))
        column = data.draw(st.integers(start, end))
        character = col_len(lines[line][:column])
        result = self.ask(method, self.params(data, method, line, character))
        Fuzzer.stats[method + " on a symbol"] += 1
        if result is not None and method in EDIT_METHODS and data.draw(st.booleans(), label="apply it"):
            self.apply_returned(data, method, result)

    @precondition(lambda self: self.open)
    @rule(data=st.data())
    @guarded
    def fix_everything(self, data) -> None:
        """Ask for the quick fixes of the published diagnostics and apply one."""
        if not self.published:
            return
        chosen = data.draw(st.lists(st.sampled_from(self.published), min_size=1, max_size=3, unique_by=id))
        start = min((d["range"]["start"] for d in chosen), key=lambda p: (p["line"], p["character"]))
        end = max((d["range"]["end"] for d in chosen), key=lambda p: (p["line"], p["character"]))
        params = {
            "textDocument": {"uri": self.uri},
            "range": {"start": start, "end": end},
            "context": {"diagnostics": chosen, "triggerKind": 1},
        }
        result = self.ask("textDocument/codeAction", params)
        if result:
            self.apply_returned(data, "textDocument/codeAction", result)

    @precondition(lambda self: self.open)
    @rule(sequence_rules=st.booleans(), max_label_length=st.sampled_from([0, 5, 50]), indent=st.sampled_from([0, 2]))
    @guarded
    def change_settings(self, sequence_rules: bool, max_label_length: int, indent: int) -> None:
        """workspace/didChangeConfiguration: the open document is re-checked with the new settings."""
        new = Settings(
            diagnostics_delay_ms=0,
            sequence_rules=sequence_rules,
            max_label_length=max_label_length,
            format_indent=indent,
        )
        count = len(self.srv.publications.get(self.uri, []))
        Fuzzer.configure(self.srv, new)
        self.srv.wait(lambda: len(self.srv.publications.get(self.uri, [])) > count, 30, "republished diagnostics")
        latest = self.srv.latest_diagnostics(self.uri)
        assert latest["version"] == self.version, latest
        got = [diagnostic_key(d) for d in latest["diagnostics"]]
        assert got == expected_diagnostics(self.text, self.uri, new), (
            f"diagnostics after a settings change differ; text={self.text!r}"
        )
        self.published = latest["diagnostics"]
        Fuzzer.stats["settings changes"] += 1

    def teardown(self) -> None:
        if self.open and not self.skip and self.srv.alive():
            self.srv.close(self.uri)

    # -- requests ------------------------------------------------------------

    def params(self, data, method: str, line: int, character: int) -> dict:
        doc = {"textDocument": {"uri": self.uri}}
        at = {**doc, "position": {"line": line, "character": character}}
        if method == "textDocument/references":
            return {**at, "context": {"includeDeclaration": data.draw(st.booleans())}}
        if method in ("textDocument/documentSymbol", "textDocument/foldingRange", "textDocument/semanticTokens/full"):
            return doc
        if method == "textDocument/selectionRange":
            return {**doc, "positions": [at["position"], {"line": 0, "character": 0}]}
        if method == "textDocument/rename":
            return {**at, "newName": data.draw(st.one_of(valid_names, new_names))}
        if method == "textDocument/formatting":
            return {**doc, "options": {"tabSize": 4, "insertSpaces": True}}
        if method in ("textDocument/rangeFormatting", "textDocument/semanticTokens/range", "textDocument/inlayHint"):
            extra = (
                {"options": {"tabSize": 2, "insertSpaces": True}} if method == "textDocument/rangeFormatting" else {}
            )
            return {**doc, "range": self.ordered_range(data), **extra}
        if method == "textDocument/codeAction":
            diags = data.draw(st.lists(st.sampled_from(self.published), max_size=3)) if self.published else []
            only = data.draw(st.sampled_from([None, ["quickfix"], ["source"], ["source.renumberNodes"], ["refactor"]]))
            context = {"diagnostics": diags, **({"only": only} if only else {})}
            return {**doc, "range": self.ordered_range(data), "context": context}
        if method == "workspace/executeCommand":
            return {
                "command": "flowzap.preview",
                "arguments": [
                    {
                        "uri": self.uri,
                        "view": data.draw(st.sampled_from(["workflow", "sequence", "architecture"])),
                        "theme": data.draw(st.sampled_from(["light", "dark"])),
                    }
                ],
            }
        return at

    def ask(self, method: str, params: dict) -> Any:
        started = time.monotonic()
        message = self.srv.call(method, params, timeout=60)
        elapsed = time.monotonic() - started
        Fuzzer.seconds[method] += elapsed
        Fuzzer.slowest = max(Fuzzer.slowest, (elapsed, method, len(self.text)))
        self.alive()
        if "error" in message:
            error = message["error"]
            assert isinstance(error.get("code"), int) and isinstance(error.get("message"), str), message
            assert error["code"] != INTERNAL_ERROR, (
                f"{method} raised inside the server: {error}\nparams={params}\ntext={self.text!r}"
            )
            if not_implemented(method, error):
                Fuzzer.stats[f"{method} (not implemented)"] += 1
                return None
            allowed = (
                (REQUEST_FAILED, INVALID_PARAMS)
                if method in ("textDocument/rename", "textDocument/prepareRename")
                else ()
            )
            assert error["code"] in allowed, f"{method} answered an error: {error}\nparams={params}\ntext={self.text!r}"
            return None
        result = message["result"]
        if result:
            Fuzzer.stats[method + " (answered)"] += 1
        lines = split(self.text)
        check_ranges_inside(result, self.text, lines, where=method)
        if method.startswith("textDocument/semanticTokens"):
            check_semantic_tokens(result, lines)
        if method == "textDocument/foldingRange":
            for f in result or ():
                assert 0 <= f["startLine"] <= f["endLine"] < len(lines), f
        if method == "workspace/executeCommand" and isinstance(result, dict) and isinstance(result.get("svg"), str):
            try:
                ET.fromstring(result["svg"])
            except ET.ParseError as err:
                raise AssertionError(f"the preview is not well-formed SVG ({err}) for text={self.text!r}") from None
        for edits in self.returned_edits(method, result):
            new_text = apply_text_edits(self.text, edits)
            before, after = error_counts(self.text), error_counts(new_text)
            worse = {code: n for code, n in after.items() if n > before.get(code, 0)}
            assert not worse, (
                f"{method} returned an edit that adds errors {worse}\n"
                f"edits={edits}\ntext={self.text!r}\nnew={new_text!r}"
            )
        return result

    def returned_edits(self, method: str, result: Any) -> list[list[dict]]:
        """Each independent edit list in an answer (one per code action)."""
        if result is None:
            return []
        if method in ("textDocument/formatting", "textDocument/rangeFormatting"):
            return [result]
        if method == "textDocument/rename":
            return [self.workspace_edit(result)]
        if method == "textDocument/codeAction":
            return [self.workspace_edit(a["edit"]) for a in result if isinstance(a, dict) and a.get("edit")]
        return []

    def workspace_edit(self, edit: dict) -> list[dict]:
        edits: list[dict] = []
        for change in edit.get("documentChanges") or ():
            assert change.get("kind") is None, f"unexpected resource operation {change}"
            doc = change["textDocument"]
            assert doc["uri"] == self.uri, change
            assert doc.get("version") in (None, self.version), (
                f"edit for version {doc.get('version')}, document is at {self.version}"
            )
            edits.extend(change["edits"])
        for uri, changes in (edit.get("changes") or {}).items():
            assert uri == self.uri, edit
            edits.extend(changes)
        return edits

    def apply_returned(self, data, method: str, result: Any) -> None:
        options = self.returned_edits(method, result)
        options = [o for o in options if o]
        if not options:
            return
        edits = data.draw(st.sampled_from(options), label="applied edit")
        new_text = apply_text_edits(self.text, edits)
        self.send_changes(as_changes(self.text, edits), new_text)
        Fuzzer.stats[f"applied {method}"] += 1


EDIT_METHODS = (
    "textDocument/formatting",
    "textDocument/rangeFormatting",
    "textDocument/rename",
    "textDocument/codeAction",
)


# ---------------------------------------------------------------------------
# The test


# The UTF-16 default gets three quarters of the sessions, UTF-8 the rest.
RUNS = [("utf-16", 0.75), ("utf-8", 0.25)]


@pytest.mark.slow
@pytest.mark.parametrize("encoding, share", RUNS, ids=[e for e, _ in RUNS])
def test_random_edit_sessions_through_the_real_server(encoding: str, share: float):
    """The sessions run in batches of BATCH, each a Hypothesis run of its own with a fixed
    seed (deterministic, so CI replays the same sessions), until the examples are done or
    the time budget is spent; the budget is checked between batches only. (Skipping
    sessions inside one Hypothesis run when time is up would make the same choices lead to
    different draws, which Hypothesis rightly reports as a flaky strategy.)"""
    total = max(1, round(EXAMPLES * share))
    base_seed = int(SEED) if SEED is not None else 20261128
    Columns.encoding = encoding
    deadline = time.monotonic() + BUDGET * share
    Fuzzer.deadline = float("inf")  # sessions are never skipped
    Fuzzer.failed, Fuzzer.crashes = False, []
    Fuzzer.settings = Settings(diagnostics_delay_ms=0)
    Fuzzer.stats.clear(), Fuzzer.seconds.clear()
    Fuzzer.slowest = (0.0, "", 0)
    done = batch = 0
    try:
        while done < total and (batch == 0 or time.monotonic() < deadline):
            n = min(BATCH, total - done)
            test = get_state_machine_test(
                EditorSession, settings=settings(FUZZ_SETTINGS, max_examples=n, derandomize=False)
            )
            seed(base_seed + batch)(test)()
            done += n
            batch += 1
        Fuzzer.stats["batches"] = batch
        Fuzzer.stats["sessions not run (time budget)"] = total - done
        assert Fuzzer.crashes == [], "the server died during the run:\n" + "\n".join(Fuzzer.crashes)
        srv = Fuzzer.server()
        assert srv.shutdown_and_exit() == 0, srv.stderr_tail()
    finally:
        if Fuzzer.srv is not None:
            Fuzzer.srv.kill()
            Fuzzer.srv = None
        Columns.encoding = "utf-16"
        print(f"\nfuzz statistics ({encoding}):", dict(sorted(Fuzzer.stats.items())))
        print("seconds per method:", {k: round(v, 2) for k, v in Fuzzer.seconds.most_common()})
        seconds, method, characters = Fuzzer.slowest
        print(f"slowest request: {seconds:.2f}s {method} ({characters} characters)")


# ---------------------------------------------------------------------------
# The checks themselves


def test_helpers_reject_bad_answers():
    text = "ab😀\r\ncd\n"
    check_ranges_inside({"range": {"start": {"line": 0, "character": 4}, "end": {"line": 1, "character": 2}}}, text)
    for bad in ({"line": 0, "character": 3}, {"line": 0, "character": 5}, {"line": 3, "character": 0}):
        with pytest.raises(AssertionError):
            check_ranges_inside({"position": bad}, text)
    with pytest.raises(AssertionError, match="overlapping"):
        apply_text_edits(
            text,
            [
                {"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 2}}, "newText": "x"},
                {"range": {"start": {"line": 0, "character": 1}, "end": {"line": 0, "character": 2}}, "newText": "y"},
            ],
        )
    edits = [
        {"range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 1}}, "newText": "C"},
        {"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "newText": "1"},
        {"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "newText": "2"},
    ]
    assert apply_text_edits(text, edits) == "12ab😀\r\nCd\n"
    doc = Document(text)
    for change in as_changes(text, edits):
        r = change["range"]
        conv = Converter("x", doc.lines, "utf-16")
        from lsprotocol import types

        start = conv.code_point(types.Position(**r["start"]))
        end = conv.code_point(types.Position(**r["end"]))
        doc.replace(start, end, change["text"])
    assert doc.text == "12ab😀\r\nCd\n"
