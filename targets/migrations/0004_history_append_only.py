"""On PostgreSQL the change history and the year closings are append-only: the database
itself refuses UPDATE and DELETE on them, whatever client sends it. SQLite, for trying the
app, keeps the rows through the application alone."""

from django.db import migrations

TABLES = ["targets_figurechange", "targets_yearevent"]

CREATE = """
CREATE OR REPLACE FUNCTION cauthia_refuse_history_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
""" + "".join(
    f"""
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION cauthia_refuse_history_change();
"""
    for table in TABLES
)

DROP = "".join(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};" for table in TABLES) + (
    "DROP FUNCTION IF EXISTS cauthia_refuse_history_change();"
)


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("targets", "0003_year_closings")]

    operations = [migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP))]
