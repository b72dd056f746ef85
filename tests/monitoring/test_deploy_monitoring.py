"""The shipped Prometheus rules and Grafana dashboard use metrics the app really exports."""

import json
import re
from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
EXPORTED = {
    "pinkbreast_confirmed_recall",
    "pinkbreast_confirmed_specificity",
    "pinkbreast_confirmed_malignant",
    "pinkbreast_open_alerts",
    "pinkbreast_predictions",
    "pinkbreast_drift_flagged_features",
    "pinkbreast_http_requests_total",
    "pinkbreast_http_request_duration_seconds_bucket",
}


def _names(expression: str) -> set[str]:
    return set(re.findall(r"pinkbreast_[a-z_]+", expression))


def test_alerting_rules_include_recall_under_085_on_exported_metrics():
    rules = yaml.safe_load((DEPLOY / "prometheus" / "pinkbreast-alerts.yml").read_text())
    expressions = [r["expr"] for g in rules["groups"] for r in g["rules"]]
    assert any("pinkbreast_confirmed_recall < 0.85" in e for e in expressions)
    assert set().union(*map(_names, expressions)) <= EXPORTED


def test_grafana_dashboard_queries_exported_metrics():
    dashboard = json.loads((DEPLOY / "grafana" / "pinkbreast-dashboard.json").read_text())
    expressions = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    assert set().union(*map(_names, expressions)) <= EXPORTED
    assert "pinkbreast_confirmed_recall" in set().union(*map(_names, expressions))


def test_the_app_exports_every_name_the_rules_and_dashboard_use(client):
    client.get("/healthz")  # so the request counter and histogram have samples
    text = client.get("/metrics").get_data(as_text=True)  # the test client is 127.0.0.1
    exported = set(re.findall(r"^(?:# TYPE )?(pinkbreast_[a-z_]+)", text, flags=re.MULTILINE))
    assert EXPORTED <= exported
