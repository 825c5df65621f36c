"""Single-mistake variants of one valid document: the slips people make (issue 12's list and
others), each with the one diagnostic it must get (code, line, range, severity).
tests/test_single_mistakes.py pins them on the analysis and through the server; the fix-all
and translation tests reuse them."""

from __future__ import annotations

from dataclasses import dataclass

from fz_lsp.diagnostics import ERROR, WARNING

VALID = [
    "Shop { # Web Shop",  # 0
    'n1: circle label:"Cart ready"',  # 1
    'n2: rectangle label:"Enter address"',  # 2
    'n3: diamond label:"Card accepted?"',  # 3
    'n4: rectangle label:"Show receipt"',  # 4
    "n1.handle(right) -> n2.handle(left)",  # 5
    "n2.handle(right) -> n3.handle(left)",  # 6
    'n3.handle(right) -> n4.handle(left) [label="Yes"]',  # 7
    'n3.handle(bottom) -> Bank.n5.handle(top) [label="Check"]',  # 8
    "}",  # 9
    "Bank { # Card Issuer",  # 10
    'n5: rectangle label:"Authorise the payment"',  # 11
    'n6: circle label:"Declined"',  # 12
    'n5.handle(right) -> n6.handle(left) [label="No funds"]',  # 13
    'n5.handle(top) -> Shop.n4.handle(bottom) [label="Approved"]',  # 14
    "loop [retry] n5 n6",  # 15
    "}",  # 16
]


@dataclass(frozen=True)
class Slip:
    name: str
    line: int  # the line replaced (or, with insert=True, the line inserted before)
    text: str
    code: str
    start: int  # the expected range (on `line`)
    end: int
    severity: int = ERROR
    insert: bool = False
    message: str = ""  # a part of the message that names the slip
    at: int | None = None  # the line of the expected range, when not `line`


SLIPS = [
    Slip(
        "missing colon after the id",
        2,
        'n2 rectangle label:"Enter address"',
        "syntax-error",
        0,
        2,
        message="Missing `:` after `n2`",
    ),
    Slip("unquoted label", 2, "n2: rectangle label:Enter", "syntax-error", 20, 25, message='`label:"Enter"`'),
    Slip(
        "unquoted label of two words",
        2,
        "n2: rectangle label:Enter address",
        "syntax-error",
        20,
        33,
        message="Quote the label",
    ),
    Slip(
        "unterminated string",
        2,
        'n2: rectangle label:"Enter address',
        "syntax-error",
        20,
        34,
        message="Unterminated string",
    ),
    Slip("handel", 5, "n1.handel(right) -> n2.handle(left)", "syntax-error", 3, 9, message="did you mean `handle`"),
    Slip("hanlde", 6, "n2.hanlde(right) -> n3.handle(left)", "syntax-error", 3, 9, message="did you mean `handle`"),
    Slip(
        "Handle",
        7,
        'n3.handle(right) -> n4.Handle(left) [label="Yes"]',
        "syntax-error",
        23,
        29,
        message="did you mean `handle`",
    ),
    Slip("lane header without {", 10, "Bank # Card Issuer", "syntax-error", 0, 4, message="needs `{`"),
    Slip("display label without #", 10, "Bank { Card Issuer", "syntax-error", 7, 18, message="starts with `#`"),
    Slip("Mermaid labelled link", 7, "n3 -->|Yes| n4", "not-flowzap", 3, 11, message="Mermaid labelled link"),
    Slip("Mermaid sequence arrow", 5, "n1 ->> n2: go", "not-flowzap", 3, 6, message="Mermaid sequence arrow"),
    Slip("Mermaid node", 4, "n4[Show receipt]", "not-flowzap", 0, 16, message="Mermaid node"),
    Slip("Mermaid end", 16, "end", "not-flowzap", 0, 3, insert=True, message="closes a Mermaid block"),
    Slip("Mermaid header", 0, "graph TD", "not-flowzap", 0, 8, insert=True),
    Slip(
        "curly quotes",
        2,
        "n2: rectangle label:\u201cEnter address\u201d",
        "syntax-error",
        20,
        35,
        message="straight double quotes",
    ),
    Slip("single quotes", 2, "n2: rectangle label:'Enter address'", "syntax-error", 20, 35, message="double quotes"),
    Slip("unicode arrow", 6, "n2.handle(right) \u2192 n3.handle(left)", "syntax-error", 17, 18, message="`->`"),
    Slip("semicolon", 1, 'n1: circle label:"Cart ready";', "syntax-error", 29, 30, message="`;`"),
    Slip(
        "edge label without brackets",
        7,
        'n3.handle(right) -> n4.handle(left) label="Yes"',
        "syntax-error",
        36,
        47,
        message="brackets",
    ),
    Slip(
        "edge label without ]",
        7,
        'n3.handle(right) -> n4.handle(left) [label="Yes"',
        "syntax-error",
        36,
        37,
        message="`]`",
    ),
    Slip("unclosed handle", 5, "n1.handle(right) -> n2.handle(left", "bad-handle", 22, 34, message="not closed"),
    Slip("direction typo", 5, "n1.handle(rigth) -> n2.handle(left)", "bad-handle", 10, 15, message="`right`"),
    Slip("missing handle", 5, "n1.handle(right) -> n2", "missing-handle", 20, 22),
    Slip("shape typo", 2, 'n2: rect label:"Enter address"', "unknown-shape", 4, 8, message="`rectangle`"),
    Slip(
        "attribute typo",
        2,
        'n2: rectangle lable:"Enter address"',
        "unknown-attribute",
        14,
        19,
        WARNING,
        message="`label`",
    ),
    Slip("label= on a node", 1, 'n1: circle label="Cart ready"', "label-operator", 16, 17, WARNING),
    Slip(
        "label: on an edge", 7, 'n3.handle(right) -> n4.handle(left) [label:"Yes"]', "label-operator", 42, 43, WARNING
    ),
    Slip(
        "missing lane prefix", 8, 'n3.handle(bottom) -> n5.handle(top) [label="Check"]', "missing-lane-prefix", 21, 23
    ),
    Slip("wrong lane prefix", 14, 'n5.handle(top) -> Bank.n4.handle(bottom) [label="Approved"]', "wrong-lane", 18, 22),
    Slip(
        "unknown lane prefix",
        14,
        'n5.handle(top) -> Shopp.n4.handle(bottom) [label="Approved"]',
        "undefined-lane",
        18,
        23,
    ),
    Slip("undefined target", 13, 'n5.handle(right) -> n7.handle(left) [label="No funds"]', "undefined-node", 20, 22),
    Slip("chained edge", 5, "n1.handle(right) -> n2.handle(left) -> n3.handle(left)", "chained-edge", 36, 54),
    Slip("a second }", 10, "}", "unmatched-brace", 0, 1, insert=True),
    Slip("a missing }", 9, "", "unclosed-lane", 0, 4, at=0),
    Slip("loop of one node", 15, "loop [retry] n5", "loop-too-short", 13, 15, WARNING),
    Slip(
        "edge in the wrong lane",
        16,
        "n1.handle(bottom) -> Bank.n6.handle(top)",
        "edge-outside-source-lane",
        0,
        2,
        WARNING,
        insert=True,
    ),
    Slip("node outside every lane", 17, 'n7: circle label:"Lost"', "outside-lane", 0, 23, insert=True),
]


def variant(slip: Slip) -> list[str]:
    lines = list(VALID)
    if slip.insert:
        lines.insert(slip.line, slip.text)
    else:
        lines[slip.line] = slip.text
    return lines
