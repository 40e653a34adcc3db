import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from targets.tables import NUMERIC, DeclaredColumn, stacked

from .columns import columns

LEVELS = ["excellent", "good", "completed", "not_completed"]


class CellTable(tables.Table):
    """The ward's overview: one row per cell with its year (the rows are Cells, each with its
    ``cell_year``)."""

    number = tables.Column(_("No."), attrs=NUMERIC)
    name = tables.Column(_("Party cell"), linkify=lambda record: record.url)
    members = tables.TemplateColumn(
        template_name="cells/partials/members.html", verbose_name=_("Members"), attrs=NUMERIC
    )
    tasks = tables.TemplateColumn(
        template_name="cells/partials/task_counts.html", verbose_name=_("Tasks by status")
    )

    class Meta:
        orderable = False
        attrs = stacked({"class": "cells"})
        sequence = ["number", "name", "secretary", "members", "tasks", "rating", "illustrative"]

    def __init__(self, cells, **kwargs):
        extra = [
            (column.name, DeclaredColumn(column, of=lambda cell: cell.cell_year))
            for column in columns("secretary", "rating", "illustrative")
        ]
        super().__init__(cells, extra_columns=extra, **kwargs)


class TaskTable(tables.Table):
    """A cell's tasks for a year."""

    target = tables.Column(_("Target"), accessor="target__name")
    description = tables.Column(_("What is to be done"))
    responsible = tables.Column(_("Responsible"))
    due_date = tables.DateColumn(verbose_name=_("Due"), format="SHORT_DATE_FORMAT", default="–")
    status = tables.Column(_("Status"))
    progress = tables.TemplateColumn(
        template_name="cells/partials/target_progress.html",
        verbose_name=_("Target's progress"),
    )
    note = tables.Column(_("Note"), accessor="note_shown", default="")
    latest_note = tables.TemplateColumn(
        template_name="cells/partials/latest_note.html", verbose_name=_("Latest progress")
    )
    report = tables.TemplateColumn(
        template_name="cells/partials/task_report_link.html", verbose_name=""
    )
    edit = tables.TemplateColumn(
        template_name="cells/partials/task_edit_link.html", verbose_name=""
    )

    class Meta:
        orderable = False
        attrs = stacked({"class": "tasks"})
        empty_text = _("No task assigned.")


class RatingHistoryTable(tables.Table):
    """A cell's ratings over the years (the rows are its CellYears), with its members' counts
    per level."""

    year = tables.Column(_("Year"), accessor="year__year")

    class Meta:
        orderable = False
        attrs = stacked({"class": "ratings"})
        empty_text = _("No rating recorded.")

    def __init__(self, cell_years, **kwargs):
        extra = [
            (column.name, DeclaredColumn(column))
            for column in columns("secretary", "members", "rating", *LEVELS, "illustrative")
        ]
        super().__init__(cell_years, extra_columns=extra, **kwargs)
