"""Many Slack workspaces, one deployment: the OAuth install through the real slack-bolt
and `pathbot run`'s own HTTP server, against Slack's OAuth faked on 127.0.0.1; then
two installed workspaces side by side, each answered and sent to with its own token,
neither seeing the other; then one uninstalls."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
from pydantic import SecretStr
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select

from bot.adapters.slack import SlackAdapter
from bot.adapters.slack import runner as slack_runner
from bot.adapters.slack.clients import Installed
from bot.adapters.slack.install import oauth_settings
from bot.adapters.slack.scopes import bot_scopes
from bot.adapters.slack.sender import SlackSender
from bot.clock import FakeClock
from bot.commands.dispatcher import Dispatcher
from bot.config import Settings, load_settings
from bot.curriculum.models import Curriculum
from bot.errors import Fatal
from bot.ops.doctor import Status
from bot.replies import Reply
from bot.scheduling.senders import Target
from bot.services.context import Core
from bot.storage.engine import make_engine, make_sessions
from bot.storage.models import SlackInstallation, Workspace
from bot.storage.outbox import MessageKind, OutboxMessage, OutboxStatus
from tests.conftest import Database
from tests.fakes.discord_runner import enqueue_now, in_background
from tests.fakes.slack_api import (
    SIGNING_SECRET,
    Call,
    FakeSlackAPI,
    dm_event_body,
    event_body,
    running_fake_slack,
    signed_headers,
    slash_command_body,
)
from tests.fakes.slack_oauth import FakeSlackOAuth
from tests.fakes.slack_oauth import Workspace as SlackWorkspace
from tests.integration.test_operations_http import _http_url, _ready

ACME = SlackWorkspace("T0ACME001", "Acme Learners", installer="U0ACMEADM")
BETA = SlackWorkspace("T0BETA001", "Beta Guild", installer="U0BETAADM")
SECRET_KEY = "a-long-random-key-for-tests-only-0123456789"
NAMES = {"U0ADA0001": "ada", "U0BOB0001": "bob", "U0CY00001": "cy"}


@dataclass
class Deployment:
    url: str
    slack: FakeSlackAPI
    oauth: FakeSlackOAuth
    http: aiohttp.ClientSession
    database_url: str


def _settings(slack: FakeSlackAPI, oauth: FakeSlackOAuth, database_url: str, tmp: Path) -> Settings:
    return load_settings(
        slack_client_id=oauth.client_id,
        slack_client_secret=oauth.client_secret,
        secret_key=SECRET_KEY,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack.base_url,
        database_url=database_url,
        data_dir=tmp,
        http_port=0,
        ask_warm_up=False,
    )


@asynccontextmanager
async def deployed(
    own_database: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> AsyncIterator[Deployment]:
    caplog.set_level(logging.INFO)
    async with running_fake_slack() as slack:
        oauth = FakeSlackOAuth(slack)
        for workspace in (ACME, BETA):  # the installers are their workspaces' admins
            slack.add_user(workspace.installer, f"Admin of {workspace.name}", admin=True)
        settings = _settings(slack, oauth, own_database.url, tmp_path)
        async with in_background(slack_runner.run(settings)):
            url = await _http_url(caplog)
            oauth.redirect_url = f"{url}/slack/oauth_redirect"
            # A browser: keeps cookies for 127.0.0.1, and takes this origin for the HTTPS
            # a real deployment has (the OAuth state's cookie is Secure).
            jar = aiohttp.CookieJar(unsafe=True, treat_as_secure_origin=[url])
            async with aiohttp.ClientSession(cookie_jar=jar) as http:
                await _ready(http, url)
                yield Deployment(url, slack, oauth, http, own_database.url)


async def _install(deployment: Deployment, workspace: SlackWorkspace) -> tuple[int, str]:
    """An installer opens /slack/install, allows on Slack's screen, lands on our page."""
    deployment.oauth.installing = workspace
    async with deployment.http.get(f"{deployment.url}/slack/install") as page:
        return page.status, await page.text()


async def _slash(deployment: Deployment, text: str, user: str, team: str) -> Call:
    name = NAMES.get(user, user.lower())
    body = slash_command_body(deployment.slack, text, user_id=user, team_id=team, user_name=name)
    headers = signed_headers(body)
    url = f"{deployment.url}/slack/events"
    before = len(deployment.slack.called("response_url"))
    async with deployment.http.post(url, data=body, headers=headers) as response:
        assert response.status == 200, await response.text()
    return (await deployment.slack.wait_for("response_url", before + 1))[before]


async def _event(deployment: Deployment, body: str) -> int:
    headers = {**signed_headers(body), "content-type": "application/json"}
    async with deployment.http.post(
        f"{deployment.url}/slack/events", data=body, headers=headers
    ) as response:
        return response.status


def _text(call: Call) -> str:
    return json.dumps(call.args, ensure_ascii=False)


async def _wait_until(check: object, what: str) -> None:
    for _ in range(200):
        if callable(check) and await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never: {what}")


async def test_two_workspaces_install_and_work_side_by_side(
    own_database: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with deployed(own_database, tmp_path, caplog) as deployment:
        slack = deployment.slack
        status, page = await _install(deployment, ACME)
        assert status == 200, page
        assert "pathbot is installed" in page
        assert "Acme Learners" in page
        assert "/pathbot setup" in page
        # Slack's consent screen was asked for exactly the scopes the code uses.
        asked = deployment.oauth.authorize_queries[0]
        assert set(asked["scope"].split(",")) == bot_scopes()
        status, page = await _install(deployment, BETA)
        assert status == 200
        assert "Beta Guild" in page

        # Each installer is greeted in a DM, with their own workspace's token.
        welcomes = await slack.wait_for("chat.postMessage", 2)
        by_team = {slack.tokens[c.token]: c for c in welcomes}
        assert set(by_team) == {ACME.team_id, BETA.team_id}
        assert "/pathbot" in _text(by_team[ACME.team_id])
        opened = {
            slack.tokens[c.token]: c.args["users"] for c in slack.called("conversations.open")
        }
        assert opened == {ACME.team_id: ACME.installer, BETA.team_id: BETA.installer}

        # Tokens are stored sealed: a dump of the table hands none out.
        engine = make_engine(deployment.database_url)
        try:
            async with make_sessions(engine)() as db:
                rows = (await db.scalars(select(SlackInstallation))).all()
        finally:
            await engine.dispose()
        assert {row.team_id for row in rows} == {ACME.team_id, BETA.team_id}
        assert all("xoxb-" not in row.bot_token for row in rows)
        assert all(token not in row.bot_token for row in rows for token in slack.tokens)

        # Side by side: a member joins in each, and each workspace sees only its own.
        await _slash(deployment, "join", "U0ADA0001", ACME.team_id)
        await _slash(deployment, "join", "U0BOB0001", BETA.team_id)
        await _slash(deployment, "join", "U0CY00001", BETA.team_id)
        acme_setup = _text(await _slash(deployment, "setup", ACME.installer, ACME.team_id))
        beta_setup = _text(await _slash(deployment, "setup", BETA.installer, BETA.team_id))
        assert "1 joined" in acme_setup
        assert "2 joined" in beta_setup
        for team, user in ((ACME.team_id, "U0ADA0001"), (BETA.team_id, "U0BOB0001")):
            await _slash(deployment, "log 1h read the paper", user, team)
        acme_board = _text(await _slash(deployment, "leaderboard", "U0ADA0001", ACME.team_id))
        beta_board = _text(await _slash(deployment, "leaderboard", "U0BOB0001", BETA.team_id))
        assert "ada" in acme_board
        assert "bob" not in acme_board
        assert "bob" in beta_board
        assert "ada" not in beta_board

        # A DM command is answered with its workspace's token.
        before = len(slack.called("chat.postMessage"))
        dm = dm_event_body("today", user_id="U0BOB0001", channel="D0BOB0001", team_id=BETA.team_id)
        assert await _event(deployment, dm) == 200
        answer = (await slack.wait_for("chat.postMessage", before + 1))[before]
        assert slack.tokens[answer.token] == BETA.team_id

        # The outbox sends each workspace's reminder with that workspace's token.
        before = len(slack.called("chat.postMessage"))
        for team, user in ((ACME.team_id, "U0ADA0001"), (BETA.team_id, "U0BOB0001")):
            await enqueue_now(
                deployment.database_url,
                MessageKind.REMINDER,
                Target.user(user),
                Reply(title="Time for today's block"),
                guild_id=team,
                platform="slack",
            )
        sent = (await slack.wait_for("chat.postMessage", before + 2))[before:]
        assert sorted((slack.tokens[c.token], c.args["channel"]) for c in sent) == [
            (ACME.team_id, "D0ADA0001"),
            (BETA.team_id, "D0BOB0001"),
        ]


async def test_an_uninstalled_workspace_is_forgotten_and_the_other_goes_on(
    own_database: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with deployed(own_database, tmp_path, caplog) as deployment:
        slack = deployment.slack
        for workspace in (ACME, BETA):
            assert (await _install(deployment, workspace))[0] == 200
        await _slash(deployment, "join", "U0ADA0001", ACME.team_id)
        await _slash(deployment, "join", "U0BOB0001", BETA.team_id)

        # Acme removes the app: Slack revokes its token and says so.
        deployment.oauth.uninstall(ACME.team_id)
        gone = event_body({"type": "app_uninstalled"}, team_id=ACME.team_id)
        assert await _event(deployment, gone) == 200

        engine = make_engine(deployment.database_url)
        sessions = make_sessions(engine)
        try:

            async def forgotten() -> bool:
                async with sessions() as db:
                    return await db.get(SlackInstallation, ACME.team_id) is None

            await _wait_until(forgotten, "Acme's installation deleted")
            async with sessions() as db:
                acme = await db.scalar(
                    select(Workspace).where(Workspace.external_id == ACME.team_id)
                )
                assert acme is not None
                assert not acme.active
                assert await db.get(SlackInstallation, BETA.team_id) is not None

            # A reminder for Acme, still queued or queued by a process not yet told,
            # is not sent: there is no token for it any more.
            before = len(slack.called("chat.postMessage"))
            key = await enqueue_now(
                deployment.database_url,
                MessageKind.REMINDER,
                Target.user("U0ADA0001"),
                Reply(title="Time for today's block"),
                guild_id=ACME.team_id,
                platform="slack",
            )

            async def settled() -> bool:
                async with sessions() as db:
                    row = await db.scalar(
                        select(OutboxMessage).where(OutboxMessage.idempotency_key == key)
                    )
                    return row is not None and row.status == OutboxStatus.DEAD.value

            await _wait_until(settled, "Acme's reminder dead")
            assert len(slack.called("chat.postMessage")) == before
        finally:
            await engine.dispose()

        # Beta goes on as before.
        beta = _text(await _slash(deployment, "progress", "U0BOB0001", BETA.team_id))
        assert "day" in beta.lower()

        # Acme installs again: welcomed back with its new token, which is used from now on.
        old_tokens = {t for t, team in slack.tokens.items() if team == ACME.team_id}
        before = len(slack.called("chat.postMessage"))
        assert (await _install(deployment, ACME))[0] == 200
        welcome = (await slack.wait_for("chat.postMessage", before + 1))[before]
        assert slack.tokens[welcome.token] == ACME.team_id
        assert welcome.token not in old_tokens
        answer = _text(await _slash(deployment, "progress", "U0ADA0001", ACME.team_id))
        assert "day" in answer.lower()
        dm = dm_event_body("today", user_id="U0ADA0001", team_id=ACME.team_id)
        assert await _event(deployment, dm) == 200
        reply = (await slack.wait_for("chat.postMessage", before + 2))[before + 1]
        assert reply.token == welcome.token


async def test_install_links_are_refused_when_used_forged_or_cancelled(
    own_database: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with deployed(own_database, tmp_path, caplog) as deployment:
        http, url = deployment.http, deployment.url
        deployment.oauth.installing = ACME
        async with http.get(f"{url}/slack/install") as page:
            assert page.status == 200
            landed = str(page.url)  # /slack/oauth_redirect?code=…&state=…
        assert "/slack/oauth_redirect?" in landed

        # The same redirect again (a reload, a replay): the state was taken.
        async with http.get(landed) as again:
            assert again.status == 401
            assert "used already or is over ten minutes old" in await again.text()

        # A forged state, with a cookie to match (anyone can set their own): its
        # signature is wrong, so it is refused and nothing is installed.
        state = landed.split("state=")[1]
        forged = state[:-4] + ("0000" if not state.endswith("0000") else "1111")
        async with (
            aiohttp.ClientSession() as forger,
            forger.get(
                f"{url}/slack/oauth_redirect?code=x&state={forged}",
                headers={"Cookie": f"slack-app-oauth-state={forged}"},
            ) as page,
        ):
            assert page.status == 401

        # Another browser (no state cookie): refused.
        async with (
            aiohttp.ClientSession() as stranger,
            stranger.get(f"{url}/slack/oauth_redirect?code=x&state={state}") as page,
        ):
            assert page.status == 400
            assert "another browser" in await page.text()

        # The installer presses Cancel on Slack's screen.
        deployment.oauth.cancel = True
        async with http.get(f"{url}/slack/install") as page:
            assert "You cancelled the install" in await page.text()

        assert len(deployment.slack.called("oauth.v2.access")) == 1


async def test_doctor_checks_every_installed_workspace(
    own_database: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.cli.doctor_cmd import _all_checks

    async with deployed(own_database, tmp_path, caplog) as deployment:
        for workspace in (ACME, BETA):
            assert (await _install(deployment, workspace))[0] == 200
        settings = _settings(deployment.slack, deployment.oauth, own_database.url, tmp_path)
        deployment.oauth.uninstall(BETA.team_id)  # gone, and pathbot was not told
        checks = {check.name: check for check in await _all_checks(settings)}
        rotated = settings.model_copy(update={"secret_key": SecretStr("another-key-0123456789")})
        wrong_key = {check.name: check for check in await _all_checks(rotated)}

    assert checks["slack install"].status is Status.OK
    assert checks["slack install"].detail.startswith("2 workspace(s)")
    assert checks["slack workspace T0ACME001 (Acme Learners)"].status is Status.OK
    beta = checks["slack workspace T0BETA001 (Beta Guild)"]
    assert beta.status is Status.FAIL
    assert "token_revoked" in beta.detail
    assert "/slack/install" in beta.detail
    acme = wrong_key["slack workspace T0ACME001 (Acme Learners)"]
    assert acme.status is Status.FAIL
    assert "PATHBOT_SECRET_KEY" in acme.detail

    # pathbot run with a key that does not open the stored tokens: one line, at once.
    with pytest.raises(Fatal, match="PATHBOT_SECRET_KEY"):
        await slack_runner.run(rotated)


@pytest.mark.parametrize(
    ("missing", "said"),
    [("secret_key", "PATHBOT_SECRET_KEY"), ("slack_client_secret", "SLACK_CLIENT_SECRET")],
)
async def test_installing_without_a_key_or_secret_is_one_clear_line(
    tmp_path: Path, missing: str, said: str
) -> None:
    async with running_fake_slack() as slack:
        oauth = FakeSlackOAuth(slack)
        url = f"sqlite+aiosqlite:///{tmp_path / 'pathbot.db'}"
        settings = _settings(slack, oauth, url, tmp_path).model_copy(update={missing: None})
        with pytest.raises(Fatal, match=said):
            await slack_runner.run(settings)


async def test_a_token_renewed_by_another_process_is_picked_up(
    database: Database, shipped_curriculum: Curriculum
) -> None:
    """Acme installed again through another process: this one still holds the old token,
    which Slack now refuses; the send reads the stored one and goes out, nothing dead."""
    async with running_fake_slack() as slack:
        settings = _settings(slack, FakeSlackOAuth(slack), database.url, Path("."))
        clock = FakeClock(datetime(2027, 1, 4, 9, tzinfo=UTC))
        oauth = oauth_settings(settings, database.sessions, clock)
        store = oauth.installation_store
        assert store is not None
        base = AsyncWebClient(base_url=slack.base_url)
        adapter = SlackAdapter(
            Dispatcher(Core(database.sessions, clock, shipped_curriculum)),
            client=base,
            signing_secret=SIGNING_SECRET,
            clock=clock,
            clients=Installed(store, base),
            oauth=oauth,
        )
        sender = SlackSender(adapter)
        slack.tokens |= {"xoxb-old": ACME.team_id, "xoxb-new": ACME.team_id}

        def installed(token: str) -> Installation:
            return Installation(
                team_id=ACME.team_id, bot_token=token, bot_id="B1", bot_user_id="U0BOT", user_id=""
            )

        await store.async_save(installed("xoxb-old"))
        target = Target.parse("channel:C0DAILY01", ACME.team_id)
        await sender.send(target, Reply(title="first"), idempotency_key="k1")
        await store.async_save(installed("xoxb-new"))  # as another process would
        slack.revoked.add("xoxb-old")
        await sender.send(target, Reply(title="second"), idempotency_key="k2")

    posts = slack.called("chat.postMessage")
    assert [(c.token, c.args["text"]) for c in posts] == [
        ("xoxb-old", "first"),
        ("xoxb-old", "second"),  # refused: token_revoked
        ("xoxb-new", "second"),
    ]
