"""Who a Slack user is (name, workspace admin or not, time zone), asked of Slack rarely.

users.info is rate limited (Tier 4, about 100 calls a minute), and 200 members checking
in after the morning reminder would pass that if every command asked. So what Slack says
is kept in the database (`known_people`), refreshed by Slack's `user_change` events and
after a day; Slack is asked only when the answer matters and is missing or old (an
admin command, /join, which stores the name and time zone). A 429 is waited out as
Slack asks (the client's retry handler), and if Slack still cannot answer, what was
known before is used: a rate limit never turns an admin into a non-admin.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.adapters.slack.clients import NotInstalled, SlackClients
from bot.clock import Clock
from bot.storage.known_people import Known, KnownPeople

log = logging.getLogger(__name__)

#: How long what Slack said is trusted without asking again (events keep it current).
DEFAULT_TTL = timedelta(hours=24)
#: How long a lookup is kept in memory, sparing the database a read per command.
MEMORY_TTL = timedelta(seconds=60)
#: Past this many entries, expired ones are dropped (a cohort is far smaller).
_PRUNE_AT = 2048


@dataclass(frozen=True, slots=True)
class Person:
    display_name: str
    is_admin: bool
    #: The IANA zone of the user's Slack profile ("Asia/Kolkata"), when Slack says.
    timezone: str | None = None


class PeopleCache:
    def __init__(
        self,
        clients: SlackClients,
        clock: Clock,
        ttl: timedelta = DEFAULT_TTL,
        store: KnownPeople | None = None,
    ) -> None:
        self._clients = clients
        self._clock = clock
        self._ttl = ttl
        self._store = store
        self._memory: dict[tuple[str, str], tuple[datetime, Known]] = {}

    async def lookup(
        self, team_id: str, user_id: str, fallback_name: str, *, needed: bool = True
    ) -> Person:
        """Who they are; `needed` when the answer matters enough to ask Slack for it."""
        now = self._clock.now()
        known = await self._known(team_id, user_id, now)
        if known is not None and known.refreshed_at + self._ttl > now:
            return _person(known)
        if needed:
            fetched = await self._fetch(team_id, user_id, now)
            if fetched is not None:
                await self._remember(team_id, user_id, fetched, now)
                return _person(fetched)
        if known is not None:
            return _person(known)  # old, or Slack could not say: still the best we know
        # Never seen, and not worth asking (or Slack could not say): not an admin.
        return Person(fallback_name or user_id, False)

    async def refresh(self, team_id: str, user: Mapping[str, Any]) -> None:
        """Slack's `user_change` event: what users.info would say, sent unasked."""
        user_id = str(user.get("id") or "")
        if team_id and user_id:
            now = self._clock.now()
            await self._remember(team_id, user_id, _known_from(user, user_id, now), now)

    async def _known(self, team_id: str, user_id: str, now: datetime) -> Known | None:
        memo = self._memory.get((team_id, user_id))
        if memo is not None and memo[0] > now:
            return memo[1]
        known = await self._store.get(team_id, user_id) if self._store is not None else None
        if known is not None:
            self._memo(team_id, user_id, known, now)
        return known

    async def _remember(self, team_id: str, user_id: str, known: Known, now: datetime) -> None:
        if self._store is not None:
            await self._store.put(team_id, user_id, known)
        self._memo(team_id, user_id, known, now)

    def _memo(self, team_id: str, user_id: str, known: Known, now: datetime) -> None:
        if len(self._memory) >= _PRUNE_AT:
            self._memory = {k: v for k, v in self._memory.items() if v[0] > now}
        self._memory[(team_id, user_id)] = (now + MEMORY_TTL, known)

    async def _fetch(self, team_id: str, user_id: str, now: datetime) -> Known | None:
        try:
            clients = await self._clients.for_team(team_id)
            response = await clients.replies.users_info(user=user_id)
        except NotInstalled as error:
            log.warning("users.info: %s", error)
            return None
        except SlackApiError as error:
            log.warning("users.info failed for %s: %s", user_id, error.response.get("error"))
            return None
        except (OSError, aiohttp.ClientError, TimeoutError) as error:
            log.warning("users.info unreachable: %s", error)
            return None
        return _known_from(response.get("user") or {}, user_id, now)


def _known_from(user: Mapping[str, Any], user_id: str, now: datetime) -> Known:
    profile = user.get("profile") or {}
    name = (
        profile.get("display_name")
        or profile.get("real_name")
        or user.get("real_name")
        or user.get("name")
        or user_id
    )
    is_admin = bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
    zone = user.get("tz")
    return Known(str(name), is_admin, str(zone) if zone else None, now)


def _person(known: Known) -> Person:
    return Person(known.display_name, known.is_admin, known.timezone)
