"""The new quick fixes and "Fix all FlowZap problems", end to end.

Every fixable slip of tests/support/slips.py is fixed through the real server: the
client takes the preferred quick fix of the published diagnostic, applies its edits, sends
the new text back, and the server then publishes no error or warning, and the text is the
valid document again (the mistake gone, nothing else changed). `source.fixAll.flowzap` does
all of them at once, and `fz-lsp check --fix` writes the same text, twice without change.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types

from fz_lsp.analysis.document import Document
from fz_lsp.analysis.edits import apply_client_edits, apply_edits
from fz_lsp.analysis.settings import Settings
from fz_lsp.diagnostics import check as check_diagnostics
from fz_lsp.features.code_actions import FIX_ALL, QUICKFIX, code_actions
from fz_lsp.features.code_actions.fix_all import edits_between, fix_all_edits, fixed_text
from support.commands import SERVER_ENV, run_cli
from support.lsp import R, Session
from support.paths import FIXTURES, ROOT, read_exact
from support.slips import SLIPS, VALID, Slip, variant

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.filterwarnings("ignore:The test <Function .* is marked with '@pytest.mark.asyncio'"),
]

# slip -> the line its quick fix writes, when it is not the valid document's own line
REWRITTEN = {
    "unquoted label": 'n2: rectangle label:"Enter"',
    "unquoted label of two words": 'n2: rectangle label:"Enter address"',
    "edge in the wrong lane": None,  # moved: see expected_after_fix
}
# slips whose fix is a guess, or that have no single obvious repair: no preferred quick fix
NOT_FIXABLE = {
    "Mermaid labelled link",
    "Mermaid sequence arrow",
    "Mermaid node",
    "Mermaid end",
    "Mermaid header",
    "undefined target",
    "chained edge",
    "a second }",
    "a missing }",
    "loop of one node",
    "node outside every lane",
}
FIXABLE = [s for s in SLIPS if s.name not in NOT_FIXABLE]


def text_of(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def expected_after_fix(slip: Slip) -> str:
    if slip.name == "edge in the wrong lane":  # into Shop, after its last edge line
        lines = list(VALID)
        lines.insert(9, slip.text)
        return text_of(lines)
    lines = list(VALID)
    if slip.name in REWRITTEN:
        lines[slip.line] = REWRITTEN[slip.name]
    return text_of(lines)


def test_every_fixable_slip_has_one_preferred_quick_fix_that_undoes_it():
    for slip in FIXABLE:
        doc = Document(text_of(variant(slip)))
        (d,) = [d for d in check_diagnostics(doc) if d.severity <= 2]
        actions = [a for a in code_actions(doc, Settings(), [(d.code, d.span)], [QUICKFIX]) if a.preferred]
        assert len(actions) == 1, (slip.name, [a.title for a in actions])
        assert apply_edits(doc.text, actions[0].edits) == expected_after_fix(slip), slip.name


def test_the_guesses_are_not_preferred():
    for slip in SLIPS:
        if slip.name not in NOT_FIXABLE:
            continue
        doc = Document(text_of(variant(slip)))
        requested = [(d.code, d.span) for d in check_diagnostics(doc)]
        assert not [a.title for a in code_actions(doc, Settings(), requested, [QUICKFIX]) if a.preferred], slip.name


def all_fixable_slips_at_once() -> str:
    """One document with every fixable slip that sits on its own line of VALID."""
    lines = list(VALID)
    used: set[int] = set()
    for slip in FIXABLE:
        if slip.insert or slip.line in used or slip.name in REWRITTEN:
            continue
        used.add(slip.line)
        lines[slip.line] = slip.text
    assert len(used) >= 8
    return text_of(lines)


def test_fix_all_undoes_every_slip_at_once_and_is_idempotent():
    broken = all_fixable_slips_at_once()
    assert fixed_text(broken) == text_of(VALID)
    assert fixed_text(text_of(VALID)) == text_of(VALID)
    doc = Document(broken)
    edits = fix_all_edits(doc)
    assert apply_edits(broken, edits) == text_of(VALID)
    assert fix_all_edits(Document(text_of(VALID))) == []


def test_fix_all_keeps_line_endings_and_a_missing_final_newline():
    broken = all_fixable_slips_at_once()
    crlf = broken.replace("\n", "\r\n")[:-2]  # CRLF, no final newline
    assert fixed_text(crlf) == text_of(VALID).replace("\n", "\r\n")[:-2]


def test_fix_all_makes_the_flowzap_forms_strict_clean():
    """Strict-clean but for the sequence rules (issue 23): a missing reply is an edge to write,
    which fix all never guesses."""
    for path in sorted((FIXTURES / "flowzap-forms").glob("*.fz")):
        fixed = fixed_text(read_exact(path))
        found = check_diagnostics(Document(fixed), Settings(strict=True))
        strict = [d for d in found if d.severity <= 2 and d.code not in ("missing-reply", "ping-pong")]
        assert strict == [], (path.name, [(d.code, d.span.line) for d in strict])


def test_fix_all_never_guesses():
    text = text_of(VALID).replace(
        'n5.handle(right) -> n6.handle(left) [label="No funds"]',
        'n5.handle(right) -> n9.handle(left) [label="No funds"]',
    )
    assert fixed_text(text) == text  # declaring n9 would be a guess


def test_edits_between_is_minimal_per_block_of_lines():
    doc = Document("a\nb\nc\nd")
    edits = edits_between(doc, "a\nB\nc\nd\ne")
    assert [(e.region.start, e.region.end, e.new_text) for e in edits] == [
        ((1, 0), (2, 0), "B\n"),
        ((3, 0), (3, 1), "d\ne"),
    ]
    assert apply_edits(doc.text, edits) == "a\nB\nc\nd\ne"


# -- through the real server ------------------------------------------------------------------


def client_edits(action: types.CodeAction, uri: str) -> list[tuple]:
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


async def replace_text(session: Session, uri: str, version: int, new_text: str) -> list[types.Diagnostic]:
    session.client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=new_text)],
        )
    )
    return await session.wait_for(uri, version)


@pytest.mark.parametrize("slip", FIXABLE, ids=lambda s: s.name)
@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
async def test_e2e_quick_fix_removes_the_mistake_and_nothing_else(client, session: Session, slip: Slip):
    text = text_of(variant(slip))
    uri = await session.open(text, "slip")
    (published,) = [d for d in session.diagnostics(uri) if d.severity.value <= 2]
    actions = await request(client, uri, published.range, [published], [types.CodeActionKind.QuickFix])
    preferred = [a for a in actions if a.is_preferred]
    assert len(preferred) == 1, [a.title for a in actions]
    fixed = apply_client_edits(text, client_edits(preferred[0], uri))
    assert fixed == expected_after_fix(slip)
    after = await replace_text(session, uri, 2, fixed)
    assert [d for d in after if d.severity.value <= 2] == []


async def test_e2e_fix_all_source_action(client, session: Session):
    text = all_fixable_slips_at_once()
    uri = await session.open(text, "fixall")
    published = session.diagnostics(uri)
    assert len([d for d in published if d.severity.value <= 2]) >= 8
    (action,) = await request(client, uri, R(0, 0, 0, 0), [], [types.CodeActionKind.SourceFixAll])
    assert (action.kind, action.title) == (FIX_ALL, "Fix all FlowZap problems")
    fixed = apply_client_edits(text, client_edits(action, uri))
    assert fixed == text_of(VALID)
    assert await replace_text(session, uri, 2, fixed) == []
    # nothing left to fix: no action
    assert not await request(client, uri, R(0, 0, 0, 0), [], [FIX_ALL])


async def test_e2e_fix_all_uses_utf16_columns(client, session: Session):
    text = (
        "A { # 泳道 🚀\n"
        'n1: circle label:"🚀 起点"\n'
        'n2: rectangle label:"步骤 😀"\n'
        'n1.handel(right) -> n2.handle(left) [label:"走 🚀"]\n'
        "}\n"
    )
    uri = await session.open(text, "fixall-cjk")
    (action,) = await request(client, uri, R(0, 0, 0, 0), [], [FIX_ALL])
    fixed = apply_client_edits(text, client_edits(action, uri))
    assert fixed == text.replace("handel", "handle").replace('[label:"', '[label="')


# -- fz-lsp check --fix ---------------------------------------------------------------------


cli = run_cli


def fixed_lines(name: object) -> list[str]:
    """What `check --fix` says it fixed in all_fixable_slips_at_once()."""
    return [
        f"{name}:2: fixed[syntax-error] Remove the `;`",
        f"{name}:3: fixed[syntax-error] Add `:` after `n2`",
        f"{name}:6: fixed[syntax-error] Change `handel` to `handle`",
        f"{name}:7: fixed[syntax-error] Change `hanlde` to `handle`",
        f"{name}:8: fixed[syntax-error] Change `Handle` to `handle`",
        f"{name}:9: fixed[missing-lane-prefix] Add the lane prefix `Bank.`",
        f"{name}:11: fixed[syntax-error] Add `{{`",
        f"{name}:15: fixed[wrong-lane] Change the lane prefix to `Shop`",
        f"{name}: 8 problems fixed",
    ]


def test_check_fix_writes_the_fixes_and_is_idempotent(tmp_path: Path):
    path = tmp_path / "shop.fz"
    path.write_bytes(all_fixable_slips_at_once().replace("\n", "\r\n").encode("utf-8"))
    first = cli("check", "--fix", str(path))
    # each fix on the line it was on, in `check`'s format, then how many
    assert (first.returncode, first.stdout.splitlines(), first.stderr) == (0, fixed_lines(path), "")
    assert path.read_bytes() == text_of(VALID).replace("\n", "\r\n").encode("utf-8")
    before = path.stat().st_mtime_ns
    second = cli("check", "--fix", str(path))
    assert (second.returncode, second.stdout) == (0, "")  # nothing fixed, nothing left: nothing said
    assert path.stat().st_mtime_ns == before  # nothing to write the second time
    assert path.read_bytes() == text_of(VALID).replace("\n", "\r\n").encode("utf-8")


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_check_fix_reports_what_is_left(tmp_path: Path):
    path = tmp_path / "left.fz"
    broken = list(variant(SLIPS[0]))
    broken[13] = 'n5.handle(right) -> n9.handle(left) [label="No funds"]'  # not fixable: a guess
    path.write_text(text_of(broken), encoding="utf-8")
    result = cli("check", "--fix", str(path))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{path}:3: fixed[syntax-error] Add `:` after `n2`",
        f"{path}: 1 problem fixed",
        f"{path}:14:21: error[undefined-node] Node `n9` is not declared anywhere",
    ]
    in_json = cli("check", "--fix", "--format", "json", str(path))  # (nothing left to fix now)
    assert (in_json.stderr, [d["code"] for d in __import__("json").loads(in_json.stdout)]) == ("", ["undefined-node"])
    assert path.read_text(encoding="utf-8").splitlines()[2] == VALID[2]


def test_check_fix_on_stdin_prints_the_fixed_text():
    result = subprocess.run(
        [sys.executable, "-m", "fz_lsp", "check", "--fix", "-"],
        input=all_fixable_slips_at_once(),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=SERVER_ENV,
        timeout=120,
    )
    # the fixed text owns stdout; what was fixed goes to stderr with the report
    assert (result.returncode, result.stdout, result.stderr.splitlines()) == (
        0,
        text_of(VALID),
        fixed_lines("<stdin>"),
    )


def test_fix_report_says_what_was_fixed_on_which_line_of_the_input() -> None:
    """broken.fz: each fix with its code, title and 0-based line in the original text, in the
    order applied (a second round fixes what the first revealed: the duplicate that moving
    `n6 -> CICD.n7` into its lane made); the text is fixed_text's."""
    from fz_lsp.features.code_actions.fix_all import Fixed, fix_report

    text = read_exact(ROOT / "examples" / "broken.fz")
    fixed, report = fix_report(text)
    assert fixed == fixed_text(text)
    assert [(f.code, f.title, f.line) for f in report] == [
        ("unknown-shape", "Change the shape to `rectangle`", 3),
        ("unknown-attribute", "Change the attribute to `label`", 4),
        ("label-operator", "Use a colon: `:`", 5),
        ("bad-handle", "Change the direction to `right`", 12),
        ("missing-handle", "Add `.handle(left)`", 13),
        ("label-operator", "Use `=`: `=`", 14),
        ("missing-lane-prefix", "Add the lane prefix `CICD.`", 15),
        ("undefined-lane", "Change the lane prefix to `CICD`", 16),
        ("wrong-lane", "Change the lane prefix to `CICD`", 17),
        ("prefixed-source", "Remove the `Developer.` prefix", 20),
        ("duplicate-edge", "Remove the duplicate edge", 21),
        ("duplicate-edge", "Remove the duplicate edge", 23),
        ("edge-outside-source-lane", "Move the edge into lane `CICD`", 24),
        ("display-label-own-line", "Move the display label onto the `{` line", 30),
        ("missing-display-label", "Add the display label `# Ops`", 39),
        ("top-level-edge", "Move the edge into lane `Ops`", 42),
        ("duplicate-edge", "Remove the duplicate edge", 22),
    ]
    assert all(isinstance(f, Fixed) for f in report)
    assert fix_report(fixed) == (fixed, [])


def test_fixable_names_the_diagnostics_with_a_preferred_fix() -> None:
    from fz_lsp.features.code_actions.fix_all import fixable

    doc = Document('A { # A\nn1: rect label="a"\nn2: circle label:"b"\nn1.handle(right) -> n9.handle(left)\n}\n')
    codes = {(d.code, d.span.line) for d in check_diagnostics(doc, Settings())}
    assert ("unknown-shape", 1) in codes and ("undefined-node", 3) in codes
    assert {(code, span.line) for code, span in fixable(doc)} == {("unknown-shape", 1), ("label-operator", 1)}


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_check_fix_of_several_files_says_what_it_fixed_in_each_and_keeps_json_clean(tmp_path: Path):
    import json

    first, second = tmp_path / "a.fz", tmp_path / "b.fz"
    first.write_text(all_fixable_slips_at_once(), encoding="utf-8")
    second.write_text(text_of(variant(SLIPS[0])), encoding="utf-8")
    text = cli("check", "--fix", str(first), str(tmp_path / "missing.fz"), str(second))
    assert text.returncode == 2  # the missing file
    assert text.stdout.splitlines() == [
        *fixed_lines(first),
        f"{second}:3: fixed[syntax-error] Add `:` after `n2`",
        f"{second}: 1 problem fixed",
    ]
    first.write_text(all_fixable_slips_at_once(), encoding="utf-8")
    as_json = cli("check", "--fix", "--format", "json", str(first))
    assert (as_json.returncode, json.loads(as_json.stdout), as_json.stderr.splitlines()) == (0, [], fixed_lines(first))
    first.write_text(all_fixable_slips_at_once(), encoding="utf-8")
    french = cli("--lang", "fr", "check", "--fix", str(first))
    assert french.stdout.splitlines()[-1] == f"{first}\u00a0: 8 problèmes corrigés"
