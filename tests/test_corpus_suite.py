"""The real-world corpus suite: test modules named test_corpus_*.py run against
../shared/corpus (or $FZ_CORPUS_DIR) whenever it is there, as in CI. Without it they are
not collected (tests/conftest.py), and this one test says so, once."""

from __future__ import annotations

import pytest

from support.paths import CORPUS_DIR


def test_external_corpus_suite() -> None:
    if CORPUS_DIR is None:
        pytest.skip(
            "the real-world FlowZap corpus (../shared/corpus or $FZ_CORPUS_DIR) is absent: the corpus suite is skipped"
        )
    assert sorted(CORPUS_DIR.glob("*.fz")), f"{CORPUS_DIR} holds no .fz files"
