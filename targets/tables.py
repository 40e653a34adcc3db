import django_tables2 as tables
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .templatetags.figures import actual_cell, assessment_badge, percent_cell

NUMERIC = {"td": {"class": "num"}, "th": {"class": "num"}}
SLUG_PLACEHOLDER = "slug-placeholder"


class FigureColumns(tables.Table):
    """The columns every table of figures shows: plan, actual, percent of plan, assessment.

    Each renders a Figure property, the same ones the year-end report reads, so the pages and
    the report cannot disagree.
    """

    plan = tables.Column(_("Plan"), attrs=NUMERIC, default="–")
    actual = tables.Column(_("Actual"), attrs=NUMERIC, empty_values=())
    percent = tables.Column(
        _("Percent of plan"),
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
    target = tables.Column(_("Target"), accessor="name", order_by="target__name")
    unit = tables.Column(_("Unit"), accessor="unit", orderable=False, default="")
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

    def render_position(self, record):
        return record.target.position

    def render_target(self, record):
        return format_html('<a href="{}">{}</a>', self._url("targets:target", record), record.name)

    def render_unit(self, record):
        return record.unit

    def render_edit(self, record):
        return format_html(
            '<a class="edit" href="{}?{}">{}<span class="visually-hidden"> {}</span></a>',
            self._url("targets:edit", record),
            self._back,
            gettext("Edit"),
            record.name,
        )

    @cached_property
    def _back(self):
        return urlencode({"next": self.request.get_full_path()})

    @cached_property
    def _url_patterns(self):
        # One reverse per table and kind of link instead of two per row: the rows share a year.
        year = self.data.data[0].year.year if self.data.data else 0
        return {
            name: reverse(name, args=[year, SLUG_PLACEHOLDER])
            for name in ("targets:target", "targets:edit")
        }

    def _url(self, name, record):
        return self._url_patterns[name].replace(SLUG_PLACEHOLDER, record.target.slug)

    def rows_html(self):
        """The table's body, grouped under area headings, cell by cell through the render_
        methods above. django-tables2 would inspect each method's signature again for every
        cell, a sixth of the dashboard's time; the columns are known here, so it calls them."""
        renderers = [getattr(self, f"render_{column.name}") for column in self.columns]
        width = len(renderers)
        rows, area = [], None
        for record in self.data:
            if record.target.area_id != area:
                area = record.target.area_id
                rows.append(
                    format_html(
                        '<tr class="area-row"><th colspan="{}" scope="rowgroup"><h2>{}. {}'
                        "</h2></th></tr>",
                        width,
                        record.target.area.roman,
                        record.target.area.name,
                    )
                )
            cells = format_html_join("", "<td>{}</td>", ((render(record),) for render in renderers))
            rows.append(format_html("<tr>{}</tr>", cells))
        return mark_safe("\n".join(rows))  # every part above was escaped by format_html


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
