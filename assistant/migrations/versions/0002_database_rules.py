"""Rules the data needs, kept by the database itself so that many app servers cannot break them between them.

- One live pass per resident: a partial unique index over the passes not revoked. Where an older database holds
  more than one live pass for someone, all but the newest are revoked first (issuing always meant to do that).
- The face gallery's version is one row from the start, so an enrolment only ever adds one to it in place.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        UPDATE pass_record SET revoked_at = CURRENT_TIMESTAMP
        WHERE revoked_at IS NULL AND EXISTS (
            SELECT 1 FROM pass_record AS newer
            WHERE newer.id_hash = pass_record.id_hash AND newer.revoked_at IS NULL
              AND (newer.issued_on, newer.pass_id) > (pass_record.issued_on, pass_record.pass_id)
        )
        """
    )
    op.create_index(
        "uq_pass_record_live",
        "pass_record",
        ["id_hash"],
        unique=True,
        sqlite_where=sa.text("revoked_at IS NULL"),
        postgresql_where=sa.text("revoked_at IS NULL"),
    )
    op.execute(
        "INSERT INTO face_gallery_version (id, version) SELECT 1, 0 "
        "WHERE NOT EXISTS (SELECT 1 FROM face_gallery_version WHERE id = 1)"
    )


def downgrade() -> None:
    op.drop_index("uq_pass_record_live", "pass_record")
