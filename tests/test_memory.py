"""Memory stays flat while the user types (issue 16): every cache within its bound, and a
closed document leaves nothing behind.

In-process and fast. The soak through a real server process over days' worth of typing
is benchmarks/soak.py (figures in benchmarks/RESULTS.md, "## Memory"); the bounds and
why they were chosen are in ARCHITECTURE.md, "Caches and their bounds".
"""

from __future__ import annotations

import asyncio
import gc
import json
import random
import re
import socket
import sys
import weakref
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from fz_lsp import syntax
from fz_lsp.analysis.document import Document
from fz_lsp.analysis.settings import Settings
from fz_lsp.base.bounded_memo import BoundedMemo
from fz_lsp.diagnostics import check as check_diagnostics
from fz_lsp.features import semantic_tokens
from fz_lsp.render import textmeasure
from fz_lsp.syntax import parse as syntax_parse, templates as syntax_templates

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from generate import generate

LINE_MEMOS = {
    "document lines": syntax_parse._document_lines,
    "edited lines": syntax_parse._edited_lines,
    "templates": syntax_templates._templates,
    "semantic tokens": semantic_tokens._line_cache,
}


def assert_within_bounds() -> None:
    for name, memo in LINE_MEMOS.items():
        # the newest entry stays even alone over the budget (a 1 MB line)
        assert memo.weight <= memo.max_weight or len(memo) == 1, (name, memo)
    for function, bound in (
        (textmeasure.text_width, textmeasure.TEXT_WIDTH_CACHE_ENTRIES),
        (textmeasure.char_em, textmeasure.CHAR_EM_CACHE_ENTRIES),
    ):
        info = function.cache_info()
        assert info.maxsize == bound and info.currsize <= bound, (function.__name__, info)


# -- the memo itself ---------------------------------------------------------------------


def test_bounded_memo_drops_the_least_recently_used_first():
    memo: BoundedMemo[str, int] = BoundedMemo(max_weight=30, entry_weight=5)
    for key in ("aaaaa", "bbbbb", "ccccc"):  # 10 each: 30, the budget exactly
        memo.put(key, len(memo))
    assert list(memo) == ["aaaaa", "bbbbb", "ccccc"] and memo.weight == 30
    assert memo.get("aaaaa") == 0  # now the most recently used
    memo.put("ddddd", 3)  # 40 > 30: the least recently used (bbbbb) goes
    assert list(memo) == ["ccccc", "aaaaa", "ddddd"] and memo.weight == 30 and memo.evictions == 1
    assert memo.get("bbbbb", -1) == -1 and "bbbbb" not in memo
    memo.put("ccccc", 9)  # an update: no weight added, moved to the end
    assert list(memo) == ["aaaaa", "ddddd", "ccccc"] and memo.get("ccccc") == 9 and memo.weight == 30
    assert memo.pop("aaaaa") == 0 and memo.weight == 20 and memo.pop("aaaaa", "gone") == "gone"
    memo.put("x" * 100, 7)  # heavier than the whole budget: it stays alone
    assert list(memo) == ["x" * 100] and memo.weight == 105
    memo.put("e", None)  # None is a value like any other (a blank line's statement)
    assert list(memo) == ["e"] and memo.get("e", "missing") is None
    memo.clear()
    assert len(memo) == 0 and memo.weight == 0
    with pytest.raises(ValueError):
        BoundedMemo(0, 1)


# -- typing ----------------------------------------------------------------------------------

LABEL_CHARS = "abcdefghijklmnopqrstuvwxyz ABCXYZ0123456789-/|检查確認🚀✅é"
ANY_CHARS = LABEL_CHARS + '".:()[]{}=->#\t\\'


def _keystroke(doc: Document, rng: random.Random) -> int:
    """One random keystroke (or two), as an editor sends it (Document.replace, code
    points); the line it touched. Typing and backspace in labels and in ids (`n12`), now
    and then a slip anywhere or an Enter, undone by the next keystroke."""
    lines = doc.lines
    i = rng.randrange(len(lines))
    line = lines[i]
    roll = rng.random()
    if roll < 0.01:  # Enter in the middle of a line, then Backspace
        col = rng.randint(0, len(line))
        doc.replace((i, col), (i, col), "\n")
        doc.replace((i, col), (i + 1, 0), "")
        return i
    if roll < 0.04:  # a slip anywhere (the line may break), undone at once
        col = rng.randint(0, len(line))
        doc.replace((i, col), (i, col), rng.choice(ANY_CHARS))
        doc.replace((i, col), (i, col + 1), "")
        return i
    quote = line.find('"')
    if roll < 0.7 and quote >= 0:  # in a label (or other quoted text)
        end = line.find('"', quote + 1)
        end = len(line) if end < 0 else end
        col = rng.randint(quote + 1, end)
        if rng.random() < 0.45 and col > quote + 1:
            doc.replace((i, col - 1), (i, col), "")
        else:
            doc.replace((i, col), (i, col), rng.choice(LABEL_CHARS))
        return i
    ids = [m for m in re.finditer(r"\bn(\d+)", line)]
    if ids:  # the digits of an id
        digits = rng.choice(ids).span(1)
        if rng.random() < 0.45 and digits[1] - digits[0] > 1:
            col = rng.randint(digits[0] + 1, digits[1])
            doc.replace((i, col - 1), (i, col), "")
        else:
            col = rng.randint(*digits)
            doc.replace((i, col), (i, col), rng.choice("0123456789"))
    return i


@pytest.mark.slow
def test_50000_random_keystrokes_keep_every_cache_within_its_bound():
    """What a server does for each keystroke: the edit (Document.replace), and now and then
    diagnostics, the semantic tokens of the visible lines and the preview's label
    measurements, with every cache checked against its bound after every keystroke."""
    rng = random.Random(16)
    doc = Document(generate(300, seed=16), "file:///typed.fz")
    settings = Settings()
    evicted_before = syntax_parse._edited_lines.evictions
    for k in range(50_000):
        i = _keystroke(doc, rng)
        if k % 500 == 0:
            check_diagnostics(doc, settings)
        if k % 100 == 0:
            semantic_tokens.semantic_tokens(doc, max(0, i - 20), i + 20)
        line = doc.lines[i]
        if '"' in line:  # the preview measures the label as it is now (as render/workflow.py does)
            textmeasure.block_width(textmeasure.wrap(line.split('"')[1], 150, 13), 13)
        assert_within_bounds()
    # the bounds were reached and kept, not merely never approached
    assert syntax_parse._edited_lines.evictions > evicted_before
    assert textmeasure.text_width.cache_info().currsize == textmeasure.TEXT_WIDTH_CACHE_ENTRIES
    # and the document is still right after all that
    assert doc.statements == Document(doc.text).statements


def test_a_line_of_more_tokens_than_a_template_may_have_teaches_no_template():
    """A 300-member loop line is parsed by lark each time: its shape (one token per member)
    would be a template no other line shares."""
    members = " ".join(f"n{k}" for k in range(1, 301))
    line = f"loop [many] {members}"
    shapes_before = set(syntax_templates._templates)
    st = syntax.parse_line(line)
    assert len(st.members) == 300
    learned = set(syntax_templates._templates) - shapes_before
    assert all(len(shape) <= syntax_templates.TEMPLATE_MAX_TOKENS for shape in learned)
    assert not any(len(shape) > syntax_templates.TEMPLATE_MAX_TOKENS for shape in syntax_templates._templates)
    short = "loop [few] n1 n2 n3"
    syntax.parse_line(short)
    assert any(len(shape) < 20 for shape in syntax_templates._templates)  # short ones are learned


@pytest.mark.slow
def test_fix_titles_with_what_the_user_typed_stay_within_the_list_memo():
    """A line with two slips gets one fix title listing both repairs, and each names what
    was typed (`node17`): translated lists are memoised, within LIST_MEMO_BUDGET."""
    from fz_lsp.base import i18n

    tr = i18n.translator("fr")
    before = tr._lists.evictions
    for k in range(3_000):
        doc = Document(f'A {{ # A\nnode{k} rectangle label:"hi";\n}}\n', "file:///typed.fz")
        assert any(d.data and d.data.get("fixes") for d in check_diagnostics(doc, Settings(locale="fr")))
    assert tr._lists.weight <= i18n.LIST_MEMO_BUDGET
    assert tr._lists.evictions > before


@pytest.mark.slow
def test_opening_many_documents_keeps_the_line_memo_within_its_budget():
    evicted_before = syntax_parse._document_lines.evictions
    texts = [generate(6_000, seed=100 + k) for k in range(5)]  # ~1.3 million characters of new lines
    for text in texts:
        doc = Document(text)
        semantic_tokens.semantic_tokens(doc)
        assert_within_bounds()
        doc.dispose()
    assert syntax_parse._document_lines.evictions > evicted_before
    # the last document's lines are still memoised: it reopens without parsing
    before = syntax_parse.parse_count
    Document(texts[-1])
    assert syntax_parse.parse_count == before


def test_a_long_line_is_not_memoised():
    line = 'n1: rectangle label:"' + "x" * syntax_parse.MEMO_MAX_LINE_CHARS + '"'
    statement = syntax.parse_line(line)
    assert type(statement) is syntax.NodeDecl and statement.attributes[0].value.text.count("x") > 4000
    assert line not in syntax_parse._edited_lines and line not in syntax_parse._document_lines
    before = syntax_parse.parse_count
    assert syntax.parse_line(line) == statement
    assert syntax_parse.parse_count == before + 1  # parsed again: its document holds it, no memo does


# -- closing ---------------------------------------------------------------------------------


class _Wire:
    """The client side of the in-process server: what it sends, as JSON."""

    def __init__(self) -> None:
        self.sent: list[dict] = []

    def write(self, data: bytes) -> None:
        self.sent.append(json.loads(data))

    def close(self) -> None:
        pass


def _read_first_event(url: str) -> tuple[socket.socket, bytes]:
    """Connect to a preview page's event stream (as the browser's EventSource does) and
    read up to its first SVG event."""
    parts = urlsplit(url)
    conn = socket.create_connection((parts.hostname, parts.port), timeout=30)
    conn.sendall(f"GET {parts.path}/events HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n".encode())
    seen = b""
    while b"event: svg" not in seen:
        chunk = conn.recv(65536)
        assert chunk, seen[:300]
        seen += chunk
    return conn, seen


@pytest.mark.slow
def test_closing_every_document_leaves_no_document_model_or_bookkeeping(monkeypatch: pytest.MonkeyPatch):
    """Through the server's own message handling (fz_lsp.lsp.server.server, in process): open
    documents (one large enough to be frozen out of the collector), type in them, ask for
    hovers and completions, open the live browser preview with a browser reading its event
    stream and a client that never answers window/showDocument; then close everything.
    No Document or Model object is left alive, no per-document state, no open preview
    page or stream, and nothing in pygls's bookkeeping of messages."""
    from fz_lsp.lsp import memory, server as server_module, window
    from fz_lsp.lsp.handlers import preview

    monkeypatch.setattr(window, "SHOW_DOCUMENT_TIMEOUT_S", 0.2)
    srv = server_module.server
    proto = srv.protocol
    wire = _Wire()
    proto.set_writer(wire, include_headers=False)
    ids = iter(range(1, 1_000_000))

    def send(method: str, params, request: bool = False) -> None:
        message = {"jsonrpc": "2.0", "method": method, "params": params}
        if request:
            message["id"] = next(ids)
        proto.handle_message(proto.structure_message(message))

    uris = [f"file:///memory/doc-{k}.fz" for k in range(4)]
    texts = [generate(300, seed=k) for k in range(3)] + [generate(memory.LARGE_DOCUMENT_LINES + 200, seed=3)]
    alive: list[weakref.ref] = []

    async def session() -> None:
        send(
            "initialize",
            {
                "capabilities": {"window": {"showDocument": {"support": True}}},
                "initializationOptions": {"flowzap": {"diagnostics": {"delayMs": 20}}},
            },
            request=True,
        )
        send("initialized", {})
        for uri, text in zip(uris, texts):
            send(
                "textDocument/didOpen",
                {"textDocument": {"uri": uri, "languageId": "flowzap", "version": 1, "text": text}},
            )
        assert srv.memory.large_documents == {uris[-1]}
        rng = random.Random(5)
        for version in range(2, 302):
            for uri in uris:
                doc = srv.documents[uri]
                line = next(i for i in range(rng.randrange(len(doc.lines) - 10), len(doc.lines)) if '"' in doc.lines[i])
                col = doc.lines[line].index('"') + 1
                send(
                    "textDocument/didChange",
                    {
                        "textDocument": {"uri": uri, "version": version},
                        "contentChanges": [
                            {
                                "range": {
                                    "start": {"line": line, "character": col},
                                    "end": {"line": line, "character": col},
                                },
                                "text": rng.choice("abc"),
                            }
                        ],
                    },
                )
                position = {"textDocument": {"uri": uri}, "position": {"line": line, "character": 1}}
                send("textDocument/hover", position, request=True)
                send("textDocument/completion", position, request=True)
            if version % 50 == 0:
                await asyncio.sleep(0.05)  # a pause in typing: the debounced diagnostics go out
        for uri in uris:
            alive.append(weakref.ref(srv.documents[uri]))
            alive.append(weakref.ref(srv.documents[uri].model))
        send(
            "workspace/executeCommand",
            {"command": "flowzap.openBrowserPreview", "arguments": [{"uri": uris[0]}]},
            request=True,
        )
        for _ in range(100):  # the client never answers window/showDocument: given up after the timeout
            await asyncio.sleep(0.05)
            answer = [m for m in wire.sent if "result" in m and isinstance(m["result"], dict) and "url" in m["result"]]
            if answer:
                break
        assert answer, [m.get("method") for m in wire.sent[-5:]]
        stream, _ = _read_first_event(answer[0]["result"]["url"])
        assert preview.browser(srv).client_count(uris[0]) == 1
        # a keystroke while the page is open, then close everything before its diagnostics are due
        send(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uris[0], "version": 999},
                "contentChanges": [
                    {"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": " "}
                ],
            },
        )
        assert uris[0] in srv.publisher.pending
        for uri in uris:
            send("textDocument/didClose", {"textDocument": {"uri": uri}})
        stream.settimeout(30)
        rest = b""
        while chunk := stream.recv(65536):  # the stream ends when its document closes
            rest += chunk
        stream.close()
        await asyncio.sleep(0.1)  # cancelled tasks finish, done-callbacks run
        browser = preview.browser(srv)
        assert browser._pages == {} and browser._by_token == {} and browser.client_count() == 0

    try:
        asyncio.run(session())
        srv.memory.collect_released()  # what RELEASE_DELAY_S after the large document's close does
        gc.collect()
        assert [ref for ref in alive if ref() is not None] == []
        assert srv.documents == {} and srv.publisher.pending == {} and srv.publisher.said == {}
        assert srv.memory.large_documents == set() and srv.clicks == set()
        # pygls forgets every finished message: notifications (one per keystroke), the
        # coroutine of the async command, and the server's own unanswered request
        assert proto._request_futures == {} and proto._result_types == {}
        published = [m for m in wire.sent if m.get("method") == "textDocument/publishDiagnostics"]
        assert {m["params"]["uri"] for m in published if m["params"]["diagnostics"] == []} >= set(uris)
        assert any(m.get("method") == "window/showDocument" for m in wire.sent)
    finally:
        if srv.browser is not None:
            srv.browser.stop()
            srv.browser = None
        proto.writer = None
        gc.unfreeze()


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_freed_memory_goes_back_to_the_system_once_idle(monkeypatch: pytest.MonkeyPatch):
    """A burst of publishes moves one timer; malloc_trim runs once, IDLE_TRIM_S after the last."""
    from fz_lsp.lsp import memory

    real = memory.malloc_trim()
    if real is None:
        pytest.skip("no glibc malloc_trim on this system")
    calls: list[int] = []
    monkeypatch.setattr(memory, "malloc_trim", lambda: lambda pad: calls.append(pad) or real(pad))
    monkeypatch.setattr(memory, "IDLE_TRIM_S", 0.05)
    kept = memory.DocumentMemory()

    async def burst() -> None:
        for _ in range(20):
            kept.trim_when_idle()
            await asyncio.sleep(0.01)
        assert calls == []  # never while the work goes on
        await asyncio.sleep(0.3)

    asyncio.run(burst())
    assert calls == [0] and kept._trim is None
    kept.trim_when_idle()  # outside an event loop (in-process use): nothing scheduled
    assert kept._trim is None and calls == [0]
