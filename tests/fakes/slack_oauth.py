"""Slack's OAuth v2 install, faked on the fake Slack API's server.

What Slack documents: the consent screen at /oauth/v2/authorize sends the installer
back to the app's redirect URL with `code` and the app's `state` (or
`error=access_denied` when they cancel); oauth.v2.access takes the app's client id and
secret (HTTP Basic) and the code, which works once and for ten minutes, and answers
the workspace's bot token (`invalid_code`, `invalid_client_id`, `bad_client_secret`
otherwise, with HTTP 200 like every Web API error).
"""

from __future__ import annotations

import base64
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from tests.fakes.slack_api import FakeSlackAPI


@dataclass(frozen=True)
class Workspace:
    team_id: str
    name: str
    #: Who clicks "Allow" on the consent screen.
    installer: str


@dataclass
class FakeSlackOAuth:
    fake: FakeSlackAPI
    client_id: str = "1111.2222"
    client_secret: str = "oauth-client-secret"
    #: The app's redirect URL, as configured in its settings (used without redirect_uri).
    redirect_url: str = ""
    #: Who is installing next, and whether they press Cancel instead.
    installing: Workspace | None = None
    cancel: bool = False
    authorize_queries: list[dict[str, str]] = field(default_factory=list)
    #: Codes not yet exchanged: who installed, and the scopes they granted.
    _codes: dict[str, tuple[Workspace, str]] = field(default_factory=dict)
    _numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        self.fake.oauth = self

    async def authorize(self, request: web.Request) -> web.StreamResponse:
        query = dict(request.query)
        self.authorize_queries.append(query)
        if query.get("client_id") != self.client_id:
            return web.Response(status=400, text="invalid_client_id")
        back = query.get("redirect_uri") or self.redirect_url
        if self.cancel:
            raise web.HTTPFound(
                f"{back}?{urlencode({'error': 'access_denied', 'state': query.get('state', '')})}"
            )
        assert self.installing is not None, "say who installs: oauth.installing = Workspace(...)"
        code = f"code-{next(self._numbers)}"
        self._codes[code] = (self.installing, query.get("scope", ""))
        raise web.HTTPFound(f"{back}?{urlencode({'code': code, 'state': query.get('state', '')})}")

    def access(self, headers: Mapping[str, str], args: Mapping[str, Any]) -> dict[str, Any]:
        client_id, secret = str(args.get("client_id") or ""), str(args.get("client_secret") or "")
        basic = headers.get("Authorization", "")
        if basic.startswith("Basic "):
            client_id, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
        if client_id != self.client_id:
            return {"ok": False, "error": "invalid_client_id"}
        if secret != self.client_secret:
            return {"ok": False, "error": "bad_client_secret"}
        granted = self._codes.pop(str(args.get("code") or ""), None)
        if granted is None:  # unknown, or used once already
            return {"ok": False, "error": "invalid_code"}
        workspace, scopes = granted
        token = f"xoxb-{workspace.team_id}-{next(self._numbers)}"
        self.fake.tokens[token] = workspace.team_id
        return {
            "ok": True,
            "access_token": token,
            "token_type": "bot",
            "scope": scopes,
            "bot_user_id": f"U0BOT{workspace.team_id[-3:]}",
            "app_id": "A0PATHBOT",
            "team": {"id": workspace.team_id, "name": workspace.name},
            "enterprise": None,
            "is_enterprise_install": False,
            "authed_user": {"id": workspace.installer},
        }

    def uninstall(self, team_id: str) -> None:
        """The workspace removed the app: Slack revokes its tokens."""
        self.fake.revoked.update(t for t, team in self.fake.tokens.items() if team == team_id)
