"""One diagram of a docs page: checked, then drawn as SVG that can sit inline in an HTML page
beside others, or refused with every error at its place in the page's own file.

- The errors (severity error; warnings and hints do not stop a build) are reported as
  `fz-lsp check` prints them, `FILE:LINE:COLUMN: error[CODE] message`, where FILE, LINE and
  COLUMN are those of the page (or .fz file) the diagram is written in: `Placement` says
  where the diagram's first line is and how far its lines are indented there.
- A diagram with nothing to draw (no lane) is an error too: an empty fence is a mistake.
- The SVG's ids are made unique to the diagram (a hash of the SVG), so two diagrams on one
  page never share an arrowhead marker (a dark diagram would otherwise draw the arrowheads of
  a light one above it); it scales down to the page's width.

May import: fz_lsp.base, fz_lsp.analysis, fz_lsp.diagnostics, fz_lsp.render.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from fz_lsp.analysis.document import analyse
from fz_lsp.analysis.settings import Settings
from fz_lsp.analysis.views import THEMES, VIEWS
from fz_lsp.base import i18n
from fz_lsp.diagnostics import ERROR, check
from fz_lsp.render import render_svg

_MARKER_ID = "fz-arrow"  # the one id render/svg.py writes


@dataclass(frozen=True)
class Placement:
    """Where a diagram's text is written: `path` (as shown in messages), the 1-based line of
    its first line, the indentation its lines have there (added to columns), and
    `header_at`: the `FILE:LINE:COLUMN` of what gives its view and theme (a fence's line, a
    directive's), by default its first line."""

    path: str
    first_line: int = 1
    indent: int = 0
    header_at: str | None = None

    def at(self, line: int, column: int) -> str:
        """`path:LINE:COLUMN` of the diagram's 0-based (line, column)."""
        return f"{self.path}:{self.first_line + line}:{self.indent + column + 1}"

    @property
    def header(self) -> str:
        return self.header_at or f"{self.path}:{self.first_line}:1"


@dataclass(frozen=True)
class Problem:
    """Why a diagram cannot be published: `location` is `FILE:LINE:COLUMN`, `code` the
    diagnostic code (None for an unknown view, theme or attribute, or nothing to draw)."""

    location: str
    code: str | None
    message: str

    def __str__(self) -> str:
        """As `fz-lsp check` prints a diagnostic."""
        if self.code is None:
            return f"{self.location}: {self.message}"
        return f"{self.location}: error[{self.code}] {self.message}"


class DiagramErrors(ValueError):
    """The diagram cannot be published: `problems`, each at its place (str: one line each)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def embedded_svg(
    text: str,
    view: str = "workflow",
    theme: str = "light",
    where: Placement | None = None,
    language: str | None = None,
) -> str:
    """The diagram of `text` as inline SVG; DiagramErrors when `view` or `theme` is unknown,
    the text has errors, or it has nothing to draw. Messages in `language` (else the
    environment's)."""
    where = where or Placement("<diagram>")
    tr = i18n.translator(language or i18n.environment_language())
    _ = tr._
    head = where.header
    if view not in VIEWS:
        unknown = _("unknown view {view} (expected one of {choices})", view=repr(view), choices=", ".join(VIEWS))
        raise DiagramErrors([Problem(head, None, unknown)])
    if theme not in THEMES:
        unknown = _("unknown theme {theme} (expected one of {choices})", theme=repr(theme), choices=", ".join(THEMES))
        raise DiagramErrors([Problem(head, None, unknown)])
    doc = analyse(text)
    errors = [d for d in check(doc, Settings(locale=tr.language)) if d.severity == ERROR]
    if errors:
        raise DiagramErrors([Problem(where.at(d.span.line, d.span.start), d.code, d.message) for d in errors])
    if not doc.model.lanes:
        raise DiagramErrors([Problem(where.at(0, -where.indent), None, _("nothing to draw: the diagram has no lanes"))])
    return unique_ids(render_svg(doc.model, view, theme))


def unique_ids(svg: str) -> str:
    """`svg` with its ids made its own (a hash of the SVG: the same diagram twice on a page
    shares identical definitions, two different ones never do) and a width that follows
    the page (it never grows past its own size)."""
    own = f"{_MARKER_ID}-{hashlib.sha1(svg.encode('utf-8')).hexdigest()[:12]}"
    svg = svg.replace(f'id="{_MARKER_ID}"', f'id="{own}"').replace(f"url(#{_MARKER_ID})", f"url(#{own})")
    return svg.replace("<svg ", '<svg style="max-width:100%;height:auto" ', 1)
