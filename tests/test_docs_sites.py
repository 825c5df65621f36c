"""FlowZap diagrams in docs sites, built for real: an MkDocs site with ```` ```flowzap ```` fences
(pymdown-extensions' SuperFences, fz_lsp.markdown.fence_format) and a Sphinx project with the
`.. flowzap::` directive (fz_lsp.sphinx), each through its own command line. The pages hold
the diagrams' inline SVG; a broken diagram fails the build with its file, line and column."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from fz_lsp.embed import Placement, embedded_svg
from support.commands import SERVER_ENV
from support.paths import ROOT

pytest.importorskip("mkdocs", reason="MkDocs is in the test extra")
pytest.importorskip("pymdownx.superfences", reason="pymdown-extensions is in the test extra")
pytest.importorskip("sphinx", reason="Sphinx is in the test extra")

FLOW = (
    "Shop { # Web Shop\n"
    'n1: circle label:"Cart ready"\n'
    'n2: rectangle label:"Pay"\n'
    "n1.handle(right) -> n2.handle(left)\n"
    "n2.handle(bottom) -> Bank.n3.handle(top)\n"
    "}\n"
    "Bank { # Card Issuer\n"
    'n3: rectangle label:"Authorise"\n'
    "}\n"
)
BROKEN = FLOW.replace('n2: rectangle label:"Pay"', 'n2: rect label:"Pay"')  # line 3: `rect` at 4-8


def readme_block(language: str, containing: str) -> str:
    """The README's ```language block that contains `containing` (the copy-paste config)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (block,) = [b for b in re.findall(rf"^```{language}\n(.*?)^```", readme, flags=re.S | re.M) if containing in b]
    return block


# the site's configuration: the README's snippet as it is
MKDOCS_YML = "site_name: FlowZap test\n" + readme_block("yaml", "fz_lsp.markdown.fence_format")


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", *command], cwd=cwd, env=SERVER_ENV, capture_output=True, text=True, timeout=300
    )


def diagrams(page: str) -> list[str]:
    """The inline SVGs of an HTML page, in order."""
    return re.findall(r"<svg .*?</svg>", page, flags=re.S)


def indent(text: str, by: str) -> str:
    return "".join(by + line if line.strip() else line for line in text.splitlines(keepends=True))


# -- MkDocs ------------------------------------------------------------------------------------


def mkdocs_site(tmp_path: Path, page: str) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (tmp_path / "docs" / "index.md").write_text(page, encoding="utf-8")
    return tmp_path


@pytest.mark.slow  # real site builds
def test_mkdocs_build_draws_each_fence_as_inline_svg(tmp_path: Path):
    page = (
        "---\ntitle: Checkout\n---\n# Checkout\n\n"
        f"```flowzap\n{FLOW}```\n\n"
        "A list:\n\n"
        f'- the sequence, dark:\n\n    ```flowzap view="sequence" theme="dark"\n{indent(FLOW, "    ")}    ```\n\n'
        "```python\nprint('other fences are untouched')\n```\n"
    )
    site = mkdocs_site(tmp_path, page)
    result = run(["mkdocs", "build", "--strict"], site)
    assert result.returncode == 0, result.stderr
    html = (site / "site" / "index.html").read_text(encoding="utf-8")
    assert diagrams(html) == [embedded_svg(FLOW), embedded_svg(FLOW, "sequence", "dark")]
    assert html.count('<div class="flowzap"><svg ') == 2
    first, second = diagrams(html)
    assert 'class="fz-diagram fz-workflow fz-theme-light"' in first
    assert 'class="fz-diagram fz-sequence fz-theme-dark"' in second
    marker_ids = re.findall(r'<marker id="([^"]+)"', html)
    assert len(marker_ids) == 2 and len(set(marker_ids)) == 2  # each diagram its own arrowheads
    assert "other fences are untouched" in html


@pytest.mark.slow  # real site builds
def test_mkdocs_build_fails_on_a_broken_diagram_with_its_file_line_and_column(tmp_path: Path):
    page = "---\ntitle: Checkout\n---\n# Checkout\n\nSome text.\n\n```flowzap\n" + BROKEN + "```\n"
    site = mkdocs_site(tmp_path, page)
    result = run(["mkdocs", "build"], site)
    assert result.returncode == 1
    # the fence opens on line 8 (front matter counted), the diagram's line 3 is the file's 11
    assert (
        "docs/index.md:11:5: error[unknown-shape] Unknown shape `rect`. Did you mean `rectangle`? "
        "Shapes are `circle`, `rectangle`, `diamond` or `taskbox`." in result.stderr
    )
    assert "Aborted with a BuildError!" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.slow  # real site builds
def test_mkdocs_build_fails_on_an_unknown_view_or_attribute_at_the_fence(tmp_path: Path):
    site = mkdocs_site(tmp_path, f'# T\n\n  ```flowzap view="gantt"\n{indent(FLOW, "  ")}  ```\n')
    result = run(["mkdocs", "build"], site)
    assert result.returncode == 1
    assert "docs/index.md:3:3: unknown view 'gantt' (expected one of workflow, sequence, architecture)" in result.stderr
    (site / "docs" / "index.md").write_text(f'# T\n\n```flowzap size="big"\n{FLOW}```\n', encoding="utf-8")
    result = run(["mkdocs", "build"], site)
    assert result.returncode == 1
    assert "docs/index.md:3:1: unknown attribute 'size' on a flowzap fence (expected view or theme)" in result.stderr


def test_the_fence_formatter_works_in_python_markdown_without_mkdocs():
    import markdown

    from fz_lsp.markdown import fence_format, fence_validator

    fences = [{"name": "flowzap", "class": "flowzap", "format": fence_format, "validator": fence_validator}]
    converted = markdown.markdown(
        f'Text\n\n```flowzap theme="dark"\n{FLOW}```\n',
        extensions=["pymdownx.superfences"],
        extension_configs={"pymdownx.superfences": {"custom_fences": fences}},
    )
    assert converted == f'<p>Text</p>\n<div class="flowzap">{embedded_svg(FLOW, theme="dark")}</div>'
    with pytest.raises(Exception, match=r"<markdown>:8:5: error\[unknown-shape\]"):
        markdown.markdown(
            f"Text\n\n\n\n```flowzap\n{BROKEN}```\n",
            extensions=["pymdownx.superfences"],
            extension_configs={"pymdownx.superfences": {"custom_fences": fences}},
        )


# -- Sphinx ------------------------------------------------------------------------------------


def sphinx_project(tmp_path: Path, index: str, files: dict[str, str] | None = None) -> Path:
    (tmp_path / "conf.py").write_text('project = "FlowZap test"\nextensions = ["fz_lsp.sphinx"]\n', encoding="utf-8")
    (tmp_path / "index.rst").write_text(index, encoding="utf-8")
    for name, text in (files or {}).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def sphinx_build(project: Path) -> subprocess.CompletedProcess:
    # --no-color: Sphinx colours its messages whenever CI=true, and the tests read them as text
    return run(["sphinx", "-q", "--no-color", "-b", "html", ".", "_build"], project)


@pytest.mark.slow  # real site builds
def test_sphinx_build_draws_files_and_inline_diagrams(tmp_path: Path):
    index = (
        "Checkout\n========\n\n"
        ".. flowzap:: diagrams/checkout.fz\n   :view: architecture\n   :theme: dark\n   :name: checkout\n\n"
        f".. flowzap::\n   :class: wide\n\n{indent(FLOW, '   ')}\n"
    )
    project = sphinx_project(tmp_path, index, {"diagrams/checkout.fz": FLOW})
    result = sphinx_build(project)
    assert (result.returncode, result.stderr) == (0, "")
    html = (project / "_build" / "index.html").read_text(encoding="utf-8")
    assert diagrams(html) == [embedded_svg(FLOW, "architecture", "dark"), embedded_svg(FLOW)]
    assert re.search(r'<div class="flowzap docutils container" id="[^"]+">\s*<svg ', html)  # :name: gives an id
    assert re.search(r'<div class="flowzap wide docutils container">\s*<svg ', html)


@pytest.mark.slow  # real site builds
def test_sphinx_build_fails_on_broken_diagrams_with_their_files_and_lines_until_they_are_mended(tmp_path: Path):
    index = (
        "Checkout\n========\n\n"
        "* a list\n\n"
        f"  .. flowzap::\n     :view: sequence\n\n{indent(BROKEN, '     ')}\n"
        ".. flowzap:: diagrams/checkout.fz\n\n"
        ".. flowzap:: diagrams/checkout.fz\n   :theme: purple\n\n"
        ".. flowzap:: diagrams/missing.fz\n"
    )
    project = sphinx_project(tmp_path, index, {"diagrams/checkout.fz": BROKEN})
    result = sphinx_build(project)
    unknown_shape = (
        "ERROR: FlowZap unknown-shape: Unknown shape `rect`. Did you mean `rectangle`? "
        "Shapes are `circle`, `rectangle`, `diamond` or `taskbox`."
    )
    expected = [
        f"index.rst:11:10: {unknown_shape}",  # the inline diagram's line 3, indented by 5
        f"diagrams/checkout.fz:3:5: {unknown_shape}",
        "index.rst:21:1: ERROR: FlowZap: unknown theme 'purple' (expected one of light, dark)",
        "index.rst:24:1: ERROR: FlowZap: cannot read diagrams/missing.fz: no such file or directory",
    ]
    assert (result.returncode, result.stderr.splitlines()) == (1, expected)
    again = sphinx_build(project)  # nothing changed: the failed page is read again, and fails again
    assert (again.returncode, again.stderr.splitlines()) == (1, expected)
    fixed = index.replace(indent(BROKEN, "     "), indent(FLOW, "     "))
    fixed = fixed.replace("   :theme: purple\n", "").replace(".. flowzap:: diagrams/missing.fz\n", "")
    (project / "index.rst").write_text(fixed, encoding="utf-8")
    (project / "diagrams" / "checkout.fz").write_text(FLOW, encoding="utf-8")
    mended = sphinx_build(project)
    assert (mended.returncode, mended.stderr) == (0, "")
    assert len(diagrams((project / "_build" / "index.html").read_text(encoding="utf-8"))) == 3


def test_placement_counts_lines_and_columns_in_the_page():
    where = Placement("docs/a.md", first_line=10, indent=4, header_at="docs/a.md:9:5")
    assert (where.at(0, 0), where.at(2, 7), where.header) == ("docs/a.md:10:5", "docs/a.md:12:12", "docs/a.md:9:5")
    assert Placement("x.fz").header == "x.fz:1:1"
