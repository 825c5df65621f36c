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
import itertools
import re
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


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
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


# -- ARCHITECTURE.md names only what exists ----------------------------------------------

ARCHITECTURE_MD = ROOT / "ARCHITECTURE.md"
# Paths the map may name before they land (work merged at the same time); empty between
# merges. Once a path exists the test fails until it is taken out of this set, so an
# exception cannot outlive its reason.
LANDING: frozenset[str] = frozenset()
_PATH_SUFFIXES = (".py", ".md", ".toml", ".lark", ".js", ".ts", ".fz", ".sh", ".json", "/")


def _backticked(text: str) -> list[str]:
    """The `code spans` of a Markdown text outside its fenced blocks."""
    outside = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    return re.findall(r"`([^`\n]+)`", outside)


def _named_paths(spans: list[str]) -> list[str]:
    return [s for s in spans if " " not in s and s.endswith(_PATH_SUFFIXES) and not s.startswith(("-", "."))]


def _path_exists(name: str) -> bool:
    """A path from the repository's root, or from fz_lsp/ (`lsp/protocol.py`); a bare file
    name (`pyproject.toml`, `lifecycle.py`) anywhere in the repository's own folders."""
    if "/" not in name:
        return (ROOT / name).exists() or any(
            next((ROOT / top).rglob(name), None) is not None for top in ("fz_lsp", "tests", "scripts", "benchmarks")
        )
    return (ROOT / name).exists() or (PACKAGE / name).exists()


def _namespaces() -> tuple[dict[str, set[str]], set[str]]:
    """owner -> the names it defines (a module's short name: its top-level names and, for a
    package, its modules; a class's name: its body, its `__slots__` and every `self.x =` of
    its methods), and every identifier fz_lsp and tests/support define or use."""
    owners: dict[str, set[str]] = {}
    everything: set[str] = set()
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module = path.parent.name if path.name == "__init__.py" else path.stem
        top = owners.setdefault(module, set())
        if path.name == "__init__.py":
            top.update(p.stem for p in path.parent.iterdir() if p.name != "__pycache__")
        for node in tree.body:
            top.update(_defined(node))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                names = owners.setdefault(node.name, set())
                for item in node.body:
                    names.update(_defined(item))
                    if isinstance(item, ast.Assign) and any(
                        isinstance(t, ast.Name) and t.id == "__slots__" for t in item.targets
                    ):
                        names.update(c.value for c in ast.walk(item.value) if isinstance(c, ast.Constant))
                for sub in ast.walk(node):
                    if (
                        isinstance(sub, ast.Attribute)
                        and isinstance(sub.ctx, ast.Store)
                        and isinstance(sub.value, ast.Name)
                        and sub.value.id == "self"
                    ):
                        names.add(sub.attr)
    for path in [*_modules(), *sorted((ROOT / "tests" / "support").glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            everything.update(_defined(node))
            if isinstance(node, ast.Name):
                everything.add(node.id)
            elif isinstance(node, ast.Attribute):
                everything.add(node.attr)
    everything.update(owners)
    return owners, everything


def _defined(node: ast.AST) -> set[str]:
    """The names a statement defines."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, ast.Assign):
        return {n.id for t in node.targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return {node.target.id}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in node.names}
    return set()


def test_every_path_architecture_md_names_exists() -> None:
    named = _named_paths(_backticked(ARCHITECTURE_MD.read_text(encoding="utf-8")))
    assert len(named) > 50, "the path finder finds the map's paths"
    missing = sorted({p for p in named if p not in LANDING and not _path_exists(p)})
    assert missing == [], f"ARCHITECTURE.md names paths that do not exist: {missing}"
    landed = sorted(p for p in LANDING if _path_exists(p))
    assert landed == [], f"{landed} exist now: take them out of LANDING"


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_every_name_architecture_md_qualifies_by_one_of_ours_exists() -> None:
    """`Publisher.schedule`, `to_lsp.diagnostic`, `FlowZapServer.documents`: when the part
    before a dot is one of our modules or classes, the part after it is defined there; a
    bare identifier (`place_unlinked`, `LARGE_DOCUMENT_LINES`) is defined or used in fz_lsp
    or tests/support (pygls's `_request_futures`, which fz_lsp reads, counts)."""
    owners, everything = _namespaces()
    unknown = []
    checked = 0
    for span in _backticked(ARCHITECTURE_MD.read_text(encoding="utf-8")):
        name = span.split("(", 1)[0]
        if not re.fullmatch(r"[A-Za-z_]\w*(\.\w+)*", name) or name.endswith((".py", ".md", ".toml", ".js")):
            continue
        parts = name.split(".")
        if len(parts) == 1:
            if "_" in name or name[0].isupper():  # an identifier, not a word such as `locale`
                checked += 1
                if name not in everything:
                    unknown.append(span)
            continue
        if parts[0] not in owners:  # not ours: `gc.freeze`, a setting's name
            continue
        for owner, attr in itertools.pairwise(parts):
            checked += 1
            if attr not in owners.get(owner, ()):
                unknown.append(span)
                break
    assert checked > 80, "the name finder finds the map's names"
    assert unknown == [], f"ARCHITECTURE.md names what fz_lsp does not define: {unknown}"
