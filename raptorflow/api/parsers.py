"""Request parsers that refuse what the database or the process cannot take, as 4xx before any view runs.

* **Size.** DRF reads the request stream itself, bypassing Django's
  DATA_UPLOAD_MAX_MEMORY_SIZE, so the JSON parser reads at most
  RAPTORFLOW_API_MAX_BODY_BYTES (+1 to notice more) and answers 413.
* **Depth.** A deeply nested document makes json.loads recurse until Python's
  limit (a 500); nesting beyond RAPTORFLOW_API_MAX_JSON_DEPTH is a 400.
* **NUL (U+0000)** anywhere in a body: keys, values, nested.
* **Numbers beyond a float** (``1e999``): Python reads them as infinity, which no JSON column or schema can
  hold; like ``NaN`` and ``Infinity`` they are a 400, not a 500 further on.

PostgreSQL cannot store U+0000 in text or jsonb columns, nor compare with it, so
a NUL that reaches a lookup or an insert is a DataError, a 500 after the fact
(schemathesis finds one in a minute: `{"agent": "\\u0000"}`). Refused here, it
is a 400 before any view runs, for every endpoint and every body encoding the
API accepts; SQLite would have stored it, so the rule is the same on both.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import QueryDict
from rest_framework import exceptions, parsers
from rest_framework.settings import api_settings

NUL = "\x00"


def contains_nul(value: Any) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, QueryDict):  # items() would show only the last value of a repeated key
        return any(contains_nul(key) or contains_nul(values) for key, values in value.lists())
    if isinstance(value, Mapping):
        return any(contains_nul(key) or contains_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(contains_nul(item) for item in value)
    return False


def refuse_nul(data: Any) -> Any:
    if contains_nul(data):
        raise exceptions.ParseError("The request body contains a NUL character (\\u0000), which cannot be stored.")
    return data


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "payload_too_large"
    default_detail = "The request body is too large."


def _depth(value: Any) -> int:
    """Nesting depth of a parsed JSON value, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def finite_float(text: str) -> float:
    """A JSON number as a float, refusing one too large for a float (it would read as infinity)."""
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"the number {text[:40]} is too large")
    return value


def loads_strict(text: str) -> Any:
    """json.loads that refuses NaN, Infinity and numbers that overflow a float (ValueError)."""
    return json.loads(text, parse_constant=_no_constants, parse_float=finite_float)


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        limit = settings.RAPTORFLOW_API_MAX_BODY_BYTES
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise PayloadTooLarge(f"The request body is larger than {limit} bytes.")
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        constant = _no_constants if api_settings.STRICT_JSON else None
        try:
            data = json.loads(raw.decode(encoding), parse_constant=constant, parse_float=finite_float)
        except RecursionError:
            raise exceptions.ParseError("The JSON is nested too deeply.", code="json_too_deep") from None
        except ValueError as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from None
        if _depth(data) > settings.RAPTORFLOW_API_MAX_JSON_DEPTH:
            limit_depth = settings.RAPTORFLOW_API_MAX_JSON_DEPTH
            raise exceptions.ParseError(f"The JSON is nested deeper than {limit_depth} levels.", code="json_too_deep")
        return refuse_nul(data)


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        return refuse_nul(super().parse(stream, media_type, parser_context))


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None) -> parsers.DataAndFiles:
        result = super().parse(stream, media_type, parser_context)
        refuse_nul(result.data)
        return result
