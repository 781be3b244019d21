"""seen requests: a platform's retries are handled once

Revision ID: 0004_seen_requests
Revises: 0003_delivery_failures
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_seen_requests"
down_revision: str | None = "0003_delivery_failures"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "seen_requests",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_seen_requests")),
    )
    op.create_index("ix_seen_requests_seen_at", "seen_requests", ["seen_at"])


def downgrade() -> None:
    op.drop_index("ix_seen_requests_seen_at", table_name="seen_requests")
    op.drop_table("seen_requests")
