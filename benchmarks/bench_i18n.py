"""Languages benchmark: does speaking Chinese or French slow the keystroke path?

Measures, in one process, the same work in English (the baseline), Simplified Chinese and
French, interleaved round by round so that machine load hits every language alike:

- **check**: every diagnostic of a generated document with errors injected (undefined
  targets, shape typos, broken lines: many messages to translate), model already built;
- **keystroke in a label** (the in-place path: the line's own diagnostics again) and
  **keystroke in a target id** (the edge relinked, document-wide diagnostics again):
  `Document.replace` then `Document.diagnostics`, as the server does per keystroke;

then through the protocol: one real server per language (`initialize` locale `en`,
`zh-cn`, `fr`, as VS Code sends it), the same document, didChange -> publishDiagnostics
for keystrokes in a target id. Medians; ratios against English. Writes the "## Languages"
section of benchmarks/RESULTS.md (replaced if present, appended otherwise).

    .venv/bin/python benchmarks/bench_i18n.py [--lines 2000] [--rounds 40] [--keystrokes 60] [--no-write]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import gc
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from fz_lsp.analysis.document import Document  # noqa: E402
from fz_lsp.analysis.settings import Settings  # noqa: E402
from fz_lsp.diagnostics import check as check_diagnostics  # noqa: E402
from generate import generate  # noqa: E402
from lsp_driver import LspClient  # noqa: E402

LANGUAGES = ("en", "zh-CN", "fr")
CLIENT_LOCALES = {"en": "en", "zh-CN": "zh-cn", "fr": "fr"}


def with_errors(text: str) -> str:
    """`text` with mistakes on many lines: every 7th edge's target undefined, every 11th
    node's shape misspelt, every 13th edge's handle keyword misspelt."""
    out, edges, nodes = [], 0, 0
    for line in text.split("\n"):
        if "->" in line:
            edges += 1
            if edges % 7 == 0:
                line = re.sub(r"-> (\w+\.)?n(\d+)", lambda m: f"-> {m.group(1) or ''}n{m.group(2)}99", line, count=1)
            elif edges % 13 == 0:
                line = line.replace(".handle(", ".handel(", 1)
        elif re.match(r"\s*n\d+: rectangle", line):
            nodes += 1
            if nodes % 11 == 0:
                line = line.replace("rectangle", "rect", 1)
        out.append(line)
    return "\n".join(out)


def label_position(doc: Document) -> tuple[int, int]:
    for i, line in enumerate(doc.lines[len(doc.lines) // 2 :], len(doc.lines) // 2):
        at = line.find('label:"')
        if at >= 0 and "->" not in line:
            return i, at + len('label:"') + 1
    raise AssertionError("no label")


def target_position(doc: Document) -> tuple[int, int]:
    for i, line in enumerate(doc.lines[len(doc.lines) // 2 :], len(doc.lines) // 2):
        m = re.search(r"-> (?:\w+\.)?(n\d+)\.handle", line)
        if m:
            return i, m.end(1)
    raise AssertionError("no edge")


def in_process(text: str, rounds: int) -> dict[str, dict[str, float]]:
    samples = {lang: {"check": [], "label": [], "target": []} for lang in LANGUAGES}
    docs = {lang: Document(text) for lang in LANGUAGES}
    settings = {lang: Settings(locale=lang) for lang in LANGUAGES}
    for lang in LANGUAGES:  # warm: translators built, catalogs read, messages prepared
        check_diagnostics(docs[lang], settings[lang])
    count = len(check_diagnostics(docs["en"], settings["en"]))
    for r in range(rounds):
        for lang in LANGUAGES if r % 2 == 0 else LANGUAGES[::-1]:
            doc, s = docs[lang], settings[lang]
            fresh = Document(text)
            fresh.model  # noqa: B018 - the model is not what is measured
            gc.collect()  # no collection of an earlier sample's garbage inside this one
            t = time.process_time()
            check_diagnostics(fresh, s)
            samples[lang]["check"].append(time.process_time() - t)
            del fresh
            gc.collect()
            line, col = label_position(doc)
            ch = "x" if r % 2 == 0 else ""
            t = time.process_time()
            if ch:
                doc.replace((line, col), (line, col), ch)
            else:
                doc.replace((line, col), (line, col + 1), "")
            check_diagnostics(doc, s)
            samples[lang]["label"].append(time.process_time() - t)
            line, col = target_position(doc)
            t = time.process_time()
            doc.replace((line, col), (line, col), "7")
            check_diagnostics(doc, s)
            doc.replace((line, col), (line, col + 1), "")
            check_diagnostics(doc, s)
            samples[lang]["target"].append((time.process_time() - t) / 2)
    out = {lang: {k: statistics.median(v) * 1000 for k, v in kinds.items()} for lang, kinds in samples.items()}
    out["diagnostics"] = {"count": count}
    return out


async def through_the_server(text: str, keystrokes: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("LANGUAGE", None)
    clients = {}
    uri = "file:///tmp/bench-i18n.fz"
    for lang in LANGUAGES:
        client = await LspClient.spawn([sys.executable, "-m", "fz_lsp", "--stdio"], env=env)
        await client.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": None,
                "locale": CLIENT_LOCALES[lang],
                "capabilities": {},
                "initializationOptions": {"flowzap": {"diagnostics": {"delayMs": 0}}},
            },
        )
        await client.notify("initialized", {})
        await client.notify(
            "textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "flowzap", "version": 1, "text": text}}
        )
        note = await client.wait_diagnostics(uri, 1, 120)
        assert note.params["diagnostics"], lang
        clients[lang] = client
    doc = Document(text)
    line, col = target_position(doc)
    samples = {lang: [] for lang in LANGUAGES}
    version = 1
    for k in range(keystrokes):
        version += 1
        insert = k % 2 == 0
        change = {
            "range": {
                "start": {"line": line, "character": col},
                "end": {"line": line, "character": col if insert else col + 1},
            },
            "text": "7" if insert else "",
        }
        for lang in LANGUAGES if k % 4 < 2 else LANGUAGES[::-1]:
            client = clients[lang]
            ms, _ = await client.change_and_wait(uri, version, [change], 60)
            samples[lang].append(ms)
    messages = {}
    for client in clients.values():
        await client.request("shutdown", None)
        await client.notify("exit", None)
        await client.close()
    out = {lang: statistics.median(v) for lang, v in samples.items()}
    out.update(messages)
    return out


def machine() -> str:
    cpus = os.cpu_count()
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            model = next(line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name"))
    except (OSError, StopIteration):
        model = platform.processor() or "?"
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{cpus} CPUs, {model}, CPython {platform.python_version()}, load average {load}"


def report(lines: int, diagnostics: int, inproc: dict, protocol: dict, args, started: str, load_end: str) -> str:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO
    ).stdout.strip()
    rows = []
    for kind, what in (
        ("check", "all diagnostics of the document (model built)"),
        ("label", "keystroke in a label: replace + diagnostics"),
        ("target", "keystroke in a target id: replace + diagnostics"),
    ):
        en = inproc["en"][kind]
        cells = " | ".join(f"{inproc[lang][kind]:.2f} ms ({inproc[lang][kind] / en:.2f}×)" for lang in LANGUAGES[1:])
        rows.append(f"| {what} | {en:.2f} ms | {cells} |")
    en = protocol["en"]
    cells = " | ".join(f"{protocol[lang]:.2f} ms ({protocol[lang] / en:.2f}×)" for lang in LANGUAGES[1:])
    rows.append(f"| through the server: didChange in a target id -> publishDiagnostics | {en:.2f} ms | {cells} |")
    return (
        "## Languages\n\n"
        f"Run on {started} UTC with `.venv/bin/python benchmarks/bench_i18n.py --lines {args.lines} --rounds "
        f"{args.rounds} --keystrokes {args.keystrokes}` (`benchmarks/bench_i18n.py`). Machine: {machine()} at the "
        f"start, {load_end} at the end. Code: commit {commit}.\n\n"
        f"A generated {lines:,}-line document with mistakes on many lines ({diagnostics:,} diagnostics, every one "
        "with a translated message). In one process, English, Simplified Chinese and French take turns round by "
        f"round ({args.rounds} rounds; medians of the process's CPU time, which other load on the machine barely "
        "changes); through the protocol, one server per language (`initialize` "
        f"locale `en`, `zh-cn`, `fr`), the same {args.keystrokes} keystrokes typed into each in turn (medians). "
        "Ratios are against English in the same run; goal: no measurable slowdown (within the run-to-run noise, "
        "about ±5%).\n\n"
        "| measurement | English | 简体中文 (ratio) | Français (ratio) |\n|---|---:|---:|---:|\n"
        + "\n".join(rows)
        + "\n\n"
        "Translators are built once per language (the `.mo` catalog read once) and keep each message's prepared "
        "format string, so a translated message costs a dictionary lookup and one `str.format`, as an English "
        "one does; no file is read per diagnostic.\n"
    )


def write_section(path: Path, section: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    start = text.find("## Languages\n")
    if start >= 0:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + (text[end + 1 :] if end >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--keystrokes", type=int, default=60)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")
    head = machine()
    text = with_errors(generate(args.lines))
    inproc = in_process(text, args.rounds)
    protocol = asyncio.run(through_the_server(text, args.keystrokes))
    load_end = "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())
    section = report(len(text.split("\n")), inproc["diagnostics"]["count"], inproc, protocol, args, started, load_end)
    section = section.replace(f"Machine: {machine()}", f"Machine: {head}", 1)
    print(section)
    if not args.no_write:
        write_section(REPO / "benchmarks" / "RESULTS.md", section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
