"""`UsageError`: a command line fz-lsp cannot run (an unknown option, a bad `--tcp`, both diff
inputs on stdin). `main` (fz_lsp/cli/__init__.py) prints its one line and exits 2.

Apart from the parser (fz_lsp/cli/arguments.py), so that starting the server, which needs no
parser, does not load argparse.

May import: nothing.
"""

from __future__ import annotations


class UsageError(Exception):
    pass
