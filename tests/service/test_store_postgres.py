"""The audit record on a real PostgreSQL (MTUS_TEST_POSTGRES_URL, e.g. from `eval "$(.ci/postgres.sh)"`): migration,
API keys, and the record/get round trip. Each test works in a schema of its own, dropped afterwards. Skipped when
the URL is unset, unless MTUS_REQUIRE_POSTGRES=1 (CI), which makes a missing URL a failure."""
import hashlib
import multiprocessing
import os
import uuid
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from checker.service.store import Store, key_prefix, metadata

CONTENTS = b"patient: Quentin Zebulon Sample\nclaim: ZZ-998877\n"
TRACE = {"criteria": [{"id": "mtus-2009/lbp-1", "result": "met"}]}
OUTPUTS = {"json": '{"decision": "upheld"}'}


@pytest.fixture
def pg_url():
    """The test server's URL with a fresh schema first on the search path (and a session time zone away from UTC)."""
    url = os.environ.get("MTUS_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("MTUS_REQUIRE_POSTGRES") == "1":
            pytest.fail("MTUS_REQUIRE_POSTGRES=1 but MTUS_TEST_POSTGRES_URL is unset (see .ci/postgres.sh)")
        pytest.skip("MTUS_TEST_POSTGRES_URL is unset")
    schema = f"mtus_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    options = f"-c search_path={schema} -c TimeZone=America/Los_Angeles"
    try:
        yield sa.make_url(url).update_query_dict({"options": options}).render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def store(pg_url):
    store = Store(pg_url, contents_key=bytes(range(32)))
    store.migrate()
    yield store
    store.close()


def test_migrate_creates_exactly_the_tables_the_code_uses_and_is_idempotent(store):
    store.migrate()
    with store.engine.connect() as conn:
        assert set(sa.inspect(conn).get_table_names()) == {"determinations", "api_keys", "users", "alembic_version"}
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []


def test_api_key_round_trip(store):
    key = store.create_api_key("clinic-a")
    assert store.caller_for_key(key) == "clinic-a" and store.caller_for_key(key[:-1] + "!") is None
    with store.engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT key_sha256, prefix FROM api_keys")).one()
    assert tuple(stored) == (hashlib.sha256(key.encode()).hexdigest(), key_prefix(key))
    assert store.revoke_api_key(key_prefix(key)) and store.caller_for_key(key) is None
    store.add_user("reviewer", "pw one")
    assert store.check_user("reviewer", "pw one") and not store.check_user("reviewer", "pw two")
    # text PostgreSQL cannot hold (a header or form may carry it) matches nothing instead of failing
    assert store.caller_for_key("mtus_\x00" + key[6:]) is None and not store.check_user("re\x00viewer", "pw one")
    assert store.get("\x00" * 32, "clinic-a") is None and store.revoke_api_key("mtus_\x00") is False


def test_record_and_get_round_trip(store):
    record_id = store.record(caller="clinic-a", view="precheck", input_bytes=b"request", edition="mtus-2009",
                             library_version="0.1.0", library_hash="cd" * 32, trace=TRACE, outputs=OUTPUTS,
                             request_contents=CONTENTS)
    got = store.get(record_id, "clinic-a")
    created = datetime.fromisoformat(got.pop("created_at"))
    assert created.utcoffset() == timedelta(0) and abs(datetime.now(created.tzinfo) - created) < timedelta(minutes=1)
    assert got == {"id": record_id, "input_sha256": hashlib.sha256(b"request").hexdigest(), "caller": "clinic-a",
                   "view": "precheck", "edition": "mtus-2009", "library_version": "0.1.0", "library_hash": "cd" * 32,
                   "trace": TRACE, "outputs": OUTPUTS, "has_contents": True}
    assert store.contents(record_id, "clinic-a") == CONTENTS
    assert store.get(record_id, "clinic-b") is None and store.contents(record_id, "clinic-b") is None
    with store.engine.connect() as conn:
        sealed = conn.execute(sa.text("SELECT contents FROM determinations")).scalar()
    assert b"Zebulon" not in bytes(sealed)


def _migrate(url):
    Store(url).migrate()


def test_several_processes_migrate_at_once(pg_url):
    fork = multiprocessing.get_context("fork")
    procs = [fork.Process(target=_migrate, args=(pg_url,)) for _ in range(3)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=60)
        proc.kill()  # (a no-op unless it hung)
    assert [proc.exitcode for proc in procs] == [0] * 3
