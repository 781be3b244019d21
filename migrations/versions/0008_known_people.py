"""known people: names and admin flags a platform told us, kept between commands

Revision ID: 0008_known_people
Revises: 0007_daily_thread
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_known_people"
down_revision: str | None = "0007_daily_thread"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "known_people",
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("workspace", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("platform", "workspace", "user_id", name=op.f("pk_known_people")),
    )


def downgrade() -> None:
    op.drop_table("known_people")
