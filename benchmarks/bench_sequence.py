"""Sequence view measurements: height per step, steps drawn above their cause, screenshots.

For every document of the set below (the FlowZap corpus when present, examples/*.fz, every
.fz under tests/fixtures/ and a few generated documents of benchmarks/generate.py), the
sequence view is laid out and measured:

- px per step: the SVG's height divided by the number of steps (nodes) it draws;
- upward: edges whose target step is drawn above their source step although the edge
  closes no cycle (its target cannot reach its source), i.e. a step drawn above the step
  that causes it. An edge inside a cycle (a retry, a loop) may point back up.

The figures are printed as a Markdown table (per document) and a summary. With `--shots
DIR`, every document but the generated ones is also rendered in headless Chromium to
DIR/<name>.png at the diagram's own size, for the screenshot review.

    .venv/bin/python benchmarks/bench_sequence.py [--shots DIR] [--order causal|document]

It reads only `layout_sequence` and `render_svg`, so it measures any revision of the
renderer the same way.
"""

from __future__ import annotations

import argparse
import inspect
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from fz_lsp.analysis.document import analyse  # noqa: E402
from fz_lsp.model import Model  # noqa: E402
from fz_lsp.render import layout_sequence, render_svg  # noqa: E402
from generate import generate  # noqa: E402

GENERATED = ((60, 1), (200, 2), (600, 3))  # (lines, seed)


def corpus_dir() -> Path | None:
    configured = os.environ.get("FZ_CORPUS_DIR")
    found = Path(configured) if configured else REPO.parent / "shared" / "corpus"
    return found if found.is_dir() else None


def documents() -> list[tuple[str, str, str]]:
    """(group, name, text) of every measured document."""
    docs = []
    corpus = corpus_dir()
    if corpus is not None:
        for path in sorted(corpus.glob("*.fz")) + sorted((corpus / "truncated").glob("*.partial")):
            docs.append(("corpus", path.name, path.read_bytes().decode("utf-8")))
    for path in sorted((REPO / "examples").glob("*.fz")):
        docs.append(("examples", path.name, path.read_bytes().decode("utf-8")))
    fixtures = REPO / "tests" / "fixtures"
    for path in sorted(fixtures.rglob("*.fz")):
        docs.append(("fixtures", str(path.relative_to(fixtures)), path.read_bytes().decode("utf-8")))
    for lines, seed in GENERATED:
        docs.append(("generated", f"generated {lines} lines, seed {seed}", generate(lines, seed)))
    return docs


def reaches(model: Model) -> dict[int, set[int]]:
    """id(node) -> ids of the nodes reachable from it along resolved edges (itself excluded
    unless it lies on a cycle)."""
    succ: dict[int, list[int]] = {id(n): [] for n in model.nodes}
    for e in model.edges:
        s, t = e.source.node, e.target.node
        if s is not None and t is not None:
            succ[id(s)].append(id(t))
    found: dict[int, set[int]] = {}
    for start in succ:
        seen: set[int] = set()
        stack = list(succ[start])
        while stack:
            n = stack.pop()
            if n not in seen:
                seen.add(n)
                stack.extend(succ[n])
        found[start] = seen
    return found


def upward_edges(model: Model, layout) -> tuple[int, int]:
    """(edges drawn against time although they close no cycle, edges with both ends drawn)."""
    top = {id(n.node): n.box.y for n in layout.nodes}
    reach = reaches(model)
    up = total = 0
    for e in model.edges:
        s, t = e.source.node, e.target.node
        if s is None or t is None or s is t:
            continue
        total += 1
        if id(s) not in reach[id(t)] and top[id(t)] < top[id(s)]:
            up += 1
    return up, total


def layout_of(model: Model, order: str | None):
    if order is not None and "order" in inspect.signature(layout_sequence).parameters:
        return layout_sequence(model, order=order)  # type: ignore[call-arg]
    return layout_sequence(model)


def svg_of(model: Model, order: str | None) -> str:
    if order is not None and "sequence_order" in inspect.signature(render_svg).parameters:
        return render_svg(model, "sequence", sequence_order=order)  # type: ignore[call-arg]
    return render_svg(model, "sequence")


def screenshot(chromium: str, svg: str, shot: Path) -> None:
    head = svg[: svg.index(">")]
    width = math.ceil(float(head.split('width="', 1)[1].split('"', 1)[0]))
    height = math.ceil(float(head.split('height="', 1)[1].split('"', 1)[0]))
    with tempfile.TemporaryDirectory() as tmp:
        image = Path(tmp) / "diagram.svg"
        image.write_text(svg, encoding="utf-8")
        subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                f"--user-data-dir={tmp}/profile",
                f"--screenshot={shot}",
                f"--window-size={width},{height}",
                image.as_uri(),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=120,
            check=True,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--shots", help="write a PNG of every non-generated document here")
    parser.add_argument("--order", choices=("causal", "document"), help="the sequence order (default: the renderer's)")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    shots = Path(args.shots) if args.shots else None
    if shots is not None:
        shots.mkdir(parents=True, exist_ok=True)
    print("| group | document | steps | height (px) | px per step | upward / edges |")
    print("|---|---|---:|---:|---:|---:|")
    per_group: dict[str, list[tuple[float, int, int, int, float]]] = {}
    for group, name, text in documents():
        model = analyse(text).model
        if not model.nodes:
            continue
        layout = layout_of(model, args.order)
        up, total = upward_edges(model, layout)
        per_step = layout.height / len(model.nodes)
        per_group.setdefault(group, []).append((per_step, up, total, len(model.nodes), layout.height))
        print(f"| {group} | {name} | {len(model.nodes)} | {layout.height:.0f} | {per_step:.1f} | {up} / {total} |")
        if shots is not None and group != "generated":
            screenshot(chromium, svg_of(model, args.order), shots / (name.replace("/", "--") + ".png"))
    print()
    real: list[tuple[float, int, int, int, float]] = []
    for group, rows in per_group.items():
        if group in ("corpus", "examples"):
            real += rows
        summary(group, rows)
    summary("examples + corpus", real)
    summary("all", [r for rows in per_group.values() for r in rows])
    return 0


def summary(what: str, rows: list[tuple[float, int, int, int, float]]) -> None:
    if not rows:
        return
    ratios = [r[0] for r in rows]
    up = sum(r[1] for r in rows)
    total = sum(r[2] for r in rows)
    with_up = sum(1 for r in rows if r[1])
    overall = sum(r[4] for r in rows) / sum(r[3] for r in rows)
    print(
        f"- {what}: {len(rows)} documents; px per step mean {statistics.mean(ratios):.1f}, "
        f"median {statistics.median(ratios):.1f}, overall {overall:.1f}; "
        f"upward edges {up} of {total} in {with_up} documents"
    )


if __name__ == "__main__":
    raise SystemExit(main())
