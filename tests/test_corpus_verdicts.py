"""The real-world corpus: what fz-lsp says about each file matches SOURCES.md's verdicts.

Part of the corpus suite (collected only when ../shared/corpus or $FZ_CORPUS_DIR is there,
see conftest.py). The same behaviours are pinned on the project's own fixtures in
test_server_diagnostics.py and test_cli.py; here they are checked on FlowZap files written
by others, through a real server process and the command line.
"""

from __future__ import annotations

import json

import pytest
from lsprotocol import types

from support.commands import run_cli
from support.lsp import Session
from support.paths import CORPUS_DIR, corpus_files, read_exact
from support.published_diagnostics import assert_only_errors_of_the_cut, errors, triples

pytestmark = [
    pytest.mark.slow,  # the corpus sweep: deselected by -m "not slow"
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.filterwarnings("ignore:The test <Function .* is marked with '@pytest.mark.asyncio'"),
]

# SOURCES.md: "valid" (no errors; warnings and hints allowed)
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
SKELETON = "mcp-syntax-v1-0-2-skeleton-placeholder.fz"  # SOURCES.md: errors
TRUNCATED = [p.name for p in corpus_files("truncated/*.partial")]


def sources_md_files() -> list[str]:
    """The file names in SOURCES.md's tables (first column)."""
    text = (CORPUS_DIR / "SOURCES.md").read_text(encoding="utf-8")
    return [line.split("|")[1].strip() for line in text.splitlines() if line.startswith("| ") and ".fz" in line]


def test_sources_md_lists_every_corpus_file():
    on_disk = [p.relative_to(CORPUS_DIR).as_posix() for p in corpus_files("*.fz") + corpus_files("truncated/*.partial")]
    assert sorted(sources_md_files()) == sorted(on_disk)
    assert {p.name for p in corpus_files("*.fz")} == set(VALID) | {SKELETON}


@pytest.mark.parametrize("name", VALID)
async def test_valid_corpus_file_has_no_errors(session: Session, name: str):
    uri = await session.open(read_exact(CORPUS_DIR / name), name.removesuffix(".fz"))
    assert errors(session.diagnostics(uri)) == []
    session.close(uri)


async def test_old_style_display_labels_get_hint_only(session: Session):
    uri = await session.open(read_exact(CORPUS_DIR / "mcp-syntax-v1-0-2-order-processing.fz"))
    diags = session.diagnostics(uri)
    assert [(d.code, d.severity) for d in diags] == [
        ("display-label-own-line", types.DiagnosticSeverity.Hint),
        ("display-label-own-line", types.DiagnosticSeverity.Hint),
    ]
    assert triples(diags) == [(1, 2, 14), (13, 2, 15)]


async def test_skeleton_placeholder_errors(session: Session):
    uri = await session.open(read_exact(CORPUS_DIR / SKELETON))
    diags = errors(session.diagnostics(uri))
    assert [(d.code, *triples([d])[0]) for d in diags] == [
        ("unknown-shape", 2, 6, 15),
        ("undefined-node", 3, 22, 24),
    ]


async def test_orphan_dont_example_warns_about_the_orphan(session: Session):
    uri = await session.open(read_exact(CORPUS_DIR / "guidelines-sequence-orphan-dont.fz"))
    diags = session.diagnostics(uri)
    assert [(d.code, *triples([d])[0]) for d in diags] == [("orphan-node", 2, 0, 2)]


@pytest.mark.parametrize("name", TRUNCATED)
async def test_truncated_corpus_file_reports_only_errors_of_the_cut(session: Session, name: str):
    await assert_only_errors_of_the_cut(session, read_exact(CORPUS_DIR / "truncated" / name))


async def test_crlf_corpus_file_ranges(session: Session):
    text = read_exact(CORPUS_DIR / "wedding-readme-indented.fz")
    assert "\r\n" in text
    broken = text.replace("n4.handle(right) -> n5.handle(left)", "n4.handle(rigt) -> n5.handle(left)")
    uri = await session.open(broken)
    assert [(d.code, *triples([d])[0]) for d in errors(session.diagnostics(uri))] == [("bad-handle", 9, 12, 16)]
    # an edit spanning a CRLF keeps lines aligned
    diags = await session.change(uri, 2, (9, 12), (9, 16), "right")
    assert errors(diags) == []


# ---------------------------------------------------------------------------
# the command line


def test_valid_corpus_exits_zero():
    result = run_cli("check", "--no-hints", *(str(CORPUS_DIR / name) for name in VALID), text=False)
    assert result.returncode == 0, result.stdout.decode()
    # only the docs' own anti-example has something to say (a warning)
    assert result.stdout.decode().splitlines() == [
        f"{CORPUS_DIR / 'guidelines-sequence-orphan-dont.fz'}:3:1: warning[orphan-node] "
        + "`n2` is not connected: no edge starts or ends at it"
    ]


def test_skeleton_json_report():
    result = run_cli("check", "--format", "json", str(CORPUS_DIR / SKELETON), text=False)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert [(r["line"], r["column"], r["endColumn"], r["severity"], r["code"]) for r in report] == [
        (2, 3, 22, "hint", "display-label-own-line"),
        (3, 7, 16, "error", "unknown-shape"),
        (4, 23, 25, "error", "undefined-node"),
    ]


def test_every_corpus_file_is_checked_without_crashing():
    files = [str(p) for p in corpus_files("*.fz") + corpus_files("truncated/*.partial")]
    result = run_cli("check", "--format", "json", *files, text=False)
    assert result.returncode == 1  # the skeleton placeholder and the truncated files have errors
    assert "Traceback" not in result.stderr.decode()
    json.loads(result.stdout)
