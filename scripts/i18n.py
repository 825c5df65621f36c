"""Message catalogs: extract, update, compile (Babel's `pybabel`, from the test extra).

    .venv/bin/python scripts/i18n.py extract     # fz_lsp/**.py -> fz_lsp/locale/fz_lsp.pot
    .venv/bin/python scripts/i18n.py update      # the .pot's messages into every .po
    .venv/bin/python scripts/i18n.py compile     # every .po -> its .mo (committed, shipped)
    .venv/bin/python scripts/i18n.py all         # the three, in order
    .venv/bin/python scripts/i18n.py init de     # a new language: fz_lsp/locale/de/LC_MESSAGES/fz_lsp.po

The keywords are those of fz_lsp/i18n.py (EXTRACT_KEYWORDS). Locations are left out of
the catalogs (they would change with every edit); a `# NOTE:` comment above a message
reaches the translators. tests/test_i18n.py fails when a message has no translation or a
.mo is older than its .po. README, "Languages", says how to add a message or a language.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fz_lsp.base.i18n import CATALOGS, COMMENT_TAG, DOMAIN, EXTRACT_OPTIONS, LOCALE_DIR  # noqa: E402

TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"


def pybabel(*args: str) -> None:
    command = [sys.executable, "-m", "babel.messages.frontend", *args]
    print("+ pybabel", " ".join(args), flush=True)
    subprocess.run(command, check=True, cwd=ROOT)


def extract() -> None:
    pybabel(
        "extract",
        "--no-default-keywords",
        *EXTRACT_OPTIONS,
        f"--add-comments={COMMENT_TAG}",
        "--no-location",
        "--sort-output",
        "--project=fz-lsp",
        "--copyright-holder=fz-lsp contributors",
        "--width=100",
        "-o",
        str(TEMPLATE.relative_to(ROOT)),
        "fz_lsp",
    )


def update() -> None:
    """The template's messages into every .po, without locations and without obsolete
    messages. Through Babel's API: the pinned Babel's `pybabel update` has no
    --no-location."""
    from babel.messages.pofile import read_po, write_po

    with TEMPLATE.open("rb") as f:
        template = read_po(f)
    for folder in CATALOGS.values():
        path = LOCALE_DIR / folder / "LC_MESSAGES" / f"{DOMAIN}.po"
        print(f"+ update {path.relative_to(ROOT)}", flush=True)
        with path.open("rb") as f:
            catalog = read_po(f, locale=folder)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        with path.open("wb") as f:
            write_po(f, catalog, width=100, no_location=True, omit_header=False)


def compile_catalogs() -> None:
    pybabel("compile", "-d", str(LOCALE_DIR.relative_to(ROOT)), "-D", DOMAIN, "--statistics")


def init(locale: str) -> None:
    pybabel(
        "init",
        "-i",
        str(TEMPLATE.relative_to(ROOT)),
        "-d",
        str(LOCALE_DIR.relative_to(ROOT)),
        "-D",
        DOMAIN,
        "-l",
        locale,
        "--width=100",
    )
    print(
        f"now translate {LOCALE_DIR.relative_to(ROOT)}/{locale}/LC_MESSAGES/{DOMAIN}.po and add the language "
        'to CATALOGS and language_of in fz_lsp/i18n.py (README, "Languages")'
    )


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("extract", "update", "compile", "all", "init"):
        print(__doc__)
        return 2
    command = argv[0]
    if command == "init":
        if len(argv) != 2:
            print("usage: scripts/i18n.py init LOCALE (e.g. de, es, zh_TW)")
            return 2
        init(argv[1])
        return 0
    if command in ("extract", "all"):
        extract()
    if command in ("update", "all"):
        update()
    if command in ("compile", "all"):
        compile_catalogs()
    print("catalogs:", ", ".join(f"{lang} ({folder})" for lang, folder in CATALOGS.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
