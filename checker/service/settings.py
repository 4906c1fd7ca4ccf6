"""The service's settings, read once from the environment (so that every uvicorn worker process gets the same)."""
import os
from dataclasses import dataclass

PREFIX = "MTUS_SERVICE_"


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///mtus-checker.db"
    contents_key: str | None = None  # set: request contents are stored, encrypted at rest; unset: only their hash
    session_secret: str | None = None  # signs the web page's session cookie; the same for every worker
    rules_dir: str | None = None  # None: the bundled library
    profile: str | None = None  # the UR organisation's profile (YAML) that fills in the draft letter
    max_body_bytes: int = 1 << 20  # a request's own limit (the input gate's)
    rate_per_second: float = 200.0  # per caller, per worker process
    rate_burst: int = 400
    allow_anonymous: bool = False  # local trials only: no API key or sign-in asked

    @classmethod
    def from_env(cls, environ=os.environ):
        """Settings from MTUS_SERVICE_* variables (unset ones keep their defaults)."""
        values = {}
        for name, field in cls.__dataclass_fields__.items():
            raw = environ.get(PREFIX + name.upper())
            if raw is None:
                continue
            kind = type(field.default) if field.default is not None else str
            values[name] = raw.lower() in ("1", "true", "yes") if kind is bool else kind(raw)
        return cls(**values)

    def to_env(self):
        """The MTUS_SERVICE_* variables that give these settings (for worker processes)."""
        return {PREFIX + name.upper(): str(value) for name, value in self.__dict__.items() if value is not None}
