"""flowzap_get_syntax's page (fz_lsp/features/syntax_reference.py) agrees with the checker:
its example is valid in strict mode, every "right" line is the example's own and every
"wrong" one is reported."""

from __future__ import annotations

import pytest

from fz_lsp.analysis.document import Document
from fz_lsp.analysis.settings import Settings
from fz_lsp.diagnostics import check
from fz_lsp.features.syntax_reference import BASE_DOCUMENT, EXAMPLE, MISTAKES, Mistake, syntax_reference
from fz_lsp.syntax.vocabulary import DIRECTIONS, NODE_ATTRIBUTES, SHAPES

STRICT = Settings(strict=True)


def test_the_example_is_valid_in_strict_mode() -> None:
    assert check(Document(EXAMPLE), STRICT) == []
    assert check(Document(BASE_DOCUMENT), STRICT) == []


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.why)
def test_each_wrong_line_is_reported_and_its_right_line_is_the_examples(mistake: Mistake) -> None:
    assert BASE_DOCUMENT.count(mistake.right) >= 1
    wrong = BASE_DOCUMENT.replace(mistake.right, mistake.wrong, 1)
    found = check(Document(wrong), STRICT)
    first_line = wrong[: wrong.index(mistake.wrong)].count("\n")
    last_line = first_line + mistake.wrong.count("\n")
    # every diagnostic is the mistake's own code on its lines (`n1 -> n2`: one per end)
    assert {(d.code, first_line <= d.span.line <= last_line) for d in found} == {(mistake.code, True)}


def test_the_page_names_every_shape_direction_and_attribute() -> None:
    answer = syntax_reference()
    page = answer["reference"]
    for word in (*SHAPES, *DIRECTIONS, *NODE_ATTRIBUTES):
        assert f"`{word}`" in page, word
    assert answer["shapes"] == {
        "circle": "Start or end point",
        "rectangle": "A process step",
        "diamond": "A decision (branches leave by right/bottom/left)",
        "taskbox": "An assigned task with owner, description and system",
    }
    assert EXAMPLE in page
    assert len(answer["mistakes"]) == len(MISTAKES) == page.count("- Wrong: ")
