"""buddies: who wants an accountability buddy, and each week's pairs (or threes)

Revision ID: 0016_buddies
Revises: 0015_celebrations
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_buddies"
down_revision: str | None = "0015_celebrations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "buddy_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("group_no", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_buddy_groups_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_buddy_groups_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_buddy_groups")),
        sa.UniqueConstraint(
            "member_id", "week_start", name=op.f("uq_buddy_groups_member_id_week_start")
        ),
    )
    op.create_index(
        "ix_buddy_groups_workspace_id_week_start", "buddy_groups", ["workspace_id", "week_start"]
    )
    with op.batch_alter_table("members") as table:
        table.add_column(sa.Column("buddy", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("members") as table:
        table.drop_column("buddy")
    op.drop_index("ix_buddy_groups_workspace_id_week_start", table_name="buddy_groups")
    op.drop_table("buddy_groups")
