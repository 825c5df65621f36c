"""`fz-lsp` as a person meets it from a terminal: the server on TCP ends quietly after
shutdown and exit, and a terminal on stdin gets a one-line hint instead of a silent wait
(a real pseudo-terminal, a real TCP connection). The command lines editors start the server
with are served without the parser, which would make nothing else of them."""

from __future__ import annotations

import json
import os
import pty
import select
import socket
import subprocess
import time

import pytest

from fz_lsp.cli import SERVER_ARGV
from fz_lsp.cli.arguments import build_parser
from support.commands import CLI_COMMAND, SERVER_ENV
from support.paths import ROOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _send(conn: socket.socket, message: dict) -> None:
    body = json.dumps(message).encode()
    conn.sendall(b"Content-Length: %d\r\n\r\n" % len(body) + body)


def _read_until(conn: socket.socket, needle: bytes) -> bytes:
    data = b""
    while needle not in data:
        chunk = conn.recv(65536)
        assert chunk, data
        data += chunk
    return data


def _tcp_session(shutdown: bool) -> subprocess.CompletedProcess:
    """A TCP server process that gets initialize, (shutdown,) exit; its status and stderr."""
    port = _free_port()
    proc = subprocess.Popen(
        [*CLI_COMMAND, "--tcp", f"127.0.0.1:{port}"],
        env=SERVER_ENV,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(200):
            try:
                conn = socket.create_connection(("127.0.0.1", port), timeout=30)
                break
            except OSError:
                time.sleep(0.05)
        else:
            raise AssertionError("the server did not listen")
        with conn:
            _send(conn, {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
            _read_until(conn, b'"serverInfo"')
            _send(conn, {"jsonrpc": "2.0", "method": "initialized", "params": {}})
            if shutdown:
                _send(conn, {"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
                _read_until(conn, b'"id": 2')
            _send(conn, {"jsonrpc": "2.0", "method": "exit"})
            stdout, stderr = proc.communicate(timeout=60)
        return subprocess.CompletedProcess(proc.args, proc.returncode, stdout.decode(), stderr.decode())
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_the_tcp_server_exits_quietly_after_shutdown_and_exit():
    result = _tcp_session(shutdown=True)
    assert (result.returncode, result.stderr) == (0, "")


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_the_tcp_server_exit_without_shutdown_is_status_1_and_still_quiet():
    result = _tcp_session(shutdown=False)
    assert (result.returncode, result.stderr) == (1, "")


def _read_line(fd: int, timeout: float = 60) -> bytes:
    data = b""
    deadline = time.monotonic() + timeout
    while not data.endswith(b"\n"):
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        assert ready, f"no line within {timeout} s: {data!r}"
        chunk = os.read(fd, 4096)
        assert chunk, data
        data += chunk
    return data


def _on_a_terminal(*args: str, env: dict | None = None) -> tuple[subprocess.Popen, int]:
    """fz-lsp ARGS with a pseudo-terminal as stdin; (process, the terminal's master fd)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [*CLI_COMMAND, *args],
        stdin=slave,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env or SERVER_ENV,
        cwd=ROOT,
    )
    os.close(slave)
    return proc, master


def test_bare_fz_lsp_on_a_terminal_says_in_one_line_what_it_is():
    proc, master = _on_a_terminal()
    try:
        line = _read_line(proc.stderr.fileno())
        assert line == (
            b"fz-lsp: this is the FlowZap language server, waiting for an editor on stdin (Ctrl-D quits); "
            b"for the command line see fz-lsp --help\n"
        )
    finally:
        proc.kill()
        proc.wait(timeout=10)
        os.close(master)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "fz-lsp: lecture du FlowZap Code depuis le terminal\u00a0; terminez par Ctrl-D"),
        ("zh-CN", "fz-lsp: 正在从终端读取 FlowZap Code\uff1b按 Ctrl-D 结束"),
    ],
)
def test_check_reading_a_terminal_says_how_to_end_the_text(language: str, expected: str):
    proc, master = _on_a_terminal("check", "--lang", language, "-")
    try:
        line = _read_line(proc.stderr.fileno()).decode()
        assert line == expected + "\n"
        os.write(master, b'A { # A\nn1: rect label:"x"\n}\n\x04')  # Ctrl-D at the start of a line: end of input
        stdout, _ = proc.communicate(timeout=60)
        assert proc.returncode == 1
        assert stdout.decode().startswith("<stdin>:2:5: error[unknown-shape]")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        os.close(master)


def test_no_hint_when_stdin_is_not_a_terminal():
    result = subprocess.run(
        [*CLI_COMMAND, "check", "-"], input=b"", capture_output=True, env=SERVER_ENV, cwd=ROOT, timeout=60
    )
    assert (result.returncode, result.stderr) == (0, b"")


@pytest.mark.parametrize("argv", SERVER_ARGV, ids=lambda argv: " ".join(("fz-lsp", *argv)))
def test_the_command_lines_served_without_the_parser_are_what_the_parser_makes_the_default_server(argv):
    """fz_lsp.cli serves SERVER_ARGV as `run_server()` with every option at its default: the
    parser reads them as no command, no TCP, no log file, no language."""
    args = build_parser().parse_args(list(argv))
    assert (args.command, args.tcp, args.log_file, args.lang) == (None, None, None, None)
    assert set(vars(args)) == {"command", "stdio", "tcp", "log_file", "lang"}  # nothing else to pass on
