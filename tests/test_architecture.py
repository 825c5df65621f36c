"""The shape of the package (ARCHITECTURE.md), checked the way rust-analyzer's tidy tests do:
by walking what is on disk and the import graph, not by trusting the map.

- one folder per layer, each with a docstring that says what it may import;
- at most six plain modules at the top of fz_lsp/;
- no import cycle between modules (imports inside functions count: grimp reads them;
  `TYPE_CHECKING` blocks do not, they never run);
- no module over 700 lines;
- only the render package's entry imports the workflow view.
The layer rules themselves are import-linter's contracts in pyproject.toml (`lint-imports`,
run by `bash scripts/dev.sh test`); a test here runs it too, so pytest alone catches a break.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support.paths import ROOT

PACKAGE = ROOT / "fz_lsp"
LAYERS = (
    "base",
    "syntax",
    "model",
    "analysis",
    "diagnostics",
    "features",
    "render",
    "embed",
    "lsp",
    "cli",
    "markdown",
    "sphinx",
)
MAX_MODULE_LINES = 700
MAX_TOP_LEVEL_MODULES = 6


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_every_layer_is_a_folder_that_says_what_it_may_import() -> None:
    for layer in LAYERS:
        init = PACKAGE / layer / "__init__.py"
        assert init.is_file(), f"fz_lsp/{layer}/ is missing"
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and "May import:" in doc, f"fz_lsp/{layer}/__init__.py: its docstring says what it may import"


def test_every_module_says_what_it_may_import_or_belongs_to_a_documented_layer() -> None:
    missing = []
    for path in _modules():
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        if path.name != "__main__.py" and not doc:
            missing.append(str(path.relative_to(ROOT)))
    assert missing == [], f"modules without a docstring: {missing}"


def test_few_plain_modules_at_the_top() -> None:
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL_MODULES, top


def test_no_module_is_over_700_lines() -> None:
    long = {}
    for path in _modules():
        n = len(path.read_text(encoding="utf-8").splitlines())
        if n > MAX_MODULE_LINES:
            long[str(path.relative_to(ROOT))] = n
    assert long == {}


def import_graph() -> dict[str, set[str]]:
    """module -> the fz_lsp modules it imports (function-level imports included)."""
    grimp = pytest.importorskip("grimp", reason="grimp comes with import-linter (the test extra)")
    graph = grimp.build_graph("fz_lsp", exclude_type_checking_imports=True)
    return {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles: strongly connected components of more than one module, or one
    that imports itself (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph.get(node, ()):
                    found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_cycles() -> None:
    assert strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert strongly_connected({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_between_modules() -> None:
    assert strongly_connected(import_graph()) == []


def test_only_the_render_entry_imports_the_workflow_view() -> None:
    """What the views share (text blocks, node contents, geometry, the workflow layout's data
    that svg.py draws) lives in modules of its own, not in the workflow view."""
    importers = {m for m, imported in import_graph().items() if "fz_lsp.render.workflow" in imported}
    assert importers == {"fz_lsp.render"}


def test_the_layer_contracts_hold() -> None:
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if lint is None:
        pytest.skip("lint-imports is not installed (it comes with the test extra)")
    run = subprocess.run([lint], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
