"""`fz-lsp share FILE`: print the URL that opens the text in FlowZap's web playground
(computed here; nothing is sent).

May import: fz_lsp.base, fz_lsp.features.share, fz_lsp.cli.files.
"""

from __future__ import annotations

import sys

from fz_lsp.base import i18n
from fz_lsp.cli.files import READ_ERRORS, cannot, read_source


def run_share(path: str, language: str | None = None) -> int:
    from fz_lsp.features.share import share_url

    tr = i18n.translator(language)
    try:
        text = read_source(path, tr)
    except READ_ERRORS as err:
        print(cannot(tr, "read", path, err), file=sys.stderr)
        return 2
    print(share_url(text))
    return 0
