"""Reading .fz files for the command line, and saying in one line why one cannot be read.

Shared by `fz-lsp check` and `fz-lsp render`, so both refuse the same inputs with the
same words: missing files, directories, unreadable files, binary files (NUL bytes) and
text that is not UTF-8, in the language of the translator given (fz_lsp/base/i18n.py; the
operating system's own words for other errors stay as they are).

May import: fz_lsp.base.
"""

from __future__ import annotations

import sys

from fz_lsp.base.i18n import Translator, translator

READ_ERRORS = (OSError, UnicodeDecodeError, ValueError)


class BinaryFileError(ValueError):
    """The input contains NUL bytes."""


def stdin_is_a_terminal() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, ValueError):  # replaced by an object without isatty, or closed
        return False


def read_source(path: str, tr: Translator | None = None) -> str:
    """The text of `path` ('-' is standard input), decoded as UTF-8 (a BOM is dropped).
    Standard input that is a terminal gets a one-line hint on stderr first (in `tr`'s
    language), rather than a silent wait.

    Raises one of READ_ERRORS; `describe_error` turns it into a reason."""
    if path == "-":
        if stdin_is_a_terminal():
            tr = tr or translator()
            print("fz-lsp: " + tr._("reading FlowZap Code from the terminal; end it with Ctrl-D"), file=sys.stderr)
        data = sys.stdin.buffer.read()
    else:
        with open(path, "rb") as f:
            data = f.read()
    if b"\x00" in data:
        raise BinaryFileError("binary file (contains NUL bytes)")
    return data.decode("utf-8-sig")


def describe_error(error: BaseException, tr: Translator | None = None) -> str:
    """A short lower-case reason for a failed read or write, e.g. 'is a directory' (in
    `tr`'s language; English by default)."""
    tr = tr or translator()
    if isinstance(error, UnicodeDecodeError):
        return tr._(
            "not valid UTF-8 (byte {byte} at offset {offset})",
            byte=f"0x{error.object[error.start]:02x}",
            offset=error.start,
        )
    if isinstance(error, BinaryFileError):
        return tr._("binary file (contains NUL bytes)")
    if isinstance(error, IsADirectoryError):
        return tr._("is a directory")
    if isinstance(error, FileNotFoundError):
        return tr._("no such file or directory")
    if isinstance(error, PermissionError):
        return tr._("permission denied")
    if isinstance(error, OSError) and error.strerror:
        return error.strerror.lower()
    return str(error)


def cannot(tr: Translator, verb: str, path: str, error: BaseException) -> str:
    """`fz-lsp: cannot read|write PATH: reason`, in `tr`'s language."""
    reason = describe_error(error, tr)
    if verb == "write":
        return "fz-lsp: " + tr._("cannot write {path}: {reason}", path=path, reason=reason)
    return "fz-lsp: " + tr._("cannot read {path}: {reason}", path=path, reason=reason)
