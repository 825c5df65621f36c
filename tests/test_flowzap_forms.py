"""FlowZap itself is the judge: the forms its own templates use, which FlowZap draws though
its docs call them wrong, are free of errors; validator-only rules are warnings, and strict
mode (setting `flowzap.diagnostics.strict`, CLI `--strict`) makes exactly those errors.

The files are our own (tests/fixtures/flowzap-forms/, one form each, see its README); the
spec lists the forms (../shared/flowzap-spec.md, "FlowZap itself").
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from fz_lsp.analysis.document import Document
from fz_lsp.analysis.settings import Settings
from fz_lsp.diagnostics import CODES, ERROR, HINT, WARNING, check
from fz_lsp.render import render_svg
from support.commands import SERVER_COMMAND, SERVER_ENV
from support.lsp import Session, eventually, initialize_params
from support.paths import FIXTURES, ROOT, read_exact

FORMS = FIXTURES / "flowzap-forms"
E, W, H = "error", "warning", "hint"

# file -> what fz-lsp says by default: (severity, code, 1-based line), in document order
DEFAULT: dict[str, list[tuple[str, str, int]]] = {
    "label-equals.fz": [(W, "label-operator", n) for n in (2, 3, 4, 5, 6)],
    "edge-label-colon.fz": [(W, "label-operator", 7), (W, "label-operator", 8)],
    "brace-hash-no-space.fz": [],
    "lane-without-label.fz": [(H, "missing-display-label", 1), (H, "missing-display-label", 5)],
    "loop-prefixed-members.fz": [],
    "prefixed-source.fz": [(H, "prefixed-source", 4), (W, "edge-outside-source-lane", 9)],
    "edge-in-other-lane.fz": [(W, "edge-outside-source-lane", 8)],
    "target-own-lane-prefix.fz": [(H, "redundant-lane-prefix", 5), (H, "redundant-lane-prefix", 6)],
    "after-last-brace.fz": [(W, "top-level-edge", 11), (W, "top-level-edge", 12)],
    "loop-one-lane-four-lanes.fz": [],
    "system-on-every-node.fz": [],
    "blank-lines-in-lanes.fz": [],
    "ids-out-of-order.fz": [],
    "diamond-same-handle.fz": [],
    "template-style.fz": [
        (W, "label-operator", 2),
        (W, "label-operator", 4),
        (H, "prefixed-source", 6),
        (W, "label-operator", 6),
        (H, "missing-display-label", 8),
        (W, "label-operator", 9),
        (W, "label-operator", 10),
        (W, "edge-outside-source-lane", 12),
        (W, "label-operator", 15),
        (W, "top-level-edge", 17),
        (W, "top-level-edge", 18),
    ],
}

# what strict mode raises: FlowZap's validator rules, nothing else
RAISED_IN_STRICT = {"label-operator", "edge-outside-source-lane", "top-level-edge"}

# what strict mode adds: the sequence rules FlowZap's validator enforces since April 2026
# (a cross-lane request answered by no edge back), judged on definition order
SEQUENCE_IN_STRICT: dict[str, list[tuple[str, str, int]]] = {
    "after-last-brace.fz": [(E, "missing-reply", 11)],
    "brace-hash-no-space.fz": [(E, "missing-reply", 5)],
    "ids-out-of-order.fz": [(E, "missing-reply", 5)],
    "lane-without-label.fz": [(E, "missing-reply", 3)],
    "loop-one-lane-four-lanes.fz": [(E, "missing-reply", n) for n in (3, 8, 12, 18)],
    "loop-prefixed-members.fz": [(E, "missing-reply", n) for n in (3, 8, 14)],
    "prefixed-source.fz": [(E, "missing-reply", 9)],
}

NAMES = {ERROR: E, WARNING: W, HINT: H}


def said(text: str, **settings) -> list[tuple[str, str, int]]:
    return [(NAMES[d.severity], d.code, d.span.line + 1) for d in check(Document(text), Settings(**settings))]


def test_every_form_file_has_an_expectation():
    assert sorted(p.name for p in FORMS.glob("*.fz")) == sorted(DEFAULT)


@pytest.mark.parametrize("name", sorted(DEFAULT))
def test_forms_flowzap_draws_have_no_errors_by_default(name: str):
    assert said(read_exact(FORMS / name)) == DEFAULT[name]


@pytest.mark.parametrize("name", sorted(DEFAULT))
def test_strict_mode_makes_the_validator_rules_errors(name: str):
    expected = [(E if code in RAISED_IN_STRICT else severity, code, line) for severity, code, line in DEFAULT[name]]
    expected += SEQUENCE_IN_STRICT.get(name, [])
    assert sorted(said(read_exact(FORMS / name), strict=True), key=lambda d: d[2]) == sorted(
        expected, key=lambda d: d[2]
    )


def test_strict_raises_exactly_the_codes_marked_validator():
    for code, info in CODES.items():
        assert info.severity_for(strict=False) == info.severity
        if info.validator:
            assert info.severity == WARNING and info.severity_for(strict=True) == ERROR, code
        else:
            assert info.severity_for(strict=True) == info.severity, code


def test_loop_members_with_lane_prefixes_resolve_to_their_nodes():
    model = Document(read_exact(FORMS / "loop-prefixed-members.fz")).model
    (loop,) = model.loops
    assert [(r.prefix, r.name, r.node.id, r.node.lane.id) for r in loop.members] == [
        ("planner", "n1", "n1", "planner"),
        ("executor", "n2", "n2", "executor"),
        ("critic", "n3", "n3", "critic"),
    ]
    assert [lp.condition for lp in model.node_by_id["n2"].loops] == ["Until the critic approves"]


def test_a_loop_prefix_must_name_the_nodes_lane():
    text = read_exact(FORMS / "loop-prefixed-members.fz").replace("executor.n2 critic.n3", "critic.n2 nowhere.n3")
    found = [(d.code, d.span.line, d.span.start, d.span.end) for d in check(Document(text))]
    assert found == [("wrong-lane", 3, 44, 50), ("undefined-lane", 3, 54, 61)]


def test_edges_and_loops_after_the_last_brace_are_resolved_and_drawn():
    model = Document(read_exact(FORMS / "after-last-brace.fz")).model
    edge = model.edges[-1]
    assert (edge.lane, edge.source.node.id, edge.target.node.id, edge.label) == (None, "n2", "n3", "Measure")
    (loop,) = model.loops
    assert loop.lane is None and [r.node.id for r in loop.members] == ["n2", "n3"]
    svg = render_svg(model)
    assert f'data-edge="{edge.index}"' in svg
    assert "Until full" in svg


def test_label_equals_still_gives_the_node_its_label():
    model = Document(read_exact(FORMS / "label-equals.fz")).model
    assert [n.label for n in model.nodes][:2] == ["Green beans arrive", "Weigh the batch"]


def test_cli_strict_exits_one_and_default_exits_zero():
    path = str(FORMS / "template-style.fz")
    default = subprocess.run(
        [sys.executable, "-m", "fz_lsp", "check", "--format", "json", path],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=SERVER_ENV,
        timeout=120,
    )
    assert default.returncode == 0, default.stderr
    strict = subprocess.run(
        [sys.executable, "-m", "fz_lsp", "check", "--strict", "--format", "json", path],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=SERVER_ENV,
        timeout=120,
    )
    assert strict.returncode == 1
    report = json.loads(strict.stdout)
    assert [(r["severity"], r["code"], r["line"]) for r in report] == [
        (E if code in RAISED_IN_STRICT else severity, code, line)
        for severity, code, line in DEFAULT["template-style.fz"]
    ]


# -- strict mode through the real server, switched by a configuration change ------------------


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER_COMMAND, server_env=SERVER_ENV))
async def configured(lsp_client: LanguageClient):
    lsp_client.set_configuration({"diagnostics": {"delayMs": 0}}, section="flowzap")
    params = initialize_params(options={})
    params.capabilities.workspace = types.WorkspaceClientCapabilities(configuration=True)
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


def _severities(session: Session, uri: str) -> list[tuple[int, str]]:
    return [(d.severity.value, d.code) for d in session.published[uri][-1].diagnostics]


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
async def test_strict_setting_is_read_again_on_configuration_change(configured: LanguageClient):
    session = Session(configured)
    uri = await session.open(read_exact(FORMS / "edge-label-colon.fz"), "strict")
    await eventually(lambda: _severities(session, uri) == [(2, "label-operator"), (2, "label-operator")], 30)
    configured.set_configuration({"diagnostics": {"delayMs": 0, "strict": True}}, section="flowzap")
    configured.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await eventually(
        lambda: _severities(session, uri) == [(1, "label-operator"), (1, "label-operator")], 30, "strict diagnostics"
    )
    configured.set_configuration({"diagnostics": {"delayMs": 0, "strict": False}}, section="flowzap")
    configured.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await eventually(
        lambda: _severities(session, uri) == [(2, "label-operator"), (2, "label-operator")],
        30,
        "default diagnostics again",
    )


def test_completion_after_a_lane_prefix_in_a_loop_offers_that_lanes_nodes():
    from fz_lsp.features.completion import complete

    lines = read_exact(FORMS / "loop-prefixed-members.fz").split("\n")
    for tail, expected in [
        ("planner.n1 executor.", ["n2"]),
        ("planner.n1 critic.", ["n3", "n4"]),
        ("planner.n1 ", ["n2", "n3", "n4"]),
    ]:
        lines[3] = "loop [Until the critic approves] " + tail
        items = complete(Document("\n".join(lines)), 3, len(lines[3]))
        assert [i.label for i in items] == expected, tail


def test_hover_and_rename_see_prefixed_loop_members():
    from fz_lsp.features.hover import hover
    from fz_lsp.features.rename import rename

    text = read_exact(FORMS / "loop-prefixed-members.fz")
    doc = Document(text)
    found = hover(doc, 3, 53)  # `n2` of `executor.n2` in the loop
    assert found is not None and "Carry out the steps" in found.markdown
    edits = rename(doc.model, 3, 46, "worker")  # the `executor` prefix
    assert sorted((e.region.start_line, e.region.start_col) for e in edits) == [(2, 21), (3, 44), (5, 0)]
