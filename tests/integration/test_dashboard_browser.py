"""The dashboard as an organiser and a member use it, in a real headless Chromium:
follow the sign-in link, see the numbers the database holds, press Retry on a dead
message, and no page logs an error (a script error, a refused style, a CSP report).

PATHBOT_SCREENSHOTS=DIR also saves each page there (README's pictures: docs/images)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.curriculum.models import Curriculum
from bot.services.dashboard_links import Role
from bot.storage.outbox import OutboxMessage, OutboxStatus
from tests.conftest import Database
from tests.fakes.browser import Browser, chromium, need_chromium
from tests.fakes.dashboard_site import Site, dashboard_site

SHOTS = os.environ.get("PATHBOT_SCREENSHOTS")


@pytest.fixture
async def site(database: Database, shipped_curriculum: Curriculum) -> AsyncIterator[Site]:
    need_chromium()
    async with dashboard_site(database, shipped_curriculum) as found:
        yield found


async def _visit(browser: Browser, url: str, shot: str) -> None:
    await browser.get(url)
    if SHOTS:
        await browser.screenshot(Path(SHOTS) / f"dashboard-{shot}.png")
    assert await browser.console_errors() == [], url


async def test_an_organiser_signs_in_sees_the_cohort_and_retries_a_dead_message(
    site: Site,
) -> None:
    async with chromium() as browser:
        await _visit(browser, site.link(), "overview")
        assert await browser.url() == f"{site.url}/dashboard"
        assert await browser.text("[data-figure=active]") == "3"
        assert await browser.text("[data-figure=week-hours]") == "10h30"
        assert await browser.text("[data-day='2027-01-13']") == "67%"

        await _visit(browser, f"{site.url}/dashboard/members", "members")
        assert "Ada" in await browser.text("#heatmap")
        await _visit(browser, f"{site.url}/dashboard/slipping", "slipping")
        assert "blocked: stuck on the tokenizer exercise" in await browser.text("#slipping")
        await _visit(browser, f"{site.url}/dashboard/leaderboard", "leaderboard")
        assert "Ada" in await browser.text("#board")

        await _visit(browser, f"{site.url}/dashboard/deliveries", "deliveries")
        assert "refused: Unknown Channel" in await browser.text("#dead")
        await browser.click(f"tr[data-id='{site.our_dead}'] button")
        assert "is queued again" in await browser.text("#retried")
        assert await browser.text("#no-dead") != ""
        assert await browser.console_errors() == []

    async with site.core.sessions() as db:
        row = await db.get(OutboxMessage, site.our_dead)
        assert row is not None
        assert row.status == OutboxStatus.PENDING.value


async def test_a_member_sees_their_page_and_a_used_link_is_refused(site: Site) -> None:
    link = site.link("ada", Role.MEMBER)
    async with chromium() as browser:
        await _visit(browser, link, "me")
        assert await browser.url() == f"{site.url}/dashboard/me"
        assert (await browser.text("[data-figure=path]")).startswith("day 10 of 112")
        assert await browser.text("[data-figure=streak]") == "1"
    async with chromium() as stranger:
        await stranger.get(link)
        assert "used already" in await stranger.text("#message")
        await stranger.get(f"{site.url}/dashboard")
        assert "Please sign in" in await stranger.text("h1")
