"""The committed OpenAPI schema (docs/openapi.yaml) and the docs that render it.

The schema is the contract scripts and generated clients are built from, so it
is committed and must equal what the code generates; `make test` catches drift
here even where `make schema-check` is not run. The docs must work offline:
Swagger UI and Redoc load only assets this server serves (drf-spectacular-sidecar),
never a CDN.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
import yaml
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client
from jsonschema import Draft202012Validator, FormatChecker

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_PATH = ROOT / "docs" / "openapi.yaml"
DOC_PAGES = ["/api/v1/docs/", "/api/v1/redoc/"]
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
ERROR_REF = "#/components/schemas/Error"


def _committed() -> dict[str, Any]:
    return yaml.safe_load(SCHEMA_PATH.read_text())


def _operations(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(label, operation) for every operation, labelled "METHOD /path" for readable failures."""
    return [
        (f"{method.upper()} {path}", operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    ]


class _Links(HTMLParser):
    """Collects every src= and href= of a page: what a browser would fetch (or offer to follow) from it."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in {"src", "href"} and value]


def _links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.urls


def _is_same_origin(url: str) -> bool:
    """Relative ("/static/…", "x.js") or absolute to the server that rendered the page (the test client's host)."""
    parts = urlsplit(url)
    return (not parts.scheme and not parts.netloc) or parts.netloc == "testserver"


def _fetch(client: Client, url: str) -> bytes:
    """GET a URL and read its body, streamed (whitenoise's static files) or not."""
    response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    response.close()
    return body


# --- (a) drift -----------------------------------------------------------------------------------------------------


def test_the_committed_schema_is_what_the_code_generates(tmp_path):
    fresh = tmp_path / "openapi.yaml"
    # The same command and flags as `make schema`: a warning is a failure, and the result must validate.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(fresh))
    assert fresh.read_text() == SCHEMA_PATH.read_text(), "docs/openapi.yaml is out of date: run make schema"


@pytest.mark.django_db
def test_the_served_schema_is_the_committed_one(client):
    # What Swagger UI and Redoc load. Its info.version gains the request's API version ("1.0.0 (v1)"),
    # so compare the contract itself: the operations and the components they use.
    served, committed = yaml.safe_load(_fetch(client, "/api/v1/schema/")), _committed()
    assert (served["paths"], served["components"]) == (committed["paths"], committed["components"])


# --- (b) docs served offline ---------------------------------------------------------------------------------------


def _rendered(client: Client, page: str) -> tuple[list[str], str]:
    """A docs page's links, and its text with that of the page's own dynamic scripts.

    The split Swagger view (no inline script, for the CSP) moves its init script, and with it the UI's
    settings, to a second request (`?script=`): checked as part of the page.
    """
    html = _fetch(client, page).decode()
    urls = [urljoin(page, url) for url in _links(html)]
    dynamic = [url for url in urls if _is_same_origin(url) and not url.startswith(settings.STATIC_URL)]
    bodies = [_fetch(client, url).decode() for url in dynamic]  # each must be served (200)
    # A vendored bundle (Redoc's, even when served by a view) names many URLs it never fetches: JSON Schema
    # ids, SVG namespaces, links in its error texts. What a bundle may fetch is the CSP's to enforce.
    own = [body for url, body in zip(dynamic, bodies, strict=True) if not urlsplit(url).path.endswith(".js")]
    return urls, "\n".join([html, *own])


@pytest.mark.django_db
@pytest.mark.parametrize("page", DOC_PAGES)
def test_the_api_docs_render_and_load_nothing_from_another_host(client, page):
    urls, text = _rendered(client, page)
    assert any(url.endswith(".js") for url in urls), f"{page} loads no script: {urls}"
    assert [url for url in urls if not _is_same_origin(url)] == []
    # Inline scripts and styles too: no absolute URL to any other host (fonts, validators, CDNs).
    assert re.findall(r"(?:https?:)?//(?!testserver[/:\"'])[\w.-]+\.[a-z]{2,}", text) == []


@pytest.mark.django_db
@pytest.mark.parametrize("page", DOC_PAGES)
def test_every_asset_the_docs_reference_is_served_here(client, page):
    # DEBUG is off under pytest, so this goes through whitenoise (WHITENOISE_USE_FINDERS), as in development.
    assets = [url for url in _rendered(client, page)[0] if url.startswith(settings.STATIC_URL)]
    assert assets, f"{page} references no static asset"
    for url in assets:
        on_disk = finders.find(url.removeprefix(settings.STATIC_URL))
        assert on_disk, f"{url} is not a static file of any app"
        assert _fetch(client, url) == Path(on_disk).read_bytes(), url


@pytest.mark.django_db
def test_swagger_ui_does_not_call_the_public_validator(client):
    # Swagger UI's default validatorUrl makes every browser fetch a badge from validator.swagger.io.
    assert '"validatorUrl": null' in _rendered(client, "/api/v1/docs/")[1]


# --- (c) every operation and error documented ----------------------------------------------------------------------


def test_every_operation_has_a_summary():
    missing = [label for label, operation in _operations(_committed()) if not operation.get("summary")]
    assert missing == []


def test_every_documented_error_uses_the_error_shape_with_an_example():
    wrong = []
    for label, operation in _operations(_committed()):
        for status, response in operation["responses"].items():
            if str(status).startswith("2") or str(status) == "304":  # a 304 has no body (If-None-Match)
                continue
            content = response.get("content", {}).get("application/json", {})
            if content.get("schema", {}).get("$ref") != ERROR_REF or not content.get("examples"):
                wrong.append(f"{label} → {status}")
    assert wrong == []


def test_every_authenticated_operation_documents_the_auth_errors():
    schema = _committed()
    undocumented = [
        label
        for label, operation in _operations(schema)
        # An empty requirement ({}) means anonymous callers are let in (health, sign-in): no 401 to document.
        if (requirements := operation.get("security", schema.get("security")))
        and {} not in requirements
        and not {"401", "403"} <= {str(status) for status in operation["responses"]}
    ]
    assert undocumented == []


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def test_no_integer_bound_is_a_database_storage_limit():
    # DRF turns a model integer field's storage range into min/max, and that range is the database's: 2^63-1
    # on SQLite, 2^31-1 on PostgreSQL. Such a bound would make the schema depend on which database generated
    # it (make schema locally vs CI), so writable integers need explicit bounds and output-only ones none.
    limits = {2**15 - 1, -(2**15), 2**31 - 1, -(2**31), 2**63 - 1, -(2**63)}
    leaked = [node for node in _walk(_committed()) if node.get("maximum") in limits or node.get("minimum") in limits]
    assert leaked == []


# --- (d) every request body has an example that the body's schema accepts -----------------------------------------


@pytest.fixture(scope="module")
def generated() -> dict[str, Any]:
    """The schema as the code generates it now (what `make schema` would commit), as plain JSON types."""
    from drf_spectacular.generators import SchemaGenerator

    return json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))


def _request_examples(operation: dict[str, Any]) -> dict[str, Any]:
    """The examples of an operation's JSON body, by name ({} when it has none)."""
    content = operation["requestBody"].get("content", {}).get("application/json", {})
    examples = {name: example["value"] for name, example in content.get("examples", {}).items()}
    return examples | ({"example": content["example"]} if "example" in content else {})


def _as_json_schema(node: Any) -> Any:
    """OpenAPI 3.0's `nullable: true` as JSON Schema says it (a null alternative); the rest is JSON Schema."""
    if isinstance(node, list):
        return [_as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _as_json_schema(value) for key, value in node.items() if key != "nullable"}
    return {"anyOf": [converted, {"type": "null"}]} if node.get("nullable") else converted


def test_every_request_body_has_an_example(generated):
    # Swagger UI pre-fills "Try it out" with the example, and the README points API users at the docs.
    missing = [label for label, op in _operations(generated) if "requestBody" in op and not _request_examples(op)]
    assert missing == []


def test_every_request_example_matches_its_body_schema(generated):
    components = _as_json_schema(generated["components"])
    wrong = []
    for label, operation in _operations(generated):
        if "requestBody" not in operation:
            continue
        body = _as_json_schema(operation["requestBody"]["content"]["application/json"]["schema"])
        # The components ride along, so that "#/components/schemas/…" resolves inside the one document.
        validator = Draft202012Validator({**body, "components": components}, format_checker=FormatChecker())
        for name, value in _request_examples(operation).items():
            wrong += [f"{label} {name}: {error.message}" for error in validator.iter_errors(value)]
    assert wrong == []
