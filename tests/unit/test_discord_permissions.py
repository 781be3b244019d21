"""Discord's documented permission algorithm, case by case."""

from __future__ import annotations

from bot.adapters.discord.permissions import ALL, channel_permissions, missing_to_post

GUILD = "1"
VIEW, SEND, EMBED = 1 << 10, 1 << 11, 1 << 14
ROLES = {GUILD: VIEW | SEND | EMBED, "10": 0, "20": 1 << 3}


def perms(member_roles: list[str], overwrites: list[dict[str, object]], member: str = "99") -> int:
    return channel_permissions(
        guild_id=GUILD,
        owner_id="7",
        roles=ROLES,
        member_id=member,
        member_roles=member_roles,
        overwrites=overwrites,
    )


def ow(id_: str, type_: int, allow: int = 0, deny: int = 0) -> dict[str, object]:
    return {"id": id_, "type": type_, "allow": str(allow), "deny": str(deny)}


def test_base_and_owner_and_administrator() -> None:
    assert missing_to_post(perms([], [])) == []
    assert perms([], [ow(GUILD, 0, deny=SEND)], member="7") == ALL  # the owner
    assert perms(["20"], [ow(GUILD, 0, deny=SEND)]) == ALL  # administrator


def test_overwrites_apply_everyone_then_roles_then_member() -> None:
    denied = [ow(GUILD, 0, deny=SEND)]
    assert missing_to_post(perms([], denied)) == ["Send Messages"]
    # A role's allow beats the @everyone deny; the member's own deny beats both.
    with_role = [*denied, ow("10", 0, allow=SEND)]
    assert missing_to_post(perms(["10"], with_role)) == []
    assert missing_to_post(perms(["10"], [*with_role, ow("99", 1, deny=SEND | VIEW)])) == [
        "View Channel",
        "Send Messages",
    ]
    # Role overwrites are aggregated: an allow in one role wins over a deny in another.
    assert (
        missing_to_post(perms(["10", "11"], [ow("11", 0, deny=EMBED), ow("10", 0, allow=EMBED)]))
        == []
    )
