"""The shape templates of syntax/templates.py, kept on disk between server processes.

A template rebuilds the statement of a line from the line's tokens (see syntax/templates.py); it
is learned from lark's parse of the first line of each shape. Kept on disk, a new
process parses the common lines of a document without loading lark at all, which is
most of the cost of the first file it opens.

The file is `<cache dir>/shapes-<key>.json`, where the cache dir is `$FZ_LSP_CACHE_DIR`
(empty: no cache), else `$XDG_CACHE_HOME/fz-lsp`, else `~/.cache/fz-lsp`, and the key
is a hash of the grammar and of the modules that build statements, so a change to either starts afresh. The
file holds data, not code: each template's builder source is checked against the tiny
language syntax/templates.py writes (statement class names, `t[i]`, None/True/False, parentheses,
commas) before it is used. Anything unreadable, stale or malformed is ignored.

May import: the standard library only.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from pathlib import Path

log = logging.getLogger(__name__)

MAX_SAVED = 256  # templates kept on disk (a document has a few dozen shapes)
FORMAT = 1

_SOURCE = re.compile(r"lambda t: (?:[A-Za-z]+\(|t\[\d+\]|None|True|False|[(), ])*")
_CALL = re.compile(r"([A-Za-z]+)\(")
_INDEX = re.compile(r"t\[(\d+)\]")


def cache_dir() -> Path | None:
    configured = os.environ.get("FZ_LSP_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "fz-lsp"


def cache_key(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "little") + part)
    return digest.hexdigest()[:20]


# a line shape (syntax.py): the kinds of its tokens, scanner groups or texts
Shape = tuple[str | int, ...]


def _path(key: str) -> Path | None:
    folder = cache_dir()
    return folder / f"shapes-{key}.json" if folder is not None else None


def valid_source(source: str, shape: Shape, class_names: frozenset[str]) -> bool:
    """Whether `source` is a builder syntax.py could have written for `shape`."""
    if not _SOURCE.fullmatch(source):
        return False
    if any(name not in class_names for name in _CALL.findall(source)):
        return False
    return all(int(k) < len(shape) for k in _INDEX.findall(source))


def load(key: str, class_names: frozenset[str]) -> dict[Shape, str]:
    """shape -> builder source, as saved under `key`; {} when there is nothing usable."""
    path = _path(key)
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("templates"), list):
        return {}
    found: dict[Shape, str] = {}
    for entry in data["templates"][:MAX_SAVED]:
        if not (isinstance(entry, list) and len(entry) == 2):
            continue
        shape, source = entry
        if not (isinstance(shape, list) and isinstance(source, str)):
            continue
        if not all(type(part) in (str, int) for part in shape):
            continue
        shape = tuple(shape)
        if valid_source(source, shape, class_names):
            found[shape] = source
    return found


def save(key: str, templates: dict[Shape, str]) -> bool:
    """Write the templates (at most MAX_SAVED) atomically; False when it could not."""
    path = _path(key)
    if path is None:
        return False
    import tempfile  # here: a start whose shapes are all known saves nothing

    entries = [[list(shape), source] for shape, source in list(templates.items())[:MAX_SAVED]]
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=".shapes-", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump({"format": FORMAT, "templates": entries}, f)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError as err:
        log.debug("could not save shape templates to %s: %s", path, err)
        return False
    return True
