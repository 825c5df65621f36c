"""Architecture view quality and speed, before and after: names cut, returns through the gaps
between the cards, returns crossing forward arrows, crossings, sizes, render time.

Renders every document of the set below in the architecture view with the working tree's
renderer ("after") and with the renderer of an earlier commit ("before", `--before REF`,
default the commit issue 22's architecture work started from), measures each SVG with
tests/support/architecture_quality.py (`cut_steps`, `return_arrows`: the checker the tests use),
times `render_svg(model, "architecture")` on benchmarks/bench_render.py's 500-node,
20-lane document with both renderers (child processes, in turns, so both share the
machine's load alike; medians) and writes a table to the "## Layout quality: architecture
view" section of benchmarks/RESULTS.md (replaced if present, else put right after the
workflow view's "## Layout quality", which bench_layout.py writes), keeping
its "### Screenshot review" part (scores given by looking at the pictures) as it is.
`--screens` also screenshots every document before and after in headless Chromium
(tests/support/chromium.py) into test-artifacts/arch-before-all/ and
test-artifacts/arch-after-all/ (PNG and SVG, named after the document's path).

The set: examples/*.fz, every fixture (tests/fixtures/**/*.fz, truncated/*.partial), the
FlowZap corpus (../shared/corpus or $FZ_CORPUS_DIR, when present) and the seeded generated
documents of tests/support/layout_quality.py.

    .venv/bin/python benchmarks/bench_architecture.py [--before REF] [--runs 15] [--rounds 3] [--screens] [--no-write]
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import math
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_layout import corpus_dir  # noqa: E402
from bench_render import benchmark_document  # noqa: E402
from support.architecture_quality import cut_steps, return_arrows  # noqa: E402
from support.layout_quality import GENERATED, generated_document  # noqa: E402

RESULTS = REPO / "benchmarks" / "RESULTS.md"
ARTIFACTS = REPO / "test-artifacts"
SECTION = "## Layout quality: architecture view"
LAYOUT = "## Layout quality"  # bench_layout.py's section (the workflow view): this one follows it
REVIEW = "### Screenshot review"
START_COMMIT = "634bacd"  # main when issue 22's architecture work began

_RENDER = """
import json, sys
try:  # the package's layers (issue 21); a commit before them had fz_lsp/document.py
    from fz_lsp.analysis.document import analyse
except ImportError:
    from fz_lsp.document import analyse
from fz_lsp.render import render_svg
docs = json.load(sys.stdin)
json.dump({name: render_svg(analyse(text).model, "architecture") for name, text in docs}, sys.stdout)
"""
_TIME = """
import json, statistics, sys, time
try:  # the package's layers (issue 21); a commit before them had fz_lsp/document.py
    from fz_lsp.analysis.document import analyse
except ImportError:
    from fz_lsp.document import analyse
from fz_lsp.render import render_svg
model = analyse(sys.stdin.read()).model
render_svg(model, "architecture")
times = []
for _ in range(int(sys.argv[1])):
    start = time.perf_counter()
    render_svg(model, "architecture")
    times.append((time.perf_counter() - start) * 1000)
print(json.dumps(statistics.median(times)))
"""


def documents() -> list[tuple[str, str, str]]:
    """(group, name, text) of every measured document."""
    docs = []
    for path in sorted((REPO / "examples").glob("*.fz")):
        docs.append(("examples", path.name, path.read_text(encoding="utf-8")))
    fixtures = REPO / "tests" / "fixtures"
    for path in sorted(fixtures.glob("**/*.fz")) + sorted((fixtures / "truncated").glob("*.partial")):
        docs.append(("fixtures", path.relative_to(fixtures).as_posix(), path.read_bytes().decode("utf-8", "replace")))
    corpus = corpus_dir()
    if corpus is not None:
        for path in sorted(corpus.glob("*.fz")) + sorted((corpus / "truncated").glob("*.partial")):
            docs.append(("corpus", path.relative_to(corpus).as_posix(), path.read_bytes().decode("utf-8")))
    for seed, nodes, lanes in GENERATED:
        docs.append(
            (
                "generated",
                f"generated seed {seed}: {nodes} nodes, {lanes} lanes",
                generated_document(seed, nodes, lanes),
            )
        )
    return docs


def _child(code: str, root: str, stdin: str, *args: str) -> str:
    env = {**os.environ, "PYTHONPATH": root, "FZ_LSP_CACHE_DIR": tempfile.gettempdir()}
    child = subprocess.run(
        [sys.executable, "-c", code, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=root,
        env=env,
        timeout=1800,
    )
    if child.returncode != 0:
        raise SystemExit(f"the renderer at {root} failed:\n{child.stderr[-3000:]}")
    return child.stdout


def measure(svg: str) -> dict:
    root = ET.fromstring(svg)
    returns = return_arrows(svg)
    return {
        "width": float(root.get("width")),
        "height": float(root.get("height")),
        "cut": cut_steps(svg),
        "returns": returns.backward,
        "gaps": returns.through_gaps,
        "crossing_forward": returns.crossing_forward,
        "crossings": returns.crossings,
    }


def screenshots(svgs: dict[str, str], folder: Path) -> None:
    from support.chromium import screenshot

    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, svg in svgs.items():
            stem = name.replace("/", "__").replace(":", "").replace(",", "").replace(" ", "-")
            image = folder / f"{stem}.svg"
            image.write_text(svg, encoding="utf-8")
            root = ET.fromstring(svg)
            width, height = math.ceil(float(root.get("width"))), math.ceil(float(root.get("height")))
            # Chromium draws a window under ~150 px tall only in part: never ask for less than 200
            screenshot("/usr/bin/chromium", image.as_uri(), folder / f"{stem}.png", width, max(200, height), Path(tmp))


def totals(rows: list[tuple[str, str, dict, dict]], group: str | None = None) -> str:
    chosen = [r for r in rows if group is None or r[0] == group]

    def pair(key: str) -> str:
        return f"{sum(r[2][key] for r in chosen)} → {sum(r[3][key] for r in chosen)}"

    cut_docs = [sum(1 for r in chosen if r[k]["cut"]) for k in (2, 3)]
    return (
        f"{len(chosen)} documents{'' if group is None else f' ({group})'}: step names cut {pair('cut')} "
        f"(in {cut_docs[0]} → {cut_docs[1]} documents); returns through the gaps {pair('gaps')} "
        f"of {pair('returns')} returns; crossings of a return with a forward arrow {pair('crossing_forward')}; "
        f"all crossings {pair('crossings')}"
    )


def table(rows: list[tuple[str, str, dict, dict]]) -> list[str]:
    out = [
        "| document | size before (px) | size after (px) | names cut | returns | through the gaps "
        "| crossing forward arrows | crossings |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for _, name, b, a in rows:
        out.append(
            f"| {name} | {b['width']:.0f} × {b['height']:.0f} | {a['width']:.0f} × {a['height']:.0f} "
            f"| {b['cut']} → {a['cut']} | {b['returns']} → {a['returns']} | {b['gaps']} → {a['gaps']} "
            f"| {b['crossing_forward']} → {a['crossing_forward']} | {b['crossings']} → {a['crossings']} |"
        )
    return out


def existing_review() -> str:
    """The "### Screenshot review" part of the section as it stands ('' if none)."""
    if not RESULTS.exists():
        return ""
    text = RESULTS.read_text(encoding="utf-8")
    start = text.find(SECTION + "\n")
    if start == -1:
        return ""
    end = text.find("\n## ", start + len(SECTION))
    section = text[start : end if end != -1 else len(text)]
    at = section.find(REVIEW)
    return section[at:].rstrip("\n") if at != -1 else ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=START_COMMIT, help=f"commit rendering 'before' (default {START_COMMIT})")
    parser.add_argument("--runs", type=int, default=15, help="timed renders per turn")
    parser.add_argument("--rounds", type=int, default=3, help="turns of each renderer")
    parser.add_argument("--screens", action="store_true", help="screenshot every document before and after")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args()

    docs = documents()
    payload = json.dumps(
        [(f"{group}:{name}", text) for group, name, text in docs]
    )  # a fixture and a corpus file may share a name
    load_start = os.getloadavg()
    with tempfile.TemporaryDirectory() as before_root:
        archive = subprocess.run(
            ["git", "archive", args.before, "fz_lsp", "grammar"], cwd=REPO, capture_output=True, check=True
        )
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(before_root, filter="data")
        before_svgs = json.loads(_child(_RENDER, before_root, payload))
        after_svgs = json.loads(_child(_RENDER, str(REPO), payload))
        bench = benchmark_document()
        times: dict[str, list[float]] = {"before": [], "after": []}
        for _ in range(args.rounds):
            for which, root in (("before", before_root), ("after", str(REPO))):
                times[which].append(json.loads(_child(_TIME, root, bench, str(args.runs))))
    load_end = os.getloadavg()
    if args.screens:
        screenshots({key.split(":", 1)[1]: svg for key, svg in before_svgs.items()}, ARTIFACTS / "arch-before-all")
        screenshots({key.split(":", 1)[1]: svg for key, svg in after_svgs.items()}, ARTIFACTS / "arch-after-all")

    rows = [
        (group, name, measure(before_svgs[f"{group}:{name}"]), measure(after_svgs[f"{group}:{name}"]))
        for group, name, _ in docs
    ]
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "fz_lsp"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    after_name = f"the working tree at {head.strip()}" + (" (with uncommitted changes)" if dirty else "")
    before_ms, after_ms = statistics.median(times["before"]), statistics.median(times["after"])
    groups = [g for g in ("examples", "fixtures", "corpus", "generated") if any(r[0] == g for r in rows)]
    review = existing_review()
    section = "\n".join(
        [
            SECTION,
            "",
            f"Run on {datetime.date.today().isoformat()} with `benchmarks/bench_architecture.py`: before = commit "
            f"`{args.before}`, after = {after_name}. Each SVG is measured by `tests/support/architecture_quality.py`: "
            "names cut = steps whose text ends with “…”; a return runs *through the gaps* when a segment other "
            "than its two end stubs enters the box bounding the cards with dependencies, or an end stub is not "
            "straight up or down within its card; crossings are points where two arrows cross.",
            "",
            *[f"- {totals(rows, g)}" for g in groups],
            f"- all: {totals(rows)}",
            f'- `render_svg(model, "architecture")` on bench_render.py\'s 500-node, 20-lane document: '
            f"{before_ms:.1f} ms before, {after_ms:.1f} ms after ({after_ms / before_ms:.2f}x; medians of "
            f"{args.rounds} turns of {args.runs} renders each, in turns; load average "
            f"{load_start[0]:.2f} at the start, {load_end[0]:.2f} at the end)",
            "",
            *table(rows),
            "",
            *([review, ""] if review else []),
        ]
    )
    print(section)
    if not args.no_write:
        text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
        start = text.find(SECTION + "\n")
        if start == -1:  # right after the workflow view's "## Layout quality", else at the end
            after = text.find(LAYOUT + "\n")
            end = text.find("\n## ", after + len(LAYOUT)) if after != -1 else -1
            if end == -1:
                text = text.rstrip("\n") + "\n\n" + section
            else:
                text = text[: end + 1] + section + "\n" + text[end + 1 :]
        else:
            end = text.find("\n## ", start + len(SECTION))
            text = text[:start] + section + ("\n" + text[end + 1 :] if end != -1 else "")
        RESULTS.write_text(text, encoding="utf-8")
        print(f"(written to {RESULTS.relative_to(REPO)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
