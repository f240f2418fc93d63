import django_filters
from django import forms
from drf_spectacular.utils import extend_schema_field

from ..choices import DeliveryStatus
from ..models import Delivery

ID_MAX = 2**63 - 1  # a bigint primary key


@extend_schema_field({"type": "integer", "minimum": 1})
class IdFilter(django_filters.NumberFilter):
    """A row's id: a whole number (NumberFilter takes any decimal). One past the primary key's range matches
    nothing, rather than reaching the database as a number it cannot compare."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value is not None and value > ID_MAX:
            return qs.none()
        return super().filter(qs, value)


class DeliveryFilterSet(django_filters.FilterSet):
    endpoint = IdFilter(field_name="endpoint_id", help_text="An endpoint's id.")
    status = django_filters.MultipleChoiceFilter(choices=DeliveryStatus.choices)

    class Meta:
        model = Delivery
        fields = ["endpoint", "status"]
