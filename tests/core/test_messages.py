"""The message catalogue: every code speaks both languages with the same parameters, Chinese without machine
text; every error raised on purpose carries a code (checked over the product's source by AST)."""

import ast
import re
from pathlib import Path

import pytest

from core import errors
from core.messages import CATALOGUE, WORDS, pick_lang, placeholders, render

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("workflows", "api", "kpi", "core", "assistant")
# snake_case words, ids like E0032 / #12, and any run of Latin letters longer than an allowed abbreviation
SNAKE = re.compile(r"[A-Za-z]+_[A-Za-z_]+")
ALLOWED_LATIN = {"KPI", "OKR", "HR", "PDF"}
LATIN_WORD = re.compile(r"[A-Za-z]+")


def _zh_of(name: str) -> str:
    """A zh placeholder's English twin: `{x_zh}` pairs with `{x_en}`; the rest must appear as they are."""
    return name.removesuffix("_zh") + "_en" if name.endswith("_zh") else name


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_code_speaks_both_languages_with_matching_placeholders(code: str) -> None:
    tpl = CATALOGUE[code]
    assert tpl.en.strip() and tpl.zh.strip()
    en, zh = placeholders(tpl.en), placeholders(tpl.zh)
    # Chinese never shows an id, so it may use fewer parameters; every one it uses the English has too
    assert {_zh_of(p) for p in zh} <= en, f"{code}: zh uses {zh - en} the English lacks"
    assert not any(p == "id" or p.endswith("_id") for p in zh), code
    text = re.sub(r"\{[^}]*\}", "", tpl.zh)
    assert not SNAKE.search(text), f"{code}: snake_case in {tpl.zh!r}"
    latin = set(LATIN_WORD.findall(text)) - ALLOWED_LATIN
    assert not latin, f"{code}: Latin words {latin} in {tpl.zh!r}"
    assert re.search(r"[\u4e00-\u9fff]", tpl.zh), code


def test_words_have_chinese_without_machine_text() -> None:
    for key, (en, zh) in WORDS.items():
        assert en and zh, key
        assert not SNAKE.search(zh) and not (set(LATIN_WORD.findall(zh)) - ALLOWED_LATIN), (key, zh)


def test_render_fills_words_and_params_in_each_language() -> None:
    params = {"role": "employee", "action": "pay:manage"}
    assert render("role_refused", params, "en") == "Your role (employee) may not manage bonuses."
    assert render("role_refused", params, "zh").startswith("您的角色（员工）无权管理奖金")
    assert render("not_found", {"thing": "department"}, "zh").startswith("找不到该部门")
    # an unknown thing is a "record", never the machine word
    assert "weird_thing" not in render("not_found", {"thing": "weird_thing"}, "zh")
    assert render("no.such.code", None, "zh") and "no.such" not in render("no.such.code", None, "zh")


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        (None, "zh"),
        ("", "zh"),
        ("en", "en"),
        ("en-US,en;q=0.9", "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        ("fr-FR, en;q=0.5", "en"),
        ("fr-FR", "zh"),
        ("en;q=0.3, zh;q=0.7", "zh"),
        ("en;q=0", "zh"),
    ],
)
def test_the_callers_language(header: str | None, lang: str) -> None:
    assert pick_lang(header) == lang


def test_an_uncoded_error_still_answers_in_both_languages() -> None:
    exc = errors.NotFound("Thing 3 not found.")
    assert errors.words(exc, "en") == "Thing 3 not found."
    assert errors.words(exc, "zh").startswith("找不到")
    coded = errors.coded(errors.Conflict("x"), "duplicate", thing="rating")
    assert "评价" in errors.words(coded, "zh") and errors.words(coded, "en") == "x"


# --- every raise site is coded ------------------------------------------------------------------------------
ERROR_CLASSES = {
    name
    for name, obj in vars(errors).items()
    if isinstance(obj, type) and issubclass(obj, errors.KpilotError) and name != "KpilotError"
} | {"KpilotError", "ExportUnavailable"}
# Constructor calls that are coded by the helper around them (the helper takes the code as a parameter).
ALLOWED: dict[str, str] = {}


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _sites() -> list[tuple[str, int, ast.Call | None, ast.Call]]:
    """(file, line, the coded(...) around it or None, the constructor call) for every error constructed."""
    out = []
    for pkg in PRODUCT:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and _name(node.func) in ERROR_CLASSES:
                    parent = parents.get(node)
                    wrap = parent if isinstance(parent, ast.Call) and _name(parent.func) == "coded" else None
                    out.append((str(path.relative_to(ROOT)), node.lineno, wrap, node))
    return out


def test_every_error_raised_on_purpose_is_coded() -> None:
    sites = _sites()
    assert len(sites) > 200  # the scan found the product's raise sites
    bare = [f"{f}:{line}" for f, line, wrap, _ in sites if wrap is None and f"{f}:{line}" not in ALLOWED]
    assert not bare, f"errors raised without a code: {bare}"


def test_every_catalogue_code_used_exists_with_its_parameters() -> None:
    for f, line, wrap, _ in _sites():
        if wrap is None:
            continue
        has_zh = len(wrap.args) > 2 or any(k.arg == "zh" for k in wrap.keywords)
        if has_zh:  # the Chinese words are written at the raise site (or passed on by a helper)
            continue
        code_arg = wrap.args[1] if len(wrap.args) > 1 else None
        # a literal code, or a choice of two (`"a" if x else "b"`)
        choices = [code_arg.body, code_arg.orelse] if isinstance(code_arg, ast.IfExp) else [code_arg]
        for choice in choices:
            assert isinstance(choice, ast.Constant) and isinstance(choice.value, str), f"{f}:{line}"
            code = choice.value
            assert code in CATALOGUE, f"{f}:{line}: {code} is not in the catalogue"
            given = {k.arg for k in wrap.keywords}
            tpl = CATALOGUE[code]
            missing = (placeholders(tpl.zh) | placeholders(tpl.en)) - given
            assert not missing, f"{f}:{line}: {code} needs {missing}"


def test_chinese_written_at_a_raise_site_has_no_machine_text() -> None:
    checked = 0
    for f, line, wrap, _ in _sites():
        if wrap is None or len(wrap.args) < 3:
            continue
        zh = wrap.args[2]
        parts = [zh] if isinstance(zh, ast.Constant) else list(getattr(zh, "values", []))
        text = "".join(p.value for p in parts if isinstance(p, ast.Constant) and isinstance(p.value, str))
        if not text:
            continue
        checked += 1
        assert re.search(r"[\u4e00-\u9fff]", text), f"{f}:{line}"
        assert not SNAKE.search(text), f"{f}:{line}: snake_case in {text!r}"
    assert checked > 40
