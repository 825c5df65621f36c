"""PNG export: one of our SVG documents drawn as a PNG image, at 1x the SVG's size or scaled.

The one place that turns a diagram into pixels, for `fz-lsp render -o x.png`, the MCP
server's `flowzap_render` and the docs integrations alike. The rasterizer is resvg (the
`resvg-py` wheel: compiled Rust, no system library, no network, no subprocess), an optional
dependency: `pip install 'fz-lsp[png]'`.

Text. The SVG asks for FONT_FAMILY (render/textmeasure.py), whose widths the layout measured
with: DejaVu Sans first. resvg is told that the generic `sans-serif` and its default family are
DejaVu Sans too, so every run of text starts in the font the boxes were sized for. A character
DejaVu Sans lacks (CJK, emoji) falls back to the first font resvg knows that has it, in the
order fonts were loaded; loading the system's fonts itself, resvg would take them in the order
the file system lists them, and a CJK label came out in a serif face. So the fonts are handed
over in our order (`font_files`): the measured family, then sans-serif faces, then the rest,
serif and monospace last, regular faces first (resvg's fallback takes the first face that has
the character whatever its weight, so bold CJK text is drawn in the regular weight rather than
regular text in bold). On Debian `fonts-noto-cjk` gives CJK and `fonts-noto-color-emoji`
colour emoji (scripts/dev.sh installs both for the tests); without such fonts those characters
are drawn as empty boxes.

Size. resvg rounds the SVG's width and height to whole pixels, then multiplies by `scale` and
rounds again (half up both times): `pixel_size` says so before drawing, and the export
refuses a picture of more than MAX_PIXELS pixels instead of allocating gigabytes.

Pure Python around the rasterizer: no pygls import.
"""

from __future__ import annotations

import math
import os
import re
import struct
import sys
from functools import lru_cache
from pathlib import Path

from fz_lsp.render.textmeasure import FONT_FAMILY

MIN_SCALE = 0.1
MAX_SCALE = 10.0
# An RGBA canvas of this many pixels takes 4 bytes each while drawing: 160 MB at the bound. A
# 10,000-line diagram's workflow view at scale 1 is ~30 million.
MAX_PIXELS = 40_000_000
INSTALL_HINT = "PNG export needs the resvg-py package: pip install 'fz-lsp[png]'"

# the first family of the SVG's font stack, the one the layout measured text with
MEASURED_FAMILY = FONT_FAMILY.split(",")[0].strip().strip("'\"")

FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_ROOT_TAG = re.compile(r"<svg\b[^>]*>")
_LENGTH = r"\s*=\s*[\"']\s*([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*(?:px)?\s*[\"']"
_WIDTH = re.compile(r"\swidth" + _LENGTH)
_HEIGHT = re.compile(r"\sheight" + _LENGTH)


class PngExportError(ValueError):
    """The PNG cannot be made: a bad scale, a picture too large, an SVG the rasterizer rejects.
    `str(error)` is one sentence for the user."""


class PngUnavailable(RuntimeError):
    """The rasterizer is not installed; `str(error)` says how to install it."""


def available() -> bool:
    """Whether PNG export can run here (resvg-py is installed)."""
    try:
        import resvg_py  # noqa: F401
    except ImportError:
        return False
    return True


def font_directories() -> list[Path]:
    """Where the system and the user keep fonts (what resvg's own search covers)."""
    home = Path.home()
    if sys.platform == "darwin":
        return [Path("/System/Library/Fonts"), Path("/Library/Fonts"), home / "Library" / "Fonts"]
    if sys.platform == "win32":
        windows = Path(os.environ.get("WINDIR", r"C:\Windows"))
        local = Path(os.environ.get("LOCALAPPDATA", home / "AppData" / "Local"))
        return [windows / "Fonts", local / "Microsoft" / "Windows" / "Fonts"]
    data_home = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), data_home / "fonts", home / ".fonts"]


_NOT_REGULAR = ("bold", "black", "heavy", "light", "thin", "medium", "oblique", "italic", "condensed")


def _preference(path: Path) -> tuple[int, int, str]:
    """Fonts in the order resvg should try them for a character: the measured family's own
    files (DejaVuSans*.ttf, not its Mono), other sans-serif faces, the rest (emoji, symbols),
    serif and monospace faces last; regular faces before bold, light or slanted ones of their
    group, then by name."""
    name = path.name.lower()
    styled = int(any(word in name for word in _NOT_REGULAR))
    measured = MEASURED_FAMILY.replace(" ", "").lower()
    if name.startswith(measured) and "mono" not in name:
        rank = 0
    elif "serif" in name.replace("sansserif", "") or "mono" in name:
        rank = 3
    elif "sans" in name:
        rank = 1
    else:
        rank = 2
    return rank, styled, name


@lru_cache(maxsize=1)
def font_files() -> tuple[str, ...]:
    """Every font file in `font_directories()`, in `_preference` order (read once a process)."""
    found: list[Path] = []
    for directory in font_directories():
        if directory.is_dir():
            for folder, _, files in os.walk(directory, followlinks=True):
                found += [Path(folder, f) for f in files if f.lower().endswith(FONT_SUFFIXES)]
    return tuple(str(path) for path in sorted(set(found), key=_preference))


def svg_size(svg: str) -> tuple[float, float]:
    """The width and height (px) that the root element of `svg` declares.

    Our SVGs always carry both (render/svg.py); a document without them is refused rather than
    guessed at, since its pixel size could not be checked against MAX_PIXELS."""
    root = _ROOT_TAG.search(svg)
    width = _WIDTH.search(root.group(0)) if root else None
    height = _HEIGHT.search(root.group(0)) if root else None
    if width is None or height is None:
        raise PngExportError("the SVG has no <svg width=… height=…> in pixels, so its PNG size is unknown")
    return float(width.group(1)), float(height.group(1))


def _round_half_up(value: float) -> int:
    return math.floor(value + 0.5)


def check_scale(scale: object) -> float:
    """`scale` as a float, or PngExportError saying which scales are accepted."""
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not math.isfinite(scale):
        raise PngExportError(f"the scale must be a number from {MIN_SCALE:g} to {MAX_SCALE:g}, not {scale!r}")
    if not MIN_SCALE <= scale <= MAX_SCALE:
        raise PngExportError(f"the scale must be from {MIN_SCALE:g} to {MAX_SCALE:g}, not {scale:g}")
    return float(scale)


def pixel_size(svg: str, scale: float = 1.0) -> tuple[int, int]:
    """The width and height in pixels of `svg_to_png(svg, scale)`: each side of the SVG
    rounded to whole pixels, times `scale`, rounded again (half up), as resvg does."""
    scale = check_scale(scale)
    width, height = svg_size(svg)
    return (
        max(1, _round_half_up(_round_half_up(width) * scale)),
        max(1, _round_half_up(_round_half_up(height) * scale)),
    )


def png_size(png: bytes) -> tuple[int, int]:
    """The width and height written in a PNG's header."""
    if len(png) < 24 or not png.startswith(_PNG_SIGNATURE) or png[12:16] != b"IHDR":
        raise ValueError("not a PNG image")
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def svg_to_png(svg: str, scale: float = 1.0) -> bytes:
    """`svg` (one of our diagrams: render_svg's output) drawn as a PNG image, `scale` times
    the SVG's own size (1: one pixel per SVG unit; 2: for high-density screens).

    Raises PngExportError (a bad scale, more than MAX_PIXELS pixels, an SVG the rasterizer
    rejects) and PngUnavailable (resvg-py missing)."""
    width, height = pixel_size(svg, scale)
    if width * height > MAX_PIXELS:
        raise PngExportError(
            f"the PNG would be {width:,} x {height:,} pixels, more than the {MAX_PIXELS:,} allowed; "
            "use a smaller scale, or the SVG"
        )
    try:
        import resvg_py
    except ImportError as error:
        raise PngUnavailable(INSTALL_HINT) from error
    fonts = list(font_files())
    try:
        png = resvg_py.svg_to_bytes(
            svg_string=svg,
            zoom=float(scale),
            font_family=MEASURED_FAMILY,
            sans_serif_family=MEASURED_FAMILY,
            skip_system_fonts=bool(fonts),  # none found where we look: resvg's own search, in its order
            font_files=fonts or None,
        )
    except Exception as error:  # resvg-py raises ValueError, or a Rust panic's own exception type
        raise PngExportError(f"the rasterizer could not draw the SVG: {error}") from error
    return bytes(png)
