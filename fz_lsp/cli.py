"""Command line: `fz-lsp` (server), `fz-lsp check`, `fz-lsp render`, `fz-lsp share`,
`fz-lsp diff`, `fz-lsp mcp` (the MCP server for AI agents).

Exit codes: check -> 0 clean or warnings only, 1 errors found, 2 usage error or
unreadable input. Messages are one line, never a traceback.

Language (fz_lsp/i18n.py): `--lang` (before or after the command), else LANGUAGE,
LC_ALL, LC_MESSAGES, LANG. Diagnostic codes, positions and JSON keys are the same in
every language; only messages and help texts change (argparse's own words stay English).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from fz_lsp import __version__, i18n
from fz_lsp.files import READ_ERRORS, describe_error, read_source
from fz_lsp.views import THEMES, VIEWS

SEVERITY_NAMES = {1: "error", 2: "warning", 3: "info", 4: "hint"}


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def language_of_argv(argv: Sequence[str], environ=None) -> str:
    """The language the command line asks for: `--lang X` / `--lang=X` anywhere before
    `--`, else the environment's (read before parsing, so that help is in it too)."""
    for k, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and k + 1 < len(argv):
            return i18n.language_of(argv[k + 1]) or i18n.ENGLISH
        if arg.startswith("--lang="):
            return i18n.language_of(arg[len("--lang=") :]) or i18n.ENGLISH
    return i18n.environment_language(environ)


def build_parser(language: str | None = None) -> argparse.ArgumentParser:
    _ = i18n.translator(language)._
    p = _Parser(prog="fz-lsp", description=_("Language server and tools for FlowZap Code (.fz)"))
    p.add_argument("--version", action="version", version=f"fz-lsp {__version__}")
    p.add_argument("--stdio", action="store_true", help=_("run the language server on stdin/stdout (default)"))
    p.add_argument("--tcp", metavar="HOST:PORT", help=_("run the language server on a TCP socket"))
    p.add_argument("--log-file", metavar="PATH", help=_("write server logs to a file"))
    lang_help = _(
        "language of messages: {languages} (default: from LANGUAGE, LC_ALL, LC_MESSAGES or LANG)",
        languages=", ".join(i18n.LANGUAGES),
    )
    p.add_argument("--lang", metavar="LANG", help=lang_help)
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    def command(name: str, help: str) -> argparse.ArgumentParser:
        parser = sub.add_parser(name, help=help)
        parser.add_argument("--lang", metavar="LANG", default=argparse.SUPPRESS, help=lang_help)
        return parser

    stdin_file = _("the .fz file ('-' reads stdin)")
    check = command("check", _("report diagnostics for files ('-' reads stdin)"))
    check.add_argument("files", nargs="+", metavar="FILE")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--sequence-rules", action="store_true", help=_("also apply the opt-in sequence-view rules"))
    check.add_argument("--no-hints", action="store_true", help=_("do not print hint-level diagnostics"))
    check.add_argument(
        "--strict",
        action="store_true",
        help=_("FlowZap's validator rules are errors, not warnings (for AI and CI pipelines)"),
    )
    check.add_argument(
        "--fix",
        action="store_true",
        help=_(
            "apply every safe quick fix to the files first ('-': the fixed text goes to stdout, the report to stderr)"
        ),
    )

    render = command("render", _("render a diagram to SVG or a standalone HTML page"))
    render.add_argument("file", metavar="FILE", help=stdin_file)
    render.add_argument("-o", "--output", metavar="OUT", help=_("output file (.svg or .html); stdout when omitted"))
    render.add_argument("--view", choices=VIEWS, default="workflow")
    render.add_argument("--theme", choices=THEMES, default="light")
    render.add_argument(
        "--allow-errors",
        action="store_true",
        help=_("exit 0 even when the document has errors (they are still printed to stderr)"),
    )

    share = command("share", _("print the URL that opens a file in FlowZap's web playground (sends nothing)"))
    share.add_argument("file", metavar="FILE", help=stdin_file)

    diff = command("diff", _("what changed between two versions of a diagram: nodes, edges, lanes, loops"))
    diff.add_argument("old", metavar="OLD", help=_("the earlier .fz file ('-' reads stdin)"))
    diff.add_argument("new", metavar="NEW", help=_("the later .fz file ('-' reads stdin)"))
    diff.add_argument("--format", choices=("text", "json"), default="text")

    command("mcp", _("run the MCP server for AI agents on stdin/stdout (needs fz-lsp[mcp])"))
    return p


def cannot(tr: i18n.Translator, verb: str, path: str, error: BaseException) -> str:
    """`fz-lsp: cannot read|write PATH: reason`, in `tr`'s language."""
    reason = describe_error(error, tr)
    if verb == "write":
        return "fz-lsp: " + tr._("cannot write {path}: {reason}", path=path, reason=reason)
    return "fz-lsp: " + tr._("cannot read {path}: {reason}", path=path, reason=reason)


def run_share(path: str, language: str | None = None) -> int:
    from fz_lsp.share import share_url

    try:
        text = read_source(path)
    except READ_ERRORS as err:
        print(cannot(i18n.translator(language), "read", path, err), file=sys.stderr)
        return 2
    print(share_url(text))
    return 0


def run_diff(old_path: str, new_path: str, fmt: str, language: str | None = None) -> int:
    """`fz-lsp diff OLD NEW`: 0 no change, 1 changes, 2 unreadable input (as diff(1))."""
    from fz_lsp.document import analyse
    from fz_lsp.features.graph_diff import diff_models, text_report

    if old_path == "-" and new_path == "-":
        raise UsageError("fz-lsp: " + i18n.translator(language)._("only one of OLD and NEW can be '-' (stdin)"))
    models = []
    for path in (old_path, new_path):
        try:
            models.append(analyse(read_source(path)).model)
        except READ_ERRORS as err:
            print(cannot(i18n.translator(language), "read", path, err), file=sys.stderr)
            return 2
    diff = diff_models(*models)
    if fmt == "json":
        json.dump(diff, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print("\n".join(text_report(diff)))
    return 0 if diff["summary"] == "no change" else 1


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
    files: Sequence[str],
    fmt: str,
    sequence_rules: bool,
    no_hints: bool,
    strict: bool = False,
    fix: bool = False,
    language: str | None = None,
) -> int:
    """`fz-lsp check`; messages in `language` (English when None)."""
    from fz_lsp.document import Document
    from fz_lsp.settings import Settings

    language = language or i18n.ENGLISH
    tr = i18n.translator(language)
    settings = Settings(sequence_rules=sequence_rules, strict=strict, locale=language)
    status = 0
    report = []
    out = sys.stdout
    for path in files:
        try:
            text = read_source(path)
        except READ_ERRORS as err:
            print(cannot(tr, "read", path, err), file=sys.stderr)
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
                    print(cannot(tr, "write", path, err), file=sys.stderr)
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


def run_server(args: argparse.Namespace, language: str | None = None) -> int:
    import logging

    if args.tcp:
        host, _, port = args.tcp.rpartition(":")
        if not host or not port.isdigit():
            raise UsageError(
                "fz-lsp: "
                + i18n.translator(language)._("--tcp expects HOST:PORT, e.g. {example}", example="127.0.0.1:2087")
            )
    if args.log_file:
        logging.basicConfig(filename=args.log_file, level=logging.INFO)
    from fz_lsp import log_forwarding
    from fz_lsp.server import server

    if getattr(args, "lang", None):  # the language when the client names none (else the environment's)
        server.process_language = i18n.language_of(args.lang) or i18n.ENGLISH
    log_forwarding.install(server)  # log records -> window/logMessage; stderr for failures
    tune_garbage_collector()
    if args.tcp:
        server.start_tcp(host, int(port))
    else:
        server.start_io()
    return 0


def run_command(argv: Sequence[str] | None) -> int:
    language = language_of_argv(sys.argv[1:] if argv is None else argv)
    args = build_parser(language).parse_args(argv)
    if args.command == "check":
        return run_check(args.files, args.format, args.sequence_rules, args.no_hints, args.strict, args.fix, language)
    if args.command == "share":
        return run_share(args.file, language)
    if args.command == "render":
        from fz_lsp.render import render_command

        return render_command(args.file, args.output, args.view, args.theme, args.allow_errors, language)
    if args.command == "diff":
        return run_diff(args.old, args.new, args.format, language)
    if args.command == "mcp":
        from fz_lsp.mcp import main as mcp_main

        return mcp_main()
    return run_server(args, language)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        status = run_command(argv)
        if not sys.stdout.closed:  # (the language server closes it on exit)
            sys.stdout.flush()  # here, where a reader gone away is caught, not at exit
        return status
    except UsageError as err:
        print(err, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # whoever read the output stopped (`fz-lsp check big.fz | head`): no traceback; the
        # output still buffered goes nowhere, so that the interpreter's last flush cannot fail
        # again, and the status is a shell's for a command ended by SIGPIPE
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return 141
