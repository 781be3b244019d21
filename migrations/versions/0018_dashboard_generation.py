"""dashboard generation: a number each dashboard link and session carries, so that
removing an admin or /dashboard-signout ends every session of the workspace at once

Revision ID: 0018_dashboard_generation
Revises: 0017_streak_memo
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_dashboard_generation"
down_revision: str | None = "0017_streak_memo"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("workspaces") as table:
        table.add_column(
            sa.Column("dashboard_generation", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("workspaces") as table:
        table.drop_column("dashboard_generation")
