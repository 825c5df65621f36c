"""The workflow view's layout as plain data: what `workflow.layout_workflow` returns, svg.py
draws and tests check geometrically (boxes, point lists, text blocks).

Pure Python: no pygls import.
May import: fz_lsp.base, fz_lsp.model, fz_lsp.render (layout.geometry, text).
"""

from __future__ import annotations

from dataclasses import dataclass

from fz_lsp.base.frozen import quick_init
from fz_lsp.model import Edge, Lane, Loop, Node
from fz_lsp.render.layout.geometry import Box, Point
from fz_lsp.render.text import TextBlock


@dataclass(frozen=True, slots=True)
class BandLayout:
    lane: Lane | None  # None: the band of nodes declared outside any lane
    title: str
    box: Box
    title_box: Box
    title_block: TextBlock
    rows: tuple[tuple[float, float], ...]  # (top, height) of each row


@quick_init
@dataclass(frozen=True, slots=True)
class NodeLayout:
    node: Node
    shape: str
    box: Box
    band: int
    row: int
    column: int
    blocks: tuple[TextBlock, ...]


@quick_init
@dataclass(frozen=True, slots=True)
class EdgeLayout:
    edge: Edge
    points: tuple[Point, ...]
    source_side: str
    target_side: str
    kind: str  # "full" | "self" | "source-only" | "target-only" (the other end does not resolve)
    backward: bool  # its handles' column constraint closed a cycle: it constrains nothing
    label: TextBlock | None  # on its own path, clear of everything else


@dataclass(frozen=True, slots=True)
class LoopLayout:
    loop: Loop
    box: Box  # the frame's bounds
    tab: Box
    label: TextBlock
    outline: tuple[tuple[Point, ...], ...] = ()  # rings of the frame when it is not a plain rectangle
    links: tuple[tuple[Point, ...], ...] = ()  # dashed lines joining parts of a frame whose members lie apart


@dataclass(frozen=True, slots=True)
class WorkflowLayout:
    width: float
    height: float
    bands: tuple[BandLayout, ...]
    nodes: tuple[NodeLayout, ...]
    edges: tuple[EdgeLayout, ...]
    loops: tuple[LoopLayout, ...]
    junctions: tuple[Point, ...] = ()  # where a fan-out's (fan-in's) trunk parts into branches
