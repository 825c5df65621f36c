"""Quick fixes and the "Renumber nodes" source action.

Unit tests on fz_lsp/code_actions.py (every fix applied to the text and compared in
full) and end-to-end tests through the server with the diagnostics it published.
"""

from __future__ import annotations

from itertools import pairwise

import pytest
from lsprotocol import types
from lsprotocol.converters import get_converter

from fz_lsp.analysis.document import Document
from fz_lsp.analysis.edits import Region, TextEdit, apply_client_edits, apply_edits
from fz_lsp.analysis.settings import Settings
from fz_lsp.features import code_actions
from fz_lsp.features.code_actions import QUICKFIX, RENUMBER, quick_fixes
from fz_lsp.features.rename import rename
from fz_lsp.model import Span
from support.edit_properties import assert_every_fix_applies_cleanly
from support.lsp import R
from support.paths import FIXTURES, fixture_files, read_exact

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.filterwarnings("ignore:The test <Function .* is marked with '@pytest.mark.asyncio'"),
]

LIBRARY = read_exact(FIXTURES / "library-hold.fz")
TRIAGE = read_exact(
    FIXTURES / "truncated" / "er-triage-cut-mid-handle.fz.partial"
)  # lane Doctor unclosed, cut `n14.ha`

BROKEN = (
    "A {\n"  # 0
    "  # Old label\n"  # 1
    '  n1: circle label:"Start"\n'  # 2
    '  n2: rect lable="Step"\n'  # 3
    "  n1.handle(rigth) -> n2.handle(left)\n"  # 4
    '  n2.handle(right) -> n3.handle(left) [label:"x"]\n'  # 5
    "  n2.handle(bottom) -> B.n4.handle(top)\n"  # 6
    "  n1.handle(bottom) -> n6\n"  # 7
    "  n1.handle(bottom) -> n6\n"  # 8
    "  n2.handle(top) -> n6.handle(left)\n"  # 9
    "  n2.handle(left) -> C.n6.handle(left)\n"  # 10
    "  A.n1.handle(top) -> A.n2.handle(top)\n"  # 11
    "  n2.handle(right) -> B.n1.handle(top)\n"  # 12
    "  loop [x] n1 n9\n"  # 13
    "  n1.handle(right) -> n2.handle\n"  # 14
    "}\n"  # 15
    "B { # B\n"  # 16
    '  n6: rectangle label:"Six"\n'  # 17
    '  n8: rectangle label:"Eight"\n'  # 18
    "  n6.handle(left) -> n8.handle(left)\n"  # 19
    "}\n"  # 20
)


def replace_line(text: str, line: int, old: str, new: str) -> str:
    lines = text.split("\n")
    assert lines[line].count(old) == 1, (lines[line], old)
    lines[line] = lines[line].replace(old, new)
    return "\n".join(lines)


def insert_line(text: str, at: int, new: str) -> str:
    lines = text.split("\n")
    lines.insert(at, new)
    return "\n".join(lines)


def delete_lines(text: str, *at: int) -> str:
    lines = text.split("\n")
    return "\n".join(line for i, line in enumerate(lines) if i not in at)


def fixes(text: str, code: str, line: int, **kw) -> list[code_actions.Action]:
    """Quick fixes for the (single) diagnostic `code` on `line`."""
    doc = Document(text)
    found = [d for d in check_diagnostics(doc) if d.code == code and d.span.line == line]
    assert len(found) == 1, found
    return code_actions.code_actions(doc, Settings(**kw), [(code, found[0].span)], [QUICKFIX])


def only_fix(text: str, code: str, line: int, **kw) -> code_actions.Action:
    (action,) = fixes(text, code, line, **kw)
    assert action.kind == QUICKFIX and action.diagnostic.code == code and action.request_index == 0
    return action


# ---------------------------------------------------------------------------
# unit: one fix per diagnostic, applied


@pytest.mark.parametrize(
    "code, line, title, preferred, expected",
    [
        (
            "unknown-shape",
            3,
            "Change the shape to `rectangle`",
            True,
            lambda t: replace_line(t, 3, "rect ", "rectangle "),
        ),
        (
            "unknown-attribute",
            3,
            "Change the attribute to `label`",
            True,
            lambda t: replace_line(t, 3, "lable", "label"),
        ),
        ("label-operator", 3, "Use a colon: `:`", True, lambda t: replace_line(t, 3, '="Step"', ':"Step"')),
        ("label-operator", 5, "Use `=`: `=`", True, lambda t: replace_line(t, 5, 'label:"x"', 'label="x"')),
        ("bad-handle", 4, "Change the direction to `right`", True, lambda t: replace_line(t, 4, "rigth", "right")),
        (
            "bad-handle",
            14,
            "Replace with `.handle(left)`",
            True,
            lambda t: replace_line(t, 14, "n2.handle", "n2.handle(left)"),
        ),
        ("missing-lane-prefix", 9, "Add the lane prefix `B.`", True, lambda t: replace_line(t, 9, "-> n6", "-> B.n6")),
        ("undefined-lane", 10, "Change the lane prefix to `B`", True, lambda t: replace_line(t, 10, "C.n6", "B.n6")),
        ("wrong-lane", 12, "Remove the `B.` prefix", True, lambda t: replace_line(t, 12, "B.n1", "n1")),
        ("prefixed-source", 11, "Remove the `A.` prefix", True, lambda t: replace_line(t, 11, "  A.n1", "  n1")),
        ("redundant-lane-prefix", 11, "Remove the `A.` prefix", True, lambda t: replace_line(t, 11, "A.n2", "n2")),
        ("duplicate-edge", 8, "Remove the duplicate edge", True, lambda t: delete_lines(t, 8)),
        (
            "display-label-own-line",
            1,
            "Move the display label onto the `{` line",
            True,
            lambda t: delete_lines(replace_line(t, 0, "A {", "A { # Old label"), 1),
        ),
        (
            "undefined-node",
            5,
            "Declare `n3` in lane `A`",
            False,
            lambda t: insert_line(t, 4, '  n3: rectangle label:"n3"'),
        ),
        (
            "undefined-node",
            6,
            "Declare `n4` in lane `B`",
            False,
            lambda t: insert_line(t, 19, '  n4: rectangle label:"n4"'),
        ),
        (
            "undefined-node",
            13,
            "Declare `n9` in lane `A`",
            False,
            lambda t: insert_line(t, 4, '  n9: rectangle label:"n9"'),
        ),
    ],
)
def test_quick_fix(code, line, title, preferred, expected):
    action = only_fix(BROKEN, code, line)
    assert (action.title, action.preferred) == (title, preferred)
    assert apply_edits(BROKEN, action.edits) == expected(BROKEN)


def test_missing_handle_offers_the_handle_and_undefined_node_separately():
    # line 7: `n1.handle(bottom) -> n6` in lane A; n6 lives in lane B
    text = BROKEN
    (action,) = fixes(text, "missing-handle", 7)
    assert (action.title, action.preferred) == ("Add `.handle(left)`", True)
    assert apply_edits(text, action.edits) == replace_line(text, 7, "-> n6", "-> n6.handle(left)")
    source = "A { # A\nn1\n}\n"
    assert check_diagnostics(Document(source))[0].code != "missing-handle"  # a bare id is a syntax error


def test_wrong_lane_to_another_lane_changes_the_prefix():
    text = (
        "A { # A\n"
        'n1: circle label:"a"\n'
        "n1.handle(right) -> B.n3.handle(left)\n"
        "}\n"
        "B { # B\n"
        'n2: circle label:"b"\n'
        "}\n"
        "C { # C\n"
        'n3: circle label:"c"\n'
        "}\n"
    )
    action = only_fix(text, "wrong-lane", 2)
    assert action.title == "Change the lane prefix to `C`"
    assert apply_edits(text, action.edits) == text.replace("B.n3", "C.n3")


def test_undefined_lane_for_an_undefined_node_guesses_without_preference():
    text = 'Alpha { # A\nn1: circle label:"a"\nn1.handle(right) -> Alpah.n7.handle(left)\n}\n'
    doc = Document(text)
    span = next(d.span for d in check_diagnostics(doc) if d.code == "undefined-lane")
    (action,) = code_actions.code_actions(doc, Settings(), [("undefined-lane", span)], None)
    assert (action.title, action.preferred) == ("Change the lane prefix to `Alpha`", False)
    # the node is undeclared and its prefix names no lane: no lane to declare it in
    span = next(d.span for d in check_diagnostics(doc) if d.code == "undefined-node")
    assert code_actions.code_actions(doc, Settings(), [("undefined-node", span)], None) == []


def test_display_label_fix_when_the_label_line_is_last_and_unterminated():
    text = "A {\r\n  # Label"
    action = only_fix(text, "display-label-own-line", 1)
    assert action.edits == [TextEdit(Region(0, 3, 1, 9), " # Label")]
    assert apply_edits(text, action.edits) == "A { # Label"
    # with blank and comment lines between, CRLF kept
    text = 'A {\r\n\r\n// c\r\n# Label\r\nn1: circle label:"x"\r\n}\r\n'
    action = only_fix(text, "display-label-own-line", 3)
    assert apply_edits(text, action.edits) == 'A { # Label\r\n\r\n// c\r\nn1: circle label:"x"\r\n}\r\n'


def test_declare_node_in_lane_without_nodes_goes_before_the_brace_with_its_eol():
    text = 'A { # A\r\n  n1: circle label:"a"\r\n  n1.handle(bottom) -> B.n2.handle(top)\r\n}\r\nB { # B\r\n}\r\n'
    action = only_fix(text, "undefined-node", 2, format_indent=4)
    assert action.edits == [TextEdit(Region(5, 0, 5, 0), '    n2: rectangle label:"n2"\r\n')]
    assert apply_edits(text, action.edits) == text.replace(
        "B { # B\r\n}", 'B { # B\r\n    n2: rectangle label:"n2"\r\n}'
    )


def test_declare_node_in_unclosed_lane_without_final_newline():
    text = 'A { # A\n\tn1: circle label:"a"\n\tn1.handle(right) -> n2.handle(left)\n\tn3: circle label:"c"'
    action = only_fix(text, "undefined-node", 2)
    assert action.edits == [TextEdit(Region(3, 21, 3, 21), '\n\tn2: rectangle label:"n2"')]
    assert apply_edits(text, action.edits) == text + '\n\tn2: rectangle label:"n2"'


def test_duplicate_edge_on_the_last_line_without_newline():
    text = (
        "A { # A\n"
        'n1: circle label:"a"\n'
        'n2: circle label:"b"\n'
        "n1.handle(right) -> n2.handle(left)\n"
        "n1.handle(right) -> n2.handle(left)"
    )
    action = only_fix(text, "duplicate-edge", 4)
    assert apply_edits(text, action.edits) == text.rsplit("\n", 1)[0]


def test_client_diagnostics_must_match_ours():
    doc = Document(BROKEN)
    assert code_actions.code_actions(doc, Settings(), [("unknown-shape", Span(3, 6, 9))], [QUICKFIX]) == []
    assert code_actions.code_actions(doc, Settings(), [("bad-handle", Span(3, 6, 10))], [QUICKFIX]) == []
    assert code_actions.code_actions(doc, Settings(), [(None, None), ("unknown-shape", None)], [QUICKFIX]) == []
    # a matching one among unknown ones keeps its index
    (a,) = code_actions.code_actions(
        doc, Settings(), [("x", Span(0, 0, 1)), ("unknown-shape", Span(3, 6, 10))], [QUICKFIX]
    )
    assert a.request_index == 1


def test_every_fix_on_every_diagnostic_applies_cleanly():
    texts = [BROKEN] + [read_exact(p) for p in fixture_files("*.fz") + fixture_files("truncated/*.partial")]
    for text in texts:
        assert_every_fix_applies_cleanly(text)


# ---------------------------------------------------------------------------
# unit: renumbering


GAPPY = (
    "User { # User\n"
    'n1: circle label:"Start"\n'
    'n4: rectangle label:"Two"\n'
    "n1.handle(right) -> n4.handle(left)\n"
    "n4.handle(bottom) -> App.n9.handle(top)\n"
    "loop [again] n4 n9 n12\n"
    "}\n"
    "App { # App\n"
    'n12: rectangle label:"Four"\n'
    'n9: rectangle label:"Three"\n'
    'start: circle label:"odd id"\n'
    "n9.handle(right) -> n12.handle(left)\n"
    "n12.handle(top) -> User.n4.handle(bottom)\n"
    "start.handle(right) -> n9.handle(left)\n"
    "}\n"
)

GAPPY_RENUMBERED = GAPPY.replace("n4", "n2").replace("n9", "n3").replace("n12", "n4")


def test_renumber_by_current_number_everywhere():
    doc = Document(GAPPY)
    assert quick_fixes.renumber_mapping(doc.model) == {"n4": "n2", "n9": "n3", "n12": "n4"}
    action = quick_fixes.renumber_action(doc)
    assert (action.title, action.kind, action.diagnostic) == ("Renumber nodes n1..n4", RENUMBER, None)
    out = apply_edits(GAPPY, action.edits)
    assert out == GAPPY_RENUMBERED
    assert [d.code for d in check_diagnostics(Document(out))] == ["non-canonical-id"]
    assert quick_fixes.renumber_action(Document(out)) is None  # idempotent


def test_renumber_never_reuses_undeclared_names_and_skips_duplicates_consistently():
    text = (
        "A { # A\n"
        'n1: circle label:"a"\n'
        'n5: circle label:"b"\n'
        'n5: circle label:"dup"\n'
        "n1.handle(right) -> n2.handle(left)\n"
        "n5.handle(right) -> n1.handle(left)\n"
        "}\n"
    )
    doc = Document(text)
    assert quick_fixes.renumber_mapping(doc.model) == {"n5": "n3"}
    out = apply_edits(text, quick_fixes.renumber_action(doc).edits)
    assert out == text.replace("n5", "n3")


def test_renumber_quick_fix_on_id_gap_and_only_filter():
    doc = Document(GAPPY)
    gaps = [d for d in check_diagnostics(doc) if d.code == "id-gap"]
    assert [d.span for d in gaps] == [Span(2, 0, 2), Span(8, 0, 3), Span(9, 0, 2)]
    requested = [(d.code, d.span) for d in gaps[:1]]
    actions = code_actions.code_actions(doc, Settings(), requested, None)
    assert [(a.title, a.kind, a.preferred, a.request_index) for a in actions] == [
        ("Renumber nodes n1..n4", QUICKFIX, False, 0),
        ("Renumber nodes n1..n4", RENUMBER, False, None),
    ]
    assert all(apply_edits(GAPPY, a.edits) == GAPPY_RENUMBERED for a in actions)
    kinds = lambda only: [a.kind for a in code_actions.code_actions(doc, Settings(), requested, only)]  # noqa: E731
    assert kinds([QUICKFIX]) == [QUICKFIX]
    assert kinds(["source"]) == [RENUMBER]
    assert kinds([RENUMBER]) == [RENUMBER]
    assert kinds(["source.fixAll"]) == []
    assert kinds(["refactor"]) == []
    assert kinds(["quick"]) == []


def test_renumber_round_trip_on_truncated_file():
    # n14 is the largest id; it appears in a declaration, two edges and the broken last line
    text = TRIAGE
    doc = Document(text)
    shifted = apply_edits(text, rename(doc.model, 27, 1, "n30"))
    assert shifted.endswith("\nn30.ha") and shifted.count("n30") == 4
    action = quick_fixes.renumber_action(Document(shifted))
    assert action.title == "Renumber nodes n1..n14"
    assert apply_edits(shifted, action.edits) == text


# ---------------------------------------------------------------------------
# end to end


def wire(value):
    return get_converter().unstructure(value)


def edits_of(action: types.CodeAction, uri: str) -> list[tuple]:
    assert action.edit.document_changes is None
    return [
        (e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character, e.new_text)
        for e in action.edit.changes[uri]
    ]


async def request(client, uri, rng, diagnostics, only=None):
    return await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=rng,
            context=types.CodeActionContext(diagnostics=diagnostics, only=only),
        )
    )


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
async def test_e2e_quick_fixes_for_every_published_diagnostic(client, session):
    uri = await session.open(BROKEN, "ca")
    published = session.diagnostics(uri)
    fixed = {}
    for d in published:
        actions = await request(client, uri, d.range, [d], [types.CodeActionKind.QuickFix])
        for a in actions:
            assert a.kind == types.CodeActionKind.QuickFix
            assert wire(a.diagnostics) == wire([d])
            key = (d.code, d.range.start.line)
            fixed.setdefault(key, []).append((a.title, apply_client_edits(BROKEN, edits_of(a, uri))))
    assert fixed["unknown-shape", 3] == [
        ("Change the shape to `rectangle`", replace_line(BROKEN, 3, "rect ", "rectangle "))
    ]
    assert fixed["missing-lane-prefix", 9] == [
        ("Add the lane prefix `B.`", replace_line(BROKEN, 9, "-> n6", "-> B.n6"))
    ]
    assert fixed["duplicate-edge", 8] == [("Remove the duplicate edge", delete_lines(BROKEN, 8))]
    assert fixed["display-label-own-line", 1] == [
        ("Move the display label onto the `{` line", delete_lines(replace_line(BROKEN, 0, "A {", "A { # Old label"), 1))
    ]
    assert fixed["undefined-node", 13] == [
        ("Declare `n9` in lane `A`", insert_line(BROKEN, 4, '  n9: rectangle label:"n9"'))
    ]
    assert sorted({code for code, _ in fixed}) == sorted(
        {
            "bad-handle",
            "display-label-own-line",
            "duplicate-edge",
            "id-gap",
            "label-operator",
            "missing-handle",
            "missing-lane-prefix",
            "prefixed-source",
            "redundant-lane-prefix",
            "undefined-lane",
            "undefined-node",
            "unknown-attribute",
            "unknown-shape",
            "wrong-lane",
        }
    )


async def test_e2e_exact_action_for_bad_handle(client, session):
    uri = await session.open(BROKEN, "ca")
    (d,) = [d for d in session.diagnostics(uri) if d.code == "bad-handle" and d.range.start.line == 4]
    assert d.range == R(4, 12, 4, 17)
    actions = await request(client, uri, R(4, 13, 4, 13), [d])
    assert wire(actions) == wire(
        [
            types.CodeAction(
                title="Change the direction to `right`",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[d],
                is_preferred=True,
                edit=types.WorkspaceEdit(changes={uri: [types.TextEdit(range=R(4, 12, 4, 17), new_text="right")]}),
            ),
            types.CodeAction(
                title="Renumber nodes n1..n6",
                kind=RENUMBER,
                edit=types.WorkspaceEdit(
                    changes={
                        uri: [
                            types.TextEdit(range=R(*pos), new_text=new)
                            for *pos, new in [
                                (7, 23, 7, 25, "n5"),
                                (8, 23, 8, 25, "n5"),
                                (9, 20, 9, 22, "n5"),
                                (10, 23, 10, 25, "n5"),
                                (17, 2, 17, 4, "n5"),
                                (18, 2, 18, 4, "n6"),
                                (19, 2, 19, 4, "n5"),
                                (19, 21, 19, 23, "n6"),
                            ]
                        ]
                    }
                ),
            ),
        ]
    )


async def test_e2e_client_data_and_stale_ranges_are_not_trusted(client, session):
    uri = await session.open(BROKEN, "ca")
    (d,) = [d for d in session.diagnostics(uri) if d.code == "unknown-shape"]
    forged = types.Diagnostic(range=d.range, message=d.message, code=d.code, data={"replacement": "diamond"})
    actions = await request(client, uri, d.range, [forged], [types.CodeActionKind.QuickFix])
    assert [a.edit.changes[uri][0].new_text for a in actions] == ["rectangle"]
    moved = types.Diagnostic(range=R(3, 5, 3, 10), message=d.message, code=d.code, data=d.data)
    assert list(await request(client, uri, d.range, [moved], [types.CodeActionKind.QuickFix])) == []


async def test_e2e_only_is_honoured(client, session):
    uri = await session.open(BROKEN, "ca")
    published = session.diagnostics(uri)
    everything = R(0, 0, 21, 0)
    kinds = lambda actions: sorted({str(getattr(a.kind, "value", a.kind)) for a in actions})  # noqa: E731
    assert kinds(await request(client, uri, everything, published)) == ["quickfix", RENUMBER]
    assert kinds(await request(client, uri, everything, published, [types.CodeActionKind.QuickFix])) == ["quickfix"]
    assert kinds(await request(client, uri, everything, published, [types.CodeActionKind.Source])) == [
        "source.fixAll.flowzap",
        RENUMBER,
    ]
    assert kinds(await request(client, uri, everything, published, [RENUMBER])) == [RENUMBER]
    assert kinds(await request(client, uri, everything, published, [types.CodeActionKind.SourceFixAll])) == [
        "source.fixAll.flowzap"
    ]
    assert kinds(await request(client, uri, everything, published, [types.CodeActionKind.Refactor])) == []


async def test_e2e_renumber_source_action(client, session):
    uri = await session.open(GAPPY, "ca")
    actions = await request(client, uri, R(0, 0, 0, 0), [], [types.CodeActionKind.Source])
    (a,) = actions
    assert (a.title, a.kind, a.diagnostics, a.is_preferred) == ("Renumber nodes n1..n4", RENUMBER, None, None)
    assert apply_client_edits(GAPPY, edits_of(a, uri)) == GAPPY_RENUMBERED
    uri2 = await session.open(GAPPY_RENUMBERED, "ca")
    assert list(await request(client, uri2, R(0, 0, 0, 0), [], [types.CodeActionKind.Source])) == []


async def test_e2e_fixes_in_truncated_file(client, session):
    # make the truncated Doctor lane (unclosed, last line broken) reference an undeclared node
    text = replace_line(TRIAGE, 32, "-> n14.", "-> n20.")
    uri = await session.open(text, "ca")
    (d,) = [d for d in session.diagnostics(uri) if d.code == "undefined-node"]
    assert d.range == R(32, 21, 32, 24)
    (a,) = await request(client, uri, d.range, [d], [types.CodeActionKind.QuickFix])
    assert a.title == "Declare `n20` in lane `Doctor`"
    # declared after the lane's last declaration (n14, line 27), before its edges
    assert edits_of(a, uri) == [(28, 0, 28, 0, 'n20: rectangle label:"n20"\n')]
    assert apply_client_edits(text, edits_of(a, uri)) == insert_line(text, 28, 'n20: rectangle label:"n20"')


async def test_e2e_fixes_use_utf16_columns(client, session):
    text = 'A { # A\nn1: circle label:"🎉"\nn2: rect label:"x"\nn1.handle(right) -> n2.handle(left) [label:"🎉"]\n}\n'
    uri = await session.open(text, "ca")
    (d,) = [d for d in session.diagnostics(uri) if d.code == "label-operator"]
    assert d.range == R(3, 42, 3, 43)  # no emoji before it: code points and UTF-16 agree
    (a,) = await request(client, uri, d.range, [d], [types.CodeActionKind.QuickFix])
    assert apply_client_edits(text, edits_of(a, uri)) == text.replace('[label:"🎉"]', '[label="🎉"]')
    text2 = 'A { # A\nn1: circle label:"🎉" owner="me"\n}\n'
    uri2 = await session.open(text2, "ca")
    (d,) = [d for d in session.diagnostics(uri2) if d.code == "label-operator"]
    assert d.range == R(1, 27, 1, 28)  # code point 26, one emoji (two UTF-16 units) before it
    (a,) = await request(client, uri2, d.range, [d], [types.CodeActionKind.QuickFix])
    assert edits_of(a, uri2) == [(1, 27, 1, 28, ":")]
    assert apply_client_edits(text2, edits_of(a, uri2)) == text2.replace('owner="me"', 'owner:"me"')


# ---------------------------------------------------------------------------
# fuzz: any document, every diagnostic, every feature at any position


from hypothesis import (  # noqa: E402
    HealthCheck,
    given,
    settings,
    strategies as st,
)

from fz_lsp.analysis import lookup  # noqa: E402
from fz_lsp.diagnostics import check as check_diagnostics  # noqa: E402
from fz_lsp.features import formatting, navigation, rename as rename_mod  # noqa: E402

FRAGMENTS = [
    "A {",
    "B { # Bee",
    "A { # dup",
    "}",
    "  # own label",
    "// note",
    "graph TD",
    'n1: circle label:"a"',
    'n2: rect lable="b"',
    'n3: taskbox owner:"o"',
    "n9: diamond",
    'start: circle label:"s"',
    "n1.handle(right) -> n2.handle(left)",
    "n2.handle(rigth) -> B.n3.handle(top)",
    "A.n3.handle(top) -> A.n1.handle(left)",
    "n1.handle(right) -> n2.handle(left)",
    'n3.handle -> C.n7.handle(left) [label:"x"]',
    "n1 -> n2 -> n3",
    "n2.handle(bottom) -> n5",
    "loop [again] n1 n9",
    "loop n2",
    'n4: circle label:"🎉 unterminated',
    "n1.h",
    "",
    "n3.handle(top) --> n1.handle(left)",
    '\tn12: rectangle label:"x"',
    "n12.handle(left) -> A.n12.handle(right)",
]


@st.composite
def documents(draw):
    lines = draw(st.lists(st.sampled_from(FRAGMENTS), max_size=14))
    eol = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return eol.join(lines) + draw(st.sampled_from(["", eol]))


@pytest.mark.slow
@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=documents(), data=st.data())
def test_fuzz_features_never_fail_and_edits_apply(text, data):
    doc = Document(text)
    m = doc.model
    diags = check_diagnostics(doc)
    for a in code_actions.code_actions(doc, Settings(), [(d.code, d.span) for d in diags], None):
        assert a.edits
        out = apply_edits(text, a.edits)
        after = check_diagnostics(Document(out))
        if a.diagnostic is not None and a.diagnostic.code != "id-gap":
            # the fix removes (at least) the diagnostic it was offered for
            code = a.diagnostic.code
            assert sum(d.code == code for d in after) < sum(d.code == code for d in diags), (a, out)
    once = formatting.format_text(text, 2)
    assert formatting.format_text(once, 2) == once
    navigation.document_symbols(m)
    navigation.folding_ranges(m)
    for _ in range(5):
        line = data.draw(st.integers(0, len(m.lines)))
        col = data.draw(st.integers(0, 60))
        navigation.definition(m, line, col)
        navigation.references(m, line, col)
        navigation.highlights(m, line, col)
        chain = navigation.selection_range(m, line, col)
        for inner, outer in pairwise(chain):
            assert outer.contains(inner)
        found = rename_mod.prepare_rename(m, line, col)
        new = data.draw(st.sampled_from(["n1", "n40", "B", "Zed", "loop", "9", "participant", "x_y"]))
        try:
            edits = rename_mod.rename(m, line, col, new)
        except rename_mod.RenameError:
            continue
        assert found is not None
        after = Document(apply_edits(text, edits))
        # every line still reads as the same kind of statement; the new name is where the old was
        assert [type(s) for s in after.statements] == [type(s) for s in doc.statements]
        t = rename_mod.target_at(m, line, col)
        spans = lookup.node_spans if t.kind == "node" else lookup.lane_spans
        if edits:
            assert len(edits) == len(spans(m, t.name))
            assert spans(after.model, t.name) == []
            assert len(spans(after.model, new)) == len(spans(m, new)) + len(edits)


async def test_e2e_every_feature_on_empty_broken_and_out_of_range_input(client, session):
    doc_ids = []
    for text in [
        "",
        "\n\n",
        "}\n{\n  n1.handle(",
        read_exact(FIXTURES / "truncated" / "parcel-cut-mid-string.fz.partial"),
    ]:
        doc_ids.append((text, await session.open(text, "ca-any")))
    far = [types.Position(0, 0), types.Position(0, 500), types.Position(3, 2), types.Position(900, 900)]
    for text, uri in doc_ids:
        tid = types.TextDocumentIdentifier(uri=uri)
        for pos in far:
            await client.text_document_definition_async(types.DefinitionParams(text_document=tid, position=pos))
            await client.text_document_references_async(
                types.ReferenceParams(
                    text_document=tid, position=pos, context=types.ReferenceContext(include_declaration=True)
                )
            )
            await client.text_document_document_highlight_async(
                types.DocumentHighlightParams(text_document=tid, position=pos)
            )
            await client.text_document_prepare_rename_async(types.PrepareRenameParams(text_document=tid, position=pos))
        (sel,) = await client.text_document_selection_range_async(
            types.SelectionRangeParams(text_document=tid, positions=[types.Position(900, 900)])
        )
        while sel.parent is not None:
            assert sel.parent.range.start <= sel.range.start  # parents contain children
            sel = sel.parent
        assert sel.range.start == types.Position(0, 0)  # the outermost range is the document
        await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=tid))
        await client.text_document_folding_range_async(types.FoldingRangeParams(text_document=tid))
        edits = await client.text_document_formatting_async(
            types.DocumentFormattingParams(
                text_document=tid, options=types.FormattingOptions(tab_size=2, insert_spaces=True)
            )
        )
        out = apply_client_edits(
            text,
            [
                (e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character, e.new_text)
                for e in edits
            ],
        )
        assert out == formatting.format_text(text, 0)
        await client.text_document_range_formatting_async(
            types.DocumentRangeFormattingParams(
                text_document=tid,
                range=R(5, 0, 900, 3),
                options=types.FormattingOptions(tab_size=2, insert_spaces=True),
            )
        )
        bogus = [
            types.Diagnostic(range=R(0, 0, 3, 0), message="multi-line", code="unknown-shape"),
            types.Diagnostic(range=R(800, 1, 800, 2), message="far away", code=42),
            types.Diagnostic(range=R(0, 0, 0, 0), message="no code"),
        ]
        actions = await request(client, uri, R(900, 0, 900, 1), bogus)
        assert all(a.diagnostics is None for a in actions)  # only the source action, if any
    # a document that is not open is an error response, not a crash
    with pytest.raises(Exception) as err:
        await request(client, "file:///tmp/fz-tests/not-open.fz", R(0, 0, 0, 0), [])
    assert "not open" in str(err.value)
    # and the server still answers
    (text, uri) = doc_ids[-1]
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert [s.name for s in symbols] == ["Shop", "Depot", "Courier"]


async def test_e2e_fixing_a_damaged_library_restores_the_fixture(client, session):
    damaged = replace_line(LIBRARY, 8, "-> Catalog.n6.handle(top)", "-> n6.handle(top)")  # missing prefix
    damaged = replace_line(damaged, 18, "Stacks.n9", "Stack.n9")  # lane that does not exist
    damaged = replace_line(damaged, 27, "n10.handle(right)", "n10.handle(rihgt)")  # bad handle
    damaged = replace_line(damaged, 23, "n11: diamond", "n11: diamon")  # unknown shape
    damaged = replace_line(damaged, 37, 'label:"Settle', 'label="Settle')  # wrong operator
    uri = await session.open(damaged, "ca")
    text = damaged
    published = session.diagnostics(uri)
    assert sorted((d.code, d.range.start.line) for d in published) == [
        ("bad-handle", 27),
        ("label-operator", 37),
        ("missing-lane-prefix", 8),
        ("undefined-lane", 18),
        ("unknown-shape", 23),
    ]
    for d in published:
        (a,) = await request(client, uri, d.range, [d], [types.CodeActionKind.QuickFix])
        assert a.is_preferred is True
        (edit,) = a.edit.changes[uri]
        assert edit.range.start.line == d.range.start.line
        text = apply_client_edits(text, edits_of(a, uri))  # one-token edits on distinct lines
    assert text == LIBRARY
