"""The throwaway database every benchmark runs in, and small helpers.

``throwaway()`` points DATABASE_URL at a database made for this run *before* Django reads its
settings, then migrates it, loads the demo ward and collects the static files into a temporary
STATIC_ROOT (production settings serve hashed names, which need the manifest). On the way out,
whatever happened, it closes Django's connections, drops the PostgreSQL database or deletes the
temporary folder.
"""

import argparse
import os
import secrets
import shutil
import signal
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

STAFF_USER = "bithu"  # the demo's ward secretary: ward staff, and staff for the admin
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def num(value, digits=2):
    """A number with a decimal comma, as the app writes them: 12,34."""
    if isinstance(value, int):
        return str(value)
    return f"{value:.{digits}f}".replace(".", ",")


def say(name, value):
    print(f"{name}: {value}", flush=True)


def ms(seconds):
    return f"{num(seconds * 1000)} ms"


def kb(size):
    """A size in bytes as kilobytes: 12,34 KB."""
    return f"{num(size / 1024)} KB"


def verdict(value, limit):
    """PASS when ``value`` is within its target ``limit`` (at most), OVER when it is not."""
    return "PASS" if value <= limit else "OVER"


def median(values):
    return statistics.median(values)


def timed(function, *args, **kwargs):
    """(seconds, result) of one call."""
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def _terminate(signum, frame):
    # Turn SIGTERM and SIGHUP into SystemExit, so the finally blocks drop the database.
    raise SystemExit(128 + signum)


class _Postgres:
    """A database <name>_bench_<pid> next to the one DATABASE_URL names, made with psycopg."""

    def __init__(self, url):
        parts = urlsplit(url)
        base = unquote(parts.path.lstrip("/")) or "cauthia"
        self.name = f"{base}_bench_{os.getpid()}"
        self.url = parts._replace(path=f"/{self.name}").geturl()
        # Create and drop from the server's maintenance database, never from the named one.
        self.admin_url = parts._replace(path="/postgres").geturl()
        self.created = False

    def _run(self, statement):
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(sql.SQL(statement).format(sql.Identifier(self.name)))

    def create(self):
        # Left over only by a run that was killed outright with the same process id.
        self._run("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        self._run("CREATE DATABASE {}")
        self.created = True

    def drop(self):
        if self.created:
            self._run("DROP DATABASE IF EXISTS {} WITH (FORCE)")


class Bench:
    """What a benchmark gets: the folder of the run and helpers on the throwaway database."""

    def __init__(self, folder, database_url, vendor):
        self.folder = folder
        self.database_url = database_url
        self.vendor = vendor

    def user(self, username=STAFF_USER):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.get(username=username)

    def client(self, username=STAFF_USER):
        """A django.test.Client signed in as ``username`` (a session in the throwaway database)."""
        from django.test import Client

        client = Client()
        client.force_login(self.user(username), backend=MODEL_BACKEND)
        return client

    def generate(self, scale):
        """Grow the ward with generate_ward and say how long it took."""
        from django.core.management import call_command

        seconds, _ = timed(call_command, "generate_ward", scale=scale, verbosity=0)
        say(f"generate_ward --scale {scale}", f"{num(seconds)} s")


def _machine_line(vendor):
    import django
    from django.db import connection

    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server = f"PostgreSQL {cursor.fetchone()[0]}"
    else:
        import sqlite3

        server = f"SQLite {sqlite3.sqlite_version}"
    python = ".".join(str(part) for part in sys.version_info[:3])
    return f"{server}, Python {python}, Django {django.get_version()}"


@contextmanager
def throwaway(demo=True):
    """Set up Django on a database made for this run; yield a Bench; remove it all afterwards."""
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _terminate)
    folder = Path(tempfile.mkdtemp(prefix="cauthia-bench-"))
    original = os.environ.get("DATABASE_URL", "")
    postgres = None
    try:
        if urlsplit(original).scheme in {"postgres", "postgresql"}:
            postgres = _Postgres(original)
            postgres.create()
            database_url, shown = postgres.url, f"postgresql {postgres.name} (throwaway)"
        else:
            database_url = f"sqlite:///{folder / 'bench.sqlite3'}"
            shown = f"sqlite {folder / 'bench.sqlite3'} (throwaway)"
        os.environ["DATABASE_URL"] = database_url
        os.environ["DEBUG"] = "0"
        os.environ["SECURE_SSL_REDIRECT"] = "0"
        os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
        os.environ["STATIC_ROOT"] = str(folder / "static")
        os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(32))
        os.environ.setdefault("LOG_LEVEL", "WARNING")
        os.environ["DJANGO_SETTINGS_MODULE"] = "cauthia.settings"

        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        name = str(connection.settings_dict["NAME"])
        if (postgres and name != postgres.name) or (
            not postgres and not name.endswith(str(folder / "bench.sqlite3"))
        ):
            raise RuntimeError(f"refusing to run on {name}: not the bench's throwaway database")
        say("database", shown)
        say("software", _machine_line(connection.vendor))

        start = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        if demo:
            call_command("load_demo", password=secrets.token_urlsafe(12), verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        say("setup (migrate, demo, static)", f"{num(time.perf_counter() - start)} s")
        yield Bench(folder, database_url, connection.vendor)
    finally:
        try:
            if "django" in sys.modules:
                from django.apps import apps
                from django.db import connections

                if apps.ready:
                    connections.close_all()
            if postgres:
                postgres.drop()
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def run_alone(run, name, description, argv=None):
    """``python -m bench.<name>`` for a benchmark that takes no options of its own."""
    parser = argparse.ArgumentParser(prog=f"python -m bench.{name}", description=description)
    parser.parse_args(argv)
    with throwaway() as bench:
        run(bench)
    return 0
