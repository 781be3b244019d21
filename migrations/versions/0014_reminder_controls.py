"""reminder controls: the days a member wants reminders, evening nudges (the
workspace's time, each member's on/off), and a snoozed reminder

Revision ID: 0014_reminder_controls
Revises: 0013_last_active
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.storage.base import UTCDateTime

revision: str = "0014_reminder_controls"
down_revision: str | None = "0013_last_active"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("members") as table:
        table.add_column(
            sa.Column("reminder_days", sa.Integer(), nullable=False, server_default="127")
        )
        table.add_column(sa.Column("nudges", sa.Boolean(), nullable=False, server_default=sa.true()))
        table.add_column(sa.Column("snooze_date", sa.Date(), nullable=True))
        table.add_column(sa.Column("snoozed_until", UTCDateTime(), nullable=True))
    with op.batch_alter_table("workspaces") as table:
        table.add_column(sa.Column("nudge_time", sa.Time(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("workspaces") as table:
        table.drop_column("nudge_time")
    with op.batch_alter_table("members") as table:
        table.drop_column("snoozed_until")
        table.drop_column("snooze_date")
        table.drop_column("nudges")
        table.drop_column("reminder_days")
