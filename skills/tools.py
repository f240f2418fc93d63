"""The tool registry: read-only capabilities that skills and agents may call through the runtime.

Tools differ from skills in what they touch (the workspace's data, the web),
not in how they are called: ``(data, ctx) -> dict``. The runtime records each
call as a RunStep of kind ``tool``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ToolFunc = Callable[[dict[str, Any], Any], dict[str, Any]]


class ToolError(Exception):
    """A tool refused or failed in a way the caller can understand; the message is safe to show users."""


_TOOLS: dict[str, ToolFunc] = {}


def tool(name: str) -> Callable[[ToolFunc], ToolFunc]:
    def register(func: ToolFunc) -> ToolFunc:
        if name in _TOOLS:
            raise ValueError(f"tool {name} is declared twice")
        _TOOLS[name] = func
        return func

    return register


def get(name: str) -> ToolFunc:
    from skills.registry import load

    load()  # tools are declared in skills/library modules too
    return _TOOLS[name]


def names() -> list[str]:
    from skills.registry import load

    load()
    return sorted(_TOOLS)
