"""The Architecture view's content (fz_lsp/architecture.py), hover on a lane header, and
"Open in FlowZap" (fz_lsp/share.py, `fz-lsp share`, the server's commands)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings, strategies as st
from lsprotocol import types

from fz_lsp.analysis.architecture import architecture, dependency_summary
from fz_lsp.analysis.document import Document
from fz_lsp.analysis.markdown import md
from fz_lsp.base.i18n import translator
from fz_lsp.features.hover import hover
from fz_lsp.features.share import PLAYGROUND, decode_share_url, share_url
from support.commands import SERVER_ENV
from support.lsp import Session
from support.paths import EXAMPLES, FIXTURES, ROOT, read_exact

GITOPS = read_exact(EXAMPLES / "gitops.fz")


def deps(text: str) -> list[tuple[str, str, tuple[str, ...], int, bool]]:
    arch = architecture(Document(text).model)
    return [(d.source.lane_id, d.target.lane_id, d.labels, d.count, d.backward) for d in arch.dependencies]


def test_gitops_components_and_dependencies():
    arch = architecture(Document(GITOPS).model)
    assert [(c.lane_id, c.title, c.header_line, len(c.steps), c.rank) for c in arch.components] == [
        ("Dev", "Developer", 0, 6, 0),
        ("CI", "CI Pipeline", 15, 5, 1),
        ("Sync", "GitOps Controller", 29, 5, 2),
        ("Cluster", "Kubernetes Cluster", 41, 5, 3),
    ]
    assert [
        (d.source.lane_id, d.target.lane_id, d.labels, d.count, d.lines, d.backward) for d in arch.dependencies
    ] == [
        ("Dev", "CI", ("Webhook",), 1, (13,), False),
        ("CI", "Dev", ("Failed",), 1, (22,), True),
        ("CI", "Sync", ("Config commit",), 1, (26,), False),
        ("Sync", "Cluster", ("Rollout",), 1, (39,), False),
        ("Cluster", "Sync", ("Report drift", "Healthy"), 2, (51, 52), True),
    ]
    assert arch.dependencies[-1].caption == "Report drift, Healthy"
    assert [s.text for s in arch.components[0].steps][:2] == ["Start a change", "Commit on a feature branch"]


def test_count_is_the_number_of_cross_lane_edges_and_labels_are_distinct():
    text = (
        'A { # A\nn1: circle label:"a"\nn2: circle label:"b"\n'
        'n1.handle(bottom) -> B.n3.handle(top) [label="x"]\n'
        'n2.handle(bottom) -> B.n3.handle(top) [label="x"]\n'
        "n1.handle(right) -> n2.handle(left)\n"
        'n2.handle(right) -> B.n4.handle(left) [label="y"]\n'
        "n1.handle(left) -> B.n4.handle(left)\n}\n"
        'B { # B\nn3: circle label:"c"\nn4: circle label:"d"\n}\n'
        'C { # Alone\nn5: circle label:"e"\n}\n'
    )
    assert deps(text) == [("A", "B", ("x", "y"), 4, False)]
    arch = architecture(Document(text).model)
    alone = arch.components[2]
    assert (alone.title, arch.incoming(alone), arch.outgoing(alone)) == ("Alone", [], [])
    assert dependency_summary(arch, alone.lane) == ([], [])


CAPTIONS = 'A { # A\nn1: circle label:"a"\n}\nB { # B\nn2: circle label:"b"\n}\n'


@pytest.mark.parametrize(
    "labels, caption, hovered",
    [
        (["Sync"], "Sync", "Sync"),
        ([None], "", None),
        (["Sync", "Sync", "Sync"], "Sync (×3)", "Sync (×3)"),
        ([None, None, None], "×3", "×3"),
        # the case: one label and two edges without one is not "(×3)"
        ([None, "Sync", None], "Sync (+2 unlabelled)", "Sync (+2 sans libellé)"),
        (["Yes", None, "No", "Yes"], "Yes, No (+1 unlabelled)", "Yes, No (+1 sans libellé)"),
        (["Yes", "No", "Yes"], "Yes, No", "Yes, No"),
        (["Try again", "  ", "Token issued"], "Try again, Token issued (+1 unlabelled)", None),
        # a label with a comma of its own: the labels are told apart by semicolons
        (["Yes, lower deck", "Ramp B"], "Yes, lower deck; Ramp B", "Yes, lower deck; Ramp B"),
    ],
)
def test_the_caption_counts_only_edges_that_say_the_same(labels, caption, hovered):
    edges = "".join(
        "n1.handle(bottom) -> B.n2.handle(top)" + (f' [label="{label}"]' if label is not None else "") + "\n"
        for label in labels
    )
    doc = Document(CAPTIONS + edges)
    (dependency,) = architecture(doc.model).dependencies
    assert (dependency.count, dependency.caption) == (len(labels), caption)
    # hover on the lane header says what the arrow says, in the user's language
    uses, _ = dependency_summary(architecture(doc.model), doc.model.lanes[0], translator("fr"))
    if hovered is not None:
        assert uses == [f"B (B)\u00a0: {hovered}"]
    english = hover(doc, 0, 0).markdown
    assert f"- B \\(B\\){': ' + md(caption) if caption else ''}\n" in english + "\n"


def test_an_edge_counts_where_its_nodes_live_and_unresolved_ends_count_nowhere():
    text = (
        'A { # A\nn1: circle label:"a"\n}\n'
        'B { # B\nn2: circle label:"b"\n'
        "n1.handle(bottom) -> n2.handle(top)\n"  # written in B, starts in A
        "n2.handle(right) -> C.n9.handle(left)\n}\n"  # n9 nowhere
        'C { # C\nn3: circle label:"c"\n}\n'
        "n2.handle(bottom) -> C.n3.handle(top)\n"  # after the last }
    )
    assert deps(text) == [("A", "B", (), 1, False), ("B", "C", (), 1, False)]


def test_cycles_are_broken_so_the_reply_goes_back():
    text = (
        'Client { # Client\nn1: circle label:"a"\nn1.handle(bottom) -> Server.n2.handle(top) [label="GET"]\n}\n'
        'Server { # Server\nn2: circle label:"b"\nn2.handle(top) -> Client.n1.handle(bottom) [label="200"]\n'
        'n2.handle(bottom) -> Db.n3.handle(top) [label="query"]\n}\n'
        'Db { # Db\nn3: circle label:"c"\nn3.handle(top) -> Server.n2.handle(bottom) [label="rows"]\n}\n'
    )
    arch = architecture(Document(text).model)
    assert [(c.lane_id, c.rank) for c in arch.components] == [("Client", 0), ("Server", 1), ("Db", 2)]
    assert [(d.key, d.backward) for d in arch.dependencies] == [
        (("Client", "Server"), False),
        (("Server", "Client"), True),
        (("Server", "Db"), False),
        (("Db", "Server"), True),
    ]


def test_a_lane_nothing_depends_on_starts_the_order_even_when_declared_last():
    text = (
        'Api { # Api\nn1: circle label:"a"\nn1.handle(bottom) -> Db.n2.handle(top)\n}\n'
        'Db { # Db\nn2: circle label:"b"\n}\n'
        'User { # User\nn3: circle label:"c"\nn3.handle(top) -> Api.n1.handle(bottom)\n}\n'
    )
    arch = architecture(Document(text).model)
    assert [(c.lane_id, c.rank) for c in arch.components] == [("Api", 1), ("Db", 2), ("User", 0)]


@pytest.mark.parametrize(
    "path", sorted(FIXTURES.rglob("*.fz")) + sorted(FIXTURES.rglob("*.partial")), ids=lambda p: p.name
)
def test_counts_match_the_cross_lane_edges_of_every_fixture(path):
    model = Document(read_exact(path)).model
    arch = architecture(model)
    expected: dict[tuple[int, int], int] = {}
    for e in model.edges:
        s, t = e.source.node, e.target.node
        if s and t and s.lane and t.lane and s.lane is not t.lane and not e.foreign:
            expected[(id(s.lane), id(t.lane))] = expected.get((id(s.lane), id(t.lane)), 0) + 1
    assert {(id(d.source.lane), id(d.target.lane)): d.count for d in arch.dependencies} == expected
    for d in arch.dependencies:  # a forward arrow goes right
        assert d.backward or d.target.rank > d.source.rank


def test_hover_on_a_lane_header_lists_its_dependencies():
    doc = Document(GITOPS)
    text = hover(doc, 15, 1).markdown  # `CI {`
    assert (
        "Depends on (Architecture view):\n- Developer \\(Dev\\): Failed\n- GitOps Controller \\(Sync\\): Config commit"
        in text
    )
    assert "Used by (Architecture view):\n- Developer \\(Dev\\): Webhook" in text
    cluster = hover(doc, 41, 1).markdown
    assert "- GitOps Controller \\(Sync\\): Report drift, Healthy" in cluster
    alone = Document('A { # A\nn1: circle label:"a"\n}\n')
    assert hover(alone, 0, 0).markdown.endswith("Architecture view: no dependencies (no edge to or from another lane).")


# -- Open in FlowZap ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [GITOPS, 'A { # 泳道 🚀\r\nn1: circle label:"起点 😀"\r\n}', "", "a\rb\r\n\n\u2028é\u0301", "x" * 1001],
    ids=["gitops", "cjk-crlf-emoji", "empty", "mixed-endings", "long"],
)
def test_share_url_decodes_back_to_exactly_the_text(text: str):
    url = share_url(text)
    assert url.startswith(PLAYGROUND + "?code=")
    assert all(c.isalnum() or c in "-_" for c in url.split("code=", 1)[1])  # base64url: nothing to escape
    assert decode_share_url(url) == text


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.text())
def test_share_url_round_trips_any_text(text: str):
    assert decode_share_url(share_url(text)) == text


def test_cli_share_prints_the_url_of_the_file_as_written(tmp_path):
    path = tmp_path / "cjk.fz"
    data = 'A { # 泳道\r\nn1: circle label:"🚀"\r\n}'
    path.write_bytes(data.encode("utf-8"))
    result = subprocess.run(
        [sys.executable, "-m", "fz_lsp", "share", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=SERVER_ENV,
        timeout=120,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert decode_share_url(result.stdout.strip()) == data
    missing = subprocess.run(
        [sys.executable, "-m", "fz_lsp", "share", str(tmp_path / "nope.fz")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=SERVER_ENV,
        timeout=120,
    )
    assert missing.returncode == 2 and missing.stderr.startswith("fz-lsp: cannot read")


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
async def test_e2e_share_url_of_the_unsaved_text(client, session: Session):
    uri = await session.open(GITOPS, "share")
    session.client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=GITOPS + "// unsaved 🚀\n")],
        )
    )
    await session.wait_for(uri, 2)
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="flowzap.shareUrl", arguments=[{"uri": uri}])
    )
    assert decode_share_url(result["url"]) == GITOPS + "// unsaved 🚀\n"
    # the test client does not support showDocument: the URL is shown in a message
    opened = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="flowzap.openInFlowZap", arguments=[{"uri": uri}])
    )
    assert (opened["url"], opened["opened"]) == (result["url"], False)
    assert any(m.message == f"Open this diagram in FlowZap: {result['url']}" for m in client.messages)
