"""The arguments of the MCP tools, checked: every way a call can be malformed gets one sentence
that says what to send instead, before any work is done.

Limits: a tool works on at most MAX_CODE_CHARS characters, MAX_LINES lines and MAX_LANES lanes
(FlowZap itself takes 50,000 characters; a 10,000-line document has ~400 lanes), and takes at
most MAX_OPERATIONS operations in a call. An answer lists at most MAX_DIAGNOSTICS diagnostics.

Pure Python: no MCP SDK import (the tools are tested without a server too).

May import: the standard library.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

MAX_CODE_CHARS = 1_000_000
MAX_LINES = 100_000
MAX_LANES = 1_000
MAX_OPERATIONS = 1_000
MAX_DIAGNOSTICS = 500


class ToolInputError(ValueError):
    """A call the tool cannot answer; `str(error)` is one sentence for the agent."""


def kind(value: object) -> str:
    """The JSON name of a value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, Sequence):
        return "an array"
    return type(value).__name__


def arguments_of(raw: object) -> Mapping[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ToolInputError(f"the arguments must be an object, not {kind(raw)}")
    return raw


def _nul_at(text: str) -> str:
    before = text[: text.index("\0")]
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    return f"line {line}, column {column}"


def code(args: Mapping[str, Any], name: str = "code") -> str:
    """A FlowZap Code argument: a string, without NUL, within the limits of size and lines."""
    if name not in args or args[name] is None:
        raise ToolInputError(f"`{name}` is missing: pass the FlowZap Code as a string")
    value = args[name]
    if not isinstance(value, str):
        raise ToolInputError(f"`{name}` must be a string of FlowZap Code, not {kind(value)}")
    if len(value) > MAX_CODE_CHARS:
        raise ToolInputError(
            f"`{name}` has {len(value):,} characters, more than the {MAX_CODE_CHARS:,} this server takes "
            "(FlowZap itself takes 50,000)"
        )
    if "\0" in value:
        raise ToolInputError(f"`{name}` contains a NUL character ({_nul_at(value)}); FlowZap Code is plain text")
    lines = value.count("\n") + 1
    if lines > MAX_LINES:
        raise ToolInputError(f"`{name}` has {lines:,} lines, more than the {MAX_LINES:,} this server takes")
    return value


def lanes_within_limit(name: str, lane_count: int) -> None:
    if lane_count > MAX_LANES:
        raise ToolInputError(
            f"`{name}` opens {lane_count:,} lanes, more than the {MAX_LANES:,} this server works on "
            "(a FlowZap diagram has a handful)"
        )


def flag(args: Mapping[str, Any], name: str, default: bool = False) -> bool:
    value = args.get(name)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise ToolInputError(f"`{name}` must be true or false, not {kind(value)}")
    return value


def choice(args: Mapping[str, Any], name: str, choices: Sequence[str], default: str) -> str:
    value = args.get(name)
    if value is None:
        return default
    if value not in choices:
        shown = repr(value) if isinstance(value, str) else kind(value)
        raise ToolInputError(f"`{name}` must be one of {', '.join(choices)}, not {shown}")
    return str(value)


def number(args: Mapping[str, Any], name: str, default: float) -> float:
    value = args.get(name)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ToolInputError(f"`{name}` must be a number, not {kind(value)}")
    return float(value)


def _check_strings(value: object, path: str) -> None:
    """Every string inside `value` (at any depth): no NUL, and all within MAX_CODE_CHARS together."""
    budget = MAX_CODE_CHARS
    stack: list[tuple[object, str]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            budget -= len(item)
            if budget < 0:
                raise ToolInputError(f"`{path}` holds more than {MAX_CODE_CHARS:,} characters of text")
            if "\0" in item:
                raise ToolInputError(f"`{where}` contains a NUL character")
        elif isinstance(item, Mapping):
            stack += [(sub, f"{where}.{key}") for key, sub in item.items()]
        elif isinstance(item, Sequence):
            stack += [(sub, f"{where}[{k}]") for k, sub in enumerate(item)]


def operations(args: Mapping[str, Any], known: Sequence[str]) -> list[Mapping[str, Any]]:
    """The `operations` argument: an array of objects whose `op` is one of `known`."""
    value = args.get("operations")
    if value is None:
        raise ToolInputError('`operations` is missing: pass an array of operations such as {"op": "insertNode", …}')
    if isinstance(value, (str, Mapping)) or not isinstance(value, Sequence):
        raise ToolInputError(f"`operations` must be an array of operations, not {kind(value)}")
    if len(value) > MAX_OPERATIONS:
        raise ToolInputError(
            f"`operations` has {len(value):,} operations, more than the {MAX_OPERATIONS:,} one call takes"
        )
    for k, op in enumerate(value):
        if not isinstance(op, Mapping):
            raise ToolInputError(f"`operations[{k}]` must be an object with an `op`, not {kind(op)}")
        name = op.get("op")
        if name not in known:
            shown = "missing" if name is None else repr(name) if isinstance(name, str) else kind(name)
            raise ToolInputError(f"`operations[{k}].op` is {shown}; it must be one of {', '.join(known)}")
    _check_strings(value, "operations")
    return list(value)
