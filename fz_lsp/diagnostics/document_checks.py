"""Document checks: the diagnostics that need the whole model's links (lane structure,
duplicate and missing ids, references and their lanes, duplicate edges). They depend on the
links only, so an edit that keeps them (typing in a label) keeps these diagnostics too.

May import: fz_lsp.base, fz_lsp.syntax, fz_lsp.model, fz_lsp.analysis, fz_lsp.diagnostics.codes/report.
"""

from __future__ import annotations

from typing import Any

from fz_lsp.analysis.suggestions import LANE, unknown_word
from fz_lsp.diagnostics.report import Reporter
from fz_lsp.model import Edge, Lane, Ref, Span
from fz_lsp.syntax.vocabulary import ID_PATTERN


class DocumentChecks(Reporter):
    def all(self) -> None:
        self.structure()
        self.nodes()
        self.references()

    # -- lanes and structure --------------------------------------------------

    def structure(self) -> None:
        m = self.model
        for issue in m.structure_issues:
            if issue.code == "unclosed-lane":
                lane = issue.lane
                assert lane is not None
                self.add(
                    "unclosed-lane",
                    issue.span,
                    self._("Lane `{lane}` is never closed: add `}` after its last statement", lane=lane.id),
                    data={"insert_line": lane.last_line + 1},
                )
            elif issue.code == "unmatched-brace":
                self.add("unmatched-brace", issue.span, self._("This `}` closes no lane"))
            elif issue.code == "outside-lane":
                self.add(
                    "outside-lane",
                    issue.span,
                    self._("A node must be declared inside a lane: `Lane { # Label` … `}`"),
                )
            elif issue.code == "top-level-edge":
                self.top_level(issue.span)
            elif issue.code == "stray-display-label":
                self.add(
                    "stray-display-label",
                    issue.span,
                    self._("A `# label` line is only read right after a lane's `{`; put it on the `{` line"),
                )
        first_lane: dict[str, Any] = {}
        for lane in m.lanes:
            if lane.label is None and ID_PATTERN.match(lane.id):  # (else the syntax error says what to write)
                self.add(
                    "missing-display-label",
                    lane.id_span,
                    self._(
                        "Lane `{lane}` has no display label; FlowZap shows its id. Write `{lane} { # {lane}`",
                        lane=lane.id,
                    ),
                    data={"header_line": lane.header_line},
                )
            if lane.label_own_line and lane.label_span is not None:
                self.add(
                    "display-label-own-line",
                    lane.label_span,
                    self._(
                        "Write the display label on the `{` line: `{lane} { # {label}`", lane=lane.id, label=lane.label
                    ),
                    data={"header_line": lane.header_line},
                )
            prev = first_lane.get(lane.id)
            if prev is None:
                first_lane[lane.id] = lane
            else:
                self.add(
                    "duplicate-lane",
                    lane.id_span,
                    self._("Lane `{lane}` is already declared on line {line}", lane=lane.id, line=prev.header_line + 1),
                    related=self.related(prev.id_span, self._("first declaration of `{name}`", name=lane.id)),
                )

    def top_level(self, span: Span) -> None:
        """An edge or loop outside every lane: FlowZap draws it, its validator rejects it."""
        m = self.model
        edge = next((e for e in m.edges if e.line == span.line and e.lane is None), None)
        if edge is not None:
            src = edge.source.node
            home = src.lane if src is not None else None
            if src is not None and home is not None:
                text = self._(
                    "This edge is outside every lane; FlowZap draws it, but its validator wants it inside "
                    "lane `{lane}`, the lane of `{node}`",
                    lane=home.id,
                    node=src.id,
                )
            else:
                text = self._(
                    "This edge is outside every lane; FlowZap draws it, but its validator wants it inside "
                    "the lane of its source"
                )
            self.add("top-level-edge", span, text, data={"move_to": home.id} if home is not None else None)
            return
        loop = next((lp for lp in m.loops if lp.line == span.line and lp.lane is None), None)
        home = (
            next((r.node.lane for r in loop.members if r.node is not None and r.node.lane is not None), None)
            if loop
            else None
        )
        if home is not None:
            text = self._(
                "This loop is outside every lane; FlowZap draws it, but its validator wants it inside a lane "
                "(e.g. `{lane}`, the lane of its first node)",
                lane=home.id,
            )
        else:
            text = self._("This loop is outside every lane; FlowZap draws it, but its validator wants it inside a lane")
        self.add("top-level-edge", span, text, data={"move_to": home.id} if home is not None else None)

    # -- nodes ------------------------------------------------------------------

    def nodes(self) -> None:
        m = self.model
        numbers: dict[int, Any] = {}
        for node in m.nodes:
            first = m.node_by_id.get(node.id)
            if first is not node and first is not None:
                if first.lane:
                    text = self._(
                        "`{node}` is already declared on line {line} (lane {lane}); node ids are unique across "
                        "the whole document",
                        node=node.id,
                        line=first.line + 1,
                        lane=first.lane.id,
                    )
                else:
                    text = self._(
                        "`{node}` is already declared on line {line}; node ids are unique across the whole document",
                        node=node.id,
                        line=first.line + 1,
                    )
                self.add(
                    "duplicate-node",
                    node.span,
                    text,
                    related=self.related(first.span, self._("first declaration of `{name}`", name=node.id)),
                )
                continue
            if node.number is not None:
                numbers[node.number] = node
            elif ID_PATTERN.match(node.id):  # (an id that is not an identifier is a syntax error already)
                self.add(
                    "non-canonical-id",
                    node.span,
                    self._("Node ids have the form n1, n2, …; `{node}` may not be accepted by FlowZap", node=node.id),
                )
        if numbers:
            self.id_gaps(numbers)
        if len(m.nodes) > 1:
            touched = {id(r.node) for r in m.refs if r.role == "touch" and r.node is not None}
            for node in m.nodes:
                if (
                    m.node_by_id.get(node.id) is node
                    and not node.incoming
                    and not node.outgoing
                    and not node.loops
                    and id(node) not in touched  # named by a line that does not parse: one mistake, one diagnostic
                    and node.lane is not None  # outside every lane: that error is enough
                ):
                    self.add(
                        "orphan-node",
                        node.span,
                        self._("`{node}` is not connected: no edge starts or ends at it", node=node.id),
                    )

    def id_gaps(self, numbers: dict[int, Any]) -> None:
        present = sorted(numbers)
        expected = 1
        for k in present:
            if k > expected:
                missing = f"n{expected}" if k - expected == 1 else f"n{expected}..n{k - 1}"
                self.add(
                    "id-gap",
                    numbers[k].span,
                    self._(
                        "Node ids skip {missing}: FlowZap expects n1..n{last} without gaps "
                        "(the source action “Renumber nodes” closes them)",
                        missing=missing,
                        last=present[-1],
                    ),
                    data={"missing": [f"n{j}" for j in range(expected, min(k, expected + 50))]},
                )
            expected = k + 1

    # -- references ---------------------------------------------------------------

    def references(self) -> None:
        m = self.model
        for edge in m.edges:
            src, tgt, lane = edge.source, edge.target, edge.lane
            sn, tn = src.node, tgt.node
            # the common case, with nothing to report: a resolved source of this lane, and a
            # resolved target in this lane without prefix, or in its prefix's (other) lane
            if sn is not None and tn is not None and src.prefix is None and sn.lane is lane and not edge.chained:
                if tgt.prefix is None:
                    if tn.lane is lane and not edge.foreign:
                        continue
                elif tgt.prefix_lane is tn.lane and tn.lane is not lane and not edge.foreign:
                    continue
            if edge.foreign:
                continue  # a Mermaid edge: reported once as not-flowzap
            self.resolve(src)
            if (
                src.prefix is not None
                and src.node is not None
                and src.prefix_lane is not None
                and src.prefix_lane is src.node.lane
                and edge.lane is src.node.lane
            ):
                assert src.prefix_span is not None  # a prefix has its span
                self.add(
                    "prefixed-source",
                    Span(src.line, src.prefix_span.start, src.span.start),
                    self._(
                        "FlowZap draws `{lane}.{node}` as a source, but the docs write a source without "
                        "its lane: the edge belongs in the source's lane",
                        lane=src.prefix,
                        node=src.name,
                    ),
                    data={"remove": [src.prefix_span.start, src.span.start]},
                    unnecessary=True,
                )
            if (
                src.node is not None
                and src.node.lane is not None
                and edge.lane is not None
                and src.node.lane is not edge.lane
            ):
                self.add(
                    "edge-outside-source-lane",
                    src.span,
                    self._(
                        "This edge starts at `{node}` of lane `{lane}` but is written in lane "
                        "`{written}`; FlowZap draws it, but its validator wants it in lane `{lane}`",
                        node=src.name,
                        lane=src.node.lane.id,
                        written=edge.lane.id,
                    ),
                    related=self.related(src.node.span, self._("`{node}` is declared here", node=src.name)),
                    data={"move_to": src.node.lane.id},
                )
            # an edge written outside its source's lane (a warning above) may write its
            # target relative to either lane: FlowZap draws both
            source_lane = src.node.lane if src.node is not None and src.node.lane is not edge.lane else None
            self.resolve(edge.target, source_lane)
            for extra in edge.chained:
                self.resolve(extra, source_lane)
        for loop in m.loops:
            if len(loop.members) < 2:
                span = loop.members[0].span if loop.members else loop.keyword_span
                if loop.condition_span and not loop.members:
                    span = Span(loop.line, loop.keyword_span.start, loop.condition_span.end)
                self.add(
                    "loop-too-short",
                    span,
                    self._("A loop frames at least two nodes: `loop [condition] n1 n2`"),
                )
            for ref in loop.members:
                self.resolve(ref)
        self.duplicate_edges()

    def resolve(self, ref: Ref, source_lane: Lane | None = None) -> None:
        """Check one reference; `source_lane`: the lane of an edge's source when the edge is
        written in another lane (a target may then be written relative to that lane too)."""
        m = self.model
        if ref.prefix is not None and ref.prefix_lane is None:
            assert ref.prefix_span is not None  # a prefix has its span
            said = unknown_word(self.tr, LANE, ref.prefix, tuple(m.lane_by_id))
            guess = said.guess
            target_lane = ref.node.lane.id if ref.node and ref.node.lane else None
            if target_lane:
                text = self._(
                    "There is no lane `{prefix}`. `{node}` is in lane `{lane}`.",
                    prefix=ref.prefix,
                    node=ref.name,
                    lane=target_lane,
                )
            else:
                text = said.message
            self.add(
                "undefined-lane",
                ref.prefix_span,
                text,
                data={"replacement": target_lane or guess} if (target_lane or guess) else None,
            )
            if ref.node is None:
                self.add(
                    "undefined-node",
                    ref.span,
                    self._("Node `{node}` is not declared anywhere", node=ref.name),
                    data={"node": ref.name, "lane": None},
                )
            return
        if ref.node is None:
            lane = ref.prefix_lane.id if ref.prefix_lane else None
            if lane:
                text = self._(
                    "Node `{node}` is not declared anywhere (expected in lane `{lane}`)", node=ref.name, lane=lane
                )
            else:
                text = self._("Node `{node}` is not declared anywhere", node=ref.name)
            self.add(
                "undefined-node",
                ref.span,
                text,
                data={"node": ref.name, "lane": lane or (ref.context_lane.id if ref.context_lane else None)},
            )
            return
        node_lane = ref.node.lane
        if ref.prefix is not None:
            assert ref.prefix_lane is not None and ref.prefix_span is not None
            if node_lane is not None and ref.prefix_lane is not node_lane:
                self.add(
                    "wrong-lane",
                    ref.prefix_span,
                    self._(
                        "`{node}` is in lane `{lane}`, not `{prefix}`",
                        node=ref.name,
                        lane=node_lane.id,
                        prefix=ref.prefix,
                    ),
                    related=self.related(ref.node.span, self._("`{node}` is declared here", node=ref.name)),
                    data={"replacement": node_lane.id},
                )
            elif (
                node_lane is not None and node_lane is ref.context_lane and ref.role == "target" and source_lane is None
            ):
                self.add(
                    "redundant-lane-prefix",
                    Span(ref.line, ref.prefix_span.start, ref.span.start),
                    self._(
                        "`{node}` is in this lane; the `{prefix}.` prefix is not needed",
                        node=ref.name,
                        prefix=ref.prefix,
                    ),
                    data={"remove": [ref.prefix_span.start, ref.span.start]},
                    unnecessary=True,
                )
            return
        if (
            ref.role == "target"
            and node_lane is not None
            and ref.context_lane is not None
            and node_lane is not ref.context_lane
            and node_lane is not source_lane
        ):
            self.add(
                "missing-lane-prefix",
                ref.span,
                self._("`{node}` is in lane `{lane}`: write `{lane}.{node}`", node=ref.name, lane=node_lane.id),
                related=self.related(ref.node.span, self._("`{node}` is declared here", node=ref.name)),
                data={"insert": f"{node_lane.id}.", "at": ref.span.start},
            )

    def duplicate_edges(self) -> None:
        seen: dict[tuple[Any, ...], Edge] = {}
        for edge in self.model.edges:
            key = edge.key
            first = seen.get(key)
            if first is None:
                seen[key] = edge
                continue
            self.add(
                "duplicate-edge",
                Span(edge.source.span._line, edge.statement.endpoints[0].start, edge.statement.endpoints[-1].end),
                self._("This edge repeats the one on line {line}", line=first.line + 1),
                related=self.related(first.span, self._("first occurrence")),
                data={"delete_line": edge.line},
            )
