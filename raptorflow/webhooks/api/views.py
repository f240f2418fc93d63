"""/api/v1/webhooks/: the workspace's endpoints (with secret rotation) and their delivery logs (with replay)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from raptorflow.api.access import READ_WEBHOOKS, WRITE_WEBHOOKS
from raptorflow.api.pagination import CreatedCursorPagination
from raptorflow.api.schema import ERRORS, WORKSPACE_PARAMS, ErrorSerializer
from raptorflow.api.viewsets import WorkspaceScopedViewSet

from .. import selectors, services
from ..models import Delivery, Endpoint
from . import serializers as s
from .filtersets import DeliveryFilterSet

NO_STORE = {"Cache-Control": "no-store"}  # a secret must not linger in a shared or browser cache

ENDPOINT_REFUSED = {
    422: OpenApiResponse(
        ErrorSerializer,
        description="The URL is not one webhooks are sent to (not http(s), or not a public address)",
        examples=[
            OpenApiExample(
                "endpoint_refused",
                {
                    "code": "endpoint_refused",
                    "message": "Webhooks are not sent there: 10.0.0.7 is a private or loopback address.",
                    "errors": {"url": ["Webhooks are not sent there: 10.0.0.7 is a private or loopback address."]},
                },
            )
        ],
    )
}
ENDPOINT_INACTIVE = {
    422: OpenApiResponse(
        ErrorSerializer,
        description="The endpoint is turned off",
        examples=[
            OpenApiExample(
                "endpoint_inactive",
                {
                    "code": "endpoint_inactive",
                    "message": "The endpoint is disabled: turn it on before replaying to it.",
                },
            )
        ],
    )
}
CREATE_EXAMPLE = OpenApiExample(
    "Runs that finish",
    {
        "url": "https://hooks.example.com/raptorflow",
        "description": "CRM sync",
        "event_types": ["run.succeeded", "run.failed"],
    },
    request_only=True,
)
SIGNING = (
    "Every request is signed as the Standard Webhooks specification says (headers `webhook-id`, "
    "`webhook-timestamp`, `webhook-signature`; body `{type, timestamp, data}`); verify it with the "
    "`standardwebhooks` library and the endpoint's secret (README, *Webhooks*)."
)


@extend_schema_view(
    list=extend_schema(
        summary="List the workspace's webhook endpoints",
        parameters=WORKSPACE_PARAMS,
        responses={200: s.EndpointSerializer, **ERRORS},
        description="Admins and owners, or a key with `webhooks:read`. An endpoint that kept failing is shown "
        "with `active: false`, `disabled_at` and `disabled_reason`.",
    ),
    retrieve=extend_schema(
        summary="Get a webhook endpoint",
        parameters=WORKSPACE_PARAMS,
        responses={200: s.EndpointSerializer, **ERRORS},
    ),
    create=extend_schema(
        summary="Add a webhook endpoint",
        parameters=WORKSPACE_PARAMS,
        request=s.EndpointCreateSerializer,
        examples=[CREATE_EXAMPLE],
        responses={201: s.EndpointWithSecretSerializer, **ERRORS, **ENDPOINT_REFUSED},
        description=f"Answers with the endpoint's signing secret, this once. {SIGNING} The URL must be http(s) on "
        "a public address (the same guard as the fetch tool): 422 `endpoint_refused` otherwise.",
    ),
    partial_update=extend_schema(
        summary="Change a webhook endpoint, or turn it off or on",
        parameters=WORKSPACE_PARAMS,
        request=s.EndpointUpdateSerializer,
        examples=[OpenApiExample("Turn it on again", {"active": True}, request_only=True)],
        responses={200: s.EndpointSerializer, **ERRORS, **ENDPOINT_REFUSED},
        description="`active: true` turns an endpoint that was disabled on again and clears why it was.",
    ),
    destroy=extend_schema(
        summary="Delete a webhook endpoint",
        parameters=WORKSPACE_PARAMS,
        responses={204: None, **ERRORS},
        description="Deletes it with its delivery log; deliveries still pending are not sent.",
    ),
)
class EndpointViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceScopedViewSet):
    """Where the workspace's events are sent, signed with each endpoint's secret."""

    access = {
        "list": READ_WEBHOOKS,
        "retrieve": READ_WEBHOOKS,
        "create": WRITE_WEBHOOKS,
        "partial_update": WRITE_WEBHOOKS,
        "destroy": WRITE_WEBHOOKS,
        "rotate_secret": WRITE_WEBHOOKS,
    }
    serializer_class = s.EndpointSerializer
    pagination_class = CreatedCursorPagination
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_workspace_queryset(self, workspace: Any) -> QuerySet[Endpoint]:
        return selectors.endpoint_list(workspace)

    def create(self, request, *args: Any, **kwargs: Any) -> Response:
        body = s.EndpointCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        endpoint, secret = services.endpoint_create(workspace=self.workspace, actor=self.actor, **body.validated_data)
        data = {**s.EndpointSerializer(endpoint).data, "secret": secret}
        return Response(data, status=status.HTTP_201_CREATED, headers=NO_STORE)

    def partial_update(self, request, *args: Any, **kwargs: Any) -> Response:
        body = s.EndpointUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        endpoint = services.endpoint_update(endpoint=self.get_object(), actor=self.actor, **body.validated_data)
        return Response(s.EndpointSerializer(endpoint).data)

    def destroy(self, request, *args: Any, **kwargs: Any) -> Response:
        services.endpoint_delete(endpoint=self.get_object(), actor=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Rotate a webhook endpoint's secret",
        parameters=WORKSPACE_PARAMS,
        request=None,
        responses={200: s.EndpointWithSecretSerializer, **ERRORS},
        description="Answers with the new secret, this once. Until `previous_secret_expires_at` "
        "(`RAPTORFLOW_WEBHOOKS_SECRET_GRACE_HOURS`, 24 h by default) each request carries two signatures, one per "
        "secret, separated by a space: a receiver that still has the old secret keeps verifying until it switches.",
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, *args: Any, **kwargs: Any) -> Response:
        endpoint, secret = services.endpoint_rotate_secret(endpoint=self.get_object(), actor=self.actor)
        return Response({**s.EndpointSerializer(endpoint).data, "secret": secret}, headers=NO_STORE)


@extend_schema_view(
    list=extend_schema(
        summary="List webhook deliveries, newest first",
        parameters=WORKSPACE_PARAMS,
        responses={200: s.DeliverySerializer, **ERRORS},
        description="One delivery per event and endpoint: the request (body, last headers), the last response "
        "(status, the start of its body, duration), every attempt, and when the next is due. `?endpoint=` for one "
        "endpoint's log.",
    ),
    retrieve=extend_schema(
        summary="Get a webhook delivery",
        parameters=WORKSPACE_PARAMS,
        responses={200: s.DeliverySerializer, **ERRORS},
    ),
)
class DeliveryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceScopedViewSet):
    """The delivery log of the workspace's webhook endpoints, with manual replay."""

    access = {"list": READ_WEBHOOKS, "retrieve": READ_WEBHOOKS, "replay": WRITE_WEBHOOKS}
    serializer_class = s.DeliverySerializer
    filterset_class = DeliveryFilterSet
    pagination_class = CreatedCursorPagination
    lookup_value_regex = r"\d+"

    def get_workspace_queryset(self, workspace: Any) -> QuerySet[Delivery]:
        return selectors.delivery_list(workspace)

    @extend_schema(
        summary="Send a delivery again",
        parameters=WORKSPACE_PARAMS,
        request=None,
        responses={202: s.DeliverySerializer, **ERRORS, **ENDPOINT_INACTIVE},
        description="Sends the same message (same `webhook-id`) to the same endpoint as a new delivery, with the "
        "full retry schedule; answers with the new delivery. 422 `endpoint_inactive` when the endpoint is off.",
    )
    @action(detail=True, methods=["post"])
    def replay(self, request, *args: Any, **kwargs: Any) -> Response:
        replay = services.delivery_replay(delivery=self.get_object(), actor=self.actor)
        replay = selectors.delivery_list(self.workspace).get(pk=replay.pk)
        return Response(s.DeliverySerializer(replay).data, status=status.HTTP_202_ACCEPTED)
