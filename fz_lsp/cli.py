"""Command line: `fz-lsp` (server), `fz-lsp check`, `fz-lsp render`.

Exit codes: check -> 0 clean or warnings only, 1 errors found, 2 usage error or
unreadable input. Messages are one line, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Optional, Sequence

from fz_lsp import __version__
from fz_lsp.files import READ_ERRORS, describe_error, read_source

SEVERITY_NAMES = {1: "error", 2: "warning", 3: "info", 4: "hint"}


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="fz-lsp", description="Language server and tools for FlowZap Code (.fz)")
    p.add_argument("--version", action="version", version=f"fz-lsp {__version__}")
    p.add_argument("--stdio", action="store_true", help="run the language server on stdin/stdout (default)")
    p.add_argument("--tcp", metavar="HOST:PORT", help="run the language server on a TCP socket")
    p.add_argument("--log-file", metavar="PATH", help="write server logs to a file")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    check = sub.add_parser("check", help="report diagnostics for files ('-' reads stdin)")
    check.add_argument("files", nargs="+", metavar="FILE")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--sequence-rules", action="store_true", help="also apply the opt-in sequence-view rules")
    check.add_argument("--no-hints", action="store_true", help="do not print hint-level diagnostics")
    check.add_argument("--strict", action="store_true",
                       help="FlowZap's validator rules are errors, not warnings (for AI and CI pipelines)")
    check.add_argument("--fix", action="store_true",
                       help="apply every safe quick fix to the files first ('-': the fixed text goes to stdout, "
                            "the report to stderr)")

    render = sub.add_parser("render", help="render a diagram to SVG or a standalone HTML page")
    render.add_argument("file", metavar="FILE", help="the .fz file ('-' reads stdin)")
    render.add_argument("-o", "--output", metavar="OUT", help="output file (.svg or .html); stdout when omitted")
    render.add_argument("--view", choices=("workflow", "sequence"), default="workflow")
    render.add_argument("--theme", choices=("light", "dark"), default="light")
    render.add_argument("--allow-errors", action="store_true",
                        help="exit 0 even when the document has errors (they are still printed to stderr)")

    share = sub.add_parser("share", help="print the URL that opens a file in FlowZap's web playground (sends nothing)")
    share.add_argument("file", metavar="FILE", help="the .fz file ('-' reads stdin)")
    return p


def run_share(path: str) -> int:
    from fz_lsp.share import share_url

    try:
        text = read_source(path)
    except READ_ERRORS as err:
        print(f"fz-lsp: cannot read {path}: {describe_error(err)}", file=sys.stderr)
        return 2
    print(share_url(text))
    return 0


def diagnostic_entry(name: str, d) -> dict:
    """One diagnostic as `check` reports it (1-based line and columns, in characters)."""
    return {
        "path": name,
        "line": d.span.line + 1,
        "column": d.span.start + 1,
        "endLine": d.span.line + 1,
        "endColumn": d.span.end + 1,
        "severity": SEVERITY_NAMES[d.severity],
        "code": d.code,
        "message": d.message,
    }


def diagnostic_line(entry: dict) -> str:
    return f"{entry['path']}:{entry['line']}:{entry['column']}: {entry['severity']}[{entry['code']}] {entry['message']}"


def run_check(
    files: Sequence[str], fmt: str, sequence_rules: bool, no_hints: bool, strict: bool = False, fix: bool = False
) -> int:
    from fz_lsp.document import Document
    from fz_lsp.settings import Settings

    settings = Settings(sequence_rules=sequence_rules, strict=strict)
    status = 0
    report = []
    out = sys.stdout
    for path in files:
        try:
            text = read_source(path)
        except READ_ERRORS as err:
            print(f"fz-lsp: cannot read {path}: {describe_error(err)}", file=sys.stderr)
            return 2
        name = "<stdin>" if path == "-" else path
        if fix:
            from fz_lsp.fix_all import fixed_text

            fixed = fixed_text(text, settings, name)
            if path == "-":
                sys.stdout.write(fixed)
                sys.stdout.flush()
                out = sys.stderr  # the fixed text owns stdout
            elif fixed != text:
                try:
                    with open(path, "w", encoding="utf-8", newline="") as f:
                        f.write(fixed)
                except OSError as err:
                    print(f"fz-lsp: cannot write {path}: {describe_error(err)}", file=sys.stderr)
                    return 2
            text = fixed
        for d in Document(text, name).diagnostics(settings):
            if no_hints and d.severity == 4:
                continue
            if d.severity == 1:
                status = 1
            entry = diagnostic_entry(name, d)
            report.append(entry)
            if fmt == "text":
                print(diagnostic_line(entry), file=out)
    if fmt == "json":
        json.dump(report, out, ensure_ascii=False, indent=2)
        print(file=out)
    return status


def tune_garbage_collector() -> None:
    """A document model is a large, long-lived object graph. Move everything loaded at
    start-up out of the collector's sight and collect young objects less often, so full
    collections (which scan every live object) do not land in the middle of keystrokes."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


def run_server(args: argparse.Namespace) -> int:
    import logging

    if args.log_file:
        logging.basicConfig(filename=args.log_file, level=logging.INFO)
    from fz_lsp import log_forwarding
    from fz_lsp.server import server

    log_forwarding.install(server)  # log records -> window/logMessage; stderr for failures
    tune_garbage_collector()
    if args.tcp:
        host, _, port = args.tcp.rpartition(":")
        if not host or not port.isdigit():
            raise UsageError("fz-lsp: --tcp expects HOST:PORT, e.g. 127.0.0.1:2087")
        server.start_tcp(host, int(port))
    else:
        server.start_io()
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.command == "check":
            return run_check(args.files, args.format, args.sequence_rules, args.no_hints, args.strict, args.fix)
        if args.command == "share":
            return run_share(args.file)
        if args.command == "render":
            from fz_lsp.render import render_command

            return render_command(args.file, args.output, args.view, args.theme, args.allow_errors)
        return run_server(args)
    except UsageError as err:
        print(err, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
