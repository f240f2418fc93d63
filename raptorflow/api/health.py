"""GET /api/v1/health: the cheapest possible "the web process answers" check.

No authentication, no throttling and no database, so load balancers can poll
it freely; readiness (database, cache, broker) is a separate, richer check.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

HealthSerializer = inline_serializer(
    name="Health",
    fields={"status": serializers.CharField(help_text="Always ok."), "version": serializers.CharField()},
)


class HealthView(APIView):
    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes: list = []

    @extend_schema(summary="Is the API up?", auth=[], responses={200: HealthSerializer})
    def get(self, request, *args, **kwargs) -> Response:
        return Response({"status": "ok", "version": request.version or "v1"})
