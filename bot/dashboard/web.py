"""The dashboard on `pathbot run`'s HTTP server: sign-in, sessions, CSRF, headers, routes
(the pages themselves are in `pages.py`).

Sign-in is by a one-time link from /dashboard (organisers) or /me (members); it sets a
sealed session cookie naming one workspace, and every page reads only that workspace
(no page takes a workspace from the URL). Forms carry a CSRF token derived from the
session; every response has a strict Content-Security-Policy (no inline script or
style, nothing from elsewhere) and the other security headers.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable
from importlib.resources import files
from typing import Any

from aiohttp import web
from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy.ext.asyncio import AsyncSession

from bot.dashboard.pages import Pages, see_other
from bot.services import replays
from bot.services.context import Core
from bot.services.dashboard_links import SESSION_TTL, Grant, Role
from bot.services.hours import hours_text
from bot.storage.models import Workspace

COOKIE = "pathbot_dashboard"
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Never a sign-in link in another site's logs.
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
ORGANISER_NAV = (
    ("/dashboard", "Overview"),
    ("/dashboard/members", "Members"),
    ("/dashboard/slipping", "Slipping"),
    ("/dashboard/leaderboard", "Leaderboard"),
    ("/dashboard/deliveries", "Deliveries"),
    ("/dashboard/me", "Me"),
)
Page = Callable[[web.Request, AsyncSession, Grant, Workspace], Awaitable[web.StreamResponse]]


def _shade(minutes: int) -> int:
    if minutes <= 0:
        return 1 if minutes < 0 else 0
    return min(1 + minutes // 120, 4)


class Dashboard:
    def __init__(self, core: Core) -> None:
        self._core = core
        self._templates = Environment(
            loader=PackageLoader("bot.dashboard", "templates"),
            autoescape=select_autoescape(default=True),
        )
        self._templates.globals.update(hours=hours_text, shade=_shade)
        static = files("bot.dashboard") / "static"
        self._static = {
            "dashboard.css": ((static / "dashboard.css").read_bytes(), "text/css"),
            "favicon.svg": ((static / "favicon.svg").read_bytes(), "image/svg+xml"),
        }

    def add_routes(self, app: web.Application) -> None:
        pages = Pages(self._core, self._render, self._message)
        app.on_response_prepare.append(_security_headers)
        get, post = app.router.add_get, app.router.add_post
        get("/dashboard/static/{name}", self._static_file)
        get("/dashboard/login", self._login)
        post("/dashboard/logout", self._logout)
        get("/dashboard", self._page(pages.overview, Role.ORGANISER))
        get("/dashboard/members", self._page(pages.members, Role.ORGANISER))
        get("/dashboard/slipping", self._page(pages.slipping, Role.ORGANISER))
        get("/dashboard/leaderboard", self._page(pages.leaderboard, Role.ORGANISER))
        get("/dashboard/leaderboard.png", self._page(pages.leaderboard_png, Role.ORGANISER))
        get("/dashboard/deliveries", self._page(pages.deliveries, Role.ORGANISER))
        post("/dashboard/deliveries/retry", self._page(pages.retry, Role.ORGANISER, form=True))
        get("/dashboard/report.csv", self._page(pages.report, Role.ORGANISER))
        get("/dashboard/me", self._page(pages.me, Role.MEMBER))
        get("/dashboard/me/progress.png", self._page(pages.me_png, Role.MEMBER))

    # -- sign-in -----------------------------------------------------------------------

    async def _login(self, request: web.Request) -> web.StreamResponse:
        links = self._core.links
        if links is None:
            return self._message(
                "The dashboard is not set up", "Set PATHBOT_SECRET_KEY and PATHBOT_PUBLIC_URL.", 503
            )
        grant = links.open_link(request.query.get("token", ""))
        if grant is None:
            return self._message(
                "This link is not valid any more",
                "Links work for 15 minutes. Ask the bot for a new one: /dashboard, or /me.",
                401,
            )
        async with self._core.sessions() as db, db.begin():
            workspace = await db.get(Workspace, grant.workspace_id)
            if workspace is None or workspace.dashboard_generation != grant.generation:
                return self._signed_out()
            first = await replays.first_time(
                db, f"dashboard-link:{grant.nonce}", self._core.clock.now()
            )
        if not first:
            return self._message(
                "This link was used already",
                "Each link works once. Ask the bot for a new one.",
                401,
            )
        home = "/dashboard" if grant.role is Role.ORGANISER else "/dashboard/me"
        response = see_other(home)
        response.set_cookie(
            COOKIE,
            links.session(grant),
            max_age=int(SESSION_TTL.total_seconds()),
            path="/dashboard",
            httponly=True,
            # Lax, not Strict: the link is clicked in Slack or Discord (another site), and
            # a Strict cookie would not come back on the redirect that follows. Every
            # form checks its CSRF token, so nothing is done on another site's behalf.
            samesite="Lax",
            secure=links.public_url.startswith("https://"),
        )
        return response

    async def _logout(self, request: web.Request) -> web.StreamResponse:
        grant = self._grant(request)
        form = await request.post()
        if grant is None or not hmac.compare_digest(str(form.get("csrf", "")), _csrf(grant)):
            return self._message("Not signed out", "The form was not this session's.", 403)
        response = self._message("Signed out", "Open a new link from the bot to come back.", 200)
        response.del_cookie(COOKIE, path="/dashboard")
        return response

    def _grant(self, request: web.Request) -> Grant | None:
        links = self._core.links
        value = request.cookies.get(COOKIE)
        return links.open_session(value) if links is not None and value else None

    def _page(
        self, page: Page, role: Role, *, form: bool = False
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def handle(request: web.Request) -> web.StreamResponse:
            grant = self._grant(request)
            if grant is None:
                return self._message(
                    "Please sign in", "Ask the bot for a link: /dashboard (organisers) or /me.", 401
                )
            if role is Role.ORGANISER and grant.role is not Role.ORGANISER:
                return self._message(
                    "For organisers only", "Your own page is at /dashboard/me.", 403
                )
            if form:
                posted = await request.post()
                if not hmac.compare_digest(str(posted.get("csrf", "")), _csrf(grant)):
                    return self._message(
                        "The form has expired", "Reload the page and try again.", 403
                    )
            async with self._core.sessions() as db, db.begin():
                workspace = await db.get(Workspace, grant.workspace_id)
                if workspace is None or not workspace.active:
                    return self._message("This workspace is gone", "", 404)
                if workspace.dashboard_generation != grant.generation:
                    return self._signed_out()
                return await page(request, db, grant, workspace)

        return handle

    # -- pages -----------------------------------------------------------------------------

    def _render(
        self,
        name: str,
        title: str,
        grant: Grant | None,
        here: str = "",
        status: int = 200,
        **context: Any,
    ) -> web.Response:
        nav: tuple[tuple[str, str], ...] = ()
        if grant is not None:
            nav = ORGANISER_NAV if grant.role is Role.ORGANISER else (("/dashboard/me", "Me"),)
        html = self._templates.get_template(name).render(
            title=title, nav=nav, here=here, csrf=_csrf(grant) if grant else "", **context
        )
        return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")

    def _signed_out(self) -> web.Response:
        return self._message(
            "You were signed out",
            "An admin was removed or an organiser signed everyone out of the dashboard. "
            "Ask the bot for a new link: /dashboard, or /me.",
            401,
        )

    def _message(self, title: str, hint: str, status: int) -> web.Response:
        return self._render("message.html", title, None, status=status, message=title, hint=hint)

    async def _static_file(self, request: web.Request) -> web.StreamResponse:
        found = self._static.get(request.match_info["name"])
        if found is None:
            raise web.HTTPNotFound()
        body, content_type = found
        return web.Response(body=body, content_type=content_type)


def _csrf(grant: Grant) -> str:
    # The session's nonce is sealed in an HttpOnly cookie no other site can read.
    return hashlib.sha256(f"pathbot-csrf:{grant.nonce}".encode()).hexdigest()[:32]


async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    if request.path.startswith("/dashboard"):
        response.headers.update(HEADERS)
