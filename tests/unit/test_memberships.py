"""Choosing a DM's workspace, and Discord's button custom_ids, without any I/O."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.adapters.discord.render import ButtonCommand, action_custom_id, command_of
from bot.replies import Reply, ReplyAction
from bot.services.memberships import DM_WORKSPACE, DmScope, Membership, choose
from bot.storage.models import MemberStatus

NOW = datetime(2027, 1, 6, 12, tzinfo=UTC)
A = Membership("111", MemberStatus.ACTIVE, NOW)
B = Membership("222", MemberStatus.PAUSED, NOW)


def test_one_workspace_needs_no_footer() -> None:
    assert choose([A], "discord", "/checkin done") == DmScope("111")


def test_several_workspaces_name_the_chosen_one() -> None:
    scope = choose([A, B], "discord", "/today", {"111": "Study Hall"})
    assert scope == DmScope("111", note="(in Study Hall)")
    assert choose([A, B], "discord", "/today").note == "(in 111)"
    assert choose([A, B], "discord", "/today", prefer="222").workspace_id == "222"
    assert choose([A, B], "discord", "/today", prefer="999").workspace_id == "111"
    reply = scope.annotate(Reply(title="Today", lines=["Focus: tokenizers"]))
    assert reply.lines == ["Focus: tokenizers", "(in Study Hall)"]


@pytest.mark.parametrize("line", ["/help", "help log", "/start", "/ask what is BM25?"])
def test_no_membership_still_allows_help_and_ask(line: str) -> None:
    assert choose([], "discord", line) == DmScope(DM_WORKSPACE)


@pytest.mark.parametrize("line", ["/checkin done", "/join", "/leaderboard", ""])
def test_no_membership_refuses_the_rest_kindly(line: str) -> None:
    scope = choose([], "discord", line)
    assert scope.workspace_id is None
    assert scope.refusal is not None
    assert not scope.refusal.ok
    assert "Run /join in your server first" in scope.refusal.text()


def test_custom_ids_round_trip() -> None:
    plain = ReplyAction(label="Done", command="/checkin done")
    pinned = plain.model_copy(update={"workspace": "800000000000000001"})
    assert action_custom_id(plain) == "pathbot:/checkin done"
    assert command_of(action_custom_id(plain)) == ButtonCommand("/checkin done")
    assert command_of(action_custom_id(pinned)) == ButtonCommand(
        "/checkin done", "800000000000000001"
    )
    # Too long to pin within Discord's 100 characters: sent unpinned rather than dropped.
    long = pinned.model_copy(update={"command": "/log 1h " + "x" * 82})
    assert action_custom_id(long) == "pathbot:" + long.command
    for other in ("poll:yes", "pathbot:", "pathbot:checkin", "pathbot@abc:/today", "xpathbot:/x"):
        assert command_of(other) is None
