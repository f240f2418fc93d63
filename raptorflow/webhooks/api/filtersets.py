import django_filters

from ..choices import DeliveryStatus
from ..models import Delivery


class DeliveryFilterSet(django_filters.FilterSet):
    endpoint = django_filters.NumberFilter(field_name="endpoint_id", help_text="An endpoint's id.")
    status = django_filters.MultipleChoiceFilter(choices=DeliveryStatus.choices)

    class Meta:
        model = Delivery
        fields = ["endpoint", "status"]
