"""The sequence view (issue 23): the order of its steps, its frames, the setting that picks
the order, everywhere a diagram is drawn.

- Fixtures with exact expectations (tests/fixtures/sequence/, see its README): the order of
  the steps top to bottom, each frame with the steps of each operand, the edges drawn back
  up; the same fixtures in FlowZap's document order.
- Documents written chronologically keep exactly their order (fixtures, and generated
  chains of steps whose edges are written in the order things happen).
- Every example, fixture and generated document (benchmarks/generate.py) in both orders
  passes tests/support/sequence_checks.py: above all, no edge that closes no cycle has its target
  drawn above its source (the corpus: tests/test_corpus_render.py).
- The order through every entry point: `render_svg`, the CLI's `render --sequence-order`,
  the setting `flowzap.preview.sequenceOrder` and the `sequenceOrder` argument of the real
  server's `flowzap.preview`, and the live browser page (what Neovim opens).
"""

from __future__ import annotations

import sys
import urllib.request
from pathlib import Path

import pytest
import pytest_lsp
from hypothesis import HealthCheck, given, settings, strategies as st
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from fz_lsp.analysis.document import analyse
from fz_lsp.analysis.settings import Settings
from fz_lsp.analysis.views import SEQUENCE_ORDERS
from fz_lsp.cli.render import render_command
from fz_lsp.model import Model
from fz_lsp.render import ORDERS, layout_sequence, render_html, render_svg
from fz_lsp.render.sequence import SequenceLayout
from support.commands import SERVER_COMMAND, SERVER_ENV, run_cli
from support.lsp import Session, eventually, initialize_params
from support.paths import EXAMPLES, FIXTURES, ROOT, read_exact
from support.sequence_checks import check_sequence, document_order

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate

SEQUENCE = FIXTURES / "sequence"
EVERY_FILE = sorted(FIXTURES.rglob("*.fz")) + sorted(FIXTURES.rglob("*.partial")) + sorted(EXAMPLES.glob("*.fz"))
GENERATED = [(60, 1), (200, 2), (400, 3), (600, 4)]  # (lines, seed) of benchmarks/generate.py


def read_model(path: Path) -> Model:
    return analyse(read_exact(path)).model


def steps(layout: SequenceLayout) -> list[str]:
    """Node ids top to bottom."""
    return [s.node.id for s in sorted(layout.nodes, key=lambda s: s.row)]


def frames(layout: SequenceLayout) -> list[tuple]:
    """Each frame as drawn: (kind, its decision's id or its loop's condition, [(guard, node
    ids of the steps between the operand's divider and the next)])."""
    found = []
    for f in layout.frames:
        bounds = [f.box.y] + [op.divider for op in f.operands[1:]] + [f.box.bottom]
        operands = []
        for k, op in enumerate(f.operands):
            inside = [
                s.node.id
                for s in sorted(layout.nodes, key=lambda s: s.row)
                if f.box.contains(s.box) and bounds[k] < s.box.y < bounds[k + 1]
            ]
            operands.append((op.edge.label if op.edge is not None else None, inside))
        found.append((f.kind, f.decision.id if f.decision else f.loop.condition, operands))
    return found


def returns(layout: SequenceLayout) -> list[str]:
    """Labels of the edges drawn back up."""
    return [m.edge.label or str(m.edge.index) for m in layout.messages if m.kind == "return"]


# ---------------------------------------------------------------------------
# Exact expectations

EXPECTED: dict[str, tuple[list[str], list[tuple], list[str]]] = {
    # the agent receives the approval after the reviewer decides, not before the review
    "approval-lane-by-lane.fz": (
        ["n1", "n2", "n7", "n8", "n3", "n4", "n5", "n10", "n11", "n9", "n6"],
        [("alt", "n8", [("Approved", ["n3", "n4", "n5", "n10", "n11"]), ("Changes needed", ["n9", "n6"])])],
        ["Resubmit"],
    ),
    "three-branches-rejoin.fz": (
        ["n1", "n2", "n3", "n4", "n7", "n8", "n5", "n6"],
        [("alt", "n2", [("Billing", ["n3"]), ("Account", ["n4"]), ("Other", ["n7", "n8"])])],
        [],
    ),
    "nested-decision.fz": (
        ["n1", "n2", "n3", "n7", "n8", "n4", "n5", "n6"],
        [
            ("alt", "n2", [("Yes", ["n3", "n7", "n8", "n4"]), ("No", ["n5"])]),
            ("alt", "n3", [("Express", ["n7", "n8"]), ("Standard", ["n4"])]),
        ],
        [],
    ),
    # the loop holds its four steps and nothing else; the branch that leaves it comes after
    "retry-loop-two-lanes.fz": (
        ["n1", "n2", "n5", "n6", "n3", "n7", "n4"],
        [("loop", "up to 5 tries", [(None, ["n2", "n5", "n6", "n3"])]), ("opt", "n6", [("Mismatch", ["n3"])])],
        ["Retry"],
    ),
    "chronological-checkout.fz": (
        ["n1", "n2", "n3", "n4", "n5", "n6", "n7", "n8"],
        [("alt", "n4", [("Yes", ["n5", "n6"]), ("No", ["n7", "n8"])])],
        ["Retry"],
    ),
    "chronological-polling.fz": (
        ["n1", "n2", "n3", "n4", "n5", "n6"],
        [("loop", "every minute", [(None, ["n2", "n3", "n4", "n5"])]), ("opt", "n4", [("Not yet", ["n5"])])],
        ["Poll again"],
    ),
}

# FlowZap's rule for the same files: the edges' order, whatever it says
EXPECTED_IN_DOCUMENT_ORDER: dict[str, tuple[list[str], list[tuple], list[str]]] = {
    "approval-lane-by-lane.fz": (
        ["n1", "n2", "n7", "n3", "n4", "n5", "n10", "n6", "n8", "n9", "n11"],
        [],
        ["Resubmit", "Approved", "Feedback"],
    ),
    "three-branches-rejoin.fz": (["n1", "n2", "n3", "n4", "n7", "n5", "n6", "n8"], [], ["Fixed"]),
    "nested-decision.fz": (["n1", "n2", "n3", "n5", "n7", "n4", "n6", "n8"], [], ["Delivered"]),
    "retry-loop-two-lanes.fz": (
        ["n1", "n2", "n5", "n3", "n6", "n7", "n4"],
        [("loop", "up to 5 tries", [(None, ["n2", "n5", "n3", "n6"])])],
        ["Retry", "Mismatch"],
    ),
    "chronological-checkout.fz": EXPECTED["chronological-checkout.fz"],
    "chronological-polling.fz": EXPECTED["chronological-polling.fz"],
}


def test_every_sequence_fixture_has_its_expectation_and_description():
    names = sorted(p.name for p in SEQUENCE.glob("*.fz"))
    assert names == sorted(EXPECTED) == sorted(EXPECTED_IN_DOCUMENT_ORDER)
    readme = (SEQUENCE / "README.md").read_text(encoding="utf-8")
    assert sorted(line.split("|")[1].strip() for line in readme.splitlines() if ".fz |" in line) == names


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_causal_order_and_frames_are_exact(name: str):
    layout = check_sequence(read_model(SEQUENCE / name), "causal")
    assert (steps(layout), frames(layout), returns(layout)) == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED_IN_DOCUMENT_ORDER))
def test_document_order_and_frames_are_exact(name: str):
    layout = check_sequence(read_model(SEQUENCE / name), "document")
    assert (steps(layout), frames(layout), returns(layout)) == EXPECTED_IN_DOCUMENT_ORDER[name]


CHRONOLOGICAL = [
    SEQUENCE / "chronological-checkout.fz",
    SEQUENCE / "chronological-polling.fz",
    FIXTURES / "weather-request-reply.fz",
    FIXTURES / "newsroom-taskboxes.fz",
    FIXTURES / "kettle-single-lane-loop.fz",
]


@pytest.mark.parametrize("path", CHRONOLOGICAL, ids=lambda p: p.name)
def test_documents_written_chronologically_keep_their_order(path: Path):
    model = read_model(path)
    causal, document = layout_sequence(model, "causal"), layout_sequence(model, "document")
    assert steps(causal) == steps(document) == [model.nodes[i].id for i in document_order(model)]
    assert frames(causal) == frames(document)
    assert render_svg(model, "sequence", sequence_order="causal") == render_svg(
        model, "sequence", sequence_order="document"
    )


@st.composite
def chronological_documents(draw) -> tuple[str, list[str]]:
    """Steps n1..nK in 1 to 4 lanes, each step after the first caused by an earlier one, the
    edges written after the last `}` in the order their targets happen: (text, node ids in
    that order)."""
    count = draw(st.integers(1, 14))
    lanes = [f"L{i}" for i in range(draw(st.integers(1, 4)))]
    lane_of = [draw(st.sampled_from(lanes)) for _ in range(count)]
    lines = []
    for lane in lanes:
        lines.append(f"{lane} {{ # {lane}")
        for k in range(count):
            if lane_of[k] == lane:
                lines.append(f'n{k + 1}: {draw(st.sampled_from(["rectangle", "circle", "taskbox"]))} label:"s{k + 1}"')
        lines.append("}")
    for k in range(1, count):
        causes = sorted(set(draw(st.lists(st.integers(0, k - 1), min_size=1, max_size=3))))
        for c in causes:
            target = f"{lane_of[k]}.n{k + 1}" if lane_of[k] != lane_of[c] else f"n{k + 1}"
            lines.append(f"n{c + 1}.handle(right) -> {target}.handle(left)")
    return "\n".join(lines) + "\n", [f"n{k + 1}" for k in range(count)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chronological_documents())
@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_generated_chronological_documents_keep_their_order(document: tuple[str, list[str]]):
    text, expected = document
    layout = check_sequence(analyse(text).model, "causal")
    assert steps(layout) == expected


# ---------------------------------------------------------------------------
# Every file and generated document, both orders


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("path", EVERY_FILE, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_file_reads_in_order(path: Path, order: str):
    check_sequence(read_model(path), order)


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize(("lines", "seed"), GENERATED)
@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_generated_documents_read_in_order(lines: int, seed: int, order: str):
    check_sequence(analyse(generate(lines, seed)).model, order)


def test_the_lane_by_lane_approval_flow_no_longer_runs_backwards():
    """Issue 23's example: drawn in the edges' order, the agent receives the approval and
    executes before the reviewer decides; drawn causally, after."""
    model = read_model(SEQUENCE / "approval-lane-by-lane.fz")
    for order, approval_before_decision in (("document", True), ("causal", False)):
        row = {s.node.id: s.row for s in layout_sequence(model, order).nodes}
        assert (row["n3"] < row["n8"]) is approval_before_decision, order


# ---------------------------------------------------------------------------
# The order through every entry point


def test_the_orders_are_named_once():
    assert ORDERS == SEQUENCE_ORDERS == Settings.CHOICES["preview_sequence_order"] == ("causal", "document")
    with pytest.raises(ValueError, match=r"unknown sequence order 'chrono' \(expected one of causal, document\)"):
        render_svg(analyse("").model, "sequence", sequence_order="chrono")


def test_the_setting_is_read_and_checked():
    assert Settings().preview_sequence_order == "causal"
    assert Settings.from_mapping({"preview": {"sequenceOrder": "document"}}).preview_sequence_order == "document"
    assert (
        Settings.from_mapping({"flowzap": {"preview.sequenceOrder": "document"}}).preview_sequence_order == "document"
    )
    for bad in ("Document", "time", 1, None, ["causal"]):
        assert Settings.from_mapping({"preview": {"sequenceOrder": bad}}) == Settings(), bad


def test_html_page_and_other_views_follow_the_order():
    model = read_model(SEQUENCE / "approval-lane-by-lane.fz")
    causal = render_svg(model, "sequence")
    document = render_svg(model, "sequence", sequence_order="document")
    assert causal != document and causal == render_svg(model, "sequence", sequence_order="causal")
    assert document in render_html(model, "sequence", sequence_order="document")
    for view in ("workflow", "architecture"):  # the order is the sequence view's alone
        assert render_svg(model, view, sequence_order="document") == render_svg(model, view)


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_cli_sequence_order_flag(tmp_path: Path):
    path = SEQUENCE / "approval-lane-by-lane.fz"
    model = read_model(path)
    for order in ORDERS:
        result = run_cli("render", str(path), "--view", "sequence", "--sequence-order", order)
        assert result.returncode == 0, result.stderr
        assert result.stdout == render_svg(model, "sequence", sequence_order=order) + "\n"
    default = run_cli("render", str(path), "--view", "sequence")
    assert default.stdout == render_svg(model, "sequence") + "\n"
    page = tmp_path / "approval.html"
    result = run_cli("render", str(path), "--view", "sequence", "--sequence-order", "document", "-o", str(page))
    assert result.returncode == 0 and render_svg(model, "sequence", sequence_order="document") in page.read_text()
    bad = run_cli("render", str(path), "--view", "sequence", "--sequence-order", "chrono")
    assert bad.returncode == 2 and "invalid choice: 'chrono' (choose from 'causal', 'document')" in bad.stderr
    assert bad.stdout == ""


def test_render_command_refuses_an_unknown_order(tmp_path: Path, capsys: pytest.CaptureFixture):
    out = tmp_path / "x.svg"
    status = render_command(str(SEQUENCE / "nested-decision.fz"), str(out), "sequence", sequence_order="chrono")
    assert status == 2 and not out.exists()
    assert "unknown sequence order 'chrono' (expected one of causal, document)" in capsys.readouterr().err


# The real server: the setting (initializationOptions, didChangeConfiguration) and the
# preview command's `sequenceOrder` argument (which VS Code sends from its own copy of the
# setting), for the webview's SVG and the browser page alike.

APPROVAL = read_exact(SEQUENCE / "approval-lane-by-lane.fz")
OPTIONS = {"flowzap": {"diagnostics": {"delayMs": 0}, "preview": {"sequenceOrder": "document"}}}


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER_COMMAND, server_env=SERVER_ENV))
async def document_order_client(lsp_client: LanguageClient):
    """A real server started with `flowzap.preview.sequenceOrder: document`, for a client
    that opens browser pages (window/showDocument)."""
    await lsp_client.initialize_session(initialize_params(options=OPTIONS, show_document=True))
    yield
    await lsp_client.shutdown_session()


async def command(client: LanguageClient, name: str, arguments: dict):
    return await client.workspace_execute_command_async(types.ExecuteCommandParams(command=name, arguments=[arguments]))


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
async def test_the_server_draws_the_order_the_setting_and_the_argument_say(document_order_client: LanguageClient):
    client = document_order_client
    session = Session(client)
    uri = await session.open(APPROVAL)
    model = analyse(APPROVAL).model
    svg = {order: render_svg(model, "sequence", sequence_order=order) for order in ORDERS}
    # the setting
    assert (await command(client, "flowzap.preview", {"uri": uri, "view": "sequence"}))["svg"] == svg["document"]
    # the argument wins (VS Code sends the setting it reads)
    for order in ORDERS:
        result = await command(client, "flowzap.preview", {"uri": uri, "view": "sequence", "sequenceOrder": order})
        assert result["svg"] == svg[order]
    with pytest.raises(Exception, match=r"unknown sequence order 'chrono' \(expected causal or document\)"):
        await command(client, "flowzap.preview", {"uri": uri, "view": "sequence", "sequenceOrder": "chrono"})
    # the live browser page (Neovim's preview) draws the setting's order, and follows a change of it
    url = (await command(client, "flowzap.openBrowserPreview", {"uri": uri, "view": "sequence"}))["url"]
    assert svg["document"] in urllib.request.urlopen(url, timeout=10).read().decode()
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"flowzap": {"preview": {"sequenceOrder": "causal"}}})
    )
    await eventually(
        lambda: svg["causal"] in urllib.request.urlopen(url, timeout=10).read().decode(),
        message="the browser page in causal order",
    )
    assert (await command(client, "flowzap.preview", {"uri": uri, "view": "sequence"}))["svg"] == svg["causal"]
