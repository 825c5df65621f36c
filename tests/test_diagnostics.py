"""The pure checker: one case per code with its exact range, plus rules in detail."""

from __future__ import annotations

import pytest

from fz_lsp.analysis.document import Document
from fz_lsp.analysis.settings import Settings
from fz_lsp.diagnostics import CODES, Diagnostic, check, most_severe
from fz_lsp.model import Span
from fz_lsp.syntax.vocabulary import nearest
from support.diagnostic_cases import CASES, Case


def diagnostics(text: str, **settings) -> list:
    return check(Document(text), Settings(**settings))


def codes(text: str, **settings) -> list[str]:
    return [d.code for d in diagnostics(text, **settings)]


def test_every_code_has_a_case():
    assert sorted(CODES) == sorted({c.code for c in CASES})


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.code)
def test_case_reports_code_on_exact_token(case: Case):
    settings = Settings.from_mapping(case.settings or {})
    found = [d for d in check(Document(case.text), settings) if d.code == case.code]
    assert found, f"{case.code} not reported; got {[d.code for d in check(Document(case.text), settings)]}"
    spans = [(d.span.line, d.span.start, d.span.end) for d in found]
    assert (case.line, case.start, case.end) in spans


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.code)
def test_case_severity_matches_table(case: Case):
    settings = Settings.from_mapping(case.settings or {})
    for d in check(Document(case.text), settings):
        assert d.severity == CODES[d.code].severity


def test_bad_handle_names_nearest_direction():
    (d,) = [
        d
        for d in diagnostics(
            'A { # A\nn1: circle label:"a"\nn2: circle label:"b"\nn1.handle(rigth) -> n2.handle(botom)\n}\n'
        )
        if d.code == "bad-handle"
    ][:1]
    assert "`right`" in d.message
    assert d.data == {"replacement": "right"}
    assert nearest("botom", ("left", "right", "top", "bottom")) == "bottom"
    assert nearest("rect", ("circle", "rectangle", "diamond", "taskbox")) == "rectangle"


def test_unknown_shape_suggests_rectangle():
    (d,) = [d for d in diagnostics('A { # A\nn1: rect label:"a"\n}\n') if d.code == "unknown-shape"]
    assert "Did you mean `rectangle`?" in d.message


def test_duplicate_node_points_at_first_declaration():
    (d,) = [
        d for d in diagnostics('A { # A\nn1: circle label:"a"\nn1: circle label:"b"\n}\n') if d.code == "duplicate-node"
    ]
    assert [(r.span.line, r.span.start, r.span.end) for r in d.related] == [(1, 0, 2)]


def test_wrong_lane_names_the_right_lane():
    text = (
        "A { # A\n"
        'n1: circle label:"a"\n'
        "n1.handle(bottom) -> C.n2.handle(top)\n"
        "}\n"
        "B { # B\n"
        'n2: circle label:"b"\n'
        "}\n"
        "C { # C\n"
        "}\n"
    )
    (d,) = [d for d in diagnostics(text) if d.code == "wrong-lane"]
    assert d.message == "`n2` is in lane `B`, not `C`"
    assert d.data == {"replacement": "B"}


def test_sequence_rules_are_opt_in():
    text = 'A { # A\nn1: circle label:"a"\nn1.handle(bottom) -> B.n2.handle(top)\n}\nB { # B\nn2: circle label:"b"\n}\n'
    assert "missing-reply" not in codes(text)
    assert "missing-reply" in codes(text, sequence_rules=True)


PING_PONG = next(c for c in CASES if c.code == "ping-pong").text


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({}, []),
        ({"sequence_rules": True}, [("ping-pong", 2)]),
        # FlowZap's validator enforces the ping-pong rule since April 2026: strict mode applies
        # both sequence rules, as errors, with or without the opt-in setting
        ({"strict": True}, [("ping-pong", 1)]),
        ({"strict": True, "sequence_rules": True}, [("ping-pong", 1)]),
    ],
)
def test_strict_mode_applies_the_sequence_rules_as_errors(settings: dict, expected: list):
    found = [
        (d.code, d.severity) for d in diagnostics(PING_PONG, **settings) if d.code in ("ping-pong", "missing-reply")
    ]
    assert found == expected
    one_way = (
        'A { # A\nn1: circle label:"a"\nn1.handle(bottom) -> B.n2.handle(top)\n}\nB { # B\nn2: circle label:"b"\n}\n'
    )
    missing = [(d.code, d.severity, d.span.line) for d in diagnostics(one_way, **settings) if d.code == "missing-reply"]
    assert missing == ([("missing-reply", expected[0][1], 2)] if expected else [])


def test_broken_line_does_not_hide_the_rest():
    text = (
        "A { # A\n"
        'n1: circle label:"a"\n'
        "n1.handle(right) -> \n"
        'n2: rect label:"b"\n'
        "n1.handle(rigth) -> n2.handle(left)\n"
        "}\n"
    )
    assert codes(text) == ["syntax-error", "unknown-shape", "bad-handle"]


def test_chained_edge_still_resolves_every_node():
    text = (
        "A { # A\n"
        'n1: circle label:"a"\n'
        'n2: circle label:"b"\n'
        "n1.handle(right) -> n2.handle(left) -> n7.handle(left)\n"
        "}\n"
    )
    assert codes(text) == ["chained-edge", "undefined-node"]


def test_mermaid_lines_get_one_pointed_message():
    text = "sequenceDiagram\nparticipant Alice\n"
    ds = diagnostics(text)
    assert [d.code for d in ds] == ["not-flowzap", "not-flowzap"]
    assert "Mermaid/PlantUML" in ds[0].message


def test_label_operator_messages_name_the_right_operator():
    node = next(d for d in diagnostics('A { # A\nn1: circle label="a"\n}\n') if d.code == "label-operator")
    assert 'label:"…"' in node.message
    edge_text = (
        'A { # A\nn1: circle label:"a"\nn2: circle label:"b"\nn1.handle(right) -> n2.handle(left) [label:"x"]\n}\n'
    )
    edge = next(d for d in diagnostics(edge_text) if d.code == "label-operator")
    assert '[label="…"]' in edge.message


def test_id_gap_reports_each_gap_once():
    text = (
        "A { # A\n"
        'n1: circle label:"a"\n'
        'n4: circle label:"b"\n'
        'n7: circle label:"c"\n'
        "n1.handle(right) -> n4.handle(left)\n"
        "n4.handle(right) -> n7.handle(left)\n"
        "}\n"
    )
    gaps = [d for d in diagnostics(text) if d.code == "id-gap"]
    assert [(d.span.line, d.data["missing"]) for d in gaps] == [(2, ["n2", "n3"]), (3, ["n5", "n6"])]


def test_single_node_is_not_an_orphan():
    assert codes('ops { # Ops\nn1: taskbox owner:"Alice" description:"Deploy" system:"CI"\n}\n') == []


def test_taskbox_with_pipe_label_is_valid():
    assert codes('ops { # Ops\nn1: taskbox label:"A|B|C"\n}\n') == []


def test_escaped_quotes_in_strings():
    text = 'A { # A\nn1: circle label:"say \\"hi\\""\n}\n'
    doc = Document(text)
    assert doc.model.nodes[0].label == 'say "hi"'
    assert codes(text) == []


def test_forward_references_resolve():
    text = 'A { # A\nn1: circle label:"a"\nn1.handle(right) -> n2.handle(left)\nn2: circle label:"b"\n}\n'
    assert codes(text) == []


def test_label_of_exactly_fifty_characters_is_fine():
    assert "long-label" not in codes('A { # A\nn1: circle label:"' + "x" * 50 + '"\n}\n')
    assert "long-label" not in codes('A { # A\nn1: circle label:"' + "x" * 60 + '"\n}\n', max_label_length=0)


def test_most_severe_keeps_errors_first_and_returns_document_order():
    def diag(line: int, severity: int) -> Diagnostic:
        return Diagnostic("x", severity, "m", Span(line, 0, 1))

    found = [diag(0, 4), diag(1, 2), diag(2, 1), diag(3, 4), diag(4, 1), diag(5, 2)]
    assert most_severe(found, 10) is found
    assert [(d.span.line, d.severity) for d in most_severe(found, 3)] == [(1, 2), (2, 1), (4, 1)]
    assert [(d.span.line, d.severity) for d in most_severe(found, 2)] == [(2, 1), (4, 1)]
