"""Every ORM model, importable from one place (Alembic's env.py imports this)."""

from bot.storage.models.activity import CheckIn, FinishedExercise, HourLog, WeeklyTotal
from bot.storage.models.buddies import BuddyGroup
from bot.storage.models.celebrations import Celebration
from bot.storage.models.dm_channels import DmChannel
from bot.storage.models.known_people import KnownPerson
from bot.storage.models.people import Member, MemberStatus, Pause, Workspace, WorkspaceAdmin
from bot.storage.models.seen import SeenRequest
from bot.storage.models.slack_installations import SlackInstallation

__all__ = [
    "BuddyGroup",
    "Celebration",
    "CheckIn",
    "DmChannel",
    "FinishedExercise",
    "HourLog",
    "KnownPerson",
    "Member",
    "MemberStatus",
    "Pause",
    "SeenRequest",
    "SlackInstallation",
    "WeeklyTotal",
    "Workspace",
    "WorkspaceAdmin",
]
