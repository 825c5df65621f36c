"""Sequence view measurements: height per step, steps drawn above their cause, screenshots.

For every document of the set below (the FlowZap corpus when present, examples/*.fz, every
.fz under tests/fixtures/ and a few generated documents of benchmarks/generate.py), the
sequence view is laid out and measured, by the working tree ("after") and, with `--before
REF`, by the renderer of an earlier commit (unpacked with `git archive`, run in a child
process; the working tree's model is what both are measured against):

- px per step: the SVG's height divided by the number of steps (nodes) it draws;
- upward: edges whose target step is drawn above their source step although the edge
  closes no cycle (its target cannot reach its source), i.e. a step drawn above the step
  that causes it. An edge inside a cycle (a retry, a loop) may point back up.

The figures are printed as a Markdown table and a summary; with `--write`, they replace
the "## Layout quality: sequence view" section of benchmarks/RESULTS.md (with the scores of
the screenshot review in benchmarks/sequence_review.tsv: document, score before, score
after, what changed). With `--shots DIR`, every document but the generated ones is also
rendered in headless Chromium to DIR/<name>.png at the diagram's own size.

    .venv/bin/python benchmarks/bench_sequence.py [--before REF] [--write] [--shots DIR]
        [--order causal|document]
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
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
RESULTS = REPO / "benchmarks" / "RESULTS.md"
REVIEW = REPO / "benchmarks" / "sequence_review.tsv"
SECTION = "## Layout quality: sequence view"

# run by the child process of an earlier commit: {name: [height, [top of each node's box]]}
_CHILD = """
import json, sys
try:
    from fz_lsp.analysis.document import analyse
except ImportError:
    from fz_lsp.document import analyse
from fz_lsp.render import layout_sequence
docs = json.load(sys.stdin)
out = {}
for name, text in docs:
    model = analyse(text).model
    layout = layout_sequence(model)
    top = {id(n.node): n.box.y for n in layout.nodes}
    out[name] = [layout.height, [top[id(node)] for node in model.nodes]]
json.dump(out, sys.stdout)
"""


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


def reaches(model: Model) -> list[set[int]]:
    """For each node (by index), the indices of the nodes it reaches along resolved edges
    (itself only when it lies on a cycle)."""
    index = {id(n): i for i, n in enumerate(model.nodes)}
    succ: list[list[int]] = [[] for _ in model.nodes]
    for e in model.edges:
        s, t = e.source.node, e.target.node
        if s is not None and t is not None:
            succ[index[id(s)]].append(index[id(t)])
    found = []
    for start in range(len(succ)):
        seen: set[int] = set()
        stack = list(succ[start])
        while stack:
            n = stack.pop()
            if n not in seen:
                seen.add(n)
                stack.extend(succ[n])
        found.append(seen)
    return found


def upward_edges(model: Model, tops: list[float]) -> tuple[int, int]:
    """(edges drawn against time although they close no cycle, edges with both ends drawn);
    `tops`: the top of each node's box, by node index."""
    index = {id(n): i for i, n in enumerate(model.nodes)}
    reach = reaches(model)
    up = total = 0
    for e in model.edges:
        s, t = e.source.node, e.target.node
        if s is None or t is None or s is t:
            continue
        si, ti = index[id(s)], index[id(t)]
        total += 1
        if si not in reach[ti] and tops[ti] < tops[si]:
            up += 1
    return up, total


def measure_now(model: Model, order: str) -> tuple[float, list[float]]:
    layout = layout_sequence(model, order)
    top = {id(n.node): n.box.y for n in layout.nodes}
    return layout.height, [top[id(node)] for node in model.nodes]


def measure_at(ref: str, docs: list[tuple[str, str, str]]) -> dict[str, list]:
    """{name: [height, tops]} of `docs` laid out by the fz_lsp package of commit `ref`."""
    archive = subprocess.run(["git", "archive", ref, "fz_lsp", "grammar"], cwd=REPO, capture_output=True, check=True)
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(tmp, filter="data")
        env = {**os.environ, "PYTHONPATH": tmp, "FZ_LSP_CACHE_DIR": tmp}
        child = subprocess.run(
            [sys.executable, "-c", _CHILD],
            input=json.dumps([(name, text) for _, name, text in docs]),
            capture_output=True,
            text=True,
            cwd=tmp,
            env=env,
            timeout=900,
        )
        if child.returncode != 0:
            raise SystemExit(f"laying out with {ref} failed:\n{child.stderr[-3000:]}")
        return json.loads(child.stdout)


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
                f"--window-size={max(width, 400)},{max(height, 400)}",  # a small window shows less than its size
                image.as_uri(),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=120,
            check=True,
        )


def read_review() -> dict[str, tuple[str, str, str]]:
    """document -> (score before, score after, what changed), from sequence_review.tsv."""
    if not REVIEW.exists():
        return {}
    rows = {}
    for line in REVIEW.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, before, after, note = ([*line.split("\t"), "", "", ""])[:4]
            rows[name] = (before, after, note)
    return rows


Row = tuple[str, str, int, float, tuple[int, int], float | None, tuple[int, int] | None]


def summary(what: str, rows: list[Row]) -> str:
    """One line: documents, px per step (mean of the documents, median, all steps), upward."""

    def figures(k: int) -> str:
        heights = [(r[3] if k == 0 else r[5], r[2]) for r in rows]
        ratios = [h / n for h, n in heights if h is not None]
        overall = sum(h for h, _ in heights if h is not None) / sum(n for _, n in heights)
        return f"{statistics.mean(ratios):.1f} (median {statistics.median(ratios):.1f}, all steps {overall:.1f})"

    up = sum(r[4][0] for r in rows), sum(r[4][1] for r in rows), sum(1 for r in rows if r[4][0])
    line = f"- {what}: {len(rows)} documents; px per step {figures(0)}"
    if all(r[5] is not None for r in rows):
        before_up = sum(r[6][0] for r in rows if r[6]), sum(1 for r in rows if r[6] and r[6][0])
        line = f"- {what}: {len(rows)} documents; px per step {figures(1)} → {figures(0)}"
        line += f"; steps drawn above their cause: {before_up[0]} → {up[0]} of {up[1]} edges"
        line += f" (in {before_up[1]} → {up[2]} documents)"
    else:
        line += f"; steps drawn above their cause: {up[0]} of {up[1]} edges (in {up[2]} documents)"
    return line


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--before", metavar="REF", help="also measure the renderer of this commit")
    parser.add_argument("--write", action="store_true", help=f"write the section of {RESULTS.name}")
    parser.add_argument("--shots", help="write a PNG of every non-generated document here")
    parser.add_argument("--order", choices=("causal", "document"), default="causal", help="the sequence order")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    shots = Path(args.shots) if args.shots else None
    if shots is not None:
        shots.mkdir(parents=True, exist_ok=True)
    docs = documents()
    before = measure_at(args.before, docs) if args.before else {}
    rows: list[Row] = []
    for group, name, text in docs:
        model = analyse(text).model
        if not model.nodes:
            continue
        height, tops = measure_now(model, args.order)
        old = before.get(name)
        rows.append(
            (
                group,
                name,
                len(model.nodes),
                height,
                upward_edges(model, tops),
                old[0] if old else None,
                upward_edges(model, old[1]) if old else None,
            )
        )
        if shots is not None and group != "generated":
            svg = render_svg(model, "sequence", sequence_order=args.order)
            screenshot(chromium, svg, shots / (name.replace("/", "--") + ".png"))
    review = read_review()
    table = ["| document | steps | px per step | steps above their cause | score (1-5) | what changed |"]
    table.append("|---|---:|---:|---:|---:|---|")
    for _, name, steps, height, up, old_height, old_up in rows:
        scores = review.get(name, ("", "", ""))
        per_step = f"{height / steps:.0f}" if old_height is None else f"{old_height / steps:.0f} → {height / steps:.0f}"
        upward = f"{up[0]} of {up[1]}" if old_up is None else f"{old_up[0]} → {up[0]} of {up[1]}"
        score = f"{scores[0]} → {scores[1]}" if scores[0] else ""
        table.append(f"| {name} | {steps} | {per_step} | {upward} | {score} | {scores[2]} |")
    lines = []
    groups = ["corpus", "examples", "fixtures", "generated"]
    for group in groups:
        chosen = [r for r in rows if r[0] == group]
        if chosen:
            lines.append(summary(group, chosen))
    lines.append(summary("examples + corpus", [r for r in rows if r[0] in ("corpus", "examples")]))
    lines.append(summary("all", rows))
    scored = {name: v for name, v in review.items() if v[0] and v[1]}
    if scored:
        mean = [statistics.mean(float(v[k]) for v in scored.values()) for k in (0, 1)]
        lines.append(f"- screenshot review: {len(scored)} documents scored, mean {mean[0]:.1f} → {mean[1]:.1f}")
        for k, when in ((0, "before"), (1, "after")):  # the five worst, with what changed
            worst = sorted(scored, key=lambda name: (float(scored[name][k]), name))[:5]
            listed = "; ".join(f"{name} ({scored[name][0]} → {scored[name][1]})" for name in worst)
            lines.append(f"- the five worst {when} (PNGs in test-artifacts/seq-{when}/): {listed}")
    print("\n".join([*table, "", *lines]))
    if args.write:
        now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
        before_text = f"before = commit `{args.before}`, " if args.before else ""
        section = "\n".join(
            [
                SECTION,
                "",
                f"Run on {now} with `benchmarks/bench_sequence.py` ({before_text}after = the working tree, "
                f"{args.order} order). px per step: the SVG's height over its steps (nodes). A step drawn "
                "above its cause: an edge whose target's box lies above its source's although the edge "
                "closes no cycle (its target cannot reach its source). Scores: the screenshot review "
                "(benchmarks/sequence_review.tsv), each PNG looked at as a reader would, 1-5.",
                "",
                *lines,
                "",
                *table,
                "",
            ]
        )
        text = RESULTS.read_text(encoding="utf-8")
        start = text.find(SECTION + "\n")
        if start == -1:
            anchor = text.find("\n## ", text.find("## Layout quality\n") + 1)
            text = text[: anchor + 1] + section + "\n" + text[anchor + 1 :] if anchor != -1 else text + "\n" + section
        else:
            end = text.find("\n## ", start + len(SECTION))
            text = text[:start] + section + ("\n" + text[end + 1 :] if end != -1 else "")
        RESULTS.write_text(text, encoding="utf-8")
        print(f"(written to {RESULTS.relative_to(REPO)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
