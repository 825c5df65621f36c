"""A standalone HTML page around a rendered SVG.

The page loads nothing: no remote resource, no external file. Its Content-Security-Policy
is `default-src 'none'; style-src 'unsafe-inline'` (plus `img-src data:`, `base-uri
'none'`, `form-action 'none'`). A live page (given `live_events_url`) also carries one
small script, allowed by a fresh nonce, that listens with EventSource to that
same-origin URL (`connect-src 'self'`): each `svg` event replaces the diagram in place
(no reload, scroll position and zoom kept), each `title` event the page title. The
live page zooms with `+`, `-`, `0` and Ctrl+wheel.

Pure Python: no pygls import.
"""

from __future__ import annotations

import secrets
from typing import Optional

from fz_lsp.render.svg import THEMES, escape

_PAGE_CSS = (
    "html,body{margin:0;padding:0}"
    "body{font:13px/1.4 'DejaVu Sans',Verdana,sans-serif}"
    ".fz-page-light{background:#f3f4f6;color:#111827}"
    ".fz-page-dark{background:#181818;color:#e5e7eb}"
    ".fz-bar{position:sticky;top:0;left:0;display:flex;gap:16px;align-items:baseline;padding:6px 12px;"
    "background:inherit;border-bottom:1px solid rgba(127,127,127,.35);z-index:1}"
    ".fz-bar h1{font-size:14px;margin:0;font-weight:600}"
    ".fz-hint{opacity:.7}"
    "#fz-diagram{padding:12px;width:max-content}"
    "#fz-diagram svg{display:block;max-width:none}"
)

_LIVE_SCRIPT = """(function () {
  "use strict";
  var host = document.getElementById("fz-diagram");
  var zoom = 1;
  var updates = 0;
  function current() { return host.querySelector("svg"); }
  function applyZoom() {
    var svg = current();
    if (!svg) { return; }
    svg.style.width = (parseFloat(svg.getAttribute("width")) * zoom) + "px";
    svg.style.height = (parseFloat(svg.getAttribute("height")) * zoom) + "px";
    host.setAttribute("data-zoom", String(zoom));
  }
  function setZoom(value) { zoom = Math.min(8, Math.max(0.1, value)); applyZoom(); }
  function replaceSvg(markup) {
    var doc = new DOMParser().parseFromString(markup, "image/svg+xml");
    var root = doc.documentElement;
    if (doc.getElementsByTagName("parsererror").length || root.namespaceURI !== "http://www.w3.org/2000/svg") {
      return;
    }
    var fresh = document.importNode(root, true);
    var old = current();
    if (old) { host.replaceChild(fresh, old); } else { host.appendChild(fresh); }
    applyZoom();
    updates += 1;
    host.setAttribute("data-updates", String(updates));
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (event.key === "+" || event.key === "=") { setZoom(zoom * 1.25); }
    else if (event.key === "-") { setZoom(zoom / 1.25); }
    else if (event.key === "0") { setZoom(1); }
  });
  window.addEventListener("wheel", function (event) {
    if (!event.ctrlKey) { return; }
    event.preventDefault();
    setZoom(zoom * (event.deltaY < 0 ? 1.1 : 1 / 1.1));
  }, { passive: false });
  var events = new EventSource(host.getAttribute("data-events"));
  events.addEventListener("svg", function (event) { replaceSvg(event.data); });
  events.addEventListener("title", function (event) {
    document.title = event.data;
    document.getElementById("fz-title").textContent = event.data;
  });
  events.addEventListener("open", function () { host.setAttribute("data-live", "open"); });
  events.addEventListener("error", function () { host.setAttribute("data-live", "reconnecting"); });
})();"""


def content_security_policy(script_nonce: Optional[str]) -> str:
    policy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
    if script_nonce is not None:
        policy += f"; script-src 'nonce-{script_nonce}'; connect-src 'self'"
    return policy


def new_nonce() -> str:
    return secrets.token_urlsafe(18)


def html_page(
    svg: str, title: str, theme: str = "light", live_events_url: Optional[str] = None, nonce: Optional[str] = None
) -> str:
    """A page showing `svg` (markup from fz_lsp.render.svg) under `title`.

    A live page's script carries `nonce` (a fresh one when None); a static page has no script.
    """
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r} (expected one of {', '.join(THEMES)})")
    if live_events_url is None:
        nonce = None
    elif nonce is None:
        nonce = new_nonce()
    title_html = escape(title)
    events = f' data-events="{escape(live_events_url)}"' if live_events_url is not None else ""
    hint = '<span class="fz-hint">live · zoom with + − 0</span>' if live_events_url is not None else ""
    script = f'<script nonce="{nonce}">{_LIVE_SCRIPT}</script>' if nonce is not None else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy(nonce)}">'
        '<meta name="referrer" content="no-referrer">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title_html}</title><style>{_PAGE_CSS}</style></head>\n"
        f'<body class="fz-page fz-page-{theme}">'
        f'<header class="fz-bar"><h1 id="fz-title">{title_html}</h1>{hint}</header>\n'
        f'<main id="fz-diagram"{events}>\n{svg}\n</main>{script}</body></html>\n'
    )
