"""The Slack manifests ask for exactly the scopes and events the code uses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.install import REDIRECT_PATH
from bot.adapters.slack.scopes import METHOD_SCOPES, SUBSCRIBED_EVENTS, bot_scopes

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    *sorted((ROOT / "bot" / "adapters" / "slack").glob("*.py")),
    ROOT / "bot/ops/slack_checks.py",
]
MANIFESTS = sorted((ROOT / "deploy" / "slack").glob("manifest-*.yaml"))


def _web_api_calls() -> set[str]:
    """Every slack_sdk Web API method the code calls (`client.chat_postMessage(`…)."""
    methods = {name for name in dir(AsyncWebClient) if not name.startswith("_")}
    called: set[str] = set()
    for source in SOURCES:
        called.update(
            name
            for name in re.findall(r"\.([a-z]+_[A-Za-z0-9_]+)\(", source.read_text())
            if name in methods
        )
    return called


def test_every_web_api_call_has_its_scopes_written_down() -> None:
    called = _web_api_calls()
    assert called, "no Web API calls found: the scan is broken"
    assert called == set(METHOD_SCOPES), called ^ set(METHOD_SCOPES)


def test_every_event_the_app_listens_to_is_subscribed() -> None:
    source = (ROOT / "bot" / "adapters" / "slack" / "app.py").read_text()
    listened = set(re.findall(r'app\.event\("([a-z_]+)"\)', source))
    assert listened == {event for event, _ in SUBSCRIBED_EVENTS.values()}


@pytest.mark.parametrize("path", MANIFESTS, ids=[p.name for p in MANIFESTS])
def test_the_manifest_requests_exactly_that(path: Path) -> None:
    manifest = yaml.safe_load(path.read_text())
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == bot_scopes()
    events = manifest["settings"]["event_subscriptions"]["bot_events"]
    assert set(events) == set(SUBSCRIBED_EVENTS)
    assert manifest["features"]["slash_commands"][0]["command"] == "/pathbot"
    assert manifest["settings"]["interactivity"]["is_enabled"] is True


def test_socket_mode_has_no_urls_and_http_has_them() -> None:
    by_mode = {path.stem.removeprefix("manifest-"): path.read_text() for path in MANIFESTS}
    assert set(by_mode) == {"socket", "http"}
    socket, http = (yaml.safe_load(by_mode[mode]) for mode in ("socket", "http"))
    assert socket["settings"]["socket_mode_enabled"] is True
    assert "https://" not in by_mode["socket"]
    assert http["settings"]["socket_mode_enabled"] is False
    urls = [
        http["features"]["slash_commands"][0]["url"],
        http["settings"]["event_subscriptions"]["request_url"],
        http["settings"]["interactivity"]["request_url"],
    ]
    assert all(url.endswith("/slack/events") for url in urls)
    # Installs into many workspaces come back to the OAuth redirect pathbot serves.
    assert http["oauth_config"]["redirect_urls"] == ["https://bot.example.com" + REDIRECT_PATH]
