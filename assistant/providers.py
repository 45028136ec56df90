"""Build the configured LLM provider: the offline engine, or an OpenAI-compatible model."""

from __future__ import annotations

from assistant.errors import ProviderError
from assistant.llm import LLMConfig, LLMProvider, OfflineProvider
from assistant.openai_provider import OpenAIProvider


def make_provider(config: LLMConfig | None = None) -> LLMProvider:
    """Build the configured provider; OpenAIProvider loads LangChain only when it is constructed."""
    config = config or LLMConfig()
    if config.provider == "offline":
        return OfflineProvider()
    if config.provider == "openai":
        if not config.base_url or not config.model:
            raise ProviderError(
                "the openai provider needs an explicit base_url and model (KPILOT_LLM_BASE_URL, KPILOT_LLM_MODEL)"
            )
        return OpenAIProvider(config)
    raise ProviderError(f"unknown LLM provider {config.provider!r}; use 'offline' or 'openai'")
