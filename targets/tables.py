import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .templatetags.figures import actual_cell, assessment_badge, percent_cell

NUMERIC = {"td": {"class": "num"}, "th": {"class": "num"}}


class FigureColumns(tables.Table):
    """The columns every table of figures shows: plan, actual, percent of plan, assessment.

    Each renders a Figure property, the same ones the year-end report reads, so the pages and
    the report cannot disagree.
    """

    plan = tables.Column(_("Plan"), attrs=NUMERIC, default="–")
    actual = tables.Column(_("Actual"), attrs=NUMERIC, empty_values=())
    percent = tables.Column(
        _("% of plan"),
        attrs={"td": {"class": "num percent"}, "th": {"class": "num"}},
        empty_values=(),
    )
    assessment = tables.Column(_("Assessment"), order_by="assessment_rank", empty_values=())

    def render_plan(self, record):
        return record.plan_display or "–"

    def render_actual(self, record):
        return actual_cell(record)

    def render_percent(self, record):
        return percent_cell(record)

    def render_assessment(self, record):
        return assessment_badge(record)


class FigureTable(FigureColumns):
    """A year's figures as the dashboard shows them, grouped under their areas."""

    position = tables.Column(_("No."), accessor="target__position", attrs=NUMERIC)
    target = tables.Column(_("Target"), accessor="target__name")
    unit = tables.Column(_("Unit"), accessor="target__unit", orderable=False, default="")
    edit = tables.Column("", orderable=False, empty_values=())

    class Meta:
        sequence = ["position", "target", "unit", "plan", "actual", "percent", "assessment", "edit"]
        empty_text = _("No target matches the filter.")
        attrs = {"class": "figures by-area"}
        template_name = "targets/figure_table.html"

    def keep_areas_together(self):
        """Reports group targets by area: after sorting by a column, put the areas back in
        order. The sort is stable, so the chosen order holds within each area."""
        self.data.data.sort(key=lambda figure: figure.target.area.position)

    def render_target(self, record, value):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)

    def render_edit(self, record):
        url = reverse("targets:edit", args=[record.year.year, record.target.slug])
        back = urlencode({"next": self.request.get_full_path()})
        return format_html(
            '<a class="edit" href="{}?{}">{}<span class="visually-hidden"> {}</span></a>',
            url,
            back,
            gettext("Edit"),
            record.target.name,
        )


class YearsTable(FigureColumns):
    """One target across all years."""

    year = tables.Column(
        _("Year"), accessor="year__year", linkify=lambda record: record.get_absolute_url()
    )

    class Meta:
        sequence = ["year", "plan", "actual", "percent", "assessment"]
        orderable = False
        attrs = {"class": "figures"}


class HistoryTable(tables.Table):
    """Every change of a figure: who, when, and the values before and after."""

    changed_at = tables.DateTimeColumn(verbose_name=_("When"), format="SHORT_DATETIME_FORMAT")
    changed_by = tables.Column(_("Who"), default=_("system (data load)"))
    plan = tables.Column(_("Plan"), accessor="plan_change")
    actual = tables.Column(_("Actual"), accessor="actual_change")
    note = tables.Column(_("Note"), accessor="new_note")

    class Meta:
        orderable = False
        attrs = {"class": "history"}
        empty_text = _("No change recorded.")

    def render_changed_by(self, value):
        return value.get_full_name() or value.get_username()
