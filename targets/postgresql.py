"""What the migrations install on PostgreSQL only: the triggers that keep history append-only
and closed years closed, whatever client writes (see migrations 0004 and 0007 of targets).
SQLite, for trying the app, keeps the same rules through the models alone."""


def on_postgresql(sql, reverse_sql):
    """A RunPython pair that runs ``sql`` forwards and ``reverse_sql`` backwards, on PostgreSQL
    only."""

    def run(statements):
        def operation(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                schema_editor.execute(statements, params=None)

        return operation

    return run(sql), run(reverse_sql)


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
