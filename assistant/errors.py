"""The assistant package's errors: one root, precise subclasses, no HTTP knowledge."""


class AssistantError(Exception):
    """Root of every error raised by the assistant package."""


class CatalogueError(AssistantError):
    """The KPI catalogue or a template file is missing or inconsistent."""


class UnknownIndicatorError(AssistantError):
    """An indicator code is not in the catalogue."""


class InputError(AssistantError):
    """User input (OKR text, org) cannot be used; the message says what and where."""

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


class NoMeasurableKRError(InputError):
    """The OKR text contains no key result with a number to measure."""


class UnknownDepartmentError(InputError):
    """The org names a department that the catalogue does not know."""


class GuardError(AssistantError):
    """A draft failed a guard (schema, weights, coverage, grounding, language)."""

    def __init__(self, message: str, *, failures: list[str] | None = None) -> None:
        super().__init__(message)
        self.failures = failures or []


class ProviderError(AssistantError):
    """The LLM provider failed in a way that cannot fall back (configuration)."""


class PromptError(AssistantError):
    """A prompt file is missing or malformed."""
