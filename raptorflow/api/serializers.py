"""Serializer helpers shared by the API's apps."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from django.db import models
from rest_framework import serializers


# Build a read-only serializer's fields once per class instead of once per instance.
#
# DRF constructs every field anew each time a serializer is instantiated (a ModelSerializer also introspects
# the model to do so): about a tenth of a GET /runs/{id} under py-spy. Fields that only format
# values (no request context, no validation) can be shared, so output serializers on the hot paths use this
# mixin; every declared field must be read-only. tests/api/test_serializers.py checks the output equals
# DRF's own. (A comment, not a docstring: drf-spectacular would publish a docstring as every schema's
# description.)
class SharedFieldsMixin:
    share_fields: ClassVar[bool] = True  # tests switch it off to compare with DRF's per-instance fields
    _shared_fields: ClassVar[Any]  # set on each class on first use

    @property
    def fields(self) -> Any:
        cls = type(self)
        if not SharedFieldsMixin.share_fields:
            return serializers.Serializer.fields.func(self)  # type: ignore[attr-defined]  # a cached_property, stubbed as a property
        shared = cls.__dict__.get("_shared_fields")
        if shared is None:
            shared = serializers.Serializer.fields.func(cls())  # type: ignore[attr-defined]  # as above
            writable = [name for name, field in shared.items() if not field.read_only]
            if writable:
                raise TypeError(f"{cls.__name__} shares its fields, so they must be read-only: {writable}")
            cls._shared_fields = shared
        return shared


class QuerySerializer(serializers.Serializer):
    """Query parameters, read as the schema states them: a parameter sent empty (``?start=``) is an error, not
    "left out" (DRF reads an empty form value of an optional field as absent), and so is one sent twice."""

    def to_internal_value(self, data: Any) -> Any:
        problems: dict[str, list[str]] = {}
        if "" in data:  # `?=x`: a value with no name
            problems[""] = ["A query parameter needs a name."]
        names: list[str] = list(self.fields)
        for name in names:
            values = data.getlist(name) if hasattr(data, "getlist") else [data[name]] if name in data else []
            if len(values) > 1:
                problems[name] = ["Give this parameter once."]
            elif values and values[0] == "":
                problems[name] = ["This parameter may not be empty; leave it out instead."]
        if problems:
            raise serializers.ValidationError(problems)
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """A JSON ``true`` or ``false``, as the schema says: DRF's BooleanField also takes 0, 1, "yes", "on"..."""

    def to_internal_value(self, data: Any) -> bool:
        if data is True or data is False:
            return data
        self.fail("invalid", input=data)
        raise AssertionError  # fail() raises


class StrictCharField(serializers.CharField):
    """A JSON string, as the schema says: DRF's CharField also takes a number (``0`` → ``"0"``)."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictSlugField(serializers.SlugField):
    """A slug sent as a JSON string: DRF's SlugField, a CharField, also takes a number (``0`` → ``"0"``)."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictChoiceField(serializers.ChoiceField):
    """One of the choices, sent as the schema's type: DRF's ChoiceField matches ``str(data)``, so ``1`` is ``"1"``."""

    def to_internal_value(self, data: Any) -> Any:
        if data != "" and not any(type(data) is type(key) for key in self.choices):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


_UNSIGNED_DECIMAL = re.compile(r"(?=\.?\d)\d*(?:\.\d*)?")
_SIGNED_DECIMAL = re.compile(r"-?(?=\.?\d)\d*(?:\.\d*)?")


class StrictDecimalField(serializers.DecimalField):
    """A decimal as a JSON string (``"50.00"``), as the schema says, never a JSON number: a number would pass
    through a binary float on its way (0.1 + 0.2 is not 0.3), and money must arrive as written."""

    def to_internal_value(self, data: Any) -> Any:
        # The schema's pattern (raptorflow/api/schema.py): digits with an optional point, no spaces, no exponent, and
        # no sign when the minimum is zero or more ("-0" is zero, but not what the pattern allows).
        signed = self.min_value is None or self.min_value < 0
        if not isinstance(data, str) or not (_SIGNED_DECIMAL if signed else _UNSIGNED_DECIMAL).fullmatch(data):
            self.fail("invalid")
        return super().to_internal_value(data)


# A ModelSerializer for requests whose model fields take the schema's types strictly (see the fields above). A
# comment, not a docstring: drf-spectacular would publish it as the description of every schema built on it.
class StrictModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.SlugField: StrictSlugField,
        models.TextField: StrictCharField,
        models.DecimalField: StrictDecimalField,
        models.BooleanField: StrictBooleanField,
    }
    serializer_choice_field = StrictChoiceField
