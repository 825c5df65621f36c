"""`fz-lsp [--stdio | --tcp HOST:PORT]`: run the language server.

May import: everything (it starts fz_lsp.lsp); not argparse (fz_lsp/cli/__init__.py starts the
server without it when the command line is `fz-lsp` or `fz-lsp --stdio`).
"""

from __future__ import annotations

import sys

from fz_lsp.base import i18n
from fz_lsp.cli.files import stdin_is_a_terminal
from fz_lsp.cli.usage import UsageError


def hold_full_collections() -> None:
    """While the server loads (pygls, lsprotocol and fz-lsp: ~50,000 objects that live as long
    as it does), no full collection scans them: each would delay the first diagnostics by
    tens of milliseconds (two ran while it loaded). Young garbage is collected as usual."""
    import gc

    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, 1_000_000)  # gen1 collections before a full one: never, here


def tune_garbage_collector() -> None:
    """A document model is a large, long-lived object graph. Move everything loaded at
    start-up out of the collector's sight and collect young objects less often, so full
    collections (which scan every live object) do not land in the middle of keystrokes.
    No collection first: loading leaves ~200 unreachable objects (measured), not worth a
    full scan before the first diagnostics."""
    import gc

    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


def run_server(
    tcp: str | None = None, log_file: str | None = None, lang: str | None = None, language: str | None = None
) -> int:
    """Serve on stdio, or on `tcp` (HOST:PORT); `lang` is `--lang` as given, `language` the
    language of this command line's messages."""
    import logging

    if tcp:
        host, _, port = tcp.rpartition(":")
        if not host or not port.isdigit():
            raise UsageError(
                "fz-lsp: "
                + i18n.translator(language)._("--tcp expects HOST:PORT, e.g. {example}", example="127.0.0.1:2087")
            )
    if not tcp and stdin_is_a_terminal():  # a person typed `fz-lsp`: say what this is
        print(
            "fz-lsp: "
            + i18n.translator(language)._(
                "this is the FlowZap language server, waiting for an editor on stdin (Ctrl-D quits); "
                "for the command line see fz-lsp --help"
            ),
            file=sys.stderr,
            flush=True,
        )
    if log_file:
        logging.basicConfig(filename=log_file, level=logging.INFO)
    hold_full_collections()  # until tune_garbage_collector
    from fz_lsp.lsp import log_forwarding
    from fz_lsp.lsp.server import server

    if lang:  # the language when the client names none (else the environment's)
        server.process_language = i18n.language_of(lang) or i18n.ENGLISH
    log_forwarding.install(server)  # log records -> window/logMessage; stderr for failures
    tune_garbage_collector()
    if tcp:
        server.start_tcp(host, int(port))
    else:
        server.start_io()
    return 0
