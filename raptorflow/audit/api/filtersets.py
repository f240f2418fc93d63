import django_filters

from raptorflow.api.filters import UTCIsoDateTimeFilter
from raptorflow.audit.choices import Outcome
from raptorflow.audit.models import AuditEvent


class AuditEventFilterSet(django_filters.FilterSet):
    action = django_filters.CharFilter(help_text="Exact action, e.g. apikey.revoke.")
    actor = django_filters.CharFilter(
        field_name="actor_label", lookup_expr="icontains", help_text="Part of the actor's label (username, key)."
    )
    target_type = django_filters.CharFilter(help_text="App label and model, e.g. accounts.apikey.")
    target_id = django_filters.CharFilter()
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices)
    created_after = UTCIsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = UTCIsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = AuditEvent
        fields = ["action", "actor", "target_type", "target_id", "outcome", "created_after", "created_before"]
