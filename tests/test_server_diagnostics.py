"""Diagnostics end to end: a real fz-lsp process, driven by pytest-lsp."""

from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from fz_lsp.analysis.document import Document
from fz_lsp.analysis.settings import Settings
from fz_lsp.diagnostics import check as check_diagnostics
from support.commands import SERVER_COMMAND, SERVER_ENV
from support.diagnostic_cases import CASES, Case
from support.fixture_verdicts import VERDICTS
from support.lsp import Session, initialize_params
from support.paths import FIXTURES, fixture_files, read_exact
from support.published_diagnostics import assert_only_errors_of_the_cut, errors, triples

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.filterwarnings("ignore:The test <Function .* is marked with '@pytest.mark.asyncio'"),
]


def fixture_names() -> list[str]:
    return [p.relative_to(FIXTURES).as_posix() for p in fixture_files("*.fz") + fixture_files("truncated/*.partial")]


@pytest.mark.parametrize("case", [c for c in CASES if not c.settings], ids=lambda c: c.code)
@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
async def test_each_code_on_its_exact_range(session: Session, case: Case):
    uri = await session.open(case.text, case.code)
    diags = session.diagnostics(uri)
    assert (case.line, case.start, case.end) in triples(diags, case.code), triples(diags)
    d = next(d for d in diags if d.code == case.code)
    assert d.source == "flowzap"
    assert d.range.start.line == d.range.end.line
    session.close(uri)


def test_fixture_readme_describes_every_fixture():
    readme = (FIXTURES / "README.md").read_text(encoding="utf-8")
    described = [line.split("|")[1].strip() for line in readme.splitlines() if line.startswith("| ") and ".fz" in line]
    assert sorted(described) == sorted(fixture_names())
    # each has its verdict here (the whole-Mermaid file has its own test below)
    assert set(VERDICTS) | {"mermaid-only.fz"} == set(fixture_names())


@pytest.mark.parametrize("name", list(VERDICTS))
async def test_fixture_gets_exactly_its_verdict(session: Session, name: str):
    uri = await session.open(read_exact(FIXTURES / name), name.split("/")[-1].split(".")[0])
    diags = session.diagnostics(uri)
    assert sorted((d.code, d.range.start.line, int(d.severity)) for d in diags) == sorted(VERDICTS[name])
    assert all(d.source == "flowzap" and d.range.start.line == d.range.end.line for d in diags)
    session.close(uri)


async def test_a_whole_mermaid_file_is_one_error_per_line(session: Session):
    """tests/fixtures/mermaid-only.fz: a Mermaid flowchart saved as .fz. Every line is an
    error that says it is Mermaid (which code names it is up to the recovery)."""
    text = read_exact(FIXTURES / "mermaid-only.fz")
    uri = await session.open(text, "mermaid")
    diags = session.diagnostics(uri)
    assert [d.range.start.line for d in diags] == [0, 1, 2, 3]
    assert all(d.severity == types.DiagnosticSeverity.Error for d in diags)
    assert diags[0].code == "not-flowzap" and {d.code for d in diags} <= {"not-flowzap", "syntax-error"}
    assert all("Mermaid" in d.message for d in diags)


def test_sequence_rules_on_the_guidelines_do_and_dont():
    """With the opt-in sequence rules, the request that is never answered is flagged; the
    request with its reply is not."""
    on = Settings(sequence_rules=True)
    reply = check_diagnostics(Document(read_exact(FIXTURES / "weather-request-reply.fz")), on)
    assert reply == []
    dont = check_diagnostics(Document(read_exact(FIXTURES / "doorbell-orphan-no-reply.fz")), on)
    assert sorted((d.code, d.span.line, d.span.start, d.span.end) for d in dont) == [
        ("missing-reply", 3, 18, 20),
        ("orphan-node", 2, 0, 2),
    ]


async def test_old_style_display_labels_get_hint_only(session: Session):
    uri = await session.open(read_exact(FIXTURES / "hotel-old-display-label.fz"))
    diags = session.diagnostics(uri)
    assert [(d.code, d.severity) for d in diags] == [
        ("display-label-own-line", types.DiagnosticSeverity.Hint),
        ("display-label-own-line", types.DiagnosticSeverity.Hint),
    ]
    assert triples(diags) == [(1, 2, 14), (11, 2, 16)]


async def test_template_placeholder_errors(session: Session):
    uri = await session.open(read_exact(FIXTURES / "template-known-errors.fz"))
    diags = errors(session.diagnostics(uri))
    assert [(d.code, *triples([d])[0]) for d in diags] == [
        ("unknown-shape", 2, 4, 13),
        ("undefined-node", 4, 20, 22),
    ]


async def test_orphan_dont_example_warns_about_the_orphan(session: Session):
    uri = await session.open(read_exact(FIXTURES / "doorbell-orphan-no-reply.fz"))
    diags = session.diagnostics(uri)
    assert [(d.code, *triples([d])[0]) for d in diags] == [("orphan-node", 2, 0, 2)]


TRUNCATED = [p.name for p in fixture_files("truncated/*.partial")]


@pytest.mark.parametrize("name", TRUNCATED)
async def test_truncated_file_reports_only_errors_of_the_cut(session: Session, name: str):
    await assert_only_errors_of_the_cut(session, read_exact(FIXTURES / "truncated" / name))


async def test_fix_typed_in_clears_the_diagnostic(session: Session):
    text = 'A { # A\nn1: circle label:"a"\nn2: circle label:"b"\nn1.handle(rigth) -> n2.handle(left)\n}\n'
    uri = await session.open(text)
    assert triples(session.diagnostics(uri)) == [(3, 10, 15)]
    diags = await session.change(uri, 2, (3, 10), (3, 15), "right")
    assert diags == []


async def test_typing_an_id_in_an_edge_retargets_it(session: Session):
    """An edge line that stays an edge is relinked alone (Document._retarget_in_place):
    the diagnostics follow what it points at, keystroke by keystroke."""
    text = 'A { # A\nn1: circle label:"a"\nn2: circle label:"b"\nn1.handle(right) -> n2.handle(left)\n}\n'
    uri = await session.open(text)
    diags = await session.change(uri, 2, (3, 21), (3, 22), "9")  # -> n9: undefined, n2 orphaned
    assert [(d.code, d.range.start.line, d.range.start.character) for d in diags] == [
        ("orphan-node", 2, 0),
        ("undefined-node", 3, 20),
    ]
    diags = await session.change(uri, 3, (3, 21), (3, 22), "1")  # -> n1: a self-edge, n2 orphaned
    assert [d.code for d in diags] == ["orphan-node"] and diags[0].range.start.line == 2
    diags = await session.change(uri, 4, (3, 21), (3, 22), "2")  # back to n2
    assert diags == []


async def test_edit_that_breaks_then_restores_a_line(session: Session):
    text = 'A { # A\nn1: circle label:"a"\nn2: circle label:"b"\nn1.handle(right) -> n2.handle(left)\n}\n'
    uri = await session.open(text)
    diags = await session.change(uri, 2, (3, 20), (3, 35), "")
    # the broken edge still touches n1 (one mistake, one diagnostic); n2 is left unconnected
    assert [d.code for d in diags] == ["orphan-node", "syntax-error"]
    diags = await session.change(uri, 3, (3, 20), (3, 20), "n2.handle(left)")
    assert diags == []


async def test_close_clears_diagnostics(session: Session, client: LanguageClient):
    uri = await session.open('A { # A\nn1: rect label:"a"\n}\n')
    assert session.diagnostics(uri)
    session.close(uri)
    assert await session.wait_for(uri, None) == []


async def test_related_information_points_at_first_declaration(session: Session):
    uri = await session.open('A { # A\nn1: circle label:"a"\nn1: circle label:"b"\n}\n')
    (d,) = [d for d in session.diagnostics(uri) if d.code == "duplicate-node"]
    (rel,) = d.related_information
    assert rel.location.uri == uri
    assert (rel.location.range.start.line, rel.location.range.start.character) == (1, 0)


async def test_crlf_file_ranges(session: Session):
    text = read_exact(FIXTURES / "cake-order-crlf-indented.fz")
    assert "\r\n" in text
    broken = text.replace("n1.handle(right) -> n2.handle(left)", "n1.handle(rigt) -> n2.handle(left)")
    uri = await session.open(broken)
    assert [(d.code, *triples([d])[0]) for d in errors(session.diagnostics(uri))] == [("bad-handle", 5, 12, 16)]
    # an edit spanning a CRLF keeps lines aligned
    diags = await session.change(uri, 2, (5, 12), (5, 16), "right")
    assert errors(diags) == []


async def test_cr_only_file_ranges(session: Session):
    """Old Mac line endings: every CR ends a line (tests/fixtures/greenhouse-cr.fz)."""
    text = read_exact(FIXTURES / "greenhouse-cr.fz")
    assert "\n" not in text and text.count("\r") == 12
    broken = text.replace('n3: rectangle label:"Open the drip line"', 'n3: rectangel label:"Open the drip line"')
    uri = await session.open(broken)
    assert [(d.code, *triples([d])[0]) for d in errors(session.diagnostics(uri))] == [("unknown-shape", 8, 4, 13)]
    diags = await session.change(uri, 2, (8, 4), (8, 13), "rectangle")
    assert diags == []


async def test_cjk_and_emoji_fixture_ranges_are_utf16(session: Session):
    """A slip after CJK and an astral emoji on a line of tests/fixtures/bubble-tea-cjk-emoji.fz."""
    text = read_exact(FIXTURES / "bubble-tea-cjk-emoji.fz")
    line = 'n4: rectangle label:"收款 💳"'
    assert text.split("\n")[8] == line
    uri = await session.open(text.replace(line, line + ' owner="Mei"'))
    # code points: `owner` at 27, its `=` at 32; 💳 is two UTF-16 units, so the client sees 33
    assert triples(session.diagnostics(uri), "label-operator") == [(8, 33, 34)]


UNICODE = (
    "A { # Équipe 🚀\n"
    'n1: circle label:"开始 🎉"\n'
    'n2: rectangle label:"处理"\n'
    'n1.handle(right) -> n2.handle(rigth) [label="是 ✅"]\n'
    "}\n"
)


async def test_astral_characters_utf16(session: Session):
    text = UNICODE.replace('n2: rectangle label:"处理"', 'n2: rectangle label:"处理 🎯" owner="x"')
    uri = await session.open(text)
    diags = session.diagnostics(uri)
    # 'n2: rectangle label:"处理 🎯" ' : 🎯 is two UTF-16 units -> `owner` starts at 28
    assert "unknown-attribute" not in [d.code for d in diags]
    assert triples(diags, "label-operator") == [(2, 33, 34)]
    assert triples(diags, "bad-handle") == [(3, 30, 35)]


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER_COMMAND, server_env=SERVER_ENV))
async def utf8_client(lsp_client: LanguageClient):
    result = await lsp_client.initialize_session(initialize_params(encodings=[types.PositionEncodingKind.Utf8]))
    assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf8
    yield
    await lsp_client.shutdown_session()


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
async def test_astral_characters_utf8(utf8_client: LanguageClient):
    session = Session(utf8_client)
    text = UNICODE.replace('n2: rectangle label:"处理"', 'n2: rectangle label:"处理 🎯" owner="x"')
    uri = await session.open(text)
    diags = session.diagnostics(uri)
    # bytes: 'n2: rectangle label:"' = 21, 处理 = 6, ' ' = 1, 🎯 = 4, '" ' = 2, 'owner' = 5 -> '=' at 39
    assert triples(diags, "label-operator") == [(2, 39, 40)]
    assert triples(diags, "bad-handle") == [(3, 30, 35)]
    # an edit given in UTF-8 columns lands on the right characters
    diags = await session.change(uri, 2, (3, 30), (3, 35), "left")
    assert triples(diags, "bad-handle") == []
