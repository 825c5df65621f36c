"""The Architecture view (fz_lsp/render/architecture.py and svg.architecture_svg): what it
draws for the gitops example, long lists cut, standalone lanes, cycles, escaping, broken
documents, the geometry checker (tests/support/architecture_quality.py) on the examples, every
fixture and generated documents of up to 500 nodes and 20 lanes, and the view through the
CLI (`fz-lsp render --view architecture`) and the real server (`flowzap.preview`,
`flowzap.openBrowserPreview`). The real-world corpus: test_corpus_architecture.py."""

from __future__ import annotations

import math
import struct
import subprocess
import sys
import urllib.request
import xml.etree.ElementTree as ET
from itertools import combinations, pairwise

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from lsprotocol import types
from pytest_lsp import LanguageClient

from fz_lsp.analysis.architecture import architecture
from fz_lsp.analysis.document import analyse
from fz_lsp.render import VIEWS, layout_architecture, render_html, render_svg
from fz_lsp.render.architecture import (
    MAX_STEP_LINES,
    MAX_STEPS,
    STEP_HEIGHT,
    _crossings,
    _fit_rows,
    cut_text,
    order_columns,
    step_text,
)
from fz_lsp.render.html import zoom_script
from support.architecture_quality import check_architecture, cut_steps
from support.commands import SERVER_ENV
from support.layout_quality import GENERATED, SVG, generated_document
from support.lsp import Session
from support.paths import EXAMPLES, ROOT, fixture_files, read_exact

GITOPS = EXAMPLES / "gitops.fz"


def model_of(text: str):
    return analyse(text).model


def svg_of(text: str, theme: str = "light") -> tuple[str, ET.Element]:
    svg = render_svg(model_of(text), "architecture", theme)
    return svg, ET.fromstring(svg)


def groups(root: ET.Element, css: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if css in (g.get("class") or "").split()]


def text_of(el: ET.Element, css: str) -> list[str]:
    out = []
    for t in el.iter(f"{SVG}text"):
        if css in (t.get("class") or "").split():
            out.append(" ".join("".join(s.itertext()) for s in t.findall(f"{SVG}tspan")))
    return out


def lane_doc(lanes: dict[str, list[str]], body: str = "") -> str:
    """Lanes of rectangles (`lanes`: id -> labels), node ids n1.. in order, then `body`."""
    out, k = [], 1
    for lane, labels in lanes.items():
        out.append(f"{lane} {{ # {lane} team")
        for label in labels:
            out.append(f'n{k}: rectangle label:"{label}"')
            k += 1
        out.append("}")
    return "\n".join(out) + "\n" + body


# ---------------------------------------------------------------------------
# What it draws


def test_views_and_the_gitops_components():
    assert VIEWS == ("workflow", "sequence", "architecture")
    text = read_exact(GITOPS)
    svg, root = svg_of(text)
    assert root.get("class") == "fz-diagram fz-architecture fz-theme-light"
    components = groups(root, "fz-component")
    assert [(g.get("data-lane"), g.get("data-line")) for g in components] == [
        ("Dev", "0"),
        ("CI", "15"),
        ("Sync", "29"),
        ("Cluster", "41"),
    ]
    assert [text_of(g, "fz-component-title") for g in components] == [
        ["Developer"],
        ["CI Pipeline"],
        ["GitOps Controller"],
        ["Kubernetes Cluster"],
    ]
    assert [text_of(g, "fz-component-id") for g in components] == [["Dev"], ["CI"], ["Sync"], ["Cluster"]]
    dev = components[0]
    steps = groups(dev, "fz-step")
    assert [(g.get("data-node"), g.get("data-line"), g.get("class")) for g in steps[:4]] == [
        ("n1", "1", "fz-step fz-shape-circle"),
        ("n2", "2", "fz-step fz-shape-rectangle"),
        ("n3", "3", "fz-step fz-shape-rectangle"),
        ("n4", "4", "fz-step fz-shape-diamond"),
    ]
    assert text_of(dev, "fz-step-label") == [
        "Start a change",
        "Commit on a feature branch",
        "Open a pull request",
        "Review approved?",
        "Address review comments",
        "Merge to main",
    ]
    arrows = groups(root, "fz-dependency")
    assert [
        (
            g.get("data-from"),
            g.get("data-to"),
            g.get("data-count"),
            g.get("data-lines"),
            g.get("data-line"),
            g.get("class"),
        )
        for g in arrows
    ] == [
        ("Dev", "CI", "1", "13", "13", "fz-dependency"),
        ("CI", "Dev", "1", "22", "22", "fz-dependency fz-dependency-backward"),
        ("CI", "Sync", "1", "26", "26", "fz-dependency"),
        ("Sync", "Cluster", "1", "39", "39", "fz-dependency"),
        ("Cluster", "Sync", "2", "51 52", "51", "fz-dependency fz-dependency-backward"),
    ]
    assert [text_of(g, "fz-edge-label") for g in arrows] == [
        ["Webhook"],
        ["Failed"],
        ["Config commit"],
        ["Rollout"],
        ["Report drift, Healthy"],
    ]
    assert [g.find(f"{SVG}title").text for g in arrows][
        -1
    ] == "Kubernetes Cluster → GitOps Controller: Report drift, Healthy"
    assert check_architecture(svg, model_of(text)) == []


def test_gitops_layout_left_to_right_forward_arrows_straight_replies_underneath():
    layout = layout_architecture(model_of(read_exact(GITOPS)))
    boxes = {c.component.lane_id: c for c in layout.components}
    assert [(boxes[k].row, boxes[k].column) for k in ("Dev", "CI", "Sync", "Cluster")] == [
        (0, 0),
        (0, 1),
        (0, 2),
        (0, 3),
    ]
    assert all(a.box.right < b.box.x for a, b in zip(layout.components, layout.components[1:]))
    assert len({c.box.y for c in layout.components}) == 1 and len({c.box.h for c in layout.components}) == 1
    for arrow in layout.dependencies:
        d = arrow.dependency
        source, target = boxes[d.source.lane_id].box, boxes[d.target.lane_id].box
        first, last = arrow.points[0], arrow.points[-1]
        if d.backward:  # out of the source's bottom, back underneath, into the target's bottom
            assert (arrow.source_side, arrow.target_side) == ("bottom", "bottom")
            assert first[1] == source.bottom and last[1] == target.bottom
            assert min(p[1] for p in arrow.points) == source.bottom
        else:  # a straight line from the right side to the left side
            assert (arrow.source_side, arrow.target_side) == ("right", "left")
            assert len(arrow.points) == 2 and first == (source.right, first[1]) and last == (target.x, first[1])
        assert arrow.label is not None


def test_long_lists_end_with_n_more_and_long_texts_wrap():
    long = "A very long step description that certainly does not fit on one line of a card"
    text = lane_doc(
        {"Big": [f"Step {k}" for k in range(1, 12)] + [long], "Small": [long, "Short"]},
        "n12.handle(bottom) -> Small.n13.handle(top)\n",
    )
    svg, root = svg_of(text)
    big, small = groups(root, "fz-component")
    assert text_of(big, "fz-step-label") == [f"Step {k}" for k in range(1, MAX_STEPS)]
    assert text_of(big, "fz-component-more") == [f"+ {12 - (MAX_STEPS - 1)} more"]
    wrapped = [[t.text for t in el.findall(f"{SVG}tspan")] for el in small.iter(f"{SVG}text")][-2:]
    assert wrapped == [
        ["A very long step description that", "certainly does not fit on one line", "of a card"],
        ["Short"],
    ]
    assert groups(small, "fz-step")[0].find(f"{SVG}title") is None  # nothing hidden: no tooltip
    assert text_of(small, "fz-component-more") == []
    layout = layout_architecture(model_of(text))
    first, second = layout.components[1].steps
    line = first.text.line_height
    # the icon sits level with the first line; the step's row holds its three lines, the next follows
    assert first.icon.cy == first.text.y + line / 2 == first.row.y + STEP_HEIGHT / 2
    assert (first.row.h, second.row.y) == (STEP_HEIGHT + 2 * line, first.row.bottom)
    assert second.row.bottom + 6 <= layout.components[1].box.bottom  # the card grew to hold them
    assert check_architecture(svg, model_of(text)) == []
    assert cut_steps(svg) == 0


def test_only_a_text_beyond_max_step_lines_is_cut_and_keeps_a_tooltip():
    essay = " ".join(f"word{k}" for k in range(80))
    block, cut = step_text(essay)
    assert cut and len(block.lines) == MAX_STEP_LINES and block.lines[-1].endswith("…")
    assert " ".join(block.lines)[:-1].split() == essay.split()[: len(" ".join(block.lines)[:-1].split())]
    assert step_text("One line") == (step_text("One line")[0], False)
    text = lane_doc({"A": [essay], "B": ["b"]}, "n1.handle(bottom) -> B.n2.handle(top)\n")
    svg, root = svg_of(text)
    step = groups(root, "fz-step")[0]
    assert step.find(f"{SVG}title").text == essay  # the whole text as a tooltip
    assert cut_steps(svg) == 1
    assert any(p.startswith("step n1 is cut") for p in check_architecture(svg, model_of(text)))


def test_cut_text_never_splits_a_character_and_keeps_short_texts():
    assert cut_text("  Short   text ", 200, 12) == ("Short text", False)
    cut, was_cut = cut_text("🇫🇷🇫🇷🇫🇷🇫🇷🇫🇷🇫🇷🇫🇷🇫🇷🇫🇷🇫🇷🇫🇷🇫🇷🇫🇷🇫🇷🇫🇷🇫🇷🇫🇷🇫🇷🇫🇷🇫🇷", 60, 12)
    assert was_cut and cut.endswith("…") and len(cut[:-1]) % 2 == 0  # whole flags only
    cut, _ = cut_text("咖啡因咖啡因咖啡因咖啡因咖啡因咖啡因", 50, 12)
    assert cut == "咖啡因…"


def test_lanes_with_no_dependency_stand_alone_below():
    text = lane_doc(
        {"A": ["a"], "B": ["b"], "C": ["c"], "D": ["d"], "E": ["e"]}, "n1.handle(bottom) -> B.n2.handle(top)\n"
    )
    layout = layout_architecture(model_of(text))
    at = {c.component.lane_id: c for c in layout.components}
    assert [(k, at[k].row, at[k].column, at[k].standalone) for k in "ABCDE"] == [
        ("A", 0, 0, False),
        ("B", 0, 1, False),
        ("C", 1, 0, True),
        ("D", 1, 1, True),
        ("E", 1, 2, True),
    ]
    root = ET.fromstring(render_svg(model_of(text), "architecture"))
    assert [g.get("data-lane") for g in groups(root, "fz-component-standalone")] == ["C", "D", "E"]
    # nothing but standalone lanes: rows of four, left to right
    only = lane_doc({k: [k.lower()] for k in "PQRSTU"})
    placed = [(c.row, c.column) for c in layout_architecture(model_of(only)).components]
    assert placed == [(0, 0), (0, 1), (0, 2), (0, 3), (1, 0), (1, 1)]
    assert check_architecture(render_svg(model_of(only), "architecture"), model_of(only)) == []


def test_a_cycle_is_broken_and_its_closing_arrow_runs_back_dashed():
    text = lane_doc(
        {"A": ["a"], "B": ["b"], "C": ["c"]},
        (
            'n1.handle(bottom) -> B.n2.handle(top) [label="ask"]\n'
            'n2.handle(bottom) -> C.n3.handle(top) [label="pass on"]\n'
            'n3.handle(top) -> A.n1.handle(bottom) [label="answer"]\n'
        ),
    )
    layout = layout_architecture(model_of(text))
    assert [c.column for c in layout.components] == [0, 1, 2]
    back = [a for a in layout.dependencies if a.dependency.backward]
    assert [(a.dependency.key, a.source_side) for a in back] == [(("C", "A"), "bottom")]
    assert back[0].points[0][0] > back[0].points[-1][0]  # it runs from right to left
    svg = render_svg(model_of(text), "architecture")
    assert len(groups(ET.fromstring(svg), "fz-dependency-backward")) == 1
    assert ".fz-dependency-backward .fz-edge-line{stroke-dasharray:6 4}" in svg
    assert check_architecture(svg, model_of(text)) == []


def test_a_chain_of_replies_alternates_under_and_over_instead_of_stacking():
    lanes = {f"L{k}": [f"step {k}"] for k in range(6)}
    body = "".join(
        f'n{k + 1}.handle(bottom) -> L{k + 1}.n{k + 2}.handle(top) [label="call"]\n'
        f'n{k + 2}.handle(top) -> L{k}.n{k + 1}.handle(bottom) [label="reply"]\n'
        for k in range(5)
    )
    text = lane_doc(lanes, body)
    layout = layout_architecture(model_of(text))
    replies = [a for a in layout.dependencies if a.dependency.backward]
    assert [a.source_side for a in replies] == ["bottom", "top", "bottom", "top", "bottom"]
    boxes = [c.box for c in layout.components]
    # every reply runs one track away from the row: none is pushed further out by another
    for a in replies:
        outside = [abs(p[1] - (boxes[0].bottom if a.source_side == "bottom" else boxes[0].y)) for p in a.points]
        assert max(outside) <= 40, (a.dependency.key, outside)
    assert check_architecture(render_svg(model_of(text), "architecture"), model_of(text)) == []


def test_components_of_a_column_are_ordered_against_crossings():
    # A -> D and B -> C written so that document order crosses them
    text = lane_doc(
        {"A": ["a"], "B": ["b"], "C": ["c"], "D": ["d"]},
        ("n1.handle(bottom) -> D.n4.handle(top)\nn2.handle(bottom) -> C.n3.handle(top)\n"),
    )
    arch = architecture(model_of(text))
    a, b, c, d = arch.components
    links = [(a, d), (b, c)]
    unordered = {id(a): 0.25, id(b): 0.75, id(c): 0.25, id(d): 0.75}
    assert _crossings(links, unordered) == 1
    ordered = order_columns([[a, b], [c, d]], links)
    at = {id(x): (i + 0.5) / 2 for col in ordered for i, x in enumerate(col)}
    assert _crossings(links, at) == 0
    layout = layout_architecture(model_of(text))
    rows = {x.component.lane_id: x.row for x in layout.components}
    assert rows["A"] == rows["D"] and rows["B"] == rows["C"]  # straight arrows
    assert all(len(x.points) == 2 for x in layout.dependencies)


def test_rows_keep_the_order_and_come_as_near_as_they_can():
    assert _fit_rows([0.0, 0.0, 0.0], 3) == [0, 1, 2]
    assert _fit_rows([2.0], 5) == [2]
    assert _fit_rows([1.0, 1.0], 4) in ([0, 1], [1, 2])
    assert _fit_rows([3.0, 0.0], 4) == [0, 1]  # order first; of the cheapest, the upper rows


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0, 6, allow_nan=False), min_size=1, max_size=4), st.integers(4, 7))
@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_rows_are_the_cheapest_increasing_ones(desired: list[float], height: int):
    rows = _fit_rows(desired, height)
    assert all(a < b for a, b in pairwise(rows)) and rows[0] >= 0 and rows[-1] < height

    def cost(choice) -> float:
        return sum(abs(r - d) for r, d in zip(choice, desired))

    cheapest = min(cost(c) for c in combinations(range(height), len(desired)))
    assert cost(rows) == pytest.approx(cheapest, abs=1e-3)


def test_hostile_text_stays_text():
    evil = "<script>alert('x')</script>"
    text = (
        f"Evil {{ # {evil} & \"quotes\" 'apostrophes'\n"
        f'n1: rectangle label:"{evil}"\n'
        'n2: taskbox owner:"</svg><img src=x onerror=alert(1)>" description:"]]> <!-- x --> &amp;"\n'
        f'n1.handle(bottom) -> Other.n3.handle(top) [label="</text></svg><script>alert(1)</script>"]\n'
        'n2.handle(bottom) -> Other.n3.handle(top) [label="a & b \\" c"]\n'
        "}\n"
        'Other { # Other\nn3: rectangle label:"x\u0007y"\n}\n'
    )
    model = model_of(text)
    for theme in ("light", "dark"):
        svg = render_svg(model, "architecture", theme)
        root = ET.fromstring(svg)  # well-formed
        tags = {el.tag.split("}")[-1] for el in root.iter()}
        assert tags <= {
            "svg",
            "style",
            "defs",
            "marker",
            "path",
            "rect",
            "g",
            "line",
            "text",
            "tspan",
            "circle",
            "polygon",
            "title",
        }
        for el in root.iter():
            assert not any(name.lower().startswith("on") for name in el.attrib)
        (evil_box, _) = groups(root, "fz-component")
        assert "".join(text_of(evil_box, "fz-component-title")[0].split()) == "".join(
            f"{evil} & \"quotes\" 'apostrophes'".split()
        )
        labels = [t for g in groups(root, "fz-dependency") for t in text_of(g, "fz-edge-label")]
        assert ["".join(t.split()) for t in labels] == [
            "".join(["</text></svg><script>alert(1)</script>,", "a", "&", "b", '"', "c"])
        ]
        steps = [s for g in groups(root, "fz-component") for s in text_of(g, "fz-step-label")]
        assert steps[0] == evil and steps[2] == "x\ufffdy"  # a character XML forbids is replaced
        assert check_architecture(svg, model) == []


def test_broken_documents_render_what_resolves():
    text = read_exact(EXAMPLES / "broken.fz")
    model = model_of(text)
    svg = render_svg(model, "architecture")
    root = ET.fromstring(svg)
    lanes = [(g.get("data-lane"), int(g.get("data-line"))) for g in groups(root, "fz-component")]
    assert lanes == [(lane.id, lane.header_line) for lane in model.lanes]
    assert check_architecture(svg, model) == []
    # an edge to a node that exists nowhere is no dependency; a broken edge line whose two
    # ends resolve (its handle is missing) still is one; half a document still draws
    half = lane_doc({"A": ["a"], "B": ["b"]}, "n1.handle(bottom) -> B.n9.handle(top)\nn1.handle(right) -> B.n2")
    arrows = groups(ET.fromstring(render_svg(model_of(half), "architecture")), "fz-dependency")
    assert [(g.get("data-from"), g.get("data-to"), g.get("data-lines")) for g in arrows] == [("A", "B", "7")]
    assert check_architecture(render_svg(model_of(half), "architecture"), model_of(half)) == []
    nothing = render_svg(model_of("graph TD\nA --> B\n"), "architecture")
    assert groups(ET.fromstring(nothing), "fz-component") == []


def test_themes_and_html():
    model = model_of(read_exact(GITOPS))
    dark = render_svg(model, "architecture", "dark")
    assert 'class="fz-diagram fz-architecture fz-theme-dark"' in dark
    assert ".fz-theme-dark .fz-component-box{fill:#2d2d30;stroke:#a1a1aa}" in dark
    with pytest.raises(ValueError, match="unknown theme"):
        render_svg(model, "architecture", "sepia")
    page = render_html(model, "architecture", "dark", title="gitops.fz")
    # one script: the page's own pan and zoom (zoom.js), nothing the diagram brought
    assert "fz-architecture" in page and page.count("<script") == 1 and zoom_script() in page


# ---------------------------------------------------------------------------
# Geometry on every document we have


DOCUMENTS = [p for p in sorted(EXAMPLES.glob("*.fz"))] + fixture_files("**/*.fz") + fixture_files("truncated/*.partial")


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_examples_and_fixtures_have_no_defect(path):
    model = model_of(path.read_bytes().decode("utf-8", "replace"))
    for theme in ("light", "dark"):
        assert check_architecture(render_svg(model, "architecture", theme), model) == []


@pytest.mark.parametrize("seed,nodes,lanes", GENERATED, ids=lambda v: str(v))
def test_generated_documents_have_no_defect(seed, nodes, lanes):
    model = model_of(generated_document(seed, nodes, lanes))
    assert check_architecture(render_svg(model, "architecture"), model) == []


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), nodes=st.integers(2, 90), lanes=st.integers(1, 12))
def test_random_documents_have_no_defect(seed, nodes, lanes):
    model = model_of(generated_document(seed, nodes, lanes))
    assert check_architecture(render_svg(model, "architecture"), model) == []


def test_the_checker_finds_what_it_must():
    text = read_exact(GITOPS)
    model = model_of(text)
    svg = render_svg(model, "architecture")
    assert check_architecture(svg, model) == []
    wrong_count = svg.replace('data-count="2"', 'data-count="3"')
    assert any("counts 3 edges, the model has 2" in p for p in check_architecture(wrong_count, model))
    wrong_lines = svg.replace('data-lines="51 52"', 'data-lines="51"')
    assert any("stands for lines [51]" in p for p in check_architecture(wrong_lines, model))
    root = ET.fromstring(svg)
    arrow = groups(root, "fz-dependency")[0]
    line = next(el for el in arrow if el.get("class") == "fz-edge-line")
    d = line.get("d")
    off = svg.replace(f'class="fz-edge-line" d="{d}"', f'class="fz-edge-line" d="{d.replace("M", "M5 5 L", 1)}"', 1)
    assert any("does not start and end on component borders" in p for p in check_architecture(off, model))
    label = next(el for el in arrow if el.get("class") == "fz-edge-label-bg")
    box = next(el for el in root.iter(f"{SVG}rect") if el.get("class") == "fz-component-box")
    on_box = svg.replace(
        f'class="fz-edge-label-bg" x="{label.get("x")}" y="{label.get("y")}"',
        f'class="fz-edge-label-bg" x="{box.get("x")}" y="{box.get("y")}"',
        1,
    )
    assert any(p.startswith("label_node") for p in check_architecture(on_box, model))
    twice = svg.replace(">Webhook</tspan>", ">Failed</tspan>")
    problems = check_architecture(twice, model)
    assert any("captioned 'Failed', expected 'Webhook'" in p for p in problems)
    assert any("caption 'Failed' drawn 2 times, expected 1" in p for p in problems)
    missing = svg.replace('class="fz-dependency" data-from="Dev"', 'class="fz-gone" data-from="Dev"')
    assert any("have 0 arrows" in p for p in check_architecture(missing, model))


# ---------------------------------------------------------------------------
# The README picture


def test_the_readme_architecture_picture_is_the_current_rendering():
    r"""README.md shows docs/gitops-architecture.png, a Chromium screenshot of
    docs/gitops-architecture.svg. Regenerate both after a change of the view:
        fz-lsp render examples/gitops.fz --view architecture -o docs/gitops-architecture.svg
        chromium --headless --no-sandbox --window-size=W,H \
            --screenshot=docs/gitops-architecture.png docs/gitops-architecture.svg
    (W x H: the SVG's width and height, rounded up)."""
    svg = (ROOT / "docs" / "gitops-architecture.svg").read_text(encoding="utf-8")
    assert svg == render_svg(model_of(read_exact(GITOPS)), "architecture"), "docs/gitops-architecture.svg is stale"
    png = (ROOT / "docs" / "gitops-architecture.png").read_bytes()
    root = ET.fromstring(svg)
    size = (math.ceil(float(root.get("width"))), math.ceil(float(root.get("height"))))
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", png[16:24]) == size, (
        "docs/gitops-architecture.png is stale"
    )
    assert "(docs/gitops-architecture.png)" in (ROOT / "README.md").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------
# Command line and server


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "fz_lsp", *args], capture_output=True, env=SERVER_ENV, timeout=60, cwd=ROOT
    )


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_cli_renders_the_architecture_view(tmp_path):
    result = run_cli("render", str(GITOPS), "--view", "architecture")
    assert result.returncode == 0, result.stderr
    svg = result.stdout.decode("utf-8")
    assert svg == render_svg(model_of(read_exact(GITOPS)), "architecture") + "\n"
    out = tmp_path / "gitops.html"
    result = run_cli("render", str(GITOPS), "--view", "architecture", "--theme", "dark", "-o", str(out))
    assert result.returncode == 0 and result.stderr == b""
    page = out.read_text(encoding="utf-8")
    assert "fz-architecture fz-theme-dark" in page and page.count('class="fz-component"') == 4
    bad = run_cli("render", str(GITOPS), "--view", "gantt")
    assert bad.returncode == 2 and b"'workflow', 'sequence', 'architecture'" in bad.stderr
    broken = run_cli("render", str(EXAMPLES / "broken.fz"), "--view", "architecture")
    assert broken.returncode == 1 and broken.stdout.startswith(b"<svg") and b"error[" in broken.stderr


in_module_loop = pytest.mark.asyncio(loop_scope="module")


@in_module_loop
@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
async def test_server_preview_answers_the_architecture_view(session: Session, client: LanguageClient):
    text = read_exact(GITOPS)
    uri = await session.open(text)
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="flowzap.preview", arguments=[{"uri": uri, "view": "architecture", "theme": "dark"}]
        )
    )
    assert (result["view"], result["version"]) == ("architecture", 1)
    assert result["svg"] == render_svg(model_of(text), "architecture", "dark")
    # the unsaved text: a new cross-lane edge from Dev to Sync appears at once
    await session.change(uri, 2, (13, 0), (13, 0), 'n6.handle(top) -> Sync.n12.handle(top) [label="Hotfix"]\n')
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="flowzap.preview", arguments=[{"uri": uri, "view": "architecture"}])
    )
    root = ET.fromstring(result["svg"])
    assert [(g.get("data-from"), g.get("data-to"), g.get("data-lines")) for g in groups(root, "fz-dependency")][:2] == [
        ("Dev", "Sync", "13"),
        ("Dev", "CI", "14"),
    ]
    with pytest.raises(Exception, match=r"unknown view 'gantt' \(expected workflow, sequence or architecture\)"):
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="flowzap.preview", arguments=[{"uri": uri, "view": "gantt"}])
        )


@in_module_loop
@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
async def test_browser_preview_shows_the_architecture_view(browser_client: LanguageClient):
    session = Session(browser_client)
    text = read_exact(GITOPS)
    uri = await session.open(text)
    result = await browser_client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="flowzap.openBrowserPreview", arguments=[{"uri": uri, "view": "architecture"}]
        )
    )
    assert browser_client.shown_documents[-1].uri == result["url"]
    page = urllib.request.urlopen(result["url"], timeout=10).read().decode()
    assert "fz-architecture" in page and page.count('class="fz-component"') == 4
    assert 'data-from="Cluster" data-to="Sync" data-count="2" data-lines="51 52"' in page
