"""The form of a Party document as data of the year: the superior party organisation printed
above the issuing committee (not the superior committee: "ĐẢNG BỘ THỊ XÃ NGHĨA LỘ", not "THỊ
ỦY NGHĨA LỘ"), the recipients, the signer's title, the rating rule and the cap on "xuất sắc";
a figure's working comment kept apart from its printed note; the report's text."""

import django.core.validators
import django.db.models.deletion
import django.db.models.functions.text
import django.db.models.lookups
from django.conf import settings
from django.db import migrations, models

import targets.fields
import targets.models
from targets.postgresql import of_open_year, on_postgresql

# The superior committee as the old field named it, and the party organisation it leads.
COMMITTEES = {"Thị ủy": "Đảng bộ thị xã", "Huyện ủy": "Đảng bộ huyện", "Tỉnh ủy": "Đảng bộ tỉnh",
              "Thành ủy": "Đảng bộ thành phố", "Quận ủy": "Đảng bộ quận"}


def party_forms(apps, schema_editor):
    """Years kept before: the superior organisation read from the committee's name where it
    follows the usual form (to be checked in the admin), and "Nơi nhận" as it was printed."""
    Year = apps.get_model("targets", "Year")
    for year in Year.objects.all():
        body = year.superior_party_body
        committee = body
        for short, organisation in COMMITTEES.items():
            if body.startswith(short + " "):
                body = organisation + body[len(short):]
                break
        Year.objects.filter(pk=year.pk).update(
            superior_party_body=body,
            recipients=f"Thường trực {' '.join(committee.split()[:2])} (b/c)\nLưu Văn phòng Đảng ủy",
        )


def on_closed_years_too(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE targets_year DISABLE TRIGGER targets_year_kept_closed")
        party_forms(apps, schema_editor)
        schema_editor.execute("ALTER TABLE targets_year ENABLE TRIGGER targets_year_kept_closed")
    else:
        party_forms(apps, schema_editor)


# Report texts of a closed year are kept as they were, whatever client writes.
GUARDED, UNGUARDED = of_open_year("targets_reporttext")


class Migration(migrations.Migration):
    dependencies = [
        ("targets", "0011_evidence"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField("year", "superior_body", "superior_party_body"),
        migrations.CreateModel(
            name='ReportText',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('stage', models.CharField(choices=[('half', 'six months'), ('estimate', 'estimated for the year'), ('final', 'full year')], max_length=10, verbose_name='stage')),
                ('results', targets.fields.CleanTextField(max_length=20000, verbose_name='I. Results')),
                ('shortcomings', targets.fields.CleanTextField(max_length=20000, verbose_name='II. Shortcomings and their causes')),
                ('directions', targets.fields.CleanTextField(max_length=20000, verbose_name='III. Directions and tasks')),
                ('is_final', models.BooleanField(default=False, help_text='A final text is printed without the mark “DỰ THẢO”.', verbose_name='final text')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='last changed')),
                ('version', models.PositiveIntegerField(default=1, verbose_name='version')),
            ],
            options={
                'verbose_name': 'report text',
                'verbose_name_plural': 'report texts',
            },
        ),
        migrations.AddField(
            model_name='figure',
            name='comment',
            field=targets.fields.CleanTextField(blank=True, help_text='For the office only, never printed: where a figure came from, doubts.', max_length=2000, verbose_name='working comment'),
        ),
        migrations.AddField(
            model_name='figurechange',
            name='new_comment',
            field=targets.fields.CleanTextField(blank=True, max_length=2000, verbose_name='new comment'),
        ),
        migrations.AddField(
            model_name='figurechange',
            name='old_comment',
            field=targets.fields.CleanTextField(blank=True, max_length=2000, verbose_name='old comment'),
        ),
        migrations.AddField(
            model_name='target',
            name='report_phrase',
            field=targets.fields.CleanCharField(blank=True, help_text="How the report's text states the result, with {actual}, {plan} and {unit}: “thành lập mới {actual}/{plan} tổ hợp tác”. Empty: the name, then the figures.", max_length=300, verbose_name='phrase in the report'),
        ),
        migrations.AddField(
            model_name='year',
            name='excellent_cap_base',
            field=models.CharField(choices=[('good_or_better', 'well completed or better (excellent included)'), ('good_only', 'well completed (excellent not included)')], default='good_or_better', max_length=20, verbose_name='… of those rated'),
        ),
        migrations.AddField(
            model_name='year',
            name='excellent_cap_percent',
            field=models.PositiveSmallIntegerField(default=20, help_text='“Excellent” ratings may be at most this share of …', validators=[django.core.validators.MaxValueValidator(100)], verbose_name='cap on “excellent” (%)'),
        ),
        migrations.AddField(
            model_name='year',
            name='rating_rule',
            field=targets.fields.CleanCharField(blank=True, help_text="The rule the year's ratings follow, e.g. Quy định 124-QĐ/TW.", max_length=200, verbose_name='rating rule'),
        ),
        migrations.AddField(
            model_name='year',
            name='recipients',
            field=targets.fields.CleanTextField(blank=True, help_text='One a line, as “Nơi nhận” lists them, e.g. Thường trực Thị ủy (b/c); the last is usually Lưu Văn phòng Đảng ủy.', max_length=2000, verbose_name='recipients'),
        ),
        migrations.AddField(
            model_name='year',
            name='signer_title',
            field=models.CharField(choices=[('secretary', 'SECRETARY'), ('deputy', 'DEPUTY SECRETARY')], default='secretary', max_length=20, verbose_name="signer's title"),
        ),
        migrations.AlterField(
            model_name='figure',
            name='note',
            field=targets.fields.CleanTextField(blank=True, help_text="Printed in the report's table: what the committee says of the figure.", max_length=2000, verbose_name='note'),
        ),
        migrations.AlterField(
            model_name='year',
            name='secretary_name',
            field=targets.fields.CleanCharField(blank=True, help_text="Who signs the year's reports.", max_length=200, verbose_name='signer'),
        ),
        migrations.AlterField(
            model_name='year',
            name='superior_party_body',
            field=targets.fields.CleanCharField(help_text='Printed above the issuing committee, e.g. Đảng bộ thị xã Nghĩa Lộ.', max_length=200, verbose_name='superior party organisation'),
        ),
        migrations.AddConstraint(
            model_name='figurechange',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('old_comment'), 2000), name='targets_figurechange_old_comment_length'),
        ),
        migrations.AddConstraint(
            model_name='figurechange',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('new_comment'), 2000), name='targets_figurechange_new_comment_length'),
        ),
        migrations.AddConstraint(
            model_name='year',
            constraint=models.CheckConstraint(condition=models.Q(('excellent_cap_percent__lte', 100)), name='year_cap_a_percent'),
        ),
        migrations.AddConstraint(
            model_name='year',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('recipients'), 2000), name='targets_year_recipients_length'),
        ),
        migrations.AddField(
            model_name='reporttext',
            name='updated_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='last changed by'),
        ),
        migrations.AddField(
            model_name='reporttext',
            name='year',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='report_texts', to='targets.year', verbose_name='year'),
        ),
        migrations.AddConstraint(
            model_name='reporttext',
            constraint=models.UniqueConstraint(fields=('year', 'stage'), name='reporttext_one_per_stage'),
        ),
        migrations.AddConstraint(
            model_name='reporttext',
            constraint=models.CheckConstraint(condition=models.Q(('stage__in', ['half', 'estimate', 'final'])), name='reporttext_stage_known'),
        ),
        migrations.AddConstraint(
            model_name='reporttext',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('results'), 20000), name='targets_reporttext_results_length'),
        ),
        migrations.AddConstraint(
            model_name='reporttext',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('shortcomings'), 20000), name='targets_reporttext_shortcomings_length'),
        ),
        migrations.AddConstraint(
            model_name='reporttext',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('directions'), 20000), name='targets_reporttext_directions_length'),
        ),
        migrations.AddField(
            model_name='year',
            name='half_report_date',
            field=models.DateField(blank=True, null=True, verbose_name='six-month report date'),
        ),
        migrations.AddField(
            model_name='year',
            name='half_report_number',
            field=targets.fields.CleanCharField(blank=True, help_text="The number of the six-month review's report (sơ kết 6 tháng).", max_length=20, verbose_name='six-month report number'),
        ),
        migrations.AlterField(
            model_name='target',
            name='direction',
            field=models.CharField(choices=[('higher', 'higher is better'), ('lower', 'at most (a ceiling)')], default='higher', max_length=10, verbose_name='direction'),
        ),
        migrations.AlterField(
            model_name='target',
            name='kind',
            field=models.CharField(choices=[('count', 'count'), ('money', 'value (money)'), ('rate', 'rate (%)'), ('reduction', 'number reduced'), ('milestone', 'qualitative (achieved or not)')], max_length=20, verbose_name='kind'),
        ),
        migrations.AlterField(
            model_name='year',
            name='report_date',
            field=models.DateField(blank=True, null=True, verbose_name='year-end report date'),
        ),
        migrations.AlterField(
            model_name='year',
            name='report_number',
            field=targets.fields.CleanCharField(blank=True, help_text='The number the year-end report was issued under, e.g. 125; empty until issued, and the document leaves a blank to write it in.', max_length=20, verbose_name='year-end report number'),
        ),
        migrations.AlterField(
            model_name='target',
            name='report_phrase',
            field=targets.fields.CleanCharField(blank=True, help_text="How the report's text states the result, with {actual}, {plan} and {unit}: “thành lập mới {actual}/{plan} tổ hợp tác”. Empty: the name, then the figures.", max_length=300, validators=[targets.models.validate_phrase], verbose_name='phrase in the report'),
        ),
        migrations.RunPython(on_closed_years_too, migrations.RunPython.noop),
        migrations.RunPython(*on_postgresql(GUARDED, UNGUARDED)),
    ]
