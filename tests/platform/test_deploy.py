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


# --- Kubernetes ---------------------------------------------------------------------------------------------------

KUBE = ROOT / "deploy" / "kubernetes"
KUBE_VERSION = "1.30.0"  # the oldest Kubernetes release still in its providers' support windows (2026)
KEDA_SCHEMA = KUBE / "schemas" / "keda-scaledobject.schema.json"


def manifests() -> list[dict]:
    docs = []
    for path in sorted(KUBE.glob("*.yaml")):
        docs += [dict(doc, _file=path.name) for doc in yaml.safe_load_all(path.read_text()) if doc]
    return docs


def of_kind(kind: str) -> list[dict]:
    return [doc for doc in manifests() if doc["kind"] == kind]


def named(kind: str, name: str) -> dict:
    (doc,) = [doc for doc in of_kind(kind) if doc["metadata"]["name"] == name]
    return doc


def strip(doc: dict) -> dict:
    return {key: value for key, value in doc.items() if key != "_file"}


def test_every_kubernetes_manifest_validates_against_the_kubernetes_schema():
    """Strict: an unknown or misspelt field fails, as the API server's strict field validation would."""
    import kubernetes_validate

    checked = 0
    for doc in manifests():
        if doc["kind"] == "Kustomization":  # kubectl's own config, not an API object: checked below
            continue
        if doc["kind"] == "ScaledObject":  # a KEDA CRD kubernetes-validate has no schema for: the next test
            continue
        try:
            kubernetes_validate.validate(strip(doc), KUBE_VERSION, strict=True)
        except kubernetes_validate.ValidationError as exc:
            pytest.fail(f"{doc['_file']} {doc['kind']} {doc['metadata']['name']}: {exc.message} at {list(exc.path)}")
        checked += 1
    assert checked >= 15


def test_keda_scaled_objects_validate_against_kedas_spec_and_their_hpa_behaviour_against_kubernetes():
    import jsonschema
    import kubernetes_validate

    schema = json.loads(KEDA_SCHEMA.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    scaled = of_kind("ScaledObject")
    assert scaled
    for doc in scaled:
        jsonschema.validate(strip(doc), schema, cls=jsonschema.Draft202012Validator)
        behavior = doc["spec"].get("advanced", {}).get("horizontalPodAutoscalerConfig", {}).get("behavior")
        if behavior:
            hpa = {
                "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "check"},
                "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "x"}, "maxReplicas": 1, "behavior": behavior},
            }  # fmt: skip
            kubernetes_validate.validate(hpa, KUBE_VERSION, strict=True)
    # The schema is strict: a misspelt field is refused, not ignored.
    bad = strip(scaled[0]) | {"spec": {**scaled[0]["spec"], "maxReplicasCount": 3}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema, cls=jsonschema.Draft202012Validator)


def test_one_worker_deployment_scaled_by_keda_per_queue_on_that_queues_redis_list():
    from raptorflow.queues import QUEUES

    workers = [
        doc for doc in of_kind("Deployment") if doc["metadata"]["labels"]["app.kubernetes.io/component"] == "worker"
    ]
    by_queue = {}
    for doc in workers:
        (container,) = doc["spec"]["template"]["spec"]["containers"]
        (flag,) = [arg for arg in container["command"] if arg.startswith("--queues=")]
        by_queue[flag.removeprefix("--queues=")] = doc["metadata"]["name"]
    assert set(by_queue) == set(QUEUES), "one worker Deployment per queue of raptorflow/queues.py"
    targets = {so["spec"]["scaleTargetRef"]["name"]: so for so in of_kind("ScaledObject")}
    assert set(targets) == set(by_queue.values())
    broker_db = "1"  # CELERY_BROKER_URL's database in docker-compose.yml and secret.example.yaml
    for queue, deployment in by_queue.items():
        (trigger,) = targets[deployment]["spec"]["triggers"]
        assert trigger["type"] == "redis"
        assert trigger["metadata"]["listName"] == queue
        assert trigger["metadata"]["databaseIndex"] == broker_db
        env_names = {item for item in named("ConfigMap", "raptorflow-config")["data"]} | set(
            named("Secret", "raptorflow-secrets")["stringData"]
        )
        assert trigger["metadata"]["addressFromEnv"] in env_names
        assert trigger["metadata"]["passwordFromEnv"] in env_names
    assert targets[by_queue["runs"]]["spec"]["minReplicaCount"] >= 1, "a runs worker is always there"


def test_beat_is_exactly_one_and_never_autoscaled():
    beats = [doc for doc in of_kind("Deployment") if doc["metadata"]["labels"]["app.kubernetes.io/component"] == "beat"]
    assert len(beats) == 1
    (beat,) = beats
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"] == {"type": "Recreate"}
    scaled = {
        doc["spec"]["scaleTargetRef"]["name"] for doc in of_kind("HorizontalPodAutoscaler") + of_kind("ScaledObject")
    }
    assert beat["metadata"]["name"] not in scaled
    (container,) = beat["spec"]["template"]["spec"]["containers"]
    assert container["command"][:3] == ["celery", "--app=raptorflow", "beat"]


def test_probes_hit_the_real_health_urls_with_an_allowed_host():
    from django.urls import resolve

    from raptorflow import health

    allowed = named("ConfigMap", "raptorflow-config")["data"]["ALLOWED_HOSTS"].split(",")
    expected = {
        "raptorflow-web": ("raptorflow.urls", "/health/live", "/health/ready"),
        "raptorflow-stream": ("raptorflow.urls_stream", "/health/live", "/health/live"),
    }
    for name, (urlconf, live, ready) in expected.items():
        (container,) = named("Deployment", name)["spec"]["template"]["spec"]["containers"]
        assert container["livenessProbe"]["httpGet"]["path"] == live
        assert container["readinessProbe"]["httpGet"]["path"] == ready
        assert container["startupProbe"]["httpGet"]["path"] == live
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
            get = container[probe]["httpGet"]
            assert {"name": "Host", "value": allowed[0]} in get["httpHeaders"]
            assert get["port"] in {port["name"] for port in container["ports"]}
        assert resolve(live, urlconf=urlconf).func is health.live_view
        if ready != live:
            assert resolve(ready, urlconf=urlconf).func is health.ready_view
    (web,) = named("Deployment", "raptorflow-web")["spec"]["template"]["spec"]["containers"]
    (hosts,) = [item["value"] for item in web["env"] if item["name"] == "ALLOWED_HOSTS"]
    assert hosts.split(",")[:-1] == allowed and hosts.endswith(",$(POD_IP)")


def test_commands_match_docker_compose_and_every_container_has_requests_and_a_memory_limit():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    (stream,) = named("Deployment", "raptorflow-stream")["spec"]["template"]["spec"]["containers"]
    assert stream["command"] == compose["stream"]["command"]
    (migrate,) = named("Job", "raptorflow-migrate")["spec"]["template"]["spec"]["containers"]
    assert migrate["command"] == compose["migrate"]["command"]
    for doc in of_kind("Deployment") + of_kind("Job"):
        for container in doc["spec"]["template"]["spec"]["containers"]:
            resources = container["resources"]
            assert {"cpu", "memory"} <= set(resources["requests"]), doc["metadata"]["name"]
            assert "memory" in resources["limits"], doc["metadata"]["name"]
            assert container["securityContext"]["readOnlyRootFilesystem"] is True
            assert {"configMapRef": {"name": "raptorflow-config"}} in container["envFrom"]
            assert {"secretRef": {"name": "raptorflow-secrets"}} in container["envFrom"]


def test_web_has_an_hpa_and_web_stream_and_workers_have_disruption_budgets_that_select_them():
    (hpa,) = of_kind("HorizontalPodAutoscaler")
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "raptorflow-web"}
    assert hpa["spec"]["minReplicas"] >= 2
    budgets = of_kind("PodDisruptionBudget")
    covered = set()
    for doc in of_kind("Deployment"):
        labels = doc["spec"]["template"]["metadata"]["labels"]
        for pdb in budgets:
            if pdb["spec"]["selector"]["matchLabels"].items() <= labels.items():
                covered.add(doc["metadata"]["name"])
    deployments = {doc["metadata"]["name"] for doc in of_kind("Deployment")}
    assert covered == deployments - {"raptorflow-beat"}


def test_the_kustomization_lists_every_manifest_but_the_secret_example():
    (kustomization,) = of_kind("Kustomization")
    listed = set(kustomization["resources"])
    on_disk = {path.name for path in KUBE.glob("*.yaml")} - {"kustomization.yaml", "secret.example.yaml"}
    assert listed == on_disk
