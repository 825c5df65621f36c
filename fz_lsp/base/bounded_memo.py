"""A memo with a memory budget: the least recently used entries go first.

fz-lsp memoises results by line text (syntax.parse_line, semantic tokens) and by line
shape (syntax's templates). A server lives for days and every keystroke makes a new
line text, so every such memo is a `BoundedMemo`: each entry weighs the length of its
key plus a fixed `entry_weight` (what an entry costs beyond its key's characters), and
once the total passes `max_weight` the least recently used entries are dropped, one per
new entry in the steady state, so no call ever pays for a large eviction. The newest
entry always stays, even when it alone weighs more than the budget.

The budgets and what they cost in memory are in ARCHITECTURE.md, "Caches and their
bounds".

Pure Python: no pygls import.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from typing import Generic, Protocol, TypeVar, overload


class _Key(Protocol):
    """What a memo key must be: hashable, with a length (its weight)."""

    def __hash__(self) -> int: ...
    def __len__(self) -> int: ...


K = TypeVar("K", bound=_Key)
V = TypeVar("V")
D = TypeVar("D")

_MISSING = object()


class BoundedMemo(Generic[K, V]):
    """key -> value, least recently used first, with a total weight of at most
    `max_weight` (`len(key) + entry_weight` per entry). Keys must have a length (str,
    tuple)."""

    __slots__ = ("_entries", "max_weight", "entry_weight", "weight", "evictions")

    def __init__(self, max_weight: int, entry_weight: int) -> None:
        if max_weight <= 0 or entry_weight <= 0:
            raise ValueError("a BoundedMemo needs a positive budget and entry weight")
        self._entries: OrderedDict[K, V] = OrderedDict()
        self.max_weight = max_weight
        self.entry_weight = entry_weight
        self.weight = 0  # sum of the entries' weights
        self.evictions = 0  # entries dropped to stay within the budget (for tests and benchmarks)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __iter__(self) -> Iterator[K]:
        return iter(self._entries)

    @overload
    def get(self, key: K) -> V | None: ...
    @overload
    def get(self, key: K, default: D) -> V | D: ...

    def get(self, key: K, default: object = None) -> object:
        """The value of `key` (now the most recently used), or `default`."""
        entries = self._entries
        value = entries.get(key, _MISSING)
        if value is _MISSING:
            return default
        entries.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        """Remember `value` for `key`, dropping the least recently used entries while the
        total weight is over the budget (never the new entry itself)."""
        entries = self._entries
        if key in entries:
            entries.move_to_end(key)
            entries[key] = value
            return
        entries[key] = value
        self.weight += len(key) + self.entry_weight
        if self.weight > self.max_weight:
            self._shrink()

    def _shrink(self) -> None:
        entries = self._entries
        while self.weight > self.max_weight and len(entries) > 1:
            old, _ = entries.popitem(last=False)
            self.weight -= len(old) + self.entry_weight
            self.evictions += 1

    @overload
    def pop(self, key: K) -> V | None: ...
    @overload
    def pop(self, key: K, default: D) -> V | D: ...

    def pop(self, key: K, default: object = None) -> object:
        value = self._entries.pop(key, _MISSING)
        if value is _MISSING:
            return default
        self.weight -= len(key) + self.entry_weight
        return value

    def clear(self) -> None:
        self._entries.clear()
        self.weight = 0

    def items(self) -> Iterator[tuple[K, V]]:
        """(key, value) pairs, least recently used first."""
        return iter(self._entries.items())

    def __repr__(self) -> str:
        return f"BoundedMemo({len(self)} entries, weight {self.weight:,} of {self.max_weight:,})"
