"""The audit record: determinations, api_keys, users.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "determinations",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("caller", sa.String(200), nullable=False),
        sa.Column("view", sa.String(16), nullable=False),
        sa.Column("input_sha256", sa.String(64), nullable=False),
        sa.Column("edition", sa.String(200), nullable=False),
        sa.Column("library_version", sa.String(100), nullable=False),
        sa.Column("library_hash", sa.String(128), nullable=False),
        sa.Column("trace", sa.JSON, nullable=False),
        sa.Column("outputs", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("contents", sa.LargeBinary, nullable=True),
    )
    op.create_index("ix_determinations_caller_created_at", "determinations", ["caller", "created_at"])
    op.create_table(
        "api_keys",
        sa.Column("key_sha256", sa.String(64), primary_key=True),
        sa.Column("prefix", sa.String(13), nullable=False),
        sa.Column("caller", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_api_keys_prefix", "api_keys", ["prefix"])
    op.create_table(
        "users",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade():
    op.drop_table("users")
    op.drop_index("ix_api_keys_prefix", table_name="api_keys")
    op.drop_table("api_keys")
    op.drop_index("ix_determinations_caller_created_at", table_name="determinations")
    op.drop_table("determinations")
