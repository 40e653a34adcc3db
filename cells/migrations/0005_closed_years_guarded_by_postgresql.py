"""On PostgreSQL, tasks and ratings of a closed year are refused by the database itself (see
targets' migration 0007)."""

from django.db import migrations

from targets.postgresql import of_open_year, on_postgresql


class Migration(migrations.Migration):
    dependencies = [
        ("cells", "0004_closed_names_clean_text"),
        ("targets", "0007_closed_years_guarded_by_postgresql"),
    ]

    operations = [
        migrations.RunPython(*on_postgresql(*of_open_year("cells_task", "cells_cellyear")))
    ]
