"""The command line: `fz-lsp` (the language server), `fz-lsp check`, `fz-lsp format`,
`fz-lsp render`, `fz-lsp share`, `fz-lsp diff`, `fz-lsp mcp` (the MCP server for AI agents);
one module per subcommand.

Exit codes: check -> 0 clean or warnings only, 1 errors found, 2 usage error or
unreadable input; format -> 0 done, 1 would change (--check), 2 unreadable input.
Messages are one line, never a traceback.

How an editor starts the server (`fz-lsp` or `fz-lsp --stdio`, nothing more: SERVER_ARGV) is
served without building the parser: argparse and every subcommand's help would delay the
first diagnostics by ~10 ms, and the parser would make nothing else of those arguments.
Any other command line goes through the parser (fz_lsp/cli/arguments.py).

Language (fz_lsp/base/i18n.py): `--lang` (before or after the command), else LANGUAGE,
LC_ALL, LC_MESSAGES, LANG. Diagnostic codes, positions and JSON keys are the same in
every language; only messages and help texts change (argparse's own words stay English).

The entry layer: nothing imports it.

May import: every layer (fz_lsp.lsp to run the server).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence

from fz_lsp.cli.usage import UsageError

# the command lines that start the server on stdio with every option at its default
SERVER_ARGV = ((), ("--stdio",))


def run_command(argv: Sequence[str] | None) -> int:
    given = sys.argv[1:] if argv is None else argv
    if tuple(given) in SERVER_ARGV:
        from fz_lsp.base import i18n
        from fz_lsp.cli.serve import run_server

        return run_server(language=i18n.environment_language())  # no --lang: the environment's
    from fz_lsp.cli.arguments import build_parser, language_of_argv

    language = language_of_argv(given)
    args = build_parser(language).parse_args(argv)
    if args.command == "check":
        from fz_lsp.cli.check import run_check

        return run_check(args.files, args.format, args.sequence_rules, args.no_hints, args.strict, args.fix, language)
    if args.command == "format":
        from fz_lsp.cli.format import run_format

        return run_format(args.files, args.check, args.indent, language)
    if args.command == "share":
        from fz_lsp.cli.share import run_share

        return run_share(args.file, language)
    if args.command == "render":
        from fz_lsp.cli.render import render_command

        return render_command(
            args.file,
            args.output,
            args.view,
            args.theme,
            args.allow_errors,
            language,
            args.format,
            args.scale,
            args.sequence_order,
        )
    if args.command == "diff":
        from fz_lsp.cli.diff import run_diff

        return run_diff(args.old, args.new, args.format, language)
    if args.command == "mcp":
        from fz_lsp.cli.mcp import run_mcp

        return run_mcp()
    from fz_lsp.cli.serve import run_server

    return run_server(args.tcp, args.log_file, args.lang, language)


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
