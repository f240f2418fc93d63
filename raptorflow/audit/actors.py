"""Who did something: a user, an API key, or the system itself."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .choices import ActorType

if TYPE_CHECKING:
    from raptorflow.accounts.models import APIKey, User


@dataclass(frozen=True)
class Actor:
    type: str
    label: str
    user: User | None = None
    api_key: APIKey | None = None

    @classmethod
    def for_user(cls, user: User) -> Actor:
        return cls(type=ActorType.USER, label=user.get_username(), user=user)

    @classmethod
    def for_api_key(cls, key: APIKey) -> Actor:
        return cls(type=ActorType.API_KEY, label=f"key:{key.prefix} ({key.name})", api_key=key, user=key.created_by)

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls(type=ActorType.SYSTEM, label=label)


SYSTEM = Actor.system()
