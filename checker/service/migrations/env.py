"""Alembic environment of the audit record. Store.migrate() runs it from code (no alembic.ini) and hands it an
open connection in config.attributes["connection"]; without one it connects to the sqlalchemy.url option."""
from alembic import context
from sqlalchemy import create_engine, text

from checker.service.store import metadata

# Any constant: the key of the PostgreSQL advisory lock that serializes concurrent migrations.
_PG_LOCK_KEY = 0x6D747573


def _serialize(connection):
    """Hold a database-wide lock until the migration's transaction ends, so that several processes starting at
    once (server workers) migrate one after another instead of racing to create the same tables."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    elif connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")  # takes the write lock now; the DDL then runs inside it


def _run(connection):
    context.configure(connection=connection, target_metadata=metadata)
    _serialize(connection)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    context.configure(url=context.config.get_main_option("sqlalchemy.url"), target_metadata=metadata,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
elif (given := context.config.attributes.get("connection")) is not None:
    _run(given)  # the caller's transaction commits
else:
    with create_engine(context.config.get_main_option("sqlalchemy.url")).begin() as connection:
        _run(connection)
