"""Opening, keystrokes and completion in process, this checkout against an earlier commit in
the same run (issue 24): the figures behind the syntax layer's work, free of the protocol.

On the 10,000-line document of benchmarks/generate.py, in a fresh process per checkout and
round (the two alternate), process CPU time (which other load on a shared machine changes
least), medians:

- parse: `parse_lines` of never-seen lines (the line memos emptied), the shape templates
  warm (what a process that read the shape cache has) and cold (none: learned from lark as
  the lines come, lark already loaded);
- open: Document + model + diagnostics of a never-seen text, collector paused as the
  server's open_document; reopen: the same with the line memos warm (a document opened
  again);
- keystroke: Document.replace + diagnostics, typing in a label (benchmarks/run.py's plan)
  and in an edge's target id;
- completion: after `LaneX.` (run.py's line), after `-> `, at a line start, after `loop [x] `.

    .venv/bin/python benchmarks/bench_open.py [--against 0a2bcd1] [--rounds 3]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

# run in a child process with the checkout to measure first on sys.path; prints JSON
CHILD = r"""
import gc, json, statistics, sys, time
sys.path.insert(0, sys.argv[1] + "/benchmarks")
from generate import generate
import run
from fz_lsp.analysis.document import Document
from fz_lsp.base.collector import collector_paused
from fz_lsp.analysis.settings import Settings
from fz_lsp.diagnostics import check as check_with

SETTINGS = Settings()  # one object, as the server's: a line's cached diagnostics are found by identity


def check(doc):
    return check_with(doc, SETTINGS)

from fz_lsp.features import completion
from fz_lsp.syntax import parse, templates

clock = time.process_time
out = {}
Document(generate(2000, 1))  # lark loaded, the generated shapes' templates learned


def empty_memos(cold=False):
    parse._document_lines.clear()
    parse._edited_lines.clear()
    if cold:
        templates._templates.clear()
        for name in ("_compiled",):
            if hasattr(templates, name):
                getattr(templates, name).clear()
        templates._templates_loaded = True


def ms(f, n):
    samples = []
    for k in range(n):
        samples.append(f(k))
    return statistics.median(samples)


texts = [generate(10000, 100 + k) for k in range(6)]


def parse_once(k, cold):
    empty_memos(cold)
    lines = texts[k].split("\n")
    gc.disable()
    t0 = clock()
    parse.parse_lines(lines)
    t1 = clock()
    gc.enable()
    return (t1 - t0) * 1000


out["parse, templates warm"] = ms(lambda k: parse_once(k, False), 5)
out["parse, no templates"] = ms(lambda k: parse_once(k, True), 5)
Document(generate(2000, 1))


def open_once(k, reopen):
    if not reopen:
        empty_memos()
    text = texts[0] if reopen else texts[k]
    with collector_paused():
        t0 = clock()
        doc = Document(text)
        doc.model
        check(doc)
        t1 = clock()
    doc.dispose()
    gc.collect()
    return (t1 - t0) * 1000


out["open"] = ms(lambda k: open_once(k, False), 5)
Document(texts[0])
out["reopen"] = ms(lambda k: open_once(k, True), 5)

text = generate(10000, 7)
with collector_paused():
    doc = Document(text)
    check(doc)
gc.freeze()
lines = doc.lines


def typing(plan):
    samples = []
    for line, col, char, insert in plan:
        t0 = clock()
        if insert:
            doc.replace((line, col), (line, col), char)
        else:
            doc.replace((line, col), (line, col + 1), "")
        check(doc)
        samples.append((clock() - t0) * 1000)
    return statistics.median(samples)


out["keystroke in a label"] = typing(run.keystroke_plan(lines, 300))
out["keystroke in a target id"] = typing(run.id_keystroke_plan(lines, 100))

at, lane_dot, _ = run.lane_dot_line(lines)
cases = {
    "completion after Lane.": lane_dot,
    "completion after ->": lane_dot.rsplit(" ", 1)[0] + " ",
    "completion at a line start": "",
    "completion after loop [x]": "loop [x] ",
}
for name, line in cases.items():
    doc.replace((at, 0), (at, 0), line + "\n")
    doc.model
    samples = []
    for _ in range(40):
        t0 = time.perf_counter()
        completion.completions(doc, at, len(line))
        samples.append((time.perf_counter() - t0) * 1000)
    out[name] = statistics.median(samples)
    doc.replace((at, 0), (at + 1, 0), "")
print(json.dumps(out))
"""


def measure(tree: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(tree), "FZ_LSP_CACHE_DIR": ""}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(tree)], env=env, cwd=tree, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def unpack(ref: str, dest: Path) -> None:
    archive = subprocess.run(["git", "-C", str(REPO), "archive", ref], capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--against", default="0a2bcd1", help="the earlier commit (default 0a2bcd1)")
    p.add_argument("--rounds", type=int, default=3, help="fresh processes per checkout (default 3)")
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="fz-bench-open-") as tmp:
        unpack(args.against, Path(tmp))
        runs: dict[str, list[dict[str, float]]] = {"now": [], args.against: []}
        for _ in range(args.rounds):
            runs["now"].append(measure(REPO))
            runs[args.against].append(measure(Path(tmp)))
    load = os.getloadavg()
    print(f"process CPU ms, median of {args.rounds} processes; load {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    print(f"| measure | {args.against} | now | ratio |")
    print("|---|---:|---:|---:|")
    for key in runs["now"][0]:
        before = statistics.median(r[key] for r in runs[args.against])
        now = statistics.median(r[key] for r in runs["now"])
        print(f"| {key} | {before:.3f} | {now:.3f} | {before / now:.2f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
