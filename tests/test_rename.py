"""Rename across lanes: unit tests on fz_lsp/rename.py and end-to-end through the server."""

from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types
from lsprotocol.converters import get_converter
from pygls.exceptions import JsonRpcException
from pytest_lsp import ClientServerConfig, LanguageClient

from fz_lsp.analysis.document import Document
from fz_lsp.analysis.edits import apply_client_edits, apply_edits
from fz_lsp.features import rename
from fz_lsp.model import Span
from support.commands import SERVER_COMMAND, SERVER_ENV
from support.edit_properties import assert_renaming_keeps_the_graph
from support.lsp import R, Session, initialize_params
from support.paths import FIXTURES, fixture_files, read_exact

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.filterwarnings("ignore:The test <Function .* is marked with '@pytest.mark.asyncio'"),
]

# line 8: `n3.handle(bottom) -> Catalog.n6.handle(top) [label="Hold request"]`; n6 is declared on
# line 12 and is the source of line 15; `Catalog.` also prefixes line 30
LIBRARY = read_exact(FIXTURES / "library-hold.fz")
REVIEW = read_exact(FIXTURES / "peer-review-loop-across-lanes.fz")
TRUNCATED_TRIAGE = read_exact(FIXTURES / "truncated" / "er-triage-cut-mid-handle.fz.partial")


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


@pytest.mark.parametrize("pos", [(12, 0), (12, 2), (8, 29), (8, 30), (15, 1)])
def test_rename_n6_in_the_library_edits_exactly_three_tokens(pos):
    doc = Document(LIBRARY)
    edits = rename.rename(doc.model, *pos, "n19")
    assert [
        (e.region.start_line, e.region.start_col, e.region.end_line, e.region.end_col, e.new_text) for e in edits
    ] == [
        (8, 29, 8, 31, "n19"),
        (12, 0, 12, 2, "n19"),
        (15, 0, 15, 2, "n19"),
    ]
    expected = swap_lines(
        LIBRARY,
        {
            8: ("Catalog.n6.", "Catalog.n19."),
            12: ("n6: ", "n19: "),
            15: ("n6.handle(right)", "n19.handle(right)"),
        },
    )
    assert apply_edits(LIBRARY, edits) == expected


def test_rename_lane_edits_header_and_every_prefix():
    expected = swap_lines(
        LIBRARY, {8: ("Catalog.n6", "Records.n6"), 11: ("Catalog {", "Records {"), 30: ("Catalog.n8", "Records.n8")}
    )
    assert renamed(LIBRARY, 11, 1, "Records") == expected
    assert renamed(LIBRARY, 8, 23, "Records") == expected  # from the prefix
    assert renamed(LIBRARY, 30, 20, "Records") == expected  # from the prefix in another lane


def test_rename_reaches_loop_members_and_prefixed_references_in_other_lanes():
    # n3: declared in Author, source of line 7, a member of the loop on line 8 (whose other
    # members live in two other lanes), and `Author.n3` in the Editor lane
    expected = swap_lines(
        REVIEW,
        {
            3: ("n3:", "step3:"),
            7: ("n3.handle", "step3.handle"),
            8: (" n3 ", " step3 "),
            19: ("Author.n3.", "Author.step3."),
        },
    )
    assert renamed(REVIEW, 19, 27, "step3") == expected


def test_prepare_rename():
    m = Document(LIBRARY).model
    assert rename.prepare_rename(m, 8, 30) == (Span(8, 29, 31), "n6")
    assert rename.prepare_rename(m, 8, 22) == (Span(8, 21, 28), "Catalog")
    assert rename.prepare_rename(m, 0, 3) == (Span(0, 0, 6), "Patron")
    assert rename.prepare_rename(m, 8, 12) is None  # handle direction
    assert rename.prepare_rename(m, 1, 8) is None  # shape
    assert rename.prepare_rename(m, 1, 25) is None  # label text
    assert rename.prepare_rename(m, 10, 0) is None  # `}`
    assert rename.prepare_rename(m, 8, 999) is None
    assert rename.prepare_rename(Document("").model, 0, 0) is None


@pytest.mark.parametrize(
    "new, message",
    [
        ("9lives", "not a valid id"),
        ("n-1", "not a valid id"),
        ("", "not a valid id"),
        ("n 7", "not a valid id"),
        ("Catalog.n6", "not a valid id"),
        ("loop", "reserved word"),
        ("handle", "reserved word"),
        ("n7", "A node `n7` already exists (line 14 in lane `Catalog`)"),
        ("n18", "A node `n18` already exists"),
    ],
)
def test_bad_node_names_are_refused(new, message):
    m = Document(LIBRARY).model
    with pytest.raises(rename.RenameError, match=None) as err:
        rename.rename(m, 12, 0, new)
    assert message in str(err.value)


def test_bad_lane_names_are_refused():
    m = Document(LIBRARY).model
    with pytest.raises(rename.RenameError) as err:
        rename.rename(m, 11, 0, "Stacks")
    assert str(err.value) == "A lane `Stacks` already exists (line 21)"
    with pytest.raises(rename.RenameError) as err:
        rename.rename(m, 11, 0, "participant")  # `participant {` reads as PlantUML
    assert "line 12 would no longer read as the same statement" in str(err.value)
    with pytest.raises(rename.RenameError):
        rename.rename(m, 8, 12, "left")  # nothing renameable there


def test_same_name_and_other_namespace():
    m = Document(LIBRARY).model
    assert rename.rename(m, 12, 0, "n6") == []
    # node ids and lane ids are separate namespaces: a node may be renamed to a lane's name
    out = apply_edits(LIBRARY, rename.rename(m, 12, 0, "Catalog"))
    assert "Catalog.Catalog.handle(top)" in out and "\nCatalog: rectangle" in out


def test_rename_in_truncated_file_includes_broken_line_lead():
    # n14: declared line 27, referenced lines 30 and 32, and the broken last line `n14.ha`
    expected = swap_lines(
        TRUNCATED_TRIAGE,
        {27: ("n14:", "n21:"), 30: ("-> n14.", "-> n21."), 32: ("-> n14.", "-> n21."), 33: ("n14.ha", "n21.ha")},
    )
    assert renamed(TRUNCATED_TRIAGE, 27, 1, "n21") == expected


def test_rename_when_the_declaration_is_broken_renames_references_by_name():
    text = (
        "A { # A\n"
        'n1: circle label:"x"\n'
        'n2: rectangle label:"unterminated\n'
        "n1.handle(right) -> n2.handle(left)\n"
        "loop [x] n1 n2\n"
        "}\n"
        "B { # B\n"
        'n3: circle label:"y"\n'
        "n3.handle(top) -> A.n2.handle(bottom)\n"
        "}\n"
    )
    expected = swap_lines(
        text,
        {2: ("n2:", "n9:"), 3: ("-> n2.", "-> n9."), 4: (" n2", " n9"), 8: ("A.n2.", "A.n9.")},
    )
    assert renamed(text, 3, 21, "n9") == expected


def test_rename_undefined_lane_prefix_and_undefined_node():
    text = 'A { # A\nn1: circle label:"x"\nn1.handle(right) -> Nowhere.n7.handle(left)\nloop [x] n1 n7\n}\n'
    assert renamed(text, 2, 22, "B") == text.replace("Nowhere.", "B.")
    assert renamed(text, 2, 29, "n2") == text.replace("n7", "n2")


@pytest.mark.parametrize("path", fixture_files("*.fz") + fixture_files("truncated/*.partial"), ids=lambda p: p.name)
def test_renaming_every_node_and_lane_keeps_the_graph(path):
    assert_renaming_keeps_the_graph(read_exact(path))


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
    return [
        (e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character, e.new_text)
        for e in edits
    ]


ACCEPTANCE_EDITS = [
    types.TextEdit(range=R(8, 29, 8, 31), new_text="n19"),
    types.TextEdit(range=R(12, 0, 12, 2), new_text="n19"),
    types.TextEdit(range=R(15, 0, 15, 2), new_text="n19"),
]


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
async def test_e2e_rename_n6_acceptance_changes(client, session):
    uri = await session.open(LIBRARY, "rename")
    result = await client.text_document_rename_async(params(uri, 12, 1, "n19"))
    assert wire(result) == wire(types.WorkspaceEdit(changes={uri: ACCEPTANCE_EDITS}))
    out = apply_client_edits(LIBRARY, client_edits(result.changes[uri]))
    assert out == swap_lines(
        LIBRARY, {8: ("Catalog.n6.", "Catalog.n19."), 12: ("n6: ", "n19: "), 15: ("n6.handle(", "n19.handle(")}
    )


async def test_e2e_rename_lane(client, session):
    uri = await session.open(LIBRARY, "rename")
    result = await client.text_document_rename_async(params(uri, 8, 22, "Records"))
    assert wire(result) == wire(
        types.WorkspaceEdit(
            changes={
                uri: [
                    types.TextEdit(range=R(8, 21, 8, 28), new_text="Records"),
                    types.TextEdit(range=R(11, 0, 11, 7), new_text="Records"),
                    types.TextEdit(range=R(30, 19, 30, 26), new_text="Records"),
                ]
            }
        )
    )


async def test_e2e_prepare_rename(client, session):
    uri = await session.open(LIBRARY, "rename")
    doc = types.TextDocumentIdentifier(uri=uri)
    result = await client.text_document_prepare_rename_async(
        types.PrepareRenameParams(text_document=doc, position=types.Position(8, 30))
    )
    assert result == types.PrepareRenamePlaceholder(range=R(8, 29, 8, 31), placeholder="n6")
    result = await client.text_document_prepare_rename_async(
        types.PrepareRenameParams(text_document=doc, position=types.Position(8, 12))
    )
    assert result is None


@pytest.mark.parametrize(
    "new, message",
    [
        ("n7", "A node `n7` already exists (line 14 in lane `Catalog`); node ids must be unique"),
        ("loop", "`loop` is a reserved word in FlowZap Code and cannot be used as an id"),
        ("2x", "`2x` is not a valid id"),
    ],
)
async def test_e2e_refused_rename_is_an_error_response(client, session, new, message):
    uri = await session.open(LIBRARY, "rename")
    with pytest.raises(JsonRpcException) as err:
        await client.text_document_rename_async(params(uri, 12, 0, new))
    assert err.value.code == types.LSPErrorCodes.RequestFailed.value
    assert err.value.message.startswith(message)
    # the server is still answering
    result = await client.text_document_rename_async(params(uri, 12, 0, "n19"))
    assert wire(result.changes[uri]) == wire(ACCEPTANCE_EDITS)


async def test_e2e_rename_nothing_at_position_is_an_error(client, session):
    uri = await session.open(LIBRARY, "rename")
    with pytest.raises(JsonRpcException) as err:
        await client.text_document_rename_async(params(uri, 1, 8, "x"))
    assert "Only node ids and lane ids can be renamed" in err.value.message


async def test_e2e_rename_in_truncated_file(client, session):
    uri = await session.open(TRUNCATED_TRIAGE, "rename")
    result = await client.text_document_rename_async(params(uri, 32, 22, "n21"))  # `-> n14.` before the cut
    assert wire(result.changes[uri]) == wire(
        [
            types.TextEdit(range=R(27, 0, 27, 3), new_text="n21"),
            types.TextEdit(range=R(30, 22, 30, 25), new_text="n21"),
            types.TextEdit(range=R(32, 21, 32, 24), new_text="n21"),
            types.TextEdit(range=R(33, 0, 33, 3), new_text="n21"),  # the cut line `n14.ha`
        ]
    )


async def test_e2e_rename_positions_are_utf16(client, session):
    text = 'Fun { # Fun\nn1: circle label:"a"\nn2: circle label:"b"\nloop [🎉 again] n1 n2\n}\n'
    uri = await session.open(text, "rename")
    # `loop [🎉 again] n1 n2`: n1 is at code points 15..17, UTF-16 16..18
    result = await client.text_document_rename_async(params(uri, 3, 18, "n3"))
    assert wire(result.changes[uri]) == wire(
        [
            types.TextEdit(range=R(1, 0, 1, 2), new_text="n3"),
            types.TextEdit(range=R(3, 16, 3, 18), new_text="n3"),
        ]
    )
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


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
async def test_e2e_rename_document_changes_carry_the_version(dc_client):
    s = Session(dc_client)
    uri = await s.open(LIBRARY, "rename-dc")
    result = await dc_client.text_document_rename_async(params(uri, 15, 0, "n19"))
    assert wire(result) == wire(
        types.WorkspaceEdit(
            document_changes=[
                types.TextDocumentEdit(
                    text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=1),
                    edits=ACCEPTANCE_EDITS,
                )
            ]
        )
    )
    # after an edit (a blank line inserted at the top) the version and lines follow
    await s.change(uri, 2, (0, 0), (0, 0), "\n")
    result = await dc_client.text_document_rename_async(params(uri, 16, 0, "n19"))
    (change,) = result.document_changes
    assert change.text_document.version == 2
    assert [e.range.start.line for e in change.edits] == [9, 13, 16]
