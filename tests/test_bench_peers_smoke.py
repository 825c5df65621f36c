"""Smoke test of issue 24's benchmark (benchmarks/bench_peers.py): the floor, the DOT peer and
the preview against an earlier commit, in a quick run against the real servers.

Checks the output's shape (the four figures with their targets, the machine, the load and the
commit; the section written among the others, kept verbatim), the DOT twin's graph and the
figures' arithmetic. No timing is asserted: the figures live in benchmarks/RESULTS.md.
"""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_peers  # noqa: E402
import generate  # noqa: E402
from dot_twin import to_dot  # noqa: E402
from run import Measurement  # noqa: E402


def graph_of_flowzap(text: str) -> tuple[dict[str, str], list[tuple[str, str, str | None]]]:
    nodes = dict(re.findall(r'^(n\d+): \w+ label:"([^"]*)"$', text, re.M))
    edges = [
        (a, b, label or None)
        for a, b, label in re.findall(
            r'^(n\d+)\.handle\(\w+\) -> (?:\w+\.)?(n\d+)\.handle\(\w+\)(?: \[label="([^"]*)"\])?$', text, re.M
        )
    ]
    return nodes, edges


def graph_of_dot(text: str) -> tuple[dict[str, str], list[tuple[str, str, str | None]]]:
    nodes = dict(re.findall(r'^(n\d+) \[shape=\w+ label="([^"]*)"\]$', text, re.M))
    edges = [
        (a, b, label or None)
        for a, b, label in re.findall(r'^(n\d+):[nesw] -> (n\d+):[nesw](?: \[label="([^"]*)"\])?$', text, re.M)
    ]
    return nodes, edges


def test_the_dot_twin_is_the_same_graph_line_for_line():
    text = generate.generate(2000, seed=3)
    dot = to_dot(text)
    assert dot.count("\n") == text.count("\n") + 2  # `digraph flow {` and its `}`
    nodes, edges = graph_of_flowzap(text)
    assert len(nodes) > 700 and len(set(nodes.values())) == len(nodes)  # unique labels
    assert graph_of_dot(dot) == (nodes, edges)
    lanes = re.findall(r"^(Lane\d+) \{ # (.*)$", text, re.M)
    assert re.findall(r'^subgraph cluster_(Lane\d+) \{ label="(.*)"$', dot, re.M) == lanes
    assert dot.count("subgraph cluster_loop") == text.count("\nloop [")


def test_the_seed_examples_twin():
    dot = to_dot((ROOT / "examples" / "gitops.fz").read_text(encoding="utf-8"))
    lines = dot.splitlines()
    assert lines[:3] == [
        "digraph flow {",
        'subgraph cluster_Dev { label="Developer"',
        'n1 [shape=circle label="Start a change"]',
    ]
    assert 'n6:s -> n7:n [label="Webhook"]' in lines  # CI.n7: DOT ids are global
    assert 'subgraph cluster_loop1 { label="until checks pass" n7 n8 }' in lines


@pytest.mark.parametrize("line", ['n1: hexagon label:"x"', "A -> B", "n1.handle(middle) -> n2.handle(left)"])
def test_a_line_without_a_twin_is_refused(line: str):
    with pytest.raises(ValueError, match="line 2"):
        to_dot("L { # t\n" + line + "\n}\n")


def results(samples: dict[str, list[float]]) -> bench_peers.PeerResults:
    res = bench_peers.PeerResults()
    for key, values in samples.items():
        res.measurements[key] = Measurement(samples=values)
    res.info["lines"] = 10730
    return res


def test_the_four_figures_against_their_targets():
    res = results(
        {
            "squiggle fz-lsp": [500.0, 510.0, 900.0],
            "squiggle floor": [450.0, 460.0, 470.0],
            "open fz-lsp": [300.0],
            "open DOT peer": [400.0],
            "completion fz-lsp": [1.0, 1.2, 1.4],
            "completion floor": [0.5, 0.6, 0.7],
            "preview now": [500.0, 600.0],
            "preview before": [500.0, 500.0],
        }
    )
    found = bench_peers.figures(res, bench_peers.Plan())
    assert [(f.key, round(f.value, 6), f.met) for f in found if f.value is not None] == [
        ("squiggle", 50.0, True),
        ("open", 0.75, True),
        ("completion", 0.6, False),
        ("preview", 1.1, False),
    ]
    assert [f.value_text() for f in found] == ["+50.00 ms", "0.75×", "+0.60 ms", "1.10×"]
    assert [f.target_text() for f in found] == ["≤ 50 ms", "≤ 0.75", "≤ 0.5 ms", "≤ 1"]
    assert found[1].title == "didOpen of 10,730 lines -> diagnostics: fz-lsp / DOT peer"


def test_a_figure_without_its_peer_says_why():
    res = results({"open fz-lsp": [300.0]})
    res.measurements["open DOT peer"] = Measurement(error="npm ci failed (1): E404")
    (open_figure,) = [f for f in bench_peers.figures(res, bench_peers.Plan()) if f.key == "open"]
    assert open_figure.met is None and open_figure.value_text() == "n/a (npm ci failed (1): E404)"


def test_the_section_goes_after_protocol_latency_and_keeps_the_others(tmp_path: Path):
    path = tmp_path / "R.md"
    path.write_text("# Benchmark results\n\n## Protocol latency\n\np\n\n## Memory (soak)\n\nm\n", encoding="utf-8")
    bench_peers.write_section(path, "## Floor and peers\n\nfirst\n")
    assert path.read_text(encoding="utf-8") == (
        "# Benchmark results\n\n## Protocol latency\n\np\n\n## Floor and peers\n\nfirst\n\n## Memory (soak)\n\nm\n"
    )
    bench_peers.write_section(path, "## Floor and peers\n\nsecond\n")
    assert path.read_text(encoding="utf-8") == (
        "# Benchmark results\n\n## Protocol latency\n\np\n\n## Floor and peers\n\nsecond\n\n## Memory (soak)\n\nm\n"
    )


@pytest.mark.slow
def test_quick_run_prints_and_writes_the_four_figures(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    try:
        bench_peers.ensure_peer(log=lambda message: None)
    except bench_peers.PeerUnavailable as err:
        pytest.skip(f"the DOT peer cannot be installed here: {err}")
    out = tmp_path / "RESULTS.md"
    rendering = "## Rendering\n\nr\n"
    out.write_text("# Benchmark results\n\n## Protocol latency\n\np\n\n" + rendering, encoding="utf-8")
    raw = tmp_path / "peers.json"
    assert bench_peers.main(["--quick", "--out", str(out), "--json", str(raw)]) == 0

    printed = capsys.readouterr().out
    block = printed[printed.index("#  figure") :].split("\n\n")[0].splitlines()
    table = [line for line in block if not line.startswith("   ")]
    checks = [line.strip() for line in block if line.startswith("   ")]
    assert len(table) == 5  # the header and the four figures
    assert checks[0].startswith("first squiggle, median of the per-round differences: ")
    assert any(line.startswith("first squiggle, server CPU to the first diagnostics: ") for line in checks)
    for row, target in zip(table[1:], ("≤ 50 ms", "≤ 0.75", "≤ 0.5 ms", "≤ 1")):
        assert target in row and re.search(r"\b(met|missed|n/a)\s*$", row), row
    assert re.search(r"\n.+, \d+ CPUs; start: .*load average.*; end: .*load average", printed), printed[-600:]
    assert re.search(r"\ncommit \w+.*, \d{4}-\d\d-\d\d \d\d:\d\d UTC\n", printed)

    text = out.read_text(encoding="utf-8")
    assert text.endswith(rendering)  # kept verbatim
    section = text[text.index("## Floor and peers") : text.index(rendering)]
    assert "load average" in section and "nproc" in section and "commit" in section and "UTC" in section
    rows = re.findall(r"^\| ([1-4]) \| .* \| (≤ [\d.]+(?: ms)?) \| (met|\*\*missed\*\*|n/a) \|$", section, re.M)
    assert [(n, target) for n, target, _ in rows] == [
        ("1", "≤ 50 ms"),
        ("2", "≤ 0.75"),
        ("3", "≤ 0.5 ms"),
        ("4", "≤ 1"),
    ]

    data = json.loads(raw.read_text(encoding="utf-8"))
    assert [f["key"] for f in data["figures"]] == ["squiggle", "open", "completion", "preview"]
    expected = {"squiggle fz-lsp", "squiggle floor", "squiggle DOT peer", "open fz-lsp", "open DOT peer"}
    expected |= {"completion fz-lsp", "completion floor", "completion DOT peer", "preview now"}
    if "before" in data["info"]:  # the earlier commit is in this clone
        expected.add("preview before")
    for key in expected:
        m = data["measurements"][key]
        assert m["error"] is None and m["samples"], (key, m)
        assert all(math.isfinite(x) and x > 0 for x in m["samples"]), key
    assert len(data["measurements"]["squiggle fz-lsp"]["samples"]) == 2
    assert data["info"]["diagnostics fz-lsp"] == 0 and data["info"]["diagnostics DOT peer"] == 0
    assert data["info"]["completion items"]["fz-lsp"] == [12] and data["info"]["completion items"]["floor"] == [0]
