import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

NUMERIC = {"td": {"class": "num"}, "th": {"class": "num"}}


class CellTable(tables.Table):
    """The ward's overview: one row per cell with its year."""

    number = tables.Column(_("No."), attrs=NUMERIC)
    name = tables.Column(_("Party cell"), linkify=lambda record: record.url)
    secretary = tables.Column(_("Secretary"), accessor="cell_year__secretary_name", default="–")
    members = tables.TemplateColumn(
        template_name="cells/partials/members_cell.html", verbose_name=_("Members"), attrs=NUMERIC
    )
    tasks = tables.TemplateColumn(
        template_name="cells/partials/task_counts.html",
        verbose_name=_("Tasks by status"),
        orderable=False,
    )
    rating = tables.Column(_("Rating"), accessor="cell_year", default="–", orderable=False)

    class Meta:
        orderable = False
        attrs = {"class": "cells"}

    def render_rating(self, value):
        return value.get_rating_display() or "–"


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
    note = tables.Column(_("Note"), default="")
    edit = tables.TemplateColumn(
        template_name="cells/partials/task_edit_link.html", verbose_name=""
    )

    class Meta:
        orderable = False
        attrs = {"class": "tasks"}
        empty_text = _("No task assigned.")


class RatingHistoryTable(tables.Table):
    """A cell's ratings over the years, with its members' counts per level."""

    year = tables.Column(_("Year"), accessor="year__year")
    secretary_name = tables.Column(_("Secretary"), default="–")
    members = tables.Column(_("Members"), attrs=NUMERIC)
    rating = tables.Column(_("Cell's rating"), default="–")
    members_excellent = tables.Column(_("Excellent"), attrs=NUMERIC)
    members_good = tables.Column(_("Good"), attrs=NUMERIC)
    members_completed = tables.Column(_("Completed"), attrs=NUMERIC)
    members_not_completed = tables.Column(_("Not completed"), attrs=NUMERIC)

    class Meta:
        orderable = False
        attrs = {"class": "ratings"}
        empty_text = _("No rating recorded.")
