"""The real Slack adapter on the real core, against the fake Slack API, for tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack import SlackAdapter
from bot.adapters.slack.runner import _needs_person
from bot.caller import Platform
from bot.clock import FakeClock
from bot.commands.dispatcher import Dispatcher
from bot.curriculum.models import Curriculum
from bot.services.context import Core
from bot.storage.known_people import KnownPeople
from tests.conftest import Database
from tests.fakes.slack_api import SIGNING_SECRET, FakeSlackAPI


def slack_adapter(
    fake: FakeSlackAPI,
    database: Database,
    curriculum: Curriculum,
    now: datetime,
    *,
    as_run: bool = False,
    **options: Any,
) -> SlackAdapter:
    """`as_run`: with what `pathbot run` gives it too (who-is-who kept in the database,
    Slack asked only for admin commands and /join)."""
    dispatcher = Dispatcher(Core(database.sessions, FakeClock(now), curriculum))
    names = [name for spec in dispatcher.commands() for name in (spec.name, *spec.aliases)]
    if as_run:
        options.setdefault("people", KnownPeople(database.sessions, Platform.SLACK.value))
        options.setdefault("needs_person", _needs_person(dispatcher.commands()))
    return SlackAdapter(
        dispatcher,
        client=AsyncWebClient(token="xoxb-test", base_url=fake.base_url),
        signing_secret=SIGNING_SECRET,
        clock=FakeClock(now),
        command_names=names,
        **options,
    )
