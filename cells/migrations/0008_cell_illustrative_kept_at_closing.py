"""Whether a cell's name is illustrative is kept on each cell's year when the year closes
(CellYear.cell_illustrative), as its name already is. Years closed before this migration take
the cells' marks of today: what their sheets printed until now."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

GUARD = "cells_cellyear_of_open_year"


def keep_marks_of_closed_years(apps, schema_editor):
    Cell = apps.get_model("cells", "Cell")
    CellYear = apps.get_model("cells", "CellYear")
    guarded = schema_editor.connection.vendor == "postgresql"
    if guarded:  # the database refuses any write to a closed year's rows (migration 0005)
        schema_editor.execute(f"ALTER TABLE cells_cellyear DISABLE TRIGGER {GUARD}")
    CellYear.objects.filter(year__is_closed=True).update(
        cell_illustrative=Subquery(
            Cell.objects.filter(pk=OuterRef("cell_id")).values("illustrative")
        )
    )
    if guarded:
        schema_editor.execute(f"ALTER TABLE cells_cellyear ENABLE TRIGGER {GUARD}")


class Migration(migrations.Migration):
    dependencies = [
        ("cells", "0007_reporting_up"),
    ]

    operations = [
        migrations.AddField(
            model_name="cellyear",
            name="cell_illustrative",
            field=models.BooleanField(
                editable=False, null=True, verbose_name="cell's name illustrative that year"
            ),
        ),
        migrations.RunPython(keep_marks_of_closed_years, migrations.RunPython.noop),
    ]
