from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from raptorflow.api.permissions import StaffOrReadOnly
from raptorflow.api.schema import ERRORS
from skills.models import Skill


class SkillSerializer(serializers.ModelSerializer):
    slug = serializers.CharField(read_only=True, help_text="area.name, e.g. content.readability")

    class Meta:
        model = Skill
        fields = [
            "slug", "name", "category", "kind", "version", "description", "enabled", "available",
            "input_schema", "output_schema",
        ]  # fmt: skip


@extend_schema_view(
    list=extend_schema(summary="List skills", responses={200: SkillSerializer, **ERRORS}),
    retrieve=extend_schema(summary="Get a skill", responses={200: SkillSerializer, **ERRORS}),
)
class SkillViewSet(viewsets.ReadOnlyModelViewSet):
    """The skill registry as staff see it in the admin: what each skill takes, returns, and whether it is on."""

    serializer_class = SkillSerializer
    permission_classes = [StaffOrReadOnly]
    lookup_field = "slug"
    lookup_value_regex = r"[\w.-]+"
    queryset = Skill.objects.order_by("category", "slug")
    pagination_class = None
    filterset_fields = ["category", "kind", "enabled"]
