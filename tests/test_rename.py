"""Rename across lanes: unit tests on fz_lsp/rename.py and end-to-end through the server."""

from __future__ import annotations

import pytest
import pytest_lsp
from conftest import CORPUS, R, SERVER_COMMAND, SERVER_ENV, Session, corpus_files, initialize_params, read_exact
from lsprotocol import types
from lsprotocol.converters import get_converter
from pygls.exceptions import JsonRpcException
from pytest_lsp import ClientServerConfig, LanguageClient

from fz_lsp import rename
from fz_lsp.document import Document
from fz_lsp.edits import apply_client_edits, apply_edits
from fz_lsp.model import Span

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.filterwarnings("ignore:The test <Function .* is marked with '@pytest.mark.asyncio'"),
]

GITOPS = read_exact(CORPUS / "gitops-deployment.fz")
AUTH = read_exact(CORPUS / "skill-ref-auth-three-lane-loop-spaced.fz")
TRUNCATED_AUTH = read_exact(CORPUS / "truncated" / "fr-authentication-flow-workflow.fz.partial")


def renamed(text: str, line: int, col: int, new: str) -> str:
    doc = Document(text)
    return apply_edits(text, rename.rename(doc.model, line, col, new))


def swap_lines(text: str, changes: dict[int, tuple[str, str]]) -> str:
    """`text` with, on each given line, `old` replaced by `new` exactly once."""
    lines = text.split("\n")
    for i, (old, new) in changes.items():
        assert lines[i].count(old) == 1, (i, lines[i], old)
        lines[i] = lines[i].replace(old, new)
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# unit


@pytest.mark.parametrize("pos", [(11, 0), (11, 2), (8, 26), (8, 27), (15, 1)])
def test_rename_n5_in_gitops_edits_exactly_three_tokens(pos):
    doc = Document(GITOPS)
    edits = rename.rename(doc.model, *pos, "n20")
    assert [(e.region.start_line, e.region.start_col, e.region.end_line, e.region.end_col, e.new_text) for e in edits] == [
        (8, 26, 8, 28, "n20"),
        (11, 0, 11, 2, "n20"),
        (15, 0, 15, 2, "n20"),
    ]
    expected = swap_lines(
        GITOPS,
        {
            8: ("CICD.n5.", "CICD.n20."),
            11: ("n5: ", "n20: "),
            15: ("n5.handle(right)", "n20.handle(right)"),
        },
    )
    assert apply_edits(GITOPS, edits) == expected


def test_rename_lane_edits_header_and_every_prefix():
    expected = swap_lines(GITOPS, {8: ("CICD.n5", "Pipeline.n5"), 10: ("CICD {", "Pipeline {")})
    assert renamed(GITOPS, 10, 1, "Pipeline") == expected
    assert renamed(GITOPS, 8, 23, "Pipeline") == expected  # from the prefix


def test_rename_reaches_loop_members_and_prefixed_references_in_other_lanes():
    expected = swap_lines(
        AUTH,
        {
            2: ("n2:", "step2:"),
            6: ("n2.handle", "step2.handle"),
            7: ("n2.handle", "step2.handle"),
            10: (" n2 ", " step2 "),
            23: ("User.n2.", "User.step2."),
        },
    )
    assert renamed(AUTH, 23, 24, "step2") == expected


def test_prepare_rename():
    m = Document(GITOPS).model
    assert rename.prepare_rename(m, 8, 27) == (Span(8, 26, 28), "n5")
    assert rename.prepare_rename(m, 8, 22) == (Span(8, 21, 25), "CICD")
    assert rename.prepare_rename(m, 0, 3) == (Span(0, 0, 9), "Developer")
    assert rename.prepare_rename(m, 8, 12) is None  # handle direction
    assert rename.prepare_rename(m, 1, 8) is None  # shape
    assert rename.prepare_rename(m, 1, 25) is None  # label text
    assert rename.prepare_rename(m, 9, 0) is None  # `}`
    assert rename.prepare_rename(m, 8, 999) is None
    assert rename.prepare_rename(Document("").model, 0, 0) is None


@pytest.mark.parametrize(
    "new, message",
    [
        ("9lives", "not a valid id"),
        ("n-1", "not a valid id"),
        ("", "not a valid id"),
        ("n 7", "not a valid id"),
        ("CICD.n5", "not a valid id"),
        ("loop", "reserved word"),
        ("handle", "reserved word"),
        ("n6", "A node `n6` already exists (line 13 in lane `CICD`)"),
        ("n19", "A node `n19` already exists"),
    ],
)
def test_bad_node_names_are_refused(new, message):
    m = Document(GITOPS).model
    with pytest.raises(rename.RenameError, match=None) as err:
        rename.rename(m, 11, 0, new)
    assert message in str(err.value)


def test_bad_lane_names_are_refused():
    m = Document(GITOPS).model
    with pytest.raises(rename.RenameError) as err:
        rename.rename(m, 10, 0, "GitOps")
    assert str(err.value) == "A lane `GitOps` already exists (line 21)"
    with pytest.raises(rename.RenameError) as err:
        rename.rename(m, 10, 0, "participant")  # `participant {` reads as PlantUML
    assert "line 11 would no longer read as the same statement" in str(err.value)
    with pytest.raises(rename.RenameError):
        rename.rename(m, 8, 12, "left")  # nothing renameable there


def test_same_name_and_other_namespace():
    m = Document(GITOPS).model
    assert rename.rename(m, 11, 0, "n5") == []
    # node ids and lane ids are separate namespaces: a node may be renamed to a lane's name
    out = apply_edits(GITOPS, rename.rename(m, 11, 0, "CICD"))
    assert "CICD.CICD.handle(top)" in out and "\nCICD: rectangle" in out


def test_rename_in_truncated_file_includes_broken_line_lead():
    # n17: declared line 38, referenced line 41, and the broken last line `n17.ha`
    expected = swap_lines(
        TRUNCATED_AUTH,
        {38: ("n17:", "n21:"), 41: ("-> n17.", "-> n21."), 42: ("n17.ha", "n21.ha")},
    )
    assert renamed(TRUNCATED_AUTH, 38, 1, "n21") == expected


def test_rename_when_the_declaration_is_broken_renames_references_by_name():
    text = (
        "A { # A\n"
        'n1: circle label:"x"\n'
        'n2: rectangle label:"unterminated\n'
        "n1.handle(right) -> n2.handle(left)\n"
        "loop [x] n1 n2\n"
        "}\n"
        "B { # B\n"
        "n3: circle label:\"y\"\n"
        "n3.handle(top) -> A.n2.handle(bottom)\n"
        "}\n"
    )
    expected = swap_lines(
        text,
        {2: ("n2:", "n9:"), 3: ("-> n2.", "-> n9."), 4: (" n2", " n9"), 8: ("A.n2.", "A.n9.")},
    )
    assert renamed(text, 3, 21, "n9") == expected


def test_rename_undefined_lane_prefix_and_undefined_node():
    text = "A { # A\nn1: circle label:\"x\"\nn1.handle(right) -> Nowhere.n7.handle(left)\nloop [x] n1 n7\n}\n"
    assert renamed(text, 2, 22, "B") == text.replace("Nowhere.", "B.")
    assert renamed(text, 2, 29, "n2") == text.replace("n7", "n2")


@pytest.mark.parametrize("path", corpus_files() + sorted((CORPUS / "truncated").glob("*.partial")), ids=lambda p: p.name)
def test_renaming_every_node_and_lane_keeps_the_graph(path):
    text = read_exact(path)
    doc = Document(text)
    m = doc.model
    for node in m.nodes:
        new = node.id + "_x"
        out = apply_edits(text, rename.rename(m, node.line, node.span.start, new))
        after = Document(out).model
        before_edges = [(e.source.name, e.target.name, e.source.prefix, e.target.prefix) for e in m.edges]
        rn = lambda name: new if name == node.id else name  # noqa: E731
        assert [(e.source.name, e.target.name, e.source.prefix, e.target.prefix) for e in after.edges] == [
            (rn(a), rn(b), p, q) for a, b, p, q in before_edges
        ]
        assert [n.id for n in after.nodes] == [rn(n.id) for n in m.nodes]
        assert [[r.name for r in lp.members] for lp in after.loops] == [[rn(r.name) for r in lp.members] for lp in m.loops]
    for lane in m.lanes:
        new = lane.id + "Z"
        out = apply_edits(text, rename.rename(m, lane.header_line, lane.id_span.start, new))
        after = Document(out).model
        assert [l.id for l in after.lanes] == [new if l.id == lane.id else l.id for l in m.lanes]
        assert [r.prefix for r in after.refs] == [new if r.prefix == lane.id else r.prefix for r in m.refs]
        assert [r.name for r in after.refs] == [r.name for r in m.refs]


# ---------------------------------------------------------------------------
# end to end


def params(uri: str, line: int, col: int, new: str) -> types.RenameParams:
    return types.RenameParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line, col), new_name=new
    )


def wire(value):
    """A protocol value as JSON data, for exact comparisons (lists, not tuples)."""
    return get_converter().unstructure(value)


def client_edits(edits) -> list[tuple]:
    return [(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character, e.new_text) for e in edits]


ACCEPTANCE_EDITS = [
    types.TextEdit(range=R(8, 26, 8, 28), new_text="n20"),
    types.TextEdit(range=R(11, 0, 11, 2), new_text="n20"),
    types.TextEdit(range=R(15, 0, 15, 2), new_text="n20"),
]


async def test_e2e_rename_n5_acceptance_changes(client, session):
    uri = await session.open(GITOPS, "rename")
    result = await client.text_document_rename_async(params(uri, 11, 1, "n20"))
    assert wire(result) == wire(types.WorkspaceEdit(changes={uri: ACCEPTANCE_EDITS}))
    out = apply_client_edits(GITOPS, client_edits(result.changes[uri]))
    assert out == swap_lines(
        GITOPS, {8: ("CICD.n5.", "CICD.n20."), 11: ("n5: ", "n20: "), 15: ("n5.handle(", "n20.handle(")}
    )


async def test_e2e_rename_lane(client, session):
    uri = await session.open(GITOPS, "rename")
    result = await client.text_document_rename_async(params(uri, 8, 22, "Pipeline"))
    assert wire(result) == wire(types.WorkspaceEdit(
        changes={
            uri: [
                types.TextEdit(range=R(8, 21, 8, 25), new_text="Pipeline"),
                types.TextEdit(range=R(10, 0, 10, 4), new_text="Pipeline"),
            ]
        }
    ))


async def test_e2e_prepare_rename(client, session):
    uri = await session.open(GITOPS, "rename")
    doc = types.TextDocumentIdentifier(uri=uri)
    result = await client.text_document_prepare_rename_async(
        types.PrepareRenameParams(text_document=doc, position=types.Position(8, 27))
    )
    assert result == types.PrepareRenamePlaceholder(range=R(8, 26, 8, 28), placeholder="n5")
    result = await client.text_document_prepare_rename_async(
        types.PrepareRenameParams(text_document=doc, position=types.Position(8, 12))
    )
    assert result is None


@pytest.mark.parametrize(
    "new, message",
    [
        ("n6", "A node `n6` already exists (line 13 in lane `CICD`); node ids must be unique"),
        ("loop", "`loop` is a reserved word in FlowZap Code and cannot be used as an id"),
        ("2x", "`2x` is not a valid id"),
    ],
)
async def test_e2e_refused_rename_is_an_error_response(client, session, new, message):
    uri = await session.open(GITOPS, "rename")
    with pytest.raises(JsonRpcException) as err:
        await client.text_document_rename_async(params(uri, 11, 0, new))
    assert err.value.code == types.LSPErrorCodes.RequestFailed.value
    assert err.value.message.startswith(message)
    # the server is still answering
    result = await client.text_document_rename_async(params(uri, 11, 0, "n20"))
    assert wire(result.changes[uri]) == wire(ACCEPTANCE_EDITS)


async def test_e2e_rename_nothing_at_position_is_an_error(client, session):
    uri = await session.open(GITOPS, "rename")
    with pytest.raises(JsonRpcException) as err:
        await client.text_document_rename_async(params(uri, 1, 8, "x"))
    assert "Only node ids and lane ids can be renamed" in err.value.message


async def test_e2e_rename_in_truncated_file(client, session):
    uri = await session.open(TRUNCATED_AUTH, "rename")
    result = await client.text_document_rename_async(params(uri, 41, 22, "n21"))
    assert wire(result.changes[uri]) == wire([
        types.TextEdit(range=R(38, 0, 38, 3), new_text="n21"),
        types.TextEdit(range=R(41, 21, 41, 24), new_text="n21"),
        types.TextEdit(range=R(42, 0, 42, 3), new_text="n21"),
    ])


async def test_e2e_rename_positions_are_utf16(client, session):
    text = 'Fun { # Fun\nn1: circle label:"a"\nn2: circle label:"b"\nloop [🎉 again] n1 n2\n}\n'
    uri = await session.open(text, "rename")
    # `loop [🎉 again] n1 n2`: n1 is at code points 15..17, UTF-16 16..18
    result = await client.text_document_rename_async(params(uri, 3, 18, "n3"))
    assert wire(result.changes[uri]) == wire([
        types.TextEdit(range=R(1, 0, 1, 2), new_text="n3"),
        types.TextEdit(range=R(3, 16, 3, 18), new_text="n3"),
    ])
    assert apply_client_edits(text, client_edits(result.changes[uri])) == text.replace("n1", "n3")


# a client announcing workspaceEdit.documentChanges and prepareSupport


def dc_initialize_params() -> types.InitializeParams:
    p = initialize_params()
    p.capabilities.workspace.workspace_edit = types.WorkspaceEditClientCapabilities(document_changes=True)
    p.capabilities.text_document.rename = types.RenameClientCapabilities(prepare_support=True)
    return p


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER_COMMAND, server_env=SERVER_ENV))
async def dc_client(lsp_client: LanguageClient):
    result = await lsp_client.initialize_session(dc_initialize_params())
    assert result.capabilities.rename_provider == types.RenameOptions(prepare_provider=True)
    yield
    await lsp_client.shutdown_session()


async def test_e2e_rename_document_changes_carry_the_version(dc_client):
    s = Session(dc_client)
    uri = await s.open(GITOPS, "rename-dc")
    result = await dc_client.text_document_rename_async(params(uri, 15, 0, "n20"))
    assert wire(result) == wire(types.WorkspaceEdit(
        document_changes=[
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=1),
                edits=ACCEPTANCE_EDITS,
            )
        ]
    ))
    # after an edit (a blank line inserted at the top) the version and lines follow
    await s.change(uri, 2, (0, 0), (0, 0), "\n")
    result = await dc_client.text_document_rename_async(params(uri, 16, 0, "n20"))
    (change,) = result.document_changes
    assert change.text_document.version == 2
    assert [e.range.start.line for e in change.edits] == [9, 12, 16]
