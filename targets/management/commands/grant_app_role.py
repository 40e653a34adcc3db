from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from psycopg import sql

from targets.models import Year, YearEvent

CLOSING_FUNCTION = "cauthia_set_year_closed(bigint, boolean, integer, text)"


def grants(role):
    """The statements that give ``role`` what the running app needs and nothing more.

    Every table: read, add, change and remove rows, except that history (models with
    APPEND_ONLY) may only be read and added to, a year's is_closed may not be written, and
    closings may only be read: closing and reopening go through cauthia_set_year_closed, which
    runs with the owner's rights and refuses what Year.close and Year.reopen refuse. No TRUNCATE
    anywhere, and the role owns nothing, so it can neither disable a trigger nor alter a table;
    a temporary table it makes fools no function (see pinned).
    """
    role = sql.Identifier(role)
    closing_function = sql.SQL("{}.{}").format(
        sql.Identifier(current_schema()), sql.SQL(CLOSING_FUNCTION)
    )
    yield sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA {} FROM {}").format(
        sql.Identifier(current_schema()), role
    )
    yield sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(sql.Identifier(current_schema()), role)
    for model in apps.get_models(include_auto_created=True):
        table = sql.Identifier(model._meta.db_table)
        if model is YearEvent:
            privileges = "SELECT"
        elif getattr(model, "APPEND_ONLY", False):
            privileges = "SELECT, INSERT"
        elif model is Year:
            privileges = "SELECT, INSERT, DELETE"
            columns = [f.column for f in model._meta.concrete_fields if f.name != "is_closed"]
            yield sql.SQL("GRANT UPDATE ({}) ON {} TO {}").format(
                sql.SQL(", ").join(map(sql.Identifier, columns)), table, role
            )
        else:
            privileges = "SELECT, INSERT, UPDATE, DELETE"
        yield sql.SQL(f"GRANT {privileges} ON {{}} TO {{}}").format(table, role)
    yield sql.SQL("GRANT SELECT ON django_migrations TO {}").format(role)
    yield sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(
        sql.Identifier(current_schema()), role
    )
    yield sql.SQL("REVOKE ALL ON FUNCTION {} FROM PUBLIC").format(closing_function)
    yield sql.SQL("GRANT EXECUTE ON FUNCTION {} TO {}").format(closing_function, role)


def pinned(function):
    """Whether ``function`` runs with its search path fixed and the session's temporary tables
    searched last, so that a temporary table of the caller's cannot stand in for one of the
    app's (targets migration 0016)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT proconfig FROM pg_proc "
            "WHERE oid = to_regprocedure(quote_ident(current_schema()) || '.' || %s)",
            [function],
        )
        row = cursor.fetchone()
    config = (row and row[0]) or []
    return any(
        setting.startswith("search_path=pg_catalog,") and setting.endswith(", pg_temp")
        for setting in config
    )


def current_schema():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        return cursor.fetchone()[0]


class Command(BaseCommand):
    help = (
        "On PostgreSQL, grant the database role the app runs as (DATABASE_URL) what it needs, "
        "and no more: history it can only read and add to, closings only through the closing "
        "function. Run it as the owner of the tables (the role that ran migrate), after every "
        "migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="The role the app connects as, e.g. cauthia_app.")

    def handle(self, *args, role, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Database roles are a PostgreSQL matter; SQLite has none.")
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                raise CommandError(
                    f"There is no role {role}: create it first, e.g. "
                    f"CREATE ROLE {role} LOGIN PASSWORD '…';"
                )
            if not pinned(CLOSING_FUNCTION):
                raise CommandError(
                    "The closing function resolves names through its caller's search path: "
                    "run migrate first."
                )
            for statement in grants(role):
                cursor.execute(statement)
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(f"Granted {role} what the app needs."))
