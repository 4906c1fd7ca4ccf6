"""The audit record: determinations, API keys and web users, in any SQLAlchemy database (SQLite or PostgreSQL).

API keys and passwords are kept only as hashes. Request contents are kept only when the Store has a contents key,
and then encrypted (AES-GCM); otherwise a determination keeps just the sha256 of its input. Nothing here logs
request contents or outputs."""
import base64
import functools
import hashlib
import hmac
import os
import re
import secrets
import uuid
from datetime import datetime, timezone
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import (JSON, Column, DateTime, Index, LargeBinary, MetaData, String, Table, Text, create_engine,
                        event, insert, select, update)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VIEWS = ("precheck", "draft", "review")
KEY_PREFIX_LEN = 13  # "mtus_" + 8 token characters: the part of a key that may be shown and stored in clear
SQLITE_BUSY_TIMEOUT_MS = 10_000
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}  # 16 MiB, tens of milliseconds per check
_NONCE_LEN = 12
_ID = re.compile(r"[0-9a-f]{32}")

metadata = MetaData()

# The migrations (migrations/versions/) create exactly these tables; change both together.
determinations = Table(
    "determinations", metadata,
    Column("id", String(32), primary_key=True),
    Column("caller", String(200), nullable=False),
    Column("view", String(16), nullable=False),
    Column("input_sha256", String(64), nullable=False),
    Column("edition", String(200), nullable=False),
    Column("library_version", String(100), nullable=False),
    Column("library_hash", String(128), nullable=False),
    Column("trace", JSON, nullable=False),
    Column("outputs", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("contents", LargeBinary, nullable=True),  # nonce + AES-GCM ciphertext, or NULL
    Index("ix_determinations_caller_created_at", "caller", "created_at"),
)

api_keys = Table(
    "api_keys", metadata,
    Column("key_sha256", String(64), primary_key=True),
    Column("prefix", String(KEY_PREFIX_LEN), nullable=False, index=True),
    Column("caller", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)

users = Table(
    "users", metadata,
    Column("name", String(200), primary_key=True),
    Column("password_hash", Text, nullable=False),  # scrypt$n$r$p$salt$hash (salt and hash urlsafe base64)
    Column("created_at", DateTime(timezone=True), nullable=False),
)


class ContentsKeyError(Exception):
    """Stored request contents cannot be decrypted: this Store has no contents key, or a different one."""


def key_prefix(key: str) -> str:
    """The part of an API key that identifies it in listings and revocation without revealing it."""
    return key[:KEY_PREFIX_LEN]


def _now():
    return datetime.now(timezone.utc)


def _utc(value):
    # SQLite gives back naive datetimes (stored as UTC); PostgreSQL gives aware ones in the session's time zone.
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _aes_key(contents_key):
    if contents_key is None:
        return None
    if isinstance(contents_key, str):
        contents_key = contents_key.encode("ascii")
    if len(contents_key) == 32:
        return bytes(contents_key)
    try:  # the urlsafe-base64 form (a Fernet key): 44 characters for 32 bytes
        raw = base64.urlsafe_b64decode(contents_key)
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise ValueError("contents_key must be 32 raw bytes or their urlsafe-base64 form")
    return raw


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8", "surrogatepass"), salt=salt, n=n, r=r, p=p, dklen=32, maxmem=64 * 1024 * 1024)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii")


def _hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = _scrypt(password, salt, **_SCRYPT)
    return "scrypt${n}${r}${p}$".format(**_SCRYPT) + f"{_b64(salt)}${_b64(digest)}"


@functools.cache
def _dummy_hash():
    """Checked against when the user is unknown, so that an unknown name costs as long as a wrong password."""
    return _hash_password(secrets.token_urlsafe(16))


def _password_matches(password: str, stored: str) -> bool:
    scheme, n, r, p, salt, digest = stored.split("$")
    if scheme != "scrypt":
        return False
    computed = _scrypt(password, base64.urlsafe_b64decode(salt), int(n), int(r), int(p))
    return hmac.compare_digest(computed, base64.urlsafe_b64decode(digest))


def _storable(value):
    """Whether a database can hold this string: a lone surrogate or (in PostgreSQL) a NUL cannot. Such a string,
    from a header or a form, then matches nothing instead of failing."""
    if not isinstance(value, str) or "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _text_arg(name, value):
    if not _storable(value) or not value:
        raise ValueError(f"{name} must be a non-empty string")
    return value


class Store:
    """The service's database: one engine per Store."""

    def __init__(self, url: str = "sqlite:///mtus-checker.db", contents_key: bytes | None = None):
        """Connect to `url` (any SQLAlchemy URL). With `contents_key`, request contents are kept, encrypted."""
        self.engine = create_engine(url, pool_pre_ping=True)
        key = _aes_key(contents_key)
        self._aead = AESGCM(key) if key is not None else None
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)

    def close(self) -> None:
        """Close the engine's pooled connections."""
        self.engine.dispose()

    def migrate(self) -> None:
        """Bring the database to the latest schema (alembic upgrade head); harmless when already there."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    # API keys

    def create_api_key(self, caller: str) -> str:
        """A new API key for `caller`: its plaintext is returned here, once, and stored only as a hash."""
        _text_arg("caller", caller)
        key = "mtus_" + secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            conn.execute(insert(api_keys).values(key_sha256=_sha256(key.encode()), prefix=key_prefix(key),
                                                 caller=caller, created_at=_now()))
        return key

    def _active_key(self, conn, key):
        """The active api_keys row for the full key `key`, or None (the hash compared in constant time)."""
        if not _storable(key):
            return None
        # Any string is looked up, even one that is not a key: the query then tells whether the database answers.
        digest = _sha256(key.encode())
        rows = conn.execute(select(api_keys).where(api_keys.c.prefix == key_prefix(key),
                                                   api_keys.c.revoked_at.is_(None))).all()
        return next((row for row in rows if hmac.compare_digest(row.key_sha256, digest)), None)

    def caller_for_key(self, key: str) -> str | None:
        """The caller an active API key belongs to; None for an unknown or revoked key."""
        with self.engine.connect() as conn:
            row = self._active_key(conn, key)
        return row.caller if row else None

    def revoke_api_key(self, key_or_prefix: str) -> bool:
        """Revoke a key, given in full or by its prefix (key_prefix()); False when no single active key matches."""
        if not _storable(key_or_prefix):
            return False
        with self.engine.begin() as conn:
            if len(key_or_prefix) > KEY_PREFIX_LEN:
                row = self._active_key(conn, key_or_prefix)
                hashes = [row.key_sha256] if row else []
            else:
                hashes = conn.execute(select(api_keys.c.key_sha256).where(
                    api_keys.c.prefix == key_or_prefix, api_keys.c.revoked_at.is_(None))).scalars().all()
            if len(hashes) != 1:  # unknown, or (astronomically unlikely) a prefix shared by two keys
                return False
            conn.execute(update(api_keys).where(api_keys.c.key_sha256 == hashes[0]).values(revoked_at=_now()))
        return True

    # Users of the web page

    def add_user(self, name: str, password: str) -> None:
        """Add a user, or give an existing one a new password (kept as a salted scrypt hash)."""
        _text_arg("name", name)
        if not isinstance(password, str) or not password:
            raise ValueError("password must be a non-empty string")
        hashed = _hash_password(password)
        with self.engine.begin() as conn:
            changed = conn.execute(update(users).where(users.c.name == name).values(password_hash=hashed)).rowcount
            if not changed:
                conn.execute(insert(users).values(name=name, password_hash=hashed, created_at=_now()))

    def check_user(self, name: str, password: str) -> bool:
        """Whether `password` is this user's password (False for an unknown user, after the same work)."""
        if not isinstance(password, str):
            return False
        stored = None
        if _storable(name):
            with self.engine.connect() as conn:
                stored = conn.execute(select(users.c.password_hash).where(users.c.name == name)).scalar()
        matches = _password_matches(password, stored or _dummy_hash())
        return matches and stored is not None

    # Determinations

    def record(self, *, caller: str, view: str, input_bytes: bytes, edition: str, library_version: str,
               library_hash: str, trace: dict | list, outputs: dict[str, str],
               request_contents: bytes | None = None) -> str:
        """Store one determination and return its id (random). Request contents are kept only when this Store
        has a contents key, encrypted; otherwise only the sha256 of `input_bytes` identifies the input."""
        _text_arg("caller", caller)
        if view not in VIEWS:
            raise ValueError(f"view must be one of {', '.join(VIEWS)}")
        if not isinstance(input_bytes, bytes):
            raise TypeError("input_bytes must be bytes")
        if not isinstance(trace, (dict, list)):
            raise TypeError("trace must be a dict or a list")
        if not isinstance(outputs, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                    for k, v in outputs.items()):
            raise TypeError("outputs must map format names to text")
        record_id = uuid.uuid4().hex
        sealed = None
        if self._aead is not None and request_contents is not None:
            nonce = os.urandom(_NONCE_LEN)
            # the id as associated data: a ciphertext copied into another row does not decrypt
            sealed = nonce + self._aead.encrypt(nonce, bytes(request_contents), record_id.encode())
        with self.engine.begin() as conn:
            conn.execute(insert(determinations).values(
                id=record_id, caller=caller, view=view, input_sha256=_sha256(input_bytes), edition=edition,
                library_version=library_version, library_hash=library_hash, trace=trace, outputs=outputs,
                created_at=_now(), contents=sealed))
        return record_id

    def _row(self, record_id, caller):
        if not isinstance(record_id, str) or not _ID.fullmatch(record_id) or not _storable(caller):
            return None
        with self.engine.connect() as conn:
            return conn.execute(select(determinations).where(determinations.c.id == record_id,
                                                             determinations.c.caller == caller)).first()

    def get(self, record_id: str, caller: str) -> dict | None:
        """The determination as a JSON-able dict, only for the caller who made it; None otherwise."""
        row = self._row(record_id, caller)
        if row is None:
            return None
        return {
            "id": row.id, "input_sha256": row.input_sha256, "caller": row.caller, "view": row.view,
            "edition": row.edition, "library_version": row.library_version, "library_hash": row.library_hash,
            "trace": row.trace, "outputs": row.outputs, "created_at": _utc(row.created_at).isoformat(),
            "has_contents": row.contents is not None,
        }

    def contents(self, record_id: str, caller: str) -> bytes | None:
        """The decrypted request contents of the caller's determination; None when none were kept."""
        row = self._row(record_id, caller)
        if row is None or row.contents is None:
            return None
        if self._aead is None:
            raise ContentsKeyError("request contents are stored encrypted and this Store has no contents key")
        sealed = bytes(row.contents)
        try:
            return self._aead.decrypt(sealed[:_NONCE_LEN], sealed[_NONCE_LEN:], row.id.encode())
        except Exception as exc:  # cryptography's InvalidTag: a different key, or altered data
            raise ContentsKeyError("request contents do not decrypt with this Store's contents key") from exc


def _sqlite_pragmas(dbapi_connection, _record):
    # Several processes (server workers, the command line) may share one file: WAL lets readers run beside a
    # writer, and the busy timeout makes a writer wait for the lock instead of failing at once.
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()
