"""What the migrations install on PostgreSQL only: the triggers that keep history append-only
and closed years closed, whatever client writes (see migrations 0004, 0007 and 0016 of targets).
SQLite, for trying the app, keeps the same rules through the models alone."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Where a function of ours looks up a name it does not qualify: PostgreSQL's own catalog first,
# then the app's schema ("{schema}"), and the session's temporary tables last, so that a
# temporary table named like one of the app's never stands in for it. (Left out of the path,
# pg_temp would be searched first.)
PINNED_PATH = "SET search_path = pg_catalog, {schema}, pg_temp"

# The characters Python's str.strip() removes (none lies beyond U+3000), as a regular
# expression's bracket contents: a reason of nothing else is empty, as Figure.needs_reason sees it.
BLANKS = "".join(f"\\u{ord(c):04x}" for c in map(chr, range(0x3001)) if c.isspace())

# Letters of the Hangul script that print as blanks, which targets.text.has_letters does not
# count; the other invisible characters are no letters or digits to begin with.
FILLERS = "\\u115f\\u1160\\u3164\\uffa0"

# Letters and digits of Vietnamese: a collation that counts them all as [[:alnum:]] can count
# the letters of a reason as the app does.
VIETNAMESE = "ĐiềuchỉnhsốliệuƠƯăâêôỹựậ2024"


def on_postgresql(sql, reverse_sql):
    """A RunPython pair that runs ``sql`` forwards and ``reverse_sql`` backwards, on PostgreSQL
    only."""

    def run(statements):
        def operation(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                schema_editor.execute(statements, params=None)

        return operation

    return run(sql), run(reverse_sql)


def in_app_schema(sql, reverse_sql):
    """Like on_postgresql, for SQL that names what it reads by schema, as the migration finds
    it: "{schema}" is the schema the app's tables live in (the owner's current schema),
    "{users}" the user table in it, "{path}" PINNED_PATH for that schema, "{letters}" a
    collation that knows Vietnamese letters, "{blanks}" and "{fillers}" as above."""

    def run(template):
        def operation(apps, schema_editor):
            connection = schema_editor.connection
            if connection.vendor != "postgresql":
                return
            with connection.cursor() as cursor:
                cursor.execute("SELECT quote_ident(current_schema())")
                schema = cursor.fetchone()[0]
                letters = letters_collation(cursor, connection.ops.quote_name)
            users = apps.get_model(settings.AUTH_USER_MODEL)._meta.db_table
            names = {
                "schema": schema,
                "users": f"{schema}.{connection.ops.quote_name(users)}",
                "path": PINNED_PATH.format(schema=schema),
                "letters": letters,
                "blanks": BLANKS,
                "fillers": FILLERS,
            }
            schema_editor.execute(template.format(**names), params=None)

        return operation

    return run(sql), run(reverse_sql)


def letters_collation(cursor, quote_name):
    """The first collation of the database's own, ICU's root and C.utf8 that counts every
    Vietnamese letter as one: a database made with the C locale knows only a to z."""
    for name in ("default", "und-x-icu", "C.utf8"):
        collation = quote_name(name)
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_collation WHERE collname = %s "
            "AND collencoding IN (-1, pg_char_to_encoding(getdatabaseencoding())))",
            [name],
        )
        if not cursor.fetchone()[0]:
            continue
        cursor.execute(f"SELECT %s COLLATE {collation} ~ '^[[:alnum:]]+$'", [VIETNAMESE])
        if cursor.fetchone()[0]:
            return collation
    raise ImproperlyConfigured(
        "The database cannot tell Vietnamese letters apart: create it with a UTF-8 locale "
        "(createdb --locale=C.UTF-8) or on a PostgreSQL built with ICU."
    )


def append_only(*tables):
    """SQL that makes ``tables`` append-only, and SQL that undoes it."""
    create = "".join(
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION cauthia_refuse_history_change();"
        for table in tables
    )
    drop = "".join(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};" for table in tables)
    return create, drop


def of_open_year(*tables):
    """SQL that refuses writes to rows of ``tables`` (which have a year_id) while their year is
    closed, and SQL that undoes it."""
    create = "".join(
        f"CREATE TRIGGER {table}_of_open_year BEFORE INSERT OR UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION cauthia_refuse_closed_year();"
        for table in tables
    )
    drop = "".join(f"DROP TRIGGER IF EXISTS {table}_of_open_year ON {table};" for table in tables)
    return create, drop
