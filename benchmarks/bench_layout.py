"""Layout quality benchmark: crossings, defects and diagram sizes of the workflow view.

Renders every document of the set below with the working tree's renderer ("after") and
with the renderer of an earlier commit ("before", `--before REF`, default the commit the
layout rewrite started from), measures each SVG with tests/support/layout_quality.py (the same
checker the tests use) and writes a table to the "## Layout quality" section of
benchmarks/RESULTS.md (replaced if present, appended otherwise).

The set: every file of the FlowZap corpus (../shared/corpus or $FZ_CORPUS_DIR, when
present), examples/*.fz, tests/fixtures/layout/*.fz, the seeded generated documents of
tests/support/layout_quality.py (12 to 500 nodes) and the 500-node, 20-lane document of
benchmarks/bench_render.py.

The earlier commit is unpacked with `git archive` into a temporary directory and run in a
child process (its own `fz_lsp` package); the working tree's analysis supplies the model
both renderings are measured against.

    .venv/bin/python benchmarks/bench_layout.py [--before REF] [--no-write]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_peers import unpack_commit  # noqa: E402
from bench_render import benchmark_document  # noqa: E402
from fz_lsp.analysis.document import analyse  # noqa: E402
from fz_lsp.render import render_svg  # noqa: E402
from support.layout_quality import DEFECTS, GENERATED, Quality, generated_document, measure  # noqa: E402

RESULTS = REPO / "benchmarks" / "RESULTS.md"
SECTION = "## Layout quality"
START_COMMIT = "a600daf"  # the renderer before the layout rewrite (issue 13)

_CHILD = """
import json, sys
from fz_lsp.analysis.document import analyse
from fz_lsp.render import render_svg
docs = json.load(sys.stdin)
json.dump({name: render_svg(analyse(text).model) for name, text in docs}, sys.stdout)
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
        docs.append(("examples", path.name, path.read_text(encoding="utf-8")))
    for path in sorted((REPO / "tests" / "fixtures" / "layout").glob("*.fz")):
        docs.append(("fixtures", path.name, path.read_text(encoding="utf-8")))
    for seed, nodes, lanes in GENERATED:
        docs.append(
            (
                "generated",
                f"generated seed {seed}: {nodes} nodes, {lanes} lanes",
                generated_document(seed, nodes, lanes),
            )
        )
    docs.append(("generated", "bench_render.py: 500 nodes, 20 lanes", benchmark_document()))
    return docs


def render_at(ref: str, docs: list[tuple[str, str, str]]) -> dict[str, str]:
    """SVGs of `docs` rendered by the fz_lsp package of commit `ref`."""
    with tempfile.TemporaryDirectory() as tmp:
        try:
            unpack_commit(ref, Path(tmp))
        except ValueError as err:
            raise SystemExit(str(err)) from None
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
            raise SystemExit(f"rendering with {ref} failed:\n{child.stderr[-3000:]}")
        return json.loads(child.stdout)


def summary(q: Quality) -> dict:
    return {"width": q.width, "height": q.height, "crossings": q.crossings, "defects": q.defect_counts()}


def _defects(d: dict) -> str:
    total = sum(d["defects"].values())
    if not total:
        return "0"
    kinds = ", ".join(f"{kind.replace('_', ' ')} {count}" for kind, count in d["defects"].items())
    return f"{total} ({kinds})"


def table(rows: list[tuple[str, str, dict, dict]]) -> list[str]:
    out = [
        "| document | size before (px) | size after (px) | crossings before | crossings after "
        "| defects before | defects after |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for _, name, before, after in rows:
        out.append(
            f"| {name} | {before['width']:.0f} × {before['height']:.0f} | {after['width']:.0f} × {after['height']:.0f} "
            f"| {before['crossings']} | {after['crossings']} | {_defects(before)} | {_defects(after)} |"
        )
    return out


def totals(rows, group: str | None = None) -> str:
    chosen = [r for r in rows if group is None or r[0] == group]
    with_defects = [sum(1 for r in chosen if sum(r[k]["defects"].values())) for k in (2, 3)]
    crossings = [sum(r[k]["crossings"] for r in chosen) for k in (2, 3)]
    defects = [sum(sum(r[k]["defects"].values()) for r in chosen) for k in (2, 3)]
    return (
        f"{len(chosen)} documents{'' if group is None else f' ({group})'}: with a defect {with_defects[0]} → "
        f"{with_defects[1]}; defects {defects[0]} → {defects[1]}; crossings {crossings[0]} → {crossings[1]}"
    )


def widths(rows, group: str) -> str:
    chosen = [r for r in rows if r[0] == group]
    if group == "examples":
        return ", ".join(f"{r[1]} {r[2]['width']:.0f} → {r[3]['width']:.0f} px" for r in chosen)
    return f"{sum(r[2]['width'] for r in chosen):,.0f} → {sum(r[3]['width'] for r in chosen):,.0f} px"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=START_COMMIT, help=f"commit rendering 'before' (default {START_COMMIT})")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args()

    docs = documents()
    before_svgs = render_at(args.before, docs)
    rows = []
    for group, name, text in docs:
        model = analyse(text).model
        before = summary(measure(before_svgs[name], model))
        after = summary(measure(render_svg(model), model))
        rows.append((group, name, before, after))

    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "fz_lsp/render"], cwd=REPO, capture_output=True, text=True
    ).stdout
    after_name = f"the working tree at {head}" + (" (with uncommitted renderer changes)" if dirty.strip() else "")
    groups = [g for g in ("corpus", "examples", "fixtures", "generated") if any(r[0] == g for r in rows)]
    section = "\n".join(
        [
            SECTION,
            "",
            f"Run on {datetime.date.today().isoformat()} with `benchmarks/bench_layout.py` "
            f"(`bash scripts/dev.sh bench` runs it): before = commit `{args.before}`, after = {after_name}. "
            "Each SVG is measured by `tests/support/layout_quality.py`, the checker of the layout tests: "
            f"defects are {', '.join(d.replace('_', ' ') for d in DEFECTS)} (see its docstring); "
            "crossings are points where two edges cross; size is the SVG's width × height.",
            "",
            *[f"- {totals(rows, g)}" for g in groups],
            f"- all: {totals(rows)}",
            f"- widths of the examples: {widths(rows, 'examples')}; of the corpus: {widths(rows, 'corpus')} in total",
            "",
            "Reading the crossings: before, edges drawn over each other hid crossings (an edge running on "
            "another's line does not cross it), so some of the crossings after are the ones those overlaps "
            "hid. The real-world files cross less than before; the generated documents join random nodes of "
            "distant lanes, whose edges must cross the flows of the lanes between. Sizes: parallel branches "
            "and unlinked nodes share a lane's columns (rows stack) instead of widening it, gutters are as "
            "wide as their tracks and labels need (40 px at least, was 56), diamonds wrap their text to stay "
            "narrow; a flow that runs through lanes one after another stays as wide as its longest chain.",
            "",
            *table(rows),
            "",
        ]
    )
    print(section)
    if not args.no_write:
        text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
        start = text.find(SECTION + "\n")
        if start == -1:
            text = text.rstrip("\n") + "\n\n" + section
        else:
            end = text.find("\n## ", start + len(SECTION))
            text = text[:start] + section + ("\n" + text[end + 1 :] if end != -1 else "")
        RESULTS.write_text(text, encoding="utf-8")
        print(f"(written to {RESULTS.relative_to(REPO)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
