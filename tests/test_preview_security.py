"""Preview security: hostile text in a diagram stays text, and nothing runs or loads.

A diagram whose labels, lane titles, edge labels, loop conditions and taskbox fields hold
`<script>`, `</svg>`, quotes, `javascript:` URLs, entities, `]]>` and `<!--` is rendered:

- as SVG by the real server (`flowzap.preview`) and by `fz-lsp render`: well-formed XML
  whose text is exactly the labels (nothing became an element or an attribute);
- as a standalone HTML page (`fz-lsp render x.fz -o x.html`): a strict CSP
  (`default-src 'none'`, one script, its own pan and zoom, allowed by its hash), nothing remote;
- as the live browser page (`flowzap.openBrowserPreview`): CSP header and meta with a
  per-page nonce, only the page's own script, nothing remote, also after a live update;
- in the VS Code webview page (editors/vscode/media/preview.html + zoom.js + preview.js): CSP with
  nonces only, and its SVG sanitiser drops scripts and handlers even from a hostile SVG.

Headless Chromium (`/usr/bin/chromium --headless --no-sandbox --disable-gpu
--no-first-run --disable-background-networking --disable-component-update --disable-sync`,
a temporary --user-data-dir) loads each page: the marker an injected script would set
(`data-owned` on <html>, or the title `PWNED`) is absent and the label text is present.
A control page without the CSP proves that the same marker script does run, so the
absence means something. FZ_SKIP_BROWSER=1 skips the browser parts (the `chromium`
fixture of conftest.py, as for test_render_chromium.py).
"""

from __future__ import annotations

import base64
import hashlib
import html.parser
import re
import subprocess
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from fz_lsp.render.html import zoom_script
from support.chromium import CHROMIUM_FLAGS, Browser
from support.commands import run_cli
from support.lsp_process import LspProcess
from support.webview import WEBVIEW, webview_page

MARK = "document.documentElement.setAttribute('data-'+'owned','yes')"  # the DOM shows data-owned="yes"
TITLE = "document.title='PW'+'NED'"

# (where, the text as the diagram shows it)
HOSTILE = {
    "lane": f"<script>{MARK}</script>",
    "n1": f"<script>{MARK}</script>",
    "n2": f'</svg><img src=x onerror="{TITLE}">',
    "n3": '"><svg onload=alert(1)> &amp; &lt;b&gt; &#x3C;i&#x3E; ]]> <!-- x -->',
    "n4 owner": "javascript:alert(1)",
    "n4 description": f'<a href="javascript:{MARK}">click</a>',
    "n4 system": "' onmouseover='x",
    "e1": f"<script>{MARK}</script>",
    "e2": f"</text></svg><script>{TITLE}</script>",
    "loop": f"<img src=x onerror={MARK}>",
}


def q(text: str) -> str:
    """A FlowZap string literal (\\" and \\\\ escaped)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


EVIL = (
    f"Evil {{ # {HOSTILE['lane']}\n"
    f"n1: circle label:{q(HOSTILE['n1'])}\n"
    f"n2: rectangle label:{q(HOSTILE['n2'])}\n"
    f"n3: diamond label:{q(HOSTILE['n3'])}\n"
    f"n4: taskbox owner:{q(HOSTILE['n4 owner'])} description:{q(HOSTILE['n4 description'])} "
    f"system:{q(HOSTILE['n4 system'])}\n"
    f"n1.handle(right) -> n2.handle(left) [label={q(HOSTILE['e1'])}]\n"
    f"n2.handle(right) -> n3.handle(left) [label={q(HOSTILE['e2'])}]\n"
    "n3.handle(right) -> n4.handle(left)\n"
    f"loop [{HOSTILE['loop']}] n1 n2\n"
    "}\n"
)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def check_svg(svg: str) -> None:
    """Well-formed; no element or attribute a label could have smuggled in; all labels as text."""
    root = ET.fromstring(svg)
    allowed = {
        "svg",
        "g",
        "rect",
        "circle",
        "ellipse",
        "polygon",
        "polyline",
        "path",
        "line",
        "text",
        "tspan",
        "title",
        "desc",
        "defs",
        "marker",
        "style",
        "clipPath",
        "use",
        "symbol",
        "pattern",
    }
    texts = []
    for el in root.iter():
        tag = el.tag.split("}")[-1]
        assert tag in allowed, f"unexpected <{tag}> in the SVG"
        for name, value in el.attrib.items():
            local = name.split("}")[-1].lower()
            assert not local.startswith("on"), f"event handler attribute {name} on <{tag}>"
            assert "javascript:" not in value.lower(), f"javascript: URL in {name} of <{tag}>"
            if local == "href":
                assert value.startswith("#"), f"external href {value!r}"
        if tag != "style":
            texts.append(el.text or "")
            texts.append(el.tail or "")
    shown = squash("".join(texts))
    for where, label in HOSTILE.items():
        assert squash(label) in shown, f"the {where} label is not shown as text: {label!r}"


def static_html_checks(page: str) -> None:
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)
    assert csp, "no CSP meta"
    policy = {d.split()[0]: d.split()[1:] for d in csp.group(1).split(";") if d.strip()}
    assert policy["default-src"] == ["'none'"], policy
    # a static page runs one script, its own pan and zoom, allowed by its hash; it connects nowhere
    (script,) = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert page.count("<script") == 1 and script.startswith(zoom_script())
    assert policy["script-src"] == [f"'sha256-{base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()}'"]
    for directive, sources in policy.items():
        for source in sources:
            assert source in ("'none'", "'unsafe-inline'", "data:") or directive == "script-src", (directive, source)
            assert source != "'unsafe-inline'" or directive == "style-src", (directive, source)
            assert source != "data:" or directive == "img-src", (directive, source)
    assert re.findall(r"\b(?:https?:)?//[^\s\"'<>]+", page) == ["http://www.w3.org/2000/svg"], "a remote reference"
    elements = TagCollector.of(page)
    assert elements["script"] == 1
    for tag in ("img", "a", "iframe", "object", "embed", "foreignobject", "link", "base", "form"):
        assert tag not in elements, f"<{tag}> in the page"


class TagCollector(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: dict[str, int] = {}
        self.attributes: list[tuple[str, str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        self.attributes.extend((tag, k, v or "") for k, v in attrs)

    def handle_data(self, data):
        self.text.append(data)

    @staticmethod
    def of(page: str) -> dict[str, int]:
        c = TagCollector()
        c.feed(page)
        return c.tags


# ---------------------------------------------------------------------------
# Chromium


def dump_dom(chromium: str, url: str, profile: Path, budget_ms: int = 0) -> str:
    args = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom"]
    if budget_ms:
        args.insert(-1, f"--virtual-time-budget={budget_ms}")
    result = subprocess.run([*args, url], capture_output=True, timeout=90)
    assert result.returncode == 0, result.stderr.decode(errors="replace")[-2000:]
    return result.stdout.decode("utf-8")


def assert_nothing_ran(dom: str) -> None:
    assert 'data-owned="yes"' not in dom, "an injected script ran (data-owned marker set)"
    assert "<title>PWNED</title>" not in dom, "an injected script ran (title changed)"


def dom_text(dom: str) -> str:
    c = TagCollector()
    c.feed(dom)
    return squash("".join(c.text))


# ---------------------------------------------------------------------------
# The SVG


@pytest.fixture(scope="module")
def evil_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("evil") / "<script>alert('evil')<!--.fz"
    path.write_text(EVIL, encoding="utf-8")
    return path


def test_hostile_labels_parse_as_intended():
    from fz_lsp.analysis.document import analyse

    model = analyse(EVIL).model
    assert [n.id for n in model.nodes] == ["n1", "n2", "n3", "n4"]
    assert model.nodes[1].label == HOSTILE["n2"]
    assert model.lanes[0].label == HOSTILE["lane"]
    assert model.loops[0].condition == HOSTILE["loop"]
    assert model.nodes[3].attribute("description") == HOSTILE["n4 description"]
    assert [e.label for e in model.edges] == [HOSTILE["e1"], HOSTILE["e2"], None]


@pytest.mark.parametrize("view", ["workflow", "sequence"])
@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_server_preview_svg_keeps_labels_as_text(view: str):
    srv = LspProcess()
    try:
        srv.initialize()
        uri = "file:///tmp/fz-security/evil.fz"
        srv.open(uri, EVIL)
        srv.diagnostics(uri, 1)
        for theme in ("light", "dark"):
            result = srv.result(
                "workspace/executeCommand",
                {"command": "flowzap.preview", "arguments": [{"uri": uri, "view": view, "theme": theme}]},
            )
            svg = result["svg"]
            if view == "sequence":  # the sequence view shows lanes and edges, not node boxes
                root = ET.fromstring(svg)
                shown = squash(
                    "".join(
                        t
                        for el in root.iter()
                        if el.tag.split("}")[-1] != "style"
                        for t in (el.text or "", el.tail or "")
                    )
                )
                for where in ("lane", "e1", "e2"):
                    assert squash(HOSTILE[where]) in shown, where
                ET.fromstring(svg)
            else:
                check_svg(svg)
        assert srv.shutdown_and_exit() == 0
    finally:
        srv.kill()


def run_cli_bytes(*args: str) -> subprocess.CompletedProcess:
    return run_cli(*args, text=False)


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_cli_svg_and_html(evil_file: Path, tmp_path: Path):
    svg = run_cli_bytes("render", str(evil_file))
    assert svg.returncode == 0, svg.stderr
    check_svg(svg.stdout.decode("utf-8"))
    for view in ("workflow", "sequence"):
        out = tmp_path / f"evil-{view}.html"
        result = run_cli_bytes("render", str(evil_file), "-o", str(out), "--view", view)
        assert result.returncode == 0, result.stderr
        page = out.read_text(encoding="utf-8")
        static_html_checks(page)
        assert "<title>&lt;script&gt;alert(&#39;evil&#39;)&lt;!--.fz</title>" in page  # the file name is text too


@pytest.mark.slow
def test_cli_html_in_chromium(chromium: str, evil_file: Path, tmp_path: Path):
    out = tmp_path / "evil.html"
    assert run_cli_bytes("render", str(evil_file), "-o", str(out)).returncode == 0
    dom = dump_dom(chromium, out.as_uri(), tmp_path / "profile", budget_ms=1000)
    assert_nothing_ran(dom)
    assert "<svg" in dom and 'data-node="n1"' in dom
    text = dom_text(dom)
    for where, label in HOSTILE.items():
        assert squash(label) in text, f"the {where} label is missing from the page"
    tags = TagCollector.of(dom)
    assert tags["script"] == 1, "a script besides the page's own"
    for tag in ("img", "a", "iframe"):
        assert tag not in tags, f"<{tag}> appeared in the DOM"
    assert 'data-fitted="yes"' in dom, "the page's own script did run"


@pytest.mark.slow
def test_control_the_marker_does_run_without_the_csp(chromium: str, tmp_path: Path):
    """Without a CSP and escaping the same payload runs: the checks above are meaningful."""
    page = tmp_path / "control.html"
    page.write_text(
        f"<!DOCTYPE html><html><head><title>x</title></head><body><script>{MARK};{TITLE}</script></body></html>"
    )
    dom = dump_dom(chromium, page.as_uri(), tmp_path / "profile")
    assert 'data-owned="yes"' in dom and "<title>PWNED</title>" in dom
    # and the static page's CSP alone (which lets its own zoom script run, by its hash)
    # blocks even an unescaped inline script
    from fz_lsp.render.html import content_security_policy

    blocked = tmp_path / "blocked.html"
    blocked.write_text(
        "<!DOCTYPE html><html><head>"
        f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy(None)}">'
        f'<title>x</title></head><body><script>{MARK}</script><img src=x onerror="{TITLE}"></body></html>'
    )
    assert_nothing_ran(dump_dom(chromium, blocked.as_uri(), tmp_path / "profile2", budget_ms=1000))


# ---------------------------------------------------------------------------
# The live browser preview


@pytest.fixture
def live(tmp_path: Path):
    """A real server with a hostile document and its live page (window/showDocument)."""
    srv = LspProcess()
    shown: list[str] = []

    def show_document(message: dict):
        shown.append(message["params"]["uri"])
        return {"success": True}

    srv.server_requests["window/showDocument"] = show_document
    caps = {"window": {"showDocument": {"support": True}}, "workspace": {"configuration": False}}
    srv.initialize(capabilities=caps)
    uri = "file:///tmp/fz-security/live-evil.fz"
    srv.open(uri, EVIL)
    srv.diagnostics(uri, 1)
    result = srv.result(
        "workspace/executeCommand",
        {"command": "flowzap.openBrowserPreview", "arguments": [{"uri": uri, "view": "workflow"}]},
    )
    assert shown == [result["url"]], (shown, result)
    srv.uri, srv.url = uri, result["url"]
    yield srv
    srv.kill()


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_live_page_headers_and_markup(live: LspProcess):
    assert live.url.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(live.url, timeout=10) as response:
        headers = response.headers
        page = response.read().decode("utf-8")
    policy = headers["Content-Security-Policy"]
    nonce = re.search(r"script-src 'nonce-([A-Za-z0-9_-]{16,})'", policy)
    assert (
        nonce and "default-src 'none'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    ), policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert f'<meta http-equiv="Content-Security-Policy" content="{policy}">' in page
    assert page.count("<script") == 1 and f'<script nonce="{nonce.group(1)}">' in page
    assert set(re.findall(r"\b(?:https?:)?//[^\s\"'<>]+", page)) == {"http://www.w3.org/2000/svg"}
    svg = page[page.index("<svg") : page.index("</svg>\n</div></main>") + len("</svg>")]
    check_svg(svg)
    # another host name (DNS rebinding) is refused
    port = live.url.split(":")[2].split("/")[0]
    request = urllib.request.Request(live.url, headers={"Host": f"evil.example:{port}"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403


@pytest.mark.slow
def test_live_page_in_chromium_runs_nothing_injected(chromium: str, live: LspProcess, tmp_path: Path):
    browser = Browser(chromium, tmp_path / "profile", 1000, 600)
    try:
        browser.load(live.url)
        browser.wait_for("document.getElementById('fz-diagram').dataset.live === 'open'")
        # a live update with more hostile text arrives over the event stream
        hostile = f'</svg><script>{TITLE}</script><svg onload=\\"{MARK}\\">'
        live.change(
            live.uri,
            2,
            [
                {
                    "range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}},
                    "text": f'n5: rectangle label:"{hostile}"\n',
                }
            ],
        )
        live.diagnostics(live.uri, 2)
        browser.wait_for("document.getElementById('fz-diagram').dataset.updates === '1'")
        state = browser.evaluate(
            """(() => ({owned: document.documentElement.getAttribute('data-owned'), title: document.title,
                        scripts: document.scripts.length, text: document.getElementById('fz-diagram').textContent,
                        hostile: document.querySelectorAll('#fz-diagram script, #fz-diagram img, '
                                                           + '#fz-diagram a, #fz-diagram foreignObject').length}))()"""
        )
        assert state["owned"] is None and state["title"] != "PWNED", state
        assert state["scripts"] == 1 and state["hostile"] == 0, state
        text = squash(state["text"])
        for where, label in HOSTILE.items():
            assert squash(label) in text, where
        assert squash(hostile.replace('\\"', '"')) in text
    finally:
        browser.close()


# ---------------------------------------------------------------------------
# The VS Code webview page


HOSTILE_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="300" height="200" '
    f'onload="{MARK}"><script>{MARK}</script>'
    f'<a href="javascript:{MARK}"><text x="10" y="20" onclick="{MARK}">click</text></a>'
    f'<foreignObject width="100" height="50">'
    f'<img xmlns="http://www.w3.org/1999/xhtml" src="x" onerror="{MARK}"/></foreignObject>'
    f'<image href="https://example.invalid/x.png" width="10" height="10"/>'
    f'<set attributeName="onmouseover" to="{MARK}"/><animate attributeName="href" to="javascript:{MARK}"/>'
    '<text x="10" y="60">hostile svg</text></svg>'
)


def test_webview_csp_is_strict():
    template = (WEBVIEW / "preview.html").read_text(encoding="utf-8")
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', template).group(1)
    policy = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert policy["default-src"] == ["'none'"], policy
    assert policy["script-src"] == ["'nonce-{{nonce}}'"], policy
    for directive, sources in policy.items():
        assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources and "*" not in sources, (
            directive,
            sources,
        )
        assert not any(s.startswith(("http:", "https:")) for s in sources), (directive, sources)
    assert not re.findall(r"https?://", template + (WEBVIEW / "preview.js").read_text(encoding="utf-8") + zoom_script())


@pytest.mark.slow
@pytest.mark.parametrize("which", ["server svg", "hostile svg"])
def test_webview_in_chromium_runs_nothing_injected(chromium: str, tmp_path: Path, which: str):
    if which == "server svg":
        from fz_lsp.analysis.document import analyse
        from fz_lsp.render import render_svg

        svg = render_svg(analyse(EVIL).model, "workflow", "light")
    else:
        svg = HOSTILE_SVG
    dom = dump_dom(chromium, webview_page(tmp_path, svg).as_uri(), tmp_path / "profile", budget_ms=3000)
    assert_nothing_ran(dom)
    canvas = dom[dom.index('id="canvas"') :]
    assert "<svg" in canvas, "the webview did not show the diagram"
    collected = TagCollector()
    collected.feed(canvas[: canvas.index('id="placeholder"')])
    for tag in ("script", "img", "foreignobject", "iframe", "set", "animate"):
        assert tag not in collected.tags, f"<{tag}> survived in the webview"
    for tag, name, value in collected.attributes:
        assert not name.startswith("on"), f"<{tag} {name}> survived in the webview"
        assert name not in ("href", "xlink:href") or value.startswith("#"), f"<{tag} {name}={value!r}> survived"
    text = dom_text(canvas)
    if which == "server svg":
        for where, label in HOSTILE.items():
            assert squash(label) in text, where
    else:
        assert "hostilesvg" in text
