"""On PostgreSQL the change history and the year closings are append-only: the database
itself refuses UPDATE and DELETE on them, whatever client sends it. SQLite, for trying the
app, keeps the rows through the application alone."""

from django.db import migrations

from targets.postgresql import append_only, on_postgresql

TRIGGERS, NO_TRIGGERS = append_only("targets_figurechange", "targets_yearevent")

CREATE = (
    """
CREATE OR REPLACE FUNCTION cauthia_refuse_history_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
"""
    + TRIGGERS
)

DROP = NO_TRIGGERS + "DROP FUNCTION IF EXISTS cauthia_refuse_history_change();"


class Migration(migrations.Migration):
    dependencies = [("targets", "0003_year_closings")]

    operations = [migrations.RunPython(*on_postgresql(CREATE, DROP))]
