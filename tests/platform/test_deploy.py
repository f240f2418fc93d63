"""What deploy/ ships is checked, not just written: the Prometheus rules (promtool), their runbooks, the Grafana
dashboard and the Kubernetes manifests (kubernetes-validate), each against the metric names /metrics really exports.

promtool comes from Debian's ``prometheus`` package (.ci/run installs it). Without it the promtool tests skip
locally, and fail when ``CI`` is set: CI must never pass them by skipping.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from prometheus_client import REGISTRY

ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS = ROOT / "deploy" / "prometheus"
RULES = PROMETHEUS / "alerts.yml"
RULE_TESTS = PROMETHEUS / "alerts_test.yml"
RUNBOOKS = ROOT / "docs" / "runbooks"
DASHBOARD = ROOT / "deploy" / "grafana" / "raptorflow.json"
METRIC = re.compile(r"\b(raptorflow_[a-z0-9_]+)\b")
SUFFIXES = {"counter": ("_total", "_created"), "histogram": ("_bucket", "_count", "_sum", "_created"), "gauge": ("",)}


def promtool() -> str:
    path = shutil.which("promtool")
    if path is None:
        message = "promtool not found: apt-get install -y prometheus (Debian's package ships it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def alerts() -> list[dict]:
    return [rule for group in yaml.safe_load(RULES.read_text())["groups"] for rule in group["rules"]]


@pytest.fixture
def exported(db) -> set[str]:
    """Every raptorflow_* sample name /metrics can export: the families of this process's registry (which holds the
    scrape-time collector outside multiprocess mode), with a worker heartbeat written so that its gauge is there."""
    from raptorflow.health import worker_heartbeat_write

    worker_heartbeat_write("deploy-test")
    names = set()
    for family in REGISTRY.collect():
        if family.name.startswith("raptorflow_"):
            names.update(family.name + suffix for suffix in SUFFIXES[family.type])
    return names


# --- Prometheus rules ------------------------------------------------------------------------------------------------


def test_promtool_checks_the_rules_and_every_unit_test_passes():
    tool = promtool()
    check = subprocess.run([tool, "check", "rules", str(RULES)], capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
    test = subprocess.run([tool, "test", "rules", str(RULE_TESTS)], capture_output=True, text=True, timeout=120)
    assert test.returncode == 0, test.stdout + test.stderr
    assert "SUCCESS" in test.stdout


def test_every_alert_is_unit_tested_firing_and_not_firing():
    cases = [case for test in yaml.safe_load(RULE_TESTS.read_text())["tests"] for case in test["alert_rule_test"]]
    for rule in alerts():
        mine = [case for case in cases if case["alertname"] == rule["alert"]]
        assert any(case.get("exp_alerts") for case in mine), f"{rule['alert']} is never tested firing"
        assert any(not case.get("exp_alerts") for case in mine), f"{rule['alert']} is never tested not firing"


def test_every_alert_links_its_own_runbook_and_the_runbook_answers_the_three_questions():
    for rule in alerts():
        url = rule["annotations"]["runbook_url"]
        assert url == f"docs/runbooks/{rule['alert']}.md"
        text = (ROOT / url).read_text()
        assert text.startswith(f"# {rule['alert']}\n")
        for heading in ("## What it means", "## How to confirm", "## How to fix"):
            assert heading in text, f"{url} has no {heading!r}"
        assert rule["labels"]["severity"] in {"info", "warning", "critical"}
    assert {path.stem for path in RUNBOOKS.glob("Raptorflow*.md")} == {rule["alert"] for rule in alerts()}


def test_the_rules_use_only_metrics_that_raptorflow_exports(exported):
    used = {name for rule in alerts() for name in METRIC.findall(rule["expr"])}
    assert used, "no raptorflow metric found in the rules"
    assert used <= exported, f"not exported by /metrics: {sorted(used - exported)}"


def test_the_exported_names_are_what_a_scrape_shows(client, exported):
    """The names the checks above rely on are real: every family seen in a /metrics scrape is among them."""
    from prometheus_client.parser import text_string_to_metric_families

    text = client.get("/metrics").content.decode()
    scraped = {
        s.name for f in text_string_to_metric_families(text) for s in f.samples if s.name.startswith("raptorflow")
    }
    assert {"raptorflow_queue_depth", "raptorflow_audit_unsealed_oldest_age_seconds"} <= scraped
    assert scraped <= exported


# --- Grafana ---------------------------------------------------------------------------------------------------------


def dashboard_exprs() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    panels = [panel for panel in dashboard["panels"] if panel["type"] != "row"]
    assert panels and all(panel.get("targets") for panel in panels), "every panel queries something"
    return [target["expr"] for panel in panels for target in panel["targets"]]


def test_the_dashboard_is_grafana_json_whose_panels_do_not_overlap():
    dashboard = json.loads(DASHBOARD.read_text())
    assert dashboard["uid"] and dashboard["schemaVersion"] >= 36
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    cells = [
        (panel["gridPos"]["x"] + dx, panel["gridPos"]["y"] + dy)
        for panel in dashboard["panels"]
        for dx in range(panel["gridPos"]["w"])
        for dy in range(panel["gridPos"]["h"])
    ]
    assert len(cells) == len(set(cells)), "two panels overlap"
    assert all(x < 24 for x, _ in cells)


def test_the_dashboard_queries_only_exported_metrics_and_shows_every_alerted_one(exported):
    used = {name for expr in dashboard_exprs() for name in METRIC.findall(expr)}
    assert used <= exported, f"not exported by /metrics: {sorted(used - exported)}"
    alerted = {name for rule in alerts() for name in METRIC.findall(rule["expr"])}
    assert alerted <= used, f"alerted on but not on the dashboard: {sorted(alerted - used)}"


def test_the_dashboard_queries_parse_as_promql(tmp_path):
    """promtool parses each query as a recording rule (Grafana's $__rate_interval stands for a range)."""
    tool = promtool()
    rules = [
        {"record": f"raptorflow:dashboard_{n}", "expr": expr.replace("$__rate_interval", "5m")}
        for n, expr in enumerate(dashboard_exprs())
    ]
    path = tmp_path / "dashboard_rules.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}))
    check = subprocess.run([tool, "check", "rules", str(path)], capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
