"""`/pathbot log` with nothing after it opens a form; its submission is the same /log,
with the same checks, a refusal shown on its field. Through the real slack-bolt."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot.adapters.slack import SlackAdapter
from bot.adapters.slack.modals import LOG_MODAL
from bot.curriculum.models import Curriculum
from bot.storage.models import HourLog
from tests.conftest import Database
from tests.fakes.slack_api import (
    FakeSlackAPI,
    running_fake_slack,
    view_submission_body,
)
from tests.fakes.slack_runner import FORM, signed_request, slack_adapter, slash

ADA = "U0ADA0001"
NOW = datetime(2027, 1, 6, 12, tzinfo=UTC)


def _adapter(fake: FakeSlackAPI, database: Database, curriculum: Curriculum) -> SlackAdapter:
    return slack_adapter(fake, database, curriculum, NOW)


def _form(duration: str, note: str = "", day: str | None = None) -> dict[str, Any]:
    return {
        "duration": {"value": {"type": "plain_text_input", "value": duration}},
        "note": {"value": {"type": "plain_text_input", "value": note or None}},
        "date": {"value": {"type": "datepicker", "selected_date": day}},
    }


async def _submit(adapter: SlackAdapter, values: dict[str, Any]) -> tuple[int, str]:
    body = view_submission_body(LOG_MODAL, values, user_id=ADA)
    response = await signed_request(adapter, body, FORM)
    return response.status, response.body


async def _joined(adapter: SlackAdapter, fake: FakeSlackAPI) -> None:
    await slash(adapter, fake, "join 2027-01-04", ADA)
    await fake.wait_for("response_url")


async def _logs(database: Database) -> list[tuple[int, date, str | None]]:
    async with database.sessions() as db:
        rows = await db.scalars(select(HourLog).order_by(HourLog.id))
        return [(row.minutes, row.local_date, row.note) for row in rows]


async def test_log_with_nothing_after_it_opens_the_form(
    database: Database, shipped_curriculum: Curriculum
) -> None:
    async with running_fake_slack() as fake:
        fake.add_user(ADA, "Ada")
        adapter = _adapter(fake, database, shipped_curriculum)
        response = await slash(adapter, fake, "log", ADA)
        (opened,) = await fake.wait_for("views.open")
        answered = fake.called("response_url")

    assert response.status == 200
    view = opened.args["view"]
    assert view["callback_id"] == LOG_MODAL
    assert [block["block_id"] for block in view["blocks"]] == ["duration", "note", "date"]
    assert opened.args["trigger_id"]
    assert answered == []  # no "needs DURATION" error alongside the form


async def test_a_submitted_form_logs_like_the_command(
    database: Database, shipped_curriculum: Curriculum
) -> None:
    async with running_fake_slack() as fake:
        fake.add_user(ADA, "Ada")
        adapter = _adapter(fake, database, shipped_curriculum)
        await _joined(adapter, fake)
        status, body = await _submit(adapter, _form("1h30", 'read "the" paper', "2027-01-05"))
        (dm,) = await fake.wait_for("chat.postMessage")

    assert (status, body) == (200, "")  # an empty ack closes the form
    assert await _logs(database) == [(90, date(2027, 1, 5), 'read "the" paper')]
    assert "1h30" in json.dumps(dm.args)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        (_form("99h"), "duration"),
        (_form("soon"), "duration"),
        (_form("1h", day="2027-02-01"), "date"),  # a day that has not come yet
        (_form("1h", note="x" * 10_000), "note"),
    ],
)
async def test_a_refused_form_shows_why_on_the_field_and_logs_nothing(
    database: Database, shipped_curriculum: Curriculum, values: dict[str, Any], field: str
) -> None:
    async with running_fake_slack() as fake:
        fake.add_user(ADA, "Ada")
        adapter = _adapter(fake, database, shipped_curriculum)
        await _joined(adapter, fake)
        status, body = await _submit(adapter, values)

    assert status == 200
    answer = json.loads(body)
    assert answer["response_action"] == "errors"
    assert list(answer["errors"]) == [field]
    assert answer["errors"][field]
    assert await _logs(database) == []
