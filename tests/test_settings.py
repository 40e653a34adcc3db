import os
import subprocess
import sys

import pytest
from django.conf import settings

from cauthia.settings import database_from_url

# What the tests below set themselves: none of it comes from the environment they run in.
SET_HERE = {
    "SECRET_KEY",
    "DEBUG",
    "EVIDENCE_ROOT",
    "EVIDENCE_STORAGE_BACKEND",
    "EVIDENCE_STORAGE_OPTIONS",
}
EVIDENCE_LOCATION = (
    "from django.conf import settings; print(settings.STORAGES['evidence']['OPTIONS']['location'])"
)


def run_settings(code="print('ok')", **env):
    """Start Django in a process of its own, as a server would, with ``env``; run ``code``."""
    environ = {k: v for k, v in os.environ.items() if k not in SET_HERE}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=environ | {"DJANGO_SETTINGS_MODULE": "cauthia.settings"} | env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )


def test_without_debug_a_missing_secret_key_stops_start_up():
    result = run_settings(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_gives_a_development_key():
    assert run_settings(DEBUG="1").stdout.strip() == "ok"


def test_without_debug_evidence_with_nowhere_lasting_to_go_stops_start_up():
    result = run_settings(DEBUG="0", SECRET_KEY="k" * 50)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "EVIDENCE_ROOT is not set" in result.stderr


def test_without_debug_an_evidence_folder_from_the_environment_is_used(tmp_path):
    result = run_settings(
        EVIDENCE_LOCATION, DEBUG="0", SECRET_KEY="k" * 50, EVIDENCE_ROOT=str(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(tmp_path)


def test_without_debug_an_evidence_storage_backend_needs_no_folder():
    result = run_settings(
        "from django.core.files.storage import storages; "
        "print(type(storages['evidence']).__name__)",
        DEBUG="0",
        SECRET_KEY="k" * 50,
        EVIDENCE_STORAGE_BACKEND="django.core.files.storage.InMemoryStorage",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "InMemoryStorage"


def test_without_debug_a_relative_evidence_folder_is_refused():
    result = run_settings(DEBUG="0", SECRET_KEY="k" * 50, EVIDENCE_ROOT="evidence")
    assert result.returncode != 0
    assert "EVIDENCE_ROOT must be an absolute path" in result.stderr


def test_with_debug_evidence_defaults_to_the_project_folder():
    result = run_settings(EVIDENCE_LOCATION, DEBUG="1")
    assert result.stdout.strip() == str(settings.BASE_DIR / "evidence"), result.stderr


def test_an_empty_database_url_means_sqlite_in_the_project_folder():
    database = database_from_url("")
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == settings.BASE_DIR / "db.sqlite3"


def test_a_postgres_url_means_psycopg_with_persistent_connections():
    database = database_from_url("postgres://ward:p%40ss@db.internal:6432/cauthia?sslmode=require")
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["USER"], database["PASSWORD"]) == ("ward", "p@ss")
    assert (database["HOST"], database["PORT"], database["NAME"]) == (
        "db.internal",
        "6432",
        "cauthia",
    )
    assert database["OPTIONS"] == {"sslmode": "require"}
    assert database["CONN_MAX_AGE"] > 0


def test_any_other_database_url_is_refused():
    with pytest.raises(Exception, match="postgres://"):
        database_from_url("mysql://root@localhost/cauthia")


def test_the_interface_speaks_vietnamese_by_default_with_english_offered():
    assert settings.LANGUAGE_CODE == "vi"
    assert [code for code, _ in settings.LANGUAGES] == ["vi", "en"]
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
