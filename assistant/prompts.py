"""Versioned prompt files (prompts/*.yaml): id, version, language, variables, messages."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from assistant.errors import PromptError

PROMPTS_DIR = Path(__file__).resolve().parents[1] / "prompts"


class PromptMessage(BaseModel):
    """One chat message template (f-string syntax; literal braces escaped as {{ }})."""

    role: str
    content: str


class PromptSpec(BaseModel):
    """A prompt file."""

    id: str
    version: str
    language: list[str]
    description: str = ""
    variables: list[str]
    messages: list[PromptMessage]

    def to_chat_prompt(self) -> Any:
        """A LangChain ChatPromptTemplate built from the messages (imports langchain_core lazily)."""
        from langchain_core.prompts import ChatPromptTemplate

        return ChatPromptTemplate.from_messages(
            [(m.role, m.content) for m in self.messages], template_format="f-string"
        )


@lru_cache(maxsize=32)
def load_prompt(prompt_id: str, directory: Path | None = None) -> PromptSpec:
    """Load and validate prompts/<prompt_id>.yaml; every declared variable must be used and vice versa."""
    path = (directory or PROMPTS_DIR) / f"{prompt_id}.yaml"
    try:
        spec = PromptSpec.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise PromptError(f"cannot load prompt {prompt_id!r} from {path}: {exc}") from exc
    if spec.id != prompt_id:
        raise PromptError(f"prompt file {path} declares id {spec.id!r}, expected {prompt_id!r}")
    import string

    used = {f for m in spec.messages for _, f, _, _ in string.Formatter().parse(m.content) if f}
    if used != set(spec.variables):
        raise PromptError(f"prompt {prompt_id!r}: variables {sorted(spec.variables)} but messages use {sorted(used)}")
    return spec
