"""What each column of the year's report says, declared once.

The dashboard's table (targets.tables), the print view and the workbook (targets.xlsx) all read
``REPORT_COLUMNS``: a new column is one more entry here, and the three cannot disagree.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from django.utils.translation import gettext_lazy as _

from . import display
from .numbers import format_number
from .stages import Stage

# A column's layout, how its values are laid out: text left, short text centred, numbers right.
# In a sheet, a number in an AMOUNT column keeps its decimals ("#,##0.0#"), one in a PERCENT
# column is formatted as a percent; text in either is centred ("–", "Có").
TEXT, CENTER, AMOUNT, PERCENT = "text", "center", "amount", "percent"


@dataclass(frozen=True)
class Column:
    """One column: its heading, the value a row holds there, and how that value is shown and
    laid out (``layout``: TEXT, CENTER, AMOUNT or PERCENT).

    ``value`` is what a sheet stores (a number stays a number); ``text`` what the print view and
    documents write (by default the value as text); ``html`` what the screen shows when that is
    more than the text (a link, a badge, a bar). ``order_by`` names the row attribute the screen
    sorts by, if the column can be sorted. A column of a ``group`` shows only where the report
    asks for that group. ``heading_for(report)``, where given, names the column for a report
    with its years ("Kế hoạch năm 2024"); ``heading`` is the name without them.
    """

    name: str
    heading: Any
    value: Callable
    text: Callable | None = None
    html: Callable | None = None
    layout: str = TEXT
    width: int = 12  # in the sheet, in characters
    order_by: str | None = None
    on_screen: bool = True
    in_report: bool = True
    in_document: bool = True  # the document's annex; section II of its text gives the reasons
    # An optional group the page asks for ("compare": the same period of the year before;
    # "next": next year's plan); None: always shown.
    group: str | None = None
    heading_for: Callable | None = None

    def for_report(self, report):
        """The column as ``report`` shows it, its heading naming the report's years."""
        if self.heading_for is None:
            return self
        return replace(self, heading=self.heading_for(report))

    def shown(self, row):
        if self.text is not None:
            return self.text(row)
        value = self.value(row)
        if value is None:
            return ""
        if self.layout == AMOUNT and not isinstance(value, str):
            return format_number(value)  # "1.234", whatever the reader's settings
        return str(value)

    def shown_html(self, row):
        return self.html(row) if self.html is not None else self.shown(row)

    @property
    def numeric(self):
        return self.layout in (AMOUNT, PERCENT)


def or_none_mark(value):
    """``value``, or "–" where there is none: a sheet's entry is never left blank for a
    percent that cannot be computed. (A row computes its percents anew each time it is
    asked.)"""
    return display.NONE if value is None else value


def plan_heading(year):
    return _("Plan for %(year)s") % {"year": year}


def actual_heading(stage, year):
    """The actual at a stage, named with its year: "Thực hiện năm 2023", "Ước thực hiện năm
    2024"."""
    return stage.heading % {"year": year}


def previous_heading(report):
    """Last year's figure the report compares with: the same stage where last year has it,
    else its final figure, and the heading says which ("Thực hiện năm 2023")."""
    return actual_heading(report.compare_stage, report.year.year - 1)


def percent_of_previous_heading(report):
    return _("Percent of %(previous)s") % {"previous": previous_heading(report).lower()}


REPORT_COLUMNS = [
    Column(
        "position", _("No."), lambda row: row.position, layout=CENTER, width=6, order_by="position"
    ),
    Column(
        "name",
        _("Target"),
        lambda row: row.name,
        html=display.target_link,
        width=48,
        order_by="name",
    ),
    Column("unit", _("Unit"), lambda row: row.unit, layout=CENTER, width=11),
    Column(
        "plan",
        _("Plan"),
        lambda row: row.amount(row.plan, plan=True),
        text=lambda row: row.plan_text or display.NONE,
        layout=AMOUNT,
        width=13,
        order_by="plan_order",
        heading_for=lambda report: plan_heading(report.year.year),
    ),
    Column(
        "actual",
        _("Actual"),
        lambda row: row.amount(row.actual),
        text=lambda row: row.actual_text or display.NONE,
        html=display.actual_html,
        layout=AMOUNT,
        width=13,
        order_by="actual_order",
        heading_for=lambda report: actual_heading(report.stage, report.year.year),
    ),
    Column(
        "percent",
        _("Percent of plan"),
        lambda row: or_none_mark(row.percent),
        text=lambda row: row.percent_text,
        html=display.percent_html,
        layout=PERCENT,
        width=13,
        order_by="percent_order",
    ),
    Column(
        "assessment",
        _("Assessment"),
        lambda row: str(row.assessment_words),
        html=display.assessment_badge,
        layout=CENTER,
        width=14,
        order_by="assessment_rank",
    ),
    *(
        Column(
            name,
            heading,
            lambda row, stage=stage: row.amount(row.figure.actual_at(stage)),
            text=lambda row, stage=stage: row.text_at(stage) or display.NONE,
            layout=AMOUNT,
            width=13,
            in_report=False,
            group="stages",
            heading_for=lambda report, stage=stage: actual_heading(stage, report.year.year),
        )
        # The full year's actual is the "actual" column itself, at the full-year stage.
        for name, heading, stage in ((stage.field, stage.short, stage) for stage in Stage)
        if stage != Stage.FINAL
    ),
    Column(
        "previous",
        _("Same period last year"),
        lambda row: row.amount(row.previous_actual),
        text=lambda row: row.previous_text or display.NONE,
        layout=AMOUNT,
        width=13,
        group="compare",
        heading_for=previous_heading,
    ),
    Column(
        "percent_of_previous",
        _("Percent of last year"),
        lambda row: or_none_mark(row.percent_of_previous),
        text=lambda row: display.percent_text(row.percent_of_previous),
        layout=PERCENT,
        width=13,
        group="compare",
        heading_for=percent_of_previous_heading,
    ),
    Column(
        "reason",
        _("Reason"),
        lambda row: row.reason,
        width=36,
        on_screen=False,
        in_document=False,
    ),
    Column("note", _("Note"), lambda row: row.note, width=36, on_screen=False),
    Column(
        "next_plan",
        _("Plan for next year"),
        lambda row: row.amount(row.next_plan, plan=True),
        text=lambda row: row.next_plan_text or display.NONE,
        layout=AMOUNT,
        width=13,
        on_screen=False,
        group="next",
        heading_for=lambda report: plan_heading(report.year.year + 1),
    ),
]
