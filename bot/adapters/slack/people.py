"""Who a Slack user is (name, workspace admin or not), cached briefly.

Every command needs `is_platform_admin`, and Slack only tells us through
users.info; a short cache keeps a burst of commands to one API call while a
promotion or demotion still shows up within a minute.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import Clock

log = logging.getLogger(__name__)

DEFAULT_TTL = timedelta(seconds=60)
#: Past this many entries, expired ones are dropped (a cohort is far smaller).
_PRUNE_AT = 2048


@dataclass(frozen=True, slots=True)
class Person:
    display_name: str
    is_admin: bool
    #: The IANA zone of the user's Slack profile ("Asia/Kolkata"), when Slack says.
    timezone: str | None = None


class PeopleCache:
    def __init__(self, client: AsyncWebClient, clock: Clock, ttl: timedelta = DEFAULT_TTL) -> None:
        self._client = client
        self._clock = clock
        self._ttl = ttl
        self._entries: dict[tuple[str, str], tuple[datetime, Person]] = {}

    async def lookup(self, team_id: str, user_id: str, fallback_name: str) -> Person:
        key = (team_id, user_id)
        now = self._clock.now()
        cached = self._entries.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        person = await self._fetch(user_id, fallback_name)
        if person is None:
            # Not cached: the next command tries again. Not an admin meanwhile (fail closed).
            return Person(fallback_name or user_id, False)
        if len(self._entries) >= _PRUNE_AT:
            self._entries = {k: v for k, v in self._entries.items() if v[0] > now}
        self._entries[key] = (now + self._ttl, person)
        return person

    async def _fetch(self, user_id: str, fallback_name: str) -> Person | None:
        try:
            response = await self._client.users_info(user=user_id)
        except SlackApiError as error:
            log.warning("users.info failed for %s: %s", user_id, error.response.get("error"))
            return None
        except (OSError, aiohttp.ClientError, TimeoutError) as error:
            log.warning("users.info unreachable: %s", error)
            return None
        user = response.get("user") or {}
        profile = user.get("profile") or {}
        name = (
            profile.get("display_name")
            or profile.get("real_name")
            or user.get("real_name")
            or fallback_name
            or user_id
        )
        is_admin = bool(
            user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")
        )
        zone = user.get("tz")
        return Person(str(name), is_admin, str(zone) if zone else None)
