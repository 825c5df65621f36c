"""Line checks: the diagnostics that depend on one line alone (its statement), kept in the
line's `LineFacts.derived` slot so an edit re-checks only the lines it touched.

May import: fz_lsp.base, fz_lsp.syntax, fz_lsp.model, fz_lsp.analysis, fz_lsp.diagnostics.codes/report.
"""

from __future__ import annotations

from fz_lsp import syntax
from fz_lsp.analysis.suggestions import ATTRIBUTE, DIRECTION, SHAPE, unknown_word
from fz_lsp.diagnostics.codes import Diagnostic
from fz_lsp.diagnostics.report import Reporter
from fz_lsp.model import LineAnchor, Span
from fz_lsp.syntax.statements import Broken, Comment, EdgeStmt, Foreign, NodeDecl
from fz_lsp.syntax.vocabulary import DIRECTIONS, EDGE_ATTRIBUTES, NODE_ATTRIBUTES, SHAPES, nearest


class LineChecks(Reporter):
    def lines(self) -> None:
        """Every line's own diagnostics, each line's taken from its cache when it holds
        them for these settings."""
        settings = self.settings
        for f in self.model.facts:
            cached = f.derived
            if cached is None or (cached[0] is not settings and cached[0] != settings):
                cached = f.derived = (settings, self.local(f.anchor, f.statement))
            if cached[1]:
                self.out.extend(cached[1])

    def local(self, i: LineAnchor, st: syntax.Statement) -> tuple[Diagnostic, ...]:
        """The diagnostics that depend on this line alone (spans anchored to the line)."""
        if st is None:
            return ()
        outer, self.out = self.out, []
        try:
            if type(st) is NodeDecl:
                self.node_syntax(i, st)
            elif type(st) is EdgeStmt:
                self.edge_syntax(i, st)
            elif type(st) is Broken:
                self.broken(i, st)
            elif type(st) is Foreign:
                self.add(
                    "not-flowzap",
                    Span.of(i, st.token),
                    self._(
                        "`{word}` is Mermaid/PlantUML syntax, not FlowZap Code. "
                        'FlowZap uses lanes (`Lane { # Label`), nodes (`n1: rectangle label:"..."`) '
                        "and edges (`n1.handle(right) -> n2.handle(left)`).",
                        word=st.token.text.split()[0],
                    ),
                )
            elif type(st) is Comment:
                self.add(
                    "comment",
                    Span.of(i, st.token),
                    self._(
                        "`//` lines are ignored by the FlowZap editor but are not part of FlowZap Code; "
                        "other tools may reject them"
                    ),
                )
            return tuple(self.out)
        finally:
            self.out = outer

    def broken(self, i: LineAnchor, st: syntax.Broken) -> None:
        """One diagnostic for the line, naming the slip; its repair (fz_lsp/recovery.py) is
        the quick fix. What the repaired line says is checked with the rest of the
        document, not here: one mistake, one diagnostic."""
        line = self.model.lines[i.line]
        end = min(max(st.end, st.start + 1), len(line))
        data = None
        if st.fixes:
            data = {"fixes": [[f.start, f.end, f.text] for f in st.fixes], "title": self.tr.render(st.fix_title)}
        self.add(st.code, Span(i, min(st.start, end), end), self.tr.render(st.message), data=data)

    def node_syntax(self, i: LineAnchor, st: syntax.NodeDecl) -> None:
        shape = st.shape.text
        if shape not in SHAPES:
            self.unknown_word("unknown-shape", i, st.shape, SHAPE)
        seen: dict[str, syntax.Attribute] = {}
        for a in st.attributes:
            key = a.key.text
            if key not in NODE_ATTRIBUTES:
                self.unknown_word("unknown-attribute", i, a.key, ATTRIBUTE)
            if a.op.text != ":":
                self.add(
                    "label-operator",
                    Span.of(i, a.op),
                    self._('Node attributes use a colon: write `{key}:"…"`, not `{key}="…"`', key=key),
                    data={"replacement": ":"},
                )
            if key in seen:
                first = seen[key]
                self.add(
                    "duplicate-attribute",
                    Span.of(i, a.key),
                    self._("`{key}` is given twice; FlowZap uses the first one", key=key),
                    related=self.related(Span.of(i, first.key), self._("first `{key}`", key=key)),
                )
            else:
                seen[key] = a
            self.check_length(i, a)
        misspelt_label = any(
            nearest(a.key.text, NODE_ATTRIBUTES) == "label" for a in st.attributes if a.key.text not in NODE_ATTRIBUTES
        )  # reported once, as unknown-attribute
        if shape in ("circle", "rectangle", "diamond") and "label" not in seen and not misspelt_label:
            self.add(
                "missing-label",
                Span.of(i, st.node),
                self._('`{node}` ({shape}) has no label; add `label:"…"`', node=st.node.text, shape=shape),
            )
        elif shape == "taskbox" and not seen:
            self.add(
                "missing-label",
                Span.of(i, st.node),
                self._(
                    '`{node}` (taskbox) has no text; add `label:"…"` or owner/description/system', node=st.node.text
                ),
            )

    def unknown_word(self, code: str, i: LineAnchor, tok: syntax.Tok, kind: str) -> None:
        """An unknown shape or node attribute: the sentence and the guess (quick-fix data)."""
        said = unknown_word(self.tr, kind, tok.text)
        self.add(code, Span.of(i, tok), said.message, data={"replacement": said.guess} if said.guess else None)

    def check_length(self, i: LineAnchor, a: syntax.Attribute) -> None:
        limit = self.settings.max_label_length
        n = len(a.text)
        if a.key.text in ("label", "description") and limit and n > limit:
            if a.key.text == "label":
                text = self._("This label has {n} characters; FlowZap recommends at most {limit}", n=n, limit=limit)
            else:
                text = self._(
                    "This description has {n} characters; FlowZap recommends at most {limit}", n=n, limit=limit
                )
            self.add("long-label", Span.of(i, a.value), text)

    def edge_syntax(self, i: LineAnchor, st: syntax.EdgeStmt) -> None:
        foreign = [t for t in st.arrows if t.text != "->"]
        for t in foreign:
            self.add(
                "not-flowzap",
                Span.of(i, t),
                self._(
                    "`{arrow}` is a Mermaid/PlantUML arrow; FlowZap edges use `->` between handles: "
                    "`n1.handle(right) -> n2.handle(left)`",
                    arrow=t.text,
                ),
                data={"replacement": "->"},
            )
        if foreign:
            return
        if len(st.endpoints) > 2:
            second = st.arrows[1]
            self.add(
                "chained-edge",
                Span(i, second.start, st.endpoints[-1].end),
                self._("FlowZap allows one `->` per line: split `a -> b -> c` into two edges"),
            )
        for ep in st.endpoints:
            self.handle_syntax(i, ep, ep is st.endpoints[0])
        if st.brackets is not None and not st.attributes:
            self.add(
                "missing-label",
                Span(i, st.brackets[0].start, st.brackets[1].end),
                self._('Empty `[]`: write `[label="…"]` or remove the brackets'),
            )
        seen = False
        for a in st.attributes:
            key = a.key.text
            if key not in EDGE_ATTRIBUTES:
                guess = "label"
                self.add(
                    "unknown-attribute",
                    Span.of(i, a.key),
                    self._("Edges take only `label`, not `{key}`", key=key),
                    data={"replacement": guess},
                )
            if a.op.text != "=":
                self.add(
                    "label-operator",
                    Span.of(i, a.op),
                    self._('Edge labels use `=`: write `[{key}="…"]`, not `[{key}:"…"]`', key=key),
                    data={"replacement": "="},
                )
            if key == "label":
                if seen:
                    self.add(
                        "duplicate-attribute",
                        Span.of(i, a.key),
                        self._("The edge has two labels; FlowZap uses the first"),
                    )
                seen = True
                self.check_length(i, a)

    def handle_syntax(self, i: LineAnchor, ep: syntax.Endpoint, is_source: bool) -> None:
        h = ep.handle
        default = "right" if is_source else "left"
        if h is None:
            self.add(
                "missing-handle",
                Span(i, ep.start, ep.end),
                self._(
                    "`{node}` needs a handle: write `{node}.handle({direction})` (directions: {choices})",
                    node=ep.node.text,
                    direction=default,
                    choices=self.choices(DIRECTIONS),
                ),
                data={"insert": f".handle({default})", "at": ep.end},
            )
            return
        if h.direction is not None and h.direction.text in DIRECTIONS and not h.closed:
            self.add(
                "bad-handle",
                Span(i, h.dot.start, h.end),
                self._("The handle is not closed: write `.handle({direction})`", direction=h.direction.text),
                data={"replacement": f".handle({h.direction.text})"},
            )
            return
        if h.direction is None or not h.closed:
            written = h.direction.text if h.direction and h.direction.text in DIRECTIONS else default
            self.add(
                "bad-handle",
                Span(i, h.dot.start, h.end),
                self._(
                    "Malformed handle: write `.handle(direction)` with one of {choices}",
                    choices=self.choices(DIRECTIONS),
                ),
                data={"replacement": f".handle({written})"},
            )
            return
        word = h.direction.text
        if word not in DIRECTIONS:
            said = unknown_word(self.tr, DIRECTION, word)
            data = {"replacement": said.guess} if said.guess else None
            self.add("bad-handle", Span.of(i, h.direction), said.message, data=data)
