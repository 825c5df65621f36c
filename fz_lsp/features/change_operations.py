"""Structured changes to a document: `flowzap_apply_change` (the MCP server).

FlowZap's own operations, with its argument names, and two of ours:

- `insertNode {laneId, newNode {shape, label, properties}, afterNodeId?}`: the node gets the
  next free id (the lowest `nK` neither declared nor named by any reference, so no dangling
  reference is silently connected and a gap left by a removal is filled), after
  `afterNodeId`'s line, else after the lane's last node, else under the lane's header; the
  lane may also be given by `afterNodeId` alone;
- `removeNode {nodeId}`: its declaration, every edge line that names it (unreadable ones
  included) and its mentions in loops (a loop left with fewer than two nodes goes too: it
  would frame nothing, and FlowZap's validator rejects it);
- `updateNode {nodeId, updates}`: `shape` or attributes set to a string, or removed with null;
- `insertEdge {newEdge {from, to, label?, fromHandle?, toHandle?}}`: written in the lane of its
  source, after that lane's last edge (else its last node), the target prefixed with its lane
  exactly when it is another lane; handles by FlowZap's conventions when none are given
  (same lane: right -> left, a decision's further branches leaving by bottom then left; to a
  lane below: bottom -> top; to a lane above: top -> bottom); one handle given, the other is
  its opposite;
- `removeEdge {newEdge {from, to, fromHandle?, toHandle?}}` (FlowZap names the edge to remove
  `newEdge` too): every edge between those ends (with those handles, when given);
- `renameNode {nodeId, newId}` and `renameLane {laneId, newId}`: the rename of the language
  server (analysis/renaming.py: every declaration, reference, prefix and loop member; the
  same refusals).

Operations apply in order, each to the result of the ones before. One that cannot apply (a
node that does not exist, a shape FlowZap lacks, an edge already there, …) changes nothing and
says why in its `Applied`; the others still apply. New lines are written like the document's
own: the indentation of the lane's statements, the document's line terminator, the final
newline kept as it was; lines not touched are not changed. Every written line is parsed back
and must read as the statement intended.

The caller checks the shape of `operations` (a list of objects whose `op` is one of OPERATIONS);
everything else about an operation is checked here.

May import: fz_lsp.base, fz_lsp.syntax, fz_lsp.model, fz_lsp.analysis.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from fz_lsp import syntax
from fz_lsp.analysis.document import Document
from fz_lsp.analysis.renaming import RenameError, check_name, edits_for
from fz_lsp.model import Lane, Model, Node
from fz_lsp.syntax.vocabulary import DIRECTIONS, NODE_ATTRIBUTES, SHAPES

OPERATIONS = ("insertNode", "removeNode", "updateNode", "insertEdge", "removeEdge", "renameNode", "renameLane")
OPPOSITE = {"left": "right", "right": "left", "top": "bottom", "bottom": "top"}
DECISION_BRANCHES = ("right", "bottom", "left")  # the sides a diamond's branches leave by, in turn


class OperationError(Exception):
    """An operation that cannot apply; `str(error)` says why, in one sentence."""


@dataclass(frozen=True)
class Applied:
    op: str
    ok: bool
    message: str
    node_id: str | None = None  # the id insertNode gave

    def as_json(self) -> dict[str, Any]:
        answer: dict[str, Any] = {"op": self.op, "ok": self.ok, "message": self.message}
        if self.node_id is not None:
            answer["nodeId"] = self.node_id
        return answer


class _Lines:
    """The document's lines being edited: deleted, replaced, new ones inserted after a line;
    `text()` puts them back together with their terminators."""

    def __init__(self, doc: Document) -> None:
        self.lines = list(doc.lines)
        self.ends = list(doc.source.ends)
        self.deleted: set[int] = set()
        self.replaced: dict[int, str] = {}
        self.inserted: dict[int, list[str]] = {}
        counts = Counter(end for end in self.ends if end)
        self.newline = counts.most_common(1)[0][0] if counts else "\n"

    def text(self) -> str:
        out: list[tuple[str, str]] = []
        for i, line in enumerate(self.lines):
            if i not in self.deleted:
                out.append((self.replaced.get(i, line), self.ends[i]))
            out += [(new, self.newline) for new in self.inserted.get(i, [])]
        # the last line has no terminator (split_lines: a final newline ends the line before
        # an empty last one); every other line has one
        return "".join(line + (end or self.newline) for line, end in out[:-1]) + (out[-1][0] if out else "")


def _indentation(text: str) -> str:
    return text[: len(text) - len(text.lstrip(" \t"))]


def _lane_indent(model: Model, lane: Lane) -> str:
    """How the lane's statements are indented: its first statement's, else the document's
    (its first statement inside any lane), else none."""
    for candidate in (lane, *model.lanes):
        end = candidate.close_line if candidate.close_line is not None else candidate.last_line + 1
        for i in range(candidate.header_line + 1, end):
            st = model.statements[i]
            if st is not None and not isinstance(st, (syntax.LaneOpen, syntax.LaneClose)):
                return _indentation(model.lines[i])
    return ""


def _quoted(value: str) -> str:
    """`value` as a FlowZap string: one line, `"` and `\\` escaped."""
    flat = " ".join(value.replace("\\", "\\\\").replace('"', '\\"').split())
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in flat):
        raise OperationError("a label or attribute value may not contain control characters")
    return f'"{flat}"'


def _text(op: Mapping[str, Any], key: str, what: str, required: bool = True) -> str | None:
    value = op.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise OperationError(f"{key} must be {what}" + ("" if value is None else f", not {value!r}"))
    return value


def _object(op: Mapping[str, Any], key: str, what: str) -> Mapping[str, Any]:
    value = op.get(key)
    if not isinstance(value, Mapping):
        raise OperationError(f"{key} must be an object {what}")
    return value


def _node(model: Model, node_id: str) -> Node:
    declared = [n for n in model.nodes if n.id == node_id]
    if not declared:
        raise OperationError(f"no node `{node_id}` is declared")
    if len(declared) > 1:
        lines = ", ".join(str(n.line + 1) for n in declared)
        raise OperationError(f"`{node_id}` is declared {len(declared)} times (lines {lines}); remove one first")
    return declared[0]


def _lane(model: Model, lane_id: str) -> Lane:
    lane = model.lane_by_id.get(lane_id)
    if lane is None:
        names = ", ".join(lane.id for lane in model.lanes) or "none"
        raise OperationError(f"no lane `{lane_id}` (lanes: {names})")
    return lane


def _attribute_value(key: str, value: object) -> str:
    if not isinstance(value, str):
        raise OperationError(f"the value of {key} must be a string, not {value!r}")
    return _quoted(value)


def free_id(model: Model) -> str:
    """The lowest `nK` that no line declares or names."""
    taken = {n.id for n in model.nodes} | {r.name for r in model.refs}
    taken |= {st.first_word.text for st in model.statements if isinstance(st, syntax.Broken) and st.first_word}
    k = 1
    while f"n{k}" in taken:
        k += 1
    return f"n{k}"


def _insert_node(doc: Document, lines: _Lines, op: Mapping[str, Any]) -> Applied:
    model = doc.model
    new = _object(op, "newNode", "{shape, label, properties}")
    shape = new.get("shape", "rectangle")
    if shape not in SHAPES:
        raise OperationError(f"newNode.shape must be one of {', '.join(SHAPES)}, not {shape!r}")
    attributes: dict[str, str] = {}
    if new.get("label") is not None:
        attributes["label"] = _attribute_value("newNode.label", new["label"])
    properties = new.get("properties") or {}
    if not isinstance(properties, Mapping):
        raise OperationError("newNode.properties must be an object of attributes")
    for key, value in properties.items():
        if key not in NODE_ATTRIBUTES:
            raise OperationError(f"newNode.properties.{key} is not a node attribute ({', '.join(NODE_ATTRIBUTES)})")
        if key in attributes:
            raise OperationError("the label is given twice (newNode.label and newNode.properties.label)")
        attributes[key] = _attribute_value(f"newNode.properties.{key}", value)
    lane_id = _text(op, "laneId", "a lane id", required=False)
    after_id = _text(op, "afterNodeId", "a node id", required=False)
    after = _node(model, after_id) if after_id is not None else None
    if lane_id is None and after is None:
        raise OperationError("laneId is missing: say which lane the node goes in")
    lane = _lane(model, lane_id) if lane_id is not None else after.lane if after is not None else None
    if lane is None:
        raise OperationError(f"`{after_id}` is outside every lane; give a laneId")
    if after is not None and after.lane is not lane:
        raise OperationError(f"`{after.id}` is in lane `{after.lane.id if after.lane else '(none)'}`, not `{lane.id}`")
    if after is not None:
        anchor = after.line
    elif lane.nodes:
        anchor = lane.nodes[-1].line
    else:
        anchor = lane.label_span.line if lane.label_own_line and lane.label_span else lane.header_line
    node_id = free_id(model)
    body = f"{node_id}: {shape}" + "".join(f" {key}:{value}" for key, value in attributes.items())
    line = _lane_indent(model, lane) + body
    _expect(line, syntax.NodeDecl)
    lines.inserted.setdefault(anchor, []).append(line)
    label = f" {attributes['label']}" if "label" in attributes else ""
    return Applied("insertNode", True, f"added {node_id} ({shape}{label}) to lane {lane.id}", node_id)


def _remove_node(doc: Document, lines: _Lines, op: Mapping[str, Any]) -> Applied:
    model = doc.model
    node_id = _text(op, "nodeId", "a node id")
    assert node_id is not None
    node = _node(model, node_id)
    gone = {node.line}
    edges = [e for e in model.edges if node_id in (e.source.name, e.target.name, *(r.name for r in e.chained))]
    gone |= {e.line for e in edges}
    touching = {r.line for r in model.refs if r.role == "touch" and r.name == node_id}
    gone |= touching
    loops_changed = loops_gone = 0
    for loop in model.loops:
        mentions = [m for m in loop.members if m.name == node_id]
        if not mentions or loop.line in gone:
            continue
        text = model.lines[loop.line]
        if not isinstance(model.statements[loop.line], syntax.LoopStmt):
            raise OperationError(f"the loop on line {loop.line + 1} does not parse cleanly; fix it first")
        kept = [m for m in loop.members if m.name != node_id]
        if len(kept) < 2:
            gone.add(loop.line)
            loops_gone += 1
            continue
        loops_changed += 1
        # drop each mention with the blank before it, from the right
        for member in sorted(mentions, key=lambda m: m.span.start, reverse=True):
            start = member.full_span.start
            while start > 0 and text[start - 1] in " \t":
                start -= 1
            text = text[:start] + text[member.full_span.end :]
        _expect(text, syntax.LoopStmt)
        lines.replaced[loop.line] = text
    lines.deleted |= gone
    parts = [f"removed {node_id}"]
    if edges or touching:
        count = len({e.line for e in edges} | touching)
        parts.append(f"{count} edge line{'s' if count != 1 else ''}")
    if loops_changed:
        parts.append(f"its mention in {loops_changed} loop{'s' if loops_changed != 1 else ''}")
    if loops_gone:
        parts.append(f"{loops_gone} loop{'s' if loops_gone != 1 else ''} left with one node or none")
    return Applied("removeNode", True, " and ".join([parts[0], ", ".join(parts[1:])] if parts[1:] else parts))


def _update_node(doc: Document, lines: _Lines, op: Mapping[str, Any]) -> Applied:
    model = doc.model
    node_id = _text(op, "nodeId", "a node id")
    assert node_id is not None
    updates = _object(op, "updates", "of attributes to set (a string) or remove (null)")
    if not updates:
        raise OperationError("updates is empty: nothing to change")
    for key in updates:
        if key != "shape" and key not in NODE_ATTRIBUTES:
            raise OperationError(f"updates.{key} is not shape or a node attribute ({', '.join(NODE_ATTRIBUTES)})")
    node = _node(model, node_id)
    st = model.statements[node.line]
    if not isinstance(st, syntax.NodeDecl):
        raise OperationError(f"line {node.line + 1}, which declares `{node_id}`, does not parse cleanly; fix it first")
    text = model.lines[node.line]
    shape = st.shape.text
    if "shape" in updates:
        shape = updates["shape"]
        if shape not in SHAPES:
            raise OperationError(f"updates.shape must be one of {', '.join(SHAPES)}, not {shape!r}")
    written: list[str] = []
    done: set[str] = set()
    for attribute in st.attributes:
        key = attribute.key.text
        if key in updates and key not in done:
            done.add(key)
            if updates[key] is not None:
                written.append(f"{key}:{_attribute_value('updates.' + key, updates[key])}")
        else:
            written.append(text[attribute.key.start : attribute.value.end])
    for key, value in updates.items():
        if key != "shape" and key not in done and value is not None:
            written.append(f"{key}:{_attribute_value('updates.' + key, value)}")
    end = st.attributes[-1].value.end if st.attributes else st.shape.end
    new = text[: st.node.start] + f"{node_id}: {shape}" + "".join(" " + w for w in written) + text[end:]
    _expect(new, syntax.NodeDecl)
    lines.replaced[node.line] = new
    return Applied("updateNode", True, f"updated {node_id}: {', '.join(updates)}")


def _direction(edge: Mapping[str, Any], key: str) -> str | None:
    value = edge.get(key)
    if value is None:
        return None
    if value not in DIRECTIONS:
        raise OperationError(f"newEdge.{key} must be one of {', '.join(DIRECTIONS)}, not {value!r}")
    return str(value)


def _handles(source: Node, target: Node, given: tuple[str | None, str | None]) -> tuple[str, str]:
    out, into = given
    if out is not None:
        return out, into or OPPOSITE[out]
    if into is not None:
        return OPPOSITE[into], into
    if source.lane is not target.lane and source.lane is not None and target.lane is not None:
        return ("bottom", "top") if target.lane.index > source.lane.index else ("top", "bottom")
    if source.shape == "diamond":
        used = {e.source.direction for e in source.outgoing}
        side = next((s for s in DECISION_BRANCHES if s not in used), "right")
        return side, OPPOSITE[side]
    return "right", "left"


def _insert_edge(doc: Document, lines: _Lines, op: Mapping[str, Any]) -> Applied:
    model = doc.model
    edge = _object(op, "newEdge", "{from, to, label, fromHandle, toHandle}")
    source = _node(model, str(_text(edge, "from", "a node id")))
    target = _node(model, str(_text(edge, "to", "a node id")))
    if source.lane is None:
        raise OperationError(f"`{source.id}` is outside every lane, so no lane can hold its edge")
    out, into = _handles(source, target, (_direction(edge, "fromHandle"), _direction(edge, "toHandle")))
    for existing in source.outgoing:
        if existing.target.node is target and existing.source.direction == out and existing.target.direction == into:
            raise OperationError(f"this edge already exists on line {existing.line + 1}")
    prefix = f"{target.lane.id}." if target.lane is not None and target.lane is not source.lane else ""
    body = f"{source.id}.handle({out}) -> {prefix}{target.id}.handle({into})"
    label = edge.get("label")
    if label is not None:
        body += f" [label={_attribute_value('newEdge.label', label)}]"
    lane = source.lane
    end = lane.close_line if lane.close_line is not None else lane.last_line + 1
    links = [i for i in range(lane.header_line + 1, end) if model.facts[i].edge is not None]
    anchor = links[-1] if links else lane.nodes[-1].line if lane.nodes else lane.header_line
    line = _lane_indent(model, lane) + body
    _expect(line, syntax.EdgeStmt)
    lines.inserted.setdefault(anchor, []).append(line)
    return Applied("insertEdge", True, f"added {body} to lane {lane.id}")


def _remove_edge(doc: Document, lines: _Lines, op: Mapping[str, Any]) -> Applied:
    model = doc.model
    edge = _object(op, "newEdge", "{from, to} naming the edge to remove")
    source, target = _text(edge, "from", "a node id"), _text(edge, "to", "a node id")
    out, into = _direction(edge, "fromHandle"), _direction(edge, "toHandle")
    found = [
        e.line
        for e in model.edges
        if e.source.name == source
        and e.target.name == target
        and out in (None, e.source.direction)
        and into in (None, e.target.direction)
    ]
    if not found:
        handles = f" with handles {out or 'any'} -> {into or 'any'}" if out or into else ""
        raise OperationError(f"no edge from `{source}` to `{target}`{handles}")
    lines.deleted |= set(found)
    where = ", ".join(str(line + 1) for line in found)
    return Applied(
        "removeEdge",
        True,
        f"removed {len(found)} edge{'s' if len(found) > 1 else ''} {source} -> {target} (line {where})",
    )


def _rename(kind: str) -> Callable[[Document, _Lines, Mapping[str, Any]], Applied]:
    key = "nodeId" if kind == "node" else "laneId"

    def rename(doc: Document, lines: _Lines, op: Mapping[str, Any]) -> Applied:
        model = doc.model
        old = _text(op, key, f"a {kind} id")
        new = _text(op, "newId", f"the new {kind} id")
        assert old is not None and new is not None
        if (kind == "node" and old not in model.node_by_id) or (kind == "lane" and old not in model.lane_by_id):
            raise OperationError(f"no {kind} `{old}` is declared")
        try:
            check_name(model, kind, old, new)
            edits = edits_for(model, kind, old, new)
        except RenameError as error:
            raise OperationError(str(error)) from error
        by_line: dict[int, str] = {}
        for edit in sorted(edits, key=lambda e: e.region.start, reverse=True):  # single-line edits
            line = edit.region.start_line
            text = by_line.get(line, model.lines[line])
            by_line[line] = text[: edit.region.start_col] + edit.new_text + text[edit.region.end_col :]
        lines.replaced.update(by_line)
        op_name = "renameNode" if kind == "node" else "renameLane"
        return Applied(op_name, True, f"renamed {kind} {old} to {new} ({len(edits)} places)")

    return rename


def _expect(line: str, kind: type) -> None:
    """`line` must read back as a statement of `kind` (e.g. a label does not end the string)."""
    if type(syntax.parse_line(line)) is not kind:
        raise OperationError(f"the line it would write does not read as intended: {line.strip()}")


_APPLY: dict[str, Callable[[Document, _Lines, Mapping[str, Any]], Applied]] = {
    "insertNode": _insert_node,
    "removeNode": _remove_node,
    "updateNode": _update_node,
    "insertEdge": _insert_edge,
    "removeEdge": _remove_edge,
    "renameNode": _rename("node"),
    "renameLane": _rename("lane"),
}


def apply_operations(text: str, operations: list[Mapping[str, Any]]) -> tuple[str, list[Applied]]:
    """`text` after `operations` (each a mapping whose `op` is in OPERATIONS), and what each did."""
    applied: list[Applied] = []
    for op in operations:
        name = op["op"]
        doc = Document(text)
        lines = _Lines(doc)
        try:
            result = _APPLY[name](doc, lines, op)
        except OperationError as error:
            applied.append(Applied(name, False, str(error)))
            continue
        text = lines.text()
        applied.append(result)
    return text, applied
