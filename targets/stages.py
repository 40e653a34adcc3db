"""The stages of a year's actual figure: the one declaration every layer reads.

A stage is a moment at which the ward states how far each target has come: the level reached
by the end of June (sơ kết 6 tháng) and of September (9 tháng), the estimate for the whole year
made for the year-end conference (ước thực hiện), and the final figure known after the year
ends. Everything a stage decides is declared here, once: the column that holds its actual on a
figure, on a cell's share and in a figure's history (generated from ``field``), the numbers and
dates its report is issued under, whether it carries a verdict, how forms, tables, headings,
imports, file names, the report's prose and its documents name it. Adding a stage is a member
of ``Stage``, its ``About`` in ``ABOUT``, a migration of each app and its translations.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy


class Stage(models.TextChoices):
    """The stages, in the order the year reaches them. Each member carries its declaration as
    attributes: ``stage.field``, ``stage.has_verdict``, ``stage.subject`` … (see About)."""

    HALF = "half", _("six months")
    NINE = "nine", _("nine months")
    ESTIMATE = "estimate", _("estimated for the year")
    FINAL = "final", _("full year")

    @property
    def within_year(self):
        """A stage inside the year (six, nine months): it shows the level reached against the
        year's plan, never a verdict, and its report looks ahead to the rest of the year."""
        return self.months < 12

    @property
    def low_percent(self):
        """Below this share of the year's plan a target is "low" at a stage inside the year:
        half of it at six months, three quarters at nine."""
        return self.months * 100 // 12

    @property
    def report_fields(self):
        """The Year fields of the number and the date its report was issued under."""
        return f"{self.report_prefix}report_number", f"{self.report_prefix}report_date"


@dataclass(frozen=True)
class About:
    """What a stage is and how every layer names it. Strings with %(year)s take the year of
    the figures, %(next)s the year after."""

    field: str  # the column of its actual: Figure, Share; FigureChange's old_ and new_ pairs
    months: int  # the figures speak of the year up to the end of this month
    has_verdict: bool  # vượt / đạt / chưa đạt, or only the level reached
    report_prefix: str  # Year.<prefix>report_number and Year.<prefix>report_date
    dated_after_year: bool  # its report may be dated in January after the year
    file_suffix: str  # bao-cao-2024<suffix>.docx
    heading_words: tuple  # how an imported sheet's heading names it, normalized (no accents)
    form_label: Promise  # a form's field, a table's heading: "Thực hiện 6 tháng"
    short: Promise  # a narrow column's heading: "6 tháng"
    field_name: Promise  # the model field's name: "thực hiện 6 tháng"
    heading: Promise  # a document's column, with its year: "6 tháng năm 2024"
    table_line: Promise  # under an annex's title: "(Số liệu thực hiện 6 tháng, …)"
    subject: Promise  # the report's usual subject
    annex_subject: Promise  # the targets' annex title
    directions_heading: Promise  # section III's heading
    report_number_name: Promise
    report_number_help: Promise
    report_date_name: Promise
    reached_words: Promise | None = None  # the summary's count of targets with a level
    reached_label: Promise | None = None  # the dashboard's count of them
    reached_badge: Promise | None = None  # a row's assessment: "Mức 6 tháng"
    opening: Promise | None = None  # section I's first sentence, inside the year
    directions_lead: Promise | None = None  # section III's first task, inside the year
    keep_results: Promise | None = None  # section III: build on what was reached
    on_track: Promise | None = None  # section II when no target is low, inside the year


ABOUT = {
    Stage.HALF: About(
        field="actual_half",
        months=6,
        has_verdict=False,
        report_prefix="half_",
        dated_after_year=False,
        file_suffix="-6-thang",
        heading_words=("6 thang", "sau thang", "six months"),
        form_label=_("Actual at six months"),
        short=_("Six months"),
        field_name=_("actual at six months"),
        heading=_("Six months of %(year)s"),
        table_line=_("(Figures at six months, against the year's plan)"),
        subject=_(
            "results of the main targets in the first six months of %(year)s, directions and "
            "tasks for the last six months"
        ),
        annex_subject=_("results of the main targets in the first six months of %(year)s"),
        directions_heading=_("III- DIRECTIONS AND TASKS FOR THE LAST SIX MONTHS OF %(year)s"),
        report_number_name=_("six-month report number"),
        report_number_help=_("The number of the six-month review's report (sơ kết 6 tháng)."),
        report_date_name=_("six-month report date"),
        reached_words=ngettext_lazy(
            "%(count)s target with a six months' figure",
            "%(count)s targets with a six months' figure",
            "n",
        ),
        reached_label=_("with a six months' figure"),
        reached_badge=_("Six months' level"),
        opening=_(
            "In the first six months of %(year)s, the %(committee)s led the work on the "
            "%(total)s main targets of the year."
        ),
        directions_lead=_(
            "Concentrate the leadership and direction on completing the targets of %(year)s "
            "in the last six months of the year"
        ),
        keep_results=_("Maintain and build on the results of the first six months of the year."),
        on_track=_("Every target with a figure is at half of the year's plan or more."),
    ),
    Stage.NINE: About(
        field="actual_nine",
        months=9,
        has_verdict=False,
        report_prefix="nine_",
        dated_after_year=False,
        file_suffix="-9-thang",
        heading_words=("9 thang", "chin thang", "nine months"),
        form_label=_("Actual at nine months"),
        short=_("Nine months"),
        field_name=_("actual at nine months"),
        heading=_("Nine months of %(year)s"),
        table_line=_("(Figures at nine months, against the year's plan)"),
        subject=_(
            "results of the main targets in the first nine months of %(year)s, directions and "
            "tasks for the last three months"
        ),
        annex_subject=_("results of the main targets in the first nine months of %(year)s"),
        directions_heading=_("III- DIRECTIONS AND TASKS FOR THE LAST THREE MONTHS OF %(year)s"),
        report_number_name=_("nine-month report number"),
        report_number_help=_("The number of the nine-month report (9 tháng)."),
        report_date_name=_("nine-month report date"),
        reached_words=ngettext_lazy(
            "%(count)s target with a nine months' figure",
            "%(count)s targets with a nine months' figure",
            "n",
        ),
        reached_label=_("with a nine months' figure"),
        reached_badge=_("Nine months' level"),
        opening=_(
            "In the first nine months of %(year)s, the %(committee)s led the work on the "
            "%(total)s main targets of the year."
        ),
        directions_lead=_(
            "Concentrate the leadership and direction on completing the targets of %(year)s "
            "in the last three months of the year"
        ),
        keep_results=_("Maintain and build on the results of the first nine months of the year."),
        on_track=_("Every target with a figure is at three quarters of the year's plan or more."),
    ),
    Stage.ESTIMATE: About(
        field="actual_estimate",
        months=12,
        has_verdict=True,
        report_prefix="estimate_",
        dated_after_year=False,
        file_suffix="-uoc-ca-nam",
        heading_words=("uoc", "estimate"),
        form_label=_("Estimated for the year"),
        short=_("Estimate"),
        field_name=_("estimated actual for the year"),
        heading=_("Estimate for %(year)s"),
        table_line=_("(Estimated figures for the whole year)"),
        subject=_(
            "estimated results of the main targets of %(year)s, directions and tasks for %(next)s"
        ),
        annex_subject=_("estimated results of the main targets of %(year)s"),
        directions_heading=_("III- DIRECTIONS AND TASKS FOR %(next)s"),
        report_number_name=_("estimate report number"),
        report_number_help=_(
            "The number of the report on the year's estimated figures (ước thực hiện)."
        ),
        report_date_name=_("estimate report date"),
    ),
    Stage.FINAL: About(
        field="actual",
        months=12,
        has_verdict=True,
        report_prefix="",
        dated_after_year=True,
        file_suffix="",
        heading_words=(),
        form_label=_("Actual for the year"),
        short=_("Full year"),
        field_name=_("actual for the year"),
        heading=_("Actual for %(year)s"),
        table_line=_("(Figures for the whole year)"),
        subject=_("results of the main targets of %(year)s, directions and tasks for %(next)s"),
        annex_subject=_("results of the main targets of %(year)s"),
        directions_heading=_("III- DIRECTIONS AND TASKS FOR %(next)s"),
        report_number_name=_("year-end report number"),
        report_number_help=_(
            "The number the year-end report was issued under, e.g. 125; empty until issued, "
            "and the document leaves a blank to write it in."
        ),
        report_date_name=_("year-end report date"),
    ),
}

# Each member carries its About as plain attributes: a row reads them many times a page.
for stage, about in ABOUT.items():
    vars(stage).update(vars(about))
del stage, about

# The columns of a figure's actuals, in the order of the stages.
STAGE_FIELDS = tuple(stage.field for stage in Stage)


def of_field(field):
    """The stage whose actual ``field`` holds."""
    return next(stage for stage in Stage if stage.field == field)
