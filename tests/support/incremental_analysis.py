"""An edited document must equal a fresh analysis of its text: `model_summary` and
`diagnostic_summary` (what the two are compared on: lanes, nodes, edges and loops with their
links; every diagnostic with its range, related information and data) and `edit_texts`, the
hypothesis strategy of the texts the edit fuzzers type (single characters, FlowZap's
punctuation and words, line breaks, and the slips recovery repairs).
tests/test_text_and_syntax.py fuzzes edits of small documents with them,
tests/test_corpus_features.py edits of the corpus files."""

from __future__ import annotations

from hypothesis import strategies as st

from fz_lsp.analysis.document import Document
from fz_lsp.diagnostics import check as check_diagnostics


def diagnostic_summary(doc: Document):
    return [
        (
            d.code,
            d.severity,
            d.message,
            d.span.line,
            d.span.start,
            d.span.end,
            tuple((r.span.line, r.span.start, r.span.end, r.message) for r in d.related),
            d.data,
        )
        for d in check_diagnostics(doc)
    ]


def model_summary(doc: Document):
    m = doc.model
    return (
        [(lane.id, lane.label, lane.header_line, lane.close_line, [n.id for n in lane.nodes]) for lane in m.lanes],
        [
            (
                n.id,
                n.span.line,
                n.span.start,
                n.shape,
                n.label,
                n.display_text,
                [e.index for e in n.incoming],
                [e.index for e in n.outgoing],
                n.lane.id if n.lane else None,
            )
            for n in m.nodes
        ],
        [
            (
                e.index,
                e.line,
                e.source.name,
                e.target.name,
                e.label,
                e.key,
                e.source.direction_span and (e.source.direction_span.line, e.source.direction_span.start),
                e.target.node.id if e.target.node else None,
            )
            for e in m.edges
        ],
        [(loop.line, loop.condition, [r.name for r in loop.members]) for loop in m.loops],
    )


edit_texts = st.sampled_from(
    [
        "",
        "x",
        "é",
        "🎉",
        " ",
        "\n",
        '"',
        "->",
        "}",
        "{",
        "rect",
        "n2",
        "Lane.",
        'label:"y" ',
        "(rigth)",
        "loop [a] n1 n2\n",
        "\r\n",
        "// c\n",
        # slips recovery repairs (their lines keep what they say): fixed and broken in place
        "handel",
        "hanlde",
        ":",
        ";",
        "\u201c",
        "label:Start ",
        "-->|x|",
        "A[B]",
        "# ",
    ]
)
