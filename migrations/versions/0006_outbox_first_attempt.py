"""outbox first attempt: when a row was first tried, to check a late resend

Revision ID: 0006_outbox_first_attempt
Revises: 0005_dm_channels
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.storage.outbox import UTCDateTime

revision: str = "0006_outbox_first_attempt"
down_revision: str | None = "0005_dm_channels"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("first_attempt_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("first_attempt_at")
