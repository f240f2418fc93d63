"""Time zones a workspace may be in: IANA names the zoneinfo database knows (schedules fire in the workspace's zone)."""

from __future__ import annotations

import zoneinfo
from functools import lru_cache

from django.core.exceptions import ValidationError


@lru_cache(maxsize=1)
def known_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(value: str) -> None:
    """An IANA time zone name ("Europe/Paris", "UTC"), as zoneinfo knows it: no file paths, no abbreviations."""
    if value not in known_timezones():
        raise ValidationError(
            "%(value)s is not an IANA time zone name (for example Europe/Paris, America/New_York or UTC).",
            code="invalid_timezone",
            params={"value": value},
        )
