"""Every setting is read somewhere, and the README's configuration table names every setting with the default
`Settings` really has (a dead or mis-documented setting fails here)."""

from __future__ import annotations

import re
from pathlib import Path

from core.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("core", "kpi", "forecasting", "assistant", "workflows", "api", "cli", "demo", "eval")


def _code() -> str:
    settings_file = ROOT / "core" / "settings.py"
    return "\n".join(
        p.read_text(encoding="utf-8") for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py") if p != settings_file
    )


def _readme_defaults() -> dict[str, str]:
    """KPILOT_* name -> the default its README row states (rows may name several settings and defaults)."""
    out: dict[str, str] = {}
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or "KPILOT_" not in cells[0]:
            continue
        names = re.findall(r"`(?:DATABASE_URL` or `)?(KPILOT_[A-Z0-9_]+)`", cells[0])
        defaults = re.findall(r"`([^`]*)`", cells[1])
        if len(defaults) == len(names):
            out.update(zip(names, defaults, strict=True))
        else:
            out.update(dict.fromkeys(names, cells[1]))
    return out


def _same(doc: str, value: object) -> bool:
    if isinstance(value, bool):
        return doc in (("1", "true") if value else ("0", "false"))
    if isinstance(value, int | float):
        try:
            return float(doc.replace(",", "")) == float(value)
        except ValueError:
            return False
    return doc == str(value) or doc in ("", "unset", "placeholder", "derived", "fontconfig's")


def test_every_setting_is_read_somewhere() -> None:
    code = _code()
    unread = [name for name in Settings.model_fields if not re.search(rf"\.{name}\b", code)]
    assert unread == [], f"settings nobody reads: {unread}"


def test_the_readme_documents_every_setting_with_its_real_default() -> None:
    documented = _readme_defaults()
    missing, wrong = [], []
    for name, field in Settings.model_fields.items():
        env = f"KPILOT_{name.upper()}"
        if env not in documented:
            missing.append(env)
        elif not _same(documented[env], field.default):
            wrong.append((env, documented[env], field.default))
    assert missing == [] and wrong == [], {"missing": missing, "wrong": wrong}
