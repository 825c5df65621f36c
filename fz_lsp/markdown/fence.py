"""The SuperFences validator and formatter of ```` ```flowzap ```` fences, with the signatures
pymdownx.superfences calls: `fence_validator(language, inputs, options, attrs, md)` and
`fence_format(source, language, class_name, options, md, **kwargs)`.

- `view` and `theme` are the fence's attributes (```` ```flowzap view="sequence" ````; SuperFences
  takes `key="value"` after the name only from a validator, which keeps them all as options);
  an unknown attribute or value is an error at the fence's line. The fence's `{.class #id}`
  and `class_name` go to the `<div>` around the SVG.
- A diagram that cannot be drawn raises one exception that SuperFences passes on (a
  SuperFencesException) and MkDocs reports as a build error (a PluginError, when MkDocs is
  installed): the build stops with the page's file and the line and column of each error.
  The line is found by reading the page's file (MkDocs hands its File to the Markdown
  instance; front matter included), else in the Markdown being converted.

May import: fz_lsp.base, fz_lsp.embed.
"""

from __future__ import annotations

import html
import os
import re
from functools import cache
from typing import Any

from fz_lsp.embed import DiagramErrors, Placement, Problem, embedded_svg

FENCE_NAME = "flowzap"
_FENCE_OPEN = re.compile(r"([ \t]*)(`{3,}|~{3,})[ \t]*(?:\{[ \t]*)?\.?" + FENCE_NAME + r"\b")


@cache
def _error_class() -> type[Exception]:
    """An exception SuperFences re-raises (it swallows others, leaving the fence as code)
    and MkDocs reports as one clean build error (no traceback)."""
    bases: list[type[Exception]] = []
    try:
        from pymdownx.superfences import SuperFencesException

        bases.append(SuperFencesException)
    except ImportError:  # Python-Markdown without SuperFences calling us: any exception will do
        pass
    try:
        from mkdocs.exceptions import PluginError

        bases.append(PluginError)
    except ImportError:
        pass
    return type("FlowZapFenceError", tuple(bases) or (ValueError,), {"__module__": __name__})


ATTRIBUTES = ("view", "theme")


def fence_validator(
    language: str, inputs: dict[str, str], options: dict[str, Any], attrs: dict[str, Any], md: Any
) -> bool:
    """Every attribute of the fence is an option; fence_format says which it does not know
    (where the fence is)."""
    options.update(inputs)
    return True


def fence_format(source: str, language: str, class_name: str, options: dict[str, Any], md: Any, **kwargs: Any) -> str:
    """The fence as `<div class="flowzap">` around the diagram's inline SVG."""
    attrs = dict(kwargs.get("attrs") or {})  # (from an attribute list, with attr_list on)
    given = {**{k: v for k, v in attrs.items() if k in ATTRIBUTES}, **options}
    attrs = {k: v for k, v in attrs.items() if k not in ATTRIBUTES}
    unknown = sorted(k for k in given if k not in ATTRIBUTES)
    try:
        where = _placement(source, md)
        if unknown:
            raise DiagramErrors([Problem(where.header, None, _unknown_attribute(unknown[0]))])
        svg = embedded_svg(source, str(given.get("view", "workflow")), str(given.get("theme", "light")), where)
    except DiagramErrors as errors:
        raise _error_class()("FlowZap diagram with errors:\n" + str(errors)) from None
    except Exception as bug:  # SuperFences would swallow it and leave the fence as code
        raise _error_class()(f"fz-lsp could not draw a FlowZap fence: {bug!r}") from bug
    classes = [c for c in [class_name, *(kwargs.get("classes") or [])] if c]
    out = ["<div"]
    if kwargs.get("id_value"):
        out.append(f' id="{html.escape(str(kwargs["id_value"]))}"')
    if classes:
        out.append(f' class="{html.escape(" ".join(classes))}"')
    out.extend(f' {html.escape(str(k))}="{html.escape(str(v))}"' for k, v in attrs.items())
    out.append(f">{svg}</div>")
    return "".join(out)


def _unknown_attribute(name: str) -> str:
    from fz_lsp.base import i18n

    return i18n.translator(i18n.environment_language())._(
        "unknown attribute {name} on a flowzap fence (expected view or theme)", name=repr(name)
    )


def _placement(source: str, md: Any) -> Placement:
    """Where the fence's first line is: in the page's file when MkDocs says which it is,
    else in the Markdown being converted (a page with front matter is then off by it)."""
    path, lines = None, None
    treeprocessors = getattr(md, "treeprocessors", None)
    relpath = treeprocessors["relpath"] if treeprocessors is not None and "relpath" in treeprocessors else None
    page_file = getattr(relpath, "file", None)
    absolute = getattr(page_file, "abs_src_path", None)
    if absolute:
        try:
            with open(absolute, encoding="utf-8-sig") as f:
                lines = f.read().splitlines()
            path = os.path.relpath(absolute)
        except (OSError, UnicodeDecodeError, ValueError):
            lines = None
    if path is None:
        path = getattr(page_file, "src_uri", None) or "<markdown>"
    if lines is None:
        lines = list(getattr(md, "lines", None) or [])
    found = _fence_position(lines, source)
    if found is None:  # (a fence inside a block quote, say): lines of the diagram itself
        return Placement(f"{path} (FlowZap fence)")
    first_line, indent = found
    return Placement(path, first_line, indent, header_at=f"{path}:{first_line - 1}:{indent + 1}")


def _fence_position(lines: list[str], source: str) -> tuple[int, int] | None:
    """(1-based line of the first line of the first flowzap fence holding `source`, the
    fence's indentation), or None."""
    wanted = source.split("\n")
    for k, line in enumerate(lines):
        m = _FENCE_OPEN.match(line)
        if m is None:
            continue
        indent = len(m.group(1))
        body = [text[indent:] for text in lines[k + 1 : k + 1 + len(wanted)]]
        if body == wanted:
            return k + 2, indent
    return None
