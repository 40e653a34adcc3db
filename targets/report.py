"""The year's report as data: each target's row, grouped by area, and the summary line.

``YearReport`` is the one source of the rows the dashboard, the print view and the workbook
show; what each column of a row says is declared once, in targets.columns.
"""

import itertools
from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse

from . import columns, display
from .models import Figure, Year
from .progress import Kind, Summary

# A placeholder reversed once per report and replaced per row: one reverse() per report instead
# of one per row.
SLUG_PLACEHOLDER = "slug-placeholder"


class Row:
    """One target's line in a year's report: its figure, and what the report says of it."""

    def __init__(self, figure, url=""):
        self.figure = figure
        self.target = figure.target
        self.url = url or figure.get_absolute_url()

    @property
    def position(self):
        return self.target.position

    @property
    def name(self):
        return self.figure.name

    @property
    def unit(self):
        return self.figure.unit

    @property
    def area(self):
        return self.target.area

    @property
    def plan(self):
        return self.figure.plan

    @property
    def actual(self):
        return self.figure.actual

    @property
    def percent(self):
        return self.figure.percent

    @property
    def assessment(self):
        return self.figure.assessment

    @property
    def assessment_rank(self):
        return self.figure.assessment_rank

    @property
    def illustrative(self):
        return self.figure.illustrative

    @property
    def plan_text(self):
        return display.amount_text(self.target.kind, self.plan)

    @property
    def actual_text(self):
        return display.amount_text(self.target.kind, self.actual)

    @property
    def percent_text(self):
        return display.percent_text(self.percent)

    @property
    def note(self):
        return display.note_text(self.figure)

    @property
    def plan_order(self):
        return self.sort_key(self.plan)

    @property
    def actual_order(self):
        return self.sort_key(self.actual)

    @property
    def percent_order(self):
        return self.sort_key(self.percent)

    def amount(self, value):
        """A plan or actual as a sheet holds it: the number, or Có/Không for a milestone."""
        if value is None or self.target.kind != Kind.MILESTONE:
            return value
        return display.amount_text(Kind.MILESTONE, value)

    @staticmethod
    def sort_key(value):
        """Unknown values sort last, whatever the direction."""
        return (value is None, value if value is not None else Decimal(0))


@dataclass
class YearReport:
    """A year's rows in report order, grouped by area, with the summary line."""

    year: Year
    rows: list

    @classmethod
    def for_year(cls, year):
        """The report of ``year`` (a Year) from one query: the figures with target and area."""
        pattern = reverse("targets:target", args=[year.year, SLUG_PLACEHOLDER])
        rows = [
            Row(figure, pattern.replace(SLUG_PLACEHOLDER, figure.target.slug))
            for figure in Figure.objects.for_year(year)
        ]
        return cls(year=year, rows=rows)

    @property
    def sections(self):
        """[(area, [row, ...]), ...] in area order; for_year orders by area, so each area's
        rows are one run."""
        return [(area, list(rows)) for area, rows in itertools.groupby(self.rows, Row.area.fget)]

    @property
    def summary(self):
        return Summary(row.assessment for row in self.rows)

    @property
    def is_final(self):
        """Only a closed year's figures are official; an open year's may still change."""
        return self.year.is_closed

    @property
    def columns(self):
        return [column for column in columns.REPORT_COLUMNS if column.in_report]

    def printed_sections(self):
        """The sections with each row's cells as the print view writes them."""
        report_columns = self.columns
        return [
            (area, [[(column, column.shown(row)) for column in report_columns] for row in rows])
            for area, rows in self.sections
        ]
