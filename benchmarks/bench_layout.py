"""Layout quality benchmark: crossings, defects, narrative and diagram sizes of the workflow view.

Renders every document of the set below with the working tree's renderer ("after") and
with the renderer of an earlier commit ("before", `--before REF`, default the commit the
layout rewrite started from), measures each SVG with tests/support/layout_quality.py (the same
checker the tests use) and writes a table to the "## Layout quality" section of
benchmarks/RESULTS.md (replaced if present, appended otherwise; its "### Screenshot
review" subsection, written by hand, is kept).

The set: every file of the FlowZap corpus (../shared/corpus or $FZ_CORPUS_DIR, when
present), examples/*.fz, every fixture under tests/fixtures (*.fz and truncated
*.partial files), the seeded generated documents of tests/support/layout_quality.py (12 to 500
nodes), documents of benchmarks/generate.py and the 500-node, 20-lane document of
benchmarks/bench_render.py.

Measured per document: crossings (and the budget: at most max(2, 10 % of its edges) per
diagram, 0.05 per edge in total), geometry defects, the narrative counts (split loop
frames, edge ends on a diamond's slanted side, edges along a frame's border or through its
tab), width and the share of the area the nodes use.

The earlier commit is unpacked with `git archive` into a temporary directory and run in a
child process (its own `fz_lsp` package); the working tree's analysis supplies the model
both renderings are measured against.

`--review DIR` also screenshots every document but the generated ones, before and after,
in headless Chromium (tests/support/chromium.py's `screenshot`) into DIR/before and DIR/after,
with DIR/index.html showing them side by side: what the screenshot review scores.

    .venv/bin/python benchmarks/bench_layout.py [--before REF] [--no-write] [--review DIR]
"""

from __future__ import annotations

import argparse
import datetime
import html
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_peers import unpack_commit  # noqa: E402
from bench_render import benchmark_document  # noqa: E402
from fz_lsp.analysis.document import analyse  # noqa: E402
from fz_lsp.render import render_svg  # noqa: E402
from generate import generate  # noqa: E402
from support.layout_quality import (  # noqa: E402
    DEFECTS,
    GENERATED,
    NARRATIVE,
    Quality,
    crossing_budget,
    forced_crossings,
    generated_document,
    measure,
    skip_branches,
)

RESULTS = REPO / "benchmarks" / "RESULTS.md"
SECTION = "## Layout quality"
REVIEW = "### Screenshot review"
START_COMMIT = "a600daf"  # the renderer before the layout rewrite (issue 13)
GENERATE_LINES = (300, 1000)  # benchmarks/generate.py documents measured
PER_EDGE_GOAL = 0.05

_CHILD = """
import json, sys
try:
    from fz_lsp.analysis.document import analyse
except ImportError:  # a commit from before the layers (issue 21)
    from fz_lsp.document import analyse
from fz_lsp.render import render_svg
docs = json.load(sys.stdin)
json.dump({name: render_svg(analyse(text).model) for name, text in docs}, sys.stdout)
"""


def corpus_dir() -> Path | None:
    configured = os.environ.get("FZ_CORPUS_DIR")
    found = Path(configured) if configured else REPO.parent / "shared" / "corpus"
    if not found.is_dir() and not configured:
        found = Path("/work/shared/corpus")  # a worktree beside the main checkout
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
    fixtures = REPO / "tests" / "fixtures"
    for path in sorted(p for p in fixtures.rglob("*") if p.suffix in (".fz", ".partial")):
        docs.append(("fixtures", str(path.relative_to(fixtures)), path.read_bytes().decode("utf-8")))
    for seed, nodes, lanes in GENERATED:
        docs.append(
            (
                "generated",
                f"generated seed {seed}: {nodes} nodes, {lanes} lanes",
                generated_document(seed, nodes, lanes),
            )
        )
    for lines in GENERATE_LINES:
        docs.append(("generated", f"generate.py: {lines} lines", generate(lines)))
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
            timeout=1800,
        )
        if child.returncode != 0:
            raise SystemExit(f"rendering with {ref} failed:\n{child.stderr[-3000:]}")
        return json.loads(child.stdout)


def summary(q: Quality) -> dict:
    return {
        "width": q.width,
        "height": q.height,
        "nodes": q.nodes,
        "edges": q.edges,
        "crossings": q.crossings,
        "area_used": q.area_used,
        "defects": q.defect_counts(),
        "narrative": q.narrative_counts(),
    }


def _counts(d: dict) -> str:
    total = sum(d.values())
    if not total:
        return "0"
    kinds = ", ".join(f"{kind.replace('_', ' ')} {count}" for kind, count in d.items())
    return f"{total} ({kinds})"


def _over(d: dict) -> bool:
    return d["crossings"] > crossing_budget(d["edges"])


def table(rows: list[tuple[str, str, dict, dict]]) -> list[str]:
    out = [
        "| document | edges | crossings before → after | width (px) before → after | area used before → after "
        "| narrative before | narrative after | defects after |",
        "|---|---:|---:|---:|---:|---|---|---|",
    ]
    for _, name, before, after in rows:
        mark = " ⚠" if _over(after) else ""
        out.append(
            f"| {name} | {after['edges']} | {before['crossings']} → {after['crossings']}{mark} "
            f"| {before['width']:.0f} → {after['width']:.0f} | {before['area_used']:.1%} → {after['area_used']:.1%} "
            f"| {_counts(before['narrative'])} | {_counts(after['narrative'])} | {_counts(after['defects'])} |"
        )
    return out


def totals(rows, group: str | None = None) -> str:
    chosen = [r for r in rows if group is None or r[0] == group]
    edges = sum(r[3]["edges"] for r in chosen) or 1
    parts = []
    for k in (2, 3):
        crossings = sum(r[k]["crossings"] for r in chosen)
        parts.append(
            (
                crossings,
                crossings / edges,
                sum(1 for r in chosen if _over(r[k])),
                sum(sum(r[k]["defects"].values()) for r in chosen),
                {kind: sum(r[k]["narrative"].get(kind, 0) for r in chosen) for kind in NARRATIVE},
            )
        )
    (c0, p0, o0, d0, n0), (c1, p1, o1, d1, n1) = parts
    narrative = "; ".join(f"{kind.replace('_', ' ')} {n0[kind]} → {n1[kind]}" for kind in NARRATIVE)
    return (
        f"{len(chosen)} documents{'' if group is None else f' ({group})'}, {edges} edges: crossings {c0} → {c1} "
        f"({p0:.3f} → {p1:.3f} per edge); over the budget {o0} → {o1}; {narrative}; defects {d0} → {d1}"
    )


def sizes(rows, group: str) -> str:
    chosen = [r for r in rows if r[0] == group]
    if not chosen:
        return "none"
    nodes = sum(r[3]["nodes"] for r in chosen) or 1
    width = [sum(r[k]["width"] for r in chosen) for k in (2, 3)]
    used = [sum(r[k]["area_used"] for r in chosen) / len(chosen) for k in (2, 3)]
    return (
        f"width {width[0]:,.0f} → {width[1]:,.0f} px in total ({width[0] / nodes:.0f} → {width[1] / nodes:.0f} px "
        f"per node), area used {used[0]:.1%} → {used[1]:.1%} on average"
    )


def write_section(section: str) -> None:
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    start = text.find(SECTION + "\n")
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + len(SECTION))
        old = text[start:] if end == -1 else text[start : end + 1]
        kept = old.find(REVIEW + "\n")
        if kept != -1:
            section = section.rstrip("\n") + "\n\n" + old[kept:].rstrip("\n") + "\n"
        text = text[:start] + section + ("\n" + text[end + 1 :] if end != -1 else "")
    RESULTS.write_text(text, encoding="utf-8")


def _stem(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-")


def review(directory: Path, docs, before_svgs: dict[str, str], after_svgs: dict[str, str]) -> None:
    """Screenshots of every non-generated document, before and after, and a page of both."""
    from support.chromium import screenshot

    chromium = os.environ.get("FZ_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for group, name, _ in docs:
            if group == "generated":
                continue
            stem = f"{group}-{_stem(name)}"
            pair = []
            for when, svgs in (("before", before_svgs), ("after", after_svgs)):
                folder = directory / when
                folder.mkdir(parents=True, exist_ok=True)
                svg = svgs[name]
                image = Path(tmp) / f"{when}-{stem}.svg"
                image.write_text(svg, encoding="utf-8")
                root = ET.fromstring(svg)
                width, height = math.ceil(float(root.get("width"))), math.ceil(float(root.get("height")))
                shot = folder / f"{stem}.png"
                screenshot(chromium, image.as_uri(), shot, width, height, Path(tmp) / "profile")
                pair.append(f'<td><img src="{when}/{shot.name}" style="max-width:100%"></td>')
            rows.append(f"<tr><th colspan=2>{html.escape(stem)}</th></tr><tr>{''.join(pair)}</tr>")
    (directory / "index.html").write_text(
        "<!doctype html><meta charset=utf-8><table style='width:100%'><tr><th>before</th><th>after</th></tr>"
        + "".join(rows)
        + "</table>",
        encoding="utf-8",
    )
    print(f"screenshots in {directory}/before and {directory}/after ({len(rows)} documents; index.html)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=START_COMMIT, help=f"commit rendering 'before' (default {START_COMMIT})")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    parser.add_argument("--review", type=Path, help="also screenshot every document before and after into this folder")
    args = parser.parse_args()

    docs = documents()
    before_svgs = render_at(args.before, docs)
    after_svgs = {}
    rows = []
    for group, name, text in docs:
        model = analyse(text).model
        after_svgs[name] = render_svg(model)
        before = summary(measure(before_svgs[name], model))
        after = summary(measure(after_svgs[name], model))
        before["skips"] = after["skips"] = skip_branches(model)
        before["forced"] = after["forced"] = forced_crossings(model)
        rows.append((group, name, before, after))
    if args.review is not None:
        review(args.review, docs, before_svgs, after_svgs)

    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "fz_lsp/render"], cwd=REPO, capture_output=True, text=True
    ).stdout
    after_name = f"the working tree at {head}" + (" (with uncommitted renderer changes)" if dirty.strip() else "")
    groups = [g for g in ("corpus", "examples", "fixtures", "generated") if any(r[0] == g for r in rows)]
    real = [r for r in rows if r[0] != "generated" or not r[1].startswith("generated seed")]
    edges = sum(r[3]["edges"] for r in real) or 1
    per_edge = sum(r[3]["crossings"] for r in real) / edges
    over = [r[1] for r in real if _over(r[3])]
    files = [r for r in rows if r[0] != "generated"]
    files_per_edge = sum(r[3]["crossings"] for r in files) / (sum(r[3]["edges"] for r in files) or 1)
    benchmarks = [r for r in real if r[0] == "generated"]
    seeded = [r for r in rows if r not in real]
    seeded_crossings = sum(r[3]["crossings"] for r in seeded)
    seeded_forced = sum(r[3]["forced"] for r in seeded)
    skips = sum(r[3]["skips"] for r in benchmarks)
    forced = sum(r[3]["forced"] for r in benchmarks)
    bench_crossings = sum(r[3]["crossings"] for r in benchmarks)
    bench_edges = sum(r[3]["edges"] for r in benchmarks) or 1
    verdict = (
        f"Crossings on the examples, fixtures, corpus and the documents of generate.py and bench_render.py: "
        f"{per_edge:.3f} per edge (goal at most {PER_EDGE_GOAL}: {'met' if per_edge <= PER_EDGE_GOAL else 'NOT met'}); "
        f"diagrams over their budget of max(2, 10 % of their edges): {len(over)}"
        + (f" ({', '.join(over)})" if over else "")
        + f". On the examples, fixtures and corpus alone: {files_per_edge:.3f} per edge. "
        + f"The documents of generate.py and bench_render.py have {bench_crossings} crossings on {bench_edges} edges, "
        + f"all of them where one of their {skips} decision branches that skip a step of their row into the next "
        "step's top crosses the flow it skips (the others go round the End that closes their row). "
        + "No drawing that keeps the sides their handles name can have fewer than "
        + f"{forced:g} ({forced / bench_edges:.3f} per edge; `forced_crossings` in tests/support/layout_quality.py, "
        "with the proof: such a branch, the step it skips and the step after it make a closed curve with the flow "
        "before on one side and the flow after on the other, so any path of other edges joining the two crosses "
        "it)"
        + (
            f", more than the goal of {PER_EDGE_GOAL} per edge: the goal cannot be met on these documents. "
            if forced / bench_edges > PER_EDGE_GOAL
            else ". "
        )
        + f"The seeded documents of tests/support/layout_quality.py join random nodes of distant lanes: "
        f"{seeded_crossings} crossings, of which their skip branches force {seeded_forced:g}; the rest are not "
        "proven forced. They are measured, not held to the budget."
    )
    section = "\n".join(
        [
            SECTION,
            "",
            f"Run on {datetime.date.today().isoformat()} with `benchmarks/bench_layout.py --before {args.before}` "
            f"(`bash scripts/dev.sh bench` runs it): before = commit `{args.before}`, after = {after_name}. "
            "Each SVG is measured by `tests/support/layout_quality.py`, the checker of the layout tests: "
            f"defects are {', '.join(d.replace('_', ' ') for d in DEFECTS)}; the narrative counts are "
            f"{', '.join(d.replace('_', ' ') for d in NARRATIVE)} (see its docstring); crossings are points where "
            "two edges that share no port cross (⚠: over the diagram's budget); area used is the share of the "
            "diagram the nodes' boxes cover.",
            "",
            verdict,
            "",
            *[f"- {totals(rows, g)}" for g in groups],
            f"- all: {totals(rows)}",
            *[f"- {g}: {sizes(rows, g)}" for g in groups if g != "generated"],
            "",
            *table(rows),
            "",
        ]
    )
    print(section)
    if not args.no_write:
        write_section(section)
        print(f"(written to {RESULTS.relative_to(REPO)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
