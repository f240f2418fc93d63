"""The one exception the LLM layer raises for anything a provider does wrong."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    """Machine-readable failure codes; they end up on run steps, so they are stable strings."""

    ERROR = "provider_error"  # malformed or unexpected response
    TIMEOUT = "provider_timeout"
    RATE_LIMITED = "provider_rate_limited"
    UNAVAILABLE = "provider_unavailable"  # 5xx, connection errors, or no provider left to try
    REJECTED = "provider_rejected"  # 4xx other than 429
    CIRCUIT_OPEN = "provider_circuit_open"
    # The provider cannot do what was asked (the offline provider asked for tools or structured output; the
    # scripted provider in production): not the provider's fault and not worth a retry.
    MODEL_UNAVAILABLE = "model_unavailable"


class ProviderError(Exception):
    """A provider call failed. `message` is for humans and never contains an API key or a full response body."""

    def __init__(
        self,
        code: ErrorCode | str,
        message: str,
        *,
        provider: str,
        retryable: bool = False,
        retry_after: float | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.code = str(code)
        self.message = message
        self.provider = provider
        self.retryable = retryable
        self.retry_after = retry_after
        self.status = status

    def __repr__(self) -> str:
        return f"ProviderError(code={self.code!r}, provider={self.provider!r}, status={self.status!r})"
