"""Redoc's bundle, served so that the docs load nothing from outside the server.

The Redoc release in drf-spectacular-sidecar always renders an "API docs by
Redocly" badge whose image comes from cdn.redoc.ly; no option turns it off. The
CSP blocks the request, but a browser still reports it. Rather than committing
a patched copy of a 1 MB vendored file, this view serves the sidecar's own file
with that one URL pointed at our static logo.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.templatetags.static import static

BUNDLE = "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
REDOCLY_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"


@lru_cache(maxsize=1)
def _bundle() -> bytes:
    path = finders.find(BUNDLE)
    if not path:
        raise FileNotFoundError(BUNDLE)
    source = Path(path).read_bytes()
    assert REDOCLY_LOGO in source, "the Redoc bundle changed: check docs.py still covers every outside URL"
    return source.replace(REDOCLY_LOGO, static("raptorflow/favicon.svg").encode())


def redoc_bundle(request, version: str = "v1") -> HttpResponse:
    response = HttpResponse(_bundle(), content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response
