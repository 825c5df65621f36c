"""A standalone HTML page around a rendered SVG.

The page loads nothing: no remote resource, no external file. Its Content-Security-Policy
is `default-src 'none'; style-src 'unsafe-inline'` (plus `img-src data:`, `base-uri
'none'`, `form-action 'none'`) and lets exactly one inline script run. That script starts
with fz_lsp/render/zoom.js, the pan and zoom script the VS Code webview uses too: the
diagram opens fitted to the window's width (and follows it when the window is resized)
until the user zooms, with its buttons, `+`, `-`, `0` (fit), `1` (actual size), the arrow
keys, Ctrl+wheel or a pinch around the pointer; the wheel and dragging pan.

- a static page (`fz-lsp render -o x.html`) runs only that: its script is allowed by its
  sha256 hash (`script-src 'sha256-…'`, the same bytes in every page, so the page is the
  same for the same diagram) and may connect nowhere. Without scripts (a viewer that
  blocks them) the page still shows the diagram fitted to the window by CSS alone, and
  scrolls; the zoom buttons stay hidden;
- a live page (given `live_events_url`) carries a fresh nonce instead, and its script also
  listens with EventSource to that same-origin URL (`connect-src 'self'`): each `svg` event
  replaces the diagram in place (no reload, zoom and position kept; the page's frame takes
  the new diagram's theme), each `title` event the page title. Given a `reveal_url` (same
  origin), a click on a node, an architecture component or arrow (not a drag) POSTs where
  it comes from (`{"node"|"lane"|"lines", "line"}`, read from the SVG's data attributes)
  there as JSON, so the editor can show that source.

Pure Python: no pygls import.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
import secrets
from importlib import resources

from fz_lsp.analysis.views import THEMES
from fz_lsp.render.svg import escape

_SVG_THEME = re.compile(r'class="[^"]*\bfz-theme-([a-z]+)\b')

_PAGE_CSS = (
    "html,body{margin:0;padding:0;height:100%}"
    "body{display:flex;flex-direction:column;font:13px/1.4 'DejaVu Sans',Verdana,sans-serif}"
    ".fz-page-light{background:#f3f4f6;color:#111827}"
    ".fz-page-dark{background:#181818;color:#e5e7eb}"
    ".fz-bar{flex:none;display:flex;gap:12px;align-items:center;padding:6px 12px;"
    "border-bottom:1px solid rgba(127,127,127,.35)}"
    ".fz-bar h1{font-size:14px;margin:0;font-weight:600}"
    ".fz-hint{opacity:.7}"
    ".fz-zoom{display:flex;gap:4px;align-items:center;margin-left:auto}"
    ".fz-zoom[hidden]{display:none}"
    ".fz-zoom button{font:inherit;color:inherit;background:rgba(127,127,127,.15);"
    "border:1px solid rgba(127,127,127,.35);border-radius:3px;padding:1px 8px;cursor:pointer}"
    ".fz-zoom output{min-width:3.5em;text-align:center;opacity:.75}"
    "#fz-diagram{flex:1 1 auto;min-height:0;overflow:auto;padding:12px;outline:none}"
    "#fz-diagram:focus-visible{box-shadow:inset 0 0 0 1px currentColor}"
    "#fz-diagram svg{display:block;max-width:100%;height:auto}"
    "#fz-diagram[data-reveal] [data-node],#fz-diagram[data-reveal] .fz-component[data-lane],"
    "#fz-diagram[data-reveal] .fz-dependency[data-lines],#fz-diagram[data-reveal] .fz-participant[data-lane],"
    "#fz-diagram[data-reveal] .fz-message[data-lines],#fz-diagram[data-reveal] .fz-frame[data-lines]{cursor:pointer}"
)

# Every page: the diagram in #fz-canvas pans and zooms inside #fz-diagram (zoom.js).
_PAGE_SCRIPT = """(function () {
  "use strict";
  var host = document.getElementById("fz-diagram");
  var canvas = document.getElementById("fz-canvas");
  var controls = document.getElementById("fz-zoom");
  var zoom = FlowZapZoom.attach(host, {
    canvas: canvas, label: document.getElementById("fz-zoom-level"), controls: controls
  });
  controls.hidden = false;
"""

# A live page: updates over EventSource, clicks to the source.
_LIVE_SCRIPT = """  var updates = 0;
  function replaceSvg(markup) {
    var doc = new DOMParser().parseFromString(markup, "image/svg+xml");
    var root = doc.documentElement;
    if (doc.getElementsByTagName("parsererror").length || root.namespaceURI !== "http://www.w3.org/2000/svg") {
      return;
    }
    var fresh = document.importNode(root, true);
    var classes = " " + (fresh.getAttribute("class") || "") + " ";  // the frame follows the diagram's theme
    var theme = classes.indexOf(" fz-theme-dark ") >= 0 ? "dark" : "";
    if (!theme && classes.indexOf(" fz-theme-light ") >= 0) { theme = "light"; }
    if (theme) { document.body.className = "fz-page fz-page-" + theme; }
    canvas.replaceChildren(fresh);
    zoom.contentChanged();
    updates += 1;
    host.setAttribute("data-updates", String(updates));
  }
  var revealUrl = host.getAttribute("data-reveal");
  var CLICKABLE = "[data-node], .fz-component[data-lane], .fz-dependency[data-lines], " +
    ".fz-participant[data-lane], .fz-message[data-lines], .fz-frame[data-lines]";
  host.addEventListener("click", function (event) {  // a drag's click never gets here (zoom.js)
    if (!revealUrl) { return; }
    var el = event.target && event.target.closest ? event.target.closest(CLICKABLE) : null;
    if (!el || !canvas.contains(el)) { return; }
    var line = parseInt(el.getAttribute("data-line"), 10);
    var target = { line: isFinite(line) ? line : null };
    if (el.hasAttribute("data-node")) { target.node = el.getAttribute("data-node"); }
    else if (el.hasAttribute("data-lines")) {
      target.lines = el.getAttribute("data-lines").split(/\\s+/).map(Number)
        .filter(function (n) { return isFinite(n); });
    } else { target.lane = el.getAttribute("data-lane"); }
    fetch(revealUrl, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(target) })
      .then(function (answer) { host.setAttribute("data-revealed", String(answer.status)); },
            function () { host.setAttribute("data-revealed", "failed"); });
  });
  var events = new EventSource(host.getAttribute("data-events"));
  events.addEventListener("svg", function (event) { replaceSvg(event.data); });
  events.addEventListener("title", function (event) {
    document.title = event.data;
    document.getElementById("fz-title").textContent = event.data;
  });
  events.addEventListener("open", function () { host.setAttribute("data-live", "open"); });
  events.addEventListener("error", function () { host.setAttribute("data-live", "reconnecting"); });
"""

_ZOOM_CONTROLS = (
    '<span class="fz-zoom" id="fz-zoom" hidden>'
    '<button type="button" data-zoom="out" title="Zoom out (-)" aria-label="Zoom out">&#x2212;</button>'
    '<output id="fz-zoom-level" aria-live="polite">100%</output>'
    '<button type="button" data-zoom="in" title="Zoom in (+)" aria-label="Zoom in">+</button>'
    '<button type="button" data-zoom="fit" title="Fit to the window\'s width (0)">Fit</button>'
    '<button type="button" data-zoom="actual" title="Actual size (1)">1:1</button></span>'
)
_DIAGRAM_LABEL = "Diagram; drag to pan, Ctrl+wheel or +/- to zoom, 0 to fit the width, 1 for actual size"


@functools.cache
def zoom_script() -> str:
    """fz_lsp/render/zoom.js, the pan and zoom script every preview page runs."""
    return resources.files(__package__).joinpath("zoom.js").read_text(encoding="utf-8")


@functools.cache
def page_script(live: bool) -> str:
    """The one script of a static page (`live=False`) or of a live page."""
    return f"{zoom_script()}\n{_PAGE_SCRIPT}{_LIVE_SCRIPT if live else ''}}})();\n"


@functools.cache
def _static_script_hash() -> str:
    digest = hashlib.sha256(page_script(live=False).encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def svg_theme(svg: str) -> str | None:
    """The theme an SVG of fz_lsp.render.svg is drawn in (its root's `fz-theme-…` class), or None."""
    m = _SVG_THEME.search(svg, 0, svg.find(">") + 1)
    return m.group(1) if m is not None and m.group(1) in THEMES else None


def content_security_policy(script_nonce: str | None) -> str:
    """The policy of a live page whose script carries `script_nonce`, or (None) of a static
    page, whose one script is allowed by its hash and connects nowhere."""
    policy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
    if script_nonce is None:
        return policy + f"; script-src '{_static_script_hash()}'"
    return policy + f"; script-src 'nonce-{script_nonce}'; connect-src 'self'"


def new_nonce() -> str:
    return secrets.token_urlsafe(18)


def html_page(
    svg: str,
    title: str,
    theme: str = "light",
    live_events_url: str | None = None,
    nonce: str | None = None,
    reveal_url: str | None = None,
) -> str:
    """A page showing `svg` (markup from fz_lsp.render.svg) under `title`.

    A live page's script carries `nonce` (a fresh one when None) and, given `reveal_url`,
    posts clicks there; a static page's script is the same in every page (its hash is in
    the policy).
    """
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r} (expected one of {', '.join(THEMES)})")
    live = live_events_url is not None
    if not live:
        nonce = None
    elif nonce is None:
        nonce = new_nonce()
    title_html = escape(title)
    events = f' data-events="{escape(live_events_url)}"' if live_events_url is not None else ""
    if live and reveal_url is not None:
        events += f' data-reveal="{escape(reveal_url)}"'
    hint = '<span class="fz-hint">live · drag to pan' if live else ""
    if live:
        hint += " · click to go to the source</span>" if reveal_url is not None else "</span>"
    script_tag = f'<script nonce="{nonce}">' if nonce is not None else "<script>"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy(nonce)}">'
        '<meta name="referrer" content="no-referrer">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title_html}</title><style>{_PAGE_CSS}</style></head>\n"
        f'<body class="fz-page fz-page-{theme}">'
        f'<header class="fz-bar"><h1 id="fz-title">{title_html}</h1>{hint}{_ZOOM_CONTROLS}</header>\n'
        f'<main id="fz-diagram" tabindex="0" aria-label="{_DIAGRAM_LABEL}"{events}>'
        f'<div id="fz-canvas">\n{svg}\n</div></main>{script_tag}{page_script(live)}</script></body></html>\n'
    )
