"""Exporting a diagram as a file: `fz-lsp render -o OUT` in the format OUT's extension names
(or `--format`), never SVG text under another name, and the server's `flowzap.export`
(the editors' Export SVG / Export PNG and Neovim's :FlowZapExport), through the real command
line and a real server."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from fz_lsp.analysis.document import analyse
from fz_lsp.render import render_html, render_svg
from support.commands import run_cli
from support.lsp import Session
from support.paths import EXAMPLES, read_exact
from support.png_pixels import dark_pixels

GITOPS = EXAMPLES / "gitops.fz"


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
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


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
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
@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
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


# -- PNG --------------------------------------------------------------------------------------------

png = pytest.importorskip("fz_lsp.render.png")
needs_resvg = pytest.mark.skipif(not png.available(), reason="resvg-py is not installed (the test extra has it)")


@needs_resvg
@pytest.mark.parametrize(("args", "scale"), [((), 1), (("--scale", "2"), 2), (("--scale", "0.5"), 0.5)])
@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_render_writes_a_png_of_the_svg_size_times_the_scale(tmp_path: Path, args: tuple, scale: float):
    out = tmp_path / "gitops.png"
    result = run_cli("render", str(GITOPS), "-o", str(out), "--theme", "dark", *args)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    svg = render_svg(analyse(read_exact(GITOPS)).model, "workflow", "dark")
    assert png.png_size(out.read_bytes()) == png.pixel_size(svg, scale)
    assert out.read_bytes() == png.svg_to_png(svg, scale)  # the one rasterizer, render/png.py
    stdout = run_cli("render", str(GITOPS), "--format", "png", "--theme", "dark", *args, text=False)
    assert stdout.stdout == out.read_bytes()  # PNG on stdout with --format png


@needs_resvg
@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_cjk_emoji_and_accented_labels_come_out_as_glyphs_through_the_cli(tmp_path: Path):
    def drawn(label: str) -> bytes:
        source = tmp_path / "label.fz"
        source.write_text(f'A {{ # A\nn1: rectangle label:"{label}"\n}}\n', encoding="utf-8")
        result = run_cli("render", str(source), "-o", str(tmp_path / "label.png"))
        assert result.returncode == 0, result.stderr
        return (tmp_path / "label.png").read_bytes()

    boxes_a, boxes_b = drawn("\u0378\u0379\u0380\u0381"), drawn("\u0381\u0380\u0379\u0378")  # no font has these
    assert boxes_a == boxes_b  # boxes (or nothing) look the same whatever the order
    cjk_a, cjk_b = drawn("部署流程"), drawn("程流署部")
    assert cjk_a != cjk_b and cjk_a != boxes_a  # glyphs: each ideograph its own shape
    assert len(dark_pixels(cjk_a)) > 1.5 * len(dark_pixels(boxes_a))  # the ink of real strokes (204 vs 110 here)
    assert drawn("Café crème") != drawn("Cafe creme")  # the accents are drawn


@needs_resvg
@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_bad_scales_and_pictures_too_large_are_one_line(tmp_path: Path):
    out = tmp_path / "x.png"
    for scale, message in (
        ("20", "the scale must be from 0.1 to 10, not 20"),
        ("0", "the scale must be from 0.1 to 10, not 0"),
    ):
        result = run_cli("render", str(GITOPS), "-o", str(out), "--scale", scale)
        assert (result.returncode, result.stderr) == (2, f"fz-lsp: {message}\n")
        assert not out.exists()
    result = run_cli("render", str(GITOPS), "-o", str(out), "--scale", "big")
    assert result.returncode == 2 and "--scale: invalid float value: 'big'" in result.stderr


def test_a_png_without_the_rasterizer_says_how_to_install_it(tmp_path: Path):
    """Under `python -S` (no site-packages: no resvg-py), the one line of render/png.py."""
    import subprocess
    import sys

    from support.paths import ROOT

    lark_dir = Path(__import__("lark").__file__).parent.parent  # fz-lsp itself needs lark
    env = {"PYTHONPATH": f"{ROOT}{__import__('os').pathsep}{tmp_path / 'site'}", "LANGUAGE": "en"}
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "lark").symlink_to(lark_dir / "lark")
    result = subprocess.run(
        [sys.executable, "-S", "-m", "fz_lsp", "render", str(GITOPS), "-o", str(tmp_path / "x.png")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert (result.returncode, result.stderr) == (
        2,
        "fz-lsp: PNG export needs the resvg-py package: pip install 'fz-lsp[png]'\n",
    )
    assert not (tmp_path / "x.png").exists()


@needs_resvg
@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
async def test_the_export_command_draws_png_for_the_editors(session: Session, client: LanguageClient, tmp_path):
    text = read_exact(GITOPS)
    uri = await session.open(text)
    svg = render_svg(analyse(text).model, "sequence", "dark")
    answer = await export(client, {"uri": uri, "format": "png", "view": "sequence", "theme": "dark", "scale": 2})
    assert base64.b64decode(answer["base64"]) == png.svg_to_png(svg, 2)
    written = await export(client, {"uri": uri, "path": str(tmp_path / "g.png"), "view": "sequence", "theme": "dark"})
    assert (tmp_path / "g.png").read_bytes() == png.svg_to_png(svg, 1)
    assert written["format"] == "png" and written["bytes"] == (tmp_path / "g.png").stat().st_size
    with pytest.raises(Exception, match=re.escape("the scale must be from 0.1 to 10, not 50")):
        await export(client, {"uri": uri, "format": "png", "scale": 50})
