"""The shape templates kept on disk, seen from a child process: `probe(cache, *files)` runs
a fresh Python with FZ_LSP_CACHE_DIR=`cache` ("" for none) that parses every line of the
files and reports whether lark was loaded and the statements (their repr), so two processes
can be compared; `assert_saved_templates_give_lark_s_statements` is the property that a
process reading the cache another one filled gets lark's statements. tests/test_shape_cache.py
uses them on the project's fixtures, tests/test_corpus_features.py on the corpus."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from support.paths import ROOT

# a child process: parse every line of the given files; print whether lark was loaded and
# the statements (their repr), so two processes can be compared
PROBE = r"""
import json, sys
from fz_lsp.analysis.document import Document
statements = []
for path in sys.argv[1:]:
    doc = Document(open(path, encoding="utf-8", newline="").read())
    statements += [repr(st) for st in doc.statements]
print(json.dumps({"lark": "lark" in sys.modules, "statements": statements}))
"""


def probe(cache: str, *files: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "FZ_LSP_CACHE_DIR": cache}
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *map(str, files)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout)


def assert_saved_templates_give_lark_s_statements(cache: Path, files: list[Path]) -> None:
    """A first process fills the cache, a second one reads it: both give lark's statements
    (also used by the corpus suite)."""
    assert probe(str(cache), *files)["statements"] == probe("", *files)["statements"]
    assert probe(str(cache), *files)["statements"] == probe("", *files)["statements"]
