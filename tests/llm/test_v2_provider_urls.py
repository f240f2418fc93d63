"""A provider's base URL is checked like the fetch tool's URLs: when saved, before each call, and by the test.

Never link-local or a cloud metadata service; private and loopback only with RAPTORFLOW_PROVIDER_ALLOW_PRIVATE
(on in development and tests, off by default in production); http(s) only.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from raptorflow import netguard
from raptorflow.audit.actors import Actor
from raptorflow.llm.admin import ProviderForm
from raptorflow.llm.choices import ProviderKind
from raptorflow.llm.errors import ErrorCode, ProviderError
from raptorflow.llm.models import Provider
from raptorflow.llm.provider_urls import base_url_problem, check_provider_url
from raptorflow.llm.services import provider_test_connection
from tests.platform.test_settings import PRODUCTION

from . import make_provider

ROOT = Path(__file__).resolve().parents[2]
PUBLIC = "104.18.6.192"

NEVER = [
    "http://169.254.169.254/latest/meta-data/",
    "http://169.254.170.2/v2/credentials",  # AWS ECS task credentials
    "http://169.254.10.1:8080/v1",  # any link-local address
    "http://[fe80::1]:11434/v1",
    "http://[fd00:ec2::254]/latest/",  # AWS metadata over IPv6
    "http://[fd12:3456::1]/v1",  # fd00::/8
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://METADATA.google.internal./computeMetadata/v1/",
    "http://metadata/computeMetadata/v1/",
    "http://100.100.100.200/latest/meta-data/",  # Alibaba Cloud
    "http://168.63.129.16/machine",  # Azure WireServer, a public address
    "http://2852039166/latest/",  # 169.254.169.254 written as a number
    "http://[::ffff:169.254.169.254]/latest/",  # ... as an IPv4-mapped IPv6 address
    "http://[64:ff9b::a9fe:a9fe]/latest/",  # ... through NAT64
    "http://0.0.0.0:11434/v1",
    "http://224.0.0.251/",
]
PRIVATE = [
    "http://127.0.0.1:11434/v1",
    "http://localhost:8000/v1",
    "http://[::1]:11434/v1",
    "http://10.0.0.5/v1",
    "http://172.16.4.2:8000/v1",
    "http://192.168.1.20:8000/v1",
    "http://100.64.1.2:11434/v1",  # shared address space (Tailscale)
    "http://[fc00::5]/v1",
]
NOT_HTTP = ["ftp://models.example.com/v1", "file:///etc/passwd", "gopher://127.0.0.1:6379/_", "not a url", "http:///v1"]


@pytest.fixture
def dns(monkeypatch) -> dict[str, list[str]]:
    """Names → addresses that getaddrinfo answers with; any other name is resolved for real."""
    answers: dict[str, list[str]] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in answers:
            return real(host, port, *args, **kwargs)
        families = {True: socket.AF_INET6, False: socket.AF_INET}
        return [(families[":" in a], socket.SOCK_STREAM, 6, "", (a, port)) for a in answers[host]]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


def _provider(base_url: str, kind: str = ProviderKind.OPENAI_COMPATIBLE) -> Provider:
    """A provider row written directly, as an old row or a migration might have left it (no clean)."""
    return make_provider(kind, name="urls", base_url=base_url)


def _refused_at_call(provider: Provider) -> ProviderError:
    with pytest.raises(ProviderError) as excinfo:
        check_provider_url(provider)
    return excinfo.value


@pytest.mark.parametrize("url", NEVER)
def test_link_local_metadata_and_unusable_addresses_are_refused_even_with_private_allowed(db, settings, url):
    settings.RAPTORFLOW_PROVIDER_ALLOW_PRIVATE = True
    assert base_url_problem(url) is not None
    error = _refused_at_call(_provider(url))
    assert (error.code, error.retryable) == (ErrorCode.REJECTED, False)


@pytest.mark.parametrize("url", PRIVATE)
def test_private_and_loopback_addresses_are_refused_while_the_setting_is_off(db, settings, url):
    settings.RAPTORFLOW_PROVIDER_ALLOW_PRIVATE = False
    assert "RAPTORFLOW_PROVIDER_ALLOW_PRIVATE" in base_url_problem(url)  # the message says how to allow it
    error = _refused_at_call(_provider(url))
    assert (error.code, error.retryable) == (ErrorCode.REJECTED, False)


@pytest.mark.parametrize("url", PRIVATE)
def test_private_and_loopback_addresses_are_allowed_with_the_setting_on(db, settings, url):
    settings.RAPTORFLOW_PROVIDER_ALLOW_PRIVATE = True
    assert base_url_problem(url) is None
    check_provider_url(_provider(url))


@pytest.mark.parametrize("url", NOT_HTTP)
def test_anything_but_http_and_https_is_refused(db, settings, url):
    settings.RAPTORFLOW_PROVIDER_ALLOW_PRIVATE = True
    assert "http or https" in base_url_problem(url)
    assert _refused_at_call(_provider(url)).code == ErrorCode.REJECTED


def test_a_public_host_is_allowed_with_the_setting_off(db, settings, dns):
    settings.RAPTORFLOW_PROVIDER_ALLOW_PRIVATE = False
    dns["llm.example.com"] = [PUBLIC, "2606:4700::6812:6c0"]
    assert base_url_problem("https://llm.example.com/v1") is None
    check_provider_url(_provider("https://llm.example.com/v1"))
    check_provider_url(_provider("https://1.1.1.1/v1"))


def test_a_host_that_resolves_to_a_metadata_address_is_refused(db, settings, dns):
    settings.RAPTORFLOW_PROVIDER_ALLOW_PRIVATE = True
    dns["models.corp.example"] = ["169.254.169.254"]
    assert "resolves to 169.254.169.254, a cloud metadata service" in base_url_problem("http://models.corp.example/v1")
    assert "metadata" in _refused_at_call(_provider("http://models.corp.example/v1")).message


def test_every_address_of_a_host_is_checked(db, settings, dns):
    settings.RAPTORFLOW_PROVIDER_ALLOW_PRIVATE = False
    dns["llm.example.com"] = [PUBLIC, "10.1.2.3"]
    assert "10.1.2.3" in _refused_at_call(_provider("https://llm.example.com/v1")).message


def test_the_host_is_resolved_again_at_call_time_so_a_dns_change_is_caught(db, settings, dns):
    settings.RAPTORFLOW_PROVIDER_ALLOW_PRIVATE = False
    dns["llm.example.com"] = [PUBLIC]
    provider = Provider(name="rebound", kind=ProviderKind.OPENAI_COMPATIBLE, base_url="https://llm.example.com/v1")
    provider.full_clean()
    provider.save()
    check_provider_url(provider)
    dns["llm.example.com"] = ["169.254.169.254"]
    error = _refused_at_call(provider)
    assert (error.code, error.retryable, error.provider) == (ErrorCode.REJECTED, False, "rebound")


def test_a_host_that_does_not_resolve_is_accepted_when_saved_and_unavailable_when_called(db):
    provider = Provider(name="later", kind=ProviderKind.OPENAI_COMPATIBLE, base_url="https://llm.invalid/v1")
    provider.full_clean()  # reaches nothing yet; the call-time check judges what it resolves to later
    error = _refused_at_call(provider)
    assert (error.code, error.retryable) == (ErrorCode.UNAVAILABLE, True)  # what the call itself would fail with


def test_providers_without_a_network_call_or_with_the_default_url_are_not_checked(db, settings):
    settings.RAPTORFLOW_PROVIDER_ALLOW_PRIVATE = False
    check_provider_url(_provider("http://169.254.169.254/", kind=ProviderKind.OFFLINE))
    check_provider_url(_provider("", kind=ProviderKind.OPENAI_COMPATIBLE))  # https://api.openai.com/v1


def test_saving_a_provider_with_a_refused_base_url_is_a_validation_error_on_the_field(db, settings):
    settings.RAPTORFLOW_PROVIDER_ALLOW_PRIVATE = False
    for url in ("http://169.254.169.254/", "http://127.0.0.1:11434/v1", "ftp://models.example.com/"):
        provider = Provider(name="bad", kind=ProviderKind.OPENAI_COMPATIBLE, base_url=url)
        with pytest.raises(ValidationError) as excinfo:
            provider.full_clean()
        assert list(excinfo.value.message_dict) == ["base_url"]


def test_the_admin_form_refuses_a_metadata_base_url_with_a_clear_error(admin_client, settings):
    settings.RAPTORFLOW_PROVIDER_ALLOW_PRIVATE = True
    data = {
        "name": "sneaky", "kind": ProviderKind.OPENAI_COMPATIBLE, "base_url": "http://169.254.169.254/latest/",
        "timeout_seconds": 30, "max_retries": 2, "enabled": "on",
    }  # fmt: skip
    response = admin_client.post(reverse("admin:llm_provider_add"), data)
    assert response.status_code == 200  # the form again, with the error
    assert "169.254.169.254 is a cloud metadata service" in response.content.decode()
    assert not Provider.objects.filter(name="sneaky").exists()
    settings.RAPTORFLOW_PROVIDER_ALLOW_PRIVATE = False
    form = ProviderForm(data={**data, "base_url": "http://127.0.0.1:11434/v1"})
    assert not form.is_valid()
    assert "RAPTORFLOW_PROVIDER_ALLOW_PRIVATE" in form.errors["base_url"][0]


def test_test_connection_refuses_before_sending_anything(admin_client, settings, httpserver):
    settings.RAPTORFLOW_PROVIDER_ALLOW_PRIVATE = False  # the fake provider listens on 127.0.0.1
    httpserver.expect_request("/v1/chat/completions").respond_with_json({"choices": []})
    provider = _provider(httpserver.url_for("/v1"))
    result = provider_test_connection(provider, actor=Actor.system("ops"))
    assert not result.ok
    assert "provider_rejected" in result.error and "private or loopback" in result.error
    response = admin_client.post(reverse("admin:llm_provider_test", args=[provider.pk]), follow=True)
    assert "connection failed" in response.content.decode()
    assert httpserver.log == []


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("8.8.8.8", netguard.AddressClass.PUBLIC),
        ("::ffff:8.8.8.8", netguard.AddressClass.PUBLIC),  # judged as the IPv4 address it carries
        ("::ffff:10.0.0.1", netguard.AddressClass.PRIVATE),
        ("::1", netguard.AddressClass.PRIVATE),  # loopback, though it lies in the reserved ::/8
        ("fd00:ec2::254", netguard.AddressClass.METADATA),
        ("2002:a9fe:a9fe::1", netguard.AddressClass.METADATA),  # 6to4 of 169.254.169.254
        ("169.254.1.1", netguard.AddressClass.LINK_LOCAL),
        ("240.0.0.1", netguard.AddressClass.UNUSABLE),
    ],
)
def test_addresses_are_classified_by_what_they_reach(address, kind):
    import ipaddress

    assert netguard.classify(ipaddress.ip_address(address)) is kind


def _production_setting(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "DATABASE", "REDIS", "CELERY"))}
    clean.pop("RAPTORFLOW_PROVIDER_ALLOW_PRIVATE", None)
    clean.update({"DJANGO_SETTINGS_MODULE": "raptorflow.settings", **PRODUCTION, **env})
    code = "from django.conf import settings; print(settings.RAPTORFLOW_PROVIDER_ALLOW_PRIVATE)"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()[-1]  # after what the shell says it imported


def test_production_settings_refuse_private_addresses_unless_switched_on():
    assert _production_setting() == "False"
    assert _production_setting(RAPTORFLOW_PROVIDER_ALLOW_PRIVATE="true") == "True"
