"""weekly goal: a member's own weekly target in minutes (/goal), instead of the path's

Revision ID: 0011_weekly_goal
Revises: 0010_organiser_digest
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_weekly_goal"
down_revision: str | None = "0010_organiser_digest"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("members") as table:
        table.add_column(sa.Column("weekly_goal_minutes", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("members") as table:
        table.drop_column("weekly_goal_minutes")
