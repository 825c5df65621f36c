"""Building the model: lanes assembled from the per-line facts and every reference resolved
in one pass (`build_model`), and an edge relinked alone when only what it points at changed
(`retarget_edge`).

May import: fz_lsp.syntax, fz_lsp.model.span, fz_lsp.model.entities, fz_lsp.model.facts.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from fz_lsp.model.entities import Edge, Lane, Model, StructureIssue
from fz_lsp.model.facts import LineFacts, line_facts
from fz_lsp.model.span import Span
from fz_lsp.syntax.statements import (
    Broken,
    Comment,
    DisplayLabel,
    EdgeStmt,
    LaneClose,
    LaneOpen,
    LoopStmt,
    NodeDecl,
    Statement,
    Tok,
)


def _label_text(tok: Tok) -> str:
    return tok.text[1:].strip()


def build_model(
    lines: Sequence[str],
    statements: Sequence[Statement],
    facts: Sequence[LineFacts] | None = None,
    ends: Sequence[str] | None = None,
) -> Model:
    """Assemble lanes from the per-line facts and resolve every reference.

    With `facts` from a previous version (see Document), nothing per line is rebuilt:
    this pass only relinks, in one loop over the lines.
    """
    if facts is None:
        facts = line_facts(statements)
    m = Model(lines, statements, facts, ends)
    line_lane: list[Lane | None] = [None] * len(facts)
    nodes, refs, edges, loops = m.nodes, m.refs, m.edges, m.loops
    node_by_id = m.node_by_id
    current: Lane | None = None
    first_in_lane = False  # no statement yet after the current lane's `{`
    for i, f in enumerate(facts):
        st = f.statement
        if st is None:
            line_lane[i] = current
            continue
        if type(st) is Broken and st.recovered is not None:  # a slip repaired: the line means this
            st = st.recovered
        node = f.node
        if node is not None:
            line_lane[i] = current
            first_in_lane = False
            node.lane = current
            node.incoming = []
            node.outgoing = []
            node.loops = []
            nodes.append(node)
            if node.id not in node_by_id:
                node_by_id[node.id] = node
            if current is not None:
                current.nodes.append(node)
            else:
                m.structure_issues.append(StructureIssue("outside-lane", Span(i, *_statement_extent(st))))
            continue
        edge, loop = f.edge, f.loop
        if edge is not None or loop is not None:
            line_lane[i] = current
            first_in_lane = False
            if edge is not None:
                edge.lane = current
                edge.index = len(edges)
                edges.append(edge)
            elif loop is not None:
                loop.lane = current
                loops.append(loop)
            for r in f.refs:
                r.context_lane = current
                refs.append(r)
            if current is None:  # after the last `}` (FlowZap draws it): resolved all the same
                m.structure_issues.append(StructureIssue("top-level-edge", Span(i, *_statement_extent(st))))
            continue
        if type(st) is Comment:
            line_lane[i] = current
            continue
        if type(st) is LaneOpen:
            if current is not None:
                current.last_line = i - 1
                m.structure_issues.append(StructureIssue("unclosed-lane", current.id_span, current))
            lane = Lane(st.lane.text, Span.of(i, st.lane), i, index=len(m.lanes))
            if st.label is not None:
                lane.label = _label_text(st.label)
                lane.label_span = Span.of(i, st.label)
            m.lanes.append(lane)
            m.lane_by_id.setdefault(lane.id, lane)
            current = lane
            first_in_lane = True
            line_lane[i] = lane
        elif type(st) is LaneClose:
            if current is None:
                m.structure_issues.append(StructureIssue("unmatched-brace", Span.of(i, st.brace)))
            else:
                current.close_line = current.last_line = i
                line_lane[i] = current
                current = None
        elif type(st) is DisplayLabel:
            line_lane[i] = current
            if current is not None and first_in_lane and current.label is None:
                current.label = _label_text(st.label)
                current.label_span = Span.of(i, st.label)
                current.label_own_line = True
            else:
                m.structure_issues.append(StructureIssue("stray-display-label", Span.of(i, st.label), current))
            first_in_lane = False
        else:  # Broken or Foreign
            line_lane[i] = current
            first_in_lane = False
            for r in f.refs:  # the nodes an unreadable line names still count as touched
                r.context_lane = current
                refs.append(r)
    if current is not None:
        current.last_line = len(facts) - 1
        m.structure_issues.append(StructureIssue("unclosed-lane", current.id_span, current))
    m.line_lane = line_lane

    # resolve references
    lane_by_id = m.lane_by_id
    for ref in refs:
        ref.node = node_by_id.get(ref.name)
        ref.prefix_lane = lane_by_id.get(ref.prefix) if ref.prefix is not None else None
    for edge in edges:
        src, tgt = edge.source.node, edge.target.node
        if src is not None:
            src.outgoing.append(edge)
        if tgt is not None:
            tgt.incoming.append(edge)
    for loop in loops:
        for ref in loop.members:
            node = ref.node
            if node is not None and loop not in node.loops:
                node.loops.append(loop)
    return m


def can_retarget(model: Model, fact: LineFacts, st: Statement) -> bool:
    """Whether `st` can replace the edge of `fact` by `retarget_edge`: an edge line inside a
    lane that stays an edge with as many endpoints. Such an edit changes only what that
    edge points at; lanes, nodes and every other line's links stay as they are."""
    return (
        fact.edge is not None
        and type(st) is EdgeStmt
        and type(fact.statement) is EdgeStmt  # not a repaired broken line: relink those
        and len(st.endpoints) == len(fact.statement.endpoints)
        and model.line_lane[fact.anchor.line] is not None
    )


def _edge_index(edge: Edge) -> int:
    return edge.index


def retarget_edge(model: Model, fact: LineFacts, st: Statement) -> None:
    """Give the edge of `fact` the content of `st` (see `can_retarget`) and link it exactly
    as build_model would: its references resolved again, and the edge moved from its old
    endpoints' incoming/outgoing lists to the new ones' (kept in edge order)."""
    edge = fact.edge
    if edge is None:
        raise ValueError("retarget_edge needs a line that declares an edge (see can_retarget)")
    if edge.source.node is not None:
        edge.source.node.outgoing.remove(edge)
    if edge.target.node is not None:
        edge.target.node.incoming.remove(edge)
    fact.take_content(LineFacts(fact.anchor, st))
    for ref in fact.refs:
        ref.node = model.node_by_id.get(ref.name)
        ref.prefix_lane = model.lane_by_id.get(ref.prefix) if ref.prefix is not None else None
    if edge.source.node is not None:
        bisect.insort(edge.source.node.outgoing, edge, key=_edge_index)
    if edge.target.node is not None:
        bisect.insort(edge.target.node.incoming, edge, key=_edge_index)


def _statement_extent(st: Statement) -> tuple[int, int]:
    if type(st) is NodeDecl:
        end = st.attributes[-1].value.end if st.attributes else st.shape.end
        return st.node.start, end
    if type(st) is EdgeStmt:
        end = st.brackets[1].end if st.brackets else st.endpoints[-1].end
        return st.endpoints[0].start, end
    if type(st) is LoopStmt:
        end = st.members[-1].end if st.members else (st.condition or st.keyword).end
        return st.keyword.start, end
    return 0, 0
