"""The base layer: source text and its line splitting (`source`), positions in code points
and in UTF-8/16/32 (`positions`), a memo within a memory budget (`bounded_memo`), the
garbage collector paused while much is built or drawn (`collector`), frozen dataclasses made
faster to build (`frozen`), and the user's language (`i18n`, with the catalogs in
fz_lsp/locale/).

Invariant: nothing here knows FlowZap; every other layer may use it.

May import: the standard library only.
"""
