"""The deployment files name only what pathbot really serves."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from bot.metrics import Metrics

ROOT = Path(__file__).resolve().parents[2]


def _exported_names() -> set[str]:
    names: set[str] = set()
    for family in Metrics().registry.collect():
        names.add(family.name)
        names.update(sample.name for sample in family.samples)
    # A histogram with no observations yet still has these series once observed.
    for family in Metrics().registry.collect():
        if family.type == "histogram":
            names.update(f"{family.name}_{suffix}" for suffix in ("bucket", "sum", "count"))
        if family.type == "counter":
            names.add(f"{family.name}_total")
    return names


def test_every_dashboard_query_uses_a_metric_pathbot_exports() -> None:
    dashboard = json.loads((ROOT / "deploy" / "grafana-dashboard.json").read_text())
    exported = _exported_names()
    queried = {
        name
        for panel in dashboard["panels"]
        for target in panel["targets"]
        for name in re.findall(r"\bpathbot_[a-z_]+", target["expr"])
    }
    assert queried
    assert queried <= exported, queried - exported


def test_the_scrape_example_targets_the_images_port() -> None:
    scrape = yaml.safe_load((ROOT / "deploy" / "prometheus.yml").read_text())
    (job,) = scrape["scrape_configs"]
    assert job["metrics_path"] == "/metrics"
    dockerfile = (ROOT / "Dockerfile").read_text()
    port = re.search(r"PATHBOT_HTTP_PORT=(\d+)", dockerfile)
    assert port is not None
    assert job["static_configs"][0]["targets"] == [f"bot:{port.group(1)}"]
    assert "HEALTHCHECK" in dockerfile
    assert '"pathbot", "health"' in dockerfile


def test_the_image_leaves_out_what_the_bot_does_not_run() -> None:
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".git", ".venv", "data/", "**/__pycache__", ".mypy_cache", "tests/"} <= ignored
