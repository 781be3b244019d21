"""Every Slack Web API method pathbot calls, the bot scope each needs, and the events
it subscribes to: the source of truth for `deploy/slack/*.yaml`, which a test compares."""

from __future__ import annotations

#: slack_sdk method name -> bot scopes (Slack's method docs, "Required scopes").
METHOD_SCOPES: dict[str, tuple[str, ...]] = {
    "auth_test": (),
    "chat_postMessage": ("chat:write",),
    "conversations_open": ("im:write",),
    "views_publish": (),  # the App Home tab
    "views_open": (),  # the /pathbot log form
    "users_info": ("users:read",),
    # files_upload_v2 = files.getUploadURLExternal + files.completeUploadExternal.
    "files_upload_v2": ("files:write",),
    # `pathbot doctor`: is a configured channel there, archived, and is the bot in it?
    "conversations_info": ("channels:read", "groups:read"),
}
#: The slash command itself.
COMMAND_SCOPES = ("commands",)
#: Event subscription -> the event type slack-bolt dispatches (and the scope it needs).
SUBSCRIBED_EVENTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "message.im": ("message", ("im:history",)),  # DMs to the bot are commands
    "app_uninstalled": ("app_uninstalled", ()),  # the workspace goes inactive
    "tokens_revoked": ("tokens_revoked", ()),
    "user_change": ("user_change", ("users:read",)),  # names and admin roles, kept current
    "app_home_opened": ("app_home_opened", ()),  # the Home tab is drawn when opened
}


def bot_scopes() -> set[str]:
    scopes = set(COMMAND_SCOPES)
    for needed in METHOD_SCOPES.values():
        scopes.update(needed)
    for _, needed in SUBSCRIBED_EVENTS.values():
        scopes.update(needed)
    return scopes
