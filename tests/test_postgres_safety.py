"""What only PostgreSQL can promise: an append-only history, functions that no temporary table
can fool, and a backup that restores."""

import os
import shutil
import subprocess
import uuid
from decimal import Decimal

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from targets.models import Figure, FigureChange, Year

from .helpers import CAU_THIA


def require_tool(name):
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is missing: CI must run this test")
        pytest.skip(f"{name} is not installed (Debian package postgresql-client)")
    return path


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE targets_figurechange SET new_actual = 1 WHERE id = %s",
        "DELETE FROM targets_figurechange WHERE id = %s",
    ],
    ids=["update", "delete"],
)
def test_the_database_refuses_to_alter_the_change_history(postgres, demo, statement):
    change = FigureChange.objects.order_by("pk").first()
    refused = pytest.raises(DatabaseError, match="append-only")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, [change.pk])
    assert FigureChange.objects.get(pk=change.pk).new_actual == change.new_actual


def test_the_database_refuses_to_alter_a_year_closing(postgres, demo, alice):
    year = Year.objects.get(committee__slug=CAU_THIA, year=2023)
    year.close(by=alice)
    refused = pytest.raises(DatabaseError, match="append-only")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE targets_yearevent SET reason = 'x'")


# Each function's settings where it pins its search path: PostgreSQL's catalog first, then the
# app's schema, the session's temporary tables last.
PINNED = """
SELECT p.proname, coalesce(p.proconfig, '{}')
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = current_schema() AND p.proname LIKE 'cauthia%%'
 ORDER BY p.proname
"""


def pinned_paths(cursor):
    cursor.execute(PINNED)
    return dict(cursor.fetchall())


def test_every_function_of_the_app_looks_up_names_in_its_schema_before_temporary_tables(
    postgres,
):
    """A trigger function that resolved names through the caller's search path would read a
    temporary table the caller named like the app's own (pg_temp is searched first unless it
    is named)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        path = f"search_path=pg_catalog, {cursor.fetchone()[0]}, pg_temp"
        functions = pinned_paths(cursor)
    assert set(functions) >= {
        "cauthia_refuse_history_change",
        "cauthia_refuse_closed_year",
        "cauthia_keep_closed_year",
        "cauthia_check_year_event",
        "cauthia_set_year_closed",
    }
    assert functions == {name: [path] for name in functions}


def test_the_app_role_is_not_granted_a_closing_function_that_temporary_tables_could_fool(
    postgres,
):
    role = f"cauthia_app_{uuid.uuid4().hex[:8]}"
    closing = "cauthia_set_year_closed(bigint, boolean, integer, text)"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role}")
        cursor.execute(f"ALTER FUNCTION {closing} RESET search_path")
    with pytest.raises(CommandError, match="search path"):
        call_command("grant_app_role", role, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT has_function_privilege(%s, %s, 'EXECUTE')", [role, closing])
        assert cursor.fetchone()[0] is False


def rows(cursor, table):
    """Each row of ``table`` as PostgreSQL writes it as text, in UTC: the same whatever each
    connection's loaders make of its JSON and time zones."""
    cursor.execute("SET TIME ZONE 'UTC'")
    cursor.execute(f"SELECT row_to_json(t)::text FROM {table} AS t ORDER BY id")
    return cursor.fetchall()


@pytest.mark.django_db(transaction=True)
def test_a_dump_restores_into_a_fresh_database_with_every_figure_and_change(postgres, demo, alice):
    figure = Figure.objects.get(
        target__slug="bao-hiem-y-te", year__committee__slug=CAU_THIA, year__year=2023
    )
    figure.actual = Decimal("96.12")
    figure.save(changed_by=alice)
    Year.objects.get(committee__slug=CAU_THIA, year=2023).close(by=alice)

    database = connection.settings_dict
    address = {
        "host": database["HOST"] or "localhost",
        "port": database["PORT"] or "5432",
        "user": database["USER"],
        "password": database["PASSWORD"],
    }
    env = os.environ | {"PGPASSWORD": address["password"] or ""}
    common = ["-h", address["host"], "-p", str(address["port"]), "-U", address["user"]]
    dump = f"/tmp/cauthia-{uuid.uuid4().hex}.dump"
    restored = f"{database['NAME']}_restored_{uuid.uuid4().hex[:8]}"
    # The same pg_dump call as `make backup`.
    subprocess.run(
        [
            require_tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            f"--file={dump}",
            *common,
            database["NAME"],
        ],
        check=True,
        env=env,
    )
    admin = psycopg.connect(dbname="postgres", autocommit=True, **address)
    try:
        admin.execute(f'CREATE DATABASE "{restored}"')
        subprocess.run(
            [
                require_tool("pg_restore"),
                "--no-owner",
                "--exit-on-error",
                "-d",
                restored,
                *common,
                dump,
            ],
            check=True,
            env=env,
        )
        tables = [
            "targets_figure",
            "targets_figurechange",
            "targets_year",
            "targets_yearevent",
            "cells_cellyear",
            "cells_task",
        ]
        with (
            psycopg.connect(dbname=restored, **address) as copy,
            copy.cursor() as cursor,
            connection.cursor() as live,
        ):
            for table in tables:
                assert rows(cursor, table) == rows(live, table), table
            # The copy keeps its guards: functions pinned, history still append-only.
            assert pinned_paths(cursor) == pinned_paths(live)
            with pytest.raises(psycopg.Error, match="append-only"):
                cursor.execute("DELETE FROM targets_figurechange")
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
        admin.close()
        os.remove(dump)
