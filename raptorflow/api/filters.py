"""Filters shared by the API's filtersets."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django_filters.fields import IsoDateTimeField


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
