"""base/frozen.py: `quick_init` keeps a frozen dataclass what it was, only faster to make."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import pytest

from fz_lsp.base.frozen import quick_init


@quick_init
@dataclass(frozen=True, slots=True)
class Piece:
    name: str
    size: float
    tags: tuple[str, ...] = ()
    colour: str = "red"


def test_the_same_parameters_values_and_defaults():
    assert Piece("a", 1.5) == Piece(name="a", size=1.5, tags=(), colour="red")
    p = Piece("b", 2, ("x",), colour="blue")
    assert (p.name, p.size, p.tags, p.colour) == ("b", 2, ("x",), "blue")
    assert repr(p) == "Piece(name='b', size=2, tags=('x',), colour='blue')"
    assert hash(p) == hash(Piece("b", 2, ("x",), "blue"))
    assert dataclasses.replace(p, size=3) == Piece("b", 3, ("x",), "blue")
    with pytest.raises(TypeError):
        Piece("a")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Piece("a", 1, nope=2)  # type: ignore[call-arg]


def test_still_frozen():
    p = Piece("a", 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.size = 2  # type: ignore[misc]


def test_refuses_what_it_cannot_make():
    @dataclass(slots=True)
    class Mutable:
        a: int

    @dataclass(frozen=True)
    class NoSlots:
        a: int

    @dataclass(frozen=True, slots=True)
    class Factory:
        a: list[int] = field(default_factory=list)

    @dataclass(frozen=True, slots=True)
    class Checked:
        a: int

        def __post_init__(self) -> None:
            pass

    for cls in (Mutable, NoSlots, Factory, Checked, int):
        with pytest.raises(TypeError):
            quick_init(cls)
