"""The year's report as data: each target's row at a stage of the year, grouped by area, beside
the same period of the year before, and the summary line.

``YearReport`` is the one source of the rows the dashboard, the print view and the workbook
show; what each column of a row says is declared once, in targets.columns.
"""

import functools
import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from . import columns, display, narrative, progress
from .models import Figure, ReportText, Year
from .progress import Assessment, Kind, Summary
from .stages import Stage

# A placeholder reversed once per report and replaced per row: one reverse() per report instead
# of one per row.
SLUG_PLACEHOLDER = "slug-placeholder"


class Row:
    """One target's line in a year's report at ``stage``: its figure, the same target's figure
    of the year before (``previous``) and after (``following``), and what the report says."""

    def __init__(
        self, figure, url="", stage=Stage.FINAL, previous=None, following=None, compare_stage=None
    ):
        self.figure = figure
        self.target = figure.target
        self.url = url or figure.get_absolute_url()
        self.stage = Stage(stage)
        self.previous = previous
        self.following = following
        # The stage of last year's figure this row compares with (see compare_stage below).
        self.compare_stage = Stage(compare_stage or stage)

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
        return self.figure.actual_at(self.stage)

    @property
    def percent(self):
        t = self.target
        return progress.percent_of_plan(t.kind, t.direction, self.plan, self.actual, self.stage)

    @property
    def assessment(self):
        t = self.target
        return Assessment(progress.assess(t.kind, t.direction, self.plan, self.actual, self.stage))

    @property
    def assessment_words(self):
        """The assessment as pages and documents print it; inside the year, the level of its
        stage: "Mức 6 tháng"."""
        assessment = self.assessment  # derived afresh on each read
        return self.stage.reached_badge if assessment == Assessment.REACHED else assessment.label

    @property
    def assessment_rank(self):
        """Position of the assessment in report order, for sorting: Vượt first."""
        return Assessment.values.index(self.assessment)

    @property
    def illustrative(self):
        return self.figure.illustrative

    @property
    def plan_text(self):
        return display.amount_text(self.target.kind, self.plan, plan=True)

    @property
    def actual_text(self):
        return display.amount_text(self.target.kind, self.actual)

    @property
    def percent_text(self):
        return display.percent_text(self.percent)

    def text_at(self, stage):
        return display.amount_text(self.target.kind, self.figure.actual_at(stage))

    @property
    def note(self):
        return display.note_text(self.figure)

    @property
    def reason(self):
        return self.figure.reason

    # The same period of the year before (so với cùng kỳ), and the plan of the year after.

    @property
    def previous_actual(self):
        return self.previous.actual_at(self.compare_stage) if self.previous else None

    @property
    def previous_text(self):
        return display.amount_text(self.target.kind, self.previous_actual)

    @property
    def percent_of_previous(self):
        if self.target.kind == Kind.MILESTONE:
            return None
        return progress.percent_of(self.previous_actual, self.actual)

    @property
    def next_plan(self):
        return self.following.plan if self.following else None

    @property
    def next_plan_text(self):
        return display.amount_text(self.target.kind, self.next_plan, plan=True)

    # Sort keys: unknown values sort last, whatever the direction.

    @property
    def plan_order(self):
        return self.sort_key(self.plan)

    @property
    def actual_order(self):
        return self.sort_key(self.actual)

    @property
    def percent_order(self):
        return self.sort_key(self.percent)

    def amount(self, value, plan=False):
        """A plan or actual as a sheet holds it: the number, or for a qualitative target its
        words ("Duy trì", "Đạt", "Chưa đạt")."""
        if value is None or self.target.kind != Kind.MILESTONE:
            return value
        return display.amount_text(Kind.MILESTONE, value, plan=plan)

    @staticmethod
    def sort_key(value):
        return (value is None, value if value is not None else Decimal(0))


@dataclass
class YearReport:
    """A year's rows at a stage in report order, grouped by area, with the summary line."""

    year: Year
    rows: list
    stage: Stage = Stage.FINAL
    groups: set = field(default_factory=set)  # the optional column groups shown
    compare_stage: Stage = Stage.FINAL  # the stage of last year's figures compared with

    @classmethod
    def for_year(cls, year, stage=None, groups=()):
        """The report of ``year`` (a Year) at ``stage`` (by default the latest stage it has
        data for) in three queries: the year's figures with target and area, and the same
        targets' figures of the year before and after."""
        figures = list(Figure.objects.for_year(year))
        stage = Stage(stage) if stage else latest_stage(figures)
        neighbours = neighbour_figures(year, figures)
        previous = [f for (number, _t), f in neighbours.items() if number == year.year - 1]
        compare = compare_stage(previous, stage)
        pattern = reverse("targets:target", kwargs={**year.address, "slug": SLUG_PLACEHOLDER})
        rows = [
            Row(
                figure,
                pattern.replace(SLUG_PLACEHOLDER, figure.target.slug),
                stage,
                previous=neighbours.get((year.year - 1, figure.target_id)),
                following=neighbours.get((year.year + 1, figure.target_id)),
                compare_stage=compare,
            )
            for figure in figures
        ]
        return cls(year=year, rows=rows, stage=stage, groups=set(groups), compare_stage=compare)

    @classmethod
    def year_end(cls, year, stage=None):
        """The report as the year-end documents show it: at ``stage``, beside the same period
        of the year before, with next year's plans once any is set."""
        report = cls.for_year(year, stage)
        if report.has_previous:
            report.groups.add("compare")
        if report.has_next_plans:
            report.groups.add("next")
        return report

    @property
    def sections(self):
        """[(area, [row, ...]), ...] in area order; for_year orders by area, so each area's
        rows are one run."""
        return [(area, list(rows)) for area, rows in itertools.groupby(self.rows, Row.area.fget)]

    @property
    def summary(self):
        return Summary((row.assessment for row in self.rows), self.stage)

    @functools.cached_property
    def text(self):
        """The report's words at its stage: the office's saved text, or else a draft from the
        figures (unsaved). One query."""
        saved = ReportText.objects.filter(year=self.year, stage=self.stage).first()
        if saved:
            saved.year = self.year  # already at hand: no query for it
        return saved or ReportText(year=self.year, stage=self.stage, **narrative.draft(self))

    @functools.cached_property
    def is_draft(self):
        """A report is a draft (DỰ THẢO) until the office marks its text final. One query for
        the report (each annex of the workbook asks), and no drafting of the text when only this
        is asked."""
        if "text" in self.__dict__:
            return not self.text.is_final
        saved = ReportText.objects.filter(year=self.year, stage=self.stage, is_final=True)
        return not saved.exists()

    @property
    def has_previous(self):
        """Whether any row has last year's figure to compare with: if none has, the report
        leaves the comparison's columns out rather than print them empty."""
        return any(row.previous_actual is not None for row in self.rows)

    @property
    def has_next_plans(self):
        return any(row.next_plan is not None for row in self.rows)

    def shows(self, column):
        return column.group is None or column.group in self.groups

    def declared(self, keep):
        """The report's columns that ``keep`` accepts, headed with the report's years."""
        return [
            column.for_report(self)
            for column in columns.REPORT_COLUMNS
            if keep(column) and self.shows(column)
        ]

    @property
    def columns(self):
        return self.declared(lambda column: column.in_report)

    @property
    def document_columns(self):
        return self.declared(lambda column: column.in_report and column.in_document)

    @property
    def screen_columns(self):
        return self.declared(lambda column: column.on_screen)

    def printed_sections(self):
        """The sections with each row's cells as the document's annex writes them."""
        report_columns = self.document_columns
        return [
            (area, [[(column, column.shown(row)) for column in report_columns] for row in rows])
            for area, rows in self.sections
        ]


def neighbour_figures(year, figures):
    """{(year number, target id): figure} of ``figures``' targets in the years before and
    after ``year``: as stored, or for a closed year as they stood when it was closed
    (Figure.kept_neighbours), so that nothing written since (a year added before it, a plan of
    the year after revised) moves a report the committee has filed."""
    if year.is_closed and figures and figures[0].kept_neighbours is not None:
        return kept_neighbours(year, figures)
    return stored_neighbours(year, figures)


def stored_neighbours(year, figures):
    """{(year number, target id): figure} of ``figures``' targets in the years before and
    after ``year``, as stored now: one query."""
    return {
        (figure.year.year, figure.target_id): figure
        for figure in Figure.objects.filter(
            target__in={figure.target_id for figure in figures},
            year__year__in=(year.year - 1, year.year + 1),
        ).select_related("year")
    }


def kept_neighbours(year, figures):
    """The neighbours of a closed year's ``figures`` as kept at its closing, as unsaved
    Figures holding the amounts a report reads."""
    neighbours = {}
    for figure in figures:
        kept = figure.kept_neighbours
        if kept.get("previous") is not None:
            amounts = {Stage(stage).field: value for stage, value in kept["previous"].items()}
            neighbours[year.year - 1, figure.target_id] = Figure(
                target_id=figure.target_id, **kept_amounts(amounts)
            )
        if "next_plan" in kept:
            neighbours[year.year + 1, figure.target_id] = Figure(
                target_id=figure.target_id, **kept_amounts({"plan": kept["next_plan"]})
            )
    return neighbours


def kept_amounts(amounts):
    return {name: None if value is None else Decimal(value) for name, value in amounts.items()}


def compare_stage(previous, stage):
    """The stage of last year's figures (``previous``) a report at ``stage`` compares with: the
    same stage where last year recorded any figure at it; else its final figures, as the office
    does when it compares an estimate with last year's result."""
    if any(figure.actual_at(stage) is not None for figure in previous):
        return Stage(stage)
    return Stage.FINAL


def latest_stage(figures):
    """The latest stage any of ``figures`` has an actual for; the full year if none has."""
    stages = {figure.latest_stage() for figure in figures} - {None}
    return max(stages, key=list(Stage).index, default=Stage.FINAL)


# --- What a closed year's report keeps ------------------------------------------------------


def keep_what_the_report_reads(sender, year, by, **kwargs):
    """At the closing (targets.models.year_closing, inside its transaction and the year's
    lock): what the report reads of the years around it, and the drafts the office never
    saved, so that a closed year's report reads as it was closed."""
    keep_neighbours(year)
    keep_report_drafts(year, by)


def keep_neighbours(year):
    """Keep on each figure what the year's report reads of the years before and after it
    (last year's actual at every stage, next year's plan), as they stand now: the closed
    year's report reads these (targets.report.neighbour_figures), not what is written
    later."""
    figures = list(year.figures.all())
    neighbours = stored_neighbours(year, figures)

    def text(value):
        return None if value is None else str(value)

    for figure in figures:
        kept = {}
        previous = neighbours.get((year.year - 1, figure.target_id))
        if previous is not None:
            kept["previous"] = {stage: text(previous.actual_at(stage)) for stage in Stage}
        following = neighbours.get((year.year + 1, figure.target_id))
        if following is not None:
            kept["next_plan"] = text(following.plan)
        figure.kept_neighbours = kept
    Figure.objects.bulk_update(figures, ["kept_neighbours"])


def keep_report_drafts(year, by):
    """Keep the draft of each stage with figures whose text the office never saved, as the
    report prints it now, at version 0 (ReportText.write counts the office's saves from
    1): a draft is written afresh from what it reads (the targets' names and phrases, next
    year's plans), and a closed year's report reads as it was closed. Raises
    ValidationError where a draft is longer than a report's text may be."""
    saved = set(year.report_texts.values_list("stage", flat=True))
    figures = list(year.figures.all())
    for stage in Stage:
        if stage in saved or all(figure.actual_at(stage) is None for figure in figures):
            continue
        draft = YearReport.year_end(year, stage).text
        if any(
            len(getattr(draft, name)) > ReportText._meta.get_field(name).max_length
            for name in ReportText.SECTIONS
        ):
            raise ValidationError(
                _(
                    "The year cannot be closed yet: the report drafted from the figures "
                    "(%(stage)s) is too long to keep. Shorten its text and save it first."
                )
                % {"stage": stage.label},
                code="draft_too_long",
            )
        draft.version, draft.updated_by = 0, by
        draft.save(changed_by=by)
