"""A resident's saved kiosk settings, and the settings each check's screen was shown in.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("resident", sa.Column("settings", sa.String(64)))
    op.add_column("check_record", sa.Column("settings", sa.String(64)))


def downgrade() -> None:
    with op.batch_alter_table("check_record") as table:
        table.drop_column("settings")
    with op.batch_alter_table("resident") as table:
        table.drop_column("settings")
