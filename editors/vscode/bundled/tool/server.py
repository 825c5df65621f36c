"""Start the FlowZap language server bundled with the VS Code extension.

The extension runs `<python> bundled/tool/server.py`. This file puts `bundled/libs` (the
fz-lsp wheel and its pure-Python dependencies, installed there at build time) first on
`sys.path`, so the server never depends on what the chosen interpreter has installed, then
runs fz-lsp's command-line entry point in stdio mode. The server itself then logs where
fz_lsp was imported from (a `window/logMessage` once the client has initialized).

Standard error is for failures only: a client such as vscode-languageclient shows every
line written there as an error.

It must stay importable by old Pythons so that it can say clearly that they are too old.
"""

import os
import sys

MIN_PYTHON = (3, 10)


def _fail(message):
    sys.stderr.write("fz-lsp: " + message + "\n")
    sys.stderr.flush()
    sys.exit(2)


def main():
    if sys.version_info[:2] < MIN_PYTHON:
        _fail(
            "Python %d.%d or newer is required, but %s is Python %d.%d.%d. "
            "Set the VS Code setting flowzap.python.path to a newer interpreter."
            % (MIN_PYTHON + (sys.executable,) + tuple(sys.version_info[:3]))
        )

    here = os.path.dirname(os.path.abspath(__file__))
    libs = os.path.normpath(os.path.join(here, os.pardir, "libs"))
    bundled = os.path.isdir(os.path.join(libs, "fz_lsp"))
    if bundled:
        sys.path.insert(0, libs)
        origin = "the bundled libraries in " + libs
    else:
        origin = "the interpreter's own packages (no bundled libraries in %s)" % libs

    try:
        from fz_lsp.cli import main as fz_main
    except ImportError as exc:
        _fail("cannot import fz_lsp from %s: %s" % (origin, exc))

    # Run exactly like `fz-lsp --stdio`, passing through any extra arguments.
    sys.argv = ["fz-lsp", "--stdio"] + [a for a in sys.argv[1:] if a != "--stdio"]
    sys.exit(fz_main())


if __name__ == "__main__":
    main()
