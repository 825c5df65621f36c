"""Navigation: definition, references, highlights, document symbols, folding and
selection ranges.

Every function takes the document (or its model) and code-point positions and answers
with code-point `Span`s / `Region`s; fz_lsp/lsp/to_lsp.py converts them to the protocol.
Positions past the end of a line, on blank lines or on broken lines simply find nothing.

Choices:
  * definition of a node reference is the node's (first) declaration; of a `Lane.`
    prefix, the lane header's id. On a declaration it is the declaration itself.
  * highlights: declarations are `text`, references `read`.
  * document symbols: lanes (range = header .. closing `}`, or to the lane's last line
    when it is unclosed) holding their nodes; nodes outside lanes at top level.
  * folding: a lane folds from its header line to the line *before* its `}` (the brace
    stays visible); an unclosed lane folds to its last non-blank line.
  * selection ranges grow: token -> attribute / reference with its handle -> statement
    -> lane block (whole lines, header to `}`) -> whole document.

Pure Python: no pygls import.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from fz_lsp import syntax
from fz_lsp.analysis import lookup
from fz_lsp.analysis.edits import Region, statement_region
from fz_lsp.analysis.lookup import LaneSymbol, NodeSymbol
from fz_lsp.model import Lane, Model, Node, Span

TEXT, READ, WRITE = 1, 2, 3  # highlight kinds (the LSP numbers)


# ---------------------------------------------------------------------------
# definition / references / highlights


def definition(model: Model, line: int, col: int) -> list[Span]:
    """Where the node or lane at (line, col) is declared (empty when undefined)."""
    sym = lookup.symbol_at(model, line, col)
    if isinstance(sym, NodeSymbol) and sym.node is not None:
        return [sym.node.span]
    if isinstance(sym, LaneSymbol) and sym.lane is not None:
        return [sym.lane.id_span]
    return []


def references(model: Model, line: int, col: int, include_declaration: bool = True) -> list[Span]:
    """Every occurrence of the node or lane at (line, col), in document order."""
    sym = lookup.symbol_at(model, line, col)
    if not isinstance(sym, (NodeSymbol, LaneSymbol)):
        return []
    return sorted(lookup.occurrences(model, sym, include_declaration), key=_span_key)


@dataclass(frozen=True)
class Highlight:
    span: Span
    kind: int  # TEXT for declarations, READ for references


def highlights(model: Model, line: int, col: int) -> list[Highlight]:
    sym = lookup.symbol_at(model, line, col)
    if not isinstance(sym, (NodeSymbol, LaneSymbol)):
        return []
    spans = lookup.occurrences(model, sym, include_declaration=True)
    declared = set(_declaration_spans(model, sym))
    return [Highlight(s, TEXT if s in declared else READ) for s in sorted(spans, key=_span_key)]


def _declaration_spans(model: Model, sym: NodeSymbol | LaneSymbol) -> list[Span]:
    if isinstance(sym, NodeSymbol):
        name = sym.node.id if sym.node else sym.name
        return [n.span for n in model.nodes if n.id == name]
    name = sym.lane.id if sym.lane else sym.name
    return [lane.id_span for lane in model.lanes if lane.id == name]


def _span_key(s: Span) -> tuple[int, int, int]:
    return (s.line, s.start, s.end)


# ---------------------------------------------------------------------------
# document symbols


LANE, NODE = "lane", "node"


@dataclass
class DocumentSymbol:
    name: str
    kind: str  # LANE | NODE
    detail: str | None
    region: Region  # the whole construct
    selection: Span  # the id
    children: list[DocumentSymbol] = field(default_factory=list)


def lane_region(model: Model, lane: Lane) -> Region:
    """From the lane id to the closing `}` (or the end of the lane's last line)."""
    lines = model.lines
    if lane.close_line is not None:
        st = model.statements[lane.close_line]
        end = st.brace.end if isinstance(st, syntax.LaneClose) else len(lines[lane.close_line])
        return Region(lane.header_line, lane.id_span.start, lane.close_line, end)
    last = _last_content_line(model, lane.header_line, lane.last_line)
    return Region(lane.header_line, lane.id_span.start, last, len(lines[last].rstrip(" \t")))


def _last_content_line(model: Model, first: int, last: int) -> int:
    last = min(last, len(model.lines) - 1)
    while last > first and not model.lines[last].strip(" \t"):
        last -= 1
    return max(first, last)


def node_symbol(model: Model, node: Node) -> DocumentSymbol:
    region = statement_region(model.lines, node.line) or Region.of(node.span)
    if node.label is not None:
        label: str | None = node.label
    else:
        label = node.display_text if node.display_text != node.id else None
    return DocumentSymbol(node.id, NODE, label, region, node.span)


def document_symbols(model: Model) -> list[DocumentSymbol]:
    """Lanes with their nodes, and nodes outside lanes, in document order."""
    out: list[tuple[int, DocumentSymbol]] = []
    for lane in model.lanes:
        sym = DocumentSymbol(lane.id, LANE, lane.label or None, lane_region(model, lane), lane.id_span)
        sym.children = [node_symbol(model, n) for n in lane.nodes]
        out.append((lane.header_line, sym))
    for node in model.nodes:
        if node.lane is None:
            out.append((node.line, node_symbol(model, node)))
    out.sort(key=lambda pair: pair[0])
    return [sym for _, sym in out]


# ---------------------------------------------------------------------------
# folding


@dataclass(frozen=True)
class Fold:
    start_line: int
    end_line: int


def folding_ranges(model: Model) -> list[Fold]:
    folds = []
    for lane in model.lanes:
        if lane.close_line is not None:
            end = lane.close_line - 1
        else:
            end = _last_content_line(model, lane.header_line, lane.last_line)
        if end > lane.header_line:
            folds.append(Fold(lane.header_line, end))
    return folds


# ---------------------------------------------------------------------------
# selection ranges


def _token_regions(st: syntax.Statement, line: int, col: int) -> list[Region]:
    """Innermost regions of the statement containing col: a token, then its group
    (an attribute `key:"v"`, an endpoint `Lane.nX.handle(dir)`, a `[...]` label)."""

    def hit(start: int, end: int) -> bool:
        return start <= col <= end

    def reg(start: int, end: int) -> Region:
        return Region(line, start, line, end)

    out: list[Region] = []

    def attributes(attrs: Sequence[syntax.Attribute]) -> None:
        for a in attrs:
            if hit(a.key.start, a.value.end):
                for t in (a.key, a.op, a.value):
                    if hit(t.start, t.end):
                        out.append(reg(t.start, t.end))
                        break
                out.append(reg(a.key.start, a.value.end))
                return

    if isinstance(st, syntax.NodeDecl):
        for t in (st.node, st.colon, st.shape):
            if hit(t.start, t.end):
                out.append(reg(t.start, t.end))
                return out
        attributes(st.attributes)
    elif isinstance(st, syntax.EdgeStmt):
        for ep in st.endpoints:
            if hit(ep.start, ep.end):
                toks = [t for t in (ep.lane, ep.node) if t is not None]
                h = ep.handle
                if h is not None:
                    toks += [t for t in (h.dot, h.keyword, h.direction) if t is not None]
                for t in toks:
                    if hit(t.start, t.end):
                        out.append(reg(t.start, t.end))
                        break
                if h is not None and hit(h.dot.start, h.end):
                    out.append(reg(h.dot.start, h.end))
                if ep.lane is not None and hit(ep.lane.start, ep.node.end):
                    out.append(reg(ep.lane.start, ep.node.end))
                out.append(reg(ep.start, ep.end))
                return out
        for t in st.arrows:
            if hit(t.start, t.end):
                out.append(reg(t.start, t.end))
                return out
        if st.brackets is not None and hit(st.brackets[0].start, st.brackets[1].end):
            attributes(st.attributes)
            out.append(reg(st.brackets[0].start, st.brackets[1].end))
    elif isinstance(st, syntax.LoopStmt):
        for part in (st.keyword, st.condition):
            if part is not None and hit(part.start, part.end):
                out.append(reg(part.start, part.end))
                return out
        for m in st.members:
            if m.lane is not None and hit(m.node.start, m.node.end):
                out.append(reg(m.node.start, m.node.end))
            if hit(m.start, m.end):
                out.append(reg(m.start, m.end))
                return out
    elif isinstance(st, syntax.LaneOpen):
        for part in (st.lane, st.brace, st.label):
            if part is not None and hit(part.start, part.end):
                out.append(reg(part.start, part.end))
                return out
    elif isinstance(st, (syntax.LaneClose, syntax.DisplayLabel, syntax.Comment, syntax.Foreign)):
        pass
    return out


def selection_range(model: Model, line: int, col: int) -> list[Region]:
    """Nested regions around (line, col), innermost first; each contains the previous."""
    lines = model.lines
    if not lines:
        return []
    line = max(0, min(line, len(lines) - 1))
    col = max(0, min(col, len(lines[line])))
    chain: list[Region] = []
    if 0 <= line < len(model.statements):
        chain.extend(_token_regions(model.statements[line], line, col))
    stmt = statement_region(lines, line)
    if stmt is not None and stmt.contains_position(line, col):
        chain.append(stmt)
    lane = model.lane_at(line)
    if lane is not None:
        last = (
            lane.close_line
            if lane.close_line is not None
            else _last_content_line(model, lane.header_line, lane.last_line)
        )
        chain.append(Region(lane.header_line, 0, last, len(lines[last])))
    last = len(lines) - 1
    chain.append(Region(0, 0, last, len(lines[last])))
    # keep a strictly growing chain that contains the position
    result: list[Region] = []
    for r in chain:
        if not r.contains_position(line, col):
            continue
        if result and (r == result[-1] or not r.contains(result[-1])):
            continue
        result.append(r)
    return result
