"""Reading .fz files for the command line, and saying in one line why one cannot be read.

Shared by `fz-lsp check` and `fz-lsp render`, so both refuse the same inputs with the
same words: missing files, directories, unreadable files, binary files (NUL bytes) and
text that is not UTF-8. Pure Python: no pygls import.
"""

from __future__ import annotations

import sys

READ_ERRORS = (OSError, UnicodeDecodeError, ValueError)


def read_source(path: str) -> str:
    """The text of `path` ('-' is standard input), decoded as UTF-8 (a BOM is dropped).

    Raises one of READ_ERRORS; `describe_error` turns it into a reason."""
    if path == "-":
        data = sys.stdin.buffer.read()
    else:
        with open(path, "rb") as f:
            data = f.read()
    if b"\x00" in data:
        raise ValueError("binary file (contains NUL bytes)")
    return data.decode("utf-8-sig")


def describe_error(error: BaseException) -> str:
    """A short lower-case reason for a failed read or write, e.g. 'is a directory'."""
    if isinstance(error, UnicodeDecodeError):
        return f"not valid UTF-8 (byte 0x{error.object[error.start]:02x} at offset {error.start})"
    if isinstance(error, IsADirectoryError):
        return "is a directory"
    if isinstance(error, FileNotFoundError):
        return "no such file or directory"
    if isinstance(error, PermissionError):
        return "permission denied"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror.lower()
    return str(error)
