"""Issue 24's four figures from one run: fz-lsp beside the floor, the DOT peer and itself before.

Four servers, started by this run and measured through stdio by benchmarks/lsp_driver.py
(the same client and the same fz-lsp settings as benchmarks/run.py: diagnostics debounce 0):

- fz-lsp: `python -m fz_lsp --stdio` of this checkout;
- the floor: benchmarks/floor_server.py, a pygls 2 server that only publishes an empty
  diagnostics list on didOpen (and answers completion with an empty list);
- the DOT peer: benchmarks/peer/server.js, npm `dot-language-support` 4.3.1 on
  `vscode-languageserver` 10.1.2 (installed by this benchmark with `npm ci` when missing);
  it gets the DOT twin of each FlowZap document (benchmarks/dot_twin.py: the same nodes,
  edges and labels, line for line);
- fz-lsp at an earlier commit (`--before`, default a600daf, the renderer before the router
  rework), unpacked with `git archive` into a temporary directory, for the preview.

The figures, each against its target (issue 24):

1. first squiggle: spawn -> first publishDiagnostics of the seed example (examples/gitops.fz;
   the DOT peer its twin), median of `--rounds` fresh servers each, fz-lsp minus the floor
   (<= 50 ms). One start of each server before them is not counted (it fills the file cache,
   the bytecode and fz-lsp's shape-template cache, as on any machine that ran it once).
2. didOpen of the 10,000-line generated document -> diagnostics in a fresh server (the first
   document it sees), median of `--opens` servers each, fz-lsp / DOT (<= 0.75).
3. completion after `Lane.` in the 10,000-line document, p50, minus the baseline round trip:
   the floor's answer to the same completion request (pygls, lsprotocol and the pipe with no
   work behind them; requests to the two servers alternate) (<= 0.5 ms).
4. the `flowzap.preview` command (workflow) of the 10,000-line document, now / the earlier
   commit, medians of `--previews` renders alternating between the two servers after one
   uncounted render each (<= 1.0).

Writes the "## Floor and peers" section of benchmarks/RESULTS.md (the other sections kept)
and the raw samples to benchmarks/out/peers.json.

    .venv/bin/python benchmarks/bench_peers.py [--quick] [--no-write] [--before REF]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import run  # noqa: E402
from dot_twin import to_dot  # noqa: E402
from generate import generate  # noqa: E402
from lsp_driver import LspClient, LspServerGone, LspTimeout, ResponseError  # noqa: E402
from run import Measurement, describe_error, fmt_ms  # noqa: E402

SECTION = "## Floor and peers"
PEER = HERE / "peer"
PEER_PINS = {"dot-language-support": "4.3.1", "vscode-languageserver": "10.1.2"}
SEED_EXAMPLE = REPO / "examples" / "gitops.fz"
BEFORE = "a600daf"  # the renderer before the router rework (issue 24's preview baseline)

# figure -> (title, target, unit of the difference or ratio)
FIGURES = {
    "squiggle": ("first squiggle: fz-lsp minus the floor (spawn -> first diagnostics, seed example)", 50.0, "ms"),
    "open": ("didOpen of {lines} lines -> diagnostics: fz-lsp / DOT peer", 0.75, "×"),
    "completion": ("completion after `Lane.` at {lines} lines, p50, minus the baseline round trip", 0.5, "ms"),
    "preview": ("preview of {lines} lines: now / {before}", 1.0, "×"),
}


class PeerUnavailable(Exception):
    """The DOT peer cannot be installed or started here (no node or npm, no registry)."""


# -- the servers --------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    command: list[str]
    language: str
    env: dict[str, str] | None = None
    cwd: str = str(REPO)
    versioned: bool = True  # publishes the document's version with its diagnostics


def fz_server() -> Server:
    return Server("fz-lsp", run.SERVER_COMMAND, "flowzap", run.server_env())


def floor_server() -> Server:
    return Server(
        "floor", [sys.executable, str(HERE / "floor_server.py")], "flowzap", run.server_env(), versioned=False
    )


def peer_server() -> Server:
    return Server("DOT peer", ["node", str(PEER / "server.js"), "--stdio"], "dot", dict(os.environ), cwd=str(PEER))


def before_server(tree: Path) -> Server:
    env = {**run.server_env(), "PYTHONPATH": str(tree), "FZ_LSP_CACHE_DIR": str(tree / ".shapes")}
    return Server("fz-lsp before", run.SERVER_COMMAND, "flowzap", env, cwd=str(tree))


def installed_version(package: str) -> str | None:
    try:
        manifest = json.loads((PEER / "node_modules" / package / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest.get("version")


def ensure_peer(log=print) -> dict[str, str]:
    """Install the DOT peer (`npm ci` in benchmarks/peer) unless its pinned packages are
    there; {package: version}. Raises PeerUnavailable with the reason."""
    if shutil.which("node") is None:
        raise PeerUnavailable("node is not installed")
    if any(installed_version(p) != v for p, v in PEER_PINS.items()):
        if shutil.which("npm") is None:
            raise PeerUnavailable("npm is not installed")
        log("installing the DOT peer: npm ci in benchmarks/peer")
        try:
            done = subprocess.run(
                ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=PEER,
                capture_output=True,
                text=True,
                timeout=300,
            )
        except (OSError, subprocess.TimeoutExpired) as err:
            raise PeerUnavailable(f"npm ci failed: {err}") from None
        if done.returncode != 0:
            raise PeerUnavailable(f"npm ci failed ({done.returncode}): {done.stderr.strip()[-300:]}")
    found = {p: installed_version(p) or "?" for p in PEER_PINS}
    if found != PEER_PINS:
        raise PeerUnavailable(f"benchmarks/peer has {found}, expected {PEER_PINS}")
    return found


def unpack_commit(ref: str, dest: Path) -> str:
    """Unpack the fz_lsp package and the grammar of commit `ref` into `dest`; its short hash.
    Raises ValueError when git cannot (not a clone, or the commit is not in it)."""
    try:
        short = subprocess.run(
            ["git", "rev-parse", "--short", ref + "^{commit}"], cwd=REPO, capture_output=True, text=True, timeout=30
        )
        archive = subprocess.run(
            ["git", "archive", ref, "fz_lsp", "grammar"], cwd=REPO, capture_output=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        raise ValueError(f"git archive {ref}: {err}") from None
    if short.returncode != 0 or archive.returncode != 0:
        raise ValueError(f"commit {ref} is not in this clone: {archive.stderr.decode(errors='replace').strip()[:200]}")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(dest, filter="data")
    return short.stdout.strip()


# -- one session ------------------------------------------------------------------------


class Session:
    """One started server: its client and what it was started as."""

    def __init__(self, server: Server, client: LspClient, init_ms: float) -> None:
        self.server, self.client, self.init_ms = server, client, init_ms

    @classmethod
    async def start(cls, server: Server, timeout: float) -> Session:
        client = await LspClient.spawn(
            server.command, env=server.env, cwd=server.cwd, server_requests=run.answer_server_request
        )
        try:
            init = await client.request_timed("initialize", run.initialize_params(), timeout=timeout)
            await client.notify("initialized", {})
        except BaseException:
            await client.close()
            raise
        return cls(server, client, (init.received - client.spawned) * 1000)

    async def open(self, uri: str, text: str, timeout: float) -> tuple[float, float, Any]:
        """didOpen -> its diagnostics: (perf_counter sent, perf_counter received, publication)."""
        item = {"uri": uri, "languageId": self.server.language, "version": 1, "text": text}
        sent = await self.client.notify("textDocument/didOpen", {"textDocument": item})
        note = await self.client.wait_diagnostics(uri, 1 if self.server.versioned else None, timeout)
        return sent, note.received, note

    async def insert_line(self, uri: str, version: int, text: str, at: int, line: str, timeout: float) -> str:
        """Insert `line` before line `at` (full text for the DOT peer, which syncs whole
        documents; a range for fz-lsp) and wait for the diagnostics; the new text."""
        lines = text.split("\n")
        new_text = "\n".join([*lines[:at], line, *lines[at:]])
        if self.server.language == "dot":
            changes: list[dict[str, Any]] = [{"text": new_text}]
        else:
            point = {"line": at, "character": 0}
            changes = [{"range": {"start": point, "end": point}, "text": line + "\n"}]
        await self.client.change_and_wait(uri, version, changes, timeout)
        return new_text

    async def completion(self, uri: str, line: int, character: int, timeout: float) -> tuple[float, list[dict]]:
        params = {
            "textDocument": {"uri": uri},
            "position": {"line": line, "character": character},
            "context": {"triggerKind": 1},
        }
        timed = await self.client.request_timed("textDocument/completion", params, timeout=timeout)
        result = timed.result
        items = result.get("items", []) if isinstance(result, dict) else (result or [])
        return timed.ms, items

    async def close(self) -> None:
        await self.client.close()


# -- the run ----------------------------------------------------------------------------


@dataclass
class Plan:
    lines: int = 10000
    rounds: int = 15  # fresh servers per first-squiggle figure
    opens: int = 5  # fresh servers per didOpen figure
    iterations: int = 100  # completion requests
    previews: int = 7
    seed: int = 7
    before: str = BEFORE
    timeout: float = 120.0


@dataclass
class PeerResults:
    measurements: dict[str, Measurement] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)

    def m(self, key: str) -> Measurement:
        return self.measurements.setdefault(key, Measurement())


async def timed_into(m: Measurement, once) -> Any:
    """Append `once()`'s milliseconds (its first value) to `m`; errors end up in `m.error`."""
    m.planned += 1
    try:
        value = await once()
    except (ResponseError, LspTimeout, LspServerGone, ValueError, OSError) as err:
        m.error = describe_error(err)
        return None
    m.samples.append(value[0] if isinstance(value, tuple) else value)
    return value


async def first_squiggles(plan: Plan, servers: list[Server], res: PeerResults, log) -> None:
    """Spawn -> initialize result and spawn -> first diagnostics of the seed example, in
    rounds that start each server in turn (one uncounted round first)."""
    seed_text = SEED_EXAMPLE.read_text(encoding="utf-8")
    texts = {"flowzap": seed_text, "dot": to_dot(seed_text)}
    for round_ in range(plan.rounds + 1):
        order = servers[round_ % len(servers) :] + servers[: round_ % len(servers)]
        for server in order:
            key = server.name

            async def once(server: Server = server, counted: bool = round_ > 0) -> float:
                session = await Session.start(server, plan.timeout)
                try:
                    uri = "file:///bench/gitops" + (".dot" if server.language == "dot" else ".fz")
                    _, received, note = await session.open(uri, texts[server.language], plan.timeout)
                    if note.params.get("diagnostics"):
                        raise ValueError(f"{server.name} found problems in the seed example: {note.params}"[:200])
                    if counted:
                        res.m(f"init {server.name}").samples.append(session.init_ms)
                        cpu = session.client.cpu_seconds()
                        if cpu is not None:
                            res.m(f"cpu squiggle {server.name}").samples.append(cpu * 1000)
                    return (received - session.client.spawned) * 1000
                finally:
                    await session.close()

            if round_ == 0:
                ms = await timed_into(Measurement(), once)
                res.info.setdefault("uncounted first start", {})[key] = ms
            else:
                await timed_into(res.m(f"squiggle {key}"), once)
    for server in servers:
        m = res.m(f"squiggle {server.name}")
        log(f"  first squiggle {server.name}: p50 {fmt_ms(m.p50)} over {len(m.samples)} {m.error or ''}")


async def opens_and_completion(
    plan: Plan, fz: Server, floor: Server, peer: Server | None, res: PeerResults, log
) -> None:
    """didOpen of the big document in fresh servers, fz-lsp and the DOT peer in turn; in the
    last round's servers, another document of the same size, then completion after `Lane.`
    against the floor's round trip."""
    text = generate(plan.lines, plan.seed)
    other = generate(plan.lines, plan.seed + 1)
    lines = text.split("\n")
    res.info["lines"] = len(lines) - 1
    docs = {"flowzap": (text, other), "dot": (to_dot(text), to_dot(other))}
    res.info["dot lines"] = docs["dot"][0].count("\n")
    servers = [fz] + ([peer] if peer else [])
    kept: dict[str, Session] = {}
    try:
        for round_ in range(plan.opens):
            for server in servers if round_ % 2 == 0 else servers[::-1]:
                ext = ".dot" if server.language == "dot" else ".fz"

                async def once(server: Server = server, ext: str = ext, last: bool = round_ == plan.opens - 1) -> float:
                    session = await Session.start(server, plan.timeout)
                    try:
                        cpu_before = session.client.cpu_seconds()
                        sent, received, note = await session.open(
                            "file:///bench/big" + ext, docs[server.language][0], plan.timeout
                        )
                        cpu_after = session.client.cpu_seconds()
                    except BaseException:
                        await session.close()
                        raise
                    if cpu_before is not None and cpu_after is not None:
                        res.m(f"cpu open {server.name}").samples.append((cpu_after - cpu_before) * 1000)
                    res.info[f"diagnostics {server.name}"] = len(note.params.get("diagnostics", []))
                    if last:
                        kept[server.name] = session
                    else:
                        await session.close()
                    return (received - sent) * 1000

                await timed_into(res.m(f"open {server.name}"), once)
        for name, session in kept.items():
            ext = ".dot" if session.server.language == "dot" else ".fz"

            async def again(session: Session = session, ext: str = ext) -> float:
                sent, received, _ = await session.open(
                    "file:///bench/other" + ext, docs[session.server.language][1], plan.timeout
                )
                return (received - sent) * 1000

            await timed_into(res.m(f"open other {name}"), again)
        for server in servers:
            m, o = res.m(f"open {server.name}"), res.m(f"open other {server.name}")
            log(f"  didOpen {server.name}: p50 {fmt_ms(m.p50)} (another document {fmt_ms(o.p50)}) {m.error or ''}")
        await completions(plan, lines, kept, floor, res, log)
    finally:
        for session in kept.values():
            await session.close()


async def completions(
    plan: Plan, lines: list[str], kept: dict[str, Session], floor: Server, res: PeerResults, log
) -> None:
    at, new_line, lane = run.lane_dot_line(lines)
    lane_ids = {f"n{i}" for found in run.lanes_of(lines) if found["name"] == lane for i in found["ids"]}
    source = new_line.split(".", 1)[0]
    dot_line = f"{source}:s -> n"  # the DOT twin's line: an edge whose target is being typed
    fz, peer = kept.get("fz-lsp"), kept.get("DOT peer")
    floor_session = await Session.start(floor, plan.timeout)
    try:
        await floor_session.open("file:///bench/tiny.fz", "", plan.timeout)
        if fz is not None:
            await fz.insert_line("file:///bench/big.fz", 2, "\n".join(lines), at, new_line, plan.timeout)
        if peer is not None:
            dot_text = to_dot("\n".join(lines))
            await peer.insert_line("file:///bench/big.dot", 2, dot_text, at + 1, dot_line, plan.timeout)
        counts: dict[str, set[int]] = {}

        async def ask(session: Session, uri: str, line: int, character: int, expect: set[str]) -> float:
            ms, items = await session.completion(uri, line, character, plan.timeout)
            if expect and not expect & {item.get("label") for item in items}:
                raise ValueError(f"{session.server.name}: completion offered none of {sorted(expect)[:3]}…")
            counts.setdefault(session.server.name, set()).add(len(items))
            return ms

        async def unknown(session: Session) -> float:
            timed = await session.client.request_timed("fzBench/unknownMethod", {}, timeout=plan.timeout, check=False)
            return timed.ms

        for _ in range(plan.iterations):
            if fz is not None:
                await timed_into(
                    res.m("completion fz-lsp"), lambda: ask(fz, "file:///bench/big.fz", at, len(new_line), lane_ids)
                )
                await timed_into(res.m("unknown request fz-lsp"), lambda: unknown(fz))
            await timed_into(
                res.m("completion floor"), lambda: ask(floor_session, "file:///bench/tiny.fz", 0, 0, set())
            )
        if peer is not None:
            dot_ids = {f"n{i}" for i in range(1, 40)}
            for _ in range(max(1, plan.iterations // 5)):
                await timed_into(
                    res.m("completion DOT peer"),
                    lambda: ask(peer, "file:///bench/big.dot", at + 1, len(dot_line), dot_ids),
                )
        res.info["completion items"] = {name: sorted(found) for name, found in counts.items()}
        for key in ("completion fz-lsp", "completion floor", "completion DOT peer", "unknown request fz-lsp"):
            if key in res.measurements:
                m = res.m(key)
                log(f"  {key}: p50 {fmt_ms(m.p50)} over {len(m.samples)} {m.error or ''}")
    finally:
        await floor_session.close()


async def previews(plan: Plan, fz: Server, before: Server | None, res: PeerResults, log) -> None:
    """flowzap.preview of the big document, now and at the earlier commit, alternating."""
    text = generate(plan.lines, plan.seed)
    sessions: list[Session] = []
    try:
        for server in [fz] + ([before] if before else []):
            session = await Session.start(server, plan.timeout)
            sessions.append(session)
            await session.open("file:///bench/big.fz", text, plan.timeout)
        arguments = [{"uri": "file:///bench/big.fz", "view": "workflow"}]
        keys = {"fz-lsp": "preview now", "fz-lsp before": "preview before"}

        async def render(session: Session, counted: bool = True) -> float:
            cpu_before = session.client.cpu_seconds()
            timed = await session.client.request_timed(
                "workspace/executeCommand", {"command": "flowzap.preview", "arguments": arguments}, timeout=plan.timeout
            )
            cpu_after = session.client.cpu_seconds()
            if counted and cpu_before is not None and cpu_after is not None:
                res.m(f"cpu {keys[session.server.name]}").samples.append((cpu_after - cpu_before) * 1000)
            svg = (timed.result or {}).get("svg", "")
            if not svg.startswith("<svg"):
                raise ValueError(f"{session.server.name}: flowzap.preview answered no SVG: {str(timed.result)[:80]}")
            res.info[f"{keys[session.server.name]} bytes"] = timed.size
            return timed.ms

        for session in sessions:  # the first render imports the renderer: not counted
            await timed_into(Measurement(), lambda session=session: render(session, counted=False))
        for i in range(plan.previews):
            for session in sessions if i % 2 == 0 else sessions[::-1]:
                await timed_into(res.m(keys[session.server.name]), lambda session=session: render(session))
        for key in ("preview now", "preview before"):
            if key in res.measurements:
                log(f"  {key}: p50 {fmt_ms(res.m(key).p50)} over {len(res.m(key).samples)} {res.m(key).error or ''}")
    finally:
        for session in sessions:
            await session.close()


async def measure(plan: Plan, log) -> PeerResults:
    res = PeerResults()
    fz, floor = fz_server(), floor_server()
    peer: Server | None = None
    try:
        res.info["peer"] = ensure_peer(log)
        peer = peer_server()
    except PeerUnavailable as err:
        res.info["peer unavailable"] = str(err)
        log(f"  the DOT peer is not measured: {err}")
    log(f"first squiggle ({plan.rounds} rounds)")
    await first_squiggles(plan, [fz, floor] + ([peer] if peer else []), res, log)
    log(f"didOpen of {plan.lines} lines ({plan.opens} fresh server(s) each) and completion")
    await opens_and_completion(plan, fz, floor, peer, res, log)
    log(f"preview, now and {plan.before}")
    with tempfile.TemporaryDirectory(prefix="fz-bench-before-") as tmp:
        before: Server | None = None
        try:
            res.info["before"] = unpack_commit(plan.before, Path(tmp))
            before = before_server(Path(tmp))
        except ValueError as err:
            res.m("preview before").error = str(err)
            log(f"  {err}")
        await previews(plan, fz, before, res, log)
    return res


# -- the figures and the report ---------------------------------------------------------


@dataclass
class Figure:
    key: str
    title: str
    value: float | None  # the difference (ms) or the ratio
    target: float
    unit: str  # "ms" (a difference) or "×" (a ratio)
    detail: str
    missing: str = ""  # why there is no value

    @property
    def met(self) -> bool | None:
        return None if self.value is None else self.value <= self.target

    def value_text(self) -> str:
        if self.value is None:
            return f"n/a ({self.missing})"
        return f"{self.value:+.2f} ms" if self.unit == "ms" else f"{self.value:.2f}×"

    def target_text(self) -> str:
        return f"≤ {self.target:g} ms" if self.unit == "ms" else f"≤ {self.target:g}"

    def verdict(self) -> str:
        if self.met is None:
            return "n/a"
        return "met" if self.met else "**missed**"


def p50_of(res: PeerResults, key: str) -> tuple[float | None, str]:
    """(median, '') or (None, why not)."""
    m = res.measurements.get(key)
    if m is None or not m.samples:
        return None, (m.error if m is not None and m.error else f"{key} not measured")
    return m.p50, ""


def figures(res: PeerResults, plan: Plan) -> list[Figure]:
    lines = f"{res.info.get('lines', plan.lines):,}"
    before = res.info.get("before", plan.before)
    out = []

    def combine(key: str, a: str, b: str, ratio: bool, detail: str) -> None:
        title, target, unit = FIGURES[key]
        (x, why_x), (y, why_y) = p50_of(res, a), p50_of(res, b)
        value = None if x is None or y is None else (x / y if ratio else x - y)
        out.append(Figure(key, title.format(lines=lines, before=before), value, target, unit, detail, why_x or why_y))

    def ms(key: str) -> str:
        return fmt_ms(p50_of(res, key)[0])

    dot = f"; DOT peer {ms('squiggle DOT peer')}" if "squiggle DOT peer" in res.measurements else ""
    combine(
        "squiggle",
        "squiggle fz-lsp",
        "squiggle floor",
        False,
        f"fz-lsp {ms('squiggle fz-lsp')}, floor {ms('squiggle floor')}{dot}",
    )
    combine(
        "open",
        "open fz-lsp",
        "open DOT peer",
        True,
        f"fz-lsp {ms('open fz-lsp')}, DOT peer {ms('open DOT peer')}"
        + (f" ({res.info['peer unavailable']})" if "peer unavailable" in res.info else ""),
    )
    dot = f"; DOT peer {ms('completion DOT peer')}" if "completion DOT peer" in res.measurements else ""
    combine(
        "completion",
        "completion fz-lsp",
        "completion floor",
        False,
        f"fz-lsp {ms('completion fz-lsp')}, floor's round trip {ms('completion floor')}{dot}",
    )
    combine(
        "preview", "preview now", "preview before", True, f"now {ms('preview now')}, {before} {ms('preview before')}"
    )
    return out


def cross_checks(res: PeerResults) -> list[str]:
    """The same comparisons in the servers' CPU time (user + system from /proc, which other
    load on the machine barely changes) and, for the first squiggle, the median of the
    differences within a round (fz-lsp and the floor started one after the other)."""
    out = []

    def p50(key: str) -> float | None:
        return p50_of(res, key)[0]

    fz, floor = res.measurements.get("squiggle fz-lsp"), res.measurements.get("squiggle floor")
    if fz and floor and fz.samples and len(fz.samples) == len(floor.samples):
        paired = statistics.median(a - b for a, b in zip(fz.samples, floor.samples))
        out.append(f"first squiggle, median of the per-round differences: {paired:+.1f} ms")
    pairs = [
        ("first squiggle, server CPU to the first diagnostics", "cpu squiggle fz-lsp", "cpu squiggle floor", False),
        ("didOpen, server CPU", "cpu open fz-lsp", "cpu open DOT peer", True),
        ("preview, server CPU", "cpu preview now", "cpu preview before", True),
    ]
    for title, a, b, ratio in pairs:
        x, y = p50(a), p50(b)
        if x is not None and y is not None and y > 0:
            value = f"{x / y:.2f}×" if ratio else f"{x - y:+.0f} ms"
            out.append(f"{title}: {value} ({fmt_ms(x)} against {fmt_ms(y)})")
    return out


LABELS = {  # measurement key -> what it is, for the table of every figure
    "squiggle": "spawn -> first diagnostics of the seed example (fresh server)",
    "cpu squiggle": "server CPU time (user + system) from spawn to the first diagnostics",
    "init": "spawn -> initialize result (the same starts)",
    "open": "didOpen of the big document -> diagnostics (fresh server, its first document)",
    "cpu open": "server CPU time of that didOpen -> diagnostics",
    "open other": "didOpen of another document of that size -> diagnostics (the same server, lines new)",
    "completion": "completion request -> answer",
    "unknown request": "unknown request -> error answer (the same server, between the completions)",
    "preview": "`flowzap.preview` (workflow) of the big document",
    "cpu preview": "server CPU time of that preview",
}


def describe(key: str) -> tuple[str, str]:
    """(server, what) of a measurement key such as 'open other DOT peer' or 'preview now'."""
    for prefix in sorted(LABELS, key=len, reverse=True):
        if key.startswith(prefix + " "):
            return key[len(prefix) + 1 :], LABELS[prefix]
    return "", key


SERVER_ORDER = ("fz-lsp", "floor", "DOT peer", "now", "before")


def table_order(key: str) -> tuple[int, int]:
    """Measurements grouped as LABELS lists them, fz-lsp first in each group."""
    server, what = describe(key)
    groups = list(LABELS.values())
    return (
        groups.index(what) if what in groups else len(groups),
        SERVER_ORDER.index(server) if server in SERVER_ORDER else len(SERVER_ORDER),
    )


def versions() -> dict[str, str]:
    found = {}
    for package in ("pygls", "lsprotocol"):
        try:
            from importlib.metadata import version

            found[package] = version(package)
        except Exception:
            found[package] = "?"
    try:
        found["node"] = subprocess.run(["node", "--version"], capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        found["node"] = "?"
    return found


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def report(res: PeerResults, plan: Plan, meta: dict[str, Any]) -> str:
    found = figures(res, plan)
    lines = f"{res.info.get('lines', plan.lines):,}"
    peer = res.info.get("peer")
    peer_text = (
        ", ".join(f"`{p}` {v}" for p, v in peer.items())
        if peer
        else f"not measured ({res.info.get('peer unavailable')})"
    )
    command = " ".join(["benchmarks/bench_peers.py", *meta["argv"]])
    out = [
        SECTION,
        "",
        f"Run on {meta['date']} with `{command}` in {meta['elapsed'] / 60:.1f} min. "
        f"Machine: {meta['cpu']}, {meta['nproc']} CPUs (`nproc`), {meta['ram']} RAM, "
        f"{meta['python']} (pygls {meta['versions']['pygls']}, lsprotocol {meta['versions']['lsprotocol']}), "
        f"Node {meta['versions']['node']}, {meta['os']}. Load (`uptime`) at the start: {meta['uptime_start']}; "
        f"at the end: {meta['uptime_end']}. Code: commit {meta['commit']}.",
        "",
        "All four servers run in this one run, through stdio, with `benchmarks/lsp_driver.py` (fz-lsp with the "
        "diagnostics debounce at 0, as in Protocol latency): fz-lsp; the floor, `benchmarks/floor_server.py`, a "
        "pygls server that publishes an empty diagnostics list on didOpen and answers completion with an empty "
        f"list; the DOT peer, `benchmarks/peer/server.js` ({peer_text}), given the DOT twin of each document "
        "(`benchmarks/dot_twin.py`: the same nodes, edges and labels, line for line); fz-lsp at commit "
        f"`{res.info.get('before', plan.before)}` for the preview. The big document is `generate({plan.lines}, "
        f"seed={plan.seed})` ({lines} lines; its DOT twin {res.info.get('dot lines', 0):,} lines), unique node "
        "labels. First squiggle: fresh servers started in turn, "
        f"{plan.rounds} each after one uncounted start each; didOpen: {plan.opens} fresh server(s) each, the big "
        "document their first; completion: in the last of those servers, at the end of an inserted line "
        "`nK.handle(bottom) -> LaneX.` (the DOT twin: `nK:s -> n`), requests alternating with the floor's; preview: "
        f"{plan.previews} renders each, alternating between now and {res.info.get('before', plan.before)}, after "
        "one uncounted render each. Medians.",
        "",
        "The baseline round trip of figure 3 is the floor's answer to the same completion request: the cost of "
        "pygls, lsprotocol and the pipe for a request answered without work, measured beside fz-lsp's requests, "
        "so what is left is the work fz-lsp does to complete (finding the lane, building and serialising its "
        "items).",
        "",
        "| # | figure | measured | target | verdict |",
        "|---|---|---:|---:|---|",
    ]
    for i, f in enumerate(found, 1):
        mark = "" if f.met is None else (" ✅" if f.met else " ❌")
        out.append(f"| {i} | {f.title} ({f.detail}) | {f.value_text()}{mark} | {f.target_text()} | {f.verdict()} |")
    checks = cross_checks(res)
    if checks:
        out += [
            "",
            "Cross-checks that other load on the machine barely moves (server CPU time from `/proc/<pid>/stat`, "
            "10 ms ticks; the DOT peer's includes V8's compiler and collector threads): " + "; ".join(checks) + ".",
        ]
    out += [
        "",
        "| server | measurement | n | p50 | min | max |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for key, m in sorted(res.measurements.items(), key=lambda item: table_order(item[0])):
        server, what = describe(key)
        if m.samples:
            cells = f"{len(m.samples)} | {fmt_ms(m.p50)} | {fmt_ms(min(m.samples))} | {fmt_ms(max(m.samples))}"
        else:
            cells = f"0 | n/a ({m.error}) | — | —"
        out.append(f"| {server} | {what} | {cells} |")
    notes = []
    if res.info.get("uncounted first start"):
        firsts = ", ".join(f"{name} {fmt_ms(ms)}" for name, ms in res.info["uncounted first start"].items())
        notes.append(f"the uncounted first starts (spawn -> first diagnostics): {firsts}")
    if res.info.get("completion items"):
        items = ", ".join(f"{name} {'/'.join(map(str, n))}" for name, n in res.info["completion items"].items())
        notes.append(f"completion items offered: {items}")
    for key in ("preview now bytes", "preview before bytes"):
        if res.info.get(key):
            notes.append(f"{key.replace(' bytes', '')}: answer {res.info[key] / 1024:.0f} KiB")
    diagnostics = {k[len("diagnostics ") :]: v for k, v in res.info.items() if k.startswith("diagnostics ")}
    if diagnostics:
        notes.append("diagnostics on the big document: " + ", ".join(f"{k} {v}" for k, v in diagnostics.items()))
    if notes:
        out += ["", "Notes: " + "; ".join(notes) + "."]
    out += [
        "",
        "Re-run: `.venv/bin/python benchmarks/bench_peers.py` (about two minutes; `bash scripts/dev.sh bench` "
        "runs it after the protocol benchmark).",
        "",
    ]
    return "\n".join(out)


def console_table(res: PeerResults, plan: Plan) -> str:
    rows = [
        (str(i), f.title, f.value_text(), f.target_text(), f.verdict().strip("*"))
        for i, f in enumerate(figures(res, plan), 1)
    ]
    head = ("#", "figure", "measured", "target", "verdict")
    widths = [max(len(r[k]) for r in [head, *rows]) for k in range(len(head))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) for row in [head, *rows])


def write_section(path: Path, section: str) -> None:
    """Replace this benchmark's section of `path`, or put it after Protocol latency (else at
    the end); every other section stays as it was (run.existing_section finds them)."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    old = run.existing_section(path, SECTION)
    if old:
        text = text.replace(old, section.rstrip("\n") + ("\n\n" if old.endswith("\n\n") else "\n"), 1)
    else:
        protocol = run.existing_section(path, run.PROTOCOL)
        if protocol and protocol.endswith("\n") and text.find("\n## ", text.index(protocol) + 1) != -1:
            at = text.index(protocol) + len(protocol)
            text = text[:at] + section.rstrip("\n") + "\n\n" + text[at:]
        else:
            text = text.rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def parse_args(argv) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--quick", action="store_true", help="a small document and few repeats (the smoke test)")
    p.add_argument("--lines", type=int, help="size of the big document (default 10000; --quick 300)")
    p.add_argument("--rounds", type=int, help="fresh servers per first-squiggle figure (default 15; --quick 2)")
    p.add_argument("--opens", type=int, help="fresh servers per didOpen figure (default 5; --quick 1)")
    p.add_argument("--iterations", type=int, help="completion requests (default 100; --quick 5)")
    p.add_argument("--previews", type=int, help="previews per commit (default 7; --quick 1)")
    p.add_argument("--before", default=BEFORE, help=f"the earlier commit for the preview (default {BEFORE})")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for any one answer")
    p.add_argument("--out", default=str(HERE / "RESULTS.md"), help="markdown report (default benchmarks/RESULTS.md)")
    p.add_argument("--json", help="raw samples (default benchmarks/out/peers.json; --quick: next to --out)")
    p.add_argument("--no-write", action="store_true", help="print only")
    return p.parse_args(argv)


def plan_of(args: argparse.Namespace) -> Plan:
    quick = args.quick

    def pick(value: int | None, full: int, small: int) -> int:
        return value if value is not None else (small if quick else full)

    return Plan(
        lines=pick(args.lines, 10000, 300),
        rounds=pick(args.rounds, 15, 2),
        opens=pick(args.opens, 5, 1),
        iterations=pick(args.iterations, 100, 5),
        previews=pick(args.previews, 7, 1),
        seed=args.seed,
        before=args.before,
        timeout=args.timeout,
    )


def main(argv=None) -> int:
    args = parse_args(argv)
    plan = plan_of(args)
    log = lambda message: print(message, flush=True)  # noqa: E731
    meta: dict[str, Any] = dict(run.machine())
    meta["date"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    meta["argv"] = list(sys.argv[1:] if argv is None else argv)
    meta["uptime_start"] = uptime()
    meta["versions"] = versions()
    began = time.perf_counter()
    log(f"machine: {meta['cpu']}, {meta['nproc']} CPUs; {meta['uptime_start']}; commit {meta['commit']}")
    res = asyncio.run(measure(plan, log))
    meta["elapsed"] = time.perf_counter() - began
    meta["uptime_end"] = uptime()
    section = report(res, plan, meta)
    print()
    print(console_table(res, plan))
    for line in cross_checks(res):
        print(f"   {line}")
    print(f"\n{meta['cpu']}, {meta['nproc']} CPUs; start: {meta['uptime_start']}; end: {meta['uptime_end']}")
    print(f"commit {meta['commit']}, {meta['date']}\n")
    print(section)
    if not args.no_write:
        out = Path(args.out)
        write_section(out, section)
        raw = (
            Path(args.json)
            if args.json
            else (out.with_name("peers.json") if args.quick else HERE / "out" / "peers.json")
        )
        raw.parent.mkdir(parents=True, exist_ok=True)
        raw.write_text(
            json.dumps(
                {
                    "meta": meta,
                    "plan": asdict(plan),
                    "figures": [{**asdict(f), "met": f.met} for f in figures(res, plan)],
                    "measurements": {k: {**asdict(m), "p50": m.p50} for k, m in res.measurements.items()},
                    "info": res.info,
                },
                indent=1,
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        print(f"wrote the {SECTION[3:]} section of {out} and {raw}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
