"""The card reader: reads waiting for their kiosk's screen, and each venue's choice of checking the face against the
card's own chip photo.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("venue", sa.Column("face_with_card", sa.String(8)))
    op.create_table(
        "card_read",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("read_at", sa.DateTime(), nullable=False),
        sa.Column("kiosk", sa.String(64), nullable=False),
        sa.Column("venue", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("error", sa.String(32)),
        sa.Column("check_id", sa.Integer()),
        sa.Column("id_hash", sa.String(64)),
        sa.Column("masked_id", sa.String(18)),
        sa.Column("chip_face", sa.LargeBinary()),
        sa.Column("shown_at", sa.DateTime()),
    )
    op.create_index("ix_card_read_kiosk", "card_read", ["kiosk", "id"])


def downgrade() -> None:
    op.drop_index("ix_card_read_kiosk", "card_read")
    op.drop_table("card_read")
    with op.batch_alter_table("venue") as batch:
        batch.drop_column("face_with_card")
