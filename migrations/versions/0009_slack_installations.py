"""slack installations: workspaces installed through Slack's OAuth, tokens encrypted

Revision ID: 0009_slack_installations
Revises: 0008_known_people
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_slack_installations"
down_revision: str | None = "0008_known_people"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "slack_installations",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=True),
        sa.Column("team_name", sa.String(length=200), nullable=True),
        sa.Column("app_id", sa.String(length=32), nullable=True),
        sa.Column("bot_id", sa.String(length=32), nullable=True),
        sa.Column("bot_user_id", sa.String(length=32), nullable=True),
        sa.Column("bot_scopes", sa.Text(), nullable=False),
        sa.Column("bot_token", sa.Text(), nullable=False),
        sa.Column("installed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_slack_installations")),
    )


def downgrade() -> None:
    op.drop_table("slack_installations")
