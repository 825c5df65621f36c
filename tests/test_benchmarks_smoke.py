"""Smoke test of the protocol benchmarks: benchmarks/run.py --quick against the real server.

Checks that every measurement is produced and sane (positive, finite, ordered p50 <= p95)
and that the report, the chart and the raw JSON are written, keeping an existing
"## Rendering" section. Deliberately no timing targets: those live in RESULTS.md.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import generate  # noqa: E402
import run  # noqa: E402

pytestmark = pytest.mark.slow  # the benchmarks run end to end, small: deselected by -m "not slow"

# features still being written elsewhere may answer with an error; the harness must
# record that and carry on, so these may be n/a (but must not be missing)
MAY_BE_NA = {"preview", "completion", "hover", "definition", "rename"}


def test_hub_document_has_exactly_the_requested_references():
    text, decl, max_id = run.hub_document(1200, 150, seed=3)
    lines = text.split("\n")
    assert lines[decl].startswith("n2: ")
    import re

    assert sum(len(re.findall(r"\bn2\b", line)) for line in lines) == 151  # declaration + references
    edges = [line for line in lines if " -> " in line]
    assert len(edges) == len(set(edges))  # no duplicate edges
    assert max_id >= 12


def test_keystroke_plan_types_then_deletes_in_labels():
    lines = generate.generate(300).split("\n")
    plan = run.keystroke_plan(lines, 20)
    assert [insert for _, _, _, insert in plan[:10]] == [True] * 5 + [False] * 5
    for line, col, char, insert in plan:
        base = lines[line].index('label:"') + len('label:"')
        assert lines[line][:base].isascii()  # UTF-16 columns == code points
        assert base <= col <= base + 4 and (char if insert else "") == ("hello"[col - base] if insert else "")
    assert plan[0][0] != plan[10][0]  # a different line each round


def test_quick_run_produces_every_measurement(tmp_path: Path):
    out = tmp_path / "RESULTS.md"
    rendering = "## Rendering\n\nRun on somewhere; | renderer | median |\n|---|---|\n| x | 1 |\n\nGoal: met.\n"
    out.write_text("# Benchmark results\n\n## Protocol latency\n\nold figures\n\n" + rendering, encoding="utf-8")
    raw = tmp_path / "results.json"
    status = run.main(["--quick", "--out", str(out), "--json", str(raw), "--svg", str(tmp_path / "latency.svg")])
    assert status == 0

    data = json.loads(raw.read_text(encoding="utf-8"))
    (size,) = data["sizes"]
    assert 150 <= size["lines"] <= 300
    measurements = size["measurements"]
    assert set(measurements) == set(run.METRICS)
    for key, m in measurements.items():
        if m["error"] and key in MAY_BE_NA:
            assert not m["samples"] or m["error"], key
            continue
        assert m["error"] is None, (key, m["error"])
        assert m["samples"], key
        assert all(math.isfinite(x) and x > 0 for x in m["samples"]), (key, m["samples"])
        assert size["p50"][key] <= size["p95"][key]
        if run.METRICS[key][1] == "ms":
            assert max(m["samples"]) < 60_000, key
    assert len(measurements["keystroke"]["samples"]) == 10
    assert 10 < measurements["rss"]["samples"][0] < 2000  # MB
    assert size["info"]["exit_code"] == 0  # shut down cleanly
    if not measurements["rename"]["error"]:
        assert size["info"]["rename_edits"] == size["rename_refs"] + 1

    text = out.read_text(encoding="utf-8")
    assert "old figures" not in text
    assert text.endswith(rendering)  # carried over verbatim
    for title, _ in run.METRICS.values():
        assert title in text
    for word in ("nproc", "Python", "RAM", "UTC"):
        assert word in text
    svg = (tmp_path / "latency.svg").read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "<polyline" in svg

    # the report can be rewritten from the raw results without measuring again
    again = tmp_path / "again" / "RESULTS.md"
    assert run.main(["--report-from", str(raw), "--out", str(again)]) == 0
    table = text[text.index("### Summary") : text.index("### Growth")]
    assert table in again.read_text(encoding="utf-8")


def test_targets_and_verdicts():
    m = run.Measurement(samples=[10.0, 20.0, 30.0])
    assert run.verdict("keystroke", 1000, m) == ("p50 ≤ 5 ms", "**miss** (4.0× the target)")
    _, text = run.verdict("keystroke", 10000, m)
    assert text.startswith("**miss** (p50 1.33×, p95 0.75×")
    assert run.verdict("keystroke", 50000, m)[1].startswith("pass")
    assert run.verdict("preview", 10000, m) == ("—", "—")
    assert run.verdict("hover", 1000, run.Measurement(error="error -32601: Method not found"))[1] == "n/a"


def test_plot_is_log_log_svg():
    import plot

    svg = plot.line_chart(
        {"a": [(1000, 1.0), (10000, 10.0), (50000, 60.0)], "baseline": [(1000, 0.5), (50000, 0.5)]}, "t"
    )
    assert svg.count("<polyline") == 2 and "10k" in svg and "ms" in svg
    assert plot.line_chart({}, "empty").startswith("<svg")


@pytest.mark.parametrize(
    "existing", ["", "# Benchmark results\n\n## Rendering\n\nbody\n", "## Rendering\n\nbody\n\n## Later\n\nx\n"]
)
def test_rendering_section_is_found(tmp_path: Path, existing: str):
    path = tmp_path / "R.md"
    path.write_text(existing, encoding="utf-8")
    found = run.existing_rendering_section(path)
    if existing:
        assert found.startswith("## Rendering\n\nbody\n") and "Later" not in found
    else:
        assert found == ""


def test_a_run_keeps_every_other_benchmarks_section(tmp_path: Path):
    path = tmp_path / "R.md"
    path.write_text(
        "# Benchmark results\n\n## Protocol latency\n\nold figures\n\n## Memory (soak)\n\nm\n\n"
        "## Rendering\n\nr\n\n## Layout quality\n\nq\n\n## Languages\n\nl\n",
        encoding="utf-8",
    )
    kept = run.other_sections(path)
    assert [part.splitlines()[0] for part in kept] == [
        "## Memory (soak)",
        "## Rendering",
        "## Layout quality",
        "## Languages",
    ]
    assert "old figures" not in "".join(kept) and kept[-1] == "## Languages\n\nl\n"


def test_mcp_benchmark_measures_every_row() -> None:
    pytest.importorskip("mcp", reason="the MCP SDK is not installed (pip install -e '.[test]' installs it)")
    import subprocess

    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_mcp.py"), "--lines", "200", "--calls", "10", "--no-write"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith("| `") or line.startswith("| the same")]
    assert len(rows) == 4
    for row in rows:
        median, p95, calls = (float(cell) for cell in row.strip("|").split("|")[1:])
        assert 0 < median <= p95 and calls == 10
    assert "20 label operators, 20 diagnostics (20 fixable)" in result.stdout
