import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

NUMERIC = {"td": {"class": "num"}, "th": {"class": "num"}}


class FigureTable(tables.Table):
    """A year's figures as the dashboard shows them, one table per area.

    Each cell renders a Figure property, the same ones the year-end report reads, so the page and
    the report cannot disagree.
    """

    position = tables.Column(_("No."), accessor="target__position", attrs=NUMERIC)
    target = tables.Column(
        _("Target"), accessor="target__name", linkify=lambda record: record.get_absolute_url()
    )
    unit = tables.Column(_("Unit"), accessor="target__unit", orderable=False, default="")
    plan = tables.Column(_("Plan"), attrs=NUMERIC, default="–")
    actual = tables.TemplateColumn(
        template_name="targets/partials/actual_cell.html", verbose_name=_("Actual"), attrs=NUMERIC
    )
    percent = tables.TemplateColumn(
        template_name="targets/partials/percent_cell.html",
        verbose_name=_("% of plan"),
        attrs={"td": {"class": "num percent"}, "th": {"class": "num"}},
    )
    assessment = tables.TemplateColumn(
        template_name="targets/partials/assessment_badge.html",
        verbose_name=_("Assessment"),
        order_by="assessment_rank",
    )
    edit = tables.TemplateColumn(
        template_name="targets/partials/edit_link.html", verbose_name="", orderable=False
    )

    class Meta:
        empty_text = _("No target matches the filter.")
        attrs = {"class": "figures"}

    def render_plan(self, record):
        return record.plan_display or "–"


class YearsTable(tables.Table):
    """One target across all years."""

    year = tables.Column(
        _("Year"), accessor="year__year", linkify=lambda record: record.get_absolute_url()
    )
    plan = tables.Column(_("Plan"), attrs=NUMERIC, orderable=False, default="–")
    actual = tables.TemplateColumn(
        template_name="targets/partials/actual_cell.html",
        verbose_name=_("Actual"),
        attrs=NUMERIC,
        orderable=False,
    )
    percent = tables.TemplateColumn(
        template_name="targets/partials/percent_cell.html",
        verbose_name=_("% of plan"),
        attrs={"td": {"class": "num percent"}, "th": {"class": "num"}},
        orderable=False,
    )
    assessment = tables.TemplateColumn(
        template_name="targets/partials/assessment_badge.html",
        verbose_name=_("Assessment"),
        orderable=False,
    )

    class Meta:
        orderable = False
        attrs = {"class": "figures"}

    def render_plan(self, record):
        return record.plan_display or "–"


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
