"""A standalone HTML page around a rendered SVG.

The page loads nothing: no remote resource, no external file. Its Content-Security-Policy
is `default-src 'none'; style-src 'unsafe-inline'` (plus `img-src data:`, `base-uri
'none'`, `form-action 'none'`). The diagram keeps its viewBox, so it scales:

- a static page (`fz-lsp render -o x.html`) runs no script at all: it opens fitted to the
  window's width by CSS alone (`max-width: 100%`, height following the viewBox), and two
  toggles (radio inputs styled as buttons, CSS `:checked` rules) switch between *Fit
  width* and *Actual size*, where the window's scroll bars pan;
- a live page (given `live_events_url`) also carries one small script, allowed by a fresh
  nonce, that listens with EventSource to that same-origin URL (`connect-src 'self'`):
  each `svg` event replaces the diagram in place (no reload, scroll position and zoom
  kept; the page's frame takes the new diagram's theme), each `title` event the page
  title. It opens fitted to the window's width (and
  follows it when the window is resized) and zooms in and out with its buttons, `+`, `-`,
  `0` (fit), `1` (actual size) and Ctrl+wheel; dragging the diagram pans it. Given a
  `reveal_url` (same origin), a click on a node, an architecture component or arrow (not
  a drag) POSTs where it comes from (`{"node"|"lane"|"lines", "line"}`, read from the
  SVG's data attributes) there as JSON, so the editor can show that source.

Pure Python: no pygls import.
"""

from __future__ import annotations

import re
import secrets

from fz_lsp.analysis.views import THEMES
from fz_lsp.render.svg import escape

_SVG_THEME = re.compile(r'class="[^"]*\bfz-theme-([a-z]+)\b')

_PAGE_CSS = (
    "html,body{margin:0;padding:0}"
    "body{font:13px/1.4 'DejaVu Sans',Verdana,sans-serif}"
    ".fz-page-light{background:#f3f4f6;color:#111827}"
    ".fz-page-dark{background:#181818;color:#e5e7eb}"
    ".fz-bar{position:sticky;top:0;left:0;display:flex;gap:12px;align-items:center;padding:6px 12px;"
    "background:inherit;border-bottom:1px solid rgba(127,127,127,.35);z-index:1}"
    ".fz-bar h1{font-size:14px;margin:0;font-weight:600}"
    ".fz-hint{opacity:.7}"
    ".fz-zoom{display:flex;gap:4px;align-items:center;margin-left:auto}"
    ".fz-zoom button,.fz-zoom label{font:inherit;color:inherit;background:rgba(127,127,127,.15);"
    "border:1px solid rgba(127,127,127,.35);border-radius:3px;padding:1px 8px;cursor:pointer}"
    ".fz-zoom output{min-width:3.5em;text-align:center;opacity:.75}"
    ".fz-size{position:absolute;opacity:0;pointer-events:none}"
    "#fz-fit:checked~.fz-bar label[for=fz-fit],#fz-actual:checked~.fz-bar label[for=fz-actual]"
    "{border-color:currentColor}"
    "#fz-diagram{padding:12px}"
    "#fz-diagram svg{display:block;max-width:100%;height:auto}"
    "#fz-actual:checked~#fz-diagram{width:max-content}"
    "#fz-actual:checked~#fz-diagram svg{max-width:none}"
    "#fz-diagram[data-live]{cursor:grab;touch-action:none}"
    "#fz-diagram.fz-panning{cursor:grabbing;user-select:none}"
    "#fz-diagram[data-reveal] [data-node],#fz-diagram[data-reveal] .fz-component[data-lane],"
    "#fz-diagram[data-reveal] .fz-dependency[data-lines],#fz-diagram[data-reveal] .fz-participant[data-lane],"
    "#fz-diagram[data-reveal] .fz-message[data-lines],#fz-diagram[data-reveal] .fz-frame[data-lines]{cursor:pointer}"
)

_LIVE_SCRIPT = """(function () {
  "use strict";
  var host = document.getElementById("fz-diagram");
  var level = document.getElementById("fz-zoom-level");
  var PAD = 24;
  var fitted = true;  // follow the window's width until the user zooms
  var zoom = 1;       // the scale of the diagram's own size when not fitted
  var updates = 0;
  function current() { return host.querySelector("svg"); }
  function size(svg) {
    return [parseFloat(svg.getAttribute("width")) || 1, parseFloat(svg.getAttribute("height")) || 1];
  }
  function fitScale(svg) {
    return Math.min(1, Math.max(0.05, (document.documentElement.clientWidth - PAD) / size(svg)[0]));
  }
  function scale() { var svg = current(); return !svg ? 1 : (fitted ? fitScale(svg) : zoom); }
  function applyZoom() {
    var svg = current();
    if (!svg) { return; }
    var s = scale(), wh = size(svg);
    svg.style.maxWidth = "none";
    svg.style.width = (wh[0] * s) + "px";
    svg.style.height = (wh[1] * s) + "px";
    host.style.width = fitted ? "" : "max-content";
    host.setAttribute("data-zoom", String(Math.round(s * 1000) / 1000));
    host.setAttribute("data-fitted", fitted ? "yes" : "no");
    level.textContent = Math.round(s * 100) + "%";
  }
  function setZoom(value) { fitted = false; zoom = Math.min(8, Math.max(0.05, value)); applyZoom(); }
  function fit() { fitted = true; applyZoom(); }
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
    var old = current();
    if (old) { host.replaceChild(fresh, old); } else { host.appendChild(fresh); }
    applyZoom();
    updates += 1;
    host.setAttribute("data-updates", String(updates));
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (event.key === "+" || event.key === "=") { setZoom(scale() * 1.25); }
    else if (event.key === "-") { setZoom(scale() / 1.25); }
    else if (event.key === "0") { fit(); }
    else if (event.key === "1") { setZoom(1); }
  });
  document.getElementById("fz-zoom").addEventListener("click", function (event) {
    var action = event.target && event.target.getAttribute ? event.target.getAttribute("data-zoom") : null;
    if (action === "in") { setZoom(scale() * 1.25); }
    else if (action === "out") { setZoom(scale() / 1.25); }
    else if (action === "fit") { fit(); }
    else if (action === "actual") { setZoom(1); }
  });
  window.addEventListener("wheel", function (event) {
    if (!event.ctrlKey) { return; }
    event.preventDefault();
    setZoom(scale() * (event.deltaY < 0 ? 1.1 : 1 / 1.1));
  }, { passive: false });
  window.addEventListener("resize", function () { if (fitted) { applyZoom(); } });
  var drag = null;
  var dragged = false;  // the last press moved: its click is no click
  host.addEventListener("pointerdown", function (event) {
    if (event.button !== 0) { return; }
    drag = { x: event.clientX, y: event.clientY, sx: event.clientX, sy: event.clientY };
    dragged = false;
    host.classList.add("fz-panning");
  });
  window.addEventListener("pointermove", function (event) {
    if (!drag) { return; }
    window.scrollBy(drag.x - event.clientX, drag.y - event.clientY);
    drag.x = event.clientX;
    drag.y = event.clientY;
    if (Math.abs(drag.x - drag.sx) + Math.abs(drag.y - drag.sy) > 4) { dragged = true; }
  });
  window.addEventListener("pointerup", function () { drag = null; host.classList.remove("fz-panning"); });
  var revealUrl = host.getAttribute("data-reveal");
  var CLICKABLE = "[data-node], .fz-component[data-lane], .fz-dependency[data-lines], " +
    ".fz-participant[data-lane], .fz-message[data-lines], .fz-frame[data-lines]";
  host.addEventListener("click", function (event) {
    if (dragged || !revealUrl) { dragged = false; return; }
    var el = event.target && event.target.closest ? event.target.closest(CLICKABLE) : null;
    if (!el || !host.contains(el)) { return; }
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
  applyZoom();
  var events = new EventSource(host.getAttribute("data-events"));
  events.addEventListener("svg", function (event) { replaceSvg(event.data); });
  events.addEventListener("title", function (event) {
    document.title = event.data;
    document.getElementById("fz-title").textContent = event.data;
  });
  events.addEventListener("open", function () { host.setAttribute("data-live", "open"); });
  events.addEventListener("error", function () { host.setAttribute("data-live", "reconnecting"); });
})();"""

_STATIC_SIZES = (
    '<input class="fz-size" type="radio" name="fz-size" id="fz-fit" checked>'
    '<input class="fz-size" type="radio" name="fz-size" id="fz-actual">'
)
_STATIC_ZOOM = (
    '<span class="fz-zoom" id="fz-zoom">'
    '<label for="fz-fit" title="Fit the diagram to the window\'s width">Fit width</label>'
    '<label for="fz-actual" title="The diagram at its own size; scroll to pan">Actual size</label></span>'
)
_LIVE_ZOOM = (
    '<span class="fz-zoom" id="fz-zoom">'
    '<button type="button" data-zoom="out" title="Zoom out (-)" aria-label="Zoom out">&#x2212;</button>'
    '<output id="fz-zoom-level" aria-live="polite">100%</output>'
    '<button type="button" data-zoom="in" title="Zoom in (+)" aria-label="Zoom in">+</button>'
    '<button type="button" data-zoom="fit" title="Fit to the window\'s width (0)">Fit</button>'
    '<button type="button" data-zoom="actual" title="Actual size (1)">1:1</button></span>'
)


def svg_theme(svg: str) -> str | None:
    """The theme an SVG of fz_lsp.render.svg is drawn in (its root's `fz-theme-…` class), or None."""
    m = _SVG_THEME.search(svg, 0, svg.find(">") + 1)
    return m.group(1) if m is not None and m.group(1) in THEMES else None


def content_security_policy(script_nonce: str | None) -> str:
    policy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
    if script_nonce is not None:
        policy += f"; script-src 'nonce-{script_nonce}'; connect-src 'self'"
    return policy


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
    posts clicks there; a static page has no script.
    """
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r} (expected one of {', '.join(THEMES)})")
    if live_events_url is None:
        nonce = None
    elif nonce is None:
        nonce = new_nonce()
    title_html = escape(title)
    events = f' data-events="{escape(live_events_url)}"' if live_events_url is not None else ""
    if live_events_url is not None and reveal_url is not None:
        events += f' data-reveal="{escape(reveal_url)}"'
    live = live_events_url is not None
    hint = '<span class="fz-hint">live · drag to pan' if live else ""
    if live:
        hint += " · click to go to the source</span>" if reveal_url is not None else "</span>"
    sizes = "" if live else _STATIC_SIZES
    zoom = _LIVE_ZOOM if live else _STATIC_ZOOM
    script = f'<script nonce="{nonce}">{_LIVE_SCRIPT}</script>' if nonce is not None else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy(nonce)}">'
        '<meta name="referrer" content="no-referrer">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title_html}</title><style>{_PAGE_CSS}</style></head>\n"
        f'<body class="fz-page fz-page-{theme}">{sizes}'
        f'<header class="fz-bar"><h1 id="fz-title">{title_html}</h1>{hint}{zoom}</header>\n'
        f'<main id="fz-diagram"{events}>\n{svg}\n</main>{script}</body></html>\n'
    )
