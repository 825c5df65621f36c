"""Memory soak: one real fz-lsp server over stdio, typed into for a long time.

An editor keeps one server alive for days, so its resident memory must stay flat while
the user types and opens, edits and closes files. This drives ONE server process
(`python -m fz_lsp --stdio`, through the dependency-free client in lsp_driver.py):

1. **keystrokes** — a generated document of about 2,000 lines is open, with its live
   browser preview (`flowzap.openBrowserPreview`) and an SSE reader consuming the
   preview's event stream. The client types like a person: bursts of single-character
   didChanges (a word typed into a label, CJK and emoji included, typos fixed with
   backspace, words deleted again; digits of an edge's target id rubbed out and retyped,
   which relinks the edge), a completion after each id keystroke, a hover after each
   word, and at the end of each "sentence" a pause: the debounced diagnostics arrive, the
   preview is re-rendered and pushed, and the editor asks for the semantic tokens and
   inlay hints of the visible lines.
2. **cycles** — open / type / close of large documents (about 6,000 lines, a new text
   each time) under new URIs: didOpen -> diagnostics, a word typed and a hover, didClose.

At the end of each block (`--sample-every` keystrokes, `--sample-cycles` cycles) the user
stops for 1.5 s and the server's resident memory (`VmRSS` of /proc/<pid>/status) is
sampled. Growth is the slope of a least-squares line through the samples after the
warm-up, reported in MB per 1,000 keystrokes and per 100 cycles (goal: at most 0.25 and
0.5, i.e. flat).

    .venv/bin/python benchmarks/soak.py            # the full soak; writes the "## Memory" section of RESULTS.md
    .venv/bin/python benchmarks/soak.py --short    # a quick run (about a minute); prints only
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import json
import os
import random
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import run  # noqa: E402  (server_env, machine: the same conditions as the latency benchmark)
from generate import generate  # noqa: E402
from lsp_driver import LspClient, utf16_len  # noqa: E402

SECTION = "## Memory"
GOAL_PER_1000_KEYSTROKES_MB = 0.25
GOAL_PER_100_CYCLES_MB = 0.5
DELAY_MS = 50  # flowzap.diagnostics.delayMs: keystrokes of a burst arrive faster and coalesce
THINK_S = 1.5  # the user stops to think at the end of each block, before the sample (--think)

NODE_LINE = re.compile(r'^n\d+: \w+ label:"((?:\\.|[^"\\])*)"')
EDGE_TARGET = re.compile(r"^n\d+\.handle\(\w+\) -> (?:Lane\d+\.)?n(\d+)\.handle")
TYPED_WORDS = [
    "review",
    "deploy",
    "staging",
    "retry",
    "approve",
    "rollback",
    "notify",
    "canary",
    "检查",
    "確認",
    "🚀",
    "ready",
    "blocked",
    "Ünïcode",
    "queue",
    "audit",
]


# -- the client's copy of the document ---------------------------------------------------


class Editor:
    """One open document: the client's copy of its lines, kept in step with the server's
    through single-character didChanges (positions in UTF-16, as the server negotiated)."""

    def __init__(self, client: LspClient, uri: str, text: str) -> None:
        self.client, self.uri = client, uri
        self.lines = text.split("\n")
        self.version = 1
        self.keystrokes = 0
        self.problems = 0  # diagnostics published for the version last settled

    async def open(self) -> float:
        text = "\n".join(self.lines)
        sent = await self.client.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": self.uri, "languageId": "flowzap", "version": 1, "text": text}},
        )
        return sent

    def position(self, line: int, col: int) -> dict:
        """LSP position of code-point column `col` in `line`."""
        return {"line": line, "character": utf16_len(self.lines[line][:col])}

    async def _change(self, line: int, start: int, end: int, text: str) -> None:
        self.version += 1
        self.keystrokes += 1
        change = {"range": {"start": self.position(line, start), "end": self.position(line, end)}, "text": text}
        old = self.lines[line]
        self.lines[line] = old[:start] + text + old[end:]
        await self.client.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": self.uri, "version": self.version}, "contentChanges": [change]},
        )

    async def type(self, line: int, col: int, char: str) -> None:
        await self._change(line, col, col, char)

    async def backspace(self, line: int, col: int) -> None:
        """Delete the code point before column `col`."""
        await self._change(line, col - 1, col, "")

    async def close(self) -> None:
        await self.client.notify("textDocument/didClose", {"textDocument": {"uri": self.uri}})

    async def settle(self, timeout: float) -> None:
        """Wait for the diagnostics of the current version (the debounce has run)."""
        note = await self.client.wait_diagnostics(self.uri, self.version, timeout)
        self.problems = len((note.params or {}).get("diagnostics", []))
        self.client.drop_notifications(lambda n: n.method != "textDocument/publishDiagnostics")


@dataclass
class Counts:
    requests: dict[str, int] = field(default_factory=dict)
    empty: dict[str, int] = field(default_factory=dict)

    def add(self, method: str, result) -> None:
        self.requests[method] = self.requests.get(method, 0) + 1
        if not result:
            self.empty[method] = self.empty.get(method, 0) + 1


# -- realistic typing ---------------------------------------------------------------------


class Typist:
    """Decides what the user types next, from the document as it is now."""

    def __init__(self, editor: Editor, rng: random.Random, timeout: float, counts: Counts) -> None:
        self.editor, self.rng, self.timeout, self.counts = editor, rng, timeout, counts
        self.node_lines = [i for i, line in enumerate(editor.lines) if NODE_LINE.match(line)]
        self.label_lengths = {i: len(NODE_LINE.match(editor.lines[i]).group(1)) for i in self.node_lines}
        self.edge_lines = [i for i, line in enumerate(editor.lines) if EDGE_TARGET.match(line)]
        self.max_id = max(int(m.group(1)) for line in editor.lines for m in [re.match(r"^n(\d+):", line)] if m)
        self.retargeted: tuple[int, str] | None = None  # (edge line, its own target id) while pointed elsewhere

    async def request(self, method: str, params: dict):
        result = await self.editor.client.request(method, params, timeout=self.timeout)
        self.counts.add(method, result)
        return result

    def _label_span(self, line: int) -> tuple[int, int]:
        m = NODE_LINE.match(self.editor.lines[line])
        assert m is not None, self.editor.lines[line]
        return m.start(1), m.end(1)

    async def word_in_label(self) -> None:
        """Type a word into a label (with a typo fixed on the way), or delete its last
        word, as often as words are typed: each label's length wanders around what it was
        (the document keeps its size); then hover over something nearby."""
        ed, rng = self.editor, self.rng
        line = rng.choice(self.node_lines)
        start, end = self._label_span(line)
        label = ed.lines[line][start:end]
        longer = len(label) - self.label_lengths[line]
        if longer > 8 or (longer > -8 and rng.random() < 0.5):
            cut = label.rfind(" ")  # the last word goes, with its space, character by character
            count = len(label) - cut if cut > 0 else max(1, len(label) // 2)
            for k in range(count):
                await ed.backspace(line, end - k)
        else:
            col = end if rng.random() < 0.7 else start + rng.randint(0, len(label))
            word = (" " if col > start else "") + rng.choice(TYPED_WORDS)
            for k, ch in enumerate(word):
                await ed.type(line, col + k, ch)
            col += len(word)
            if rng.random() < 0.3:  # a typo, noticed and fixed
                await ed.type(line, col, rng.choice("qxz"))
                await ed.backspace(line, col + 1)
        await self.hover_near(line)

    async def digits_of_target(self) -> None:
        """Rub out an edge's target id digits and type another id (the edge is relinked;
        an id in another lane or an undefined one shows a problem until it is fixed),
        asking for completions as the editor does on every keystroke in a name. Turn and
        turn about: point a random edge at a random node, then point it back, so the
        document's edges (and its problems and the preview's size) stay what they were, as
        labels keep their length: what grows is then the server's, not the document's."""
        ed, rng = self.editor, self.rng
        line = rng.choice(self.edge_lines) if self.retargeted is None else self.retargeted[0]
        m = EDGE_TARGET.match(ed.lines[line])
        assert m is not None, ed.lines[line]
        digits_start, digits_end = m.span(1)
        if self.retargeted is None:
            new = str(rng.randint(1, self.max_id))
            self.retargeted = (line, m.group(1))
        else:
            new = self.retargeted[1]
            self.retargeted = None
        for k in range(digits_end - digits_start):
            await ed.backspace(line, digits_end - k)
        for k, ch in enumerate(new):
            await ed.type(line, digits_start + k, ch)
            await self.request(
                "textDocument/completion",
                {
                    "textDocument": {"uri": ed.uri},
                    "position": ed.position(line, digits_start + k + 1),
                    "context": {"triggerKind": 1},
                },
            )

    async def hover_near(self, line: int) -> None:
        ed = self.editor
        edges = [i for i in self.edge_lines if abs(i - line) < 30] or self.edge_lines
        target = self.rng.choice(edges)
        m = EDGE_TARGET.match(ed.lines[target])
        assert m is not None
        await self.request(
            "textDocument/hover", {"textDocument": {"uri": ed.uri}, "position": ed.position(target, m.start(1))}
        )

    async def pause(self, line_hint: int) -> None:
        """The user stops typing: diagnostics come (and the preview is pushed); the editor
        asks for what it shows of the visible lines."""
        ed = self.editor
        await ed.settle(self.timeout)
        first, last = max(0, line_hint - 40), min(len(ed.lines) - 1, line_hint + 40)
        window = {"start": {"line": first, "character": 0}, "end": {"line": last, "character": 0}}
        await self.request("textDocument/semanticTokens/range", {"textDocument": {"uri": ed.uri}, "range": window})
        await self.request("textDocument/inlayHint", {"textDocument": {"uri": ed.uri}, "range": window})


# -- the browser preview's event stream ----------------------------------------------------


class EventStreamReader:
    """A browser page's EventSource: reads the SSE stream of a preview page and throws the
    events away, counting them (as a browser tab that stays open does)."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.path = parts.path + "/events"
        self.events = 0
        self.bytes = 0
        self.status = ""
        self._task: asyncio.Task | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def start(self) -> None:
        reader, writer = await asyncio.open_connection(self.host, self.port, limit=1 << 24)
        self._writer = writer
        writer.write(
            f"GET {self.path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nAccept: text/event-stream\r\n\r\n".encode()
        )
        await writer.drain()
        self.status = (await reader.readline()).decode("latin-1").strip()
        self._task = asyncio.ensure_future(self._read(reader))

    async def _read(self, reader: asyncio.StreamReader) -> None:
        while True:
            line = await reader.readline()
            if not line:
                return
            self.bytes += len(line)
            if line.startswith(b"event: svg"):
                self.events += 1

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(BaseException):
                await self._task
        if self._writer is not None:
            self._writer.close()


# -- the run ---------------------------------------------------------------------------------


@dataclass
class Phase:
    unit: str  # "keystrokes" or "cycles"
    per: int  # growth is reported per this many units
    goal_mb: float
    warmup: int
    samples: list[tuple[int, float]] = field(default_factory=list)  # (units done, RSS MB)
    seconds: float = 0.0
    cpu_seconds: float | None = None

    def fit(self) -> float | None:
        """Slope (MB per `per` units) of the least-squares line through the samples after the warm-up."""
        pts = [(x, y) for x, y in self.samples if x >= self.warmup]
        if len(pts) < 3:
            return None
        n = len(pts)
        mx = sum(x for x, _ in pts) / n
        my = sum(y for _, y in pts) / n
        sxx = sum((x - mx) ** 2 for x, _ in pts)
        if sxx == 0:
            return None
        return sum((x - mx) * (y - my) for x, y in pts) / sxx * self.per

    @property
    def measured(self) -> list[tuple[int, float]]:
        return [(x, y) for x, y in self.samples if x >= self.warmup]


def rss_mb(client: LspClient) -> float:
    return client.proc_status().get("VmRSS", 0) / 1024


# the server collects a closed large document (LARGE_DOCUMENT_LINES or more) this long
# after its close (fz_lsp.lsp.memory RELEASE_DELAY_S) and then hands the memory back once idle:
# a sample after such a close waits for both, else it catches the closed document's memory
# in some samples and not others (tests/test_soak_smoke.py checks these against the server)
RELEASE_DELAY_S = 2.0
LARGE_DOCUMENT_LINES = 5_000


async def idle_rss(client: LspClient, think: float) -> float:
    """VmRSS after the user stopped for `think` seconds: an unknown request's round trip first
    (everything sent so far is handled), then the pause, in which the server finishes what
    it does after a publish or a close."""
    await client.request_timed("fzSoak/barrier", {}, timeout=60, check=False)
    await asyncio.sleep(think)
    return rss_mb(client)


def initialize_params() -> dict:
    params = run.initialize_params()
    params["clientInfo"] = {"name": "fz-lsp-soak", "version": "1"}
    params["initializationOptions"] = settings()
    params["capabilities"]["textDocument"]["semanticTokens"] = {
        "requests": {"range": True, "full": True},
        "tokenTypes": [],
        "tokenModifiers": [],
        "formats": ["relative"],
    }
    params["capabilities"]["textDocument"]["inlayHint"] = {}
    return params


_delay_ms = DELAY_MS  # what the client's configuration says now (0 for the latency check)


def settings() -> dict:
    return {"flowzap": {"diagnostics": {"delayMs": _delay_ms}}}


def answer_server_request(method: str, params) -> object:
    if method == "workspace/configuration":
        return [settings()["flowzap"] if item.get("section") == "flowzap" else None for item in params.get("items", [])]
    return None


async def soak(args, log) -> dict:
    rng = random.Random(args.seed)
    client = await LspClient.spawn(
        run.SERVER_COMMAND, env=run.server_env(), cwd=str(REPO), server_requests=answer_server_request
    )
    timeout = args.timeout
    keys = Phase("keystrokes", 1000, GOAL_PER_1000_KEYSTROKES_MB, args.warmup_keystrokes)
    cycles = Phase("cycles", 100, GOAL_PER_100_CYCLES_MB, args.warmup_cycles)
    counts = Counts()
    info: dict = {"pid": client.pid}
    latency: dict = {}
    stream: EventStreamReader | None = None
    try:
        await client.request("initialize", initialize_params(), timeout=timeout)
        await client.notify("initialized", {})
        info["rss_idle_mb"] = rss_mb(client)

        # -- 1. keystrokes in a document with its live preview open
        text = generate(args.lines, args.seed)
        editor = Editor(client, "file:///soak/typed.fz", text)
        info["typed_lines"] = len(editor.lines) - 1
        info["typed_chars"] = len(text)
        await editor.open()
        await editor.settle(timeout)
        info["typed_problems"] = editor.problems
        opened = await client.request(
            "workspace/executeCommand",
            {"command": "flowzap.openBrowserPreview", "arguments": [{"uri": editor.uri, "view": "workflow"}]},
            timeout=timeout,
        )
        stream = EventStreamReader(opened["url"])
        await stream.start()
        info["preview_stream"] = stream.status
        typist = Typist(editor, rng, timeout, counts)
        log(
            f"keystrokes: {info['typed_lines']:,}-line document, preview {stream.status!r}, "
            f"{args.keystrokes:,} keystrokes (warm-up {args.warmup_keystrokes:,}), debounce {DELAY_MS} ms"
        )
        keys.samples.append((0, await idle_rss(client, args.think)))
        next_sample = args.sample_every
        started, cpu0 = time.perf_counter(), client.cpu_seconds()
        while editor.keystrokes < args.keystrokes:
            for _ in range(rng.randint(3, 7)):  # a sentence: a few words, then a pause
                if rng.random() < 0.75:
                    await typist.word_in_label()
                else:
                    await typist.digits_of_target()
            await typist.pause(rng.choice(typist.node_lines))
            if editor.keystrokes >= next_sample:
                keys.samples.append((editor.keystrokes, await idle_rss(client, args.think)))
                next_sample += args.sample_every
                if len(keys.samples) % 5 == 0:
                    log(
                        f"  {editor.keystrokes:,} keystrokes: RSS {keys.samples[-1][1]:.1f} MB, "
                        f"{stream.events} preview events read"
                    )
        keys.seconds = time.perf_counter() - started
        cpu1 = client.cpu_seconds()
        keys.cpu_seconds = (cpu1 - cpu0) if cpu0 is not None and cpu1 is not None else None
        info["keystrokes_typed"] = editor.keystrokes
        info["typed_chars_end"] = sum(len(line) + 1 for line in editor.lines) - 1
        info["typed_problems_end"] = editor.problems
        info["preview_events"] = stream.events
        info["preview_bytes"] = stream.bytes
        log(f"  done in {keys.seconds:.0f} s: growth {fmt_growth(keys.fit())} MB per 1,000 keystrokes")

        # -- 2. open / type / close cycles of large documents under new URIs
        log(f"cycles: {args.cycles} x a ~{args.cycle_lines:,}-line document (warm-up {args.warmup_cycles})")
        cycle_think = args.think + (RELEASE_DELAY_S if args.cycle_lines >= LARGE_DOCUMENT_LINES else 0.0)
        cycles.samples.append((0, await idle_rss(client, args.think)))
        started, cpu0 = time.perf_counter(), client.cpu_seconds()
        for c in range(1, args.cycles + 1):
            big = Editor(client, f"file:///soak/cycle-{c}.fz", generate(args.cycle_lines, args.seed + 1000 + c))
            await big.open()
            await big.settle(timeout)
            big_typist = Typist(big, rng, timeout, counts)
            await big_typist.word_in_label()
            await big.settle(timeout)
            await big.close()
            client.drop_notifications()
            if c % args.sample_cycles == 0:
                cycles.samples.append((c, await idle_rss(client, cycle_think)))
                if len(cycles.samples) % 5 == 0:
                    log(f"  {c} cycles: RSS {cycles.samples[-1][1]:.1f} MB")
        cycles.seconds = time.perf_counter() - started
        cpu1 = client.cpu_seconds()
        cycles.cpu_seconds = (cpu1 - cpu0) if cpu0 is not None and cpu1 is not None else None
        if args.cycles:
            info["cycle_lines"] = len(big.lines) - 1
        log(f"  done in {cycles.seconds:.0f} s: growth {fmt_growth(cycles.fit())} MB per 100 cycles")

        # -- 3. keystroke latency in the soaked server (every cache full and evicting)
        if args.latency_keystrokes:
            latency.update(await keystroke_latency(client, args, timeout))
            log(
                f"latency at {latency['lines']:,} lines: p50 {latency['p50_ms']:.2f} ms, p95 {latency['p95_ms']:.2f} ms"
            )
        info["requests"] = counts.requests
        info["empty_answers"] = counts.empty
        info["rss_end_mb"] = rss_mb(client)
        info["vmhwm_mb"] = client.proc_status().get("VmHWM", 0) / 1024
    finally:
        if stream is not None:
            await stream.stop()
        info["server_stderr_tail"] = client.stderr_tail(1500)
        info["exit_code"] = await client.close()
    return {"keystrokes": keys, "cycles": cycles, "info": info, "latency": latency}


async def keystroke_latency(client: LspClient, args, timeout: float) -> dict:
    """benchmarks/run.py's keystroke measurement (debounce 0; a character typed into a label
    in the middle of its 10,000-line document then deleted, didChange -> publishDiagnostics
    of the new version), in this server, whose caches are full by now: eviction on every
    new line."""
    global _delay_ms
    _delay_ms = 0
    await client.notify("workspace/didChangeConfiguration", {"settings": settings()})
    # quiet first: the re-check (and preview render) the new setting causes, and the full
    # collection the server runs RELEASE_DELAY_S (2 s) after the last large document closed
    await client.request(
        "textDocument/hover",
        {"textDocument": {"uri": "file:///soak/typed.fz"}, "position": {"line": 0, "character": 0}},
        timeout=timeout,
    )
    await asyncio.sleep(3.0)
    client.drop_notifications()
    text = generate(10000, 7)  # run.py's document of that size
    lines = text.split("\n")
    uri = "file:///soak/latency-10000.fz"
    await client.notify(
        "textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "flowzap", "version": 1, "text": text}}
    )
    await client.wait_diagnostics(uri, 1, timeout)
    samples: list[float] = []
    version = 1
    cpu0 = client.cpu_seconds()
    for key in run.keystroke_plan(lines, args.latency_keystrokes):
        version += 1
        ms, _ = await client.change_and_wait(uri, version, [run.keystroke_change(*key)], timeout)
        samples.append(ms)
    cpu1 = client.cpu_seconds()
    await client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    client.drop_notifications()
    measured = run.Measurement(samples=samples)
    return {
        "lines": len(lines) - 1,
        "n": len(samples),
        "p50_ms": measured.p50,
        "p95_ms": measured.p95,
        "cpu_ms": (cpu1 - cpu0) * 1000 / len(samples) if cpu0 is not None and cpu1 is not None else None,
    }


# -- report ----------------------------------------------------------------------------------


def fmt_growth(value: float | None) -> str:
    return "n/a" if value is None else f"{value:+.3f}"


def verdict(phase: Phase) -> str:
    slope = phase.fit()
    if slope is None:
        return "n/a (too few samples after the warm-up)"
    return (
        f"pass ({slope / phase.goal_mb:.2f}× the goal)"
        if slope <= phase.goal_mb
        else f"**miss** ({slope / phase.goal_mb:.1f}× the goal)"
    )


def section(result: dict, args, meta: dict, history: list[str]) -> str:
    keys, cycles, info = result["keystrokes"], result["cycles"], result["info"]
    command = "benchmarks/soak.py" + (" " + " ".join(meta["argv"]) if meta["argv"] else "")
    per_key = (keys.cpu_seconds or 0) * 1000 / max(1, info.get("keystrokes_typed", 1))
    out = [
        f"{SECTION} (soak: one server, typed into for a long time)",
        "",
        f"Run on {meta['date']} with `bash scripts/dev.sh bench` (`{command}`) in {meta['elapsed_s'] / 60:.1f} min. "
        f"Machine: {meta['nproc']} CPUs (`nproc`), {meta['cpu']}, {meta['ram']} RAM, {meta['python']}, {meta['os']}; "
        f"load average {meta['load']} at the start, {meta.get('load_end', '?')} at the end. Code: {meta['label']}.",
        "",
        "ONE real server process (`python -m fz_lsp --stdio`) driven over stdio by `benchmarks/lsp_driver.py`, with "
        f"the diagnostics debounce at {DELAY_MS} ms. **Keystrokes**: a {info.get('typed_lines', 0):,}-line generated "
        "document with its live browser preview open (`flowzap.openBrowserPreview`, an SSE reader consuming the "
        f"stream: {info.get('preview_events', 0):,} SVG events, {info.get('preview_bytes', 0) / 1e6:.0f} MB read); "
        "single-character didChanges typing words into labels (CJK and emoji included, typos fixed with backspace, "
        "long labels cut back word by word) and rubbing out and retyping the digits of edges' target ids (relinked "
        "edges, errors that come and go), a completion after each id keystroke, a hover after each word, and at the "
        "end of each sentence a pause: the debounced diagnostics, the preview re-rendered and pushed, semantic "
        "tokens and inlay hints of the 80 visible lines. **Cycles**: didOpen of a new "
        f"~{info.get('cycle_lines', 0):,}-line document (a new text each time, under a new URI) -> diagnostics, a "
        "word typed into a label and a hover, didClose. Resident memory is `VmRSS` of the server process, read "
        f"after each block of {args.sample_every:,} keystrokes / {args.sample_cycles} cycles once the user has "
        f"stopped for {args.think:g} s ({RELEASE_DELAY_S + args.think:g} s after a cycle's close of a document of "
        f"{LARGE_DOCUMENT_LINES:,} lines or more, which the server collects {RELEASE_DELAY_S:g} s after its close; "
        "people stop far more often), when the server has handed freed memory back to "
        "the system; growth is the slope of the least-squares line through the samples after the warm-up (not two "
        "points), in which the bounded caches fill (with this typing: the lines edits made within ~2,000 "
        "keystrokes, semantic tokens ~6,000, the renderer's wrapped labels ~11,000; the line memo of whole texts "
        "within ~10 cycles). **Latency**: then, in the same server with every cache full, "
        "`benchmarks/run.py`'s keystroke measurement at 10,000 lines (debounce 0, its document and keystrokes).",
        "",
        "| phase | done | warm-up | samples fitted | RSS at warm-up end -> end | growth (fit) | goal | verdict |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for phase in (keys, cycles):
        fitted = phase.measured
        span = f"{fitted[0][1]:.1f} -> {fitted[-1][1]:.1f} MB" if fitted else "—"
        done = phase.samples[-1][0] if phase.samples else 0
        out.append(
            f"| {phase.unit} | {done:,} | {phase.warmup:,} | {len(fitted)} | {span} | "
            f"{fmt_growth(phase.fit())} MB per {phase.per:,} {phase.unit} | ≤ {phase.goal_mb:g} MB | {verdict(phase)} |"
        )
    requests = ", ".join(f"{k.split('/')[-1]} {v:,}" for k, v in sorted(info.get("requests", {}).items()))
    lat = result.get("latency") or {}
    if lat:
        out += [
            "",
            f"Keystroke (didChange) -> fresh diagnostics at {lat['lines']:,} lines in the soaked server: p50 "
            f"{lat['p50_ms']:.2f} ms, p95 {lat['p95_ms']:.2f} ms over {lat['n']} keystrokes, server CPU "
            + (f"{lat['cpu_ms']:.2f} ms" if lat.get("cpu_ms") is not None else "?")
            + " per keystroke (a fresh server: the Protocol latency section above).",
        ]
    out += [
        "",
        f"The typed document stays about as large: {info.get('typed_chars', 0):,} characters at the start, "
        f"{info.get('typed_chars_end', 0):,} at the end, with {info.get('typed_problems', 0):,} and "
        f"{info.get('typed_problems_end', 0):,} diagnostics. "
        f"Idle server {info.get('rss_idle_mb', 0):.0f} MB; at the end {info.get('rss_end_mb', 0):.0f} MB (peak `VmHWM` "
        f"{info.get('vmhwm_mb', 0):.0f} MB). Server CPU per keystroke (renders of the preview included) "
        f"{per_key:.2f} ms; keystroke phase {keys.seconds:.0f} s, cycle phase {cycles.seconds:.0f} s. Requests: "
        f"{requests}.",
        "",
        "RSS samples (units done: MB): keystrokes "
        + ", ".join(f"{x:,}: {y:.1f}" for x, y in keys.samples)
        + "; cycles "
        + ", ".join(f"{x}: {y:.1f}" for x, y in cycles.samples)
        + ".",
        "",
        "### History",
        "",
        "| date | code | keystrokes (MB per 1,000) | cycles (MB per 100) "
        "| keystroke p50 / p95 at 10,000 lines, soaked | command |",
        "|---|---|---:|---:|---:|---|",
        *history,
        "",
        "Re-run: `bash scripts/dev.sh bench` (with the latency benchmark) or `.venv/bin/python benchmarks/soak.py` "
        "(this section only; `--short` for a quick run that prints without writing).",
        "",
    ]
    return "\n".join(out)


def history_rows(existing: str) -> list[str]:
    """The rows of the History table of an existing Memory section."""
    start = existing.find("### History")
    if start == -1:
        return []
    return [line for line in existing[start:].splitlines() if line.startswith("| ") and not line.startswith("| date")]


def split_sections(text: str) -> list[str]:
    """`text` cut before each `## ` heading (the first piece is what comes before any)."""
    starts = [0] + [m.start() + 1 for m in re.finditer(r"\n## ", text)]
    return [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)])]


def write_section(path: Path, body: str) -> None:
    """Replace the Memory section of RESULTS.md, or put it before `## Rendering` (else at the end)."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    pieces = split_sections(text)
    body = body.rstrip("\n") + "\n"
    for i, piece in enumerate(pieces):
        if piece.startswith(SECTION):
            pieces[i] = body + ("\n" if i < len(pieces) - 1 else "")
            break
    else:
        at = next((i for i, p in enumerate(pieces) if p.startswith("## Rendering")), len(pieces))
        if at > 0 and not pieces[at - 1].endswith("\n\n"):
            pieces[at - 1] = pieces[at - 1].rstrip("\n") + "\n\n"
        pieces.insert(at, body + ("\n" if at < len(pieces) else ""))
    path.write_text("".join(pieces), encoding="utf-8")


def existing_section(path: Path) -> str:
    if not path.exists():
        return ""
    return next((p for p in split_sections(path.read_text(encoding="utf-8")) if p.startswith(SECTION)), "")


# -- main ------------------------------------------------------------------------------------


def parse_args(argv) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument(
        "--short", action="store_true", help="a quick run: fewer keystrokes and cycles; prints only unless --out"
    )
    p.add_argument("--keystrokes", type=int, help="keystrokes to type (default 30,000; --short 3,000)")
    p.add_argument(
        "--warmup-keystrokes",
        type=int,
        help="keystrokes before the fit (default 10,000, in which the bounded caches fill; --short 1,000)",
    )
    p.add_argument("--sample-every", type=int, help="keystrokes between RSS samples (default 500; --short 200)")
    p.add_argument("--lines", type=int, default=2000, help="lines of the typed document (default 2,000)")
    p.add_argument("--cycles", type=int, help="open/type/close cycles (default 300; --short 60)")
    p.add_argument("--warmup-cycles", type=int, help="cycles before the fit (default 60; --short 20)")
    p.add_argument("--sample-cycles", type=int, help="cycles between RSS samples (default 10; --short 5)")
    p.add_argument("--cycle-lines", type=int, default=6000, help="lines of each cycled document (default 6,000)")
    p.add_argument(
        "--latency-keystrokes",
        type=int,
        help="keystrokes of the latency check at 10,000 lines afterwards (default 200; --short 50; 0: none)",
    )
    p.add_argument(
        "--think",
        type=float,
        default=THINK_S,
        help="seconds the user stops before each sample (default 1.5: the server trims freed memory after 1 s idle)",
    )
    p.add_argument("--seed", type=int, default=16)
    p.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for any one answer")
    p.add_argument(
        "--out", help="markdown report whose Memory section is replaced (default benchmarks/RESULTS.md; --short: none)"
    )
    p.add_argument("--json", help="raw samples (default benchmarks/out/soak.json)")
    p.add_argument("--no-write", action="store_true", help="print only")
    p.add_argument("--label", help="the code measured, for the report (default: the git commit)")
    args = p.parse_args(argv)
    short = args.short
    defaults = {
        "keystrokes": 3000 if short else 30000,
        "warmup_keystrokes": 1000 if short else 10000,
        "sample_every": 200 if short else 500,
        "cycles": 60 if short else 300,
        "warmup_cycles": 20 if short else 60,
        "sample_cycles": 5 if short else 10,
        "latency_keystrokes": 50 if short else 200,
    }
    for key, value in defaults.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    if short and args.out is None:
        args.no_write = True
    if args.out is None:
        args.out = str(HERE / "RESULTS.md")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    log = lambda message: print(message, flush=True)  # noqa: E731
    began = time.perf_counter()
    meta = run.machine()
    meta["date"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    meta["argv"] = list(sys.argv[1:] if argv is None else argv)
    meta["label"] = args.label or f"commit {meta['commit']}"
    result = asyncio.run(soak(args, log))
    meta["load_end"] = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    meta["elapsed_s"] = time.perf_counter() - began
    out = Path(args.out)
    keys, cycles = result["keystrokes"], result["cycles"]
    command = "benchmarks/soak.py" + (" " + " ".join(meta["argv"]) if meta["argv"] else "")
    lat = result.get("latency") or {}
    lat_cell = f"{lat['p50_ms']:.2f} / {lat['p95_ms']:.2f} ms" if lat else "—"
    row = (
        f"| {meta['date'][:10]} | {meta['label']} | {fmt_growth(keys.fit())} | {fmt_growth(cycles.fit())} | "
        f"{lat_cell} | `{command}` |"
    )
    history = [*history_rows(existing_section(out)), row]
    text = section(result, args, meta, history)
    print()
    print(text)
    if not args.no_write:
        write_section(out, text)
        raw = Path(args.json) if args.json else HERE / "out" / "soak.json"
        raw.parent.mkdir(parents=True, exist_ok=True)
        raw.write_text(
            json.dumps(
                {
                    "machine": meta,
                    "args": vars(args),
                    "keystrokes": {"samples": keys.samples, "warmup": keys.warmup, "fit_mb_per_1000": keys.fit()},
                    "cycles": {"samples": cycles.samples, "warmup": cycles.warmup, "fit_mb_per_100": cycles.fit()},
                    "info": result["info"],
                    "latency": result["latency"],
                },
                indent=1,
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        print(f"wrote the Memory section of {out} and {raw}")
    ok = result["info"].get("exit_code") == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
