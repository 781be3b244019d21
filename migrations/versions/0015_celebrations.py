"""celebrations: members' milestones (a path week reached, a month, the capstone,
streaks of 7 and 30), at most one per member per day, and whether they want them posted

Revision ID: 0015_celebrations
Revises: 0014_reminder_controls
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_celebrations"
down_revision: str | None = "0014_reminder_controls"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "celebrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("milestone", sa.String(length=32), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column("posted", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_celebrations_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_celebrations_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_celebrations")),
        sa.UniqueConstraint(
            "member_id", "local_date", name=op.f("uq_celebrations_member_id_local_date")
        ),
    )
    op.create_index(
        "ix_celebrations_workspace_id_local_date", "celebrations", ["workspace_id", "local_date"]
    )
    with op.batch_alter_table("members") as table:
        table.add_column(
            sa.Column("celebrate", sa.Boolean(), nullable=False, server_default=sa.true())
        )


def downgrade() -> None:
    with op.batch_alter_table("members") as table:
        table.drop_column("celebrate")
    op.drop_index("ix_celebrations_workspace_id_local_date", table_name="celebrations")
    op.drop_table("celebrations")
