"""The arithmetic of "Percent of plan" and the assessment, with no database.

Every function here takes the target's kind and direction and the year's plan and actual as
``Decimal`` (or ``None`` while a figure is unknown) and derives what the ward's reports print.
Nothing computed here is ever stored.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import get_language, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from .stages import Stage

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


class Kind(models.TextChoices):
    COUNT = "count", _("count")
    MONEY = "money", _("value (money)")
    RATE = "rate", _("rate (%)")
    REDUCTION = "reduction", _("number reduced")
    # A qualitative target (chỉ tiêu định tính): maintained or not, no percent.
    MILESTONE = "milestone", _("qualitative (achieved or not)")


class Direction(models.TextChoices):
    HIGHER = "higher", _("higher is better")
    # A ceiling (chỉ tiêu khống chế): crime cases, the poverty rate.
    LOWER = "lower", _("at most (a ceiling)")


class Assessment(models.TextChoices):
    """The verdict a report prints beside each target, in the order reports count them."""

    EXCEEDED = "exceeded", _("Exceeded plan")
    MET = "met", _("Met plan")
    NOT_MET = "not_met", _("Not met")
    REACHED = "reached", _("Level reached")
    NO_DATA = "no_data", _("No data yet")
    NO_PLAN = "no_plan", _("No plan set")


def round_percent(value):
    """Round half-up to two decimals, as the ward's reports do (99.765 is 99.77)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of_plan(kind, direction, plan, actual, stage=Stage.FINAL):
    """Return the percent of plan as a Decimal with two places, or None where it is "–".

    Higher is better (counts, money, rates, reductions): actual / plan x 100.
    Lower is better (a ceiling): plan / actual x 100, "–" where the actual is 0.
    At six months every kind shows the level reached as a share of the year's plan,
    actual / plan x 100: how much of a ceiling is used up, too.
    Milestones, a missing figure and a zero divisor have no percent.
    """
    if kind == Kind.MILESTONE or plan is None or actual is None:
        return None
    if direction == Direction.LOWER and stage.has_verdict:
        numerator, denominator = plan, actual
    else:
        numerator, denominator = actual, plan
    if denominator == 0:
        return None
    return round_percent(numerator / denominator * HUNDRED)


def assess(kind, direction, plan, actual, stage=Stage.FINAL):
    """Return the Assessment of a figure at ``stage``.

    A target with no plan is "chưa giao kế hoạch" and one with a plan but no actual "chưa có
    số liệu": neither is "chưa đạt". At six months there is no verdict. The verdict compares
    actual and plan exactly, never the rounded percent, so 96.004 against a plan of 96 is
    "Vượt" even though its percent prints as 100,00.
    """
    if plan is None:
        return Assessment.NO_PLAN
    if actual is None:
        return Assessment.NO_DATA
    if not stage.has_verdict:
        return Assessment.REACHED
    if kind == Kind.MILESTONE:
        return Assessment.MET if actual >= plan else Assessment.NOT_MET
    if direction == Direction.LOWER:
        ahead, behind = actual < plan, actual > plan
    else:
        ahead, behind = actual > plan, actual < plan
    if ahead:
        return Assessment.EXCEEDED
    if behind:
        return Assessment.NOT_MET
    return Assessment.MET


def percent_of(previous, actual):
    """This year's figure against the same period of last year (so với cùng kỳ), as a percent,
    or None where either is unknown or last year's is 0."""
    if previous is None or actual is None or previous == 0:
        return None
    return round_percent(actual / previous * HUNDRED)


def small_count(number):
    """A count as the words around it write it: in Vietnamese one to nine take a leading zero
    ("02 vụ", "01 chỉ tiêu"); other numbers, and English, as they are."""
    if 0 < number < 10 and (get_language() or "").startswith("vi"):
        return f"{number:02d}"
    return str(number)


# What the summary says of each assessment, in the order it says them; a count of none is left
# out, so six months' counts name no verdict (every assessment there is REACHED, NO_DATA or
# NO_PLAN). "%(count)s" is the count as prose writes it, "n" the number that picks the plural.
SUMMARY_PARTS = {
    Assessment.EXCEEDED: ngettext_lazy(
        "%(count)s target exceeded plan", "%(count)s targets exceeded plan", "n"
    ),
    Assessment.MET: ngettext_lazy("%(count)s target met plan", "%(count)s targets met plan", "n"),
    Assessment.NOT_MET: ngettext_lazy("%(count)s target not met", "%(count)s targets not met", "n"),
    Assessment.REACHED: None,  # in the stage's own words (Stage.reached_words)
    Assessment.NO_DATA: ngettext_lazy(
        "%(count)s target without data", "%(count)s targets without data", "n"
    ),
    Assessment.NO_PLAN: ngettext_lazy(
        "%(count)s target without a plan", "%(count)s targets without a plan", "n"
    ),
}
SUMMARY_TOTAL = ngettext_lazy(
    "In all %(count)s target: %(parts)s", "In all %(count)s targets: %(parts)s", "n"
)


def counted(words, number):
    """``words`` (one of the above) said of ``number``: "19 chỉ tiêu vượt kế hoạch"."""
    return words % {"n": number, "count": small_count(number)}


class Summary:
    """Counts of a year's assessments at a stage, printed as the reports say it: "Tổng số 40 chỉ
    tiêu: 19 chỉ tiêu vượt kế hoạch, 09 chỉ tiêu đạt kế hoạch, 11 chỉ tiêu chưa đạt, 01 chỉ tiêu
    chưa giao kế hoạch", naming only the assessments some target has."""

    def __init__(self, assessments, stage=Stage.FINAL):
        assessments = list(assessments)
        self.stage = stage
        self.total = len(assessments)
        self.counts = {value: assessments.count(value) for value in Assessment.values}

    def __getitem__(self, assessment):
        return self.counts[assessment]

    def __getattr__(self, name):
        # summary.exceeded, summary.no_plan … in templates.
        try:
            return self.__dict__["counts"][name]
        except KeyError:
            raise AttributeError(name) from None

    def __str__(self):
        if not self.total:
            return str(_("No targets yet"))
        parts = [
            counted(words or self.stage.reached_words, self.counts[assessment])
            for assessment, words in SUMMARY_PARTS.items()
            if self.counts[assessment]
        ]
        return SUMMARY_TOTAL % {
            "n": self.total,
            "count": small_count(self.total),
            "parts": ", ".join(parts),
        }
