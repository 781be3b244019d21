"""The dashboard's pages, each for the one workspace of the session that asks
(`web.Dashboard` checks the session, the role and any form's CSRF token first)."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.cards import render_card
from bot.dashboard import figures
from bot.scheduling.outbox import retry_dead
from bot.services import leaderboard, progress, report, slipping
from bot.services.context import Core
from bot.services.dashboard_links import Grant
from bot.storage.models import Member, Workspace
from bot.storage.outbox import OutboxMessage, OutboxStatus

#: Draws a template: (template, title, grant, here, status, **context) -> response.
Render = Callable[..., web.Response]
#: A page of one message: (title, hint, status) -> response.
Message = Callable[[str, str, int], web.Response]


def see_other(path: str) -> web.Response:
    return web.Response(status=303, headers={"Location": path})


def _asked_page(request: web.Request) -> int:
    """The page a paged list was asked for: 1 unless a sensible number says otherwise."""
    asked = request.query.get("page", "1")
    return max(int(asked), 1) if asked.isdecimal() and len(asked) <= 6 else 1


def _skip(page: int) -> int:
    return (page - 1) * figures.PAGE


class Pages:
    def __init__(self, core: Core, render: Render, message: Message) -> None:
        self._core = core
        self._render = render
        self._message = message

    async def overview(
        self, request: web.Request, db: AsyncSession, grant: Grant, ws: Workspace
    ) -> web.StreamResponse:
        found = await figures.overview(db, self._core, ws)
        return self._render("overview.html", "The cohort at a glance", grant, "/dashboard", o=found)

    async def members(
        self, request: web.Request, db: AsyncSession, grant: Grant, ws: Workspace
    ) -> web.StreamResponse:
        found = await figures.heatmap(db, self._core, ws, _asked_page(request))
        return self._render("members.html", "Members by week", grant, "/dashboard/members", h=found)

    async def slipping(
        self, request: web.Request, db: AsyncSession, grant: Grant, ws: Workspace
    ) -> web.StreamResponse:
        asked = _asked_page(request)
        found = await slipping.slipping(db, self._core, ws, figures.PAGE, skip=_skip(asked))
        page, pages = figures.on_pages(asked, found.total)
        if page != asked:  # past the last page (the list shrank): the last one, then
            found = await slipping.slipping(db, self._core, ws, figures.PAGE, skip=_skip(page))
        return self._render(
            "slipping.html",
            "Who is slipping",
            grant,
            "/dashboard/slipping",
            people=found.people,
            total=found.total,
            page=page,
            pages=pages,
        )

    async def leaderboard(
        self, request: web.Request, db: AsyncSession, grant: Grant, ws: Workspace
    ) -> web.StreamResponse:
        board = await leaderboard.board(db, self._core, ws, leaderboard.Period.THIS)
        return self._render(
            "leaderboard.html",
            "Leaderboard, this week",
            grant,
            "/dashboard/leaderboard",
            board=board,
        )

    async def leaderboard_png(
        self, request: web.Request, db: AsyncSession, grant: Grant, ws: Workspace
    ) -> web.StreamResponse:
        found = await leaderboard.board(db, self._core, ws, leaderboard.Period.THIS)
        card = leaderboard.render(found).card
        if card is None:  # nobody on the board yet: the page shows no picture either
            raise web.HTTPNotFound()
        return web.Response(body=render_card(card), content_type="image/png")

    async def deliveries(
        self, request: web.Request, db: AsyncSession, grant: Grant, ws: Workspace
    ) -> web.StreamResponse:
        found = await figures.deliveries(db, ws)
        retried = request.query.get("retried", "")
        note = f"Message {retried} is queued again." if retried.isdecimal() else ""
        return self._render(
            "deliveries.html", "Deliveries", grant, "/dashboard/deliveries", d=found, retried=note
        )

    async def retry(
        self, request: web.Request, db: AsyncSession, grant: Grant, ws: Workspace
    ) -> web.StreamResponse:
        posted = await request.post()
        wanted = str(posted.get("id", ""))
        row_id = await db.scalar(
            select(OutboxMessage.id).where(
                OutboxMessage.id
                == (int(wanted) if wanted.isdecimal() and len(wanted) < 12 else -1),
                OutboxMessage.workspace_id == ws.id,  # never another workspace's row
                OutboxMessage.status == OutboxStatus.DEAD.value,
            )
        )
        if row_id is None:
            return self._message(
                "No such dead message here", "It may have been retried already.", 404
            )
        await retry_dead(db, self._core.clock.now(), [row_id])
        # Returned, not raised: raising would roll the retry back.
        return see_other(f"/dashboard/deliveries?retried={row_id}")

    async def report(
        self, request: web.Request, db: AsyncSession, grant: Grant, ws: Workspace
    ) -> web.StreamResponse:
        attachment = (await report.cohort_report(db, self._core, ws)).attachment
        assert attachment is not None
        return web.Response(
            text=attachment.content,
            content_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{attachment.filename}"'},
        )

    async def _member(self, db: AsyncSession, grant: Grant, ws: Workspace) -> Member | None:
        return await db.scalar(
            select(Member)
            .where(Member.workspace_id == ws.id, Member.user_id == grant.user_id)
            .options(selectinload(Member.pauses))
        )

    async def me(
        self, request: web.Request, db: AsyncSession, grant: Grant, ws: Workspace
    ) -> web.StreamResponse:
        member = await self._member(db, grant, ws)
        if member is None:
            return self._render(
                "message.html",
                "You haven't joined yet",
                grant,
                status=404,
                message="You haven't joined yet",
                hint="Start with /join in chat.",
            )
        found = await progress.member_progress(db, self._core, member, ws)
        week = self._core.curriculum.week(found.week) if found.week else None
        return self._render(
            "me.html",
            f"{member.display_name}'s path",
            grant,
            "/dashboard/me",
            p=found,
            path=progress.path_text(found),
            pace=progress.pace(found),
            week=week,
        )

    async def me_png(
        self, request: web.Request, db: AsyncSession, grant: Grant, ws: Workspace
    ) -> web.StreamResponse:
        member = await self._member(db, grant, ws)
        if member is None:
            raise web.HTTPNotFound()
        card = (await progress.progress(db, self._core, member, ws)).card
        assert card is not None
        return web.Response(body=render_card(card), content_type="image/png")
