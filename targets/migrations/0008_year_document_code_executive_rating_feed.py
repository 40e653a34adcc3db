from django.db import migrations, models

import targets.fields

# The targets whose actual the ratings offered, by key, when that was a setting.
RATING_FEEDS = {
    "chi-bo-hoan-thanh-tot-nhiem-vu": "cells_good",
    "dang-vien-hoan-thanh-tot-nhiem-vu": "members_good",
}


def split_names_and_numbers(apps, schema_editor):
    """The executive's name was derived from the party organisation's ("Đảng bộ …" → "Đảng ủy
    …"), and the report number carried its code ("125-BC/ĐU"): both become data of the year.
    Closed years are written too: this changes how their fields are kept, not what they print."""
    Year = apps.get_model("targets", "Year")
    for year in Year.objects.all():
        name = year.committee_name.strip()
        if name[:7].casefold() == "đảng bộ":
            name = "Đảng ủy" + name[7:]
        number, _dash, code = year.report_number.partition("-")
        Year.objects.filter(pk=year.pk).update(
            executive_name=name,
            report_number=number.strip() if code else year.report_number,
            document_code=code.strip() or "BC/ĐU",
        )
    Target = apps.get_model("targets", "Target")
    for slug, feed in RATING_FEEDS.items():
        Target.objects.filter(slug=slug).update(rating_feed=feed)


def on_closed_years_too(apps, schema_editor):
    """The PostgreSQL guard refuses changes to a closed year's row; lift it for this one data
    migration only, within its transaction."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE targets_year DISABLE TRIGGER targets_year_kept_closed")
        split_names_and_numbers(apps, schema_editor)
        schema_editor.execute("ALTER TABLE targets_year ENABLE TRIGGER targets_year_kept_closed")
    else:
        split_names_and_numbers(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("targets", "0007_closed_years_guarded_by_postgresql")]

    operations = [
        migrations.RemoveConstraint(model_name="target", name="target_slug_not_reserved"),
        migrations.AddField(
            model_name="year",
            name="executive_name",
            field=targets.fields.CleanCharField(
                default="",
                help_text="The executive that issues the reports, e.g. Đảng ủy phường Cầu Thia.",
                max_length=200,
                verbose_name="issuing committee",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="year",
            name="document_code",
            field=targets.fields.CleanCharField(
                default="BC/ĐU",
                help_text="Printed after the number: Số 125-BC/ĐU.",
                max_length=30,
                verbose_name="document code",
            ),
        ),
        migrations.AddField(
            model_name="target",
            name="rating_feed",
            field=models.CharField(
                blank=True,
                choices=[
                    ("cells_good", "cells rated well or better (how many)"),
                    ("members_good", "members rated well or better (share in %)"),
                ],
                help_text="Leave empty unless the cells' ratings give this target its actual.",
                max_length=20,
                verbose_name="actual from the ratings",
            ),
        ),
        migrations.RunPython(on_closed_years_too, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="year",
            name="report_number",
            field=targets.fields.CleanCharField(
                blank=True,
                help_text="The number the report was issued under, e.g. 125; empty until issued.",
                max_length=20,
                verbose_name="report number",
            ),
        ),
        migrations.AlterField(
            model_name="year",
            name="committee_name",
            field=targets.fields.CleanCharField(
                help_text="E.g. Đảng bộ phường Cầu Thia.",
                max_length=200,
                verbose_name="party organisation",
            ),
        ),
        migrations.AddConstraint(
            model_name="target",
            constraint=models.UniqueConstraint(
                condition=models.Q(("rating_feed", ""), _negated=True),
                fields=("rating_feed",),
                name="target_one_per_rating_feed",
                violation_error_message="Another target already takes this figure.",
            ),
        ),
    ]
