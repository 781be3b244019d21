"""Cards from the real core to each platform: the figures /progress and the leaderboards
carry, Discord's embed image, Slack's upload, and the weekly post's card."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image

from bot.config import load_settings
from bot.replies import LeaderboardCard, ProgressCard, Reply
from bot.scheduling.senders import Target
from bot.storage.outbox import MessageKind
from tests.conftest import Bot, Database, caller_for
from tests.fakes.discord_interactions import interaction
from tests.fakes.discord_runner import bot_on_fakes, enqueue_now
from tests.fakes.slack_api import FakeSlackAPI, running_fake_slack
from tests.fakes.slack_runner import slack_adapter, slash

ADA = caller_for("ada")


def _png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return image


async def test_progress_carries_the_figures_its_card_is_drawn_from(pathbot: Bot) -> None:
    await pathbot.say(ADA, "/join 2027-01-04 Europe/Berlin 08:00")
    await pathbot.say(ADA, "/log 1h30 tokenizers --date 2027-01-05")
    await pathbot.say(ADA, "/log 45m bpe")
    await pathbot.say(ADA, "/checkin done")

    reply = await pathbot.say(ADA, "/progress")

    card = reply.card
    assert isinstance(card, ProgressCard)
    assert card.name == "Ada"
    assert (card.week, card.total_weeks) == (1, 16)
    assert card.week_minutes == 135
    assert card.week_target == (600, 720)  # the shipped path's week 1: 10-12 h
    assert card.path == "day 3 of 112 (2% done)"
    assert card.streak == 2
    assert len(card.recent) == 28
    assert card.recent[-2:] == [90, 45]
    assert card.recent[:-2] == [0] * 26
    assert card.last_day.isoformat() == "2027-01-06"


async def test_the_leaderboard_card_lists_the_board(pathbot: Bot) -> None:
    for name, hours in (("ada", "3h"), ("bob", "1h"), ("cy", "2h")):
        caller = caller_for(name)
        await pathbot.say(caller, "/join 2027-01-04 UTC 08:00")
        await pathbot.say(caller, f"/log {hours}")

    card = (await pathbot.say(ADA, "/leaderboard")).card

    assert isinstance(card, LeaderboardCard)
    assert card.title == "Leaderboard, this week"
    assert card.subtitle == "from Monday 2027-01-04"
    assert [(row.rank, row.name, row.minutes) for row in card.rows] == [
        (1, "Ada", 180),
        (2, "Cy", 120),
        (3, "Bob", 60),
    ]


async def test_discord_shows_the_card_as_the_embeds_image(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'pathbot.db'}"
    settings = load_settings(discord_token="fake-token", database_url=url, data_dir=tmp_path)
    async with bot_on_fakes(monkeypatch, settings) as (api, gateway):
        await gateway.dispatch("INTERACTION_CREATE", interaction("join"))
        await api.wait_for("POST", "/callback")
        await gateway.dispatch("INTERACTION_CREATE", interaction("progress"))
        answered = await api.wait_for("POST", "/callback", count=2)

    request = answered[-1]
    assert request.body is not None
    embed = request.body["data"]["embeds"][0]
    assert embed["image"]["url"] == "attachment://progress.png"
    assert _png(request.files["progress.png"]).size == (800, 380)


async def test_slack_uploads_the_card_to_the_members_dm(
    database: Database, shipped_curriculum: object, fake_slack: FakeSlackAPI
) -> None:
    from datetime import UTC, datetime

    adapter = slack_adapter(
        fake_slack,
        database,
        shipped_curriculum,
        datetime(2027, 1, 6, 12, tzinfo=UTC),  # type: ignore[arg-type]
    )
    await slash(adapter, fake_slack, "join", "U0ADA0001")
    await slash(adapter, fake_slack, "progress", "U0ADA0001")

    (upload,) = await fake_slack.wait_for("upload")
    assert _png(upload.raw).size == (800, 380)
    (completed,) = await fake_slack.wait_for("files.completeUploadExternal")
    assert completed.args["channel_id"] == "D0ADA0001"
    assert "progress.png" in json.dumps(completed.args)
    answers = [json.dumps(c.args) for c in await fake_slack.wait_for("response_url", 2)]
    assert "I sent you progress.png in a direct message" in answers[-1]


async def test_the_weekly_leaderboard_post_comes_with_its_card_on_discord(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'pathbot.db'}"
    settings = load_settings(discord_token="fake-token", database_url=url, data_dir=tmp_path)
    board = "800000000000000030"
    card = LeaderboardCard(title="Leaderboard, last week", subtitle="from Monday", rows=[])
    async with bot_on_fakes(
        monkeypatch, settings, lambda api: api.channels.update({board: "board"})
    ) as (api, gateway):
        await gateway.dispatch("INTERACTION_CREATE", interaction("help"))
        await api.wait_for("POST", "/callback")
        reply = Reply(title="Leaderboard, last week", ephemeral=False, card=card)
        await enqueue_now(url, MessageKind.LEADERBOARD, Target.channel(board), reply)
        (posted,) = await api.wait_for("POST", f"/channels/{board}/messages")

    assert posted.body is not None
    assert posted.body["embeds"][0]["image"]["url"] == "attachment://leaderboard.png"
    assert _png(posted.files["leaderboard.png"]).size == (800, 100 + 52 + 32)


@pytest.fixture
async def fake_slack() -> object:
    async with running_fake_slack() as fake:
        yield fake
