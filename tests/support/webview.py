"""The VS Code webview page as the extension fills it in, served from a file with the source
tree's scripts (media/preview.js, and fz_lsp/render/zoom.js, which scripts/build.mjs copies
beside it), for the page's security and pan/zoom tests in Chromium."""

from __future__ import annotations

import json
from pathlib import Path

from support.paths import ROOT

WEBVIEW = ROOT / "editors" / "vscode" / "media"

SILENT_VSCODE_API = "({postMessage() {}, getState() { return null; }, setState() {}})"


def webview_page(tmp_path: Path, svg: str, vscode_api: str = SILENT_VSCODE_API) -> Path:
    """The webview page as the extension fills it in, as a file (scripts from the source tree:
    media/preview.js, and fz_lsp/render/zoom.js, which the build copies beside it), that shows
    `svg` once loaded; `acquireVsCodeApi()` returns `vscode_api` (a JavaScript expression)."""
    template = (WEBVIEW / "preview.html").read_text(encoding="utf-8")
    nonce = "Rk9PQkFSQkFaUVVYMTIzNDU2"
    page = (
        template.replace("{{nonce}}", nonce)
        .replace("{{cspSource}}", "file:")
        .replace("{{scriptUri}}", (WEBVIEW / "preview.js").as_uri())
        .replace("{{zoomScriptUri}}", (ROOT / "fz_lsp" / "render" / "zoom.js").as_uri())  # build.mjs copies it
        .replace("{{styleUri}}", (WEBVIEW / "preview.css").as_uri())
    )
    assert "{{" not in page, "the webview template has a placeholder this test does not know"
    message = json.dumps({"type": "render", "svg": svg, "view": "workflow", "version": 1, "theme": "light"}).replace(
        "</", "<\\/"
    )
    stub = (
        f'<script nonce="{nonce}">'
        f"window.acquireVsCodeApi = () => {vscode_api};"
        f"window.addEventListener('load', () => window.postMessage({message}, '*'));</script>\n"
    )
    page = page.replace(f'<script nonce="{nonce}" src=', stub + f'<script nonce="{nonce}" src=', 1)
    out = tmp_path / "webview.html"
    out.write_text(page, encoding="utf-8")
    return out
