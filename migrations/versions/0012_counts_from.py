"""counts from: the first day that counts for a member who joined a cohort late and
keeps pace with it (progress, hours behind, missed days and streaks start there)

Revision ID: 0012_counts_from
Revises: 0011_weekly_goal
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_counts_from"
down_revision: str | None = "0011_weekly_goal"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("members") as table:
        table.add_column(sa.Column("counts_from", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("members") as table:
        table.drop_column("counts_from")
