"""Message catalogs (fz_lsp/i18n.py, fz_lsp/locale/): complete, compiled, well formed.

The messages are extracted from the code the way scripts/i18n.py extracts them (Babel,
the same keywords), so a new English message without a translation in every catalog
fails here, and so does a .mo older than its .po. Translations keep the English text's
placeholders and code spans, use the glossary's terms and the language's typography.
Also: choosing the language from locale tags and the environment, and the per-message
fallback to English.
"""

from __future__ import annotations

import gettext
import io
import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from fz_lsp.analysis.document import Document
from fz_lsp.analysis.settings import Settings
from fz_lsp.base import i18n
from fz_lsp.diagnostics import check as check_diagnostics

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "fz_lsp"
TEMPLATE = i18n.LOCALE_DIR / f"{i18n.DOMAIN}.pot"
LANGUAGES = sorted(i18n.CATALOGS)

_CODE = re.compile(r"`[^`]*`")
_PLACEHOLDER = re.compile(r"\{[A-Za-z_]\w*\}")


def po_path(language: str) -> Path:
    return i18n.LOCALE_DIR / i18n.CATALOGS[language] / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"


def read_catalog(path: Path) -> Catalog:
    with open(path, "rb") as f:
        return read_po(f)


def key(message) -> tuple:
    return (message.context, message.id)


def extracted() -> set[tuple]:
    """(context, msgid) of every message the code marks, as scripts/i18n.py extracts them."""
    found = set()
    for _file, _line, text, _comments, context in extract_from_dir(
        str(PACKAGE), keywords=i18n.EXTRACT_KEYWORDS, comment_tags=[i18n.COMMENT_TAG], strip_comment_tags=True
    ):
        found.add((context, text))
    return found


@pytest.fixture(scope="module")
def code_messages() -> set[tuple]:
    return extracted()


def entries(catalog: Catalog):
    return [m for m in catalog if m.id]


def forms(message) -> list[tuple[str, str]]:
    """(English, translation) pairs of a message: one, or one per plural form."""
    if isinstance(message.id, tuple):
        singular, plural = message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        return [(singular if k == 0 else plural, s) for k, s in enumerate(strings)]
    return [(message.id, message.string)]


def prose(text: str) -> str:
    """The text without code spans and placeholders: what a translator writes."""
    return _PLACEHOLDER.sub(" ", _CODE.sub(" ", text))


# ---------------------------------------------------------------------------
# completeness


@pytest.mark.slow  # over 0.25 s here: outside the quick loop (-m 'not slow')
def test_the_template_holds_exactly_the_messages_of_the_code(code_messages):
    template = {key(m) for m in entries(read_catalog(TEMPLATE))}
    assert code_messages - template == set(), "run: .venv/bin/python scripts/i18n.py all"
    assert template - code_messages == set(), "run: .venv/bin/python scripts/i18n.py all (messages gone from the code)"
    assert len(code_messages) > 200


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_of_the_code_is_translated(language, code_messages):
    catalog = read_catalog(po_path(language))
    messages = {key(m): m for m in entries(catalog)}
    missing = sorted(str(k) for k in code_messages - set(messages))
    assert missing == [], f"{language}: no entry (run scripts/i18n.py all, then translate)"
    untranslated = sorted(
        str(k)
        for k, m in messages.items()
        if "fuzzy" in m.flags
        or any(not s for _, s in forms(m))
        or (len(forms(m)) != catalog.num_plurals and isinstance(m.id, tuple))
    )
    assert untranslated == [], f"{language}: untranslated or fuzzy messages"
    obsolete = sorted(str(k) for k in set(messages) - code_messages)
    assert obsolete == [], f"{language}: messages no longer in the code"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalog_is_the_catalog(language):
    """The committed .mo (what the package ships and reads) says what its .po says."""
    catalog = read_catalog(po_path(language))
    mo = po_path(language).with_suffix(".mo")
    with open(mo, "rb") as f:
        shipped = gettext.GNUTranslations(f)
    fresh = io.BytesIO()
    write_mo(fresh, catalog)
    fresh.seek(0)
    expected = gettext.GNUTranslations(fresh)
    assert shipped._catalog == expected._catalog, f"{mo.name} is stale: run scripts/i18n.py compile"
    assert shipped.info().get("plural-forms") == expected.info().get("plural-forms")


def test_the_catalogs_are_in_the_wheel_layout():
    """`pip install .` ships fz_lsp/ whole (hatchling, pyproject.toml); the .mo files are
    committed there and not ignored by git (hatchling honours .gitignore)."""
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    for language in LANGUAGES:
        mo = po_path(language).with_suffix(".mo")
        assert mo.is_file() and mo.stat().st_size > 1000
        assert not any(pattern in ("*.mo", "locale/", "fz_lsp/locale/") for pattern in ignored)
    assert 'packages = ["fz_lsp"]' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------
# what a translation keeps


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_placeholders_and_code(language):
    bad = []
    for m in entries(read_catalog(po_path(language))):
        for english, translated in forms(m):
            if i18n.placeholders(translated) != i18n.placeholders(english) and not (
                isinstance(m.id, tuple)
                and i18n.placeholders(translated) <= i18n.placeholders(m.id[1]) | {"n"}
                and i18n.placeholders(translated) >= i18n.placeholders(english) - {"n"}
            ):
                bad.append(("placeholders", english, translated))
            if Counter(_CODE.findall(translated)) != Counter(_CODE.findall(english)):
                bad.append(("code spans", english, translated))
    assert bad == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_are_translations(language):
    """Every message with words is written in the language (not left in English)."""
    same = []
    for m in entries(read_catalog(po_path(language))):
        for english, translated in forms(m):
            words = re.findall(r"[A-Za-z]{3,}", prose(english))
            words = [
                w
                for w in words
                if w
                not in (
                    "FlowZap",
                    "Code",
                    "Mermaid",
                    "PlantUML",
                    "UTF",
                    "NUL",
                    "HOST",
                    "PORT",
                    "LANGUAGE",
                    "LC_ALL",
                    "LC_MESSAGES",
                    "LANG",
                    "stdin",
                    "stdout",
                    "stderr",
                    "svg",
                    "html",
                    "URL",
                    "TCP",
                    "taskbox",
                )
            ]
            if words and translated == english:
                same.append(english)
            if language == "zh-CN" and words and not re.search(r"[\u4e00-\u9fff]", prose(translated)):
                same.append(english)
    assert same == []


GLOSSARY = {  # English word (outside code) -> the term each translation must then use
    "lane": {"zh-CN": "泳道", "fr": "couloir"},
    "node": {"zh-CN": "节点", "fr": "nœud"},
    "edge": {"zh-CN": "连线", "fr": "lien"},
    "loop": {"zh-CN": "循环", "fr": "boucle"},
    "handle": {"zh-CN": "连接点", "fr": "d’ancrage"},  # point(s) d’ancrage
}
# messages where the English word is not the concept (or says it through another word)
GLOSSARY_EXCEPTIONS = {
    "Only node ids and lane ids can be renamed; there is none at this position",
    "`{word}` is not a FlowZap keyword: did you mean `handle`? Write `.handle(direction)`.",
}


def test_glossary_file_names_every_language():
    text = (i18n.LOCALE_DIR / "GLOSSARY.md").read_text(encoding="utf-8")
    for word, terms in GLOSSARY.items():
        for term in terms.values():
            assert term in text, (word, term)


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_use_the_glossary(language):
    wrong = []
    for m in entries(read_catalog(po_path(language))):
        for english, translated in forms(m):
            if english in GLOSSARY_EXCEPTIONS:
                continue
            words = set(re.findall(r"[a-z]+", prose(english).lower()))
            for word, terms in GLOSSARY.items():
                plural = word + "s"
                if (word in words or plural in words) and terms[language] not in prose(translated).lower():
                    wrong.append((word, english, translated))
    assert wrong == []


def test_french_typography():
    bad = []
    for m in entries(read_catalog(po_path("fr"))):
        for _, translated in forms(m):
            text = prose(translated)
            for found in re.finditer(r"(.)([:;?!])(?=\s|$|\))", text):
                if found.group(1) not in "\u00a0\u202f":
                    bad.append(("no-break space before " + found.group(2), translated))
            if re.search(r"\w'\w", text):
                bad.append(("apostrophe ’", translated))
            if re.search(r"«(?!\u00a0)|(?<!\u00a0)»", text):
                bad.append(("no-break spaces inside « »", translated))
    assert bad == []


def test_chinese_punctuation():
    bad = []
    cjk = "\u4e00-\u9fff"
    for m in entries(read_catalog(po_path("zh-CN"))):
        for _, translated in forms(m):
            text = prose(translated)
            if re.search(rf"[{cjk}][,.:;?!()]|[,.:;?!()][{cjk}]", text):
                bad.append(translated)
    assert bad == []


# ---------------------------------------------------------------------------
# choosing the language


@pytest.mark.parametrize(
    "tag, language",
    [
        ("zh-CN", "zh-CN"),
        ("zh_CN.UTF-8", "zh-CN"),
        ("zh-Hans", "zh-CN"),
        ("zh", "zh-CN"),
        ("zh-cn", "zh-CN"),
        ("zh-Hans-HK", "zh-CN"),
        ("zh_SG", "zh-CN"),
        ("zh-TW", None),
        ("zh-Hant", None),
        ("zh_HK.UTF-8", None),
        ("fr", "fr"),
        ("fr-FR", "fr"),
        ("fr_CA", "fr"),
        ("fr_BE.UTF-8@euro", "fr"),
        ("FR", "fr"),
        ("en", "en"),
        ("en-US", "en"),
        ("en_GB.UTF-8", "en"),
        ("C", "en"),
        ("C.UTF-8", "en"),
        ("POSIX", "en"),
        ("de", None),
        ("de-DE", None),
        ("", None),
        (None, None),
        ("auto", None),
        ("francais", None),
    ],
)
def test_locale_tags(tag, language):
    assert i18n.language_of(tag) == language


@pytest.mark.parametrize(
    "environ, language",
    [
        ({}, "en"),
        ({"LANG": "zh_CN.UTF-8"}, "zh-CN"),
        ({"LANG": "fr_FR.UTF-8"}, "fr"),
        ({"LC_ALL": "fr_CA.UTF-8", "LANG": "zh_CN.UTF-8"}, "fr"),
        ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "fr_FR.UTF-8"}, "zh-CN"),
        ({"LANGUAGE": "de:fr:en", "LANG": "zh_CN.UTF-8"}, "fr"),
        ({"LANGUAGE": "de", "LANG": "zh_CN.UTF-8"}, "en"),  # Python's gettext: the first variable set decides
        ({"LANGUAGE": "", "LANG": "C.UTF-8"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
    ],
)
def test_environment(environ, language):
    assert i18n.environment_language(environ) == language


def test_resolve_order():
    assert i18n.resolve("auto", "fr", "zh-CN") == "fr"  # the client's locale
    assert i18n.resolve("auto", None, "zh-CN") == "zh-CN"  # else the process's
    assert i18n.resolve("zh-CN", "fr", "en") == "zh-CN"  # the setting wins
    assert i18n.resolve("de", "fr", "zh-CN") == "en"  # an unsupported setting: English
    assert i18n.resolve("auto", "de", "zh-CN") == "en"  # the client asked for German: English, not the environment
    assert i18n.resolve(None, "zh-Hans", "en") == "zh-CN"


def test_the_setting_accepts_locale_tags_only():
    assert Settings.from_mapping({"flowzap": {"locale": "zh-CN"}}).locale == "zh-CN"
    assert Settings.from_mapping({"locale": "fr_CA.UTF-8"}).locale == "fr_CA.UTF-8"
    assert Settings.from_mapping({"locale": "auto"}, Settings(locale="fr")).locale == "auto"
    for bad in (3, None, "", "x" * 80, "fr FR", "../../etc", ["fr"]):
        assert Settings.from_mapping({"locale": bad}, Settings(locale="fr")).locale == "fr", bad
    assert Settings().locale == "auto"


# ---------------------------------------------------------------------------
# translating


def _translator(messages: dict) -> i18n.Translator:
    """A French Translator over an in-memory catalog (msgid -> msgstr)."""
    catalog = Catalog(locale="fr")
    for msgid, msgstr in messages.items():
        catalog.add(msgid, msgstr)
    data = io.BytesIO()
    write_mo(data, catalog)
    data.seek(0)
    return i18n.Translator("fr", gettext.GNUTranslations(data))


def test_a_partial_or_broken_catalog_falls_back_per_message_to_english():
    tr = _translator(
        {
            "Node `{node}` is not declared anywhere": "Le nœud `{node}` n’est déclaré nulle part",
            "`{node}` is declared here": "`{noeud}` est déclaré ici",  # a placeholder renamed: unusable
            "first occurrence": "",  # untranslated
        }
    )
    assert tr._("Node `{node}` is not declared anywhere", node="n9") == "Le nœud `n9` n’est déclaré nulle part"
    assert tr._("`{node}` is declared here", node="n1") == "`n1` is declared here"
    assert tr._("first occurrence") == "first occurrence"
    assert tr._("previous message") == "previous message"  # not in the catalog at all
    assert tr._("a {brace} and a { # literal }", brace="x") == "a x and a { # literal }"


def test_placeholders_move_and_values_are_never_translated():
    tr = _translator(
        {"Lane `{lane}` is already declared on line {line}": "Ligne {line} : le couloir `{lane}` existe déjà"}
    )
    assert tr._("Lane `{lane}` is already declared on line {line}", lane="{line}", line=7) == (
        "Ligne 7 : le couloir `{line}` existe déjà"
    )


def test_unknown_languages_and_auto_are_english():
    for tag in ("de", "auto", None, "zh-TW", "xx-YY"):
        tr = i18n.translator(tag)
        assert tr.language == "en"
        assert tr._("Node `{node}` is not declared anywhere", node="n9") == "Node `n9` is not declared anywhere"


def test_translators_are_made_once_per_language():
    assert i18n.translator("zh_CN.UTF-8") is i18n.translator("zh-Hans") is i18n.translator("zh")
    assert i18n.translator("fr-FR") is i18n.translator("fr_CA")


def test_lists_and_numbers_in_each_language():
    items = ["`a`", "`b`", "`c`"]
    assert i18n.translator("en").or_list(items) == "`a`, `b` or `c`"
    assert i18n.translator("zh-CN").or_list(items) == "`a`、`b` 或 `c`"
    assert i18n.translator("fr").or_list(items) == "`a`, `b` ou `c`"
    assert i18n.translator("fr").or_list(items[:1]) == "`a`"
    assert i18n.translator("en").number(50000) == "50,000"
    assert i18n.translator("fr").number(1234567) == "1\u202f234\u202f567"
    assert i18n.translator("zh-CN").number(999) == "999"


def test_plural_forms():
    fr, zh = i18n.translator("fr"), i18n.translator("zh-CN")
    singular, plural = "Lane {lane} · {n} node: {ids}", "Lane {lane} · {n} nodes: {ids}"
    assert fr._n(singular, plural, 1, lane="`A`", ids="`n1`") == "Couloir `A` · 1 nœud\u00a0: `n1`"
    assert fr._n(singular, plural, 2, lane="`A`", ids="`n1`, `n2`") == "Couloir `A` · 2 nœuds\u00a0: `n1`, `n2`"
    assert zh._n(singular, plural, 2, lane="`A`", ids="`n1`、`n2`") == "泳道 `A` · 2 个节点：`n1`、`n2`"
    assert i18n.translator("en")._n(singular, plural, 1, lane="`A`", ids="`n1`") == "Lane `A` · 1 node: `n1`"


def test_a_broken_line_is_translated_when_diagnosed_not_when_parsed():
    """syntax.parse_line memoises statements by line text for every document and language:
    the statement holds a message to translate, each document's diagnostics their own text."""
    text = 'A { # A\nn1: circle label:"a"\nn2 rectangle label:"b"\nn1.handle(right) -> n2.handle(left)\n}\n'
    english = check_diagnostics(Document(text), Settings())
    chinese = check_diagnostics(Document(text), Settings(locale="zh-CN"))
    french = check_diagnostics(Document(text), Settings(locale="fr"))
    assert [d.message for d in english] == ["Missing `:` after `n2`: write `n2: rectangle …`"]
    assert [d.message for d in chinese] == ["`n2` 后缺少 `:`：请写成 `n2: rectangle …`"]
    assert [d.message for d in french] == ["Il manque `:` après `n2`\u00a0: écrivez `n2: rectangle …`"]
    assert chinese[0].data["title"] == "在 `n2` 后加上 `:`" and english[0].data["title"] == "Add `:` after `n2`"
    assert (
        [(d.code, d.span) for d in english] == [(d.code, d.span) for d in chinese] == [(d.code, d.span) for d in french]
    )


def test_the_english_of_a_message_is_its_str():
    message = i18n.msg(
        "Unexpected {token} (expected {expected})",
        token="'->'",
        expected=i18n.Listing(("`(`", i18n.msg("a name"), "..."), None),
    )
    assert str(message) == "Unexpected '->' (expected `(`, a name, ...)"
    assert i18n.translator("zh-CN").render(message) == "意外的 '->'（应为 `(`、名称、...）"


def test_vs_code_offers_the_setting_and_sends_its_display_language():
    import json

    vscode = ROOT / "editors" / "vscode"
    manifest = json.loads((vscode / "package.json").read_text(encoding="utf-8"))
    setting = manifest["contributes"]["configuration"]["properties"]["flowzap.locale"]
    assert setting["enum"] == [i18n.AUTO, *i18n.LANGUAGES] and setting["default"] == i18n.AUTO
    assert len(setting["enumDescriptions"]) == len(setting["enum"])
    # the extension re-sends the `flowzap` section on change; the server pulls it at start
    assert "configurationSection: 'flowzap'" in (vscode / "src" / "extension.ts").read_text(encoding="utf-8")
    client = vscode / "node_modules" / "vscode-languageclient" / "lib" / "common" / "client.js"
    if client.is_file():  # after `npm ci`: InitializeParams.locale is vscode.env.language
        text = client.read_text(encoding="utf-8")
        assert "locale: this.getLocale()" in text and "return vscode_1.env.language;" in text
