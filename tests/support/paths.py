"""Where the tests find things: the checkout, its examples and fixtures, the real-world corpus."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
FIXTURES = ROOT / "tests" / "fixtures"  # the project's own .fz files: every test but the corpus suite uses these


def _find_corpus() -> Path | None:
    """The real-world FlowZap corpus ($FZ_CORPUS_DIR, else ../shared/corpus beside the
    checkout), or None when it is not there (a user's plain clone)."""
    configured = os.environ.get("FZ_CORPUS_DIR")
    found = Path(configured) if configured else ROOT.parent / "shared" / "corpus"
    return found if found.is_dir() else None


# The corpus suite: test modules named test_corpus_*.py read CORPUS_DIR. When the corpus is
# absent they are not collected at all (conftest.py), and tests/test_corpus_suite.py reports
# that once as one skipped test.
CORPUS_DIR = _find_corpus()


def corpus_files(pattern: str = "*.fz") -> list[Path]:
    """The corpus files matching `pattern` (for test_corpus_*.py modules); [] without a corpus."""
    if CORPUS_DIR is None:
        return []
    files = sorted(CORPUS_DIR.glob(pattern))
    assert files, f"the FlowZap corpus at {CORPUS_DIR} has no {pattern}"
    return files


def fixture_files(pattern: str = "**/*.fz") -> list[Path]:
    """The project's own fixture files matching `pattern` (under tests/fixtures; see its
    README.md: `*.fz` and `truncated/*.partial` are the general-purpose ones, `layout/` and
    `nvim/` belong to their suites)."""
    files = sorted(FIXTURES.glob(pattern))
    assert files, f"tests/fixtures has no {pattern}"
    return files


def read_exact(path: Path) -> str:
    """File text with line endings untouched (CRLF stays CRLF)."""
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()
