"""PNG pixels for the tests (stdlib zlib, no Pillow): `decode_png` (the RGB rows of a Chromium
screenshot), `rgba_rows` (the RGBA rows resvg writes) and `dark_pixels` (the ink of black text
on white)."""

from __future__ import annotations

import struct
import zlib


def _decode(data: bytes) -> tuple[int, int, int, list[bytes]]:
    """(width, height, channels, unfiltered rows) of an 8-bit, non-interlaced RGB or RGBA PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, chunk = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunk)
            assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat.append(chunk)
        elif kind == b"IEND":
            break
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    rows: list[bytes] = []
    previous = bytes(stride)
    for y in range(height):
        start = y * (stride + 1)
        row = _unfilter(raw[start], bytearray(raw[start + 1 : start + 1 + stride]), previous, channels)
        rows.append(row)
        previous = row
    return width, height, channels, rows


def decode_png(data: bytes) -> tuple[int, int, list[bytes]]:
    """(width, height, rows of RGB bytes) of an 8-bit, non-interlaced RGB or RGBA PNG."""
    width, height, channels, rows = _decode(data)
    return width, height, [_rgb(r, channels) for r in rows]


def rgba_rows(png: bytes) -> list[bytes]:
    """The pixel rows of an 8-bit RGBA PNG (what resvg writes), unfiltered."""
    _, _, channels, rows = _decode(png)
    assert channels == 4, "resvg writes 8-bit RGBA"
    return rows


def dark_pixels(png: bytes) -> list[tuple[int, int]]:
    """(x, y) of every dark pixel (the ink of black text on white)."""
    return [
        (x // 4, y)
        for y, row in enumerate(rgba_rows(png))
        for x in range(0, len(row), 4)
        if row[x + 3] > 128 and max(row[x : x + 3]) < 100
    ]


def _rgb(row: bytes, channels: int) -> bytes:
    if channels == 3:
        return row
    out = bytearray(len(row) // 4 * 3)
    out[0::3], out[1::3], out[2::3] = row[0::4], row[1::4], row[2::4]
    return bytes(out)


def _unfilter(kind: int, row: bytearray, above: bytes, bpp: int) -> bytes:
    """A row as it was before PNG's filter `kind` (none, sub, up, average, Paeth)."""
    if kind == 1:
        for i in range(bpp, len(row)):
            row[i] = (row[i] + row[i - bpp]) & 0xFF
    elif kind == 2:
        for i in range(len(row)):
            row[i] = (row[i] + above[i]) & 0xFF
    elif kind == 3:
        for i in range(len(row)):
            left = row[i - bpp] if i >= bpp else 0
            row[i] = (row[i] + ((left + above[i]) >> 1)) & 0xFF
    elif kind == 4:
        for i in range(len(row)):
            a = row[i - bpp] if i >= bpp else 0
            b = above[i]
            c = above[i - bpp] if i >= bpp else 0
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            predictor = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            row[i] = (row[i] + predictor) & 0xFF
    return bytes(row)
