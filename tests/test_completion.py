"""Completion: unit tests of fz_lsp/completion.py and end-to-end tests through a real server.

The end-to-end tests run two servers: `client` (overriding conftest's) declares snippet
support, as editors do; `plain_client` declares none and must get plain-text items.
"""

from __future__ import annotations

import pytest
import pytest_lsp
from hypothesis import given, settings, strategies as st
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from fz_lsp.analysis.document import Document
from fz_lsp.features.completion import MAX_NODE_ITEMS, complete, completions, next_free_id, node_sort_key
from fz_lsp.model import Span
from fz_lsp.syntax.vocabulary import SHAPE_DESCRIPTIONS
from support.commands import SERVER_COMMAND, SERVER_ENV
from support.lsp import R, Session, initialize_params
from support.paths import FIXTURES, fixture_files, read_exact

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.filterwarnings("ignore:The test <Function .* is marked with '@pytest.mark.asyncio'"),
]

# line 8: `n3.handle(bottom) -> Catalog.n6.handle(top) [label="Hold request"]`
LIBRARY = read_exact(FIXTURES / "library-hold.fz")
TRUNCATED = FIXTURES / "truncated"
CATALOG_LABELS = ["Record the hold", "Copy on shelf?", "Join the waiting list"]


def with_line(text: str, index: int, new: str) -> str:
    lines = text.split("\n")
    lines[index] = new
    return "\n".join(lines)


def at_end(text: str, line: int, **kw):
    doc = Document(text)
    return complete(doc, line, len(doc.lines[line]), **kw)


def labels(items) -> list[str]:
    return [i.label for i in items]


# ---------------------------------------------------------------------------
# unit: edge targets


def test_after_lane_prefix_lists_exactly_that_lanes_nodes_while_the_line_is_broken():
    text = with_line(LIBRARY, 8, "n3.handle(bottom) -> Catalog.")
    doc = Document(text)
    assert type(doc.statements[8]).__name__ == "Broken"
    items = complete(doc, 8, 29)
    assert labels(items) == ["n6", "n7", "n8"]
    assert [i.detail for i in items] == CATALOG_LABELS
    assert all(i.replace == Span(8, 29, 29) for i in items)
    assert items[0].insert_text == "n6.handle($1)" and items[0].snippet and items[0].retrigger
    assert items[0].documentation == "`rectangle` · lane **Catalog/ILS \\(Koha\\)** (`Catalog`)"


def test_lane_nodes_are_in_numeric_id_order():
    text = (
        "A { # A\n"
        'n10: circle label:"ten"\n'
        'n2: circle label:"two"\n'
        'n1: circle label:"one"\n'
        "}\n"
        "B { # B\n"
        'n3: circle label:"x"\n'
        "n3.handle(right) -> A.\n"
        "}"
    )
    assert labels(at_end(text, 7)) == ["n1", "n2", "n10"]
    assert sorted(["n10", "n9", "n1", "x", "n100"], key=node_sort_key) == ["n1", "n9", "n10", "n100", "x"]


def test_partial_node_id_after_prefix_is_replaced():
    text = with_line(LIBRARY, 8, "n3.handle(bottom) -> Catalog.n")
    items = at_end(text, 8)
    assert labels(items) == ["n6", "n7", "n8"]
    assert items[0].replace == Span(8, 29, 30)


def test_node_completion_before_an_existing_handle_inserts_only_the_id():
    # cursor right after `Catalog.` on the intact line: the whole `n6` is replaced, `.handle` stays
    items = complete(Document(LIBRARY), 8, 29)
    assert labels(items) == ["n6", "n7", "n8"]
    assert items[1].insert_text == "n7" and not items[1].snippet and not items[1].retrigger
    assert items[1].replace == Span(8, 29, 31)


def test_target_position_offers_same_lane_nodes_then_other_lanes():
    text = with_line(LIBRARY, 8, "n3.handle(bottom) -> ")
    items = at_end(text, 8)
    assert labels(items) == ["n1", "n2", "n3", "n4", "n5", "Catalog.", "Stacks.", "Desk."]
    lanes = items[5:]
    assert [i.detail for i in lanes] == ["Catalog/ILS (Koha)", "Stacks & Shelving", "Circulation Desk"]
    assert [i.insert_text for i in lanes] == ["Catalog.", "Stacks.", "Desk."]
    assert all(i.retrigger and i.kind == "lane" for i in lanes)
    assert items[0].insert_text == "n1.handle($1)"


def test_target_prefix_partially_typed_is_replaced_whole():
    text = with_line(LIBRARY, 8, "n3.handle(bottom) -> Ca")
    items = at_end(text, 8)
    assert all(i.replace == Span(8, 21, 23) for i in items)
    assert "Catalog." in labels(items)


def test_handle_after_node_and_after_prefixed_target():
    items = at_end(with_line(LIBRARY, 8, "n3."), 8)
    assert labels(items) == ["handle"]
    assert items[0].insert_text == "handle($1)" and items[0].snippet and items[0].retrigger
    assert labels(at_end(with_line(LIBRARY, 8, "n3.handle(bottom) -> Catalog.n6."), 8)) == ["handle"]
    assert labels(at_end(with_line(LIBRARY, 8, "n3.handle(bottom) -> n2."), 8)) == ["handle"]
    # a lane id at the source position is not a node: nothing
    assert at_end(with_line(LIBRARY, 8, "Patron."), 8) == []


def test_directions_inside_handle():
    items = at_end(with_line(LIBRARY, 8, "n3.handle("), 8)
    assert labels(items) == ["left", "right", "top", "bottom"]
    assert [i.insert_text for i in items] == ["left)", "right)", "top)", "bottom)"]
    assert items[3].detail == "the middle of its bottom side"
    # mid-line with `)` already there: replace the word only
    items = complete(Document(LIBRARY), 8, 40)
    assert items[0].replace == Span(8, 39, 42) and items[0].insert_text == "left"
    assert "enters the target" in items[0].documentation


def test_arrow_after_a_complete_source():
    items = at_end(with_line(LIBRARY, 8, "n3.handle(bottom) "), 8)
    assert [(i.label, i.insert_text, i.retrigger) for i in items] == [("->", "-> ", True)]


# ---------------------------------------------------------------------------
# unit: edge labels


def test_edge_label_after_target_and_inside_brackets():
    items = at_end(with_line(LIBRARY, 8, "n3.handle(bottom) -> Catalog.n6.handle(top) "), 8)
    assert [(i.label, i.insert_text, i.snippet) for i in items] == [('[label="…"]', '[label="$1"]', True)]
    items = at_end(with_line(LIBRARY, 8, "n3.handle(bottom) -> Catalog.n6.handle(top) ["), 8)
    assert [(i.label, i.insert_text, i.replace) for i in items] == [("label", 'label="$1"', Span(8, 45, 45))]
    assert at_end(with_line(LIBRARY, 8, 'n3.handle(bottom) -> Catalog.n6.handle(top) [label="x" '), 8) == []
    # an existing bracket after the cursor: no second one
    assert complete(Document(LIBRARY), 8, 44) == []


# ---------------------------------------------------------------------------
# unit: node declarations


def test_shapes_after_colon():
    items = at_end(with_line(LIBRARY, 8, "n19: "), 8)
    assert labels(items) == ["circle", "rectangle", "diamond", "taskbox"]
    assert [i.detail for i in items] == [SHAPE_DESCRIPTIONS[s] for s in labels(items)]
    assert items[1].insert_text == "rectangle" and items[1].replace == Span(8, 5, 5)
    # right after the colon (the `:` trigger): a space is inserted too
    items = at_end(with_line(LIBRARY, 8, "n19:"), 8)
    assert items[0].insert_text == " circle" and items[0].filter_text == "circle"
    items = at_end(with_line(LIBRARY, 8, "n19: rect"), 8)
    assert items[1].replace == Span(8, 5, 9)


def test_attributes_not_yet_used_with_cursor_inside_quotes():
    items = at_end(with_line(LIBRARY, 8, "n19: rectangle "), 8)
    assert labels(items) == ["label", "owner", "description", "system"]
    assert items[0].insert_text == 'label:"$1"' and items[0].snippet
    items = at_end(with_line(LIBRARY, 8, 'n19: rectangle label:"x y" '), 8)
    assert labels(items) == ["owner", "description", "system"]
    items = at_end(with_line(LIBRARY, 8, 'n19: taskbox owner:"Al" '), 8)
    assert labels(items) == ["description", "system", "label"]
    # keys written after the cursor count as used
    doc = Document(with_line(LIBRARY, 8, 'n19: rectangle  label:"x"'))
    assert labels(complete(doc, 8, 15)) == ["owner", "description", "system"]


def test_nothing_inside_strings_labels_and_comments():
    assert at_end(with_line(LIBRARY, 8, 'n19: rectangle label:"Pull '), 8) == []
    assert complete(Document(LIBRARY), 11, 12) == []  # inside `# Catalog/ILS (Koha)`
    assert at_end(with_line(LIBRARY, 8, "// n3.handle("), 8) == []
    assert at_end(with_line(LIBRARY, 8, "loop [until n"), 8) == []


def test_the_context_is_read_from_the_lexer_s_tokens():
    """Completion reads the line through syntax/lexer.py: a comment runs to the end of the
    line, a word is one token, a string after the cursor names no loop member."""
    base = "A { # A\nn1: circle\nn2: circle\nn3: rectangle\nX\n}"
    assert at_end(base.replace("X", "n1 // x.handle("), 4) == []
    assert at_end(base.replace("X", 'n4: rectanglelabel:"x" '), 4) == []
    assert at_end(base.replace("X", 'n4: rectangle label:"x" '), 4) != []
    doc = Document(base.replace("X", 'loop [c] n1  "n2"'))
    assert labels(complete(doc, 4, 12)) == ["n2", "n3"]


def test_what_a_version_s_requests_share_is_derived_once_and_follows_every_edit():
    """Sorted nodes, their details and the lanes' texts are kept in the document's `derived`
    for its version (fz_lsp/features/completion.py, _Kept): the next request on the same
    version reuses them; an edit, even one that keeps the model (typing in a label), gives
    fresh ones."""
    doc = Document(with_line(LIBRARY, 8, "n3.handle(bottom) -> Catalog."))
    first = complete(doc, 8, 29)
    kept = doc.derived["fz_lsp.features.completion"]
    assert labels(complete(doc, 8, 29)) == labels(first) == ["n6", "n7", "n8"]
    assert doc.derived["fz_lsp.features.completion"] is kept
    assert [i.detail for i in complete(doc, 8, 29)] == CATALOG_LABELS
    line = doc.lines[12]  # `n6: rectangle label:"Record the hold"`
    col = line.index("hold")
    doc.replace((12, col), (12, col + 4), "loan")
    assert doc.in_place_edits == 1  # the model was kept
    assert [i.detail for i in complete(doc, 8, 29)] == ["Record the loan", *CATALOG_LABELS[1:]]
    assert doc.derived["fz_lsp.features.completion"] is not kept
    # the next free id follows a declaration added
    text = with_line(LIBRARY, 8, "")
    doc = Document(text)
    assert labels(complete(doc, 8, 0))[0] == "n19:"
    doc.replace((8, 0), (8, 0), 'n19: circle label:"x"')
    doc.replace((9, 0), (9, 0), "\n")
    assert labels(complete(doc, 9, 0))[0] == "n20:"


# ---------------------------------------------------------------------------
# unit: line starts, loops


def test_line_start_inside_a_lane():
    text = with_line(LIBRARY, 8, "")
    items = at_end(text, 8)
    assert labels(items) == [
        "n19:",
        "n1.handle(…) ->",
        "n2.handle(…) ->",
        "n3.handle(…) ->",
        "n4.handle(…) ->",
        "n5.handle(…) ->",
        "loop",
    ]
    assert items[0].insert_text == 'n19: ${1|rectangle,circle,diamond,taskbox|} label:"$2"'
    assert items[1].insert_text == "n1.handle(${1|right,bottom,left,top|}) -> "
    assert items[1].filter_text == "n1" and items[1].detail == "Wants a book"
    assert items[6].insert_text == "loop [${1:condition}] $0"
    # a partial word is replaced
    items = at_end(with_line(LIBRARY, 8, "  n"), 8)
    assert items[0].replace == Span(8, 2, 3)


def test_next_free_id_is_the_first_gap():
    assert next_free_id(Document("A {\nn1: circle\nn3: circle\n}").model) == "n2"
    assert next_free_id(Document("A {\nn1: circle\nn2: circle\n}").model) == "n3"
    assert next_free_id(Document("").model) == "n1"
    # the template declares n1 and n2 and references n3 without declaring it: n3 is offered
    template = read_exact(FIXTURES / "template-known-errors.fz")
    assert next_free_id(Document(template).model) == "n3"


def test_line_start_at_top_level_offers_a_lane():
    assert Document(LIBRARY).lines[45:] == ["}", ""]
    items = at_end(LIBRARY, 46)  # the empty line after the last `}`
    assert [(i.label, i.insert_text) for i in items] == [("Lane { # Label }", "${1:Lane} { # ${2:Label}\n$0\n}")]
    items = at_end(LIBRARY + "Audit", 46)
    assert [(i.label, i.insert_text, i.replace) for i in items] == [
        ("Audit { # … }", "Audit { # ${1:Audit}\n$0\n}", Span(46, 0, 5))
    ]
    assert labels(complete(Document(""), 0, 0)) == ["Lane { # Label }"]


def test_line_start_with_text_after_the_cursor_offers_nothing():
    assert complete(Document(LIBRARY), 10, 0) == []  # before `}`


def test_loop_members_not_yet_in_the_loop():
    text = read_exact(FIXTURES / "kettle-single-lane-loop.fz")
    text = with_line(text, 6, "loop [until it boils] n1 ")
    items = at_end(text, 6)
    assert labels(items) == ["n2", "n3"]
    assert items[0].detail == "Boiling yet?" and items[0].insert_text == "n2"
    # same-lane nodes first, then the other lanes' nodes, each in id order
    review = read_exact(FIXTURES / "peer-review-loop-across-lanes.fz")
    review = with_line(review, 8, "loop [until the reviewers agree] n3 n5 ")
    assert labels(at_end(review, 8)) == ["n1", "n2", "n4", "n6", "n7", "n8", "n9", "n10", "n11"]


# ---------------------------------------------------------------------------
# unit: truncated files, plain text, robustness


def _big_lane(count: int, last_line: str) -> str:
    body = "".join(f'n{i}: rectangle label:"step {i}"\n' for i in range(1, count + 1))
    return "Big { # Big lane\n" + body + last_line + '\n}\nOther { # Other\nm1: circle label:"x"\n}\n'


def test_a_huge_lane_offers_at_most_max_node_items_and_says_the_list_is_incomplete():
    count = MAX_NODE_ITEMS * 3
    doc = Document(_big_lane(count, "n1.handle(right) -> "))
    line = count + 1
    found = completions(doc, line, len(doc.lines[line]))
    nodes = [i.label for i in found.items if i.kind == "node"]
    assert found.incomplete
    assert nodes == [f"n{k}" for k in range(1, MAX_NODE_ITEMS + 1)]
    assert [i.label for i in found.items if i.kind == "lane"] == ["Other."]  # lanes are never cut


def test_a_huge_lane_is_filtered_by_the_typed_prefix():
    count = MAX_NODE_ITEMS * 3
    doc = Document(_big_lane(count, "n1.handle(right) -> n29"))
    line = count + 1
    found = completions(doc, line, len(doc.lines[line]))
    # n29, n290..n299, n2900..n2999: 111 ids, all of them, so the answer is complete
    assert [i.label for i in found.items if i.kind == "node"] == ["n29"] + [f"n{k}" for k in range(290, 300)] + [
        f"n{k}" for k in range(2900, 3000)
    ]
    assert not found.incomplete


def test_a_lane_at_the_limit_is_complete():
    doc = Document(_big_lane(MAX_NODE_ITEMS, "n1.handle(right) -> "))
    found = completions(doc, MAX_NODE_ITEMS + 1, len("n1.handle(right) -> "))
    assert not found.incomplete and sum(i.kind == "node" for i in found.items) == MAX_NODE_ITEMS


def test_truncated_files_complete_at_the_cut():
    doc = Document(read_exact(TRUNCATED / "er-triage-cut-mid-handle.fz.partial"))
    last = len(doc.lines) - 1
    items = complete(doc, last, len(doc.lines[last]))  # `n14.ha`
    assert [(i.label, i.replace) for i in items] == [("handle", Span(last, 4, 6))]
    doc = Document(read_exact(TRUNCATED / "bike-share-cut-after-dot.fz.partial"))
    last = len(doc.lines) - 1
    assert labels(complete(doc, last, len(doc.lines[last]))) == ["handle"]  # `... -> n6.`
    doc = Document(read_exact(TRUNCATED / "field-trip-cut-after-shape.fz.partial"))
    last = len(doc.lines) - 1
    assert labels(complete(doc, last, len(doc.lines[last]))) == ["label", "owner", "description", "system"]
    doc = Document(read_exact(TRUNCATED / "parcel-cut-mid-string.fz.partial"))
    last = len(doc.lines) - 1
    assert complete(doc, last, len(doc.lines[last])) == []  # inside the cut string


def test_plain_text_items_for_clients_without_snippets():
    items = at_end(with_line(LIBRARY, 8, "n3.handle(bottom) -> Catalog."), 8, snippets=False)
    assert [(i.insert_text, i.snippet, i.retrigger) for i in items] == [(f"n{k}", False, False) for k in (6, 7, 8)]
    items = at_end(with_line(LIBRARY, 8, "n19: rectangle "), 8, snippets=False)
    assert items[0].insert_text == 'label:"' and not items[0].snippet
    items = at_end(with_line(LIBRARY, 8, ""), 8, snippets=False)
    assert [i.insert_text for i in items][:2] == ["n19: ", "n1.handle("]
    assert not any(i.snippet for i in items)


def test_positions_out_of_range_and_past_line_end():
    doc = Document(LIBRARY)
    assert complete(doc, 500, 0) == []
    assert complete(doc, -1, 0) == []
    assert complete(doc, 8, 10_000) == complete(doc, 8, len(doc.lines[8]))


def test_every_prefix_of_every_fixture_line_completes_without_error():
    for path in fixture_files("*.fz") + fixture_files("truncated/*.partial"):
        doc = Document(read_exact(path))
        for i, line in enumerate(doc.lines):
            for col in range(len(line) + 1):
                for item in complete(doc, i, col):
                    assert item.replace.line == i and item.replace.start <= col <= item.replace.end


FZ_PIECES = st.sampled_from(
    [
        "n1",
        "n12",
        "CICD",
        ".",
        "handle",
        "(",
        ")",
        "->",
        " ",
        ":",
        "=",
        '"',
        "[",
        "]",
        "{",
        "}",
        "#",
        "loop",
        "label",
        "rectangle",
        "x",
        "😀",
        "\t",
    ]
)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(FZ_PIECES, max_size=12).map("".join), min_size=1, max_size=6),
    st.integers(0, 5),
    st.integers(0, 40),
)
def test_random_input_never_crashes(lines, line, col):
    doc = Document('CICD { # c\nn5: circle label:"a"\n}\n' + "\n".join(lines))
    line = min(line + 3, len(doc.lines) - 1)
    for item in complete(doc, line, col):
        assert 0 <= item.replace.start <= item.replace.end <= len(doc.lines[line])


# ---------------------------------------------------------------------------
# end to end


def snippet_params() -> types.InitializeParams:
    params = initialize_params()
    params.capabilities.text_document.completion = types.CompletionClientCapabilities(
        completion_item=types.ClientCompletionItemOptions(
            snippet_support=True, documentation_format=[types.MarkupKind.Markdown, types.MarkupKind.PlainText]
        )
    )
    return params


CONFIG = ClientServerConfig(server_command=SERVER_COMMAND, server_env=SERVER_ENV)


SERVER_CAPABILITIES: list[types.ServerCapabilities] = []


@pytest_lsp.fixture(scope="module", config=CONFIG)
async def client(lsp_client: LanguageClient):
    result = await lsp_client.initialize_session(snippet_params())
    SERVER_CAPABILITIES.append(result.capabilities)
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(scope="module", config=CONFIG)
async def plain_client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(initialize_params())
    yield
    await lsp_client.shutdown_session()


async def request(client: LanguageClient, uri: str, line: int, character: int) -> types.CompletionList:
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line, character)
        )
    )
    assert isinstance(result, types.CompletionList)
    return result


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
async def test_e2e_lane_prefix_on_the_library(session: Session, client: LanguageClient):
    uri = await session.open(with_line(LIBRARY, 8, "n3.handle(bottom) -> Catalog."))
    result = await request(client, uri, 8, 29)
    assert [(i.label, i.detail) for i in result.items] == list(zip(["n6", "n7", "n8"], CATALOG_LABELS))
    first = result.items[0]
    assert first.text_edit == types.TextEdit(range=R(8, 29, 8, 29), new_text="n6.handle($1)")
    assert first.insert_text_format == types.InsertTextFormat.Snippet
    assert first.kind == types.CompletionItemKind.Variable
    assert first.command == types.Command(title="Suggest", command="editor.action.triggerSuggest")
    assert first.documentation == types.MarkupContent(
        kind=types.MarkupKind.Markdown, value="`rectangle` · lane **Catalog/ILS \\(Koha\\)** (`Catalog`)"
    )
    assert [i.sort_text for i in result.items] == sorted(i.sort_text for i in result.items)


async def test_e2e_capabilities_declare_trigger_characters(client: LanguageClient):
    provider = SERVER_CAPABILITIES[-1].completion_provider
    assert provider is not None
    assert list(provider.trigger_characters) == [".", "(", ":", "[", " "]
    assert provider.resolve_provider in (None, False)


async def test_e2e_target_and_directions_and_attributes(session: Session, client: LanguageClient):
    uri = await session.open(with_line(LIBRARY, 8, "n3.handle(bottom) -> "))
    result = await request(client, uri, 8, 21)
    assert [i.label for i in result.items] == ["n1", "n2", "n3", "n4", "n5", "Catalog.", "Stacks.", "Desk."]
    catalog = result.items[5]
    assert catalog.kind == types.CompletionItemKind.Module and catalog.detail == "Catalog/ILS (Koha)"
    assert catalog.text_edit == types.TextEdit(range=R(8, 21, 8, 21), new_text="Catalog.")
    assert catalog.insert_text_format == types.InsertTextFormat.PlainText
    assert catalog.command is not None and catalog.command.command == "editor.action.triggerSuggest"

    uri = await session.open(LIBRARY)
    result = await request(client, uri, 8, 40)  # inside `top` of Catalog.n6.handle(top)
    assert [i.label for i in result.items] == ["left", "right", "top", "bottom"]
    assert result.items[0].text_edit == types.TextEdit(range=R(8, 39, 8, 42), new_text="left")
    assert result.items[0].kind == types.CompletionItemKind.EnumMember

    line = 'n19: rectangle label:"Reshelve" '
    uri = await session.open(with_line(LIBRARY, 8, line))
    result = await request(client, uri, 8, len(line))
    assert [(i.label, i.text_edit.new_text) for i in result.items] == [
        ("owner", 'owner:"$1"'),
        ("description", 'description:"$1"'),
        ("system", 'system:"$1"'),
    ]
    assert all(i.insert_text_format == types.InsertTextFormat.Snippet for i in result.items)


async def test_e2e_truncated_file(session: Session, client: LanguageClient):
    text = read_exact(TRUNCATED / "er-triage-cut-mid-handle.fz.partial")
    uri = await session.open(text, name="truncated")
    last = text.count("\n")
    result = await request(client, uri, last, 6)  # end of `n14.ha`
    assert [(i.label, i.text_edit) for i in result.items] == [
        ("handle", types.TextEdit(range=R(last, 4, last, 6), new_text="handle($1)"))
    ]
    # past the end of the document and past the end of a line: no error
    assert list((await request(client, uri, last + 10, 0)).items) == []
    result = await request(client, uri, last, 500)
    assert [i.label for i in result.items] == ["handle"]


async def test_e2e_utf16_ranges_after_cjk_and_emoji(session: Session, client: LanguageClient):
    line = 'n19: rectangle label:"借书 📚" '
    uri = await session.open(with_line(LIBRARY, 8, line))
    end16 = len(line.encode("utf-16-le")) // 2
    assert end16 == len(line) + 1  # the books are two UTF-16 units
    result = await request(client, uri, 8, end16)
    assert [i.label for i in result.items] == ["owner", "description", "system"]
    assert result.items[0].text_edit.range == R(8, end16, 8, end16)

    line = "loop [再借 📚 until returned] n1 n"
    uri = await session.open(with_line(LIBRARY, 8, line))
    end16 = len(line.encode("utf-16-le")) // 2
    result = await request(client, uri, 8, end16)
    assert [i.label for i in result.items][:3] == ["n2", "n3", "n4"]
    assert result.items[0].text_edit == types.TextEdit(range=R(8, end16 - 1, 8, end16), new_text="n2")


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
async def test_e2e_plain_client_gets_plain_text(plain_client: LanguageClient):
    session = Session(plain_client)
    uri = await session.open(with_line(LIBRARY, 8, "n3.handle(bottom) -> Catalog."))
    result = await request(plain_client, uri, 8, 29)
    assert [(i.label, i.text_edit.new_text, i.insert_text_format, i.command) for i in result.items] == [
        (f"n{k}", f"n{k}", types.InsertTextFormat.PlainText, None) for k in (6, 7, 8)
    ]
    # no documentation format declared: documentation is plain text
    assert result.items[0].documentation == "rectangle · lane Catalog/ILS (Koha) (Catalog)"


async def test_e2e_completion_while_typing_through_incremental_edits(session: Session, client: LanguageClient):
    uri = await session.open(LIBRARY)
    # delete `n6.handle(top) [label="Hold request"]` from line 8, leaving `n3.handle(bottom) -> Catalog.`
    await session.change(uri, 2, (8, 29), (8, 66), "")
    result = await request(client, uri, 8, 29)
    assert [(i.label, i.detail) for i in result.items] == list(zip(["n6", "n7", "n8"], CATALOG_LABELS))
    # insert a new line in the Patron lane and type a declaration there
    await session.change(uri, 3, (5, 0), (5, 0), "n19: \n")
    result = await request(client, uri, 5, 5)
    assert [i.label for i in result.items] == ["circle", "rectangle", "diamond", "taskbox"]
    # the lines below moved: completion after `Catalog.` is now on line 9
    result = await request(client, uri, 9, 29)
    assert [i.label for i in result.items] == ["n6", "n7", "n8"]
    await session.change(uri, 4, (5, 5), (5, 5), "rectangle ")
    result = await request(client, uri, 5, 15)
    assert [i.label for i in result.items] == ["label", "owner", "description", "system"]
    assert result.items[0].text_edit == types.TextEdit(range=R(5, 15, 5, 15), new_text='label:"$1"')


async def test_e2e_a_huge_lane_answers_an_incomplete_list(session: Session, client: LanguageClient):
    count = MAX_NODE_ITEMS + 200
    uri = await session.open(_big_lane(count, "n1.handle(right) -> n11"))
    line = count + 1
    result = await request(client, uri, line, len("n1.handle(right) -> n11"))
    nodes = [i.label for i in result.items if i.kind == types.CompletionItemKind.Variable]
    # n11, n110..n119, n1100..n1199: 111 ids, so this list is complete
    assert not result.is_incomplete and nodes[:3] == ["n11", "n110", "n111"] and len(nodes) == 111
    result = await request(client, uri, line, len("n1.handle(right) -> n"))  # every id starts with n
    nodes = [i.label for i in result.items if i.kind == types.CompletionItemKind.Variable]
    assert result.is_incomplete and nodes == [f"n{k}" for k in range(1, MAX_NODE_ITEMS + 1)]
