"""Sign-in links for the web dashboard: no passwords, a link the bot sends privately.

A link carries who it is for (workspace, member, organiser or member role) sealed and
timed by Fernet under PATHBOT_SECRET_KEY: good for 15 minutes, and once (its nonce is
taken through `seen_requests` when used). Following it sets a session cookie, sealed
the same way, good for 12 hours and for that workspace only. Both carry the workspace's
`dashboard_generation` when the link was made: once it moves on (an admin removed,
/dashboard-signout), the web layer refuses them.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from urllib.parse import quote

from cryptography.fernet import InvalidToken

from bot.clock import Clock
from bot.storage.secrets import SecretBox

LINK_TTL = timedelta(minutes=15)
SESSION_TTL = timedelta(hours=12)
LOGIN_PATH = "/dashboard/login"


class Role(StrEnum):
    ORGANISER = "organiser"
    MEMBER = "member"


@dataclass(frozen=True, slots=True)
class Grant:
    """What a link or a session lets its holder see."""

    workspace_id: int
    user_id: str
    role: Role
    #: The link's (or session's) own random id: one use for links, CSRF for sessions.
    nonce: str
    #: The workspace's dashboard generation when the link was made.
    generation: int


class DashboardLinks:
    def __init__(self, secret_key: str, public_url: str, clock: Clock) -> None:
        self._links = SecretBox.from_setting(secret_key, "dashboard-links")
        self._sessions = SecretBox.from_setting(secret_key, "dashboard-sessions")
        self.public_url = public_url.rstrip("/")
        self._clock = clock

    def link(self, workspace_id: int, user_id: str, role: Role, generation: int) -> str:
        token = self._seal(self._links, Grant(workspace_id, user_id, role, _nonce(), generation))
        return f"{self.public_url}{LOGIN_PATH}?token={quote(token)}"

    def open_link(self, token: str) -> Grant | None:
        """The link's grant, if it is ours and under 15 minutes old (its one use is
        the web layer's to take, in the database)."""
        return self._open(self._links, token, LINK_TTL)

    def session(self, grant: Grant) -> str:
        """A session cookie's value for `grant`, with a fresh nonce (the CSRF secret)."""
        fresh = Grant(grant.workspace_id, grant.user_id, grant.role, _nonce(), grant.generation)
        return self._seal(self._sessions, fresh)

    def open_session(self, value: str) -> Grant | None:
        return self._open(self._sessions, value, SESSION_TTL)

    def _seal(self, box: SecretBox, grant: Grant) -> str:
        body = json.dumps(
            [grant.workspace_id, grant.user_id, grant.role.value, grant.nonce, grant.generation]
        )
        return box.seal_at(body, int(self._clock.now().timestamp()))

    def _open(self, box: SecretBox, token: str, ttl: timedelta) -> Grant | None:
        now = int(self._clock.now().timestamp())
        try:
            body = box.open_at(token, int(ttl.total_seconds()), now)
            workspace_id, user_id, role, nonce, generation = json.loads(body)
            return Grant(int(workspace_id), str(user_id), Role(role), str(nonce), int(generation))
        except (InvalidToken, ValueError, TypeError):
            return None


def _nonce() -> str:
    return secrets.token_urlsafe(12)
