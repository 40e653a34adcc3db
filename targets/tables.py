import django_tables2 as tables
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import columns, display
from .stages import STAGE_FIELDS, Stage


def column_heading(bound_column):
    return bound_column.header


# A column's own "td" attrs replace the table's (see stacked): a number's keeps its heading too.
NUMERIC = {"td": {"class": "num", "data-label": column_heading}, "th": {"class": "num"}}


def table_columns(declared):
    """django-tables2 columns for the report columns ``declared`` (targets.columns): headings,
    sorting and alignment come from the declaration; each entry is its shown_html."""
    return [
        (
            column.name,
            tables.Column(
                column.heading,
                accessor=column.order_by or column.name,
                orderable=column.order_by is not None,
                attrs=NUMERIC if column.numeric else {},
                empty_values=(),
            ),
        )
        for column in declared
    ]


class DeclaredColumn(tables.Column):
    """A django-tables2 column that shows a declared column's text (targets.columns.Column) of
    each record, or of the object ``of(record)`` gives; "–" where there is none."""

    def __init__(self, declared, of=None, **kwargs):
        self.declared = declared
        self.of = of
        kwargs.setdefault("attrs", NUMERIC if declared.numeric else {})
        super().__init__(declared.heading, empty_values=(), **kwargs)

    def render(self, record):
        subject = self.of(record) if self.of is not None else record
        return (self.declared.shown(subject) if subject is not None else "") or display.NONE


def stacked(attrs):
    """Table attrs for a table a phone shows as one card a row (CSS ``table.stack``): each entry
    (``td``) carries its column's heading, which the card writes before the value."""
    classes = f"{attrs.get('class', '')} stack".strip()
    return {
        **attrs,
        "class": classes,
        "td": {"data-label": lambda bound_column: bound_column.header},
    }


class ReportTable(tables.Table):
    """Rows of a report (targets.report.Row) under the declared columns, rendered entry by entry
    through each column's shown_html."""

    class Meta:
        template_name = "targets/report_table.html"

    def __init__(self, rows, declared, request=None, **kwargs):
        # The request is kept for the rows' links, not handed to django-tables2, which would
        # order by ?sort= and paginate by ?page= and ?per_page= as they come: a report's rows
        # are never in pages, and the page orders them by a declared column only
        # (targets.views.dashboard).
        super().__init__(rows, extra_columns=table_columns(declared), **kwargs)
        self.request = request
        self.declared = {column.name: column for column in declared}

    def entry(self, name, row):
        """What ``row`` shows in the column ``name``, as HTML."""
        return self.declared[name].shown_html(row)

    def td_class(self, name):
        declared = self.declared.get(name)
        return mark_safe(' class="num"') if declared is not None and declared.numeric else ""

    def row_html(self, row):
        """One row's entries in the table's order, numbers aligned by their column's layout, each
        with its column's heading for a phone (see stacked). django-tables2 would inspect a
        render method's signature again for every entry, a sixth of the dashboard's time; the
        columns are known here, so they are called directly."""
        entries = format_html_join(
            "",
            '<td{} data-label="{}">{}</td>',
            (
                (self.td_class(column.name), self.labels[column.name], self.entry(column.name, row))
                for column in self.columns
            ),
        )
        return format_html("<tr>{}</tr>", entries)

    @cached_property
    def labels(self):
        return {column.name: column.header for column in self.columns}

    def rows_html(self):
        return mark_safe("\n".join(self.row_html(row) for row in self.data))


class FigureTable(ReportTable):
    """A year's rows as the dashboard shows them, grouped under their areas."""

    edit = tables.Column("", orderable=False, empty_values=())

    class Meta(ReportTable.Meta):
        empty_text = _("No target matches the filter.")
        attrs = {"class": "figures by-area stack"}

    def __init__(self, report, rows=None, **kwargs):
        """The rows of ``report`` (or those of them given) under its screen columns."""
        super().__init__(report.rows if rows is None else rows, report.screen_columns, **kwargs)
        self.sequence = [*self.declared, "edit"]

    def keep_areas_together(self):
        """Reports group targets by area: after sorting by a column, put the areas back in
        order. The sort is stable, so the chosen order holds within each area."""
        self.data.data.sort(key=lambda row: row.area.position)

    def entry(self, name, row):
        if name == "edit":
            return self.edit_link(row)
        return super().entry(name, row)

    def edit_link(self, row):
        return format_html(
            '<a class="edit" href="{}edit/?{}">{}<span class="visually-hidden"> {}</span></a>',
            row.url,
            self._back,
            gettext("Edit"),
            row.name,
        )

    @cached_property
    def _back(self):
        return urlencode({"next": self.request.get_full_path()})

    def rows_html(self):
        """The table's body, grouped under area headings."""
        width = len(self.columns)
        rows, area = [], None
        for row in self.data:
            if row.area.pk != area:
                area = row.area.pk
                rows.append(
                    format_html(
                        '<tr class="area-row"><th colspan="{}" scope="rowgroup">'
                        '<span role="heading" aria-level="2">{}. {}</span></th></tr>',
                        width,
                        row.area.roman,
                        row.area.name,
                    )
                )
            rows.append(self.row_html(row))
        return mark_safe("\n".join(rows))  # every part above was escaped by format_html


class YearsTable(ReportTable):
    """One target across all years: plan, each stage's actual, percent and assessment of the
    full year, as the report declares them."""

    SHOWN = ["plan", *STAGE_FIELDS, "percent", "assessment"]

    year = tables.Column(_("Year"), accessor="year", orderable=False)

    class Meta(ReportTable.Meta):
        orderable = False
        attrs = {"class": "figures stack"}

    def __init__(self, rows, **kwargs):
        by_name = {column.name: column for column in columns.REPORT_COLUMNS}
        super().__init__(rows, [by_name[name] for name in self.SHOWN], **kwargs)
        self.sequence = ["year", *self.declared]

    def entry(self, name, row):
        if name == "year":
            return format_html('<a href="{}">{}</a>', row.url, row.figure.year.year)
        return super().entry(name, row)


class AmountChangeColumn(tables.Column):
    """An amount a change took from one value to another: "90 → 95,77"."""

    def __init__(self, verbose_name):
        super().__init__(verbose_name, empty_values=())

    def render(self, record, bound_column):
        return record.amount_change(bound_column.name)


class HistoryTable(tables.Table):
    """Every change of a figure: who, when, and the values before and after."""

    changed_at = tables.DateTimeColumn(verbose_name=_("When"), format="SHORT_DATETIME_FORMAT")
    changed_by = tables.Column(_("Who"), default=_("system (data load)"))
    plan = AmountChangeColumn(_("Plan"))
    # The actual at each stage (targets.stages).
    for stage in Stage:
        locals()[stage.field] = AmountChangeColumn(stage.short)
    del stage
    note = tables.Column(_("Note"), accessor="new_note")
    reason = tables.Column(_("Reason"), accessor="new_reason")

    class Meta:
        orderable = False
        attrs = stacked({"class": "history"})
        empty_text = _("No change recorded.")

    def render_changed_by(self, value, record):
        if record.imported_from_id is None:
            return display.person(value)
        return format_html(
            "{}<br><small>{}</small>",
            display.person(value),
            gettext("from the file %(file)s") % {"file": record.imported_from.file_name},
        )
