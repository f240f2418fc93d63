"""Typed access to environment variables.

Every setting that comes from the environment goes through one of these helpers,
so a bad value stops the process at start-up with a message naming the variable,
instead of surfacing later as a confusing runtime error.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final, TypeVar, overload

from django.core.exceptions import ImproperlyConfigured


class _Missing(enum.Enum):
    """The type of ``_MISSING``: no default, so the variable is required."""

    MISSING = enum.auto()


_MISSING: Final = _Missing.MISSING
_D = TypeVar("_D")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class EnvError(ImproperlyConfigured):
    """An environment variable is missing or has a value of the wrong type."""


def _raw(name: str, default: _D | _Missing) -> str | _D:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        if default is _MISSING:
            raise EnvError(f"Environment variable {name} is required but not set.")
        return default
    return value.strip()


@overload
def env_str(name: str, default: str | _Missing = _MISSING) -> str: ...
@overload
def env_str(name: str, default: None) -> str | None: ...
def env_str(name: str, default: str | _Missing | None = _MISSING) -> str | None:
    return _raw(name, default)


def env_bool(name: str, default: bool | _Missing = _MISSING) -> bool:
    value = _raw(name, default)
    if isinstance(value, bool):
        return value
    lowered = str(value).lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise EnvError(
        f"Environment variable {name} must be a boolean (one of {', '.join(sorted(_TRUE | _FALSE))}), got {value!r}."
    )


def env_int(
    name: str,
    default: int | _Missing = _MISSING,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int:
    value = _raw(name, default)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise EnvError(f"Environment variable {name} must be an integer, got {value!r}.") from None
    if minimum is not None and number < minimum:
        raise EnvError(f"Environment variable {name} must be at least {minimum}, got {number}.")
    if maximum is not None and number > maximum:
        raise EnvError(f"Environment variable {name} must be at most {maximum}, got {number}.")
    return number


def env_float(name: str, default: float | _Missing = _MISSING, *, minimum: float | None = None) -> float:
    value = _raw(name, default)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise EnvError(f"Environment variable {name} must be a number, got {value!r}.") from None
    if minimum is not None and number < minimum:
        raise EnvError(f"Environment variable {name} must be at least {minimum}, got {number}.")
    return number


def env_list(name: str, default: Sequence[str] | _Missing = _MISSING, *, separator: str = ",") -> list[str]:
    value = _raw(name, default)
    if isinstance(value, (list, tuple)):
        return list(value)
    return [item.strip() for item in str(value).split(separator) if item.strip()]


def env_choice(name: str, choices: Sequence[str], default: str | _Missing = _MISSING) -> str:
    value = _raw(name, default)
    if value not in choices:
        raise EnvError(f"Environment variable {name} must be one of {', '.join(choices)}, got {value!r}.")
    return value


@overload
def env_path(name: str, default: Path | _Missing = _MISSING) -> Path: ...
@overload
def env_path(name: str, default: None) -> Path | None: ...
def env_path(name: str, default: Path | _Missing | None = _MISSING) -> Path | None:
    value = _raw(name, default)
    return None if value is None else Path(value).expanduser().resolve()


def env_url(name: str, default: str | _Missing | None = _MISSING, *, schemes: Sequence[str]) -> str | None:
    value = _raw(name, default)
    if value is None:
        return None
    scheme = str(value).split("://", 1)[0] if "://" in str(value) else ""
    if scheme not in schemes:
        raise EnvError(
            f"Environment variable {name} must be a URL with one of the schemes "
            f"{', '.join(schemes)}, got {_redact(str(value))!r}."
        )
    return value


def _redact(url: str) -> str:
    """Hide the password of a URL so that error messages never print secrets."""
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"


def read_or_create_secret(path: Path, factory: Callable[[], str]) -> str:
    """Return the secret stored in ``path``, creating it (mode 0600) on first use.

    Used only for development defaults, so that a fresh checkout runs without
    configuration but never shares a hard-coded key with anybody else.
    """
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = factory()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process (web, worker, beat) won the race
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")
    return value
