"""One small document per diagnostic code, with the exact range it must report.

Used by the unit tests (pure checker) and the end-to-end tests (real server), so both
layers are held to the same ranges. Ranges are (line, start, end), 0-based, UTF-16
(all cases are ASCII except where noted).
"""

from __future__ import annotations

from dataclasses import dataclass

LANES = 'A { # Lane A\nn1: circle label:"Start"\nn2: rectangle label:"Step"\nn1.handle(right) -> n2.handle(left)\n}\n'


@dataclass(frozen=True)
class Case:
    code: str
    text: str
    line: int
    start: int
    end: int
    settings: dict | None = None


def lane(body: str, name: str = "A", label: str = "Lane A") -> str:
    return f"{name} {{ # {label}\n{body}}}\n"


CASES = [
    Case("undefined-node", lane('n1: circle label:"a"\nn1.handle(right) -> n9.handle(left)\n'), 2, 20, 22),
    Case(
        "undefined-lane",
        lane('n1: circle label:"a"\nn2: circle label:"b"\nn1.handle(right) -> Nope.n2.handle(left)\n'),
        3,
        20,
        24,
    ),
    Case(
        "wrong-lane",
        lane('n1: circle label:"a"\nn1.handle(bottom) -> C.n2.handle(top)\n')
        + lane('n2: circle label:"b"\n', "B", "B")
        + lane('n3: circle label:"c"\nn3.handle(right) -> B.n2.handle(left)\n', "C", "C"),
        2,
        21,
        22,
    ),
    Case(
        "missing-lane-prefix",
        lane('n1: circle label:"a"\nn1.handle(bottom) -> n2.handle(top)\n') + lane('n2: circle label:"b"\n', "B", "B"),
        2,
        21,
        23,
    ),
    Case(
        "bad-handle",
        lane('n1: circle label:"a"\nn2: circle label:"b"\nn1.handle(rigth) -> n2.handle(left)\n'),
        3,
        10,
        15,
    ),
    Case("missing-handle", lane('n1: circle label:"a"\nn2: circle label:"b"\nn1.handle(right) -> n2\n'), 3, 20, 22),
    Case("syntax-error", lane('n1: circle label:"a"\nn1.handle(right) -> ->\n'), 2, 20, 22),
    Case(
        "chained-edge",
        lane(
            'n1: circle label:"a"\nn2: circle label:"b"\nn3: circle label:"c"\n'
            "n1.handle(right) -> n2.handle(left) -> n3.handle(left)\n"
        ),
        4,
        36,
        54,
    ),
    Case("unclosed-lane", 'A { # A\nn1: circle label:"a"\n', 0, 0, 1),
    Case("unmatched-brace", lane('n1: circle label:"a"\n') + "}\n", 3, 0, 1),
    Case("duplicate-node", lane('n1: circle label:"a"\nn1: rectangle label:"b"\n'), 2, 0, 2),
    Case("duplicate-lane", lane('n1: circle label:"a"\n') + lane('n2: circle label:"b"\n'), 3, 0, 1),
    Case("unknown-shape", lane('n1: rect label:"a"\n'), 1, 4, 8),
    Case("unknown-attribute", lane('n1: circle lable:"a" label:"b"\n'), 1, 11, 16),
    Case("label-operator", lane('n1: circle label="a"\n'), 1, 16, 17),
    Case(
        "label-operator",
        lane('n1: circle label:"a"\nn2: circle label:"b"\nn1.handle(right) -> n2.handle(left) [label:"go"]\n'),
        3,
        42,
        43,
    ),
    Case("missing-label", lane("n1: rectangle\n"), 1, 0, 2),
    Case("id-gap", lane('n1: circle label:"a"\nn3: circle label:"b"\nn1.handle(right) -> n3.handle(left)\n'), 2, 0, 2),
    Case("non-canonical-id", lane('start: circle label:"a"\n'), 1, 0, 5),
    Case("long-label", lane('n1: circle label:"' + "x" * 51 + '"\n'), 1, 17, 70),
    Case(
        "orphan-node",
        lane('n1: circle label:"a"\nn2: circle label:"b"\nn3: circle label:"c"\nn1.handle(right) -> n2.handle(left)\n'),
        3,
        0,
        2,
    ),
    Case("outside-lane", 'n1: circle label:"a"\n', 0, 0, 20),
    Case(
        "top-level-edge",
        lane('n1: circle label:"a"\nn2: circle label:"b"\n') + "n1.handle(right) -> n2.handle(left)\n",
        4,
        0,
        35,
    ),
    Case("top-level-edge", lane('n1: circle label:"a"\nn2: circle label:"b"\n') + "loop [again] n1 n2\n", 4, 0, 18),
    Case("missing-display-label", 'Ops {\nn1: circle label:"a"\n}\n', 0, 0, 3),
    Case(
        "edge-outside-source-lane",
        lane('n1: circle label:"a"\nn2.handle(right) -> B.n3.handle(left)\n')
        + lane('n2: circle label:"b"\nn3: circle label:"c"\nn1.handle(right) -> A.n1.handle(left)\n', "B", "B"),
        2,
        0,
        2,
    ),
    Case("loop-too-short", lane('n1: circle label:"a"\nloop [again] n1\n'), 2, 13, 15),
    Case("not-flowzap", "graph TD\n", 0, 0, 8),
    Case("not-flowzap", lane('n1: circle label:"a"\nn1 --> n2\n'), 2, 3, 6),
    Case("display-label-own-line", 'A {\n  # Lane A\n  n1: circle label:"a"\n}\n', 1, 2, 10),
    Case("stray-display-label", lane('n1: circle label:"a"\n# later\n'), 2, 0, 7),
    Case(
        "prefixed-source",
        lane('n1: circle label:"a"\nn2: circle label:"b"\nA.n1.handle(right) -> n2.handle(left)\n'),
        3,
        0,
        2,
    ),
    Case(
        "redundant-lane-prefix",
        lane('n1: circle label:"a"\nn2: circle label:"b"\nn1.handle(right) -> A.n2.handle(left)\n'),
        3,
        20,
        22,
    ),
    Case(
        "duplicate-edge",
        lane(
            'n1: circle label:"a"\nn2: circle label:"b"\nn1.handle(right) -> n2.handle(left)\n'
            "n1.handle(right) -> n2.handle(left)\n"
        ),
        4,
        0,
        35,
    ),
    Case("duplicate-attribute", lane('n1: circle label:"a" label:"b"\n'), 1, 21, 26),
    Case("comment", lane('// a note\nn1: circle label:"a"\n'), 1, 0, 9),
    Case("too-large", lane("".join(f'n{i}: circle label:"{"y" * 30}"\n' for i in range(1, 1200))), 0, 0, 12),
    Case(
        "missing-reply",
        lane('n1: circle label:"a"\nn1.handle(bottom) -> B.n2.handle(top)\n')
        + lane('n2: circle label:"b"\n', "B", "B"),
        2,
        18,
        20,
        {"diagnostics": {"sequenceRules": True}},
    ),
    Case(
        "ping-pong",
        lane(
            'n1: circle label:"a"\nn3: circle label:"c"\nn1.handle(bottom) -> B.n2.handle(top)\n'
            "n3.handle(bottom) -> B.n4.handle(top)\n"
        )
        + lane('n2: circle label:"b"\nn4: circle label:"d"\nn4.handle(top) -> A.n3.handle(bottom)\n', "B", "B"),
        4,
        18,
        20,
        {"diagnostics": {"sequenceRules": True}},
    ),
]

# every documented code has at least one case
ALL_CODES = sorted({c.code for c in CASES})
