"""serve: the HTTP service (API, web page, audit record), and its API keys and users."""
import os
import secrets
import sys
from pathlib import Path

import click

from .common import emit, out_option, rules_option


def _store(database_url):
    from ..service.store import Store
    store = Store(database_url)
    store.migrate()
    return store


_DB = click.option("--database-url", default=lambda: os.environ.get("MTUS_SERVICE_DATABASE_URL",
                                                                    "sqlite:///mtus-checker.db"),
                   show_default="sqlite:///mtus-checker.db, or MTUS_SERVICE_DATABASE_URL",
                   help="Where the audit record, API keys and users live (SQLAlchemy URL; PostgreSQL: "
                        "postgresql+psycopg://user@host/db).")


@click.group(invoke_without_command=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Worker processes; each compiles the rule library once at start.")
@_DB
@rules_option
@click.option("--demo", is_flag=True, help="Create a user 'demo' with a new random password and an API key, "
                                           "and print both (for a first try on this machine).")
@click.option("--allow-anonymous", is_flag=True, help="Answer without an API key or sign-in (local trials only).")
@click.option("--profile", "profile_file", type=click.Path(dir_okay=False, exists=True), default=None,
              help="The UR organisation's profile (YAML) that fills in /v1/draft letters.")
@click.pass_context
def serve(ctx, host, port, workers, database_url, rules_dir, demo, allow_anonymous, profile_file):
    """Run the service: POST /v1/precheck, /v1/draft and /v1/review, the pre-submission page at /, the audit
    record at /v1/determinations/ID. Settings also come from MTUS_SERVICE_* variables (see README)."""
    if ctx.invoked_subcommand is not None:
        return
    import uvicorn

    from ..service.logs import config
    from ..service.settings import Settings
    store = _store(database_url)
    if demo:
        password = secrets.token_urlsafe(12)
        store.add_user("demo", password)
        click.echo(f"demo sign-in: user demo, password {password}", err=True)
        click.echo(f"demo API key: {store.create_api_key('demo')}", err=True)
    settings = Settings.from_env()
    if profile_file:
        from ..request.profile import load_profile
        load_profile(profile_file)  # a bad profile: one line and exit 2 here, not in every worker
    overrides = {"database_url": database_url, "rules_dir": rules_dir or settings.rules_dir,
                 "profile": str(Path(profile_file).resolve()) if profile_file else settings.profile,
                 "allow_anonymous": allow_anonymous or settings.allow_anonymous,
                 # every worker must sign and check the same session cookies
                 "session_secret": settings.session_secret or secrets.token_hex(32)}
    settings = Settings(**{**settings.__dict__, **overrides})
    os.environ.update(settings.to_env())
    click.echo(f"serving on http://{host}:{port}/ with {workers} worker(s)", err=True)
    uvicorn.run("checker.service.app:app_from_env", factory=True, host=host, port=port, workers=workers,
                log_config=config(), access_log=False, server_header=False)


@serve.group()
def keys():
    """API keys (stored hashed: a key is shown once, when it is made)."""


@keys.command("create")
@click.argument("caller")
@_DB
def keys_create(caller, database_url):
    """Make an API key for CALLER and print it."""
    click.echo(_store(database_url).create_api_key(caller))


@keys.command("revoke")
@click.argument("key")
@_DB
def keys_revoke(key, database_url):
    """Revoke KEY (exit 2 when no such key)."""
    if not _store(database_url).revoke_api_key(key):
        click.echo("error: no such API key", err=True)
        sys.exit(2)
    click.echo("revoked", err=True)


@serve.group()
def users():
    """Users who may sign in to the web page."""


@users.command("add")
@click.argument("name")
@click.password_option(help="The password (asked for when not given; MTUS_SERVICE_PASSWORD also works).",
                       envvar="MTUS_SERVICE_PASSWORD")
@_DB
def users_add(name, password, database_url):
    """Add (or reset) the user NAME."""
    _store(database_url).add_user(name, password)
    click.echo(f"user {name} can sign in", err=True)


@serve.command("openapi")
@out_option()
def openapi(out_path):
    """Print the service's OpenAPI document (checked in as checker/service/openapi.json)."""
    emit(out_path, openapi_text(), "OpenAPI document")


def openapi_text():
    """The OpenAPI document as committed: sorted keys, two-space indent."""
    import json

    from ..service.app import create_app
    from ..service.settings import Settings
    from ..service.store import Store
    app = create_app(Settings(allow_anonymous=True), store=Store("sqlite://"))  # routes only: no file written
    return json.dumps(app.openapi(), indent=2, sort_keys=True) + "\n"
