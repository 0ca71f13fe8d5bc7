"""The staff console: staff accounts, the help queue (which takes over the old staff alerts), the audit log, each
resident's history, browser imports, who asked for a pass or a face enrolment, and private listening per venue.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "help_request",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("kiosk", sa.String(64)),
        sa.Column("venue", sa.String(64)),
        sa.Column("screen", sa.String(32)),
        sa.Column("check_id", sa.Integer()),
        sa.Column("masked_id", sa.String(18)),
        sa.Column("masked_name", sa.String(200)),
        sa.Column("reason_codes", sa.String(400), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("coming_at", sa.DateTime()),
        sa.Column("coming_by", sa.String(64)),
        sa.Column("done_at", sa.DateTime()),
        sa.Column("done_by", sa.String(64)),
    )
    op.create_index("ix_help_request_raised_at", "help_request", ["raised_at"])
    op.create_index("ix_help_request_state", "help_request", ["state"])
    # The alerts raised so far become help requests: still waiting unless they were resolved.
    op.execute(
        "INSERT INTO help_request (raised_at, kind, kiosk, venue, reason_codes, state, done_at) "
        "SELECT raised_at, kind, kiosk, venue, '', "
        "CASE WHEN resolved_at IS NULL THEN 'waiting' ELSE 'done' END, resolved_at FROM staff_alert"
    )
    op.drop_index("ix_staff_alert_raised_at", "staff_alert")
    op.drop_table("staff_alert")
    op.create_table(
        "staff_account",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("disabled_at", sa.DateTime()),
        sa.Column("last_login_at", sa.DateTime()),
        sa.Column("demo", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("masked_id", sa.String(18)),
        sa.Column("detail", sa.String(400), nullable=False),
    )
    op.create_index("ix_audit_entry_at", "audit_entry", ["at"])
    # Append-only, kept by the database itself: no server (and no mistaken script) can change or remove an entry.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry "
            "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()"
        )
    else:
        for event in ("update", "delete"):
            op.execute(
                f"CREATE TRIGGER audit_entry_no_{event} BEFORE {event.upper()} ON audit_entry "
                "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            )
    op.create_table(
        "resident_change",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("field", sa.String(32), nullable=False),
        sa.Column("old", sa.String(200)),
        sa.Column("new", sa.String(200)),
    )
    op.create_index("ix_resident_change_resident_id", "resident_change", ["resident_id"])
    op.create_table(
        "import_job",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("started_by", sa.String(64), nullable=False),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("outcome", sa.String(16)),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("problems", sa.Text()),
        sa.Column("unlisted", sa.Integer(), nullable=False),
    )
    # Added in place (SQLite's ALTER TABLE ADD COLUMN): no table is copied, so the pass index stays as it is.
    op.add_column("pass_record", sa.Column("requested_by", sa.String(100)))
    op.add_column("pass_record", sa.Column("relation", sa.String(32)))
    op.add_column("pass_record", sa.Column("issued_by", sa.String(64)))
    op.add_column("face_enrolment", sa.Column("requested_by", sa.String(100)))
    op.add_column("venue", sa.Column("private_listening", sa.Boolean()))


def downgrade() -> None:
    raise NotImplementedError("the staff console's tables hold the audit log: they are not taken back")
