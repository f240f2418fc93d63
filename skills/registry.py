"""The skill registry. Skills are declared in code with @skill; the Skill table mirrors them.

A skill is a function ``(data, ctx) -> dict``: ``data`` validates against the
input schema, the result against the output schema; ``ctx`` gives LLM and tool
access to skills of those kinds (compute skills ignore it).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from jsonschema import Draft202012Validator

from .choices import SkillCategory, SkillKind


class SkillContext(Protocol):
    """What a skill may use besides its input. Implemented by the runtime."""

    def llm(self, prompt: str, *, system: str = "", purpose: str = "") -> str: ...

    def tool(self, name: str, data: dict[str, Any]) -> dict[str, Any]: ...


SkillFunc = Callable[[dict[str, Any], SkillContext], dict[str, Any]]
_F = TypeVar("_F", bound=SkillFunc)


@dataclass(frozen=True)
class SkillSpec:
    slug: str
    name: str
    category: str
    kind: str
    version: str
    description: str
    input_schema: dict[str, Any]
    output_schema: dict[str, Any]
    func: SkillFunc = field(compare=False, repr=False)
    # A model's calls of this skill wait for a person's approval (the default of the Skill row's switch).
    sensitive: bool = False

    def __post_init__(self) -> None:
        if self.category not in SkillCategory.values:
            raise ValueError(f"skill {self.slug}: unknown category {self.category!r}")
        if self.kind not in SkillKind.values:
            raise ValueError(f"skill {self.slug}: unknown kind {self.kind!r}")
        Draft202012Validator.check_schema(self.input_schema)
        Draft202012Validator.check_schema(self.output_schema)


_REGISTRY: dict[str, SkillSpec] = {}


def skill(
    slug: str,
    *,
    name: str,
    category: str,
    kind: str = SkillKind.COMPUTE,
    version: str = "1.0",
    input_schema: dict[str, Any],
    output_schema: dict[str, Any],
    sensitive: bool = False,
) -> Callable[[_F], _F]:
    """Register the decorated function as a skill (and return it unchanged, callable directly)."""

    def register(func: _F) -> _F:
        if slug in _REGISTRY:
            raise ValueError(f"skill {slug} is declared twice")
        _REGISTRY[slug] = SkillSpec(
            slug=slug,
            name=name,
            category=category,
            kind=kind,
            version=version,
            description=(func.__doc__ or "").strip(),
            input_schema=input_schema,
            output_schema=output_schema,
            func=func,
            sensitive=sensitive,
        )
        return func

    return register


def load() -> None:
    """Import every module of skills.library so their @skill declarations run."""
    from . import library

    for module in pkgutil.iter_modules(library.__path__):
        importlib.import_module(f"{library.__name__}.{module.name}")


def get(slug: str) -> SkillSpec:
    load()
    return _REGISTRY[slug]


def all_specs() -> list[SkillSpec]:
    load()
    return sorted(_REGISTRY.values(), key=lambda spec: spec.slug)
