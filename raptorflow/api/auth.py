"""Session sign-in for browser clients of the API, protected by django-axes like the admin login.

`GET /api/v1/auth/login` sets the CSRF cookie and returns its token; `POST` with
username and password (and the X-CSRFToken header) opens a session. Wrong
credentials are a 400; after AXES_FAILURE_LIMIT failures for one username from
one address, further attempts get 429 with Retry-After until the cool-off ends.
"""

from __future__ import annotations

from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_protect, ensure_csrf_cookie
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .errors import error_body
from .schema import ERRORS, request_example
from .serializers import StrictCharField


def _lockout_message(request) -> tuple[str, int]:
    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds()) if cool_off else 0
    minutes = max(1, round(seconds / 60))
    return f"Too many failed sign-ins for this account from your address; try again in {minutes} minutes.", seconds


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: JSON for the API, the lockout page for the admin. Never a 400."""
    message, seconds = _lockout_message(request)
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(error_body("locked_out", message), status=settings.AXES_HTTP_RESPONSE_CODE)
    else:
        context = {"failure_limit": get_failure_limit(request, credentials), "cooloff_timedelta": get_cool_off(request)}
        response = render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=settings.AXES_HTTP_RESPONSE_CODE)
    if seconds:
        response["Retry-After"] = str(seconds)
    return response


class LoginSerializer(serializers.Serializer):
    username = StrictCharField(max_length=150)
    password = StrictCharField(max_length=4096, style={"input_type": "password"}, trim_whitespace=False)


SessionSerializer = inline_serializer(
    "Session", {"username": serializers.CharField(), "csrf_token": serializers.CharField()}
)


@method_decorator(csrf_protect, name="post")
@method_decorator(ensure_csrf_cookie, name="get")
class LoginView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []  # the session is what this view creates
    throttle_scope = "login"

    @extend_schema(summary="Get a CSRF token before signing in", responses={200: SessionSerializer})
    def get(self, request, *args, **kwargs):
        name = request.user.get_username() if request.user.is_authenticated else ""
        return Response({"username": name, "csrf_token": get_token(request)})

    @extend_schema(
        summary="Sign in (session)",
        request=LoginSerializer,
        responses={200: SessionSerializer, **ERRORS},
        examples=request_example("Sign in", {"username": "ada", "password": "correct horse battery staple"}),
    )
    def post(self, request, *args, **kwargs):
        body = LoginSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        django_request = request._request
        user = authenticate(django_request, **body.validated_data)
        if getattr(django_request, "axes_locked_out", False):
            return lockout_response(django_request)
        if user is None:
            return Response(error_body("invalid_credentials", "Wrong username or password."), status=400)
        login(django_request, user)
        return Response({"username": user.get_username(), "csrf_token": get_token(django_request)})


class LogoutView(APIView):
    @extend_schema(summary="Sign out", request=None, responses={204: None, **ERRORS})
    def post(self, request, *args, **kwargs):
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)
