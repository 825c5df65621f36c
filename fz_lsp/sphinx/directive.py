"""The `.. flowzap::` directive: a .fz file (the argument, relative to the document, or to the
source folder when it starts with `/`) or the directive's content, with `:view:`
(workflow, sequence, architecture), `:theme:` (light, dark), `:class:` and `:name:`.

The diagram becomes a `<div class="flowzap">` holding its inline SVG (a raw HTML node: other
builders leave it out). A diagram that cannot be drawn is logged as an error at its place
(`FILE:LINE:COLUMN: ERROR: FlowZap CODE: message`, one per error), its text is shown as a
literal block instead, and the build ends with status 1 (`build-finished`); the documents
with such diagrams are read again by the next build, so their errors are never forgotten. A
.fz file is a dependency of its document: editing it rebuilds the page.

May import: fz_lsp.base, fz_lsp.analysis (views), fz_lsp.embed; sphinx and docutils.
"""

from __future__ import annotations

import os
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from fz_lsp.analysis.views import THEMES, VIEWS
from fz_lsp.base import i18n
from fz_lsp.embed import DiagramErrors, Placement, Problem, embedded_svg

logger = logging.getLogger(__name__)
_FAILED = "flowzap_failed_documents"  # the environment's attribute: docnames whose diagrams failed


def _failed(env: Any) -> set[str]:
    failed: set[str] | None = getattr(env, _FAILED, None)
    if failed is None:
        failed = set()
        setattr(env, _FAILED, failed)
    return failed


def _shown(path: str) -> str:
    """`path` relative to the working directory, as a terminal user can open it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return path


class FlowZapDirective(SphinxDirective):
    optional_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {
        "view": directives.unchanged_required,
        "theme": directives.unchanged_required,
        "class": directives.class_option,
        "name": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        source, line = self.get_source_info()
        header = Placement(_shown(source), line)
        view = self.options.get("view", "workflow")
        theme = self.options.get("theme", "light")
        tr = i18n.translator(i18n.environment_language())
        if self.arguments and self.content:
            return self._failure(
                [Problem(header.header, None, tr._("give the .fz file or the diagram's text, not both"))], ""
            )
        if not self.arguments and not self.content:
            return self._failure([Problem(header.header, None, tr._("give a .fz file or the diagram's text"))], "")
        if self.arguments:
            relative, absolute = self.env.relfn2path(self.arguments[0], self.env.docname)
            self.env.note_dependency(relative)
            try:
                with open(absolute, encoding="utf-8-sig") as f:
                    text = f.read()
            except (OSError, UnicodeDecodeError) as error:
                reason = tr._("cannot read {path}: {reason}", path=self.arguments[0], reason=_reason(error, tr))
                return self._failure([Problem(header.header, None, reason)], "")
            where = Placement(_shown(absolute), header_at=header.header)
        else:
            text = "\n".join(self.content)
            content_source, offset = self.content.items[0]
            where = Placement(_shown(content_source), offset + 1, _indent(content_source, offset), header.header)
        try:
            svg = embedded_svg(text, view, theme, where)
        except DiagramErrors as errors:
            return self._failure(errors.problems, text)
        container = nodes.container(classes=["flowzap", *self.options.get("class", [])])
        container += nodes.raw("", svg, format="html")
        self.add_name(container)
        return [container]

    def _failure(self, problems: list[Problem], text: str) -> list[nodes.Node]:
        for problem in problems:
            what = f"FlowZap {problem.code}: " if problem.code else "FlowZap: "
            logger.error(what + problem.message, location=problem.location)
        _failed(self.env).add(self.env.docname)
        return [nodes.literal_block(text, text)] if text else []


def _reason(error: BaseException, tr: i18n.Translator) -> str:
    if isinstance(error, UnicodeDecodeError):
        return tr._(
            "not valid UTF-8 (byte {byte} at offset {offset})",
            byte=f"0x{error.object[error.start]:02x}",
            offset=error.start,
        )
    if isinstance(error, FileNotFoundError):
        return tr._("no such file or directory")
    return str(error.strerror or error) if isinstance(error, OSError) else str(error)


def _indent(path: str, line: int) -> int:
    """The indentation of 0-based line `line` of the file at `path` (0 when unreadable)."""
    try:
        with open(path, encoding="utf-8-sig") as f:
            for k, text in enumerate(f):
                if k == line:
                    return len(text) - len(text.lstrip(" \t"))
    except (OSError, UnicodeDecodeError):
        pass
    return 0


# -- the environment's record of failed documents ---------------------------------------


def _purge(app: Any, env: Any, docname: str) -> None:
    _failed(env).discard(docname)


def _merge(app: Any, env: Any, docnames: set[str], other: Any) -> None:
    _failed(env).update(_failed(other) & set(docnames))


def _outdated(app: Any, env: Any, added: set[str], changed: set[str], removed: set[str]) -> list[str]:
    return sorted(_failed(env) - removed)  # read again, so that their errors are said again


def _finished(app: Any, exception: BaseException | None) -> None:
    if exception is None and _failed(app.env):
        app.statuscode = 1


def connect(app: Any) -> None:
    app.add_directive("flowzap", FlowZapDirective)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-get-outdated", _outdated)
    app.connect("build-finished", _finished)


__all__ = ["THEMES", "VIEWS", "FlowZapDirective", "connect"]
