import django_filters

from agents.choices import RunStatus
from agents.models import Run
from raptorflow.api.filters import UTCIsoDateTimeFilter


class RunFilterSet(django_filters.FilterSet):
    agent = django_filters.CharFilter(field_name="agent_version__agent__slug", help_text="Agent slug.")
    status = django_filters.MultipleChoiceFilter(choices=RunStatus.choices)
    created_after = UTCIsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = UTCIsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Run
        fields = ["agent", "status", "created_after", "created_before"]
