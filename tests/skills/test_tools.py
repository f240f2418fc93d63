"""Built-in tools: text statistics, the SSRF-guarded fetch, and the workspace-scoped lookup."""

from __future__ import annotations

import pytest

from agents.runs.runtime import RunContext
from skills import tools
from skills.fetch import FetchRefused
from tests.factories import RunFactory, WorkspaceFactory


def test_text_stats_counts_and_scores_a_known_text():
    stats = tools.get("text.stats")({"text": "The cat sat on the mat. It was happy.\n\nThe end."}, None)
    assert (stats["words"], stats["sentences"], stats["paragraphs"]) == (11, 3, 2)
    assert stats["flesch_reading_ease"] > 90  # one-syllable words, short sentences
    assert stats["read_time_minutes"] == round(11 / 225, 2)


def test_text_stats_of_empty_text_has_no_scores():
    stats = tools.get("text.stats")({"text": ""}, None)
    assert (stats["words"], stats["flesch_reading_ease"], stats["flesch_kincaid_grade"]) == (0, None, None)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost:8000/admin/",
        "http://10.0.0.1/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://0.0.0.0/",
        "http://2130706433/",  # 127.0.0.1 written as a number
        "ftp://example.com/file",
        "file:///etc/passwd",
        "not a url",
    ],
)
def test_fetch_refuses_private_loopback_and_odd_urls(url):
    with pytest.raises(FetchRefused):
        tools.get("http.fetch")({"url": url}, None)


def test_fetch_reads_an_allowlisted_page_as_text(httpserver, settings):
    settings.RAPTORFLOW_FETCH_ALLOWLIST = ["127.0.0.1/32"]
    httpserver.expect_request("/pricing").respond_with_data(
        "<html><head><style>p{}</style></head><body><h1>Plans</h1><p>From $29 &amp; up</p></body></html>",
        content_type="text/html; charset=utf-8",
    )
    page = tools.get("http.fetch")({"url": httpserver.url_for("/pricing")}, None)
    assert (page["status"], page["content_type"], page["text"]) == (200, "text/html", "Plans From $29 & up")


def test_fetch_checks_every_redirect_hop(httpserver, settings):
    settings.RAPTORFLOW_FETCH_ALLOWLIST = ["127.0.0.1/32"]
    httpserver.expect_request("/go").respond_with_data("", status=302, headers={"Location": "http://10.1.2.3/"})
    with pytest.raises(FetchRefused, match="non-public address"):
        tools.get("http.fetch")({"url": httpserver.url_for("/go")}, None)


def test_fetch_refuses_binary_and_oversized_responses(httpserver, settings):
    settings.RAPTORFLOW_FETCH_ALLOWLIST = ["127.0.0.1/32"]
    settings.RAPTORFLOW_FETCH_MAX_BYTES = 2048
    httpserver.expect_request("/logo").respond_with_data(b"\x89PNG", content_type="image/png")
    httpserver.expect_request("/big").respond_with_data("x" * 5000, content_type="text/plain")
    with pytest.raises(FetchRefused, match="Only text"):
        tools.get("http.fetch")({"url": httpserver.url_for("/logo")}, None)
    with pytest.raises(FetchRefused, match="larger than 2048"):
        tools.get("http.fetch")({"url": httpserver.url_for("/big")}, None)


def test_workspace_lookup_sees_only_the_runs_own_workspace(db):
    mine = RunFactory(status="running")
    earlier = RunFactory(
        workspace=mine.workspace, agent_version=mine.agent_version, status="succeeded", output={"a": 1}
    )
    RunFactory(workspace=WorkspaceFactory(), agent_version=mine.agent_version, status="succeeded", output={"b": 2})
    ctx = RunContext(mine)
    runs = ctx.tool("workspace.lookup", {"what": "runs"})["runs"]
    assert [r["id"] for r in runs] == [str(earlier.pk)]
    assert ctx.tool("workspace.lookup", {"what": "foundation"}) == {"foundation": mine.workspace.foundation}
    assert list(mine.steps.values_list("kind", "name")) == [("tool", "workspace.lookup"), ("tool", "workspace.lookup")]


def test_fetch_connects_to_the_address_it_checked_even_if_the_name_resolves_elsewhere_later(
    httpserver, settings, monkeypatch
):
    """DNS rebinding: the name resolves to an allowed address when checked and to another when connecting.
    The connection is pinned to the checked address, with the name kept in the Host header."""
    import socket

    settings.RAPTORFLOW_FETCH_ALLOWLIST = ["127.0.0.1"]
    httpserver.expect_request("/page").respond_with_data("rebinding refused", content_type="text/plain")
    real = socket.getaddrinfo
    answers = iter(["127.0.0.1"])  # the first answer (the check) is vetted; any later one would be a trap

    def rebinding(host, port, *args, **kwargs):
        if host != "rebind.test":
            return real(host, port, *args, **kwargs)
        address = next(answers, "10.255.255.1")  # unroutable: a connection that resolved again would hang
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    settings.RAPTORFLOW_FETCH_TIMEOUT_SECONDS = 2
    page = tools.get("http.fetch")({"url": f"http://rebind.test:{httpserver.port}/page"}, None)
    assert page["text"] == "rebinding refused"
    (request, _), *_ = httpserver.log
    assert request.headers["Host"] == f"rebind.test:{httpserver.port}"
