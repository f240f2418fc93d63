"""Scripts of the scripted provider (scripted.py): what a script is, and where scripts come from.

A script is a non-empty JSON list of replies, named by ``SCRIPT_NAME`` (letters, digits, ``_``, ``.``, ``-``;
never a path). Scripts come from code (``register_script``, for tests and demos; per process, so every worker
registers its own, typically when a module is imported) and from ``<name>.json`` files in
``RAPTORFLOW_SCRIPTS_DIR``, read on every call so an edit takes effect at once. Both are checked against the
JSON Schema of each kind of reply (``REPLY_SCHEMAS``; the kind is the first of ``KINDS`` a reply has, so an
error says what is wrong with the reply rather than that it matches none of four alternatives), and a
``ScriptError`` names the script or file, the reply and the problem.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings

from raptorflow.jsonschema import schema_errors, validator_for

from .errors import ErrorCode

SCRIPT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")  # no "/": a name never leaves the scripts dir
KINDS = ("error", "json", "tool_calls", "text")  # a reply's kind is the first of these keys it has
ERROR_CODES = (
    ErrorCode.ERROR,
    ErrorCode.TIMEOUT,
    ErrorCode.RATE_LIMITED,
    ErrorCode.UNAVAILABLE,
    ErrorCode.REJECTED,
    ErrorCode.MODEL_UNAVAILABLE,
)

Reply = Mapping[str, Any]

_USAGE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        key: {"type": "integer", "minimum": 0}
        for key in ("input_tokens", "output_tokens", "cached_input_tokens", "cache_write_tokens")
    },
}
REPLY_SCHEMAS: dict[str, dict[str, Any]] = {
    "text": {
        "type": "object",
        "additionalProperties": False,
        "required": ["text"],
        "properties": {
            "text": {"type": "string"},
            "finish_reason": {"enum": ["stop", "length", "content_filter"]},
            "stream": {
                "type": "object",
                "additionalProperties": False,
                "required": ["pieces"],
                "properties": {
                    # a count or the pieces themselves; each keyword applies to its own type only
                    "pieces": {"type": ["integer", "array"], "minimum": 1, "minItems": 1, "items": {"type": "string"}},
                    "delay": {"type": "number", "minimum": 0, "maximum": 600},
                },
            },
            "usage": _USAGE_SCHEMA,
        },
    },
    "tool_calls": {
        "type": "object",
        "additionalProperties": False,
        "required": ["tool_calls"],
        "properties": {
            "tool_calls": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["name"],
                    "properties": {
                        "name": {"type": "string", "minLength": 1},
                        "arguments": {"type": ["object", "string"]},
                        "id": {"type": "string", "minLength": 1},
                    },
                },
            },
            "text": {"type": "string"},
            "usage": _USAGE_SCHEMA,
        },
    },
    "json": {
        "type": "object",
        "additionalProperties": False,
        "required": ["json"],
        "properties": {"json": {"type": "object"}, "usage": _USAGE_SCHEMA},
    },
    "error": {
        "type": "object",
        "additionalProperties": False,
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "additionalProperties": False,
                "required": ["code"],
                "properties": {
                    "code": {"enum": [str(code) for code in ERROR_CODES]},
                    "status": {"type": "integer", "minimum": 100, "maximum": 599},
                    "retry_after": {"type": "number", "minimum": 0},
                    "message": {"type": "string"},
                },
            }
        },
    },
}

_registered: dict[str, tuple[Reply, ...]] = {}


class ScriptError(ValueError):
    """A script that cannot be used: a bad name, or replies that break the schema. The message names the
    script (or file), the reply and the problem."""


def register_script(name: str, replies: Sequence[Mapping[str, Any]]) -> None:
    """Register (or replace) a script from code, for tests and demos; checked like a file (ScriptError).

    Replacing a script does not rewind its cursors (scripted.rewind_script does): each worker registers its
    scripts when it starts, and a run retried on another worker must continue where it was.
    """
    _check_name(name)
    _registered[name] = validate_script(list(replies), f"script {name}")


def unregister_script(name: str) -> None:
    _registered.pop(name, None)


def script_replies(name: str) -> tuple[Reply, ...] | None:
    """The script's replies: registered from code, else ``<name>.json`` in RAPTORFLOW_SCRIPTS_DIR (read and
    checked on every call, so an edit takes effect at once); None if there is no such script."""
    _check_name(name)
    if name in _registered:
        return _registered[name]
    directory: Path | None = settings.RAPTORFLOW_SCRIPTS_DIR
    return load_script_file(Path(directory) / f"{name}.json") if directory is not None else None


def load_script_file(path: Path) -> tuple[Reply, ...] | None:
    """The replies in a script file, checked against the schema; None if there is no such file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScriptError(f"script file {path}: cannot be read ({exc})") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ScriptError(f"script file {path}: not JSON ({exc})") from None
    return validate_script(data, f"script file {path}")


def validate_script(replies: object, source: str) -> tuple[Reply, ...]:
    """``replies`` checked (a non-empty list of replies, each valid for its kind) and copied; ScriptError if not.
    ``source`` names the script or file in the error."""
    if not isinstance(replies, list) or not replies:
        raise ScriptError(f"{source}: a script is a non-empty list of replies, not {_json_type(replies)}")
    return tuple(_valid_reply(reply, f"{source}: reply {number}") for number, reply in enumerate(replies, 1))


def _valid_reply(reply: object, where: str) -> Reply:
    if not isinstance(reply, dict):
        raise ScriptError(f"{where}: a reply is an object, not {_json_type(reply)}")
    kind = next((key for key in KINDS if key in reply), None)
    if kind is None:
        raise ScriptError(f"{where}: a reply needs one of the keys {', '.join(KINDS)}")
    problems = schema_errors(validator_for(REPLY_SCHEMAS[kind]), reply)
    if problems:
        raise ScriptError(f"{where}: {'; '.join(problems[:3])}")
    pieces = reply.get("stream", {}).get("pieces")
    if isinstance(pieces, list) and "".join(pieces) != reply["text"]:
        raise ScriptError(f"{where}: stream/pieces: the pieces do not join up to the text")
    return copy.deepcopy(reply)


def _check_name(name: str) -> None:
    if not SCRIPT_NAME.fullmatch(name):
        raise ScriptError(f"{name[:100]!r} is not a script name (letters, digits, '_', '.', '-'; at most 128)")


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")
