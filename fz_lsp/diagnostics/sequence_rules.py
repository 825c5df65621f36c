"""Sequence rules (opt-in, `flowzap.diagnostics.sequenceRules`): the sequence view reads best
when every cross-lane request has a reply and requests and replies alternate ("ping-pong").
Judged on definition order, as FlowZap does.

May import: fz_lsp.model, fz_lsp.diagnostics.report.
"""

from __future__ import annotations

from itertools import pairwise

from fz_lsp.diagnostics.report import Reporter
from fz_lsp.model import Edge


def sequence_rules(report: Reporter) -> None:
    crossing: list[tuple[Edge, str, str]] = []  # (edge, its source's lane id, its target's)
    for e in report.model.edges:
        sn, tn = e.source.node, e.target.node
        if sn and tn and sn.lane and tn.lane and sn.lane is not tn.lane and not e.foreign:
            crossing.append((e, sn.lane.id, tn.lane.id))
    pairs = {(a, b) for _, a, b in crossing}
    for e, a, b in crossing:
        if (b, a) not in pairs:
            report.add(
                "missing-reply",
                e.arrow_span,
                report._(
                    "Request from `{source}` to `{target}` has no reply: add an edge from lane `{target}` "
                    "back to `{source}`",
                    source=a,
                    target=b,
                ),
            )
    for (prev, prev_source, prev_target), (cur, source, target) in pairwise(crossing):
        if (prev_source, prev_target) == (source, target):
            report.add(
                "ping-pong",
                cur.arrow_span,
                report._(
                    "Two messages from `{source}` to `{target}` in a row; a request is followed by its reply "
                    "in the sequence view",
                    source=source,
                    target=target,
                ),
                related=report.related(prev.arrow_span, report._("previous message")),
            )
