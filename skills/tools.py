"""The tool registry: read-only capabilities that skills and agents may call through the runtime.

Tools differ from skills in what they touch (the workspace's data, the web),
not in how they are called: ``(data, ctx) -> dict``. The runtime records each
call as a RunStep of kind ``tool``. A tool declared with an input schema may
also be offered to a model (an agent version's ``model_tools``); a ``sensitive``
one then waits for a person's approval before each call the model makes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft202012Validator

ToolFunc = Callable[[dict[str, Any], Any], dict[str, Any]]


class ToolError(Exception):
    """A tool refused or failed in a way the caller can understand; the message is safe to show users."""


@dataclass(frozen=True)
class ToolSpec:
    """A declared tool. ``input_schema`` (None: code may call it, a model may not) and ``sensitive`` matter
    only when a model calls it."""

    name: str
    description: str
    func: ToolFunc = field(compare=False, repr=False)
    input_schema: dict[str, Any] | None = None
    sensitive: bool = False

    def __post_init__(self) -> None:
        if self.input_schema is not None:
            Draft202012Validator.check_schema(self.input_schema)


_TOOLS: dict[str, ToolSpec] = {}


def tool(
    name: str, *, input_schema: dict[str, Any] | None = None, sensitive: bool = False
) -> Callable[[ToolFunc], ToolFunc]:
    def register(func: ToolFunc) -> ToolFunc:
        if name in _TOOLS:
            raise ValueError(f"tool {name} is declared twice")
        description = (func.__doc__ or "").strip()
        _TOOLS[name] = ToolSpec(name, description, func, input_schema=input_schema, sensitive=sensitive)
        return func

    return register


def spec(name: str) -> ToolSpec:
    """The declared tool ``name``; KeyError if there is none."""
    from skills.registry import load

    load()  # tools are declared in skills/library modules too
    return _TOOLS[name]


def get(name: str) -> ToolFunc:
    return spec(name).func


def names() -> list[str]:
    from skills.registry import load

    load()
    return sorted(_TOOLS)
