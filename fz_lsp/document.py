"""An analysed document: text, per-line statements, model and diagnostics.

`Document` is what every feature receives. It keeps the source as lines and one parsed
statement per line; an edit re-parses only the lines it touched (syntax.parse_line is
memoised by line text, and unchanged lines keep their statements). The model and the
diagnostics are rebuilt lazily, once per version, the first time a feature asks.

Pure Python: no pygls import.
"""

from __future__ import annotations

from typing import Optional

from fz_lsp import syntax
from fz_lsp.model import Model, build_model
from fz_lsp.settings import Settings
from fz_lsp.source import SourceText


class Document:
    def __init__(self, text: str, uri: str = "untitled:document", version: Optional[int] = None) -> None:
        self.uri = uri
        self.version = version
        self.source = SourceText(text)
        self.statements: list[syntax.Statement] = [syntax.parse_line(line) for line in self.source.lines]
        self.lines_parsed_last_edit = len(self.statements)
        self._model: Optional[Model] = None
        self._diagnostics: dict[Settings, list] = {}

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
        first, added = splice.first, splice.added
        fresh = [syntax.parse_line(line) for line in self.source.lines[first : first + added]]
        self.statements[first : first + splice.removed] = fresh
        self.lines_parsed_last_edit = added
        self._invalidate()

    def set_text(self, text: str) -> None:
        self.source = SourceText(text)
        self.statements = [syntax.parse_line(line) for line in self.source.lines]
        self.lines_parsed_last_edit = len(self.statements)
        self._invalidate()

    def _invalidate(self) -> None:
        self._model = None
        self._diagnostics.clear()

    # -- analysis -----------------------------------------------------------

    @property
    def model(self) -> Model:
        if self._model is None:
            self._model = build_model(self.source.lines, self.statements)
        return self._model

    def diagnostics(self, settings: Optional[Settings] = None) -> list:
        from fz_lsp.diagnostics import check

        settings = settings or Settings()
        found = self._diagnostics.get(settings)
        if found is None:
            found = self._diagnostics[settings] = check(self, settings)
        return found


def analyse(text: str, uri: str = "untitled:document") -> Document:
    """Parse and model `text` (convenience for the CLI, tests and benchmarks)."""
    return Document(text, uri)
