"""The real Slack adapter on the real core, against the fake Slack API, for tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_bolt import BoltResponse
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.adapters.slack import SlackAdapter
from bot.adapters.slack.runner import _needs_person
from bot.caller import Platform
from bot.clock import FakeClock
from bot.commands.dispatcher import Dispatcher
from bot.curriculum.models import Curriculum
from bot.services.context import Core
from bot.storage.dm_channels import DmChannels
from bot.storage.known_people import KnownPeople
from tests.conftest import Database
from tests.fakes.slack_api import SIGNING_SECRET, FakeSlackAPI, signed_headers, slash_command_body


def slack_adapter(
    fake: FakeSlackAPI,
    database: Database,
    curriculum: Curriculum,
    now: datetime,
    *,
    as_run: bool = False,
    sessions: async_sessionmaker[AsyncSession] | None = None,
    **options: Any,
) -> SlackAdapter:
    """`as_run`: with what `pathbot run` gives it too (DM channels and who-is-who kept in
    the database, Slack asked who a caller is only for admin commands and /join).
    `sessions`: another connection to the database (a second process, say)."""
    sessions = sessions or database.sessions
    dispatcher = Dispatcher(Core(sessions, FakeClock(now), curriculum))
    names = [name for spec in dispatcher.commands() for name in (spec.name, *spec.aliases)]
    if as_run:
        options.setdefault("dm_store", DmChannels(sessions, Platform.SLACK.value, FakeClock(now)))
        options.setdefault("people", KnownPeople(sessions, Platform.SLACK.value))
        options.setdefault("needs_person", _needs_person(dispatcher.commands()))
    return SlackAdapter(
        dispatcher,
        client=AsyncWebClient(token="xoxb-test", base_url=fake.base_url),
        signing_secret=SIGNING_SECRET,
        clock=FakeClock(now),
        command_names=names,
        **options,
    )


FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


async def signed_request(adapter: SlackAdapter, body: str, content_type: str) -> BoltResponse:
    """`body` as Slack would send it to the adapter's app: signed, with its content type."""
    headers = signed_headers(body) | {"content-type": content_type}
    return await adapter.app.async_dispatch(AsyncBoltRequest(body=body, headers=headers))


async def slash(adapter: SlackAdapter, fake: FakeSlackAPI, text: str, user_id: str) -> BoltResponse:
    """`/pathbot TEXT` from `user_id`."""
    return await signed_request(adapter, slash_command_body(fake, text, user_id=user_id), FORM)
