"""A log-log SVG line chart in plain Python (no matplotlib): latency against document size.

    svg = line_chart({"keystroke": [(1074, 19.7), (10731, 350.0)]}, title="...")

Each series is a list of (lines, milliseconds) points. Dotted grey guides show what
linear growth (cost ∝ lines) looks like from the first point of each series, so a
series steeper than its guide grows faster than linearly.
"""

from __future__ import annotations

import math
from html import escape

COLORS = ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"]
DASHES = {"baseline": "4 3"}


def _bounds(lo: float, hi: float) -> tuple[float, float]:
    """log10 bounds: a little margin, snapped to 1-2-5 steps."""
    a, b = math.log10(lo), math.log10(hi)
    steps = [math.log10(m) for m in (1, 2, 5, 10)]
    fa, fb = math.floor(a), math.floor(b)
    a = fa + max(s for s in steps if fa + s <= a)
    b = fb + min(s for s in steps if fb + s >= b)
    return a, b if b > a else a + 1


def _fmt_ms(v: float) -> str:
    if v >= 1000:
        return f"{v / 1000:g} s"
    return f"{v:g} ms"


def _fmt_lines(v: float) -> str:
    return f"{v / 1000:g}k" if v >= 1000 else f"{v:g}"


def line_chart(
    series: dict[str, list[tuple[float, float]]],
    title: str = "",
    targets: dict[str, list[tuple[float, float]]] | None = None,
    width: int = 900,
    height: int = 540,
) -> str:
    """`targets` (same names as series) are drawn as hollow diamonds in the series' colour."""
    targets = targets or {}
    points = [(x, y) for pts in series.values() for x, y in pts if x > 0 and y > 0]
    points += [(x, y) for name, pts in targets.items() if name in series for x, y in pts if x > 0 and y > 0]
    if not points:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="120" viewBox="0 0 {width} 120">'
            f'<text x="20" y="60" font-family="sans-serif" font-size="14">{escape(title)}: no data</text></svg>\n'
        )
    xa, xb = _bounds(min(x for x, _ in points) / 1.3, max(x for x, _ in points) * 1.3)
    ya, yb = _bounds(min(y for _, y in points) / 1.3, max(y for _, y in points) * 1.3)
    legend_w = 270
    left, right, top, bottom = 70, width - legend_w, 40, height - 50
    pw, ph = right - left, bottom - top

    def sx(x: float) -> float:
        return left + (math.log10(x) - xa) / (xb - xa) * pw

    def sy(y: float) -> float:
        return bottom - (math.log10(y) - ya) / (yb - ya) * ph

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        'font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="{left}" y="24" font-size="15" font-weight="bold">{escape(title)}</text>',
    ]
    # grid: decades strong, 2 and 5 faint
    eps = 1e-9
    for d in range(math.floor(ya), math.ceil(yb) + 1):
        for m in (1, 2, 5):
            v = m * 10.0**d
            if not ya - eps <= math.log10(v) <= yb + eps:
                continue
            y = sy(v)
            stroke = "#cccccc" if m == 1 else "#eeeeee"
            out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="{stroke}"/>')
            out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#444">{_fmt_ms(v)}</text>')
    for d in range(math.floor(xa), math.ceil(xb) + 1):
        for m in (1, 2, 5):
            v = m * 10.0**d
            if not xa - eps <= math.log10(v) <= xb + eps:
                continue
            x = sx(v)
            stroke = "#cccccc" if m == 1 else "#eeeeee"
            out.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}" stroke="{stroke}"/>')
            out.append(f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle" fill="#444">{_fmt_lines(v)}</text>')
    out.append(f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#888"/>')
    out.append(
        f'<text x="{left + pw / 2:.0f}" y="{height - 12}" text-anchor="middle">document size (lines, log scale)</text>'
    )
    out.append(
        f'<text x="16" y="{top + ph / 2:.0f}" text-anchor="middle" transform="rotate(-90 16 {top + ph / 2:.0f})">'
        "latency p50 (log scale)</text>"
    )
    out.append(f'<clipPath id="plot"><rect x="{left}" y="{top}" width="{pw}" height="{ph}"/></clipPath>')
    ly = top + 8
    for i, (name, pts) in enumerate(series.items()):
        pts = sorted((x, y) for x, y in pts if x > 0 and y > 0)
        if not pts:
            continue
        color = COLORS[i % len(COLORS)]
        dash = next((d for k, d in DASHES.items() if k in name), "")
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        # linear guide from the first point to the right edge
        if len(pts) > 1:
            x0, y0 = pts[0]
            x1 = pts[-1][0]
            out.append(
                f'<line x1="{sx(x0):.1f}" y1="{sy(y0):.1f}" x2="{sx(x1):.1f}" y2="{sy(y0 * x1 / x0):.1f}" '
                f'stroke="{color}" stroke-opacity="0.35" stroke-width="1" stroke-dasharray="1 3" '
                'clip-path="url(#plot)"/>'
            )
        path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in pts)
        out.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"{dash_attr}/>')
        for x, y in pts:
            out.append(
                f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="3.5" fill="{color}"><title>{escape(name)}: '
                f"{_fmt_lines(x)} lines, {y:.2f} ms</title></circle>"
            )
        for x, y in targets.get(name, []):
            cx, cy = sx(x), sy(y)
            out.append(
                f'<path d="M{cx:.1f},{cy - 6:.1f} L{cx + 6:.1f},{cy:.1f} '
                f'L{cx:.1f},{cy + 6:.1f} L{cx - 6:.1f},{cy:.1f} Z" '
                f'fill="#ffffff" fill-opacity="0.6" stroke="{color}" stroke-width="1.5"><title>{escape(name)} target: '
                f"{_fmt_lines(x)} lines, {y:g} ms</title></path>"
            )
        out.append(
            f'<line x1="{right + 16}" y1="{ly:.0f}" x2="{right + 40}" y2="{ly:.0f}" '
            f'stroke="{color}" stroke-width="2"{dash_attr}/>'
        )
        out.append(f'<circle cx="{right + 28}" cy="{ly:.0f}" r="3.5" fill="{color}"/>')
        out.append(f'<text x="{right + 46}" y="{ly + 4:.0f}">{escape(name[:38])}</text>')
        ly += 20
    out.append(
        f'<line x1="{right + 16}" y1="{ly:.0f}" x2="{right + 40}" y2="{ly:.0f}" stroke="#888" stroke-dasharray="1 3"/>'
        f'<text x="{right + 46}" y="{ly + 4:.0f}" fill="#555">linear growth from the first point</text>'
    )
    if any(targets.get(name) for name in series):
        ly += 20
        out.append(
            f'<path d="M{right + 28},{ly - 6:.0f} L{right + 34},{ly:.0f} '
            f'L{right + 28},{ly + 6:.0f} L{right + 22},{ly:.0f} Z" '
            f'fill="none" stroke="#555" stroke-width="1.5"/>'
            f'<text x="{right + 46}" y="{ly + 4:.0f}" fill="#555">target (p50)</text>'
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"
