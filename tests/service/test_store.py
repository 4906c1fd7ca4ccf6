"""The audit record on SQLite: keys and passwords kept only as hashes, determinations visible to their caller only,
request contents kept encrypted and only with a contents key, and the migration creating exactly the tables the
code uses."""
import hashlib
import json
import multiprocessing
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from cryptography.fernet import Fernet

from checker.service.store import KEY_PREFIX_LEN, ContentsKeyError, Store, key_prefix, metadata

KEY = bytes(range(32))
CONTENTS = b"patient: Quentin Zebulon Sample\nclaim: ZZ-998877\ndiagnosis: lumbar strain\n"
TRACE = [{"criterion": "mtus-2009/lbp-1", "result": "met", "evidence": ["x"]}]
OUTPUTS = {"json": '{"decision": "upheld"}', "text": "Upheld"}


def _record(store, caller="clinic-a", contents=None):
    return store.record(caller=caller, view="review", input_bytes=b"request_id: r1\n", edition="mtus-2009",
                        library_version="0.1.0", library_hash="ab" * 32, trace=TRACE, outputs=OUTPUTS,
                        request_contents=contents)


@pytest.fixture
def db(tmp_path):
    return tmp_path / "audit.db"


@pytest.fixture
def store(db):
    store = Store(f"sqlite:///{db}")
    store.migrate()
    yield store
    store.close()


def _file_bytes(db):
    """Everything SQLite wrote for this database: the file, and its write-ahead log when one is left."""
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))


def test_migrate_creates_exactly_the_tables_the_code_uses_and_is_idempotent(db):
    store = Store(f"sqlite:///{db}")
    store.migrate()
    store.migrate()
    with store.engine.connect() as conn:
        assert set(sa.inspect(conn).get_table_names()) == {"determinations", "api_keys", "users", "alembic_version"}
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all() == ["0001"]
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0
    store.close()


def test_api_keys_are_kept_hashed_and_can_be_revoked(store, db):
    key = store.create_api_key("clinic-a")
    other = store.create_api_key("clinic-b")
    assert key.startswith("mtus_") and len(key) > 40
    assert store.caller_for_key(key) == "clinic-a" and store.caller_for_key(other) == "clinic-b"
    for unknown in ("", "mtus_", key_prefix(key), key[:-1] + ("A" if key[-1] != "A" else "B"), key + "x", "mtus_\udcff", None):
        assert store.caller_for_key(unknown) is None
    store.close()
    data = _file_bytes(db)
    assert hashlib.sha256(key.encode()).hexdigest().encode() in data  # the check reads the right bytes
    assert key.encode() not in data and key[KEY_PREFIX_LEN:].encode() not in data

    assert store.revoke_api_key(key) is True
    assert store.caller_for_key(key) is None and store.revoke_api_key(key) is False
    assert store.revoke_api_key(key_prefix(other)) is True and store.caller_for_key(other) is None
    assert store.revoke_api_key("mtus_unknown") is False


def test_user_passwords_are_checked_and_kept_hashed(store, db):
    store.add_user("reviewer", "correct horse battery")
    assert store.check_user("reviewer", "correct horse battery")
    assert not store.check_user("reviewer", "correct horse batterY")
    assert not store.check_user("nobody", "correct horse battery")
    store.add_user("reviewer", "a new password")  # an existing user gets a new password
    assert store.check_user("reviewer", "a new password") and not store.check_user("reviewer", "correct horse battery")
    with pytest.raises(ValueError):
        store.add_user("someone", "")
    store.close()
    data = _file_bytes(db)
    assert b"reviewer" in data and b"a new password" not in data


def test_record_and_get_round_trip_for_its_caller_only(store):
    record_id = _record(store)
    again = _record(store)
    assert len(record_id) == 32 and record_id != again  # random, not derived from the input
    got = store.get(record_id, "clinic-a")
    json.dumps(got)
    created = datetime.fromisoformat(got.pop("created_at"))
    assert created.utcoffset() == timedelta(0) and abs(datetime.now(created.tzinfo) - created) < timedelta(minutes=1)
    assert got == {
        "id": record_id, "caller": "clinic-a", "view": "review",
        "input_sha256": hashlib.sha256(b"request_id: r1\n").hexdigest(),
        "edition": "mtus-2009", "library_version": "0.1.0", "library_hash": "ab" * 32,
        "trace": TRACE, "outputs": OUTPUTS, "has_contents": False,
    }
    assert store.get(record_id, "clinic-b") is None  # not told apart from a missing record
    assert store.get("0" * 32, "clinic-a") is None and store.get("../etc", "clinic-a") is None
    with pytest.raises(ValueError):
        store.record(caller="clinic-a", view="approve", input_bytes=b"", edition="e", library_version="v",
                     library_hash="h", trace=[], outputs={})


def test_contents_are_not_kept_without_a_key(store, db):
    record_id = _record(store, contents=CONTENTS)
    assert store.get(record_id, "clinic-a")["has_contents"] is False
    assert store.contents(record_id, "clinic-a") is None
    store.close()
    assert b"Zebulon" not in _file_bytes(db)


@pytest.mark.parametrize("key", [KEY, Fernet.generate_key()], ids=["raw", "base64"])
def test_contents_are_kept_encrypted_with_a_key(db, key):
    store = Store(f"sqlite:///{db}", contents_key=key)
    store.migrate()
    record_id = _record(store, contents=CONTENTS)
    without = _record(store)
    assert store.get(record_id, "clinic-a")["has_contents"] is True
    assert store.get(without, "clinic-a")["has_contents"] is False and store.contents(without, "clinic-a") is None
    assert store.contents(record_id, "clinic-a") == CONTENTS
    assert store.contents(record_id, "clinic-b") is None
    store.close()
    data = _file_bytes(db)
    assert b"clinic-a" in data and b"Zebulon" not in data and b"ZZ-998877" not in data

    for wrong in (Store(f"sqlite:///{db}"), Store(f"sqlite:///{db}", contents_key=b"\x01" * 32)):
        with pytest.raises(ContentsKeyError):
            wrong.contents(record_id, "clinic-a")
        wrong.close()


def test_a_contents_key_must_be_32_bytes(db):
    with pytest.raises(ValueError):
        Store(f"sqlite:///{db}", contents_key=b"short")


def _migrate_and_record(url):
    store = Store(url)
    store.migrate()
    for _ in range(10):
        store.record(caller="p", view="draft", input_bytes=b"x", edition="e", library_version="v", library_hash="h",
                     trace={}, outputs={})
    store.close()


def test_several_processes_migrate_and_record_at_once(db):
    """Server workers start together: the migration runs once under a lock, and writers wait for each other."""
    fork = multiprocessing.get_context("fork")  # the children share the imported modules: fast
    procs = [fork.Process(target=_migrate_and_record, args=(f"sqlite:///{db}",)) for _ in range(4)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=60)
        proc.kill()  # (a no-op unless it hung)
    assert [proc.exitcode for proc in procs] == [0] * 4
    store = Store(f"sqlite:///{db}")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM determinations").scalar() == 40
    store.close()
