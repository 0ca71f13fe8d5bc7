"""Staff sessions held on the server, so that signing out, disabling an account or an admin ends them for good.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_session",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("staff_account.id"), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime()),
    )
    op.create_index("ix_staff_session_account_id", "staff_session", ["account_id"])


def downgrade() -> None:
    op.drop_index("ix_staff_session_account_id", "staff_session")
    op.drop_table("staff_session")
