"""A kiosk's receipt printer and its paper, and a venue's choice to print every referral's slip.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("kiosk", sa.Column("printer", sa.String(200)))
    op.add_column("kiosk", sa.Column("paper_mm", sa.Integer()))
    op.add_column("venue", sa.Column("print_referrals", sa.Boolean(), server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("venue") as table:
        table.drop_column("print_referrals")
    with op.batch_alter_table("kiosk") as table:
        table.drop_column("paper_mm")
        table.drop_column("printer")
