"""Prompt files are versioned data with declared variables."""

import pytest

from assistant.errors import PromptError
from assistant.prompts import PROMPTS_DIR, load_prompt


@pytest.mark.parametrize("prompt_id", ["cascade_department", "cascade_role"])
def test_prompt_files_load_and_render(prompt_id: str) -> None:
    spec = load_prompt(prompt_id)
    assert spec.version and set(spec.language) == {"zh", "en"}
    messages = spec.to_chat_prompt().format_messages(**{v: f"<{v}>" for v in spec.variables})
    assert "<<<DATA" in messages[0].content and "<reply_language>" in messages[0].content


def test_undeclared_variable_is_rejected(tmp_path) -> None:
    (tmp_path / "bad.yaml").write_text(
        "id: bad\nversion: '1'\nlanguage: [en]\nvariables: [a]\nmessages:\n  - {role: user, content: '{a} {b}'}\n",
        encoding="utf-8",
    )
    with pytest.raises(PromptError):
        load_prompt("bad", tmp_path)
    assert (PROMPTS_DIR / "cascade_role.yaml").exists()
