import os
import subprocess
import sys

import pytest
from django.conf import settings

from cauthia.settings import database_from_url


def run_settings(**env):
    environ = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('ok')"],
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
