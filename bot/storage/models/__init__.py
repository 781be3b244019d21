"""Every ORM model, importable from one place (Alembic's env.py imports this)."""

from bot.storage.models.activity import CheckIn, FinishedExercise, HourLog, WeeklyTotal
from bot.storage.models.people import Member, MemberStatus, Pause, Workspace, WorkspaceAdmin

__all__ = [
    "CheckIn",
    "FinishedExercise",
    "HourLog",
    "Member",
    "MemberStatus",
    "Pause",
    "WeeklyTotal",
    "Workspace",
    "WorkspaceAdmin",
]
