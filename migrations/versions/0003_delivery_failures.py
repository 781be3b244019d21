"""delivery failures: inactive workspaces, the last delivery error, closed DMs

Revision ID: 0003_delivery_failures
Revises: 0002_outbox
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_delivery_failures"
down_revision: str | None = "0002_outbox"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("workspaces") as batch:
        batch.add_column(
            sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch.add_column(sa.Column("last_delivery_error", sa.Text(), nullable=True))
        batch.add_column(sa.Column("admin_notice", sa.Text(), nullable=True))
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("dm_off_reason", sa.Text(), nullable=True))
        batch.add_column(
            sa.Column("dm_off_told", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.drop_column("dm_off_told")
        batch.drop_column("dm_off_reason")
    with op.batch_alter_table("workspaces") as batch:
        batch.drop_column("admin_notice")
        batch.drop_column("last_delivery_error")
        batch.drop_column("active")
