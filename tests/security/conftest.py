"""The security suite reuses the loopback chat-completions server of the assistant tests."""

from tests.assistant.conftest import fake_llm, llm_env

__all__ = ["fake_llm", "llm_env"]
