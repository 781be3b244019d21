"""Secrets sealed in the database: unreadable without the key, rotatable, clear errors."""

from __future__ import annotations

import pytest

from bot.storage.secrets import SecretBox, SecretKeyError

OLD = "old-key-0123456789abcdef"
NEW = "new-key-fedcba9876543210"


def test_a_sealed_token_opens_only_with_its_key() -> None:
    sealed = SecretBox([OLD], "slack-tokens").seal("xoxb-123-secret")
    assert "xoxb" not in sealed
    assert SecretBox([OLD], "slack-tokens").open(sealed) == "xoxb-123-secret"
    with pytest.raises(SecretKeyError, match="was the key changed"):
        SecretBox([NEW], "slack-tokens").open(sealed)
    # The same setting for another purpose is another key.
    with pytest.raises(SecretKeyError):
        SecretBox([OLD], "dashboard-links").open(sealed)


def test_rotation_new_key_first_old_still_opens() -> None:
    sealed_before = SecretBox([OLD], "slack-tokens").seal("xoxb-old")
    rotating = SecretBox.from_setting(f"{NEW}, {OLD}", "slack-tokens")
    assert rotating.open(sealed_before) == "xoxb-old"
    sealed_after = rotating.seal("xoxb-new")
    assert SecretBox([NEW], "slack-tokens").open(sealed_after) == "xoxb-new"


@pytest.mark.parametrize("setting", [None, "", " , ", "short"])
def test_a_missing_or_short_key_is_refused_with_what_to_do(setting: str | None) -> None:
    with pytest.raises(SecretKeyError, match="PATHBOT_SECRET_KEY"):
        SecretBox.from_setting(setting, "slack-tokens")
