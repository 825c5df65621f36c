"""The command line's arguments: the parser of every subcommand, and the language the
command line asks for (read before parsing, so that help is in it too).

May import: fz_lsp.base, fz_lsp.analysis (views), fz_lsp.cli.usage.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import NoReturn

from fz_lsp import __version__
from fz_lsp.analysis.views import FORMATS, SEQUENCE_ORDERS, THEMES, VIEWS
from fz_lsp.base import i18n
from fz_lsp.cli.usage import UsageError

CHECK_FORMATS = ("text", "json", "github", "sarif")


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
    sub = p.add_subparsers(
        dest="command",
        parser_class=_Parser,
        metavar="COMMAND",
        help=_("what to do (without a command, fz-lsp is the language server, for an editor)"),
    )

    def command(name: str, help: str) -> argparse.ArgumentParser:
        parser = sub.add_parser(name, help=help)
        parser.add_argument("--lang", metavar="LANG", default=argparse.SUPPRESS, help=lang_help)
        return parser

    stdin_file = _("the .fz file ('-' reads stdin)")
    files_help = _("the .fz files to read ('-' reads stdin)")
    check = command("check", _("report diagnostics for files ('-' reads stdin)"))
    check.add_argument("files", nargs="+", metavar="FILE", help=files_help)
    check.add_argument(
        "--format",
        choices=CHECK_FORMATS,
        default="text",
        help=_(
            "how to report: text (one line per diagnostic, the default), json, github (workflow commands "
            "that annotate a pull request) or sarif (SARIF 2.1.0, for code scanning)"
        ),
    )
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

    fmt = command("format", _("rewrite files in FlowZap's canonical style ('-': stdin to stdout)"))
    fmt.add_argument("files", nargs="+", metavar="FILE", help=files_help)
    fmt.add_argument(
        "--check",
        action="store_true",
        help=_("write nothing: list the files that would change and exit 1 if any would"),
    )
    fmt.add_argument(
        "--indent",
        type=int,
        default=0,
        metavar="N",
        help=_("indent the lines inside a lane by N spaces (default 0, the style of FlowZap's docs)"),
    )

    render = command("render", _("render a diagram to SVG, PNG or a standalone HTML page"))
    render.add_argument("file", metavar="FILE", help=stdin_file)
    render.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help=_("output file; its extension (.svg, .png, .html) gives the format; stdout when omitted"),
    )
    render.add_argument(
        "--format",
        choices=FORMATS,
        help=_("the output's format, when OUT's extension does not say it (default: svg)"),
    )
    render.add_argument(
        "--scale",
        type=float,
        default=1.0,
        metavar="S",
        help=_("PNG only: pixels per SVG unit (1 = the SVG's size, 2 for high-density screens)"),
    )
    render.add_argument("--view", choices=VIEWS, default="workflow", help=_("which view to draw (default: workflow)"))
    render.add_argument("--theme", choices=THEMES, default="light", help=_("colour theme (default: light)"))
    render.add_argument(
        "--sequence-order",
        choices=SEQUENCE_ORDERS,
        default="causal",
        help=_("the sequence view's order of steps: causes first, or the order the edges are written"),
    )
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
    diff.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help=_("how to report: text (one line per change and a summary, the default) or json"),
    )

    command("mcp", _("run the MCP server for AI agents on stdin/stdout (needs fz-lsp[mcp])"))
    return p
