"""Exporting a diagram as a file: `fz-lsp render -o OUT` in the format OUT's extension names
(or `--format`), never SVG text under another name, and the server's `flowzap.export`
(the editors' Export SVG / Export PNG and Neovim's :FlowZapExport), through the real command
line and a real server."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from conftest import EXAMPLES, Session, read_exact, run_cli
from fz_lsp.analysis.document import analyse
from fz_lsp.render import render_html, render_svg

GITOPS = EXAMPLES / "gitops.fz"


def test_the_extension_gives_the_format(tmp_path: Path):
    model = analyse(read_exact(GITOPS)).model
    for name, expected in (
        ("a.svg", render_svg(model, "sequence", "dark")),
        ("a.SVG", render_svg(model, "sequence", "dark")),
        ("a.html", render_html(model, "sequence", "dark", title="gitops.fz")),
        ("a.htm", render_html(model, "sequence", "dark", title="gitops.fz")),
    ):
        result = run_cli("render", str(GITOPS), "-o", str(tmp_path / name), "--view", "sequence", "--theme", "dark")
        assert (result.returncode, result.stderr) == (0, "")
        assert (tmp_path / name).read_text(encoding="utf-8") == expected


@pytest.mark.parametrize("name", ["flow.jpg", "flow.pdf", "flow", "flow.svg.txt"])
def test_an_unknown_extension_is_refused_and_nothing_is_written(tmp_path: Path, name: str):
    out = tmp_path / name
    result = run_cli("render", str(GITOPS), "-o", str(out))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"fz-lsp: cannot tell the format of {out}: name it .svg, .png or .html, or give --format\n"
    assert not out.exists()


def test_format_names_what_the_extension_does_not_and_may_not_contradict_it(tmp_path: Path):
    model = analyse(read_exact(GITOPS)).model
    out = tmp_path / "diagram.txt"
    result = run_cli("render", str(GITOPS), "-o", str(out), "--format", "svg")
    assert (result.returncode, out.read_text(encoding="utf-8")) == (0, render_svg(model))
    result = run_cli("render", str(GITOPS), "-o", str(tmp_path / "x.svg"), "--format", "html")
    assert (result.returncode, result.stderr) == (
        2,
        f"fz-lsp: {tmp_path / 'x.svg'} is named .svg but --format is html\n",
    )
    stdout = run_cli("render", str(GITOPS), "--format", "html")
    assert (stdout.returncode, stdout.stdout) == (0, render_html(model, title="gitops.fz"))
    assert run_cli("render", str(GITOPS)).stdout == render_svg(model) + "\n"  # SVG on stdout by default
    french = run_cli("--lang", "fr", "render", str(GITOPS), "-o", str(tmp_path / "x.jpg"))
    assert french.stderr.startswith(f"fz-lsp: impossible de savoir le format de {tmp_path / 'x.jpg'}\u00a0:")


# -- the server's flowzap.export ------------------------------------------------------------------


async def export(client: LanguageClient, arguments: dict) -> dict:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="flowzap.export", arguments=[arguments])
    )


@pytest.mark.asyncio(loop_scope="module")
async def test_the_export_command_answers_the_bytes_or_writes_the_file(
    session: Session, client: LanguageClient, tmp_path
):
    text = read_exact(GITOPS)
    uri = await session.open(text)
    await session.change(uri, 2, (1, 18), (1, 32), "Unsaved start")  # `n1: circle label:"Start a change"`
    model = analyse(text.replace('label:"Start a change"', 'label:"Unsaved start"', 1)).model
    answer = await export(client, {"uri": uri, "format": "svg", "view": "architecture", "theme": "dark"})
    assert (answer["format"], answer["view"], answer["theme"]) == ("svg", "architecture", "dark")
    assert base64.b64decode(answer["base64"]).decode("utf-8") == render_svg(model, "architecture", "dark")
    page = tmp_path / "gitops.html"
    written = await export(client, {"uri": uri, "path": str(page)})
    expected = render_html(model, title=uri.rsplit("/", 1)[-1]).encode("utf-8")
    assert written == {"format": "html", "path": str(page), "bytes": len(expected)}
    assert page.read_bytes() == expected
    for arguments, message in (
        ({"uri": uri, "path": str(tmp_path / "x.jpg")}, "cannot tell the format of"),
        ({"uri": uri, "path": "relative.svg"}, "path must be an absolute file name"),
        ({"uri": uri, "format": "gif"}, "unknown format 'gif'"),
        ({"uri": uri, "scale": "big"}, "scale must be a number"),
        ({"uri": uri, "path": str(tmp_path / "missing" / "x.svg")}, "cannot write"),
    ):
        with pytest.raises(Exception, match=message):
            await export(client, arguments)
    assert not (tmp_path / "x.jpg").exists()
