"""The schema as it stood before migrations: made whole on a new database, completed on an older one.

Databases made before Alembic (by create_all and a hand-written ALTER) hold some of these tables and columns; this
revision adds what they lack, so every database reaches one shape whatever age it is.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def added_columns() -> list[tuple[str, sa.Column]]:
    """(table, column) added to tables after they were first made, as the hand-written ALTER added them: nullable."""
    return [
        ("check_record", sa.Column("matcher", sa.String(16))),
        ("check_record", sa.Column("kiosk", sa.String(64))),
        ("check_record", sa.Column("channel", sa.String(16))),
        ("check_record", sa.Column("clock", sa.String(16))),
        ("check_record", sa.Column("masked_name", sa.String(200))),
        ("check_record", sa.Column("language", sa.String(2))),
        ("check_record", sa.Column("reasons", sa.Text())),
        ("venue", sa.Column("face_search", sa.Boolean(), server_default=sa.false())),
    ]


def upgrade() -> None:
    op.create_table(
        "venue",
        sa.Column("slug", sa.String(64), primary_key=True),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.Column("name_zh", sa.String(200), nullable=False),
        sa.Column("allowed_statuses", sa.String(64), nullable=False),
        sa.Column("max_test_age_hours", sa.Integer()),
        sa.Column("min_vaccine_doses", sa.Integer()),
        sa.Column("face_search", sa.Boolean(), server_default=sa.false()),
        if_not_exists=True,
    )
    op.create_table(
        "resident",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("id_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("masked_id", sa.String(18), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("quarantine_until", sa.DateTime()),
        sa.Column("last_test_at", sa.DateTime()),
        sa.Column("last_test_result", sa.String(16)),
        sa.Column("risk_area_level", sa.String(16)),
        sa.Column("risk_area_visit_at", sa.DateTime()),
        sa.Column("vaccine_doses", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        if_not_exists=True,
    )
    op.create_table(
        "check_record",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("checked_at", sa.DateTime(), nullable=False),
        sa.Column("validation_at", sa.DateTime(), nullable=False),
        sa.Column("venue", sa.String(64), nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("reason_codes", sa.String(400), nullable=False),
        sa.Column("masked_id", sa.String(18), nullable=False),
        sa.Column("id_hash", sa.String(64), nullable=False),
        *[column for table, column in added_columns() if table == "check_record"],
        if_not_exists=True,
    )
    op.create_index("ix_check_record_id_hash", "check_record", ["id_hash"], if_not_exists=True)
    op.create_index("ix_check_record_checked_at", "check_record", ["checked_at"], if_not_exists=True)
    op.create_table(
        "pass_record",
        sa.Column("pass_id", sa.String(16), primary_key=True),
        sa.Column("id_hash", sa.String(64), nullable=False),
        sa.Column("masked_id", sa.String(18), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("revoked_at", sa.DateTime()),
        if_not_exists=True,
    )
    op.create_index("ix_pass_record_id_hash", "pass_record", ["id_hash"], if_not_exists=True)
    op.create_table(
        "face_enrolment",
        sa.Column("resident_id", sa.Integer(), sa.ForeignKey("resident.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("matcher", sa.String(16), nullable=False),
        sa.Column("encoding", sa.LargeBinary(), nullable=False),
        sa.Column("consented_at", sa.DateTime(), nullable=False),
        sa.Column("consent_by", sa.String(100), nullable=False),
        sa.Column("photo", sa.LargeBinary()),
        if_not_exists=True,
    )
    op.create_table(
        "face_gallery_version",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
        if_not_exists=True,
    )
    op.create_table(
        "kiosk",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("venue", sa.String(64), sa.ForeignKey("venue.slug"), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime()),
        sa.Column("last_seen_at", sa.DateTime()),
        sa.Column("demo", sa.Boolean(), nullable=False),
        if_not_exists=True,
    )
    op.create_table(
        "staff_alert",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("kiosk", sa.String(64)),
        sa.Column("venue", sa.String(64)),
        sa.Column("resolved_at", sa.DateTime()),
        if_not_exists=True,
    )
    op.create_index("ix_staff_alert_raised_at", "staff_alert", ["raised_at"], if_not_exists=True)
    present = sa.inspect(op.get_bind())
    for table, column in added_columns():
        if column.name not in {c["name"] for c in present.get_columns(table)}:
            op.add_column(table, column)


def downgrade() -> None:
    raise NotImplementedError("the first schema has nothing before it to go back to")
