"""Per-line facts: what one line contributes to the model (the node, edge or loop it
declares and the references it makes), kept across edits while the line is unchanged, and
the link signature that says whether an edit can update a line's objects in place.

May import: fz_lsp.syntax, fz_lsp.model.span, fz_lsp.model.entities.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from typing import TYPE_CHECKING, Any

from fz_lsp.model.entities import Edge, Loop, Node, Ref
from fz_lsp.model.span import LineAnchor, Span
from fz_lsp.syntax.statements import (
    Attribute,
    Broken,
    Comment,
    EdgeStmt,
    Endpoint,
    Foreign,
    LoopStmt,
    NodeDecl,
    Statement,
)
from fz_lsp.syntax.vocabulary import CANONICAL_ID

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


class LineFacts:
    """What one line contributes to the model, kept across edits while the line is unchanged.

    Its objects carry spans anchored to the line (LineAnchor), so they stay valid when
    lines are inserted or removed above. `build_model` relinks them (lanes, resolution) on
    every version without creating them again. `derived` is a slot for a layer above to keep
    what it computed from this line alone, as a pair (what it was computed for, the result:
    the diagnostics' line checks keep (settings, diagnostics)); it is emptied whenever the
    line's content changes, so it is never stale.
    """

    __slots__ = ("anchor", "statement", "node", "edge", "loop", "refs", "derived")

    def __init__(self, anchor: LineAnchor, st: Statement) -> None:
        self.anchor = anchor
        self.statement = st
        self.node: Node | None = None
        self.edge: Edge | None = None
        self.loop: Loop | None = None
        self.refs: tuple[Ref, ...] = ()
        self.derived: tuple[object, tuple[Any, ...]] | None = None  # (what it was made for, what was made)
        if type(st) is Broken:  # what the line still says (fz_lsp/recovery.py)
            if st.recovered is None:
                self.refs = tuple(_ref(ep, "touch", anchor) for ep in st.touches)
                return
            st = st.recovered
        if type(st) is NodeDecl:
            attrs: dict[str, tuple[Attribute, Span]] = {}
            for a in st.attributes:
                if a.key.text not in attrs:
                    value = a.value
                    attrs[a.key.text] = (a, Span(anchor, value.start, value.end))
            node_tok, shape = st.node, st.shape
            node_id = node_tok.text
            self.node = Node(
                node_id,
                Span(anchor, node_tok.start, node_tok.end),
                None,
                shape.text,
                Span(anchor, shape.start, shape.end),
                attrs,
                st,
            )
            if CANONICAL_ID.match(node_id):
                self.node.number = int(node_id[1:])
        elif type(st) is EdgeStmt:
            eps = st.endpoints
            source, target = _ref(eps[0], "source", anchor), _ref(eps[1], "target", anchor)
            edge = Edge(source, target, st)
            if len(eps) > 2:
                edge.chained = [_ref(extra, "target", anchor) for extra in eps[2:]]
            edge.key = (
                source.name,
                source.direction,
                target.name,
                target.direction,
                tuple((r.name, r.direction) for r in edge.chained),
            )
            arrows = st.arrows
            edge.foreign = arrows[0].text != "->" if len(arrows) == 1 else any(t.text != "->" for t in arrows)
            for a in st.attributes:
                if a.key.text == "label" and edge.label is None:
                    value = a.value
                    edge.label = a.text
                    edge.label_span = Span(anchor, value.start, value.end)
            self.edge = edge
            self.refs = (source, target, *edge.chained)
        elif type(st) is LoopStmt:
            cond = st.condition
            loop = Loop(
                Span.of(anchor, st.keyword),
                st,
                cond.text[1:-1].strip() if cond else None,
                Span.of(anchor, cond) if cond else None,
            )
            loop.members = [_ref(member, "loop", anchor) for member in st.members]
            self.loop = loop
            self.refs = tuple(loop.members)

    def take_content(self, new: LineFacts) -> None:
        """Become `new` (same link signature) while keeping this line's objects, and so
        every link the model holds to them."""
        self.statement = new.statement
        self.derived = None
        if self.node is not None and new.node is not None:
            _take_fields(self.node, new.node)
        if self.edge is not None and new.edge is not None:
            _take_fields(self.edge, new.edge)
        if self.loop is not None and new.loop is not None:
            _take_fields(self.loop, new.loop)
        for old_ref, new_ref in zip(self.refs, new.refs):
            _take_fields(old_ref, new_ref)


def link_signature(st: Statement) -> tuple[Any, ...]:
    """What a line's statement contributes to the model's links and to the document-wide
    diagnostics: lane structure, declared ids, referenced names and prefixes, handle
    directions, arrows, and the columns of the tokens those diagnostics point at.

    Two statements with equal signatures on the same line give the same model links, so
    an edit that keeps the signature (typing in a node label, a loop condition, an
    attribute) can update the line's objects in place (see `LineFacts.take_content`).
    """
    if st is None or type(st) is Comment:
        return ("quiet",)  # neither ends a lane's first-line window nor declares anything
    if type(st) is Broken:
        if st.recovered is not None:
            return ("recovered", link_signature(st.recovered))
        if st.touches:
            return (
                "touches",
                tuple(
                    (
                        (ep.lane.text, ep.lane.start, ep.lane.end) if ep.lane else None,
                        (ep.node.text, ep.node.start, ep.node.end),
                    )
                    for ep in st.touches
                ),
            )
        return ("inert",)
    if type(st) is Foreign:
        return ("inert",)
    if type(st) is NodeDecl:
        return ("node", st.node.text, st.node.start, st.node.end)
    if type(st) is EdgeStmt:
        return (
            "edge",
            tuple(
                (
                    (ep.lane.text, ep.lane.start, ep.lane.end) if ep.lane else None,
                    (ep.node.text, ep.node.start, ep.node.end),
                    ep.handle.direction.text if ep.handle and ep.handle.direction else None,
                )
                for ep in st.endpoints
            ),
            tuple((t.text, t.start, t.end) for t in st.arrows),
        )
    if type(st) is LoopStmt:
        return (
            "loop",
            st.keyword.start,
            st.keyword.end,
            tuple(
                ((m.lane.text, m.lane.start, m.lane.end) if m.lane else None, (m.node.text, m.node.start, m.node.end))
                for m in st.members
            ),
            None if st.members or st.condition is None else st.condition.end,
        )
    return ("structure", id(st))  # lane open/close and display labels: never edited in place


_LINK_FIELDS = frozenset(
    {
        "lane",
        "incoming",
        "outgoing",
        "loops",
        "node",
        "prefix_lane",
        "context_lane",
        "index",
        "source",
        "target",
        "chained",
        "members",
    }
)


def _take_fields(old: DataclassInstance, new: DataclassInstance) -> None:
    """Copy every field but the links (resolution, lane, edges) from `new` into `old`."""
    for f in fields(old):
        if f.name not in _LINK_FIELDS:
            setattr(old, f.name, getattr(new, f.name))


def line_facts(statements: Sequence[Statement]) -> list[LineFacts]:
    """Fresh facts for every line (each with its own anchor)."""
    return [LineFacts(LineAnchor(i), st) for i, st in enumerate(statements)]


def _ref(ep: Endpoint, role: str, anchor: LineAnchor) -> Ref:
    node, lane = ep.node, ep.lane
    if lane is None:
        return Ref(node.text, Span(anchor, node.start, node.end), role, None, None, ep.handle)
    return Ref(
        node.text, Span(anchor, node.start, node.end), role, lane.text, Span(anchor, lane.start, lane.end), ep.handle
    )
