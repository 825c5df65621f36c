"""Live diagram preview in a web browser, for editors without a webview.

`BrowserPreviewServer` serves one page per (document, view) on 127.0.0.1 (a random free
port) from a daemon thread, and pushes every new rendering to the open pages with
Server-Sent Events: the page (fz_lsp.render.html) opens fitted to the window's width,
zooms and pans, and swaps the SVG in place, keeping its scroll position and zoom. The LSP
layer needs three calls:

    server = BrowserPreviewServer(render=lambda uri, view: (svg, title) or None)
    url = server.open(uri, "workflow")   # starts the server, renders, returns the page URL
    server.document_changed(uri)          # re-renders the open views and pushes them

`render` runs only in the thread that calls `open` / `document_changed` (the LSP's own),
never in the HTTP threads, which serve the last rendering they were handed.

Click to source: given `reveal=lambda uri, target: ...`, a page posts what a click hit
(`{"node"|"lane"|"lines", "line"}`, see fz_lsp/reveal.py) to `POST /p/<token>/reveal`,
and `reveal` gets the page's document URI and that target. It is called in an HTTP
thread, so it must only hand the work over (the LSP layer schedules it on its loop). The
request must come from the page itself: this server's host and origin, a JSON body of at
most `MAX_REVEAL_BYTES`, the page's token; anything else is refused. Pushing
never blocks the caller: each browser connection keeps only the newest SVG it has not
sent yet, connections beyond `max_clients` are refused, and a browser that stops reading
is dropped after `send_timeout` seconds. Page URLs carry an unguessable token and
requests must name this server's own host (no DNS rebinding).

Pure Python: no pygls import.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from fz_lsp.render.html import content_security_policy, html_page, new_nonce, svg_theme

# (uri, view[, theme]) -> (svg, title); the theme is passed only for a page opened with one
# (else the renderer's own choice: the user's setting)
RenderCallback = Callable[..., tuple[str, str] | None]
RevealCallback = Callable[[str, dict], None]  # (uri, what a click hit), from an HTTP thread
MAX_REVEAL_BYTES = 4096


class _Client:
    """One open event stream: the newest undelivered SVG and a way to wake its thread."""

    def __init__(self, connection: socket.socket) -> None:
        self.connection = connection
        self._wake = threading.Condition()
        self._pending: tuple[str, str] | None = None  # (svg, title)
        self.closed = False

    def offer(self, svg: str, title: str) -> None:
        with self._wake:
            self._pending = (svg, title)
            self._wake.notify()

    def close(self) -> None:
        with self._wake:
            self.closed = True
            self._wake.notify()
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def next(self, timeout: float) -> tuple[str, str] | None:
        """The next SVG to send, or None after `timeout` (time for a keep-alive) or on close."""
        with self._wake:
            if self._pending is None and not self.closed:
                self._wake.wait(timeout)
            pending, self._pending = self._pending, None
            return None if self.closed else pending


@dataclass
class _Page:
    uri: str
    view: str
    token: str
    theme: str | None = None  # asked for when the page was opened; None: the renderer's choice
    svg: str = ""
    title: str = ""
    version: int = 0
    clients: set[_Client] = field(default_factory=set)


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A browser that hung up mid-response is routine: no traceback on standard error."""


def sse_event(name: str, data: str) -> bytes:
    """One Server-Sent Event; every line of `data` gets its own `data:` field."""
    lines = data.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return (f"event: {name}\n" + "".join(f"data: {line}\n" for line in lines) + "\n").encode("utf-8")


class BrowserPreviewServer:
    def __init__(
        self,
        render: RenderCallback,
        theme: str = "light",
        reveal: RevealCallback | None = None,
        max_clients: int = 32,
        send_timeout: float = 10.0,
        keepalive: float = 15.0,
    ) -> None:
        self._render = render
        self._reveal = reveal
        self._theme = theme
        self._max_clients = max_clients
        self._send_timeout = send_timeout
        self._keepalive = keepalive
        self._lock = threading.Lock()
        self._pages: dict[tuple[str, str, str | None], _Page] = {}
        self._by_token: dict[str, _Page] = {}
        self._httpd: ThreadingHTTPServer | None = None
        self._port = 0
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------

    def start(self) -> None:
        """Bind 127.0.0.1 on a free port and serve from a daemon thread (idempotent)."""
        with self._lock:
            if self._httpd is not None:
                return
            httpd = _QuietServer(("127.0.0.1", 0), _handler_class(self))
            thread = threading.Thread(
                target=httpd.serve_forever, kwargs={"poll_interval": 0.2}, name="fz-lsp-browser-preview", daemon=True
            )
            self._httpd, self._port, self._thread = httpd, httpd.server_address[1], thread
        thread.start()

    def stop(self) -> None:
        """Close every event stream and the listening socket."""
        with self._lock:  # from here on no stream can attach (_subscribe checks _httpd)
            httpd, thread = self._httpd, self._thread
            self._httpd = self._thread = None
            clients = [c for page in self._pages.values() for c in page.clients]
        if httpd is None:
            return
        httpd.shutdown()
        for client in clients:
            client.close()
        httpd.server_close()
        if thread is not None:
            thread.join(timeout=5)

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the preview server is not running")
        return f"http://127.0.0.1:{self._port}"

    # -- pages ------------------------------------------------------------------

    def url_for(self, uri: str, view: str = "workflow", theme: str | None = None) -> str:
        """The page URL of (uri, view, theme), registering the page (empty until rendered).
        A page with no theme shows what the renderer chooses (the user's setting)."""
        self.start()
        with self._lock:
            page = self._pages.get((uri, view, theme))
            if page is None:
                page = _Page(uri, view, secrets.token_urlsafe(16), theme)
                self._pages[(uri, view, theme)] = page
                self._by_token[page.token] = page
        return f"{self.base_url}/p/{page.token}"

    def open(self, uri: str, view: str = "workflow", theme: str | None = None) -> str:
        """Start if needed, render (uri, view, theme) now, and return its page URL."""
        url = self.url_for(uri, view, theme)
        self._refresh(uri, view, theme)
        return url

    def document_changed(self, uri: str) -> None:
        """Re-render every open view of `uri` and push the new SVG to its browsers."""
        with self._lock:
            pages = [(view, theme) for (page_uri, view, theme) in self._pages if page_uri == uri]
        for view, theme in pages:
            self._refresh(uri, view, theme)

    def update(self, uri: str, view: str, svg: str, title: str, theme: str | None = None) -> None:
        """Hand over a rendering of (uri, view, theme) and push it to its browsers if it changed."""
        with self._lock:
            page = self._pages.get((uri, view, theme))
            if page is None or (page.svg == svg and page.title == title):
                return
            page.svg, page.title = svg, title
            page.version += 1
            clients = list(page.clients)
        for client in clients:
            client.offer(svg, title)

    def close(self, uri: str) -> None:
        """Forget every page of `uri` (the document was closed) and end their streams."""
        with self._lock:
            gone = [page for key, page in self._pages.items() if key[0] == uri]
            for page in gone:
                del self._pages[(page.uri, page.view, page.theme)]
                del self._by_token[page.token]
        for page in gone:
            for client in list(page.clients):
                client.close()

    def client_count(self, uri: str | None = None) -> int:
        """Open event streams (of `uri`'s pages, or all)."""
        with self._lock:
            return sum(len(p.clients) for p in self._pages.values() if uri is None or p.uri == uri)

    def _refresh(self, uri: str, view: str, theme: str | None = None) -> None:
        rendered = self._render(uri, view) if theme is None else self._render(uri, view, theme)
        if rendered is not None:
            svg, title = rendered
            self.update(uri, view, svg, title, theme)

    # -- used by the request handler -------------------------------------------

    def _page_snapshot(self, token: str) -> tuple[str, str, int] | None:
        with self._lock:
            page = self._by_token.get(token)
            return (page.svg, page.title, page.version) if page is not None else None

    def _subscribe(self, token: str, client: _Client, since: int) -> bool | None:
        """Attach a stream; None: no such page (or stopping); False: too many clients; True: attached
        (and the current SVG queued when the page is newer than version `since`)."""
        with self._lock:
            page = self._by_token.get(token)
            if page is None or self._httpd is None:
                return None
            if sum(len(p.clients) for p in self._pages.values()) >= self._max_clients:
                return False
            page.clients.add(client)
            if page.version != since:
                client.offer(page.svg, page.title)
            return True

    def _unsubscribe(self, token: str, client: _Client) -> None:
        with self._lock:
            page = self._by_token.get(token)
            if page is not None:
                page.clients.discard(client)

    def _allowed_host(self, host: str | None) -> bool:
        return host in (f"127.0.0.1:{self._port}", f"localhost:{self._port}")

    def _allowed_origin(self, origin: str | None) -> bool:
        return origin in (f"http://127.0.0.1:{self._port}", f"http://localhost:{self._port}")

    def _page_uri(self, token: str) -> str | None:
        with self._lock:
            page = self._by_token.get(token)
            return page.uri if page is not None else None


def _handler_class(server: BrowserPreviewServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "fz-lsp-preview"
        sys_version = ""
        timeout = 30  # seconds to wait for a request line and headers

        def log_message(self, format: str, *args: object) -> None:  # `format`: the stdlib signature
            """Silent: standard error belongs to the language server."""

        def do_GET(self) -> None:
            if not server._allowed_host(self.headers.get("Host")):
                self._plain(403, "forbidden host")
                return
            parts = urlsplit(self.path)
            segments = parts.path.strip("/").split("/")
            if len(segments) == 2 and segments[0] == "p":
                self._page(segments[1])
            elif len(segments) == 3 and segments[0] == "p" and segments[2] == "events":
                since = parse_qs(parts.query).get("since", ["0"])[0]
                self._events(segments[1], int(since) if since.isdigit() else 0)
            else:
                self._plain(404, "not found")

        def do_POST(self) -> None:
            """A click in the page: `POST /p/<token>/reveal` with the JSON of what it hit."""
            if not server._allowed_host(self.headers.get("Host")):
                self._plain(403, "forbidden host")
                return
            segments = urlsplit(self.path).path.strip("/").split("/")
            if server._reveal is None or len(segments) != 3 or segments[0] != "p" or segments[2] != "reveal":
                self._plain(404, "not found")
                return
            if not server._allowed_origin(self.headers.get("Origin")):
                self._plain(403, "forbidden origin")
                return
            if (self.headers.get("Content-Type") or "").split(";")[0].strip().lower() != "application/json":
                self._plain(415, "expected application/json")
                return
            length = self.headers.get("Content-Length")
            if length is None or not length.isdigit():
                self._plain(411, "length required")
                return
            if int(length) > MAX_REVEAL_BYTES:
                self._plain(413, "too large")
                return
            try:
                target = json.loads(self.rfile.read(int(length)).decode("utf-8"))
            except (ValueError, UnicodeDecodeError):
                target = None
            if not isinstance(target, dict):
                self._plain(400, "expected a JSON object")
                return
            uri = server._page_uri(segments[1])
            if uri is None:
                self._plain(404, "no such preview (the document was closed)")
                return
            server._reveal(uri, target)
            self.send_response(204)
            self.send_header("Cache-Control", "no-store")
            self.end_headers()

        def _plain(self, status: int, text: str) -> None:
            body = text.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def _page(self, token: str) -> None:
            snapshot = server._page_snapshot(token)
            if snapshot is None:
                self._plain(404, "no such preview (the document was closed)")
                return
            svg, title, version = snapshot
            nonce = new_nonce()
            events_url = f"/p/{token}/events?since={version}"
            reveal_url = f"/p/{token}/reveal" if server._reveal is not None else None
            # the page's frame in the theme its diagram is drawn in (the page script follows it)
            theme = svg_theme(svg) or server._theme
            body = html_page(svg, title, theme, events_url, nonce, reveal_url).encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Content-Security-Policy", content_security_policy(nonce))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Referrer-Policy", "no-referrer")
            self.end_headers()
            self.wfile.write(body)

        def _events(self, token: str, since: int) -> None:
            client = _Client(self.connection)
            attached = server._subscribe(token, client, since)
            if attached is None:
                self._plain(404, "no such preview (the document was closed)")
                return
            if not attached:
                self._plain(503, "too many preview connections")
                return
            try:
                self.connection.settimeout(server._send_timeout)
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream; charset=utf-8")
                self.send_header("Cache-Control", "no-store")
                self.send_header("X-Content-Type-Options", "nosniff")
                self.end_headers()
                self.wfile.write(b"retry: 2000\n\n")
                self.wfile.flush()
                while not client.closed:
                    pending = client.next(server._keepalive)
                    if pending is None:
                        if not client.closed:
                            self.wfile.write(b": keep-alive\n\n")
                    else:
                        svg, title = pending
                        self.wfile.write(sse_event("svg", svg) + sse_event("title", title))
                    self.wfile.flush()
            except OSError:
                pass  # the browser went away or stopped reading: drop it
            finally:
                server._unsubscribe(token, client)

    return Handler
