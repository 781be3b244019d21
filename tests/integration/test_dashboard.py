"""The dashboard over HTTP: one-time sign-in links, one workspace per session, the
numbers the database holds, CSRF on every form, security headers; on both backends."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from urllib.parse import quote

import aiohttp
import pytest

from bot.commands.dispatcher import Dispatcher
from bot.curriculum.models import Curriculum
from bot.dashboard.web import HEADERS
from bot.services.dashboard_links import Role
from bot.storage.outbox import OutboxMessage, OutboxStatus
from tests.conftest import Database, caller_for
from tests.fakes.dashboard_site import Site, dashboard_site


@pytest.fixture
async def site(database: Database, shipped_curriculum: Curriculum) -> AsyncIterator[Site]:
    async with dashboard_site(database, shipped_curriculum) as found:
        yield found


def _browser() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


async def _signed_in(http: aiohttp.ClientSession, link: str) -> str:
    async with http.get(link) as page:
        assert page.status == 200, await page.text()
        return await page.text()


async def test_a_link_signs_in_once_and_shows_the_cohort(site: Site) -> None:
    link = site.link()
    async with _browser() as http:
        overview = await _signed_in(http, link)
        assert 'data-figure="active">3<' in overview  # ada, bob, cy (dee paused)
        assert 'data-figure="paused">1<' in overview
        assert 'data-figure="week-hours">10h30<' in overview  # 6h + 1h + 3h30
        assert 'data-figure="average">3h30<' in overview
        assert "path week 2" in overview
        # Check-ins today: ada and bob of three active members.
        assert 'data-day="2027-01-13">67%<' in overview
        async with http.get(f"{site.url}/dashboard/slipping") as page:
            slipping = await page.text()
        assert "blocked: stuck on the tokenizer exercise" in slipping
        async with http.get(f"{site.url}/dashboard/members") as page:
            members = await page.text()
        assert ">Ada<" in members
        assert ">6h<" in members
        async with http.get(f"{site.url}/dashboard/report.csv") as page:
            assert page.headers["Content-Type"].startswith("text/csv")
            assert "ada" in (await page.text()).lower()
    async with _browser() as http, http.get(link) as again:
        assert again.status == 401
        assert "used already" in await again.text()


async def test_old_tampered_and_missing_links_are_refused(site: Site) -> None:
    link = site.link()
    token = link.split("token=")[1]
    async with _browser() as http:
        async with http.get(
            f"{site.url}/dashboard/login?token={quote(token[:-6] + 'AAAAAA')}"
        ) as page:
            assert page.status == 401
        async with http.get(f"{site.url}/dashboard/login") as page:
            assert page.status == 401
        async with http.get(f"{site.url}/dashboard") as page:
            assert page.status == 401  # no session
        site.clock.advance(timedelta(minutes=15, seconds=1))
        async with http.get(link) as page:
            assert page.status == 401
            assert "not valid any more" in await page.text()


async def test_no_page_shows_another_workspace(site: Site) -> None:
    async with _browser() as http:
        await _signed_in(http, site.link())
        shown = ""
        for path in ("", "/members", "/slipping", "/leaderboard", "/deliveries", "/report.csv"):
            async with http.get(f"{site.url}/dashboard{path}") as page:
                shown += await page.text()
        assert "Eve" not in shown
        assert "eve" not in shown
        assert "secret-project" not in shown
        # Their dead message, by id, through our session: not found, not retried.
        page_html = await (await http.get(f"{site.url}/dashboard/deliveries")).text()
        csrf = page_html.split('name="csrf" value="')[1].split('"')[0]
        form = {"csrf": csrf, "id": str(site.their_dead)}
        async with http.post(f"{site.url}/dashboard/deliveries/retry", data=form) as page:
            assert page.status == 404
    async with site.core.sessions() as db:
        theirs = await db.get(OutboxMessage, site.their_dead)
        assert theirs is not None
        assert theirs.status == OutboxStatus.DEAD.value


async def test_retry_needs_the_sessions_csrf_token(site: Site) -> None:
    async with _browser() as http:
        page_html = await _signed_in(http, site.link())
        page_html = await (await http.get(f"{site.url}/dashboard/deliveries")).text()
        assert "refused: Unknown Channel" in page_html
        csrf = page_html.split('name="csrf" value="')[1].split('"')[0]
        url = f"{site.url}/dashboard/deliveries/retry"
        async with http.post(url, data={"id": str(site.our_dead), "csrf": "forged"}) as page:
            assert page.status == 403
        async with http.post(url, data={"id": str(site.our_dead), "csrf": csrf}) as page:
            assert page.status == 200
            assert f"Message {site.our_dead} is queued again" in await page.text()
    async with site.core.sessions() as db:
        ours = await db.get(OutboxMessage, site.our_dead)
        assert ours is not None
        assert ours.status == OutboxStatus.PENDING.value


async def test_a_member_sees_their_own_page_only(site: Site) -> None:
    async with _browser() as http:
        me = await _signed_in(http, site.link("ada", Role.MEMBER))
        assert "Ada&#39;s path" in me or "Ada's path" in me
        assert 'data-figure="path">day 10 of 112' in me
        async with http.get(f"{site.url}/dashboard/me/progress.png") as card:
            assert card.content_type == "image/png"
            assert (await card.read()).startswith(b"\x89PNG")
        async with http.get(f"{site.url}/dashboard") as page:
            assert page.status == 403
        async with http.get(f"{site.url}/dashboard/deliveries") as page:
            assert page.status == 403


async def test_every_page_has_the_security_headers(site: Site) -> None:
    async with _browser() as http:
        await _signed_in(http, site.link())
        for path in ("", "/members", "/me", "/leaderboard.png", "/static/dashboard.css"):
            async with http.get(f"{site.url}/dashboard{path}") as page:
                for name, value in HEADERS.items():
                    assert page.headers.get(name) == value, (path, name)
        async with http.get(f"{site.url}/dashboard/login?token=x") as page:
            assert page.headers["Content-Security-Policy"] == HEADERS["Content-Security-Policy"]


async def test_the_session_cookie_is_http_only_strict_and_for_the_dashboard(site: Site) -> None:
    async with _browser() as http, http.get(site.link(), allow_redirects=False) as page:
        assert page.status == 303
        cookie = page.cookies["pathbot_dashboard"]
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"
        assert cookie["path"] == "/dashboard"
        assert page.headers["Location"] == "/dashboard"


async def test_an_empty_board_and_odd_input_never_break_a_page(
    database: Database, shipped_curriculum: Curriculum
) -> None:
    async with dashboard_site(database, shipped_curriculum) as site:
        site.clock.set(site.clock.now() + timedelta(days=5))  # Monday: a new, empty week
        async with _browser() as http:
            await _signed_in(http, site.link())
            async with http.get(f"{site.url}/dashboard/leaderboard") as page:
                assert page.status == 200
                assert "leaderboard.png" not in await page.text()
            async with http.get(f"{site.url}/dashboard/leaderboard.png") as card:
                assert card.status == 404
            for odd in ("²", "-1", "9" * 30, "abc"):
                async with http.get(f"{site.url}/dashboard/members?page={quote(odd)}") as page:
                    assert page.status == 200, odd


async def test_who_is_slipping_comes_in_pages(site: Site) -> None:
    # 60 more members who never logged an hour: all behind and silent since the start.
    for n in range(60):
        caller = caller_for(f"z{n:02d}")
        assert (await Dispatcher(site.core).handle(caller, "/join 2027-01-04 UTC 08:00")).ok
    async with _browser() as http:
        await _signed_in(http, site.link())
        pages = []
        for asked in ("1", "2", "3", "0", "x"):
            async with http.get(f"{site.url}/dashboard/slipping?page={asked}") as page:
                assert page.status == 200
                pages.append(await page.text())
    first, second, past_the_end, zero, junk = pages
    # ada, bob, cy are behind too (dee is paused): 63 in all, 50 to a page, by name.
    assert "63 slipping, 50 on this page." in first
    assert first.count("<tr><td>") == 50
    assert ">Ada<" in first
    assert "63 slipping, 13 on this page." in second
    assert second.count("<tr><td>") == 13
    assert ">Z59<" in second
    assert ">Ada<" not in second
    assert 'href="?page=2" aria-current="page"' in second
    assert past_the_end == second  # the last page, not an empty one
    assert zero == junk == first


async def test_removing_an_admin_or_signing_out_ends_every_session(site: Site) -> None:
    dispatcher = Dispatcher(site.core)
    boss = caller_for("boss", admin=True)
    assert (await dispatcher.handle(boss, "/admin-add carol")).ok
    carol = caller_for("carol")
    carols_link = (await dispatcher.handle(carol, "/dashboard")).lines[0].split(": ")[1]
    spare_link = (await dispatcher.handle(boss, "/dashboard")).lines[0].split(": ")[1]
    async with _browser() as carols, _browser() as adas:
        await _signed_in(carols, carols_link)
        await _signed_in(adas, site.link("ada", Role.MEMBER))
        async with carols.get(f"{site.url}/dashboard") as page:
            assert page.status == 200

        removed = await dispatcher.handle(boss, "/admin-remove carol")
        assert removed.ok, removed.text()
        assert "Everyone was signed out of the web dashboard" in removed.text()

        async with carols.get(f"{site.url}/dashboard/members") as page:
            assert page.status == 401
            assert "You were signed out" in await page.text()
        async with adas.get(f"{site.url}/dashboard/me") as page:
            assert page.status == 401  # the whole workspace signs in again
    async with _browser() as http:
        async with http.get(spare_link) as page:  # made before, never used: refused
            assert page.status == 401
            assert "You were signed out" in await page.text()
        fresh = (await dispatcher.handle(boss, "/dashboard")).lines[0].split(": ")[1]
        await _signed_in(http, fresh)  # a new link works at once

        signed_out = await dispatcher.handle(boss, "/dashboard-signout")
        assert signed_out.ok
        async with http.get(f"{site.url}/dashboard") as page:
            assert page.status == 401
    refused = await dispatcher.handle(caller_for("ada"), "/dashboard-signout")
    assert not refused.ok  # organisers only
