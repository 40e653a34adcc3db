"""The database refuses a row that mixes committees: a figure of one committee's year for
another's target, a cell's share of another committee's figure, a secretary of another
committee's cell. Each guarded table names the ways from a row to a committee; a trigger
(SQLite and PostgreSQL alike) refuses an insert or update where they lead to two. A root row
(year, area, target, cell) never moves to another committee.

SQLite drops a table's triggers when a migration rebuilds the table: a later migration that
alters a guarded table re-creates its trigger (tests/test_committee_guards.py tries every guard)."""

from django.db import migrations

# table: the ways from its row to a committee, each a run of (column, table it points to);
# the last table has committee_id. "committee_id" alone is the row's own column.
YEAR = [("year_id", "targets_year")]
GUARDED = {
    "targets_target": [["committee_id"], [("area_id", "targets_area")]],
    "targets_figure": [YEAR, [("target_id", "targets_target")]],
    "targets_figurechange": [
        [("figure_id", "targets_figure"), *YEAR],
        [("imported_from_id", "targets_import"), *YEAR],
    ],
    "cells_cellyear": [YEAR, [("cell_id", "cells_cell")]],
    "cells_ratingstep": [YEAR, [("cell_year_id", "cells_cellyear"), ("cell_id", "cells_cell")]],
    "cells_share": [
        YEAR,
        [("cell_id", "cells_cell")],
        [("figure_id", "targets_figure"), *YEAR],
    ],
    "cells_task": [YEAR, [("cell_id", "cells_cell")], [("target_id", "targets_target")]],
    "cells_tasknote": [YEAR, [("task_id", "cells_task"), *YEAR]],
    "cells_cellsecretary": [
        [("cell_id", "cells_cell")],
        [("user_id", "committees_account", "user_id")],
    ],
}
ROOTS = ["targets_year", "targets_area", "targets_target", "cells_cell"]
REFUSED = "a row may not mix party committees"
MOVED = "a row stays with its party committee"


def committee_of(way):
    """SQL for the committee a NEW row reaches along ``way``."""
    if way == ["committee_id"]:
        return "NEW.committee_id"
    (column, table, *key), *hops = way
    joins = "".join(
        f" JOIN {hop_table} t{n} ON t{n}.id = t{n - 1}.{hop_column}"
        for n, (hop_column, hop_table) in enumerate(hops, start=1)
    )
    return (
        f"(SELECT t{len(hops)}.committee_id FROM {table} t0{joins}"
        f" WHERE t0.{key[0] if key else 'id'} = NEW.{column})"
    )


def mixed(ways):
    first, *others = map(committee_of, ways)
    return " OR ".join(f"{first} <> {other}" for other in others)


def sqlite(table, condition, message):
    return [
        f"CREATE TRIGGER {table}_{event}_one_committee BEFORE {event} ON {table} FOR EACH ROW "
        f"WHEN {condition} BEGIN SELECT RAISE(ABORT, '{message}'); END"
        for event in ("INSERT", "UPDATE")
    ]


def postgresql(table, condition, message, events="INSERT OR UPDATE"):
    return [
        f"CREATE FUNCTION {table}_one_committee() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN IF {condition} THEN RAISE EXCEPTION '{message}' USING ERRCODE = "
        f"'check_violation'; END IF; RETURN NEW; END $$",
        f"CREATE TRIGGER {table}_one_committee BEFORE {events} ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_one_committee()",
    ]


def guards(vendor):
    statements = []
    for table, ways in GUARDED.items():
        if vendor == "sqlite":
            statements += sqlite(table, mixed(ways), REFUSED)
        else:
            statements += postgresql(table, mixed(ways), REFUSED)
    for table in ROOTS:
        moved = "NEW.committee_id <> OLD.committee_id"
        if vendor == "sqlite":
            statements.append(
                f"CREATE TRIGGER {table}_stays BEFORE UPDATE ON {table} FOR EACH ROW "
                f"WHEN {moved} BEGIN SELECT RAISE(ABORT, '{MOVED}'); END"
            )
        else:
            statements += [
                f"CREATE FUNCTION {table}_stays() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN IF {moved} THEN RAISE EXCEPTION '{MOVED}' USING ERRCODE = "
                f"'check_violation'; END IF; RETURN NEW; END $$",
                f"CREATE TRIGGER {table}_stays BEFORE UPDATE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {table}_stays()",
            ]
    return statements


def removals(vendor):
    tables = [*GUARDED, *ROOTS]
    if vendor == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS {table}_{suffix}"
            for table in tables
            for suffix in ("INSERT_one_committee", "UPDATE_one_committee", "stays")
        ]
    return [
        f"DROP FUNCTION IF EXISTS {table}_{suffix}() CASCADE"
        for table in tables
        for suffix in ("one_committee", "stays")
    ]


def guard(apps, schema_editor):
    for statement in guards(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)


def unguard(apps, schema_editor):
    for statement in removals(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("cells", "0011_committee_required"),
        ("targets", "0020_committee_required"),
    ]

    operations = [migrations.RunPython(guard, unguard)]
