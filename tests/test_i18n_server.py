"""The user's language through the real server (issue 17).

One server per language, told the language the way VS Code tells it (`initialize`'s
`locale`, `zh-cn` / `fr`). Every diagnostic code (tests/support/diagnostic_cases.py), every slip
recovery names (tests/support/slips.py), every hover kind and every code action
title is asked for through the protocol and compared with the English text fz-lsp makes
for the same document: the text must be translated (not the English string, Chinese
characters in Chinese), and its placeholders filled with the same values (the same code
spans, the same numbers). Then: flowzap.locale overrides the client, is re-read on a
configuration change, the environment speaks when the client does not, and CJK text
never moves a range.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from fz_lsp.analysis.document import Document
from fz_lsp.analysis.settings import Settings
from fz_lsp.base import i18n
from fz_lsp.diagnostics import CODES, check as check_diagnostics, most_severe
from fz_lsp.features.code_actions import FIX_ALL, code_actions
from fz_lsp.features.hover import hover
from fz_lsp.lsp.publishing import MAX_PUBLISHED_DIAGNOSTICS
from fz_lsp.model import Span
from support.commands import SERVER_COMMAND, SERVER_ENV
from support.diagnostic_cases import CASES
from support.lsp import Session, eventually, initialize_params
from support.paths import FIXTURES, read_exact
from support.slips import SLIPS, variant

pytestmark = [
    pytest.mark.slow,  # a server per language and per way of naming it: deselected by -m "not slow"
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.filterwarnings("ignore:The test <Function .* is marked with '@pytest.mark.asyncio'"),
]

OPTIONS = {"flowzap": {"diagnostics": {"delayMs": 0, "sequenceRules": True}}}
ENGLISH = Settings(sequence_rules=True)
CLIENT_LOCALES = ("zh-cn", "fr")  # as vscode.env.language spells them

_CODE = re.compile(r"`[^`]*`")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def init(locale: str | None, options=OPTIONS) -> types.InitializeParams:
    params = initialize_params(options=options)
    params.locale = locale
    params.capabilities.text_document.hover = types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown])
    return params


@pytest_lsp.fixture(
    scope="module",
    params=CLIENT_LOCALES,
    config=ClientServerConfig(server_command=SERVER_COMMAND, server_env=SERVER_ENV),
)
async def client(lsp_client: LanguageClient, request):
    await lsp_client.initialize_session(init(request.param))
    lsp_client.language = i18n.language_of(request.param)
    yield
    await lsp_client.shutdown_session()


def assert_translated(translated: str, english: str, language: str, what: str) -> None:
    """`translated` says `english` in `language`: another text, the same code spans and
    numbers (so every placeholder got its value), no placeholder left unfilled."""
    assert translated != english, f"{what}: not translated: {english!r}"
    assert Counter(_CODE.findall(translated)) == Counter(_CODE.findall(english)), (what, english, translated)
    numbers = lambda text: Counter(re.findall(r"\d+", _CODE.sub(" ", text)))  # noqa: E731
    assert numbers(translated) == numbers(english), (what, english, translated)
    leftovers = set(re.findall(r"\{[A-Za-z_]\w*\}", translated)) - set(re.findall(r"\{[A-Za-z_]\w*\}", english))
    assert not leftovers, (what, translated)
    if language == "zh-CN":
        assert _CJK.search(_CODE.sub(" ", translated)), (what, translated)


def documents() -> list[tuple[str, str]]:
    texts = [(f"case-{c.code}", c.text) for c in CASES]
    texts += [(f"slip-{s.name}", "\n".join(variant(s)) + "\n") for s in SLIPS]
    texts += [(name, text) for name, text in EXTRA.items()]
    for name, text in texts:
        assert all(ord(ch) < 0x10000 for ch in text), name  # UTF-16 columns are code points here
    return texts


# slips whose repairs the cases above do not show (for their quick-fix titles)
_LANE = 'A { # A\nn1: circle label:"a"\nn2: circle label:"b"\n'
EXTRA = {
    "malformed handle": _LANE + "n1.handle(right) -> n2.handle()\n}\n",
    "commas": 'A { # A\nn1: taskbox owner:"a", description:"b"\n}\n',
    "two repairs": _LANE + 'n1.handle(right) -> n2.handle(left) [label:"go\n}\n',
    "bare node label": 'A { # A\nn1: circle "Start"\n}\n',
    "edge label without key": _LANE + 'n1.handle(right) -> n2.handle(left) ["go"]\n}\n',
    "unquoted owner": "A { # A\nn1: taskbox owner:Ann\n}\n",
    "taskbox without text": "A { # A\nn1: taskbox\n}\n",
    "long description": 'A { # A\nn1: taskbox description:"' + "d" * 60 + '"\n}\n',
    "unknown direction without guess": _LANE + "n1.handle(zzzzzz) -> n2.handle(left)\n}\n",
    "unfinished": _LANE + "n1.handle(right) ->\n}\n",
    "mermaid keywords": "subgraph one\nclassDef x fill:#f9f\nNote over A\n%% comment\nA ->> B: hi\nn1 -->|yes| n2\n",
    "edge attribute": _LANE + 'n1.handle(right) -> n2.handle(left) [owner="x"]\n}\n',
    "two edge labels": _LANE + 'n1.handle(right) -> n2.handle(left) [label="x" label="y"]\n}\n',
    "loop outside lanes": 'A { # A\nn1: circle label:"a"\n}\nloop [x] n1 n9\n',
}


@pytest.mark.slow
async def test_every_diagnostic_and_code_action_is_translated(client: LanguageClient):
    session = Session(client)
    language = client.language
    settings = Settings(sequence_rules=True, locale=language)
    codes, titles = set(), set()
    for name, text in documents():
        uri = await session.open(text, "i18n")
        published = await session.wait_for(uri, 1)
        doc = Document(text)
        english = most_severe(check_diagnostics(doc, ENGLISH), MAX_PUBLISHED_DIAGNOSTICS)
        assert [(d.code, d.span.line, d.span.start, d.span.end) for d in english] == [
            (d.code, d.range.start.line, d.range.start.character, d.range.end.character) for d in published
        ], name
        # the server's text is the pure checker's in that language
        assert [d.message for d in published] == [
            d.message for d in most_severe(check_diagnostics(doc, settings), MAX_PUBLISHED_DIAGNOSTICS)
        ], name
        for d, e in zip(published, english):
            codes.add(d.code)
            assert_translated(d.message, e.message, language, f"{name}: {d.code}")
            related = [r.message for r in d.related_information or ()]
            assert len(related) == len(e.related), name
            for r, er in zip(related, e.related):
                assert_translated(r, er.message, language, f"{name}: {d.code} related")
        # every quick fix of every diagnostic, the source actions and "fix all"
        for only in (None, [FIX_ALL]):
            actions = await client.text_document_code_action_async(
                types.CodeActionParams(
                    text_document=types.TextDocumentIdentifier(uri=uri),
                    range=types.Range(start=types.Position(0, 0), end=types.Position(0, 0)),
                    context=types.CodeActionContext(diagnostics=published, only=only),
                )
            )
            requested = [(d.code, Span(d.span.line, d.span.start, d.span.end)) for d in english]
            expected = code_actions(doc, ENGLISH, requested, only)
            assert len(actions) == len(expected), name
            for a, e in zip(actions, expected):
                titles.add(e.title)
                assert_translated(a.title, e.title, language, f"{name}: action")
        session.close(uri)
    assert codes == set(CODES), sorted(set(CODES) - codes)
    for start in TITLES:
        assert any(t.startswith(start) for t in titles), start


# every kind of code action title (fz_lsp/code_actions.py and the repairs of recovery.py)
TITLES = [
    "Add the lane prefix",
    "Change the lane prefix to",
    "Remove the `",
    "Change the direction to",
    "Add the closing `)`",
    "Replace with `.handle(",
    "Add `.handle(",
    "Change the shape to",
    "Change the attribute to",
    "Use a colon",
    "Use `=`",
    "Move the display label onto",
    "Declare `",
    "Remove the duplicate edge",
    "Renumber nodes n1..n",
    "Move the edge into lane",
    "Move the loop into lane",
    "Add the display label",
    "Fix all FlowZap problems",
    "Add `:` after",
    "Change `handel` to `handle`",
    "Quote the label",
    "Quote the owner",
    'Add the closing `"`',
    "Add `{`",
    "Add `#` before",
    "Use straight double quotes",
    "Use double quotes",
    "Change `→` to `->`",
    "Remove the `;`",
    "Remove the commas",
    "Put the label in brackets",
    "Add `label=`",
    "Add `label:`",
    "Add the closing `]`",
    'Add the closing `"` and Add the closing `]`',
]

HOVER_TEXT = (
    "Web { # Web Shop\n"  # 0
    'n1: circle label:"Cart"\n'  # 1
    'n2: rectangle label:"Pay"\n'  # 2
    'n1.handle(right) -> n2.handle(left) [label="go"]\n'  # 3
    "n2.handle(bottom) -> Bank.n3.handle(top)\n"  # 4
    "n2.handle(rigth) -> n9.handle(left)\n"  # 5
    'n4: rect label:"x"\n'  # 6
    "loop [retry] n1 n2\n"  # 7
    "n6: rectangle\n"  # 8
    "n1.handle(left) -> Nope.n2.handle(right)\n"  # 9
    'n7: taskbox label:"Pack | Ship" owner:"Ann" system:"WMS"\n'  # 10
    "}\n"  # 11
    "Bank { # Card Issuer\n"  # 12
    'n3: rectangle label:"Authorise"\n'  # 13
    "n3.handle(top) -> Web.n2.handle(bottom)\n"  # 14
    'n3: circle label:"again"\n'  # 15
    "}\n"  # 16
    "Solo { # Alone\n"  # 17
    'n5: circle label:"alone"\n'  # 18
    "n5.handle(zzzzzz) -> n5.handle(left)\n"  # 19
    "}\n"  # 20
)
# kind -> (line, the text hovered, its occurrence on the line)
HOVERS = {
    "node with edges and a loop": (2, "n2", 0),
    "node, prefixed target": (4, "n3", 0),
    "node without label": (8, "n6", 0),
    "node without edges": (18, "n5", 0),
    "node declared twice": (13, "n3", 0),
    "taskbox": (10, "n7", 0),
    "undeclared node": (5, "n9", 0),
    "lane with dependencies": (0, "Web", 0),
    "lane prefix": (4, "Bank", 0),
    "lane without dependencies": (17, "Solo", 0),
    "unknown lane": (9, "Nope", 0),
    "handle, source": (4, "bottom", 0),
    "handle, target": (3, "left", 0),
    "handle, unknown direction": (5, "rigth", 0),
    "handle, no guess": (19, "zzzzzz", 0),
    "shape": (1, "circle", 0),
    "unknown shape": (6, "rect", 0),
}


def _column(line: str, text: str, occurrence: int) -> int:
    at = -1
    for _ in range(occurrence + 1):
        at = line.index(text, at + 1)
    return at + 1


async def test_every_hover_kind_is_translated(client: LanguageClient):
    session = Session(client)
    uri = await session.open(HOVER_TEXT, "i18n-hover")
    doc = Document(HOVER_TEXT)
    lines = HOVER_TEXT.split("\n")
    for kind, (line, text, occurrence) in HOVERS.items():
        col = _column(lines[line], text, occurrence)
        english = hover(doc, line, col)
        assert english is not None, kind
        found = await client.text_document_hover_async(
            types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line, col))
        )
        assert found is not None and found.contents.kind == types.MarkupKind.Markdown, kind
        assert (found.range.start.line, found.range.start.character, found.range.end.character) == (
            english.span.line,
            english.span.start,
            english.span.end,
        ), kind
        assert_translated(found.contents.value, english.markdown, client.language, kind)
        assert found.contents.value == hover(doc, line, col, client.language).markdown, kind
    lane = hover(doc, 0, 1, client.language).markdown
    assert "Bank" in lane and ("架构视图" in lane or "vue Architecture" in lane)  # the dependencies, translated
    session.close(uri)


async def test_the_library_fixture_hovers_in_the_language(client: LanguageClient):
    """A real fixture: the prefixed target and the lane with its Architecture-view lines."""
    text = read_exact(FIXTURES / "library-hold.fz")
    session = Session(client)
    uri = await session.open(text, "i18n-library")
    doc = Document(text)
    catalog_line = next(k for k, line in enumerate(doc.lines) if line.startswith("Catalog"))
    for line, col in ((8, 30), (catalog_line, 2)):
        found = await client.text_document_hover_async(
            types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line, col))
        )
        assert_translated(found.contents.value, hover(doc, line, col).markdown, client.language, f"library {line}")
    session.close(uri)


async def test_completion_details_rename_refusals_and_protocol_errors(client: LanguageClient):
    session = Session(client)
    text = _LANE + "n1.handle(\n}\n"
    uri = await session.open(text, "i18n-misc")
    found = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(3, 10))
    )
    details = {item.label: item.detail for item in found.items}
    assert set(details) == {"left", "right", "top", "bottom"}
    english = {
        "left": "the middle of its left side",
        "right": "the middle of its right side",
        "top": "the middle of its top side",
        "bottom": "the middle of its bottom side",
    }
    for label, detail in details.items():
        assert_translated(detail, english[label], client.language, f"completion {label}")
    with pytest.raises(Exception) as refused:
        await client.text_document_rename_async(
            types.RenameParams(
                text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(1, 0), new_name="n2"
            )
        )
    assert_translated(
        str(refused.value.args[0] if refused.value.args else refused.value),
        "A node `n2` already exists (line 3 in lane `A`); node ids must be unique",
        client.language,
        "rename",
    )
    with pytest.raises(Exception) as closed:
        await client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri="file:///nowhere.fz"), position=types.Position(0, 0)
            )
        )
    message = str(closed.value)
    assert "file:///nowhere.fz" in message and "document is not open" not in message
    assert ("文档未打开" in message) if client.language == "zh-CN" else ("le document n’est pas ouvert" in message)
    session.close(uri)


# ---------------------------------------------------------------------------
# choosing the language: the setting, a configuration change, the environment

BROKEN_LINE = (
    'A { # 收银台\nn1: circle label:"开始"\nn2 rectangle label:"结账"\nn1.handle(right) -> n2.handle(left)\n}\n'
)


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER_COMMAND, server_env=SERVER_ENV))
async def french_client(lsp_client: LanguageClient):
    options = {"flowzap": {"diagnostics": {"delayMs": 0}, "locale": "zh-CN"}}
    await lsp_client.initialize_session(init("fr", options))
    yield
    await lsp_client.shutdown_session()


async def test_the_setting_overrides_the_client_and_is_read_again(french_client: LanguageClient):
    session = Session(french_client)
    uri = await session.open(BROKEN_LINE, "i18n-setting")
    (d,) = await session.wait_for(uri, 1)
    assert d.message == "`n2` 后缺少 `:`：请写成 `n2: rectangle …`"  # flowzap.locale, not the client's fr
    assert (d.range.start.line, d.range.start.character, d.range.end.character) == (2, 0, 2)
    for setting, expected in (
        ("auto", "Il manque `:` après `n2`\u00a0: écrivez `n2: rectangle …`"),  # back to the client's
        ("en", "Missing `:` after `n2`: write `n2: rectangle …`"),
        ("de_DE", "Missing `:` after `n2`: write `n2: rectangle …`"),  # no German: English
        ("zh_CN.UTF-8", "`n2` 后缺少 `:`：请写成 `n2: rectangle …`"),
    ):
        count = len(session.published[uri])
        french_client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings={"flowzap": {"locale": setting}})
        )
        await _republished(session, uri, count)
        (d,) = session.published[uri][-1].diagnostics
        assert d.message == expected, setting
        assert (d.range.start.line, d.range.start.character, d.range.end.character) == (2, 0, 2)


async def _republished(session: Session, uri: str, count: int) -> None:
    await eventually(lambda: len(session.published[uri]) > count, 15, "diagnostics published again")


@pytest_lsp.fixture(
    scope="module",
    config=ClientServerConfig(
        server_command=SERVER_COMMAND,
        server_env={
            **{k: v for k, v in SERVER_ENV.items() if k not in i18n.ENVIRONMENT_VARIABLES},
            "LANG": "zh_CN.UTF-8",
        },
    ),
)
async def environment_client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(init(None))  # a client that names no language (Neovim)
    yield
    await lsp_client.shutdown_session()


async def test_without_a_client_locale_the_environment_speaks(environment_client: LanguageClient):
    session = Session(environment_client)
    uri = await session.open(BROKEN_LINE, "i18n-env")
    (d,) = await session.wait_for(uri, 1)
    assert d.message == "`n2` 后缺少 `:`：请写成 `n2: rectangle …`"


@pytest_lsp.fixture(
    scope="module",
    config=ClientServerConfig(
        server_command=[*SERVER_COMMAND, "--lang", "fr"],
        server_env={
            **{k: v for k, v in SERVER_ENV.items() if k not in i18n.ENVIRONMENT_VARIABLES},
            "LANG": "zh_CN.UTF-8",
        },
    ),
)
async def lang_option_client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(init(None))
    yield
    await lsp_client.shutdown_session()


async def test_the_lang_option_comes_before_the_environment(lang_option_client: LanguageClient):
    session = Session(lang_option_client)
    uri = await session.open(BROKEN_LINE, "i18n-lang")
    (d,) = await session.wait_for(uri, 1)
    assert d.message == "Il manque `:` après `n2`\u00a0: écrivez `n2: rectangle …`"
