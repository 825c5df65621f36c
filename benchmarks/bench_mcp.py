"""The MCP server's latency: flowzap_validate of the generated 1,000-line document through a real
`fz-lsp mcp` process and the MCP SDK's own stdio client (tests/support/mcp_client.py), median and p95.

Baselines measured in the same run, so that a loaded machine is read right: the same work in
this process (what the tool computes: the analysis, the diagnostics and which of them fix-all
repairs, the JSON), and flowzap_get_syntax through MCP (a call that analyses nothing: the
transport and the SDK alone). The first call is reported apart (the server has not parsed the
document's lines yet; later calls find them in its line memo, as an agent's repeated calls do).

Writes the "## MCP server" section of benchmarks/RESULTS.md (replaced if present).

    .venv/bin/python benchmarks/bench_mcp.py                 # 1,000 lines, 100 calls
    .venv/bin/python benchmarks/bench_mcp.py --calls 5 --no-write
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from fz_lsp.mcp import tools  # noqa: E402
from generate import generate  # noqa: E402
from support.mcp_client import McpClient  # noqa: E402

RESULTS = REPO / "benchmarks" / "RESULTS.md"
SECTION = "## MCP server"
MISTAKES = 20


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def timed(action: Callable[[], object], calls: int) -> list[float]:
    samples = []
    for _ in range(calls):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def update_results(section: str) -> None:
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    start = text.find(SECTION + "\n")
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + ("\n" + text[end + 1 :] if end != -1 else "")
    RESULTS.write_text(text, encoding="utf-8")


def commit() -> str:
    try:
        found = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    except OSError:
        return "unknown"
    return found.stdout.strip() or "unknown"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1000, help="size of the generated document")
    parser.add_argument("--calls", type=int, default=100, help="timed calls of each kind")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args()

    code = generate(args.lines)
    arguments = {"code": code}
    # the same document with MISTAKES label operators (`label="…"` on a node): warnings, each fixable
    lines = code.split("\n")
    nodes = [k for k, line in enumerate(lines) if ': rectangle label:"' in line][:MISTAKES]
    for k in nodes:
        lines[k] = lines[k].replace(' label:"', ' label="', 1)
    mistaken = {"code": "\n".join(lines)}
    with McpClient() as client:
        start = time.perf_counter()
        first = client.call("flowzap_validate", arguments)
        first_ms = (time.perf_counter() - start) * 1000
        assert not first.is_error and isinstance(first.structured_content, dict), first
        answer = first.structured_content
        warned = client.call("flowzap_validate", mistaken).structured_content
        assert isinstance(warned, dict), warned
        rounds: dict[str, list[float]] = {"validate": [], "mistaken": [], "syntax": [], "local": []}
        per_round = max(1, args.calls // 10)  # interleaved in rounds: a load spike hits each kind alike
        for _ in range(10):
            rounds["validate"] += timed(lambda: client.call("flowzap_validate", arguments), per_round)
            rounds["mistaken"] += timed(lambda: client.call("flowzap_validate", mistaken), per_round)
            rounds["syntax"] += timed(lambda: client.call("flowzap_get_syntax", {}), per_round)
            rounds["local"] += timed(lambda: json.dumps(tools.validate(arguments).json), per_round)
    validate, syntax, local = rounds["validate"], rounds["syntax"], rounds["local"]
    size = len(json.dumps(answer, ensure_ascii=False))
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    rows = [
        ("`flowzap_validate` through MCP", validate),
        (f"`flowzap_validate` through MCP, {MISTAKES} nodes written `label=` (warnings, fixable)", rounds["mistaken"]),
        ("`flowzap_get_syntax` through MCP (no analysis: transport and SDK)", syntax),
        ("the same validation in this process (analysis, diagnostics, fixable, JSON)", local),
    ]
    table = ["| call | median (ms) | p95 (ms) | calls |", "|---|---:|---:|---:|"]
    table += [f"| {name} | {statistics.median(s):.1f} | {percentile(s, 0.95):.1f} | {len(s)} |" for name, s in rows]
    overhead = statistics.median(validate) - statistics.median(local)
    section = "\n".join(
        [
            SECTION,
            "",
            f"Run on {datetime.date.today().isoformat()} at commit `{commit()}` with `benchmarks/bench_mcp.py`; "
            f"machine: {os.cpu_count()} CPUs (`nproc`), Python {platform.python_version()}; load average {load} "
            "at the end (other work shares the machine: read the figures against the baselines of the same run).",
            "",
            f"Document: `benchmarks/generate.py` at {args.lines:,} lines ({len(code):,} characters); the answer "
            f"is `valid: {str(answer['valid']).lower()}` with {len(answer['diagnostics'])} diagnostics, "
            f"{size:,} characters of JSON (sent twice: structured content and text); with {MISTAKES} label "
            f"operators, {len(warned['diagnostics'])} diagnostics "
            f"({sum(d['fixable'] for d in warned['diagnostics'])} fixable).",
            "",
            *table,
            "",
            f"The first call took {first_ms:.1f} ms (its lines not yet in the server's line memo). Through MCP a "
            f"validation costs {overhead:.1f} ms more than in process at the median: the SDK's JSON-RPC, pydantic "
            "models and the stdio pipes both ways, and the worker thread each call runs in.",
            "",
        ]
    )
    print(section)
    if not args.no_write:
        update_results(section)
        print(f"(written to {RESULTS.relative_to(REPO)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
