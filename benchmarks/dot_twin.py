"""The Graphviz DOT twin of a FlowZap document, for measuring the DOT language server on
the same graph (benchmarks/bench_peers.py).

Statement for statement, line for line: a lane becomes a cluster whose label is the
lane's title, a node keeps its id, its label and its shape (rectangle -> box), an edge
keeps its ends (`Lane.n7` -> `n7`: DOT's ids are global, as FlowZap's are), its label
and its handles as compass ports (right -> e, left -> w, top -> n, bottom -> s), a loop
becomes a cluster of its nodes labelled with its condition. So the DOT text has the
FlowZap text's nodes, edges and labels and two more lines (`digraph flow {` and `}`).

Only the statement forms of benchmarks/generate.py and examples/*.fz are known: any
other line raises ValueError (the twin would not be the same graph).
"""

from __future__ import annotations

import re

LANE = re.compile(r"^(\w+) \{(?: # (.*))?$")
NODE = re.compile(r'^(\w+): (\w+) label:"((?:\\.|[^"\\])*)"$')
END = r"(?:\w+\.)?(\w+)\.handle\((\w+)\)"
EDGE = re.compile(rf'^{END} -> {END}(?: \[label="((?:\\.|[^"\\])*)"\])?$')
LOOP = re.compile(r"^loop \[([^\]]*)\] (\w+(?: \w+)*)$")

SHAPES = {"rectangle": "box", "circle": "circle", "diamond": "diamond"}
PORTS = {"right": "e", "left": "w", "top": "n", "bottom": "s"}


def quoted(text: str) -> str:
    """A DOT double-quoted string of `text` (FlowZap's escapes are DOT's: \\" and \\\\)."""
    return '"' + text + '"'


def to_dot(flowzap: str) -> str:
    """The DOT twin of `flowzap` (see the module docstring)."""
    out = ["digraph flow {"]
    loops = 0
    for number, line in enumerate(flowzap.splitlines(), 1):
        if m := LANE.match(line):
            title = m.group(2) if m.group(2) is not None else m.group(1)
            out.append(f"subgraph cluster_{m.group(1)} {{ label={quoted(title)}")
        elif m := NODE.match(line):
            node, shape, label = m.groups()
            if shape not in SHAPES:
                raise ValueError(f"line {number}: shape {shape!r} has no DOT twin")
            out.append(f"{node} [shape={SHAPES[shape]} label={quoted(label)}]")
        elif m := EDGE.match(line):
            source, out_port, target, in_port, label = m.groups()
            if out_port not in PORTS or in_port not in PORTS:
                raise ValueError(f"line {number}: handle {out_port!r} or {in_port!r} has no DOT port")
            attributes = f" [label={quoted(label)}]" if label is not None else ""
            out.append(f"{source}:{PORTS[out_port]} -> {target}:{PORTS[in_port]}{attributes}")
        elif m := LOOP.match(line):
            loops += 1
            out.append(f"subgraph cluster_loop{loops} {{ label={quoted(m.group(1))} {m.group(2)} }}")
        elif line == "}" or not line.strip():
            out.append(line)
        else:
            raise ValueError(f"line {number} has no DOT twin: {line[:80]!r}")
    out.append("}")
    return "\n".join(out) + "\n"
