"""daily thread: a workspace may have a thread opened under each daily post

Revision ID: 0007_daily_thread
Revises: 0006_outbox_first_attempt
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_daily_thread"
down_revision: str | None = "0006_outbox_first_attempt"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("workspaces") as batch:
        batch.add_column(
            sa.Column("daily_thread", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("workspaces") as batch:
        batch.drop_column("daily_thread")
