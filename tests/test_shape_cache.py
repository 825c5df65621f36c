"""The shape templates kept on disk between processes (fz_lsp/shape_cache.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fz_lsp.syntax import shape_cache, templates as syntax_templates
from support.paths import FIXTURES, fixture_files
from support.shape_cache_probe import assert_saved_templates_give_lark_s_statements, probe

NAMES = frozenset(syntax_templates._BUILDER_NAMES)
LIBRARY = FIXTURES / "library-hold.fz"
FIXTURE_FILES = fixture_files("*.fz") + fixture_files("truncated/*.partial")


@pytest.mark.slow
def test_a_second_process_parses_known_shapes_without_lark_and_gets_the_same_statements(tmp_path: Path):
    library = LIBRARY
    without_cache = probe("", library)
    first = probe(str(tmp_path), library)
    second = probe(str(tmp_path), library)
    assert without_cache["lark"] and first["lark"]
    assert not second["lark"]  # every line of the file had a saved template
    assert second["statements"] == first["statements"] == without_cache["statements"]
    saved = list(tmp_path.glob("shapes-*.json"))
    assert len(saved) == 1 and oct(saved[0].stat().st_mode & 0o777) == "0o600"


@pytest.mark.slow
def test_saved_templates_give_lark_s_statements_on_every_fixture(tmp_path: Path):
    assert_saved_templates_give_lark_s_statements(tmp_path, FIXTURE_FILES)


@pytest.mark.slow
def test_a_tampered_cache_file_is_checked_and_never_runs_code(tmp_path: Path):
    library = LIBRARY
    probe(str(tmp_path), library)
    path = next(tmp_path.glob("shapes-*.json"))
    data = json.loads(path.read_text())
    marker = tmp_path / "owned"
    evil = [
        f"lambda t: __import__('os').system('touch {marker}')",
        f"lambda t: open({str(marker)!r}, 'w')",
        "lambda t: LaneOpen(t[0], t[1], t[99])",  # an index past the shape's tokens
        "lambda t: Tok.__class__(t[0])",
        "lambda t: LaneOpen(t[0], t[1], t[2]) if 0 else None",
        "lambda t: LaneOpen(t[0])",  # passes the check, fails when called: lark takes over
        "lambda t: LaneOpen(t[0], t[1]",  # passes the check, no expression: its first build fails, lark takes over
        "lambda t: NodeDecl(t[0], t[0], t[0], t[0], t[0], t[0], t[0], t[0])",
    ]
    # every saved shape now maps to hostile source; the lines must be parsed by lark instead
    data["templates"] = [[shape, evil[k % len(evil)]] for k, (shape, _) in enumerate(data["templates"])]
    data["templates"].append(["not a shape", "lambda t: None"])
    data["templates"].append([["name"], 42])
    path.write_text(json.dumps(data))
    tampered = probe(str(tmp_path), library)
    assert not marker.exists()
    assert tampered["lark"]
    assert tampered["statements"] == probe("", library)["statements"]


@pytest.mark.slow
@pytest.mark.parametrize("content", ["", "not json", "[]", '{"format": 99, "templates": []}', '{"format": 1}'])
def test_an_unreadable_cache_file_is_ignored(tmp_path: Path, content: str):
    library = LIBRARY
    probe(str(tmp_path), library)
    next(tmp_path.glob("shapes-*.json")).write_text(content)
    assert probe(str(tmp_path), library)["statements"] == probe("", library)["statements"]


@pytest.mark.slow
def test_an_unwritable_cache_dir_is_no_error(tmp_path: Path):
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder should be")
    result = probe(str(blocked / "cache"), LIBRARY)
    assert result["lark"] and result["statements"]


@pytest.mark.parametrize(
    "source, shape, ok",
    [
        ("lambda t: LaneOpen(t[0], t[1], t[2])", ("name", "{", 4), True),
        ("lambda t: LaneOpen(t[0], t[1], t[3])", ("name", "{", 4), False),
        ("lambda t: Popen(t[0])", ("name",), False),
        ("lambda t: LaneOpen(t[0].text)", ("name",), False),
        ("lambda t: [t[0]]", ("name",), False),
        ("lambda t: LaneOpen(t[0]); 1", ("name",), False),
        ("lambda t: EdgeStmt((Endpoint(None, t[0], None), ), (), (), None)", ("name",), True),
    ],
)
def test_valid_source(source: str, shape: tuple, ok: bool):
    assert shape_cache.valid_source(source, shape, NAMES) is ok


def test_cache_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("FZ_LSP_CACHE_DIR", "")
    assert shape_cache.cache_dir() is None
    monkeypatch.delenv("FZ_LSP_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert shape_cache.cache_dir() == tmp_path / "fz-lsp"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert shape_cache.cache_dir() == Path.home() / ".cache" / "fz-lsp"
