"""Request parsers that refuse NUL (U+0000) anywhere in a body: keys, values, nested.

PostgreSQL cannot store U+0000 in text or jsonb columns, nor compare with it, so
a NUL that reaches a lookup or an insert is a DataError, a 500 after the fact
(schemathesis finds one in a minute: `{"agent": "\\u0000"}`). Refused here, it
is a 400 before any view runs, for every endpoint and every body encoding the
API accepts; SQLite would have stored it, so the rule is the same on both.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import QueryDict
from rest_framework import exceptions, parsers

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


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        return refuse_nul(super().parse(stream, media_type, parser_context))


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        return refuse_nul(super().parse(stream, media_type, parser_context))


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None) -> parsers.DataAndFiles:
        result = super().parse(stream, media_type, parser_context)
        refuse_nul(result.data)
        return result
