"""The architecture view of every file of the real-world FlowZap corpus (collected only when
the corpus is there, see conftest.py), checked on the rendered SVG by
tests/support/architecture_quality.py: one component per lane titled and listing as the model says,
no arrows drawn over each other or through a box, every label in the clear and drawn once,
every arrow from its source component's border to its target component's border, each
arrow's count the number of cross-lane edges between its two lanes, and no return arrow
through the gaps between the columns or across a forward arrow (`return_arrows`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fz_lsp.analysis.document import analyse
from fz_lsp.render import render_svg
from support.architecture_quality import check_architecture, return_arrows
from support.paths import corpus_files

pytestmark = pytest.mark.slow  # the corpus sweep: deselected by -m "not slow"

FILES = corpus_files("*.fz") + corpus_files("truncated/*.partial")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_corpus_file_architecture_view_is_right_and_clean(path: Path) -> None:
    model = analyse(path.read_bytes().decode("utf-8")).model
    for theme in ("light", "dark"):
        svg = render_svg(model, "architecture", theme)
        assert check_architecture(svg, model) == []
        returns = return_arrows(svg)
        assert (returns.through_gaps, returns.crossing_forward) == (0, 0), returns.details
