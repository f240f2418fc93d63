"""Django REST framework and drf-spectacular."""

from __future__ import annotations

from .env import env_int, env_str

REST_FRAMEWORK = {
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.URLPathVersioning",
    "DEFAULT_VERSION": "v1",
    "ALLOWED_VERSIONS": ["v1"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "raptorflow.api.authentication.APIKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "EXCEPTION_HANDLER": "raptorflow.api.errors.exception_handler",
    # DRF's three parsers, refusing NUL characters that PostgreSQL cannot store (raptorflow/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "raptorflow.api.parsers.JSONParser",
        "raptorflow.api.parsers.FormParser",
        "raptorflow.api.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "raptorflow.api.throttles.KeyOrUserRateThrottle",
        "raptorflow.api.throttles.AnonThrottle",
        "rest_framework.throttling.ScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env_str("API_THROTTLE_USER", "1200/min"),
        "anon": env_str("API_THROTTLE_ANON", "60/min"),
        "login": env_str("API_THROTTLE_LOGIN", "10/min"),
    },
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["raptorflow.api.filters.StrictFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}

# Input limits (each refused with its own code): request body, JSON nesting, one run's input.
RAPTORFLOW_API_MAX_BODY_BYTES = env_int("RAPTORFLOW_API_MAX_BODY_BYTES", 1_000_000, minimum=1024)
RAPTORFLOW_API_MAX_JSON_DEPTH = env_int("RAPTORFLOW_API_MAX_JSON_DEPTH", 32, minimum=2)
RAPTORFLOW_MAX_RUN_INPUT_BYTES = env_int("RAPTORFLOW_MAX_RUN_INPUT_BYTES", 256_000, minimum=1024)

API_PAGE_SIZE = env_int("API_PAGE_SIZE", 50, minimum=1, maximum=500)
# Workspaces one person may own (POST /api/v1/workspaces makes the caller its owner); staff are not limited.
RAPTORFLOW_MAX_OWNED_WORKSPACES = env_int("RAPTORFLOW_MAX_OWNED_WORKSPACES", 10, minimum=1)

SPECTACULAR_SETTINGS = {
    "TITLE": "Raptorflow API",
    "DESCRIPTION": "Run marketing AI agents: start runs, follow them live, approve gated steps, read results.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Swagger UI's default validator badge is an image from validator.swagger.io: off, the docs stay offline.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "REDOC_DIST": "/api/v1/redoc-dist",  # the sidecar bundle with its one outside URL replaced (api/docs.py)
    "COMPONENT_SPLIT_REQUEST": True,
    # Operations are tagged by resource (runs, agents, workspaces, ...): the path segment after /api/v1/.
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "raptorflow.api.schema.tighten",
        "raptorflow.api.schema.document_stream",
    ],
    # Bodies are documented as JSON only: run input is nested JSON, which form encodings cannot carry, and a
    # client generated from three alternatives for one body picks the last one (multipart).
    "PARSER_WHITELIST": ["raptorflow.api.parsers.JSONParser"],
    "ENUM_NAME_OVERRIDES": {
        "RunStatusEnum": "agents.choices.RunStatus",
        "VersionStatusEnum": "agents.choices.VersionStatus",
        "StepStatusEnum": "agents.choices.StepStatus",
        "ApprovalStatusEnum": "agents.choices.ApprovalStatus",
        "RoleEnum": "raptorflow.accounts.choices.Role",
        "OutcomeEnum": "raptorflow.audit.choices.Outcome",
        "WebhookEventTypeEnum": "raptorflow.webhooks.choices.EventType",
        "DeliveryStatusEnum": "raptorflow.webhooks.choices.DeliveryStatus",
    },
}
