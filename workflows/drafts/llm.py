"""The LLM behind goal drafts: the assistant's provider built from the service settings, scoped to one department."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from assistant.errors import ProviderError
from assistant.llm import LLMConfig, LLMProvider, LLMResult, OfflineProvider, T
from assistant.providers import make_provider
from assistant.roles import department_name
from core.errors import InvalidInput, coded
from core.settings import Settings, get_settings


def llm_config(settings: Settings, provider: str | None = None, *, person_waits: bool = True) -> LLMConfig:
    """The assistant's LLMConfig from the KPILOT_LLM_* settings (`provider` overrides the configured one). When a
    person waits for the answer, the model gets at most KPILOT_LLM_TIMEOUT_S of the request in total."""
    return LLMConfig(
        provider=(provider or settings.llm_provider),  # type: ignore[arg-type]
        base_url=settings.llm_base_url or None,
        api_key=settings.llm_api_key or None,
        model=settings.llm_model,
        timeout_s=settings.llm_timeout_s,
        max_retries=settings.llm_max_retries,
        max_tokens=settings.llm_max_tokens,
        deadline_s=min(settings.llm_deadline_s, settings.llm_timeout_s) if person_waits else settings.llm_deadline_s,
        token_budget=settings.llm_request_token_budget,
        person_waits=person_waits,
        background_s=settings.llm_deadline_s,
    )


def llm_config_from_env(provider: str | None = None) -> LLMConfig:
    """LLMConfig from KPILOT_LLM_* (environment / .env through `core.settings`), readable without a secret."""
    try:
        settings = get_settings()
    except ValueError:
        # Drafting from the command line issues no tokens: a missing service secret must not stop it. The same
        # KPILOT_LLM_* values are read with the secret check relaxed; bad LLM settings still fail below.
        try:
            settings = Settings(demo=True)
        except ValueError as exc:
            raise coded(InvalidInput(f"invalid KPILOT_LLM_* settings: {exc}"), "draft.llm_settings_invalid") from exc
    return llm_config(settings, provider, person_waits=False)  # the command line waits for the full deadline


def cache_key(config: LLMConfig) -> dict[str, Any]:
    """What about the provider changes a draft (part of the input hash); never the API key."""
    if config.provider == "offline":
        return {"provider": "offline"}
    return {
        "provider": config.provider,
        "model": config.model,
        "base_url": config.base_url,
        "max_tokens": config.max_tokens,
    }


def build_provider(config: LLMConfig, flags: list[str]) -> LLMProvider:
    """The configured provider; a configuration the assistant refuses gives the offline engine and a flag."""
    try:
        return make_provider(config)
    except ProviderError as exc:
        flags.append(f"provider_unavailable:{config.provider} ({exc})")
        return OfflineProvider()


class DepartmentScopedProvider:
    """Sends only the requested department's wording calls to the model; the other departments' scorecards
    (needed for the company-wide split and guards, never shown) keep the offline words at no cost.

    The assistant names the department in the `department` prompt variable: the catalogue name in
    department calls, the code in role calls.
    """

    def __init__(self, inner: LLMProvider, department_code: str, lang: str) -> None:
        self.name = inner.name
        self.model = inner.model
        self._inner = inner
        self._offline = OfflineProvider()
        self._mine = {department_code, department_name(department_code, lang)}

    def generate(
        self,
        prompt_id: str,
        variables: Mapping[str, str],
        schema: type[T],
        *,
        check: Callable[[T], list[str]],
        fallback: T,
    ) -> LLMResult[T]:
        """Ask the model for this department's words; answer other departments offline."""
        target: Any = self._inner if variables.get("department") in self._mine else self._offline
        result: LLMResult[T] = target.generate(prompt_id, variables, schema, check=check, fallback=fallback)
        return result
