"""The MCP tools: FlowZap's tool names and argument names, answered from fz-lsp's own analysis,
offline. Each tool is a function of its arguments to an `Answer` (JSON, and an image for a
PNG), or a ToolInputError whose sentence says what was wrong; the server (server.py) only
carries them over MCP. Nothing here reads a file, opens a socket or starts a process.

Diagnostics are reported as `fz-lsp check --format json` reports them: 1-based lines and
columns counted in characters (`endColumn` is the column after the last character), plus
`fixable` (flowzap_fix has a safe repair for it).

Pure Python: no MCP SDK import.

May import: every layer below the front ends (features, render, diagnostics, analysis, ...).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from fz_lsp import __version__
from fz_lsp.analysis.document import Document
from fz_lsp.analysis.settings import Settings
from fz_lsp.analysis.views import SEQUENCE_ORDERS, THEMES, VIEWS
from fz_lsp.diagnostics import ERROR, Diagnostic, as_record, check
from fz_lsp.features import change_operations
from fz_lsp.features.code_actions.fix_all import fix_report, fixable
from fz_lsp.features.graph_diff import diff_models
from fz_lsp.features.graph_export import export_graph
from fz_lsp.features.share import share_url
from fz_lsp.features.syntax_reference import syntax_reference
from fz_lsp.mcp import arguments
from fz_lsp.mcp.arguments import MAX_DIAGNOSTICS, ToolInputError
from fz_lsp.syntax.vocabulary import NAME

FORMATS = ("svg", "png")
JSON = dict[str, Any]


@dataclass(frozen=True)
class Answer:
    json: JSON
    png: bytes | None = None  # flowzap_render's picture, sent as image content


@dataclass(frozen=True)
class Tool:
    name: str
    description: str
    input_schema: JSON
    run: Callable[[Mapping[str, Any]], Answer]


_LANE_HEADER = re.compile(r"^[ \t]*" + NAME + r"[ \t]*\{", re.MULTILINE)


def _analysed(args: Mapping[str, Any], name: str = "code") -> Document:
    text = arguments.code(args, name)
    arguments.lanes_within_limit(name, len(_LANE_HEADER.findall(text)))  # at once, before the analysis
    doc = Document(text)
    arguments.lanes_within_limit(name, len(doc.model.lanes))
    return doc


def _entry(d: Diagnostic, fixable_keys: set[tuple[str, Any]]) -> JSON:
    return {**as_record(d), "fixable": (d.code, d.span) in fixable_keys}


def _report(doc: Document, settings: Settings, errors_only: bool = False) -> JSON:
    """`{valid, diagnostics}` (+ `diagnosticsOmitted` past MAX_DIAGNOSTICS)."""
    found = check(doc, settings)
    shown = [d for d in found if d.severity == ERROR] if errors_only else found
    keys = fixable(doc, settings) if shown else set()
    report: JSON = {
        "valid": not any(d.severity == ERROR for d in found),
        "diagnostics": [_entry(d, keys) for d in shown[:MAX_DIAGNOSTICS]],
    }
    if len(shown) > MAX_DIAGNOSTICS:
        report["diagnosticsOmitted"] = len(shown) - MAX_DIAGNOSTICS
    return report


def _settings(args: Mapping[str, Any]) -> Settings:
    return Settings(strict=arguments.flag(args, "strict"), sequence_rules=arguments.flag(args, "sequenceRules"))


def validate(args: Mapping[str, Any]) -> Answer:
    settings = _settings(args)  # the small arguments first: a mistake there costs no analysis
    return Answer(_report(_analysed(args), settings))


def get_syntax(args: Mapping[str, Any]) -> Answer:
    return Answer(syntax_reference())


def create_playground(args: Mapping[str, Any]) -> Answer:
    view = arguments.choice(args, "view", VIEWS, "workflow")
    doc = _analysed(args)
    errors = [d for d in check(doc, Settings()) if d.severity == ERROR]
    if errors:
        first = errors[0]
        count = f"{len(errors)} error{'s' if len(errors) > 1 else ''}"
        raise ToolInputError(
            f"The code has {count} FlowZap cannot draw as written (first: line {first.span.line + 1}, column "
            f"{first.span.start + 1}: {first.message}); fix them before making a playground link "
            "(flowzap_validate lists them, flowzap_fix repairs the safe ones)"
        )
    return Answer({"url": share_url(doc.text), "view": view})


def export(args: Mapping[str, Any]) -> Answer:
    return Answer(export_graph(_analysed(args).model))


def diff(args: Mapping[str, Any]) -> Answer:
    old, new = _analysed(args, "oldCode"), _analysed(args, "newCode")
    return Answer(diff_models(old.model, new.model))


def apply_change(args: Mapping[str, Any]) -> Answer:
    operations = arguments.operations(args, change_operations.OPERATIONS)
    settings = _settings(args)
    doc = _analysed(args)
    text, applied = change_operations.apply_operations(doc.text, operations)
    result = Document(text)
    return Answer({"code": text, "applied": [a.as_json() for a in applied], **_report(result, settings)})


def fix(args: Mapping[str, Any]) -> Answer:
    settings = _settings(args)
    doc = _analysed(args)
    text, fixed = fix_report(doc.text, settings)
    fixes = [{"code": f.code, "fix": f.title, "line": None if f.line is None else f.line + 1} for f in fixed]
    return Answer({"code": text, "fixed": fixes, **_report(Document(text), settings)})


def render(args: Mapping[str, Any]) -> Answer:
    from fz_lsp.render import render_svg
    from fz_lsp.render.png import PngExportError, PngUnavailable, check_scale, pixel_size, svg_size, svg_to_png

    view = arguments.choice(args, "view", VIEWS, "workflow")
    theme = arguments.choice(args, "theme", THEMES, "light")
    order = arguments.choice(args, "sequenceOrder", SEQUENCE_ORDERS, SEQUENCE_ORDERS[0])
    form = arguments.choice(args, "format", FORMATS, "svg")
    scale = arguments.number(args, "scale", 1.0)
    if form == "png":
        try:
            check_scale(scale)
        except PngExportError as error:
            raise ToolInputError(str(error)) from error
    doc = _analysed(args)
    if not doc.model.lanes:
        raise ToolInputError("there is nothing to draw: the code declares no lane (`Id { # Label` … `}`)")
    svg = render_svg(doc.model, view, theme, order)
    width, height = svg_size(svg)
    answer: JSON = {"format": form, "view": view, "theme": theme}
    if view == "sequence":
        answer["sequenceOrder"] = order
    errors = _report(doc, Settings(), errors_only=True)["diagnostics"]
    if form == "svg":
        return Answer({**answer, "width": width, "height": height, "errors": errors, "svg": svg})
    try:
        png = svg_to_png(svg, scale)
        pixels = pixel_size(svg, scale)
    except (PngExportError, PngUnavailable) as error:
        raise ToolInputError(str(error)) from error
    return Answer({**answer, "width": pixels[0], "height": pixels[1], "scale": scale, "errors": errors}, png)


_CODE = {"type": "string", "description": "FlowZap Code (the text of a .fz file)"}
_STRICT = {
    "type": "boolean",
    "description": "FlowZap's validator rules are errors, not warnings (for code FlowZap's validator must accept)",
}
_SEQUENCE_RULES = {
    "type": "boolean",
    "description": "also check the sequence view's rules: every cross-lane request answered, requests and replies "
    "alternating (FlowZap's validator enforces them)",
}
_VIEW = {"type": "string", "enum": list(VIEWS), "description": "workflow (default), sequence or architecture"}
_HANDLE = {"type": "string", "enum": ["left", "right", "top", "bottom"]}
_OPERATION = {
    "type": "object",
    "properties": {
        "op": {"type": "string", "enum": list(change_operations.OPERATIONS)},
        "nodeId": {"type": "string", "description": "removeNode, updateNode, renameNode: the node"},
        "laneId": {"type": "string", "description": "insertNode: the lane; renameLane: the lane"},
        "afterNodeId": {"type": "string", "description": "insertNode: put the node after this one"},
        "newNode": {
            "type": "object",
            "description": "insertNode: the node (its id is the next free one)",
            "properties": {
                "shape": {"type": "string", "enum": ["circle", "rectangle", "diamond", "taskbox"]},
                "label": {"type": "string"},
                "properties": {"type": "object", "description": "owner, description, system"},
            },
        },
        "newEdge": {
            "type": "object",
            "description": "insertEdge: the edge; removeEdge: the edge to remove (from, to, handles optional)",
            "properties": {
                "from": {"type": "string"},
                "to": {"type": "string"},
                "label": {"type": "string"},
                "fromHandle": _HANDLE,
                "toHandle": _HANDLE,
            },
        },
        "updates": {
            "type": "object",
            "description": "updateNode: shape or attributes (label, owner, description, system) to set; null removes",
        },
        "newId": {"type": "string", "description": "renameNode, renameLane: the new id"},
    },
    "required": ["op"],
}


def _schema(properties: JSON, required: tuple[str, ...] = ()) -> JSON:
    return {"type": "object", "properties": properties, "required": list(required)}


TOOLS: tuple[Tool, ...] = (
    Tool(
        "flowzap_validate",
        "Check FlowZap Code and list every problem with its exact position (line, column, end), severity, a "
        "stable code and whether flowzap_fix can repair it. valid means no error; with strict, FlowZap's "
        "validator rules count as errors. Runs locally: nothing is sent anywhere.",
        _schema({"code": _CODE, "strict": _STRICT, "sequenceRules": _SEQUENCE_RULES}, ("code",)),
        validate,
    ),
    Tool(
        "flowzap_get_syntax",
        "The FlowZap Code reference: lanes, node shapes, attributes, edges and handles, loops, common mistakes "
        "with their fixes, and a valid example. Read it before writing FlowZap Code.",
        _schema({}),
        get_syntax,
    ),
    Tool(
        "flowzap_create_playground",
        "A link that opens the code in FlowZap's web playground, computed locally (the code travels in the link "
        "itself; nothing is uploaded). Refused while the code has errors. FlowZap's link carries no view: view "
        "is accepted for compatibility and echoed.",
        _schema({"code": _CODE, "view": _VIEW}, ("code",)),
        create_playground,
    ),
    Tool(
        "flowzap_export_graph",
        "The diagram as a JSON graph: lanes, nodes (lane, shape, label, kind), edges (ends, their lanes, handles, "
        "labels, cross-lane or not), loops and counts, as fz-lsp resolves them.",
        _schema({"code": _CODE}, ("code",)),
        export,
    ),
    Tool(
        "flowzap_diff",
        "What changed between two versions: nodes, edges, lanes and loops added, removed or updated (old and new "
        "value per field), nodes matched by id and edges by their ends, and a one-line summary.",
        _schema({"oldCode": _CODE, "newCode": _CODE}, ("oldCode", "newCode")),
        diff,
    ),
    Tool(
        "flowzap_apply_change",
        "Apply structured edits and get the new code: insertNode (next free id), removeNode (its edges and loop "
        "mentions too), updateNode, insertEdge (lane prefix and handles chosen by FlowZap's conventions when not "
        "given), removeEdge, renameNode, renameLane. An operation that cannot apply changes nothing and says why "
        "in applied. The code keeps its own style; the new code's diagnostics come back with it.",
        _schema(
            {
                "code": _CODE,
                "operations": {"type": "array", "items": _OPERATION},
                "strict": _STRICT,
                "sequenceRules": _SEQUENCE_RULES,
            },
            ("code", "operations"),
        ),
        apply_change,
    ),
    Tool(
        "flowzap_fix",
        "Apply every safe repair (label operators, handle typos, lane prefixes, misplaced edges, …) and return "
        "the fixed code, what was fixed, and the diagnostics left. Guesses are never applied.",
        _schema({"code": _CODE, "strict": _STRICT, "sequenceRules": _SEQUENCE_RULES}, ("code",)),
        fix,
    ),
    Tool(
        "flowzap_render",
        "Draw the diagram locally: SVG text (format svg, the default) or a PNG image (format png; scale 1 is the "
        "SVG's size, 2 for high-density screens), in the workflow, sequence or architecture view, light or dark.",
        _schema(
            {
                "code": _CODE,
                "view": _VIEW,
                "format": {"type": "string", "enum": list(FORMATS)},
                "theme": {"type": "string", "enum": list(THEMES)},
                "sequenceOrder": {
                    "type": "string",
                    "enum": list(SEQUENCE_ORDERS),
                    "description": "the sequence view's steps: causal (default: causes before effects) or document "
                    "(the edges' order, FlowZap's own rule)",
                },
                "scale": {"type": "number", "minimum": 0.1, "maximum": 10},
            },
            ("code",),
        ),
        render,
    ),
)
TOOLS_BY_NAME = {tool.name: tool for tool in TOOLS}
SERVER_NAME = "fz-lsp"
SERVER_VERSION = __version__
INSTRUCTIONS = (
    "fz-lsp's tools for FlowZap Code (.fz diagrams), with the names and arguments of FlowZap's own MCP server, "
    "answered locally and offline. Write code after reading flowzap_get_syntax, check it with flowzap_validate, "
    "repair it with flowzap_fix or flowzap_apply_change, look at it with flowzap_render."
)
