"""Realistic FlowZap documents of any size, for benchmarks and stress tests.

Lanes of steps and decisions with branches, cross-lane hops with replies, loops, and
labels with CJK and emoji, all valid (no errors). Deterministic for a given seed.
"""

from __future__ import annotations

import random

WORDS = [
    "Validate",
    "Check",
    "Build",
    "Deploy",
    "Review",
    "Approve",
    "Send",
    "Receive",
    "Store",
    "Notify",
    "Retry",
    "Sync",
    "Parse",
    "Route",
    "Render",
    "检查",
    "部署",
    "確認",
    "🚀 Launch",
    "✅ Done",
]


def generate(lines: int, seed: int = 7, nodes_per_lane: int = 12) -> str:
    """A valid document of about `lines` lines."""
    rng = random.Random(seed)
    # each lane: header + nodes + ~nodes edges + 1 loop + close  ~= 2*nodes + 3 lines
    per_lane = 2 * nodes_per_lane + 3
    lane_count = max(2, lines // per_lane)
    out: list[str] = []
    next_id = 1
    lane_ids = [f"Lane{i}" for i in range(lane_count)]
    first_ids = [1 + i * nodes_per_lane for i in range(lane_count)]
    for li, lane in enumerate(lane_ids):
        out.append(f"{lane} {{ # {rng.choice(WORDS)} team {li}")
        ids = list(range(next_id, next_id + nodes_per_lane))
        next_id += nodes_per_lane
        for k, n in enumerate(ids):
            shape = "circle" if k in (0, nodes_per_lane - 1) else ("diamond" if k % 4 == 2 else "rectangle")
            out.append(f'n{n}: {shape} label:"{rng.choice(WORDS)} {rng.choice(WORDS)} {n}"')
        for k in range(len(ids) - 1):
            a, b = ids[k], ids[k + 1]
            if k % 4 == 2 and k + 2 < len(ids):
                out.append(f'n{a}.handle(bottom) -> n{ids[k + 2]}.handle(top) [label="No"]')
                out.append(f'n{a}.handle(right) -> n{b}.handle(left) [label="Yes"]')
            else:
                out.append(f"n{a}.handle(right) -> n{b}.handle(left)")
        other = (li + 1) % lane_count
        target = f"{lane_ids[other]}.n{first_ids[other] + 1}"
        out.append(f'n{ids[-2]}.handle(bottom) -> {target}.handle(top) [label="{rng.choice(WORDS)}"]')
        out.append(f"loop [{rng.choice(WORDS)} until ok] n{ids[1]} n{ids[2]} n{ids[3]}")
        out.append("}")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(generate(int(sys.argv[1]) if len(sys.argv) > 1 else 1000))
