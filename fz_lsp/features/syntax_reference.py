"""FlowZap Code in one page, for an AI agent about to write some: `flowzap_get_syntax`.

Written from the project's specification (shared/flowzap-spec.md, the README's diagnostics):
the shapes, attributes and directions come from the syntax module's own word lists, the
example and every "right" line of the mistakes pass `flowzap_validate` in strict mode, and
every "wrong" line is a mistake the diagnostics report (tests/test_syntax_reference.py checks
both), so the page cannot drift from what the checker accepts.

May import: fz_lsp.syntax.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fz_lsp.syntax.vocabulary import DIRECTIONS, EDGE_ATTRIBUTES, NODE_ATTRIBUTES, SHAPE_DESCRIPTIONS, SHAPES


@dataclass(frozen=True)
class Mistake:
    wrong: str  # a line (or lines) of BASE_DOCUMENT written wrongly
    right: str  # the line(s) as BASE_DOCUMENT has them
    why: str
    code: str  # the diagnostic flowzap_validate reports for the wrong form


# the document the mistakes are lines of: valid in strict mode
BASE_DOCUMENT = """\
User { # Customer
n1: circle label:"Start"
n2: rectangle label:"Place order"
n3: circle label:"Received"
n1.handle(right) -> n2.handle(left) [label="Go"]
n2.handle(bottom) -> Shop.n4.handle(top) [label="Order"]
}
Shop { # Shop
n4: diamond label:"In stock?"
n5: rectangle label:"Ship"
n4.handle(right) -> n5.handle(left) [label="Yes"]
n5.handle(top) -> User.n3.handle(bottom) [label="Shipped"]
loop [until paid] n4 n5
}
"""

_ORDER = 'n2.handle(bottom) -> Shop.n4.handle(top) [label="Order"]'
_GO = 'n1.handle(right) -> n2.handle(left) [label="Go"]'
MISTAKES = (
    Mistake(
        'n2: rect label:"Place order"',
        'n2: rectangle label:"Place order"',
        "only four shapes exist: " + ", ".join(SHAPES),
        "unknown-shape",
    ),
    Mistake(
        'n2: rectangle label="Place order"',
        'n2: rectangle label:"Place order"',
        "node attributes take a colon",
        "label-operator",
    ),
    Mistake(
        'n1.handle(right) -> n2.handle(left) [label:"Go"]',
        _GO,
        "an edge label takes `=` inside brackets",
        "label-operator",
    ),
    Mistake("n1 -> n2", _GO, "every edge end names its handle", "missing-handle"),
    Mistake(
        'n1.handle(rigth) -> n2.handle(left) [label="Go"]', _GO, "handles are " + ", ".join(DIRECTIONS), "bad-handle"
    ),
    Mistake(
        'n2.handle(bottom) -> n4.handle(top) [label="Order"]',
        _ORDER,
        "a target in another lane carries its lane's id",
        "missing-lane-prefix",
    ),
    Mistake(
        'n2.handle(bottom) -> User.n4.handle(top) [label="Order"]',
        _ORDER,
        "the prefix names the lane the node is declared in",
        "wrong-lane",
    ),
    Mistake(
        'n1.handle(right) -> n2.handle(left) -> Shop.n4.handle(top) [label="Go"]',
        _GO,
        "one edge per line: no chains",
        "chained-edge",
    ),
    Mistake(
        "User {\n# Customer", "User { # Customer", "the display label goes on the `{` line", "display-label-own-line"
    ),
    Mistake("n1 --> n2", _GO, "this is not Mermaid", "not-flowzap"),
    Mistake("loop [until paid] n4", "loop [until paid] n4 n5", "a loop frames two nodes or more", "loop-too-short"),
    Mistake(
        "loop [until paid] n4 n5\n}\n}", "loop [until paid] n4 n5\n}", "every `}` closes one lane", "unmatched-brace"
    ),
)

EXAMPLE = BASE_DOCUMENT

_HANDLES = """\
- Same lane, main flow left to right: `nA.handle(right) -> nB.handle(left)`.
- To a lane further down: `nA.handle(bottom) -> Lane.nB.handle(top)`; a reply back up:
  `nB.handle(top) -> Lane.nA.handle(bottom)`.
- A decision's branches leave by `right`, `bottom`, then `left`; label each branch.
- A loop back to an earlier step: e.g. `n5.handle(left) -> n3.handle(bottom)` (same lane)."""


def _reference() -> str:
    shapes = "\n".join(f"- `{shape}`: {SHAPE_DESCRIPTIONS[shape]}" for shape in SHAPES)
    mistakes = "\n".join(
        f"- Wrong: `{m.wrong.replace(chr(10), ' ⏎ ')}`  Right: `{m.right.replace(chr(10), ' ⏎ ')}`  ({m.why}; {m.code})"
        for m in MISTAKES
    )
    return f"""\
# FlowZap Code

Plain text, one statement per line, in `.fz` files. Not Mermaid, not PlantUML.

## Lanes
`LaneId {{ # Display Label` opens a lane (a swimlane; a participant in the sequence view) and
`}}` alone on its line closes it. A lane id is a letter then letters, digits or `_`; the
`# Display Label` stays on the `{{` line. Lanes do not nest; every statement is inside one.

## Nodes
`nX: shape label:"Text"`, with ids n1, n2, n3, … unique across the whole document and without
gaps. Shapes (only these):
{shapes}

Attributes: {", ".join(f"`{a}`" for a in NODE_ATTRIBUTES)}, written `key:"value"` (colon,
double quotes, one line, at most 50 characters). A circle, rectangle or diamond has a
`label`; a taskbox may have `owner`, `description` and `system` instead.

## Edges
`nA.handle(dir) -> nB.handle(dir) [label="Text"]`, one per line, written in the lane of its
source node. Directions: {", ".join(f"`{d}`" for d in DIRECTIONS)}. The target carries its
lane's id, `Lane.nB.handle(dir)`, exactly when it is declared in another lane; the source
never does. Edge attributes: {", ".join(f"`{a}`" for a in EDGE_ATTRIBUTES)}, written `[label="Text"]`
(equals sign).
{_HANDLES}

## Loops
`loop [condition] nA nB …` inside a lane frames two nodes or more (they may be in other
lanes).

## Sequence view
Lanes become participants and cross-lane edges messages, in the order written: write a
request, then its reply, then the next request.

## Size
FlowZap accepts up to 50,000 characters per diagram.

## Mistakes
{mistakes}

## Example
```
{EXAMPLE}```
"""


def syntax_reference() -> dict[str, Any]:
    """The reference as JSON: the page (`reference`, Markdown) and its parts as data."""
    return {
        "reference": _reference(),
        "shapes": {shape: SHAPE_DESCRIPTIONS[shape] for shape in SHAPES},
        "directions": list(DIRECTIONS),
        "nodeAttributes": list(NODE_ATTRIBUTES),
        "edgeAttributes": list(EDGE_ATTRIBUTES),
        "mistakes": [{"wrong": m.wrong, "right": m.right, "why": m.why, "code": m.code} for m in MISTAKES],
        "example": EXAMPLE,
    }
