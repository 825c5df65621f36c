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

    render = sub.add_parser("render", help="render a diagram to SVG or a standalone HTML page")
    render.add_argument("file", metavar="FILE", help="the .fz file ('-' reads stdin)")
    render.add_argument("-o", "--output", metavar="OUT", help="output file (.svg or .html); stdout when omitted")
    render.add_argument("--view", choices=("workflow", "sequence"), default="workflow")
    render.add_argument("--theme", choices=("light", "dark"), default="light")
    return p


def run_check(files: Sequence[str], fmt: str, sequence_rules: bool, no_hints: bool) -> int:
    from fz_lsp.document import Document
    from fz_lsp.settings import Settings

    settings = Settings(sequence_rules=sequence_rules)
    status = 0
    report = []
    for path in files:
        try:
            text = read_source(path)
        except READ_ERRORS as err:
            print(f"fz-lsp: cannot read {path}: {describe_error(err)}", file=sys.stderr)
            return 2
        name = "<stdin>" if path == "-" else path
        for d in Document(text, name).diagnostics(settings):
            if no_hints and d.severity == 4:
                continue
            if d.severity == 1:
                status = 1
            entry = {
                "path": name,
                "line": d.span.line + 1,
                "column": d.span.start + 1,
                "endLine": d.span.line + 1,
                "endColumn": d.span.end + 1,
                "severity": SEVERITY_NAMES[d.severity],
                "code": d.code,
                "message": d.message,
            }
            report.append(entry)
            if fmt == "text":
                print(f"{name}:{entry['line']}:{entry['column']}: {entry['severity']}[{d.code}] {d.message}")
    if fmt == "json":
        json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
        print()
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
            return run_check(args.files, args.format, args.sequence_rules, args.no_hints)
        if args.command == "render":
            from fz_lsp.render import render_command

            return render_command(args.file, args.output, args.view, args.theme)
        return run_server(args)
    except UsageError as err:
        print(err, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
