"""What every edit a feature offers keeps, on any document: each quick fix is a clean edit
to a text that still analyses (`assert_every_fix_applies_cleanly`), formatting keeps the
document's `meaning` and formats its own output to itself
(`assert_format_keeps_meaning_and_is_idempotent`), renaming any node or lane leaves the same
graph but for the new name (`assert_renaming_keeps_the_graph`). Each feature's test module
checks its property on the project's fixtures, tests/test_corpus_features.py on the corpus."""

from __future__ import annotations

from fz_lsp import syntax
from fz_lsp.analysis.document import Document
from fz_lsp.analysis.edits import apply_edits, check_edits
from fz_lsp.analysis.settings import Settings
from fz_lsp.base.source import split_lines
from fz_lsp.diagnostics import check as check_diagnostics
from fz_lsp.features import code_actions, formatting, rename


def assert_every_fix_applies_cleanly(text: str) -> None:
    """Every action offered for every diagnostic of `text` is a clean edit that changes the
    text into one that still analyses (also used by the corpus suite)."""
    doc = Document(text)
    diags = check_diagnostics(doc)
    actions = code_actions.code_actions(doc, Settings(), [(d.code, d.span) for d in diags], None)
    for a in actions:
        assert a.edits
        check_edits(a.edits)
        out = apply_edits(text, a.edits)
        assert out != text
        check_diagnostics(Document(out))  # the result analyses fine


def meaning(text: str) -> dict:
    """What a document means: lanes, nodes, edges, loops, unreadable lines and the
    diagnostics (code, line, message: columns may move, nothing else)."""
    doc = Document(text)
    m = doc.model

    def ref(r):
        return (r.prefix, r.name, r.direction, r.handle.closed if r.handle else None, r.role)

    return {
        "lanes": [(lane.id, lane.label, lane.label_own_line, lane.header_line, lane.close_line) for lane in m.lanes],
        "nodes": [
            (
                n.id,
                n.lane.id if n.lane else None,
                n.shape,
                [(a.key.text, a.op.text, a.text) for a in n.statement.attributes],
            )
            for n in m.nodes
        ],
        "edges": [
            (
                e.lane.id if e.lane else None,
                ref(e.source),
                ref(e.target),
                [ref(c) for c in e.chained],
                e.label,
                [(a.key.text, a.op.text, a.text) for a in e.statement.attributes],
                [a.text for a in e.statement.arrows],
            )
            for e in m.edges
        ],
        "loops": [(lp.lane.id if lp.lane else None, lp.condition, [r.name for r in lp.members]) for lp in m.loops],
        "other": [
            (i, type(s).__name__, doc.lines[i].strip(" \t"))
            for i, s in enumerate(m.statements)
            if isinstance(s, (syntax.Broken, syntax.Comment, syntax.Foreign))
        ],
        "diagnostics": [(d.code, d.span.line, d.message) for d in check_diagnostics(doc)],
        "ends": split_lines(text)[1],
    }


def assert_format_keeps_meaning_and_is_idempotent(text: str, indent: int) -> None:
    """(also used by the corpus suite)"""
    once = formatting.format_text(text, indent)
    assert meaning(once) == meaning(text)
    assert formatting.format_text(once, indent) == once


def assert_renaming_keeps_the_graph(text: str) -> None:
    """Rename every node and every lane of `text` in turn: the graph stays the same but for
    the new name (also used by the corpus suite)."""
    doc = Document(text)
    m = doc.model
    for node in m.nodes:
        new = node.id + "_x"
        out = apply_edits(text, rename.rename(m, node.line, node.span.start, new))
        after = Document(out).model
        before_edges = [(e.source.name, e.target.name, e.source.prefix, e.target.prefix) for e in m.edges]
        rn = lambda name, old=node.id, new=new: new if name == old else name  # noqa: E731
        assert [(e.source.name, e.target.name, e.source.prefix, e.target.prefix) for e in after.edges] == [
            (rn(a), rn(b), p, q) for a, b, p, q in before_edges
        ]
        assert [n.id for n in after.nodes] == [rn(n.id) for n in m.nodes]
        assert [[r.name for r in lp.members] for lp in after.loops] == [
            [rn(r.name) for r in lp.members] for lp in m.loops
        ]
    for lane in m.lanes:
        new = lane.id + "Z"
        out = apply_edits(text, rename.rename(m, lane.header_line, lane.id_span.start, new))
        after = Document(out).model
        assert [la.id for la in after.lanes] == [new if la.id == lane.id else la.id for la in m.lanes]
        assert [r.prefix for r in after.refs] == [new if r.prefix == lane.id else r.prefix for r in m.refs]
        assert [r.name for r in after.refs] == [r.name for r in m.refs]
