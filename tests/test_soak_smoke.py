"""Smoke test of the memory soak (benchmarks/soak.py) against the real server: a tiny run
produces every figure and writes its section of RESULTS.md where it belongs, keeping the
others and its own history. No memory goal is asserted here: the figures live in
benchmarks/RESULTS.md (in-process bounds are pinned by tests/test_memory.py)."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import run  # noqa: E402
import soak  # noqa: E402

pytestmark = pytest.mark.slow  # the soak benchmark run end to end, small: deselected by -m "not slow"

TINY = [
    "--keystrokes",
    "120",
    "--warmup-keystrokes",
    "40",
    "--sample-every",
    "20",
    "--lines",
    "300",
    "--cycles",
    "6",
    "--warmup-cycles",
    "2",
    "--sample-cycles",
    "1",
    "--cycle-lines",
    "500",
    "--think",
    "0.2",
    "--latency-keystrokes",
    "10",
]


def test_growth_is_the_least_squares_slope_after_the_warm_up():
    phase = soak.Phase("keystrokes", 1000, 0.25, warmup=100)
    phase.samples = [(0, 50.0), (50, 99.0)] + [
        (x, 60 + 0.002 * x + (0.5 if k % 2 else -0.5)) for k, x in enumerate(range(100, 1100, 100))
    ]
    assert math.isclose(phase.fit(), 2.0 + 1000 * _noise_slope(phase), rel_tol=1e-9)
    assert phase.fit() > 1.9  # the warm-up's jump is left out
    assert soak.verdict(phase).startswith("**miss**")
    flat = soak.Phase("cycles", 100, 0.5, warmup=0, samples=[(x, 70.0) for x in range(0, 50, 10)])
    assert flat.fit() == 0 and soak.verdict(flat) == "pass (0.00× the goal)"
    assert soak.Phase("cycles", 100, 0.5, warmup=0, samples=[(0, 1.0)]).fit() is None


def _noise_slope(phase: soak.Phase) -> float:
    pts = [(x, (0.5 if k % 2 else -0.5)) for k, (x, _) in enumerate(phase.measured)]
    mx = sum(x for x, _ in pts) / len(pts)
    return sum((x - mx) * y for x, y in pts) / sum((x - mx) ** 2 for x, _ in pts)


def test_a_tiny_soak_writes_its_section_between_the_others(tmp_path: Path):
    out = tmp_path / "RESULTS.md"
    rendering = "## Rendering\n\nrenderer figures\n"
    out.write_text("# Benchmark results\n\n## Protocol latency\n\nlatency figures\n\n" + rendering, encoding="utf-8")
    raw = tmp_path / "soak.json"
    assert soak.main([*TINY, "--out", str(out), "--json", str(raw), "--label", "first"]) == 0

    data = json.loads(raw.read_text(encoding="utf-8"))
    info = data["info"]
    assert info["exit_code"] == 0 and info["keystrokes_typed"] >= 120
    assert info["preview_stream"].endswith("200 OK") and info["preview_events"] >= 1  # the live preview was read
    assert info["requests"]["textDocument/hover"] > 0 and info["requests"]["textDocument/completion"] > 0
    assert info["requests"]["textDocument/semanticTokens/range"] > 0
    assert len(data["cycles"]["samples"]) == 7 and data["cycles"]["fit_mb_per_100"] is not None
    assert data["keystrokes"]["fit_mb_per_1000"] is not None
    assert data["latency"]["n"] == 10 and 0 < data["latency"]["p50_ms"] <= data["latency"]["p95_ms"]
    assert all(10 < mb < 2000 for _, mb in data["keystrokes"]["samples"] + data["cycles"]["samples"])

    text = out.read_text(encoding="utf-8")
    assert text.index("## Protocol latency") < text.index(soak.SECTION) < text.index("## Rendering")
    assert text.endswith(rendering) and "latency figures" in text
    for word in ("nproc", "RAM", "UTC", "MB per 1,000 keystrokes", "MB per 100 cycles", "| first |"):
        assert word in text, word

    # a second run replaces the section and adds a row to its history; the latency
    # benchmark's report keeps the section when it rewrites the file
    assert soak.main([*TINY, "--out", str(out), "--json", str(raw), "--label", "second"]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.count(soak.SECTION) == 1 and "| first |" in text and "| second |" in text
    assert run.existing_section(out, run.MEMORY).startswith(soak.SECTION)
    assert run.existing_section(out, run.MEMORY) in text and "renderer figures" not in run.existing_section(
        out, run.MEMORY
    )


def test_the_soak_waits_as_long_as_the_server_takes_to_release_a_closed_document():
    from fz_lsp.lsp import memory

    assert soak.RELEASE_DELAY_S == memory.RELEASE_DELAY_S
    assert soak.LARGE_DOCUMENT_LINES == memory.LARGE_DOCUMENT_LINES
