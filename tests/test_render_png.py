"""PNG export (fz_lsp/render/png.py): the size of the picture, its scale, and text drawn as
glyphs in the font the layout measured, never as boxes."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from fz_lsp.analysis.document import analyse
from fz_lsp.render import render_svg
from fz_lsp.render.png import (
    MAX_PIXELS,
    MEASURED_FAMILY,
    PngExportError,
    available,
    pixel_size,
    png_size,
    svg_size,
    svg_to_png,
)
from fz_lsp.render.textmeasure import FONT_FAMILY, text_width
from support.paths import EXAMPLES
from support.png_pixels import dark_pixels, rgba_rows

if not available():
    pytest.skip("resvg-py is not installed (pip install -e '.[test]' installs it)", allow_module_level=True)


def label_png(label: str) -> bytes:
    """The workflow view of one rectangle labelled `label`, as a PNG."""
    doc = analyse(f'A {{ # A\nn1: rectangle label:"{label}"\n}}\n')
    return svg_to_png(render_svg(doc.model))


def text_svg(text: str, size: int) -> str:
    width = 60 + round(text_width(text, size))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{size * 2}">'
        f'<rect width="{width}" height="{size * 2}" fill="#fff"/>'
        f'<text x="30" y="{size * 1.4}" font-family="{FONT_FAMILY}" font-size="{size}" fill="#000">{text}</text></svg>'
    )


def fc_file(pattern: str) -> str:
    """The font file fontconfig picks for `pattern`."""
    return subprocess.run(["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True, check=True).stdout


def has_font(language: str) -> bool:
    if shutil.which("fc-list") is None:
        return False
    listed = subprocess.run(["fc-list", f":lang={language}", "family"], capture_output=True, text=True, check=False)
    return bool(listed.stdout.strip())


@pytest.mark.parametrize("view", ["workflow", "sequence", "architecture"])
@pytest.mark.parametrize("scale", [1, 2])
@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_png_is_the_svg_size_times_the_scale(view: str, scale: int) -> None:
    svg = render_svg(analyse((EXAMPLES / "gitops.fz").read_text(encoding="utf-8")).model, view)
    width, height = svg_size(svg)
    png = svg_to_png(svg, scale)
    assert png_size(png) == (round(width) * scale, round(height) * scale)
    assert png_size(png) == pixel_size(svg, scale)


def test_fractional_sizes_round_half_up_before_and_after_scaling() -> None:
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="100.5" height="50.2"><rect width="9" height="9"/></svg>'
    assert pixel_size(svg, 1) == (101, 50) == png_size(svg_to_png(svg, 1))
    assert pixel_size(svg, 1.5) == (152, 75) == png_size(svg_to_png(svg, 1.5))  # 151.5 -> 152, 75.0
    assert pixel_size(svg, 0.25) == (25, 13) == png_size(svg_to_png(svg, 0.25))  # 25.25 -> 25, 12.5 -> 13


@pytest.mark.parametrize(
    ("scale", "message"),
    [
        (0, "the scale must be from 0.1 to 10, not 0"),
        (-2, "the scale must be from 0.1 to 10, not -2"),
        (10.5, "the scale must be from 0.1 to 10, not 10.5"),
        (float("nan"), "the scale must be a number from 0.1 to 10, not nan"),
        (True, "the scale must be a number from 0.1 to 10, not True"),
        ("2", "the scale must be a number from 0.1 to 10, not '2'"),
    ],
)
def test_a_bad_scale_is_refused_with_one_sentence(scale: object, message: str) -> None:
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
    with pytest.raises(PngExportError) as raised:
        svg_to_png(svg, scale)  # type: ignore[arg-type]
    assert str(raised.value) == message


def test_a_picture_over_the_pixel_budget_is_refused_before_drawing() -> None:
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="8000" height="6000"/>'
    assert MAX_PIXELS < 8000 * 6000
    with pytest.raises(PngExportError) as raised:
        svg_to_png(svg)
    assert str(raised.value) == (
        "the PNG would be 8,000 x 6,000 pixels, more than the 40,000,000 allowed; use a smaller scale, or the SVG"
    )


def test_an_svg_without_a_size_or_that_resvg_rejects_is_an_error() -> None:
    with pytest.raises(PngExportError, match=r"has no <svg width=… height=…>"):
        svg_to_png('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"/>')
    with pytest.raises(PngExportError, match=r"^the rasterizer could not draw the SVG: .*non-XML character"):
        svg_to_png('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>\uffff</text></svg>')


def test_text_is_drawn_in_the_font_the_layout_measured() -> None:
    """The SVG's font stack resolves, in the rasterizer, to the very file fontconfig calls
    DejaVu Sans (the same pixels as a rasterizer given only that file), and the ink of a line
    of Latin text is as wide as textmeasure says (DejaVu Sans' advances, less the side bearings
    of the first and last letters)."""
    assert MEASURED_FAMILY == "DejaVu Sans"
    text, size = "Hamburgefonstiv Quick Brown", 60
    png = svg_to_png(text_svg(text, size))
    if shutil.which("fc-match"):
        found = fc_file("DejaVu Sans")
        assert found.endswith("DejaVuSans.ttf"), found
        import resvg_py

        alone = resvg_py.svg_to_bytes(
            svg_string=text_svg(text, size).replace(FONT_FAMILY, "DejaVu Sans"),
            skip_system_fonts=True,
            font_files=[found],
        )
        assert png == bytes(alone)
    columns = sorted({x for x, _ in dark_pixels(png)})
    ink = columns[-1] - columns[0] + 1
    assert abs(ink - text_width(text, size)) <= 0.02 * text_width(text, size), (ink, text_width(text, size))


@pytest.mark.skipif(not has_font("zh"), reason="no CJK font (apt-get install fonts-noto-cjk; scripts/dev.sh does)")
def test_cjk_labels_are_glyphs_not_boxes() -> None:
    """Two labels of the same four ideographs in another order draw different pixels; two
    labels of four characters no font has (unassigned code points, drawn as the same empty
    box or not at all) draw the same picture, so boxes could not pass the first check."""
    tofu_a, tofu_b = label_png("\u0378\u0379\u0380\u0381"), label_png("\u0381\u0380\u0379\u0378")
    assert tofu_a == tofu_b
    cjk_a, cjk_b = label_png("部署流程"), label_png("程流署部")
    assert png_size(cjk_a) == png_size(tofu_a)
    assert cjk_a != cjk_b
    assert cjk_a != tofu_a
    # in the sans-serif CJK face (resvg loading the system's fonts itself took a serif one)
    if shutil.which("fc-match"):
        face = fc_file("Noto Sans CJK SC")
        if face.endswith("NotoSansCJK-Regular.ttc"):
            import resvg_py

            svg = text_svg("部署 POS", 64)
            alone = resvg_py.svg_to_bytes(
                svg_string=svg.replace(FONT_FAMILY, "DejaVu Sans"),
                skip_system_fonts=True,
                font_files=[fc_file("DejaVu Sans"), face],
            )
            assert svg_to_png(svg) == bytes(alone)
    # and each ideograph has ink of its own: as many dark pixels as its strokes cover
    coverage = {ch: len(dark_pixels(svg_to_png(text_svg(ch, 64)))) for ch in "一部署流程"}
    assert len(set(coverage.values())) == 5, coverage
    assert 50 < coverage["一"] < min(coverage[ch] for ch in "部署流程") / 3, coverage  # one stroke against many


@pytest.mark.skipif(not has_font("und-zsye"), reason="no emoji font (apt-get install fonts-noto-color-emoji)")
def test_emoji_are_drawn_in_colour() -> None:
    rows = rgba_rows(svg_to_png(text_svg("\U0001f680", 64)))
    colourful = sum(
        1
        for row in rows
        for x in range(0, len(row), 4)
        if max(row[x : x + 3]) - min(row[x : x + 3]) > 80  # neither white, black nor grey
    )
    assert colourful > 200
