"""The command line in the user's language (issue 17): `--lang`, else LANGUAGE, LC_ALL,
LC_MESSAGES, LANG. Only messages change: paths, lines, columns (counted in characters,
CJK or not), severities, codes and the JSON keys are the same in every language."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from fz_lsp.base import i18n
from support.commands import run_cli
from support.installed_wheel import InstalledWheel
from support.paths import EXAMPLES, FIXTURES

pytestmark = pytest.mark.slow  # the CLI in several languages, a process per run: deselected by -m "not slow"

ROOT = Path(__file__).resolve().parents[1]
BROKEN = "examples/broken.fz"
# the environment without any language variable, so each test says the one it means
BASE_ENV = {k: v for k, v in os.environ.items() if k not in i18n.ENVIRONMENT_VARIABLES} | {"PYTHONPATH": str(ROOT)}
CJK = re.compile(r"[\u4e00-\u9fff]")
LINE = re.compile(r"^(?P<head>[^\s]+:\d+:\d+: (?:error|warning|info|hint)\[[a-z-]+\]) (?P<message>.+)$")


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return run_cli(*args, env={**BASE_ENV, **(env or {})})


def report(result: subprocess.CompletedProcess) -> list[tuple[str, str]]:
    lines = result.stdout.splitlines()
    parsed = [LINE.match(line) for line in lines]
    assert all(parsed), lines
    return [(m.group("head"), m.group("message")) for m in parsed]


def test_lang_zh_cn_check_prints_chinese_with_the_same_codes_lines_and_columns():
    english = run("check", BROKEN, env={"LANG": "C.UTF-8"})
    chinese = run("check", BROKEN, env={"LANG": "zh_CN.UTF-8"})
    assert english.returncode == chinese.returncode == 1
    assert english.stderr == chinese.stderr == ""
    en, zh = report(english), report(chinese)
    assert len(en) == len(zh) > 20
    assert [head for head, _ in zh] == [head for head, _ in en]
    for (_, e), (_, z) in zip(en, zh):
        assert z != e and CJK.search(z), (e, z)
    assert (
        "examples/broken.fz:4:5: error[unknown-shape]",
        "未知的形状 `rect`。您是不是想写 `rectangle`？可用的形状有 `circle`、`rectangle`、`diamond` 或 `taskbox`。",
    ) in zh


@pytest.mark.parametrize(
    "args, env",
    [
        (("--lang", "fr", "check"), {"LANG": "zh_CN.UTF-8"}),  # --lang before the command wins over LANG
        (("check", "--lang", "fr"), {"LANG": "zh_CN.UTF-8"}),  # ... and after it
        (("check", "--lang=fr_FR.UTF-8"), {}),
        (("check",), {"LANGUAGE": "de:fr", "LANG": "zh_CN.UTF-8"}),
        (("check",), {"LC_ALL": "fr_CA.UTF-8", "LANG": "zh_CN.UTF-8"}),
    ],
)
def test_french_from_the_option_or_the_environment(args, env):
    french = report(run(*args, BROKEN, env=env))
    assert (
        "examples/broken.fz:4:5: error[unknown-shape]",
        "Forme inconnue `rect`. Vouliez-vous dire `rectangle`\u00a0? Les formes sont `circle`, `rectangle`, "
        "`diamond` ou `taskbox`.",
    ) in french


def test_json_is_the_same_but_for_the_messages():
    english = json.loads(run("check", "--format", "json", BROKEN, env={"LANG": "en_US.UTF-8"}).stdout)
    for lang in ("zh-CN", "fr"):
        other = json.loads(run("check", "--format", "json", "--lang", lang, BROKEN).stdout)
        assert [{k: v for k, v in d.items() if k != "message"} for d in other] == [
            {k: v for k, v in d.items() if k != "message"} for d in english
        ]
        assert all(a["message"] != b["message"] for a, b in zip(other, english))


def test_cjk_text_in_the_document_and_the_messages_keeps_columns_in_characters(tmp_path):
    """Columns count characters whatever the language of the text or of the messages."""
    path = tmp_path / "收银.fz"
    path.write_text(
        "Shop { # 收银台\n"
        'n1: circle label:"开始 🚀"\n'
        'n2: rectangle label:"结账"\n'
        'n1.handle(right) -> n2.handle(rigth) [label="付款 ✓"]\n'
        "}\n",
        encoding="utf-8",
    )
    english = json.loads(run("check", "--format", "json", str(path), env={"LANG": "C"}).stdout)
    chinese = json.loads(run("check", "--format", "json", str(path), env={"LANG": "zh_CN.UTF-8"}).stdout)
    (e,), (z,) = english, chinese
    assert (e["line"], e["column"], e["endColumn"], e["code"]) == (z["line"], z["column"], z["endColumn"], z["code"])
    assert (z["line"], z["column"], z["endColumn"]) == (4, 31, 36)  # `rigth`, counted in characters
    assert z["message"] == "未知的连接点方向 `rigth`：您是不是想写 `right`？请使用 `left`、`right`、`top` 或 `bottom`。"


def test_errors_and_help_in_the_language():
    missing = run("--lang", "zh-CN", "check", "no-such-file.fz")
    assert (missing.returncode, missing.stdout) == (2, "")
    assert missing.stderr == "fz-lsp: 无法读取 no-such-file.fz：文件或目录不存在\n"
    missing = run("check", "no-such-file.fz", env={"LANG": "fr_FR.UTF-8"})
    assert missing.stderr == "fz-lsp: impossible de lire no-such-file.fz\u00a0: fichier ou répertoire introuvable\n"
    english = run("check", "no-such-file.fz", env={"LANG": "C.UTF-8"})
    assert english.stderr == "fz-lsp: cannot read no-such-file.fz: no such file or directory\n"
    helped = run("check", "--help", env={"LANG": "zh_CN.UTF-8"})
    assert helped.returncode == 0 and "不输出提示级别的诊断" in helped.stdout and "--no-hints" in helped.stdout
    tcp = run("--lang", "fr", "--tcp", "nowhere")
    assert (tcp.returncode, tcp.stderr) == (2, "fz-lsp: --tcp attend HOST:PORT, par exemple 127.0.0.1:2087\n")


def test_render_says_why_in_the_language(tmp_path):
    nothing = run("render", "--lang", "fr", str(FIXTURES / "mermaid-only.fz"))
    assert nothing.returncode == 1
    assert "rien à dessiner" in nothing.stderr and "pas à du FlowZap Code" in nothing.stderr
    broken = run("render", str(EXAMPLES / "broken.fz"), "-o", str(tmp_path / "out.svg"), env={"LANG": "zh_CN.UTF-8"})
    english = run("render", str(EXAMPLES / "broken.fz"), "-o", str(tmp_path / "out2.svg"), env={"LANG": "C.UTF-8"})
    assert broken.returncode == english.returncode == 1
    zh, en = broken.stderr.splitlines(), english.stderr.splitlines()
    assert len(zh) == len(en) > 5
    for z, e in zip(zh, en):
        assert LINE.match(z).group("head") == LINE.match(e).group("head") and CJK.search(z)


def test_the_readme_examples_are_what_the_cli_prints():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Languages") : readme.index("**Which language.**")]
    shown = [line for line in section.splitlines() if line.startswith("examples/broken.fz:")]
    assert len(shown) == 3
    printed = set()
    for args, env in (
        (("check",), {"LANG": "C.UTF-8"}),
        (("check",), {"LANG": "zh_CN.UTF-8"}),
        (("check", "--lang", "fr"), {}),
    ):
        printed |= set(run(*args, BROKEN, env=env).stdout.splitlines())
    assert set(shown) <= printed


@pytest.mark.slow
def test_the_installed_wheel_ships_the_catalogs_and_speaks_chinese(installed_wheel: InstalledWheel, tmp_path):
    """`pip wheel .` (hatchling) carries the compiled catalogs; installed on its own (no
    Babel, no checkout), the CLI reads them (the wheel is built once per session)."""
    for folder in i18n.CATALOGS.values():
        assert f"fz_lsp/locale/{folder}/LC_MESSAGES/fz_lsp.mo" in installed_wheel.names
    env = {k: v for k, v in BASE_ENV.items() if k != "PYTHONPATH"} | {"LANG": "zh_CN.UTF-8"}
    result = subprocess.run(
        [str(installed_wheel.python), "-m", "fz_lsp", "check", str(ROOT / BROKEN)],
        capture_output=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
        text=True,
        encoding="utf-8",
    )
    assert result.returncode == 1 and "未知的形状 `rect`" in result.stdout, result.stderr
    where = subprocess.run(
        [str(installed_wheel.python), "-c", "import fz_lsp.base.i18n as i; print(i.LOCALE_DIR)"],
        capture_output=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
        text=True,
    )
    assert str(installed_wheel.site) in where.stdout
