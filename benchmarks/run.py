"""Protocol benchmarks: the real fz-lsp server over stdio, measured as an editor feels it.

For each document size, one fresh server process (`python -m fz_lsp --stdio`) with the
diagnostics debounce at 0 ({"flowzap": {"diagnostics": {"delayMs": 0}}}), driven by the
dependency-free client in benchmarks/lsp_driver.py:

- start -> initialize result (process spawn included);
- baselines: round trip of an unknown request (method not found) and of
  textDocument/documentSymbol on an empty document: the machine's and pygls's floor;
- didOpen -> first publishDiagnostics (cold: first time the server sees these lines), and,
  for the first size, in the run's first server, whose shape-template cache is empty;
- keystroke -> fresh diagnostics: didChange (incremental) of one character in a label in
  the middle of the document -> publishDiagnostics carrying the new version; typing five
  characters then deleting them, on a different line each round;
- a keystroke that changes a link: `x` typed after an edge's target id (an undefined node
  appears, the edge is relinked) then deleted, -> fresh diagnostics;
- hover and definition on a node reference in the middle; completion at the end of an
  inserted line ending in `LaneX.`;
- preview: workspace/executeCommand `flowzap.preview` {"uri", "view": "workflow"};
- rename of a hub node with 1,000 references (a second document of the same size in
  which edges from many lanes target `Lane0.n2`; min(1000, lines/10) references for
  documents under 10,000 lines);
- didOpen of another document of the same size (lark loaded, lines new: the open cost
  without the one-time loading of lark and the grammar in a fresh process);
- didOpen again of the same text (parse memo warm);
- peak RSS: VmHWM of the server process at the end.

A full run (no --sizes, --quick or --profile) then runs benchmarks/bench_peers.py: issue 24's
figures against the floor, the DOT peer and a600daf (`--peers` / `--no-peers` choose).

Writes benchmarks/RESULTS.md (keeping the sections the other benchmarks write),
benchmarks/latency.svg and benchmarks/out/results.json.

    .venv/bin/python benchmarks/run.py [--sizes 1000,10000,50000] [--keystrokes 200]
                                       [--quick] [--out benchmarks/RESULTS.md]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import math
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

import plot  # noqa: E402
from generate import generate  # noqa: E402
from lsp_driver import LspClient, LspServerGone, LspTimeout, ResponseError  # noqa: E402

SERVER_COMMAND = [sys.executable, "-m", "fz_lsp", "--stdio"]
SETTINGS = {"flowzap": {"diagnostics": {"delayMs": 0}}}
PROTOCOL = "## Protocol latency"  # this benchmark's own section of RESULTS.md
RENDERING = "## Rendering"
MEMORY = "## Memory"  # written by benchmarks/soak.py, kept here

# -- what is measured, and the targets -------------------------------------------------

# key -> (title, unit)
METRICS = {
    "start": ("start -> initialize result", "ms"),
    "baseline_unknown": ("baseline: unknown request round trip", "ms"),
    "baseline_symbols": ("baseline: documentSymbol on an empty document", "ms"),
    "open_first": ("didOpen -> first diagnostics, first server on the machine (no saved line shapes)", "ms"),
    "open": ("didOpen -> first diagnostics", "ms"),
    "keystroke": ("keystroke (didChange) -> fresh diagnostics", "ms"),
    "keystroke_id": ("keystroke in an edge's target id -> fresh diagnostics", "ms"),
    "completion": ("completion after `LaneX.`", "ms"),
    "hover": ("hover on a node reference", "ms"),
    "definition": ("definition of a node reference", "ms"),
    "rename": ("rename of a hub node", "ms"),
    "preview": ("preview (`flowzap.preview`, workflow)", "ms"),
    "open_other": ("didOpen of another document, same size (lines new)", "ms"),
    "open_warm": ("didOpen of the same text again (parse memo warm)", "ms"),
    "rss": ("peak RSS (VmHWM) at the end", "MB"),
}

# key -> {lines: (p50 target, p95 target or None)}; None key = every size
TARGETS: dict[str, dict[int | None, tuple[float, float | None]]] = {
    "start": {None: (400, None)},
    "open": {1000: (30, None), 10000: (250, None), 50000: (1500, None)},
    "keystroke": {1000: (5, None), 10000: (15, 40), 50000: (60, None)},
    "completion": {1000: (2, None), 10000: (5, 15), 50000: (10, None)},
    "hover": {1000: (2, None), 10000: (5, 15), 50000: (10, None)},
    "definition": {1000: (2, None), 10000: (5, 15), 50000: (10, None)},
    "rename": {10000: (50, None)},
    "rss": {10000: (150, None), 50000: (400, None)},
}


def target_for(key: str, nominal: int) -> tuple[float, float | None] | None:
    table = TARGETS.get(key, {})
    return table.get(nominal, table.get(None))


# -- results ----------------------------------------------------------------------------


@dataclass
class Measurement:
    samples: list[float] = field(default_factory=list)
    error: str | None = None
    note: str = ""
    planned: int = 0  # iterations asked for (samples may be fewer: budget, error)

    @property
    def ok(self) -> bool:
        return bool(self.samples) and self.error is None

    @property
    def p50(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None

    @property
    def p95(self) -> float | None:
        if not self.samples:
            return None
        ordered = sorted(self.samples)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


@dataclass
class SizeResult:
    nominal: int  # the size asked for (generate(nominal))
    lines: int = 0
    chars: int = 0
    rename_lines: int = 0
    rename_refs: int = 0
    measurements: dict[str, Measurement] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)

    def m(self, key: str) -> Measurement:
        return self.measurements.setdefault(key, Measurement())


def describe_error(err: BaseException) -> str:
    if isinstance(err, ResponseError):
        return f"error {err.code}: {err.message}"[:160]
    if isinstance(err, (LspTimeout, LspServerGone)):
        return str(err)[:160]
    return f"{type(err).__name__}: {err}"[:160]


# -- documents --------------------------------------------------------------------------

LANE_OPEN = re.compile(r"^(Lane\d+) \{")
NODE_DECL = re.compile(r'^n(\d+): \w+ label:"')
EDGE_REF = re.compile(r"^n\d+\.handle\(\w+\) -> (?:Lane\d+\.)?(n\d+)\.handle")
HANDLES = ("right", "bottom", "top", "left")


def lanes_of(lines: list[str]) -> list[dict]:
    """[{name, open, close, ids}] for a generated document."""
    lanes: list[dict] = []
    for i, line in enumerate(lines):
        m = LANE_OPEN.match(line)
        if m:
            lanes.append({"name": m.group(1), "open": i, "close": None, "ids": []})
        elif line == "}" and lanes and lanes[-1]["close"] is None:
            lanes[-1]["close"] = i
        elif lanes and (d := NODE_DECL.match(line)):
            lanes[-1]["ids"].append(int(d.group(1)))
    return lanes


def hub_document(lines: int, refs: int, seed: int) -> tuple[str, int, int]:
    """A generated document of about `lines` lines whose node `n2` (lane Lane0) has exactly
    `refs` references (edges from every lane target it). Returns (text, decl line, max id)."""
    base = generate(max(200, lines - refs), seed).split("\n")
    hub = re.compile(r"\bn2\b")
    existing = sum(len(hub.findall(line)) for line in base) - 1  # minus the declaration
    lanes = lanes_of(base)
    seen = set(base)
    inserts: dict[int, list[str]] = {}
    combos = [(k, a, b) for k in range(12) for a in HANDLES for b in HANDLES]
    cursor = {i: 0 for i in range(len(lanes))}
    need, li = refs - existing, 1 % len(lanes)
    while need > 0:
        lane = lanes[li]
        while cursor[li] < len(combos):
            k, a, b = combos[cursor[li]]
            cursor[li] += 1
            if k >= len(lane["ids"]) or lane["ids"][k] == 2:
                continue
            target = "n2" if li == 0 else "Lane0.n2"
            edge = f"n{lane['ids'][k]}.handle({a}) -> {target}.handle({b})"
            if edge not in seen:
                seen.add(edge)
                inserts.setdefault(lane["close"], []).append(edge)
                need -= 1
                break
        li = (li + 1) % len(lanes)
    out: list[str] = []
    decl = -1
    for i, line in enumerate(base):
        out.extend(inserts.get(i, []))
        if line.startswith("n2: "):
            decl = len(out)
        out.append(line)
    max_id = max(i for lane in lanes for i in lane["ids"])
    return "\n".join(out), decl, max_id


def keystroke_change(line: int, col: int, char: str, insert: bool) -> dict[str, Any]:
    """The didChange content change of one keystroke of a plan: `char` typed at (line,
    col), or the character there deleted (backspace)."""
    end = col if insert else col + 1
    change: dict[str, Any] = {
        "range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": end}},
        "text": char if insert else "",
    }
    if not insert:
        change["rangeLength"] = 1
    return change


def keystroke_plan(lines: list[str], count: int) -> list[tuple[int, int, str, bool]]:
    """(line, column, char, insert?) for `count` keystrokes: on node lines from the middle
    on, type five characters at the start of the label then delete them (backspace)."""
    mid = len(lines) // 2
    candidates = [i for i in range(mid, len(lines)) if NODE_DECL.match(lines[i])]
    candidates += [i for i in range(0, mid) if NODE_DECL.match(lines[i])]
    plan = []
    word = "hello"
    for k in range(count):
        line = candidates[(k // 10) % len(candidates)]
        col = lines[line].index('label:"') + len('label:"')  # ASCII prefix: UTF-16 == code points
        step = k % 10
        if step < 5:
            plan.append((line, col + step, word[step], True))
        else:
            plan.append((line, col + 9 - step, "", False))
    return plan


def id_keystroke_plan(lines: list[str], count: int) -> list[tuple[int, int, str, bool]]:
    """(line, column, char, insert?) for `count` keystrokes that change what an edge points
    at: on edge lines from the middle on, type `x` after the target id (it becomes an
    undefined node: the edge is relinked, an error appears) then delete it."""
    mid = len(lines) // 2
    order = list(range(mid, len(lines))) + list(range(0, mid))
    ends = [(i, m.end(1)) for i in order for m in [EDGE_REF.match(lines[i])] if m]
    plan = []
    for k in range(count):
        line, col = ends[(k // 2) % len(ends)]
        plan.append((line, col, "x", True) if k % 2 == 0 else (line, col, "", False))
    return plan


def reference_position(lines: list[str]) -> tuple[int, int, str]:
    """(line, column inside the target id, id) of an edge target near the middle."""
    mid = len(lines) // 2
    for i in list(range(mid, len(lines))) + list(range(0, mid)):
        m = EDGE_REF.match(lines[i])
        if m:
            return i, m.start(1) + 1, m.group(1)
    raise ValueError("no edge in the document")


def lane_dot_line(lines: list[str]) -> tuple[int, str, str]:
    """(insert-at line, new line text ending in `LaneX.`, LaneX) for the completion test."""
    lanes = lanes_of(lines)
    here = next((k for k, lane in enumerate(lanes) if lane["open"] >= len(lines) // 2), len(lanes) // 2)
    lane, other = lanes[here], lanes[(here + 3) % len(lanes)]
    return lane["close"], f"n{lane['ids'][1]}.handle(bottom) -> {other['name']}.", other["name"]


# -- the measurements --------------------------------------------------------------------


def initialize_params() -> dict:
    return {
        "processId": os.getpid(),
        "clientInfo": {"name": "fz-lsp-bench", "version": "1"},
        "rootUri": REPO.as_uri(),
        "capabilities": {
            "general": {"positionEncodings": ["utf-16"]},
            "workspace": {"configuration": True, "workspaceEdit": {"documentChanges": True}, "executeCommand": {}},
            "textDocument": {
                "synchronization": {"didSave": True},
                "publishDiagnostics": {"relatedInformation": True, "versionSupport": True},
                "completion": {
                    "completionItem": {"snippetSupport": True, "documentationFormat": ["markdown", "plaintext"]},
                    "contextSupport": True,
                },
                "hover": {"contentFormat": ["markdown", "plaintext"]},
                "definition": {"linkSupport": False},
                "rename": {"prepareSupport": True},
                "documentSymbol": {"hierarchicalDocumentSymbolSupport": True},
            },
        },
        "initializationOptions": SETTINGS,
    }


def answer_server_request(method: str, params: Any) -> Any:
    if method == "workspace/configuration":
        return [SETTINGS["flowzap"] if item.get("section") == "flowzap" else None for item in params.get("items", [])]
    return None


@dataclass
class Plan:
    keystrokes: int
    iterations: int  # completion / hover / definition / baselines
    rename_iterations: int
    preview_iterations: int
    reopen_iterations: int
    budget: float  # seconds per repeated measurement (keystrokes get 4x)
    timeout: float
    deadline: float = math.inf  # perf_counter after which repeated measurements stop at one sample


class Bench:
    def __init__(self, client: LspClient, result: SizeResult, plan: Plan, log) -> None:
        self.client, self.result, self.plan, self.log = client, result, plan, log

    async def repeat(self, key: str, count: int, once, budget: float | None = None) -> Measurement:
        """Run `once()` (-> ms) up to `count` times within the time budget; errors are recorded."""
        m = self.result.m(key)
        m.planned = count
        budget = self.plan.budget if budget is None else budget
        started = time.perf_counter()
        for _ in range(count):
            try:
                m.samples.append(await once())
            except (ResponseError, LspTimeout, LspServerGone, ValueError, KeyError, TypeError) as err:
                m.error = describe_error(err)
                if isinstance(err, (LspServerGone, LspTimeout)):
                    raise  # the server is gone or still busy: give up this size
                break
            now = time.perf_counter()
            if len(m.samples) < count and now - started > budget:
                m.note = f"{len(m.samples)} of {count} iterations (time budget {budget:g} s)"
                break
            if len(m.samples) < count and now > self.plan.deadline:
                m.note = f"{len(m.samples)} of {count} iterations (the run's time limit was reached)"
                break
        return m


# the servers' shape-template cache (fz_lsp/shape_cache.py): empty at the start of a run,
# filled by its first server, as on a machine where fz-lsp has never run
SHAPE_CACHE = tempfile.mkdtemp(prefix="fz-bench-shapes-")


def server_env() -> dict[str, str]:
    """The server's environment: this checkout first on the path, bytecode caching
    allowed (as in an installed package) whatever PYTHONDONTWRITEBYTECODE says here, and
    this run's own shape-template cache."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["FZ_LSP_CACHE_DIR"] = SHAPE_CACHE
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + os.environ["PYTHONPATH"] if os.environ.get("PYTHONPATH") else "")
    return env


def server_command(profile: str | None, name: str) -> list[str]:
    if not profile:
        return SERVER_COMMAND
    Path(profile).mkdir(parents=True, exist_ok=True)
    return [
        sys.executable,
        "-m",
        "cProfile",
        "-o",
        str(Path(profile) / f"server-{name}.prof"),
        "-m",
        "fz_lsp",
        "--stdio",
    ]


async def run_size(nominal: int, plan: Plan, seed: int, log, profile: str | None = None) -> SizeResult:
    text = generate(nominal, seed)
    lines = text.split("\n")
    res = SizeResult(nominal, lines=len(lines) - (1 if text.endswith("\n") else 0), chars=len(text))
    uri = f"file:///bench/doc-{nominal}.fz"
    env = server_env()
    client = await LspClient.spawn(
        server_command(profile, str(nominal)), env=env, cwd=str(REPO), server_requests=answer_server_request
    )
    res.info["pid"] = client.pid
    bench = Bench(client, res, plan, log)
    timeout = plan.timeout
    try:
        # start -> initialize result
        init = await client.request_timed("initialize", initialize_params(), timeout=timeout)
        res.m("start").samples.append((init.received - client.spawned) * 1000)
        res.m("start").planned = 1
        caps = (init.result or {}).get("capabilities", {})
        res.info["executeCommands"] = (caps.get("executeCommandProvider") or {}).get("commands", [])
        res.info["positionEncoding"] = caps.get("positionEncoding")
        await client.notify("initialized", {})
        log(f"  start -> initialize result: {res.m('start').samples[0]:.0f} ms")

        # baselines
        async def unknown() -> float:
            timed = await client.request_timed("fzBench/unknownMethod", {}, timeout=timeout, check=False)
            return timed.ms

        await bench.repeat("baseline_unknown", plan.iterations, unknown)
        empty = "file:///bench/empty.fz"
        await client.notify(
            "textDocument/didOpen", {"textDocument": {"uri": empty, "languageId": "flowzap", "version": 1, "text": ""}}
        )
        await client.wait_diagnostics(empty, 1, timeout)

        async def symbols() -> float:
            timed = await client.request_timed(
                "textDocument/documentSymbol", {"textDocument": {"uri": empty}}, timeout=timeout
            )
            return timed.ms

        await bench.repeat("baseline_symbols", plan.iterations, symbols)
        await client.notify("textDocument/didClose", {"textDocument": {"uri": empty}})
        client.drop_notifications()

        # didOpen -> first diagnostics (cold)
        version = 1
        sent = await client.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "flowzap", "version": version, "text": text}},
        )
        m = res.m("open")
        m.planned = 1
        try:
            note = await client.wait_diagnostics(uri, version, timeout)
            m.samples.append((note.received - sent) * 1000)
            res.info["diagnostics_after_open"] = len(note.params.get("diagnostics", []))
            log(f"  didOpen -> diagnostics: {m.samples[0]:.0f} ms ({res.info['diagnostics_after_open']} diagnostics)")
        except LspTimeout as err:
            m.error = describe_error(err)
            raise

        # keystrokes
        keys = keystroke_plan(lines, plan.keystrokes)
        counts: list[int] = []

        async def keystroke() -> float:
            nonlocal version
            version += 1
            change = keystroke_change(*keys[len(res.m("keystroke").samples)])
            ms, note = await client.change_and_wait(uri, version, [change], timeout)
            counts.append(len(note.params.get("diagnostics", [])))
            return ms

        cpu_before = client.cpu_seconds()
        m = await bench.repeat("keystroke", plan.keystrokes, keystroke, budget=4 * plan.budget)
        cpu_after = client.cpu_seconds()
        if cpu_before is not None and cpu_after is not None and m.samples:
            res.info["keystroke_cpu_ms"] = (cpu_after - cpu_before) * 1000 / len(m.samples)
        res.info["diagnostics_during_typing"] = sorted(set(counts))
        log(f"  keystroke -> diagnostics: p50 {fmt_ms(m.p50)} p95 {fmt_ms(m.p95)} over {len(m.samples)} {m.note}")
        # the keystroke plan always ends a round with the text as it was (5 in, 5 out)
        typed = len(m.samples)
        if typed % 10:
            # finish the round so the document is the generated text again
            for k in range(typed, typed + (10 - typed % 10)):
                version += 1
                change = keystroke_change(*keystroke_plan(lines, k + 1)[k])
                await client.change_and_wait(uri, version, [change], timeout)

        # keystrokes that change a link (the relink path), half as many
        id_keys = id_keystroke_plan(lines, max(2, plan.keystrokes // 4 * 2))

        async def id_keystroke() -> float:
            nonlocal version
            version += 1
            change = keystroke_change(*id_keys[len(res.m("keystroke_id").samples)])
            ms, _ = await client.change_and_wait(uri, version, [change], timeout)
            return ms

        m = await bench.repeat("keystroke_id", len(id_keys), id_keystroke, budget=2 * plan.budget)
        if len(m.samples) % 2:  # end with the text as generated
            line, col, char, _ = id_keys[len(m.samples) - 1]
            version += 1
            await client.change_and_wait(uri, version, [keystroke_change(line, col, char, False)], timeout)
        log(f"  id keystroke -> diagnostics: p50 {fmt_ms(m.p50)} p95 {fmt_ms(m.p95)} over {len(m.samples)}")

        # hover and definition on a node reference in the middle
        ref_line, ref_col, ref_id = reference_position(lines)
        decl_line = next(i for i, line in enumerate(lines) if line.startswith(ref_id + ": "))
        position = {"textDocument": {"uri": uri}, "position": {"line": ref_line, "character": ref_col}}

        async def hover() -> float:
            timed = await client.request_timed("textDocument/hover", position, timeout=timeout)
            if not timed.result or not timed.result.get("contents"):
                raise ValueError(f"hover returned nothing on {ref_id} (line {ref_line})")
            return timed.ms

        async def definition() -> float:
            timed = await client.request_timed("textDocument/definition", position, timeout=timeout)
            found = timed.result if isinstance(timed.result, list) else [timed.result] if timed.result else []
            if not found or found[0].get("range", found[0].get("targetRange", {}))["start"]["line"] != decl_line:
                raise ValueError(f"definition of {ref_id} did not point at line {decl_line}: {str(timed.result)[:80]}")
            return timed.ms

        for key, once in (("hover", hover), ("definition", definition)):
            m = await bench.repeat(key, plan.iterations, once)
            log(f"  {key}: p50 {fmt_ms(m.p50)} p95 {fmt_ms(m.p95)} {m.error or ''}")

        # completion at the end of a new line ending in `LaneX.`
        at, new_line, lane_name = lane_dot_line(lines)
        version += 1
        await client.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [
                    {
                        "range": {"start": {"line": at, "character": 0}, "end": {"line": at, "character": 0}},
                        "text": new_line + "\n",
                    }
                ],
            },
        )
        await client.wait_diagnostics(uri, version, timeout)
        lane_ids = {f"n{i}" for lane in lanes_of(lines) if lane["name"] == lane_name for i in lane["ids"]}
        completion_params = {
            "textDocument": {"uri": uri},
            "position": {"line": at, "character": len(new_line)},
            "context": {"triggerKind": 2, "triggerCharacter": "."},
        }
        items_seen: list[int] = []

        async def completion() -> float:
            timed = await client.request_timed("textDocument/completion", completion_params, timeout=timeout)
            items = timed.result.get("items", []) if isinstance(timed.result, dict) else (timed.result or [])
            labels = {item.get("label") for item in items}
            if not labels & lane_ids:
                raise ValueError(f"completion after `{lane_name}.` offered none of its nodes: {sorted(labels)[:5]}")
            items_seen.append(len(items))
            return timed.ms

        m = await bench.repeat("completion", plan.iterations, completion)
        res.info["completion_items"] = sorted(set(items_seen))
        log(f"  completion: p50 {fmt_ms(m.p50)} p95 {fmt_ms(m.p95)} {m.error or ''}")
        # remove the line again
        version += 1
        await client.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [
                    {
                        "range": {"start": {"line": at, "character": 0}, "end": {"line": at + 1, "character": 0}},
                        "text": "",
                    }
                ],
            },
        )
        await client.wait_diagnostics(uri, version, timeout)

        res.info["rss_after_editing_kib"] = client.proc_status().get("VmHWM")
        await client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        client.drop_notifications()

        # rename of a hub node (second document of the same size; the first is closed)
        refs = min(1000, max(10, nominal // 10))
        hub_text, hub_decl, max_id = hub_document(nominal, refs, seed)
        res.rename_lines, res.rename_refs = hub_text.count("\n") + 1, refs
        hub_uri = f"file:///bench/hub-{nominal}.fz"
        await client.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": hub_uri, "languageId": "flowzap", "version": 1, "text": hub_text}},
        )
        hub_note = await client.wait_diagnostics(hub_uri, 1, timeout)
        res.info["hub_diagnostics"] = len(hub_note.params.get("diagnostics", []))
        rename_params = {
            "textDocument": {"uri": hub_uri},
            "position": {"line": hub_decl, "character": 1},
            "newName": f"n{max_id + 1}",
        }
        edit_counts: list[int] = []

        async def rename() -> float:
            timed = await client.request_timed("textDocument/rename", rename_params, timeout=timeout)
            result = timed.result or {}
            edits = [e for change in result.get("documentChanges") or [] for e in change.get("edits", [])]
            edits += [e for changes in (result.get("changes") or {}).values() for e in changes]
            if len(edits) != refs + 1:
                raise ValueError(f"rename produced {len(edits)} edits, expected {refs + 1}")
            edit_counts.append(len(edits))
            return timed.ms

        m = await bench.repeat("rename", plan.rename_iterations, rename)
        res.info["rename_edits"] = edit_counts[0] if edit_counts else None
        log(f"  rename ({refs} refs, {res.rename_lines} lines): p50 {fmt_ms(m.p50)} {m.error or ''}")
        await client.notify("textDocument/didClose", {"textDocument": {"uri": hub_uri}})
        client.drop_notifications()

        # didOpen of a different document of the same size: the grammar is loaded by now,
        # the lines are new (other labels and ids), so this is the open cost without the
        # one-time cost of loading lark in a fresh process
        other_text = generate(nominal, seed + 1)
        other_uri = f"file:///bench/other-{nominal}.fz"

        async def open_other() -> float:
            sent = await client.notify(
                "textDocument/didOpen",
                {"textDocument": {"uri": other_uri, "languageId": "flowzap", "version": 1, "text": other_text}},
            )
            note = await client.wait_diagnostics(other_uri, 1, timeout)
            await client.notify("textDocument/didClose", {"textDocument": {"uri": other_uri}})
            client.drop_notifications()
            return (note.received - sent) * 1000

        m = await bench.repeat("open_other", 1, open_other)
        log(f"  didOpen (another document): {fmt_ms(m.p50)}")
        other_text = ""  # not kept for the rest of the run (open_other holds the variable, not the text)

        # didOpen of the same text again (every line's parse is memoised by now); the
        # last one stays open for the preview
        opened: list[str] = []

        async def reopen() -> float:
            if opened:
                await client.notify("textDocument/didClose", {"textDocument": {"uri": opened.pop()}})
                client.drop_notifications()
            again = f"file:///bench/again-{nominal}-{len(res.m('open_warm').samples) + 1}.fz"
            sent = await client.notify(
                "textDocument/didOpen",
                {"textDocument": {"uri": again, "languageId": "flowzap", "version": 1, "text": text}},
            )
            opened.append(again)
            note = await client.wait_diagnostics(again, 1, timeout)
            return (note.received - sent) * 1000

        m = await bench.repeat("open_warm", plan.reopen_iterations, reopen)
        log(f"  didOpen (warm): p50 {fmt_ms(m.p50)}")

        res.info["rss_before_preview_kib"] = client.proc_status().get("VmHWM")

        # preview (last: a slow renderer cannot hold up the other figures)
        preview_args = {
            "command": "flowzap.preview",
            "arguments": [{"uri": opened[-1] if opened else uri, "view": "workflow"}],
        }
        sizes: list[int] = []

        async def preview() -> float:
            timed = await client.request_timed("workspace/executeCommand", preview_args, timeout=timeout)
            if timed.result is None:
                raise ValueError("flowzap.preview returned null")
            sizes.append(timed.size)
            return timed.ms

        m = await bench.repeat("preview", plan.preview_iterations, preview)
        res.info["preview_bytes"] = max(sizes) if sizes else None
        log(f"  preview: p50 {fmt_ms(m.p50)} {m.error or ''}")
    except (LspTimeout, LspServerGone, ResponseError) as err:
        res.info["aborted"] = describe_error(err)
        log(f"  aborted this size: {describe_error(err)}")
    finally:
        status = client.proc_status()
        if status.get("VmHWM"):
            res.m("rss").samples = [status["VmHWM"] / 1024]
            res.m("rss").planned = 1
            res.info["rss_end_kib"] = status.get("VmRSS")
            log(f"  peak RSS: {status['VmHWM'] / 1024:.0f} MB")
        res.info["server_stderr_tail"] = client.stderr_tail(1500)
        res.info["exit_code"] = await client.close()
    return res


async def run_first_open(nominal: int, seed: int, timeout: float) -> float:
    """didOpen -> diagnostics in the run's first server, whose shape cache is still empty
    (lark is loaded and each line shape learned from it); the servers after it start
    with the shapes it saved, as every server does after the first on a machine."""
    text = generate(nominal, seed + 2)  # other lines than the measured documents, same shapes
    client = await LspClient.spawn(
        SERVER_COMMAND, env=server_env(), cwd=str(REPO), server_requests=answer_server_request
    )
    try:
        await client.request_timed("initialize", initialize_params(), timeout=timeout)
        await client.notify("initialized", {})
        uri = f"file:///bench/first-{nominal}.fz"
        sent = await client.notify(
            "textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "flowzap", "version": 1, "text": text}}
        )
        note = await client.wait_diagnostics(uri, 1, timeout)
        return (note.received - sent) * 1000
    finally:
        await client.close()


async def run_start_only(count: int, timeout: float) -> list[float]:
    out = []
    env = server_env()
    for _ in range(count):
        client = await LspClient.spawn(SERVER_COMMAND, env=env, cwd=str(REPO), server_requests=answer_server_request)
        try:
            init = await client.request_timed("initialize", initialize_params(), timeout=timeout)
            out.append((init.received - client.spawned) * 1000)
            await client.notify("initialized", {})
        finally:
            await client.close()
    return out


# -- report -----------------------------------------------------------------------------


def fmt_ms(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 1000:
        return f"{value / 1000:.2f} s"
    if value >= 100:
        return f"{value:.0f} ms"
    if value >= 10:
        return f"{value:.1f} ms"
    return f"{value:.2f} ms"


def fmt_target(key: str, value: float) -> str:
    if METRICS[key][1] == "MB":
        return f"{value:g} MB"
    return f"{value / 1000:g} s" if value >= 1000 else f"{value:g} ms"


def fmt_value(key: str, value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.0f} MB" if METRICS[key][1] == "MB" else fmt_ms(value)


def verdict(key: str, nominal: int, m: Measurement) -> tuple[str, str]:
    """(target text, verdict text) for one measurement."""
    target = target_for(key, nominal)
    if target is None:
        return "—", "—"
    p50_t, p95_t = target
    label = "" if key in ("start", "open", "rss") else "p50 "
    text = f"{label}≤ {fmt_target(key, p50_t)}" + (f", p95 ≤ {fmt_target(key, p95_t)}" if p95_t else "")
    if not m.ok:
        return text, "n/a"
    r50 = m.p50 / p50_t
    if not p95_t:
        return text, (f"**miss** ({r50:.1f}× the target)" if r50 > 1 else f"pass ({r50:.2f}×)")
    r95 = m.p95 / p95_t
    ratios = f"p50 {r50:.2f}×, p95 {r95:.2f}×"
    return text, (f"**miss** ({ratios} the target)" if max(r50, r95) > 1 else f"pass ({ratios})")


def cell(key: str, m: Measurement) -> str:
    if m.error and not m.samples:
        return f"n/a ({m.error})"
    return fmt_value(key, m.p50)


def growth(results: list[SizeResult], key: str) -> list[str]:
    """`×t for ×n lines (exponent e)` between consecutive sizes."""
    out = []
    points = [(r.lines if key != "rename" else r.rename_lines, r.m(key).p50) for r in results if r.m(key).ok]
    for (n1, t1), (n2, t2) in pairwise(points):
        if t1 and t2 and n2 != n1:
            exponent = math.log(t2 / t1) / math.log(n2 / n1)
            out.append(f"×{t2 / t1:.1f} for ×{n2 / n1:.1f} lines (exponent {exponent:.2f})")
    return out


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    ram = "unknown"
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            kib = next(int(line.split()[1]) for line in f if line.startswith("MemTotal"))
            ram = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        pass
    try:
        nproc = subprocess.run(["nproc"], capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        nproc = str(len(os.sched_getaffinity(0)))
    commit = "unknown"
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, timeout=5
        ).stdout.strip()
        dirty = subprocess.run(
            # the benchmarks' own output does not count: a run writes it as it goes
            [
                *("git", "status", "--porcelain", "--untracked-files=no"),
                *("--", ".", ":!benchmarks/RESULTS.md", ":!benchmarks/latency.svg"),
            ],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout
        if dirty.strip():
            commit += f" + uncommitted changes in {len(dirty.strip().splitlines())} tracked files"
    except (OSError, subprocess.SubprocessError):
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return {
        "nproc": nproc,
        "cpu": cpu,
        "ram": ram,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "os": f"{platform.system()} {platform.release()}",
        "commit": commit,
        "load": load,
    }


def existing_rendering_section(path: Path) -> str:
    """The "## Rendering" section of an existing RESULTS.md, verbatim ('' if none)."""
    return existing_section(path, RENDERING)


def other_sections(path: Path) -> list[str]:
    """Every `## ` section of an existing RESULTS.md but this benchmark's own (PROTOCOL), in
    their order and verbatim: the other benchmarks write them, and a run keeps them all."""
    if not path.exists():
        return []
    parts = re.split(r"(?m)^(?=## )", path.read_text(encoding="utf-8"))
    return [part for part in parts if part.startswith("## ") and not part.startswith(PROTOCOL + "\n")]


def existing_section(path: Path, heading: str) -> str:
    """The section of an existing RESULTS.md whose title line starts with `heading` (the
    title may go on, as "## Memory (soak ...)"), verbatim ('' if none)."""
    if not path.exists():
        return ""
    text = path.read_text(encoding="utf-8")
    match = re.search("^" + re.escape(heading) + r"(?:[ \t][^\n]*)?$", text, re.M)
    if match is None:
        return ""
    start = match.start()
    end = text.find("\n## ", match.end())
    return text[start:] if end == -1 else text[start : end + 1]


def report(results: list[SizeResult], starts: list[float], info: dict, args, elapsed: float, svg_name: str) -> str:
    out = [
        "# Benchmark results",
        "",
        PROTOCOL,
        "",
        f"Run on {info['date']} with `bash scripts/dev.sh bench` (`benchmarks/run.py"
        + (f" {' '.join(info['argv'])}" if info["argv"] else "")
        + f"`) in {elapsed / 60:.1f} min. Machine: {info['nproc']} CPUs (`nproc`), {info['cpu']}, {info['ram']} RAM, "
        f"{info['python']}, {info['os']}; load average (1, 5, 15 min) {info['load']} at the start, "
        f"{info.get('load_end', '?')} at the end. Code: fz-lsp {info['version']}, commit {info['commit']}.",
        "",
        "Every figure is measured through the protocol against the real server process "
        "(`python -m fz_lsp --stdio`, one fresh process per document size, bytecode caching on as in an installed "
        "package), with the diagnostics debounce at 0 "
        '(`{"flowzap": {"diagnostics": {"delayMs": 0}}}`), by the dependency-free stdio client in '
        "`benchmarks/lsp_driver.py`: from the client writing the message to the client having read the answer "
        "(`time.perf_counter`). A keystroke is a didChange (incremental sync) of one character in a label in the "
        "middle of the document, timed until the publishDiagnostics carrying the new version; five characters are "
        "typed then deleted, on a different line each round. A keystroke in a target id types `x` after an edge's "
        "target id (the edge now points at an undefined node: its links change and an error appears) and deletes it "
        "again, on a different edge each pair. Documents come from `benchmarks/generate.py` "
        "(lanes of decisions, branches, cross-lane hops, loops, CJK and emoji labels; no errors). "
        "The servers of a run share a shape-template cache (`FZ_LSP_CACHE_DIR`, fz_lsp/shape_cache.py) that is empty "
        "when the run starts: a first server, measured apart at the first size on a document with other lines, "
        "fills it, as on any machine where fz-lsp has opened a file before. "
        "Completion is requested at the end of an inserted line ending in `LaneX.`; hover and definition on an "
        "edge's target node near the middle. Rename uses a second document of the same size in which `Lane0.n2` "
        "is the target of edges from every lane (1,000 references; lines/10 below 10,000 lines). "
        "Peak RSS is `VmHWM` from `/proc/<pid>/status` at the end of the session. "
        "Medians (p50) unless stated; p95 by nearest rank. The machine may be shared: read the figures against the "
        "baselines, the load average and the server's CPU time per keystroke (user+system from `/proc/<pid>/stat`, "
        "which other load barely changes) in the notes.",
        "",
        "### Summary (p50; verdict against the target)",
        "",
        "| measurement | " + " | ".join(f"{r.lines:,} lines" for r in results) + " |",
        "|---|" + "---:|" * len(results),
    ]
    for key, (title, _) in METRICS.items():
        cells = []
        for r in results:
            m = r.m(key)
            if key == "start":
                m = Measurement(samples=[x for x in m.samples])
            c = cell(key, m)
            t, v = verdict(key, r.nominal, m)
            if v not in ("—", "n/a"):
                c += " ✅" if v.startswith("pass") else " ❌"
            cells.append(c)
        if key == "rename":
            title += " (" + ", ".join(f"{r.rename_refs:,}" for r in results) + " refs)"
        out.append(f"| {title} | " + " | ".join(cells) + " |")
    out.append("")
    if starts:
        sm = Measurement(samples=starts)
        t, v = verdict("start", 0, sm)
        out += [
            f"Start -> initialize result over all {len(starts)} server starts of this run: p50 {fmt_ms(sm.p50)}, "
            f"max {fmt_ms(max(starts))}; target {t}: {v}.",
            "",
        ]
    first = results[0].m("open_first") if results else None
    target = target_for("open", results[0].nominal) if results else None
    if first is not None and first.ok and target:
        out += [
            f"The first server on a machine (empty shape-template cache) opens a {results[0].lines:,}-line document in "
            f"{fmt_ms(first.p50)}, {first.p50 / target[0]:.1f}× the didOpen target of {fmt_ms(target[0])}: "
            "it loads lark and learns each line shape from it. It saves the shapes, so every later server opens "
            "in the time of the didOpen row.",
            "",
        ]
    misses = []
    for key, (title, _) in METRICS.items():
        for r in results:
            t, v = verdict(key, r.nominal, r.m(key))
            if v.startswith("**miss**") and (key != "start" or not starts):
                ratio = v[len("**miss** (") : -1]
                misses.append(f"{title} @{r.lines:,} lines: {fmt_value(key, r.m(key).p50)} against {t}, {ratio}")
    if starts and (t_v := verdict("start", 0, Measurement(samples=starts)))[1].startswith("**miss**"):
        misses.append(
            f"start -> initialize result over all starts: {fmt_ms(statistics.median(starts))} against {t_v[0]}, "
            f"{t_v[1][len('**miss** (') : -1]}"
        )
    if misses:
        out += ["Targets missed (ratio = measured / target):", ""] + [f"- {x}" for x in misses] + [""]
    out += [
        "### Figures",
        "",
        "| measurement | document | n | p50 | p95 | target | verdict |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for key, (title, _) in METRICS.items():
        for r in results:
            m = r.m(key)
            lines = r.rename_lines if key == "rename" else r.lines
            doc = f"{lines:,} lines" + (f", {r.rename_refs:,} refs" if key == "rename" else "")
            t, v = verdict(key, r.nominal, m)
            if m.error and not m.samples:
                p50, p95 = f"n/a ({m.error})", "—"
            else:
                p50 = fmt_value(key, m.p50)
                p95 = fmt_value(key, m.p95) if len(m.samples) > 1 else "—"
            n = str(len(m.samples)) + (f"/{m.planned}" if m.planned and len(m.samples) < m.planned else "")
            out.append(f"| {title} | {doc} | {n} | {p50} | {p95} | {t} | {v} |")
    out += ["", "### Growth with document size", "", f"![latency against document size]({svg_name})", ""]
    out += [
        "Cost between consecutive sizes (p50): an exponent near 1 is linear growth, near 0 constant "
        "(what an incremental keystroke should approach), above 1 super-linear.",
        "",
    ]
    for key in (
        "open_first",
        "open",
        "open_other",
        "open_warm",
        "keystroke",
        "keystroke_id",
        "completion",
        "hover",
        "definition",
        "rename",
        "preview",
        "rss",
    ):
        g = growth(results, key)
        if g:
            out.append(f"- {METRICS[key][0]}: " + "; ".join(g))
    notes = []
    for r in results:
        if r.info.get("aborted"):
            notes.append(
                f"- {r.lines:,} lines: **the run of this size stopped early**: {r.info['aborted']} "
                "(the server was killed)."
            )
        for key, m in r.measurements.items():
            if m.note:
                notes.append(f"- {r.lines:,} lines, {METRICS[key][0]}: {m.note}.")
            if m.error and m.samples:
                notes.append(f"- {r.lines:,} lines, {METRICS[key][0]}: stopped after {len(m.samples)} by {m.error}.")
            elif m.error:
                notes.append(f"- {r.lines:,} lines, {METRICS[key][0]}: n/a ({m.error}); re-run when the feature lands.")
        extra = []
        if r.info.get("rss_after_editing_kib"):
            extra.append(
                f"VmHWM after the editing session on the main document {r.info['rss_after_editing_kib'] / 1024:.0f} MB"
            )
        if r.info.get("rss_before_preview_kib"):
            extra.append(f"VmHWM before the preview {r.info['rss_before_preview_kib'] / 1024:.0f} MB")
        if r.info.get("completion_items"):
            extra.append(f"completion offered {', '.join(map(str, r.info['completion_items']))} items")
        if r.info.get("preview_bytes"):
            extra.append(f"preview answer {r.info['preview_bytes'] / 1024:.0f} KiB")
        if r.info.get("keystroke_cpu_ms") is not None:
            extra.append(f"server CPU time per keystroke {fmt_ms(r.info['keystroke_cpu_ms'])}")
        if "diagnostics_during_typing" in r.info:
            extra.append(
                f"diagnostics per publication while typing: {', '.join(map(str, r.info['diagnostics_during_typing']))}"
            )
        if extra:
            notes.append(f"- {r.lines:,} lines ({r.chars:,} characters): " + "; ".join(extra) + ".")
    if notes:
        out += ["", "### Notes", "", *notes]
    out += [
        "",
        "Re-run: `bash scripts/dev.sh bench` (all sizes; a few minutes, stopped early at `--max-minutes`, "
        "default 9) or `.venv/bin/python benchmarks/run.py --sizes 10000 --keystrokes 50`; raw samples in "
        "`benchmarks/out/results.json` (`--report-from` rewrites this file from them).",
        "",
    ]
    return "\n".join(out)


PLOT_NAMES = {
    "keystroke": "keystroke -> diagnostics",
    "open": "didOpen -> diagnostics (cold)",
    "open_warm": "didOpen (parse memo warm)",
    "completion": "completion",
    "hover": "hover",
    "definition": "definition",
    "rename": "rename (hub node)",
    "preview": "preview (workflow)",
    "baseline_unknown": "baseline: unknown request",
}


def chart(results: list[SizeResult]) -> str:
    series, targets = {}, {}
    for key, name in PLOT_NAMES.items():
        pts = [((r.rename_lines if key == "rename" else r.lines), r.m(key).p50) for r in results if r.m(key).ok]
        if pts:
            series[name] = pts
            targets[name] = [
                ((r.rename_lines if key == "rename" else r.lines), t[0])
                for r in results
                if (t := target_for(key, r.nominal)) is not None and key != "start"
            ]
    return plot.line_chart(series, "fz-lsp latency against document size (p50, through the protocol)", targets)


# -- main -------------------------------------------------------------------------------


def parse_args(argv) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--sizes", help="document sizes in lines, comma separated (default 1000,10000,50000; --quick: 200)")
    p.add_argument("--keystrokes", type=int, help="keystrokes per size (default 200; --quick: 10)")
    p.add_argument("--iterations", type=int, help="requests per completion/hover/definition/baseline (default 100)")
    p.add_argument(
        "--budget",
        type=float,
        default=30.0,
        help="seconds per repeated measurement and size before it is cut short (keystrokes: 4x; default 30)",
    )
    p.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for any one answer (default 120)")
    p.add_argument("--starts", type=int, help="extra server starts for the start-up figure (default 4; --quick: 0)")
    p.add_argument(
        "--max-minutes",
        type=float,
        default=9.0,
        help="after this, repeated measurements stop early (default 9; every wait also has --timeout)",
    )
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--quick", action="store_true", help="small sizes and few iterations (smoke test)")
    p.add_argument("--out", default=str(HERE / "RESULTS.md"), help="markdown report (default benchmarks/RESULTS.md)")
    p.add_argument("--svg", help="latency chart (default: latency.svg next to --out)")
    p.add_argument("--json", help="raw results (default: benchmarks/out/results.json; --quick: next to --out)")
    p.add_argument("--no-write", action="store_true", help="print only")
    p.add_argument(
        "--report-from", metavar="JSON", help="do not measure: rewrite the report and chart from a results.json"
    )
    p.add_argument(
        "--peers",
        action=argparse.BooleanOptionalAction,
        help="then run benchmarks/bench_peers.py (issue 24's figures: the floor, the DOT peer, the preview against "
        "a600daf) into the same report (default: on for the full run, off with --sizes, --quick, --profile)",
    )
    p.add_argument(
        "--profile",
        metavar="DIR",
        help="run each server under cProfile, writing DIR/server-<lines>.prof (slows every figure; "
        "read with python -m pstats); implies --no-write",
    )
    return p.parse_args(argv)


async def run(args, log) -> tuple[list[SizeResult], list[float]]:
    sizes = [int(s) for s in (args.sizes or ("200" if args.quick else "1000,10000,50000")).split(",") if s.strip()]
    results = []
    starts: list[float] = []
    deadline = time.perf_counter() + args.max_minutes * 60
    first_open = await run_first_open(sizes[0], args.seed, args.timeout) if sizes else None
    if first_open is not None:
        log(f"first server on the machine: didOpen -> diagnostics {fmt_ms(first_open)} ({sizes[0]} lines)")
    for nominal in sizes:
        big = nominal > 20000
        plan = Plan(
            keystrokes=args.keystrokes if args.keystrokes is not None else (10 if args.quick else 200),
            iterations=args.iterations if args.iterations is not None else (5 if args.quick else 100),
            rename_iterations=3 if args.quick else (10 if big else 30),
            preview_iterations=2 if args.quick else (3 if big else 10),
            reopen_iterations=1 if args.quick or big else 3,
            budget=args.budget,
            timeout=args.timeout,
            deadline=deadline,
        )
        log(f"{nominal} lines (keystrokes {plan.keystrokes}, requests {plan.iterations}, budget {plan.budget:g} s)")
        res = SizeResult(nominal)
        try:
            res = await run_size(nominal, plan, args.seed, log, args.profile)
        except (LspTimeout, LspServerGone, ResponseError) as err:
            log(f"  aborted: {describe_error(err)}")
            res.info["aborted"] = describe_error(err)
            if not res.lines:
                text = generate(nominal, args.seed)
                res.lines, res.chars = text.count("\n"), len(text)
        if first_open is not None and not results:
            res.m("open_first").samples, res.m("open_first").planned = [first_open], 1
        starts += res.m("start").samples
        results.append(res)
    extra = args.starts if args.starts is not None else (0 if args.quick else 4)
    if extra and time.perf_counter() < deadline:
        starts += await run_start_only(extra, args.timeout)
        log(f"start -> initialize result over {len(starts)} starts: p50 {fmt_ms(statistics.median(starts))}")
    return results, starts


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.profile:
        args.no_write = True
    began = time.perf_counter()
    log = lambda message: print(message, flush=True)  # noqa: E731
    info = machine()
    info["date"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    info["argv"] = list(sys.argv[1:] if argv is None else argv)
    try:
        from fz_lsp import __version__

        info["version"] = __version__
    except ImportError:
        info["version"] = "?"
    if args.report_from:
        saved = json.loads(Path(args.report_from).read_text(encoding="utf-8"))
        results = [
            SizeResult(
                s["nominal"],
                s["lines"],
                s["chars"],
                s["rename_lines"],
                s["rename_refs"],
                {k: Measurement(**m) for k, m in s["measurements"].items()},
                s["info"],
            )
            for s in saved["sizes"]
        ]
        starts, info, elapsed = saved["starts_ms"], saved["machine"], saved["elapsed_s"]
        if not args.json:
            args.json = args.report_from
    else:
        results, starts = asyncio.run(run(args, log))
        info["load_end"] = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        elapsed = time.perf_counter() - began
    out = Path(args.out)
    svg = Path(args.svg) if args.svg else out.with_name("latency.svg")
    text = report(results, starts, info, args, elapsed, os.path.relpath(svg, out.parent))
    for kept in other_sections(out):  # written by soak.py, bench_render.py, bench_layout.py, bench_i18n.py
        text = text.rstrip("\n") + "\n\n" + kept.rstrip("\n") + "\n"
    print()
    print(text)
    if not args.no_write:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        svg.write_text(chart(results), encoding="utf-8")
        raw = (
            Path(args.json)
            if args.json
            else (out.with_name("results.json") if args.quick else HERE / "out" / "results.json")
        )
        raw.parent.mkdir(parents=True, exist_ok=True)
        raw.write_text(
            json.dumps(
                {
                    "machine": info,
                    "starts_ms": starts,
                    "elapsed_s": elapsed,
                    "sizes": [
                        {
                            **asdict(r),
                            "p50": {k: m.p50 for k, m in r.measurements.items()},
                            "p95": {k: m.p95 for k, m in r.measurements.items()},
                        }
                        for r in results
                    ],
                },
                indent=1,
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        print(f"wrote {out}, {svg} and {raw}" + ("" if args.report_from else f" in {elapsed:.0f} s"))
    status = 0 if all("aborted" not in r.info for r in results) else 1
    full_run = not (args.sizes or args.quick or args.profile or args.report_from)
    if args.peers if args.peers is not None else full_run:
        import bench_peers

        print()
        status = max(status, bench_peers.main(["--out", str(out), *(["--no-write"] if args.no_write else [])]))
    return status


if __name__ == "__main__":
    sys.exit(main())
