"""An analysed document: text, per-line statements and model.

`Document` is what every feature receives. It keeps the source as lines, one parsed
statement per line and one `LineFacts` per line (the nodes, edges and loops the line
declares). An edit re-parses only the lines it touched (syntax.parse_line is memoised by
line text) and rebuilds only their facts; lines below an insertion keep their facts, whose
spans follow their LineAnchor. The model (one relinking pass over the facts) is rebuilt
lazily, once per version, the first time a feature asks.

Layers above keep what they derive from a document in `derived` (under a key of their
own; fz_lsp.diagnostics keeps its diagnostics there) and tell a stale value by two
counters: `revision` moves with every edit, `link_revision` only with edits that changed
the model's links (an edit in place, such as typing in a label, keeps them).

May import: fz_lsp.base, fz_lsp.syntax, fz_lsp.model.
"""

from __future__ import annotations

from typing import Any

from fz_lsp import syntax
from fz_lsp.base.collector import collector_paused
from fz_lsp.base.source import SourceText
from fz_lsp.model import (
    LineAnchor,
    LineFacts,
    Model,
    build_model,
    can_retarget,
    line_facts,
    link_signature,
    retarget_edge,
)


class Document:
    def __init__(self, text: str, uri: str = "untitled:document", version: int | None = None) -> None:
        self.uri = uri
        self.version = version
        self._model: Model | None = None
        self.revision = 0  # moves with every edit
        self.link_revision = 0  # moves with every edit that changed the model's links
        self.derived: dict[object, Any] = {}  # what layers above derived from it, each under its own key
        self.in_place_edits = 0  # edits that kept the model (for tests and benchmarks)
        self.retargeted_edits = 0  # edits that kept the model but relinked edges
        self.set_text(text)

    def dispose(self) -> None:
        """The document is closed: break its model's cycles so that it is freed at once
        (see Model.dispose). It stays usable: the model is rebuilt if asked for again."""
        if self._model is not None:
            self._model.dispose()
            self._model = None
        self.derived.clear()

    # -- text ---------------------------------------------------------------

    @property
    def lines(self) -> list[str]:
        return self.source.lines

    @property
    def text(self) -> str:
        return self.source.text

    def replace(self, start: tuple[int, int], end: tuple[int, int], new_text: str) -> None:
        """Apply one edit given in code-point positions; re-parse only the touched lines."""
        splice = self.source.replace(start, end, new_text)
        first, added, removed = splice.first, splice.added, splice.removed
        fresh = [syntax.parse_line(line) for line in self.source.lines[first : first + added]]
        self.lines_parsed_last_edit = added
        if self._edit_in_place(first, removed, fresh) or self._retarget_in_place(first, removed, fresh):
            return
        self.statements[first : first + removed] = fresh
        self.facts[first : first + removed] = [LineFacts(LineAnchor(first + k), st) for k, st in enumerate(fresh)]
        if added != removed:  # lines below moved: renumber their anchors
            facts = self.facts
            for i in range(first + added, len(facts)):
                facts[i].anchor.line = i
        self._invalidate()

    def _edit_in_place(self, first: int, removed: int, fresh: list[syntax.Statement]) -> bool:
        """Keep the model when the edit changes no link: same number of lines, each with the
        same link signature, all inside lanes. Only the lines' own objects are updated
        (their `derived` emptied); `link_revision` stays, so what was derived from the
        links (the document-wide diagnostics) stays valid."""
        model = self._model
        if model is None or removed != len(fresh):
            return False
        for k, st in enumerate(fresh):
            i = first + k
            if model.line_lane[i] is None or link_signature(self.facts[i].statement) != link_signature(st):
                return False
        for k, st in enumerate(fresh):
            i = first + k
            fact = self.facts[i]
            fact.take_content(LineFacts(fact.anchor, st))
            self.statements[i] = st
        self.in_place_edits += 1
        self.revision += 1
        return True

    def _retarget_in_place(self, first: int, removed: int, fresh: list[syntax.Statement]) -> bool:
        """Keep the model when the edit changes only what edges point at (an id, prefix or
        handle typed in an edge line that stays an edge): those edges are relinked alone
        (model.retarget_edge) instead of every line; `link_revision` moves."""
        model = self._model
        if model is None or removed != len(fresh):
            return False
        if not all(can_retarget(model, self.facts[first + k], st) for k, st in enumerate(fresh)):
            return False
        for k, st in enumerate(fresh):
            retarget_edge(model, self.facts[first + k], st)
            self.statements[first + k] = st
        self.retargeted_edits += 1
        self.revision += 1
        self.link_revision += 1
        return True

    def set_text(self, text: str) -> None:
        with collector_paused():
            self.source = SourceText(text)
            self.statements: list[syntax.Statement] = syntax.parse_lines(self.source.lines)
            self.facts: list[LineFacts] = line_facts(self.statements)
        syntax.save_templates()  # new line shapes, for the next process
        self.lines_parsed_last_edit = len(self.statements)
        self._invalidate()

    def _invalidate(self) -> None:
        self._model = None
        self.revision += 1
        self.link_revision += 1

    # -- analysis -----------------------------------------------------------

    @property
    def model(self) -> Model:
        if self._model is None:
            with collector_paused():
                self._model = build_model(self.source.lines, self.statements, self.facts, self.source.ends)
        return self._model


def analyse(text: str, uri: str = "untitled:document") -> Document:
    """Parse and model `text` (convenience for the CLI, tests and benchmarks)."""
    return Document(text, uri)
