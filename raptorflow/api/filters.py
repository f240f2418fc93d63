"""Filters shared by the API's filtersets."""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django import forms
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError


class UTCIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time, converted to UTC before it reaches a query.

    Python accepts any UTC offset under 24 h (`…T15:12:59+20:04`) but PostgreSQL
    rejects offsets past ±15:59 with a DataError, a 500. In UTC the offset is
    always +00:00; a value that leaves the calendar when converted (year 1 or
    9999 near midnight) is invalid, a 400.
    """

    def to_python(self, value: str | None) -> datetime.datetime | None:
        parsed = super().to_python(value)
        if parsed is None:
            return None
        try:
            return parsed.astimezone(datetime.UTC)
        except OverflowError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class UTCIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    """`IsoDateTimeFilter` for every database: see UTCIsoDateTimeField."""

    field_class = UTCIsoDateTimeField


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter, read as the schema states the parameters (like QuerySerializer): a filter sent empty
    (``?agent=``) or twice (``?enabled=true&enabled=false``) is an error rather than ignored or the last one
    winning, and a boolean is ``true`` or ``false``, never ``null`` (which django-filter reads as "no filter").
    Filters that take several values (``?status=a&status=b``) may repeat."""

    def get_filterset_kwargs(self, request: Any, queryset: Any, view: Any) -> dict[str, Any]:
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            problems = query_problems(request.query_params, filterset_class.base_filters)
            if problems:
                raise ValidationError(problems)
        return kwargs


def query_problems(params: Any, filters: dict[str, django_filters.Filter]) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if "" in params:
        problems[""] = ["A query parameter needs a name."]
    for name, declared in filters.items():
        values = params.getlist(name)
        if len(values) > 1 and not isinstance(declared, django_filters.MultipleChoiceFilter):
            problems[name] = ["Give this parameter once."]
        elif any(value == "" for value in values):
            problems[name] = ["This parameter may not be empty; leave it out instead."]
        elif values and isinstance(declared, django_filters.BooleanFilter) and values[0] not in ("true", "false"):
            problems[name] = ["Must be true or false."]
    return problems
