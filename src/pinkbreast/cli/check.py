"""``pinkbreast check-config``: is this environment ready to serve in production?

Every check prints one line, ``ok``, ``warning`` or ``error``, naming the variable or resource and
saying what is wrong and what to do. The command exits 1 when any check is an error, else 0.
It reads the environment as it is: nothing is migrated or trained; the only writes are the
instance folder (created when missing, as the app would) and a probe file in it, removed at once.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import click
import sqlalchemy as sa

from pinkbreast.config import MIN_FREE_BYTES as NEEDED_FREE_BYTES
from pinkbreast.config import ConfigError, Settings, load_settings

MIN_SECRET_LENGTH = 32
MIN_FREE_BYTES = 100 * 1024 * 1024
CONNECT_TIMEOUT = 5  # seconds, database and MLflow server


@dataclass(frozen=True)
class Finding:
    level: str  # "ok" | "warning" | "error"
    subject: str  # the variable or resource concerned
    message: str

    def line(self) -> str:
        return f"{self.level:<7} {self.subject}: {self.message}"


def ok(subject: str, message: str) -> Finding:
    return Finding("ok", subject, message)


def warning(subject: str, message: str) -> Finding:
    return Finding("warning", subject, message)


def error(subject: str, message: str) -> Finding:
    return Finding("error", subject, message)


def parsed_settings(environ: Mapping[str, str]) -> Settings | ConfigError:
    """The settings as the app would read them (:func:`pinkbreast.config.load_settings`, the
    one parser), or its error; production's own demands are checked separately here."""
    try:
        return load_settings({**environ, "PINKBREAST_ENV": "development", "SECRET_KEY": "x"})
    except ConfigError as exc:
        return exc


def check_environment(
    environ: Mapping[str, str], settings: Settings | ConfigError
) -> Iterator[Finding]:
    """Production mode, the secret, and every setting parsing."""
    env = environ.get("PINKBREAST_ENV", "development").strip().lower()
    if env != "production":
        yield error("PINKBREAST_ENV", f"is {env!r}; a production server needs 'production'.")
    else:
        yield ok("PINKBREAST_ENV", "production.")
    secret = environ.get("SECRET_KEY", "")
    if not secret:
        yield error("SECRET_KEY", "missing; set a random value, e.g. `openssl rand -hex 32`.")
    elif len(secret) < MIN_SECRET_LENGTH:
        yield error(
            "SECRET_KEY",
            f"only {len(secret)} characters; use at least {MIN_SECRET_LENGTH} random ones.",
        )
    else:
        yield ok("SECRET_KEY", f"set ({len(secret)} characters).")
    if isinstance(settings, ConfigError):
        yield error("settings", str(settings))


def check_proxy(environ: Mapping[str, str], settings: Settings) -> Iterator[Finding]:
    hops = settings.trust_proxy
    if hops == 0:
        yield warning(
            "PINKBREAST_TRUST_PROXY",
            "0: right only if clients reach gunicorn directly; behind a TLS-terminating proxy "
            "set 1, or cookies lose Secure and throttling sees the proxy's address.",
        )
    elif hops > 2:
        yield warning(
            "PINKBREAST_TRUST_PROXY",
            f"{hops} proxies trusted; if fewer sit in front, clients can forge their address.",
        )
    else:
        yield ok("PINKBREAST_TRUST_PROXY", f"{hops} proxy hop(s) trusted.")
    if environ.get("FORWARDED_ALLOW_IPS", "").strip() == "*" and hops == 0:
        yield warning(
            "FORWARDED_ALLOW_IPS", "'*' with no trusted proxy: any client can claim HTTPS."
        )


def check_workers(environ: Mapping[str, str]) -> Iterator[Finding]:
    from pinkbreast.web.gunicorn_app import MAX_DEFAULT_WORKERS

    raw = environ.get("WEB_CONCURRENCY")
    if raw is None:
        most = MAX_DEFAULT_WORKERS
        yield ok("WEB_CONCURRENCY", f"not set: 2 x CPUs + 1 workers (at most {most}).")
    elif not raw.strip().isdigit() or not 1 <= int(raw) <= 64:
        yield error("WEB_CONCURRENCY", f"must be a whole number of workers, 1 to 64 (got {raw!r}).")
    else:
        memory = "memory per worker: docs/deploy-linux.md"
        yield ok("WEB_CONCURRENCY", f"{int(raw)} workers (each loads the model; {memory}).")


def check_metrics(settings: Settings) -> Iterator[Finding]:
    if settings.metrics_token:
        yield ok("PINKBREAST_METRICS_TOKEN", "set: scrapers authenticate with a bearer token.")
    elif not settings.metrics_allow:
        yield error(
            "PINKBREAST_METRICS_TOKEN",
            "missing and PINKBREAST_METRICS_ALLOW is empty: nothing can read /metrics.",
        )
    else:
        networks = ", ".join(settings.metrics_allow)
        yield ok("PINKBREAST_METRICS_ALLOW", f"/metrics readable from {networks}.")


def check_instance(environ: Mapping[str, str]) -> Iterator[Finding]:
    """The instance folder exists (or can be made), is writable and has room."""
    folder = Path(environ.get("PINKBREAST_INSTANCE", "instance")).resolve()
    subject = f"PINKBREAST_INSTANCE ({folder})"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".check-config-") as probe:
            probe.write(b"probe")
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as exc:
        yield error(subject, f"not writable: {exc.strerror}.")
        return
    free = shutil.disk_usage(folder).free
    if free < NEEDED_FREE_BYTES:
        needed = NEEDED_FREE_BYTES // 2**20
        yield error(subject, f"full: {free // 2**20} MiB free, at least {needed} MiB needed.")
    elif free < MIN_FREE_BYTES:
        yield warning(subject, f"writable, but only {free // 2**20} MiB free.")
    else:
        yield ok(subject, f"writable, {free // 2**20} MiB free.")


def check_database(environ: Mapping[str, str], *, will_migrate: bool) -> Iterator[Finding]:
    """DATABASE_URL set, reachable, and at the migrations' head."""
    raw = environ.get("DATABASE_URL", "")
    if not raw:
        yield error("DATABASE_URL", "missing; e.g. mysql+pymysql://USER:PASSWORD@HOST/DATABASE.")
        return
    try:
        url = sa.make_url(raw)
    except sa.exc.ArgumentError:
        yield error("DATABASE_URL", "is not a SQLAlchemy database URL.")
        return
    shown = url.render_as_string(hide_password=True)
    if url.get_backend_name() == "sqlite":
        yield warning(
            "DATABASE_URL",
            f"{shown} is SQLite: one server only; several instances need MariaDB or PostgreSQL.",
        )
        if not _sqlite_file_ready(url):
            yield (warning if will_migrate else error)(
                "database", f"{url.database} does not exist yet; `pinkbreast db upgrade` makes it."
            )
            return
    yield from _check_schema(raw, shown, will_migrate=will_migrate)


def _sqlite_file_ready(url: sa.URL) -> bool:
    return not url.database or url.database == ":memory:" or Path(url.database).exists()


def _check_schema(raw: str, shown: str, *, will_migrate: bool) -> Iterator[Finding]:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from pinkbreast.cli.db import alembic_config

    try:
        engine = _engine(raw)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError) as exc:
        yield error("DATABASE_URL", f"{shown}: unusable URL or driver ({exc}).")
        return
    try:
        with engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except sa.exc.SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        yield error("database", f"{shown} unreachable: {reason}")
        return
    finally:
        engine.dispose()
    yield ok("database", f"{shown} reachable.")
    heads = set(ScriptDirectory.from_config(alembic_config(raw)).get_heads())
    yield _schema_finding(current, heads, will_migrate)


def _engine(raw: str) -> sa.Engine:
    url = sa.make_url(raw)
    if url.get_backend_name() == "sqlite":
        return sa.create_engine(url, hide_parameters=True)
    return sa.create_engine(
        url, hide_parameters=True, connect_args={"connect_timeout": CONNECT_TIMEOUT}
    )


def _schema_finding(current: set[str], heads: set[str], will_migrate: bool) -> Finding:
    if current == heads:
        return ok("migrations", f"schema at head ({', '.join(sorted(heads))}).")
    at = ", ".join(sorted(current)) or "no schema"
    head = ", ".join(sorted(heads))
    if will_migrate:
        return warning("migrations", f"database at {at}, code expects {head}: migrating next.")
    fix = "run `pinkbreast db upgrade`"
    return error("migrations", f"database at {at}, code expects {head}: {fix}.")


def check_mlflow(environ: Mapping[str, str]) -> Iterator[Finding]:
    """The tracking server answers and a ``champion`` alias is registered."""
    from pinkbreast.ml.names import ALIAS, MODEL_NAME

    uri = environ.get("MLFLOW_TRACKING_URI", "")
    if not uri:
        folder = Path(environ.get("PINKBREAST_INSTANCE", "instance")).resolve()
        uri = f"sqlite:///{folder / 'mlflow.db'}"
        yield warning(
            "MLFLOW_TRACKING_URI",
            f"not set: using {uri}; several instances need one shared MLflow server.",
        )
    if uri.startswith("sqlite:///") and not Path(uri.removeprefix("sqlite:///")).exists():
        yield error("MLFLOW_TRACKING_URI", f"{uri} does not exist: run `pinkbreast train`.")
        return
    try:
        version = _champion_version(uri, MODEL_NAME, ALIAS)
    except Exception as exc:  # MLflow raises many types (HTTP, store, parsing): report each
        yield error("MLFLOW_TRACKING_URI", f"no {MODEL_NAME}@{ALIAS} at {uri}: {_reason(exc)}")
        return
    yield ok("MLFLOW_TRACKING_URI", f"{MODEL_NAME}@{ALIAS} is version {version} at {uri}.")


def _reason(exc: Exception) -> str:
    """One short line: the socket error when the server cannot be reached, else the message."""
    text = str(exc).strip()
    if found := re.search(r"\[Errno -?\d+\] [^'\")]+", text):
        return f"server unreachable ({found.group(0)})."
    return (text.splitlines()[0] if text else type(exc).__name__)[:200]


def _champion_version(uri: str, name: str, alias: str) -> str:
    from mlflow import MlflowClient

    quick = {
        "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0",
        "MLFLOW_HTTP_REQUEST_TIMEOUT": str(CONNECT_TIMEOUT),
    }
    saved = {key: os.environ.get(key) for key in quick}
    os.environ.update({k: v for k, v in quick.items() if saved[k] is None})  # one try, no backoff
    try:
        return str(MlflowClient(tracking_uri=uri).get_model_version_by_alias(name, alias).version)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)


def findings(environ: Mapping[str, str], *, will_migrate: bool = False) -> list[Finding]:
    """Every check, in the order a person would fix them (the proxy and /metrics checks need
    settings that parse: a value that does not is already an error of its own)."""
    settings = parsed_settings(environ)
    parsed = None if isinstance(settings, ConfigError) else settings
    return [
        *check_environment(environ, settings),
        *check_instance(environ),
        *check_database(environ, will_migrate=will_migrate),
        *check_mlflow(environ),
        *(check_proxy(environ, parsed) if parsed is not None else ()),
        *check_workers(environ),
        *(check_metrics(parsed) if parsed is not None else ()),
    ]


@click.command("check-config")
@click.option(
    "--will-migrate",
    is_flag=True,
    help="Migrations run next (deploy/boot.sh): a schema behind head is a warning, not an error.",
)
def check_config(will_migrate: bool) -> None:
    """Check that the environment can serve in production; one line per finding.

    Exits 1 when anything is an error (missing or short SECRET_KEY, database unreachable or
    behind, no champion model, instance folder not writable, ...), else 0.
    """
    results = findings(os.environ, will_migrate=will_migrate)
    for finding in results:
        click.echo(finding.line())
    errors = sum(f.level == "error" for f in results)
    warnings = sum(f.level == "warning" for f in results)
    click.echo(f"check-config: {errors} error(s), {warnings} warning(s).")
    if errors:
        raise click.exceptions.Exit(1)
