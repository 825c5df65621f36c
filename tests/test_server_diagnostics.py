"""Diagnostics end to end: a real fz-lsp process, driven by pytest-lsp."""

from __future__ import annotations

import re

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from conftest import SERVER_COMMAND, SERVER_ENV, Session, corpus_files, initialize_params, read_exact
from diagnostic_cases import CASES, Case

pytestmark = pytest.mark.asyncio(loop_scope="module")

VALID = [
    "gitops-deployment.fz",
    "guidelines-decision-branch.fz",
    "guidelines-sequence-orphan-dont.fz",
    "guidelines-sequence-request-response-do.fz",
    "guidelines-simple-loop.fz",
    "guidelines-single-lane-minimal.fz",
    "guidelines-taskbox-ops.fz",
    "guidelines-two-lane-user-app.fz",
    "mcp-artifact-fallback-http-logs.fz",
    "mcp-readme-v1-2-order-processing.fz",
    "mcp-syntax-v1-0-2-order-processing.fz",
    "skill-ref-auth-three-lane-loop-spaced.fz",
    "skill-ref-order-service-single-lane.fz",
    "skill-two-lane-request-result-pingpong.fz",
    "skill-two-lane-user-app-spaced.fz",
    "wedding-readme-indented.fz",
]


def triples(diags, code=None):
    return [
        (d.range.start.line, d.range.start.character, d.range.end.character)
        for d in diags
        if code is None or d.code == code
    ]


def errors(diags):
    return [d for d in diags if d.severity == types.DiagnosticSeverity.Error]


@pytest.mark.parametrize("case", [c for c in CASES if not c.settings], ids=lambda c: c.code)
async def test_each_code_on_its_exact_range(session: Session, case: Case):
    uri = await session.open(case.text, case.code)
    diags = session.diagnostics(uri)
    assert (case.line, case.start, case.end) in triples(diags, case.code), triples(diags)
    d = next(d for d in diags if d.code == case.code)
    assert d.source == "flowzap"
    assert d.range.start.line == d.range.end.line
    session.close(uri)


async def test_corpus_lists_match_sources_md():
    listed = set(VALID) | {"mcp-syntax-v1-0-2-skeleton-placeholder.fz"}
    assert {p.name for p in corpus_files()} == listed


@pytest.mark.parametrize("name", VALID)
async def test_valid_corpus_file_has_no_errors(session: Session, name: str):
    from conftest import CORPUS

    uri = await session.open(read_exact(CORPUS / name), name.removesuffix(".fz"))
    assert errors(session.diagnostics(uri)) == []
    session.close(uri)


async def test_old_style_display_labels_get_hint_only(session: Session):
    from conftest import CORPUS

    uri = await session.open(read_exact(CORPUS / "mcp-syntax-v1-0-2-order-processing.fz"))
    diags = session.diagnostics(uri)
    assert [(d.code, d.severity) for d in diags] == [
        ("display-label-own-line", types.DiagnosticSeverity.Hint),
        ("display-label-own-line", types.DiagnosticSeverity.Hint),
    ]
    assert triples(diags) == [(1, 2, 14), (13, 2, 15)]


async def test_skeleton_placeholder_errors(session: Session):
    from conftest import CORPUS

    uri = await session.open(read_exact(CORPUS / "mcp-syntax-v1-0-2-skeleton-placeholder.fz"))
    diags = errors(session.diagnostics(uri))
    assert [(d.code, *triples([d])[0]) for d in diags] == [
        ("unknown-shape", 2, 6, 15),
        ("undefined-node", 3, 22, 24),
    ]


async def test_orphan_dont_example_warns_about_the_orphan(session: Session):
    from conftest import CORPUS

    uri = await session.open(read_exact(CORPUS / "guidelines-sequence-orphan-dont.fz"))
    diags = session.diagnostics(uri)
    assert [(d.code, *triples([d])[0]) for d in diags] == [("orphan-node", 2, 0, 2)]


TRUNCATED = sorted(p.name for p in corpus_files("truncated/*.partial"))


@pytest.mark.parametrize("name", TRUNCATED)
async def test_truncated_file_reports_only_errors_of_the_cut(session: Session, name: str):
    from conftest import CORPUS

    text = read_exact(CORPUS / "truncated" / name)
    uri = await session.open(text, "partial")
    lines = text.split("\n")
    last_line = len(lines) - 1
    diags = errors(session.diagnostics(uri))
    # the cut line: a syntax error on the last line (or, if the cut fell between
    # statements, nothing there), and the lane left open
    assert {d.code for d in diags} <= {"syntax-error", "unclosed-lane", "undefined-node", "undefined-lane"}
    for d in diags:
        if d.code == "syntax-error":
            assert d.range.start.line == last_line
        if d.code == "unclosed-lane":
            header = lines[d.range.start.line]
            assert header.rstrip().endswith(header.split("{")[0].strip() + " { # " + header.split("# ", 1)[1].strip()) or "{" in header
            # it is the last lane of the file
            assert all("{" not in l for l in lines[d.range.start.line + 1 :])
    assert [d.code for d in diags].count("unclosed-lane") == 1
    declared = {int(m) for m in re.findall(r"^\s*n(\d+):", text, re.M)}
    lanes = set(re.findall(r"^\s*(\w+) \{", text, re.M))
    for d in diags:
        if d.code == "undefined-node":
            # only nodes whose declarations were cut away: numbered after every declared one
            name = lines[d.range.start.line][d.range.start.character : d.range.end.character]
            assert int(name[1:]) > max(declared), name
        if d.code == "undefined-lane":
            name = lines[d.range.start.line][d.range.start.character : d.range.end.character]
            assert name not in lanes


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
        ("orphan-node", 2, 0), ("undefined-node", 3, 20)]
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
    from conftest import CORPUS

    text = read_exact(CORPUS / "wedding-readme-indented.fz")
    assert "\r\n" in text
    broken = text.replace("n4.handle(right) -> n5.handle(left)", "n4.handle(rigt) -> n5.handle(left)")
    uri = await session.open(broken)
    assert [(d.code, *triples([d])[0]) for d in errors(session.diagnostics(uri))] == [("bad-handle", 9, 12, 16)]
    # an edit spanning a CRLF keeps lines aligned
    diags = await session.change(uri, 2, (9, 12), (9, 16), "right")
    assert errors(diags) == []


UNICODE = 'A { # Équipe 🚀\nn1: circle label:"开始 🎉"\nn2: rectangle label:"处理"\nn1.handle(right) -> n2.handle(rigth) [label="是 ✅"]\n}\n'


async def test_astral_characters_utf16(session: Session):
    text = UNICODE.replace('n2: rectangle label:"处理"', 'n2: rectangle label:"处理 🎯" owner="x"')
    uri = await session.open(text)
    diags = session.diagnostics(uri)
    # 'n2: rectangle label:"处理 🎯" ' : 🎯 is two UTF-16 units -> `owner` starts at 28
    assert ("unknown-attribute" not in [d.code for d in diags])
    assert triples(diags, "label-operator") == [(2, 33, 34)]
    assert triples(diags, "bad-handle") == [(3, 30, 35)]


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER_COMMAND, server_env=SERVER_ENV))
async def utf8_client(lsp_client: LanguageClient):
    result = await lsp_client.initialize_session(initialize_params(encodings=[types.PositionEncodingKind.Utf8]))
    assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf8
    yield
    await lsp_client.shutdown_session()


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


