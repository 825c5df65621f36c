"""The user's language: gettext catalogs for every text fz-lsp shows a person.

English is the source language: each message is written in English in the code, with
named placeholders (`Node `{node}` is not declared anywhere`), and that English text is
the gettext msgid. Catalogs live in `fz_lsp/locale/<dir>/LC_MESSAGES/fz_lsp.mo` (compiled
from the `.po` files beside them; see README, "Languages") and are read with Python's own
`gettext`, so the runtime needs nothing but the standard library.

Marking a message (the keywords `pybabel extract` looks for, scripts/i18n.py):

* `tr._(template, **args)`: the message in `tr`'s language, placeholders filled;
* `tr._n(singular, plural, n, **args)`: the same with a plural form chosen by `n`;
* `tr._p(context, template, **args)`: the same for a short text whose meaning needs a
  context (the list conjunction, the thousands separator);
* `msg(template, **args)` / `msg_n(...)`: a message to translate later (`Msg`), for code
  whose results are shared by every language (syntax.parse_line memoises statements by
  line text) or that cannot know the language (RenameError);
* `N_(template)`: marks a text kept in a table (`SHAPE_DESCRIPTIONS`); translate it where
  it is shown with `tr._(template)`.

Placeholders are filled after translation, so a translation may move them anywhere. A
translation whose placeholders differ from the English text's is not used (the English
text is, for that message only); so is a message a catalog lacks. A value may itself be
a `Msg` or a `Listing`, translated with the message around it.

Choosing the language (`resolve`): `flowzap.locale` when it is not `auto`; else the
client's `initialize` locale; else the process's (the CLI's `--lang`, else `LANGUAGE`,
`LC_ALL`, `LC_MESSAGES`, `LANG`, the first one set, as Python's gettext reads them).
Tags are matched loosely (`zh-CN`, `zh_CN.UTF-8`, `zh-Hans`, `zh` -> Simplified Chinese;
`fr`, `fr-FR`, `fr_CA` -> French); anything else is English.

Translators are made once per language and keep every message they have prepared, so a
translated diagnostic costs a dictionary lookup and one `str.format`.

Pure Python, standard library only.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, final

from fz_lsp.base.bounded_memo import BoundedMemo

if TYPE_CHECKING:
    import gettext  # imported where a catalog is read: English, the default, reads none

DOMAIN = "fz_lsp"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
ENGLISH = "en"
# language -> its catalog's folder under LOCALE_DIR (English is the source: no catalog)
CATALOGS = {"zh-CN": "zh_CN", "fr": "fr"}
LANGUAGES = (ENGLISH, *CATALOGS)
AUTO = "auto"
ENVIRONMENT_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

# what `pybabel extract` reads as messages (scripts/i18n.py and tests/test_i18n.py use these):
# keyword -> the argument positions of its message, as Babel writes them ("1c": a context)
EXTRACT_KEYWORDS = {"_": None, "N_": None, "msg": None, "_n": (1, 2), "msg_n": (1, 2), "_p": ((1, "c"), 2)}
EXTRACT_OPTIONS = ("-k", "_", "-k", "N_", "-k", "msg", "-k", "_n:1,2", "-k", "msg_n:1,2", "-k", "_p:1c,2")
COMMENT_TAG = "NOTE:"  # `# NOTE: ...` right above a message is shown to translators

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_LOCALE_SETTING = re.compile(r"[A-Za-z]{1,8}(?:[-_.@][A-Za-z0-9]{1,16}){0,4}")


def N_(template: str) -> str:
    """Marks `template` for extraction; translate it where it is shown."""
    return template


def placeholders(text: str) -> frozenset[str]:
    """The names of the `{name}` placeholders of a message."""
    return frozenset(_PLACEHOLDER.findall(text))


# ---------------------------------------------------------------------------
# Messages translated later


@final  # `type(x) is Msg` tells a Msg (here and for mypy)
@dataclass(frozen=True, slots=True)
class Msg:
    """A message and its arguments, translated when it is shown (`Translator.render`).
    `str()` gives the English text."""

    template: str
    args: tuple[tuple[str, Any], ...] = ()
    plural: str | None = None  # the English plural, for a message counted by `count`
    count: int = 0

    def __str__(self) -> str:
        return translator(ENGLISH).render(self)


def msg(template: str, **args: Any) -> Msg:
    return Msg(template, tuple(args.items()))


def msg_n(singular: str, plural: str, n: int, **args: Any) -> Msg:
    args.setdefault("n", n)
    return Msg(singular, tuple(args.items()), plural, n)


@final
@dataclass(frozen=True, slots=True)
class Listing:
    """Items in the message's language: `a`, `b`, `c` or `d` (`conjunction` "or"), … and
    `d` ("and"), or just separated (None: `a`, `b`, `c`)."""

    items: tuple[Any, ...]
    conjunction: str | None = "or"


# ---------------------------------------------------------------------------
# Translators


# a message ready to fill: (a %-format string, its placeholder names in order, a getter
# of their values, as a tuple, from the arguments)
_Prepared = tuple[str, tuple[str, ...], Callable[[Mapping[str, Any]], tuple[Any, ...]]]


def _no_values(args: Mapping[str, Any]) -> tuple[Any, ...]:
    return ()


def _one_value(name: str) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    def values(args: Mapping[str, Any], name: str = name) -> tuple[Any, ...]:  # a local: read fastest
        return (args[name],)

    return values


def _prepared_text(text: str) -> _Prepared:
    """`text` as (a %-format string, the placeholder names in order, a getter of their
    values as a tuple): its placeholders become `%s`, every other `%` is literal. A text
    without placeholders stays as it is."""
    names = tuple(m.group(1) for m in _PLACEHOLDER.finditer(text))
    if not names:
        return text, (), _no_values
    out, pos = [], 0
    for m in _PLACEHOLDER.finditer(text):
        out.append(text[pos : m.start()].replace("%", "%%"))
        out.append("%s")
        pos = m.end()
    out.append(text[pos:].replace("%", "%%"))
    getter = itemgetter(*names) if len(names) > 1 else _one_value(names[0])
    return "".join(out), names, getter


LIST_MEMO_BUDGET = 4_096  # items (+ LIST_ENTRY_WEIGHT per list) of Translator._lists: ~200 lists, < 100 KB
LIST_ENTRY_WEIGHT = 16


class Translator:
    """Messages in one language (`language`), English where its catalog says nothing."""

    def __init__(self, language: str, catalog: gettext.NullTranslations | None) -> None:
        self.language = language
        self._catalog = catalog
        # message key -> (%-format string, placeholder names in order, getter of their
        # values): a message is looked up once, then formatted positionally (cheaper than
        # str.format's keyword lookups)
        self._prepared: dict[str | tuple[str, str], _Prepared] = {}
        # or_list of a tuple -> its text. The constant lists (shapes, directions, handles) are
        # what it is for, but a Listing in a fix title holds what the user typed: bounded
        self._lists: BoundedMemo[tuple[str, ...], str] = BoundedMemo(LIST_MEMO_BUDGET, LIST_ENTRY_WEIGHT)

    # -- the keywords ------------------------------------------------------------

    # Values are used as they are (str() of each): a `Msg` or `Listing` value is rendered by
    # `render`. A placeholder no argument fills is shown as it is (never an exception).

    def _(self, template: str, /, **args: Any) -> str:
        prepared = self._prepared.get(template)
        if prepared is None:
            prepared = self._prepare(template, template, self._catalog.gettext(template) if self._catalog else template)
        fmt, names, values = prepared  # _fill, inlined: this runs for every diagnostic
        if not names:
            return fmt
        try:
            return fmt % values(args)
        except KeyError:
            return _fill(prepared, args)

    def _n(self, singular: str, plural: str, n: int, /, **args: Any) -> str:
        args.setdefault("n", n)
        if self._catalog is not None:
            translated = self._catalog.ngettext(singular, plural, n)
        else:
            translated = singular if n == 1 else plural
        key = (singular, translated)
        prepared = self._prepared.get(key)
        if prepared is None:
            prepared = self._prepare(key, singular if n == 1 else plural, translated)
        return _fill(prepared, args)

    def _p(self, context: str, template: str, /, **args: Any) -> str:
        key = (context, template)
        prepared = self._prepared.get(key)
        if prepared is None:
            translated = self._catalog.pgettext(context, template) if self._catalog else template
            prepared = self._prepare(key, template, translated)
        return _fill(prepared, args)

    # -- helpers -------------------------------------------------------------------

    def render(self, message: Msg | Listing | str) -> str:
        """A `Msg` or `Listing` in this language (a plain string is returned as it is)."""
        if type(message) is Msg:
            args = {k: self._value(v) for k, v in message.args}
            if message.plural is not None:
                return self._n(message.template, message.plural, message.count, **args)
            return self._(message.template, **args)
        if type(message) is Listing:
            if message.conjunction is None:
                return self.join(message.items)
            return self.or_list(message.items, message.conjunction)
        return message

    def or_list(self, items: tuple[Any, ...] | list[Any], conjunction: str = "or") -> str:
        """`a`, `b`, `c` or `d` (items rendered; a single item alone). A tuple of strings is
        a constant list (the shapes, the directions): its text is kept."""
        if type(items) is tuple:
            key = (conjunction, *items)
            text = self._lists.get(key)
            if text is None:
                text = self.or_list(list(items), conjunction)
                self._lists.put(key, text)
            return text
        shown = [self._value(i) for i in items]
        if len(shown) <= 1:
            return shown[0] if shown else ""
        head = self._p("list separator", ", ").join(shown[:-1])
        if conjunction == "and":
            return self._p("list", "{items} and {last}", items=head, last=shown[-1])
        return self._p("list", "{items} or {last}", items=head, last=shown[-1])

    def join(self, items: tuple[Any, ...] | list[Any]) -> str:
        """Items separated by the language's list separator (`a, b, c`)."""
        return self._p("list separator", ", ").join(self._value(i) for i in items)

    def number(self, n: int) -> str:
        """`n` with the language's thousands separator (50,000; 50 000; 50,000)."""
        text = f"{n:,}"
        if "," not in text:
            return text
        return text.replace(",", self._p("thousands separator", ","))

    def _value(self, value: Any) -> Any:
        kind = type(value)
        if kind is Msg or kind is Listing:
            return self.render(value)
        return value

    def _prepare(self, key: str | tuple[str, str], english: str, translated: str) -> _Prepared:
        """A message ready to fill: the translation when it has exactly the English text's
        placeholders, else the English text."""
        if not translated or (translated is not english and placeholders(translated) != placeholders(english)):
            translated = english
        prepared = self._prepared[key] = _prepared_text(translated)
        return prepared


def _fill(prepared: _Prepared, args: dict[str, Any]) -> str:
    fmt, names, values = prepared
    if not names:
        return fmt
    try:
        return fmt % values(args)
    except KeyError:  # a placeholder no argument fills: shown as it is
        return fmt % tuple([args.get(name, "{" + name + "}") for name in names])


@cache
def _translator_of(language: str) -> Translator:
    folder = CATALOGS.get(language)
    catalog = None
    if folder is not None:
        import gettext

        path = LOCALE_DIR / folder / "LC_MESSAGES" / f"{DOMAIN}.mo"
        try:
            with open(path, "rb") as f:
                catalog = gettext.GNUTranslations(f)
        except (OSError, ValueError, UnicodeDecodeError):  # missing or damaged: English
            catalog = None
    return Translator(language if catalog is not None or folder is None else ENGLISH, catalog)


@lru_cache(maxsize=64)
def translator(locale: str | None = None) -> Translator:
    """The translator for a locale tag (`auto`, None and unknown tags: English)."""
    return _translator_of(language_of(locale) or ENGLISH)


# ---------------------------------------------------------------------------
# Which language


def language_of(tag: str | None) -> str | None:
    """The supported language a locale tag asks for (`en`, `zh-CN`, `fr`), or None when
    it names none of them (`de`, `zh-TW`, `auto`, empty). `C`/`POSIX` are English."""
    if not tag or not isinstance(tag, str):
        return None
    t = tag.strip().split(".", 1)[0].split("@", 1)[0].replace("_", "-").lower()
    if t in ("c", "posix"):
        return ENGLISH
    parts = t.split("-")
    lang, rest = parts[0], parts[1:]
    if lang == "en":
        return ENGLISH
    if lang == "fr":
        return "fr"
    if lang == "zh":
        if "hans" in rest or not any(p in ("hant", "tw", "hk", "mo") for p in rest):
            return "zh-CN"
        return None  # Traditional Chinese: no catalog yet
    return None


def environment_language(environ: Mapping[str, str] | None = None) -> str:
    """The language the environment asks for: the first of LANGUAGE, LC_ALL, LC_MESSAGES
    and LANG that is set (a `:`-separated list: its first supported entry); English
    when none is set or none is supported."""
    environ = os.environ if environ is None else environ
    for name in ENVIRONMENT_VARIABLES:
        value = environ.get(name)
        if value:
            for tag in value.split(":"):
                found = language_of(tag)
                if found is not None:
                    return found
            return ENGLISH
    return ENGLISH


def resolve(setting: str | None, client_locale: str | None, fallback: str = ENGLISH) -> str:
    """The language to speak: `setting` (flowzap.locale) unless it is `auto`; else the
    client's locale when it sent one; else `fallback` (the process's language). An
    unsupported tag means English."""
    if setting and setting != AUTO:
        return language_of(setting) or ENGLISH
    if client_locale:
        return language_of(client_locale) or ENGLISH
    return fallback


def is_locale_setting(value: Any) -> bool:
    """A value `flowzap.locale` accepts: `auto` or something shaped like a locale tag."""
    return isinstance(value, str) and (value == AUTO or _LOCALE_SETTING.fullmatch(value) is not None)
