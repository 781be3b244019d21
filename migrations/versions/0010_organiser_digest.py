"""organiser digest: who-is-slipping thresholds and where the weekly digest goes

Revision ID: 0010_organiser_digest
Revises: 0009_slack_installations
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_organiser_digest"
down_revision: str | None = "0009_slack_installations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("workspaces") as table:
        table.add_column(
            sa.Column("risk_behind_hours", sa.Integer(), nullable=False, server_default="5")
        )
        table.add_column(
            sa.Column("risk_silent_days", sa.Integer(), nullable=False, server_default="3")
        )
        table.add_column(sa.Column("digest_channel", sa.String(length=64), nullable=True))
        table.add_column(
            sa.Column("digest_on", sa.Boolean(), nullable=False, server_default=sa.true())
        )


def downgrade() -> None:
    with op.batch_alter_table("workspaces") as table:
        table.drop_column("digest_on")
        table.drop_column("digest_channel")
        table.drop_column("risk_silent_days")
        table.drop_column("risk_behind_hours")
