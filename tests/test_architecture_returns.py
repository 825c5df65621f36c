"""The architecture view's return arrows (fz_lsp/render/return_channels.py and the
placement that gives them a way out, fz_lsp/render/architecture.py): on an outer channel
above or below every card, never through the gaps between the columns, never crossing a
forward arrow; exact placements for the patterns that used to go wrong, the measures of
tests/support/architecture_quality.py (`return_arrows`) on every document (the corpus's in
test_corpus_architecture.py), and the channel bookkeeping against brute force."""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET
from itertools import combinations

import pytest
from hypothesis import given, settings, strategies as st

from fz_lsp.analysis.document import analyse
from fz_lsp.render import layout_architecture, render_svg
from fz_lsp.render.architecture import place_returning
from fz_lsp.render.layout.geometry import Box
from fz_lsp.render.return_channels import (
    RUN_GAP,
    Return,
    _assign_tracks,
    _Fenwick,
    _Plan,
    _RangeMax,
    route_returns,
)
from support.architecture_quality import check_architecture, return_arrows
from support.layout_quality import GENERATED, SVG, generated_document
from support.paths import EXAMPLES, FIXTURES, ROOT, fixture_files, read_exact


def model_of(text: str):
    return analyse(text).model


def placement(text: str) -> tuple[dict[str, tuple[int, int]], dict[tuple[str, str], tuple[str, str]]]:
    """(lane -> (row, column), (source lane, target lane) -> sides of each return)."""
    layout = layout_architecture(model_of(text))
    cells = {c.component.lane_id: (c.row, c.column) for c in layout.components}
    sides = {a.dependency.key: (a.source_side, a.target_side) for a in layout.dependencies if a.dependency.backward}
    return cells, sides


def assert_clear(text: str) -> None:
    """No return through the gaps, none crossing a forward arrow, nothing else wrong."""
    model = model_of(text)
    for theme in ("light", "dark"):
        svg = render_svg(model, "architecture", theme)
        returns = return_arrows(svg)
        assert (returns.through_gaps, returns.crossing_forward) == (0, 0), returns.details
        assert check_architecture(svg, model) == []


# ---------------------------------------------------------------------------
# The patterns


def test_two_rows_of_cards_send_each_return_round_the_outside():
    """The cake order: before, both replies ran through the gap between the rows and the gap
    between the columns, crossing the forward arrows. The counter's reply goes over the
    top; the kitchen's goes under the bottom row and up through the empty cell below the
    customer (its own column: no gap between columns)."""
    text = read_exact(FIXTURES / "cake-order-crlf-indented.fz")
    cells, sides = placement(text)
    assert cells == {"Customer": (0, 0), "Counter": (0, 1), "Kitchen": (1, 1)}
    assert sides == {("Counter", "Customer"): ("top", "top"), ("Kitchen", "Customer"): ("bottom", "bottom")}
    layout = layout_architecture(model_of(text))
    boxes = {c.component.lane_id: c.box for c in layout.components}
    kitchen = next(a for a in layout.dependencies if a.dependency.key == ("Kitchen", "Customer"))
    start, down, across, end = kitchen.points
    assert start[1] == boxes["Kitchen"].bottom and end[1] == boxes["Customer"].bottom
    assert down[1] == across[1] > boxes["Kitchen"].bottom  # the run lies below every card
    assert boxes["Customer"].x < end[0] < boxes["Customer"].right  # straight up into the customer
    assert_clear(text)


def test_a_third_card_with_returns_in_one_column_gets_a_column_of_its_own():
    """Three services answer the gateway: two share the rank's column (one at the top, one at
    the bottom: both have a way out), the third takes the next column, alone."""
    text = read_exact(FIXTURES / "architecture" / "returns-crowded-column.fz")
    cells, sides = placement(text)
    assert cells == {
        "Gateway": (0, 0),
        "Orders": (0, 1),
        "Users": (1, 1),
        "Search": (0, 2),
        "Index": (0, 3),
    }
    assert sides == {
        ("Orders", "Gateway"): ("top", "top"),
        ("Users", "Gateway"): ("bottom", "bottom"),
        ("Search", "Gateway"): ("top", "top"),
        ("Index", "Search"): ("bottom", "bottom"),
    }
    assert_clear(text)


def test_a_card_under_a_forward_arrow_skipping_it_is_given_its_own_column():
    """S's arrow to T runs under Y (a card between them in the bottom row), so Y, the second
    card with a return of its column, has no way down and none up (B is above it): it moves
    to a column of its own, in the top row, and its reply goes over the top."""
    text = (
        'A { # A\na1: rectangle label:"a"\na1.handle(right) -> B.b1.handle(left)\n'
        "a1.handle(right) -> Y.y1.handle(left)\n}\n"
        'S { # S\ns1: rectangle label:"s"\ns1.handle(right) -> T.t1.handle(left)\n}\n'
        'B { # B\nb1: rectangle label:"b"\nb1.handle(left) -> A.a1.handle(right) [label="back b"]\n'
        "b1.handle(right) -> T.t1.handle(left)\n}\n"
        'Y { # Y\ny1: rectangle label:"y"\ny1.handle(left) -> A.a1.handle(right) [label="back y"]\n'
        "y1.handle(right) -> T.t1.handle(left)\n}\n"
        'T { # T\nt1: rectangle label:"t"\n}\n'
    )
    cells, sides = placement(text)
    assert cells == {"A": (0, 0), "S": (1, 0), "B": (0, 1), "Y": (0, 2), "T": (0, 3)}
    assert sides == {("B", "A"): ("top", "top"), ("Y", "A"): ("top", "top")}
    assert_clear(text)


def test_returns_avoid_the_channel_a_forward_arrow_uses():
    """One row; Developer's arrow to the controller skips CI and runs under it, so CI's reply
    cannot go down: it goes over the top (the cluster's still runs underneath)."""
    text = read_exact(EXAMPLES / "gitops.fz").replace(
        '[label="Webhook"]\n', '[label="Webhook"]\nn6.handle(top) -> Sync.n12.handle(top) [label="Manual sync"]\n'
    )
    assert "Manual sync" in text
    cells, sides = placement(text)
    assert [cells[k] for k in ("Dev", "CI", "Sync", "Cluster")] == [(0, 0), (0, 1), (0, 2), (0, 3)]
    assert sides == {("CI", "Dev"): ("top", "top"), ("Cluster", "Sync"): ("bottom", "bottom")}
    layout = layout_architecture(model_of(text))
    skip = next(a for a in layout.dependencies if a.dependency.key == ("Dev", "Sync"))
    assert max(p[1] for p in skip.points) > layout.components[1].box.bottom  # it does run under CI
    assert_clear(text)


def test_a_return_that_would_go_round_the_side_swaps_its_column_instead():
    """Generated: L2 and L3 share a column. With L3 under L2, L3's reply to L1 could only
    leave downwards and L1 (under L0's arrow to L2) only upwards: round the side. Swapped,
    every reply runs along one channel."""
    text = generated_document(6149, 66, 4)
    cells, sides = placement(text)
    assert cells == {"L0": (0, 0), "L1": (0, 1), "L2": (1, 2), "L3": (0, 2)}
    assert sides == {
        ("L2", "L0"): ("bottom", "bottom"),
        ("L3", "L0"): ("top", "top"),
        ("L3", "L1"): ("top", "top"),
    }
    assert_clear(text)


def test_a_return_with_one_end_only_up_and_the_other_only_down_goes_round_the_side():
    """Generated: L2 (under L0) answers L3, whose way down is taken by L4's arrows to L0 and
    L2 (swapping L0 and L2 would send L0's replies round instead): the reply leaves L2
    downwards, runs under everything, up beside every card and over the top into L3."""
    text = generated_document(6382, 73, 6)
    cells, sides = placement(text)
    assert cells == {"L0": (0, 2), "L1": (0, 0), "L2": (1, 2), "L3": (0, 1), "L4": (1, 0), "L5": (0, 3)}
    assert sides == {
        ("L0", "L3"): ("top", "top"),
        ("L2", "L3"): ("bottom", "top"),
        ("L5", "L0"): ("top", "top"),
    }
    layout = layout_architecture(model_of(text))
    ring = next(a for a in layout.dependencies if a.dependency.key == ("L2", "L3"))
    boxes = [c.box for c in layout.components]
    assert len(ring.points) == 6
    side = ring.points[2][0]
    assert ring.points[2][0] == ring.points[3][0] > max(b.right for b in boxes)  # beside every card
    assert ring.points[1][1] > max(b.bottom for b in boxes) and ring.points[4][1] < min(b.y for b in boxes)
    assert side + 6 <= layout.width
    assert_clear(text)


def test_replies_of_one_card_nest_instead_of_crossing():
    """Three replies into L0: the first over the top, the next two (sharing L0, so not with
    the first) underneath, the further one outside the nearer one, its end on L0 further
    out, so that they nest; L3, the third card with a reply of its rank, stands apart."""
    lanes = "".join(f'L{k} {{ # L{k}\nn{k}: rectangle label:"{k}"\n}}\n' for k in range(4))
    body = "".join(
        f'n0.handle(right) -> L{k}.n{k}.handle(left)\nn{k}.handle(top) -> L0.n0.handle(top) [label="r{k}"]\n'
        for k in (1, 2, 3)
    )
    cells, sides = placement(lanes + body)
    assert cells == {"L0": (0, 0), "L1": (0, 1), "L2": (1, 1), "L3": (0, 2)}
    assert sides == {
        ("L1", "L0"): ("top", "top"),
        ("L2", "L0"): ("bottom", "bottom"),
        ("L3", "L0"): ("bottom", "bottom"),
    }
    layout = layout_architecture(model_of(lanes + body))
    replies = {a.dependency.source.lane_id: a.points for a in layout.dependencies if a.dependency.backward}
    assert replies["L3"][1][1] > replies["L2"][1][1]  # the further reply runs outside
    assert replies["L3"][-1][0] < replies["L2"][-1][0]  # and ends further out on L0
    assert return_arrows(render_svg(model_of(lanes + body), "architecture")).crossings == 0
    assert_clear(lanes + body)


def test_place_returning_puts_ends_at_the_top_and_bottom_and_a_third_apart():
    from fz_lsp.analysis.architecture import Component

    a, b, c, d, e = (Component(None, k, k, 0, [], i) for i, k in enumerate("abcde"))  # type: ignore[arg-type]
    partners = {id(x): {id(e)} for x in (b, c, d)} | {id(e): {id(b), id(c), id(d)}}
    columns, pins = place_returning([[a, b, c, d], [e]], partners, set())
    assert [[x.lane_id for x in col] for col in columns] == [["b", "a", "c"], ["d"], ["e"]]
    assert {x.lane_id: pins[id(x)] for x in (b, c, d, e)} == {"b": "top", "c": "bottom", "d": "top", "e": "top"}
    columns, pins = place_returning([[a, b, c, d], [e]], partners, {id(b)})
    assert [[x.lane_id for x in col] for col in columns] == [["c", "a", "d"], ["b"], ["e"]]


# ---------------------------------------------------------------------------
# Every document


DOCUMENTS = sorted(EXAMPLES.glob("*.fz")) + fixture_files("**/*.fz") + fixture_files("truncated/*.partial")


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_return_through_the_gaps_or_across_a_forward_arrow_in_examples_and_fixtures(path):
    assert_clear(path.read_bytes().decode("utf-8", "replace"))


@pytest.mark.parametrize("seed,nodes,lanes", GENERATED, ids=lambda v: str(v))
def test_no_return_through_the_gaps_or_across_a_forward_arrow_in_generated_documents(seed, nodes, lanes):
    assert_clear(generated_document(seed, nodes, lanes))


def test_the_measures_find_a_return_through_the_gaps_and_across_a_forward_arrow():
    text = read_exact(FIXTURES / "cake-order-crlf-indented.fz")
    svg = render_svg(model_of(text), "architecture")
    assert return_arrows(svg).backward == 2
    root = ET.fromstring(svg)
    kitchen = next(
        g for g in root.iter(f"{SVG}g") if g.get("data-from") == "Kitchen" and g.get("data-to") == "Customer"
    )
    line = next(el for el in kitchen if el.get("class") == "fz-edge-line")
    layout = layout_architecture(model_of(text))
    boxes = {c.component.lane_id: c.box for c in layout.components}
    # the old way: back through the gap between the rows, across the arrow to the kitchen
    gap_y = (boxes["Customer"].bottom + boxes["Kitchen"].y) / 2
    k, c = boxes["Kitchen"], boxes["Customer"]
    old = f"M{k.cx} {k.y} L{k.cx} {gap_y} L{c.cx} {gap_y} L{c.cx} {c.bottom}"
    bad = svg.replace(f'd="{line.get("d")}"', f'd="{old}"')
    measured = return_arrows(bad)
    assert (measured.through_gaps, measured.crossing_forward) == (1, 1)
    assert any("Kitchen->Customer runs through the gaps" in p for p in check_architecture(bad, model_of(text)))
    assert any("crosses forward arrow Customer->Kitchen" in p for p in check_architecture(bad, model_of(text)))


# ---------------------------------------------------------------------------
# The bookkeeping


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), max_size=40), st.integers(0, 31))
def test_fenwick_counts_the_spans_straddling_a_point(spans, point):
    starts, ends = _Fenwick(32), _Fenwick(32)
    kept = [(min(a, b), max(a, b)) for a, b in spans if a != b]
    for lo, hi in kept:
        starts.add(lo)
        ends.add(hi)
    assert starts.below(point) - ends.below(point + 1) == sum(1 for lo, hi in kept if lo < point < hi)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20), st.integers(0, 9)), max_size=30))
@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_range_max_is_the_brute_force_maximum(operations):
    tree, plain = _RangeMax(21), [-1] * 21
    for a, b, value in operations:
        lo, hi = min(a, b), max(a, b)
        assert tree.highest(lo, hi) == max(plain[lo : hi + 1])
        tree.raise_to(lo, hi, value)
        plain[lo : hi + 1] = [max(v, value) for v in plain[lo : hi + 1]]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 400), st.integers(0, 400), st.booleans()), min_size=1, max_size=25))
def test_tracks_never_share_a_line_and_put_a_holding_run_outside(spans):
    plans = []
    returns = []
    for a, b, labelled in spans:
        if abs(a - b) < 1:
            continue
        plan = _Plan(len(plans), "top", "top", None, float(max(a, b)), float(min(a, b)))
        plans.append(plan)
        returns.append(Return(0, 1, (40.0, 17.0) if labelled else None))
    thickness = _assign_tracks(plans, returns, "top")
    assert len(thickness) == (1 + max(p.tracks[0] for p in plans) if plans else 0)
    for p, q in combinations(plans, 2):
        (p0, p1), (q0, q1) = sorted((p.source_x, p.target_x)), sorted((q.source_x, q.target_x))
        if p0 - RUN_GAP < q1 and q0 - RUN_GAP < p1:  # they overlap (with the gap): never one track
            assert p.tracks[0] != q.tracks[0]
        if p0 <= q0 and q1 <= p1 and (p0, p1) != (q0, q1):
            assert p.tracks[0] > q.tracks[0]
    for p in plans:
        if returns[p.index].label is not None:
            assert thickness[p.tracks[0]] >= 17.0


def test_route_returns_with_nothing_to_route_and_with_a_card_boxed_in():
    assert route_returns([Box(0, 0, 10, 10)], [], [], []).routes == ()
    # the middle card of three stacked ones has no way out: it is reported, not drawn
    boxes = [Box(0, 0, 100, 50), Box(0, 100, 100, 50), Box(0, 200, 100, 50), Box(300, 0, 100, 50)]
    channels = route_returns(boxes, [], [], [Return(3, 1, None), Return(3, 0, None)])
    assert channels.blocked == frozenset({1}) and channels.routes[0] is None and channels.routes[1] is not None


@pytest.mark.slow
def test_random_documents_keep_returns_outside(tmp_path):
    rng = random.Random(22)
    for _ in range(25):
        assert_clear(generated_document(rng.randint(0, 10_000), rng.randint(2, 90), rng.randint(2, 12)))
