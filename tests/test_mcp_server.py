"""`fz-lsp mcp` end to end: a real server process driven by the MCP Python SDK's own stdio
client (tests/support/mcp_client.py). Every tool on the seed example and on each mistake family,
apply_change sequences whose result validates, diffs with exact changes, bad input of every
kind (each an error result of one sentence, the next call answered), and calls in flight
together. Answers are compared with the pure functions they come from, run in this process.
"""

from __future__ import annotations

import base64
import json
import os
import sys
import sysconfig
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

try:
    import mcp  # noqa: F401
except ImportError:
    pytest.skip("the MCP SDK is not installed (pip install -e '.[test]' installs it)", allow_module_level=True)

from fz_lsp.analysis.document import Document
from fz_lsp.analysis.settings import Settings
from fz_lsp.diagnostics import check
from fz_lsp.features.code_actions.fix_all import fix_report, fixable
from fz_lsp.features.graph_export import export_graph
from fz_lsp.features.share import decode_share_url, share_url
from fz_lsp.features.syntax_reference import syntax_reference
from fz_lsp.render import render_svg
from fz_lsp.render.png import pixel_size, png_size
from support.diagnostic_cases import CASES
from support.mcp_client import TOOL_NAMES, McpClient
from support.paths import EXAMPLES, ROOT, read_exact

GITOPS = read_exact(EXAMPLES / "gitops.fz")
BROKEN = read_exact(EXAMPLES / "broken.fz")


@pytest.fixture(scope="module")
def client() -> Iterator[McpClient]:
    with McpClient() as started:
        yield started


def answer(client: McpClient, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """The JSON of a successful call; its text content is the same JSON."""
    result = client.call(tool, arguments)
    texts = [c.text for c in result.content if c.type == "text"]
    assert not result.is_error, texts
    assert len(texts) == 1 and json.loads(texts[0]) == result.structured_content
    assert isinstance(result.structured_content, dict)
    return result.structured_content


def error(client: McpClient, tool: str, arguments: Any) -> str:
    """The sentence of a call answered with an error result."""
    result = client.call(tool, arguments)
    assert result.is_error, result.structured_content
    assert [c.type for c in result.content] == ["text"]
    return result.content[0].text


def entries(text: str, settings: Settings | None = None) -> list[dict[str, Any]]:
    """flowzap_validate's diagnostics, computed in this process."""
    settings = settings or Settings()
    doc = Document(text)
    keys = fixable(doc, settings)
    names = {1: "error", 2: "warning", 3: "info", 4: "hint"}
    return [
        {
            "line": d.span.line + 1,
            "column": d.span.start + 1,
            "endLine": d.span.line + 1,
            "endColumn": d.span.end + 1,
            "severity": names[d.severity],
            "code": d.code,
            "message": d.message,
            "fixable": (d.code, d.span) in keys,
        }
        for d in check(doc, settings)
    ]


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_the_tools_have_flowzaps_names_and_arguments(client: McpClient) -> None:
    assert client.initialized.server_info.name == "fz-lsp"
    tools = {tool.name: tool for tool in client.list_tools()}
    assert list(tools) == TOOL_NAMES
    schema = {name: tool.input_schema for name, tool in tools.items()}
    assert {name: sorted(s["properties"]) for name, s in schema.items()} == {
        "flowzap_validate": ["code", "sequenceRules", "strict"],
        "flowzap_get_syntax": [],
        "flowzap_create_playground": ["code", "view"],
        "flowzap_export_graph": ["code"],
        "flowzap_diff": ["newCode", "oldCode"],
        "flowzap_apply_change": ["code", "operations", "sequenceRules", "strict"],
        "flowzap_fix": ["code", "sequenceRules", "strict"],
        "flowzap_render": ["code", "format", "scale", "sequenceOrder", "theme", "view"],
    }
    assert schema["flowzap_diff"]["required"] == ["oldCode", "newCode"]
    operation = schema["flowzap_apply_change"]["properties"]["operations"]["items"]
    assert operation["properties"]["op"]["enum"] == [
        "insertNode", "removeNode", "updateNode", "insertEdge", "removeEdge", "renameNode", "renameLane",
    ]  # fmt: skip
    assert sorted(operation["properties"]) == [
        "afterNodeId", "laneId", "newEdge", "newId", "newNode", "nodeId", "op", "updates",
    ]  # fmt: skip
    assert sorted(operation["properties"]["newEdge"]["properties"]) == ["from", "fromHandle", "label", "to", "toHandle"]
    assert all(tool.annotations.read_only_hint and tool.annotations.open_world_hint is False for tool in tools.values())


def test_validate(client: McpClient) -> None:
    assert answer(client, "flowzap_validate", {"code": GITOPS}) == {"valid": True, "diagnostics": []}
    broken = answer(client, "flowzap_validate", {"code": BROKEN})
    assert broken == {"valid": False, "diagnostics": entries(BROKEN)}
    assert broken["diagnostics"][1] == {
        "line": 4,
        "column": 5,
        "endLine": 4,
        "endColumn": 9,
        "severity": "error",
        "code": "unknown-shape",
        "message": "Unknown shape `rect`. Did you mean `rectangle`? "
        "Shapes are `circle`, `rectangle`, `diamond` or `taskbox`.",
        "fixable": True,
    }
    label = 'A { # A\nn1: circle label="a"\nn2: circle label:"b"\nn1.handle(right) -> n2.handle(left)\n}\n'
    assert answer(client, "flowzap_validate", {"code": label})["valid"] is True  # a warning: FlowZap draws it
    strict = answer(client, "flowzap_validate", {"code": label, "strict": True})
    assert strict["valid"] is False
    assert [(d["severity"], d["code"], d["fixable"]) for d in strict["diagnostics"]] == [
        ("error", "label-operator", True)
    ]


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_validate_reports_each_mistake_family_on_its_exact_range(client: McpClient) -> None:
    """tests/support/diagnostic_cases.py: one document per code (ASCII: characters are UTF-16 units)."""
    for case in CASES:
        arguments: dict[str, Any] = {"code": case.text}
        if case.settings:
            arguments["sequenceRules"] = case.settings["diagnostics"]["sequenceRules"]
        found = answer(client, "flowzap_validate", arguments)["diagnostics"]
        where = [(d["line"] - 1, d["column"] - 1, d["endColumn"] - 1) for d in found if d["code"] == case.code]
        assert (case.line, case.start, case.end) in where, (case.code, found)


def test_get_syntax(client: McpClient) -> None:
    assert answer(client, "flowzap_get_syntax", {}) == syntax_reference()


def test_create_playground(client: McpClient) -> None:
    link = answer(client, "flowzap_create_playground", {"code": GITOPS, "view": "architecture"})
    assert link == {"url": share_url(GITOPS), "view": "architecture"}
    assert decode_share_url(link["url"]) == GITOPS
    errors = sum(1 for d in check(Document(BROKEN), Settings()) if d.severity == 1)
    assert errors == 16
    assert error(client, "flowzap_create_playground", {"code": BROKEN}) == (
        "The code has 16 errors FlowZap cannot draw as written (first: line 1, column 1: `graph` is Mermaid/PlantUML "
        'syntax, not FlowZap Code. FlowZap uses lanes (`Lane { # Label`), nodes (`n1: rectangle label:"..."`) and '
        "edges (`n1.handle(right) -> n2.handle(left)`).); fix them before making a playground link (flowzap_validate "
        "lists them, flowzap_fix repairs the safe ones)"
    )


def test_export_graph(client: McpClient) -> None:
    for text in (GITOPS, BROKEN):
        assert answer(client, "flowzap_export_graph", {"code": text}) == export_graph(Document(text).model)


def test_diff_of_a_prepared_pair(client: McpClient) -> None:
    new = GITOPS.replace('n21: circle label:"Release live"', 'n21: circle label:"Live"').replace(
        "n19.handle(right) -> n21.handle(left)\n",
        "n19.handle(right) -> n21.handle(left)\nn20.handle(right) -> n21.handle(left)\n",
    )
    assert answer(client, "flowzap_diff", {"oldCode": GITOPS, "newCode": new}) == {
        "nodesAdded": [],
        "nodesRemoved": [],
        "nodesUpdated": [{"id": "n21", "line": 47, "changes": {"label": {"old": "Release live", "new": "Live"}}}],
        "edgesAdded": [
            {"from": "n20", "to": "n21", "fromLane": "Cluster", "toLane": "Cluster", "sourceHandle": "right",
             "targetHandle": "left", "label": None, "crossLane": False, "resolved": True, "line": 52},
        ],
        "edgesRemoved": [],
        "edgesUpdated": [],
        "lanesAdded": [],
        "lanesRemoved": [],
        "lanesUpdated": [],
        "loopsAdded": [],
        "loopsRemoved": [],
        "summary": "1 node updated (n21); 1 edge added (n20->n21)",
    }  # fmt: skip


def test_apply_change_sequences_whose_result_validates(client: McpClient) -> None:
    result = answer(
        client,
        "flowzap_apply_change",
        {
            "code": GITOPS,
            "strict": True,
            "operations": [
                {"op": "insertNode", "laneId": "Cluster", "newNode": {"shape": "rectangle", "label": "Page on-call"}},
                {"op": "insertEdge", "newEdge": {"from": "n20", "to": "n22"}},
                {"op": "removeNode", "nodeId": "n99"},
                {"op": "removeNode", "nodeId": "n8"},
                {"op": "insertEdge", "newEdge": {"from": "n7", "to": "n9", "label": "Green"}},
                {"op": "insertEdge", "newEdge": {"from": "n7", "to": "n5", "label": "Red"}},
                {"op": "renameNode", "nodeId": "n22", "newId": "n8"},
            ],
        },
    )
    assert [(a["op"], a["ok"]) for a in result["applied"]] == [
        ("insertNode", True), ("insertEdge", True), ("removeNode", False), ("removeNode", True),
        ("insertEdge", True), ("insertEdge", True), ("renameNode", True),
    ]  # fmt: skip
    assert result["applied"][0]["nodeId"] == "n22"
    assert result["applied"][2]["message"] == "no node `n99` is declared"
    # strict mode applies FlowZap's sequence rules too (issue 23), which the gitops example
    # does not meet: those errors, and nothing else
    assert result["valid"] is False
    assert {d["code"] for d in result["diagnostics"]} == {"missing-reply", "ping-pong"}
    assert 'n7.handle(top) -> Dev.n5.handle(bottom) [label="Red"]' in result["code"]  # up a lane: top -> bottom
    assert "n20.handle(right) -> n8.handle(left)" in result["code"] and "loop" not in result["code"]
    again = answer(client, "flowzap_validate", {"code": result["code"], "strict": True})
    assert again == {"valid": False, "diagnostics": result["diagnostics"]}


def test_apply_change_reports_the_new_codes_diagnostics(client: McpClient) -> None:
    result = answer(
        client,
        "flowzap_apply_change",
        {"code": GITOPS, "operations": [{"op": "insertNode", "laneId": "Dev", "newNode": {"shape": "circle"}}]},
    )
    assert result["diagnostics"] == entries(result["code"])
    assert [d["code"] for d in result["diagnostics"]] == ["missing-label", "orphan-node"]


def test_fix(client: McpClient) -> None:
    fixed_code, fixed = fix_report(BROKEN)
    result = answer(client, "flowzap_fix", {"code": BROKEN})
    assert result["code"] == fixed_code
    assert result["fixed"] == [
        {"code": f.code, "fix": f.title, "line": None if f.line is None else f.line + 1} for f in fixed
    ]
    assert result["fixed"][0] == {"code": "unknown-shape", "fix": "Change the shape to `rectangle`", "line": 4}
    assert result["diagnostics"] == entries(fixed_code)
    assert answer(client, "flowzap_fix", {"code": GITOPS}) == {
        "code": GITOPS,
        "fixed": [],
        "valid": True,
        "diagnostics": [],
    }


@pytest.mark.parametrize("view", ["workflow", "sequence", "architecture"])
def test_render_svg(client: McpClient, view: str) -> None:
    result = answer(client, "flowzap_render", {"code": GITOPS, "view": view, "theme": "dark"})
    svg = render_svg(Document(GITOPS).model, view, "dark")
    assert result["svg"] == svg
    assert (result["format"], result["view"], result["theme"], result["errors"]) == ("svg", view, "dark", [])


@pytest.mark.parametrize("order", ["causal", "document"])
def test_render_sequence_in_either_order(client: McpClient, order: str) -> None:
    result = answer(client, "flowzap_render", {"code": GITOPS, "view": "sequence", "sequenceOrder": order})
    assert result["svg"] == render_svg(Document(GITOPS).model, "sequence", "light", order)
    assert result["sequenceOrder"] == order


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_render_png_is_image_content(client: McpClient) -> None:
    result = client.call("flowzap_render", {"code": GITOPS, "format": "png", "scale": 2})
    assert not result.is_error
    assert [c.type for c in result.content] == ["image", "text"]
    image = result.content[0]
    assert image.mime_type == "image/png"
    png = base64.b64decode(image.data)
    expected = pixel_size(render_svg(Document(GITOPS).model), 2)
    assert png_size(png) == expected == (7296, 1960)
    assert result.structured_content == {
        "format": "png", "view": "workflow", "theme": "light", "width": 7296, "height": 1960, "scale": 2.0,
        "errors": [],
    }  # fmt: skip


BAD_CALLS = [
    ("flowzap_validate", {}, "`code` is missing: pass the FlowZap Code as a string"),
    ("flowzap_validate", {"code": None}, "`code` is missing: pass the FlowZap Code as a string"),
    ("flowzap_validate", {"code": 42}, "`code` must be a string of FlowZap Code, not a number"),
    ("flowzap_validate", {"code": ["A {"]}, "`code` must be a string of FlowZap Code, not an array"),
    ("flowzap_validate", {"code": GITOPS, "strict": "yes"}, "`strict` must be true or false, not a string"),
    ("flowzap_validate", {"code": "A { # A\nn1: circle\0 label:\"a\"\n}\n"},
     "`code` contains a NUL character (line 2, column 11); FlowZap Code is plain text"),
    ("flowzap_validate", {"code": "A { # A\n" + "x" * 5_000_000 + "\n}\n"},
     "`code` has 5,000,011 characters, more than the 1,000,000 this server takes (FlowZap itself takes 50,000)"),
    ("flowzap_validate", {"code": "".join(f"L{k} {{\n" for k in range(50_000))},
     "`code` opens 50,000 lanes, more than the 1,000 this server works on (a FlowZap diagram has a handful)"),
    ("flowzap_validate", {"code": "\n" * 150_000}, "`code` has 150,001 lines, more than the 100,000 this server takes"),
    ("flowzap_diff", {"oldCode": GITOPS}, "`newCode` is missing: pass the FlowZap Code as a string"),
    ("flowzap_diff", {"oldCode": True, "newCode": GITOPS}, "`oldCode` must be a string of FlowZap Code, not a boolean"),
    ("flowzap_apply_change", {"code": GITOPS},
     "`operations` is missing: pass an array of operations such as {\"op\": \"insertNode\", …}"),
    ("flowzap_apply_change", {"code": GITOPS, "operations": {"op": "insertNode"}},
     "`operations` must be an array of operations, not an object"),
    ("flowzap_apply_change", {"code": GITOPS, "operations": ["insertNode"]},
     "`operations[0]` must be an object with an `op`, not a string"),
    ("flowzap_apply_change", {"code": GITOPS, "operations": [{"op": "removeNode", "nodeId": "n1"}, {"op": "moveNode"}]},
     "`operations[1].op` is 'moveNode'; it must be one of insertNode, removeNode, updateNode, insertEdge, removeEdge, "
     "renameNode, renameLane"),
    ("flowzap_apply_change", {"code": GITOPS, "operations": [{"nodeId": "n1"}]},
     "`operations[0].op` is missing; it must be one of insertNode, removeNode, updateNode, insertEdge, removeEdge, "
     "renameNode, renameLane"),
    ("flowzap_apply_change", {"code": GITOPS, "operations": [{"op": "updateNode", "updates": {"label": "a\0b"}}]},
     "`operations[0].updates.label` contains a NUL character"),
    ("flowzap_create_playground", {"code": GITOPS, "view": "flow"},
     "`view` must be one of workflow, sequence, architecture, not 'flow'"),
    ("flowzap_render", {"code": GITOPS, "format": "gif"}, "`format` must be one of svg, png, not 'gif'"),
    ("flowzap_render", {"code": GITOPS, "format": "png", "scale": 50}, "the scale must be from 0.1 to 10, not 50"),
    ("flowzap_render", {"code": GITOPS, "scale": "2"}, "`scale` must be a number, not a string"),
    ("flowzap_render", {"code": GITOPS, "sequenceOrder": "time"},
     "`sequenceOrder` must be one of causal, document, not 'time'"),
    ("flowzap_render", {"code": "graph TD\nA --> B\n"},
     "there is nothing to draw: the code declares no lane (`Id { # Label` … `}`)"),
    ("flowzap_fix", {"code": GITOPS, "strict": 1}, "`strict` must be true or false, not a number"),
    ("flowzap_validate_code", {"code": GITOPS},
     "there is no tool `flowzap_validate_code`; the tools are " + ", ".join(TOOL_NAMES)),
]  # fmt: skip


@pytest.mark.parametrize(("tool", "arguments", "sentence"), BAD_CALLS, ids=lambda v: str(v)[:40])
def test_bad_input_is_one_sentence_and_the_next_call_works(
    client: McpClient, tool: str, arguments: dict[str, Any], sentence: str
) -> None:
    assert error(client, tool, arguments) == sentence
    assert answer(client, "flowzap_validate", {"code": GITOPS}) == {"valid": True, "diagnostics": []}


def test_two_calls_in_flight_at_once(client: McpClient) -> None:
    """Sent together, answered each with its own result (the second waits for the first)."""
    rendered, validated, broken = client.call_together(
        [
            ("flowzap_render", {"code": GITOPS, "view": "sequence"}),
            ("flowzap_validate", {"code": GITOPS}),
            ("flowzap_validate", {"code": BROKEN}),
        ]
    )
    assert rendered.structured_content["svg"] == render_svg(Document(GITOPS).model, "sequence")
    assert validated.structured_content == {"valid": True, "diagnostics": []}
    assert broken.structured_content == {"valid": False, "diagnostics": entries(BROKEN)}


@pytest.mark.slow
def test_every_tool_on_each_mistake_family(client: McpClient) -> None:
    """Each single-mistake document of tests/support/diagnostic_cases.py through every tool: answers,
    never a failure; the fix removes what it calls fixable; a playground link exactly when
    there is no error; the graph is the model's; the render draws."""
    for case in CASES:
        code = case.text
        validated = answer(client, "flowzap_validate", {"code": code})
        fixed = answer(client, "flowzap_fix", {"code": code})
        if any(d["code"] == case.code and d["fixable"] for d in validated["diagnostics"]):
            assert case.code not in {d["code"] for d in fixed["diagnostics"]}, case.code
        playground = client.call("flowzap_create_playground", {"code": code})
        assert playground.is_error is (not validated["valid"]), case.code
        graph = answer(client, "flowzap_export_graph", {"code": code})
        assert graph == export_graph(Document(code).model)
        changes = answer(client, "flowzap_diff", {"oldCode": code, "newCode": fixed["code"]})
        if fixed["code"] == code:
            assert changes["summary"] == "no change"
        if any(lane["id"] == "A" for lane in graph["lanes"]):
            operation = {"op": "insertNode", "laneId": "A", "newNode": {"label": "New"}}
            applied = answer(client, "flowzap_apply_change", {"code": code, "operations": [operation]})
            assert applied["applied"][0]["ok"], (case.code, applied["applied"])
        rendered = client.call("flowzap_render", {"code": code})
        assert rendered.is_error is (not graph["lanes"]), case.code


AUDIT_HOOK = """
import os, sys
_log = open(os.environ["FZ_AUDIT_LOG"], "a", encoding="utf-8", buffering=1)
def _hook(event, args):
    if event == "open":
        _log.write("open\\t%s\\n" % (args[0],))
    elif event.startswith("socket.") or event in ("subprocess.Popen", "os.exec", "os.posix_spawn", "os.system"):
        _log.write("%s\\t%r\\n" % (event, args[1:] if event == "socket.__new__" else args))
sys.addaudithook(_hook)
"""


@pytest.mark.slow
def test_the_server_opens_no_network_socket_and_reads_only_its_own_files(tmp_path: Path) -> None:
    """Python's audit hooks in the server process (a sitecustomize) log every file it opens and
    every socket or process it creates, while every tool runs: no socket but the event loop's
    own AF_UNIX pair, no process, and no file outside Python's libraries, fz-lsp's package and
    grammar, its shape cache, lark's grammar cache and the temporary directory probe. (resvg
    reads the system's fonts from Rust for the PNG: not seen here, and named in the README.)"""
    (tmp_path / "hook").mkdir()
    (tmp_path / "hook" / "sitecustomize.py").write_text(AUDIT_HOOK, encoding="utf-8")
    log, cache = tmp_path / "audit.log", tmp_path / "cache"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path / "hook"), str(ROOT)]),
        "FZ_AUDIT_LOG": str(log),
        "FZ_LSP_CACHE_DIR": str(cache),
        "LANGUAGE": "en",
    }
    with McpClient(env=env) as own:
        for tool, arguments in [
            ("flowzap_validate", {"code": BROKEN}),
            ("flowzap_get_syntax", {}),
            ("flowzap_create_playground", {"code": GITOPS}),
            ("flowzap_export_graph", {"code": GITOPS}),
            ("flowzap_diff", {"oldCode": GITOPS, "newCode": BROKEN}),
            ("flowzap_apply_change", {"code": GITOPS, "operations": [{"op": "removeNode", "nodeId": "n1"}]}),
            ("flowzap_fix", {"code": BROKEN}),
            ("flowzap_render", {"code": GITOPS, "format": "png"}),
        ]:
            assert not own.call(tool, arguments).is_error, tool
    events = [line.split("\t", 1) for line in log.read_text(encoding="utf-8").splitlines()]
    others = [(event, detail) for event, detail in events if event != "open"]
    assert others and all(event == "socket.__new__" and detail.startswith("(1,") for event, detail in others), others
    allowed = {sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    allowed |= {str(ROOT / "fz_lsp"), str(ROOT / "grammar"), str(cache), str(tmp_path / "hook"), tempfile.gettempdir()}
    opened = {detail for event, detail in events if event == "open" and not detail.isdigit()}
    probed = {os.devnull, *sys.path}  # the import system tries each sys.path entry (python311.zip)
    outside = sorted(
        path for path in opened if path not in probed and not any(path.startswith(root + os.sep) for root in allowed)
    )
    assert outside == []
    assert any(path.startswith(str(cache)) for path in opened)  # the shape cache is the one fz-lsp writes
