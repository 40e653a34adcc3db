"""The arithmetic of "Percent of plan" and the assessment, with no database.

Every function here takes the target's kind and direction and the year's plan and actual as
``Decimal`` (or ``None`` while a figure is unknown) and derives what the ward's reports print.
Nothing computed here is ever stored.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


class Kind(models.TextChoices):
    COUNT = "count", _("count")
    MONEY = "money", _("money")
    RATE = "rate", _("rate (%)")
    REDUCTION = "reduction", _("reduction")
    MILESTONE = "milestone", _("milestone (yes/no)")


class Direction(models.TextChoices):
    HIGHER = "higher", _("higher is better")
    LOWER = "lower", _("lower is better (ceiling)")


class Assessment(models.TextChoices):
    """The verdict a report prints beside each target, in the order reports count them."""

    EXCEEDED = "exceeded", _("Exceeded")
    MET = "met", _("Met")
    NOT_MET = "not_met", _("Not met")
    NO_DATA = "no_data", _("No data yet")


def round_percent(value):
    """Round half-up to two decimals, as the ward's reports do (99.765 is 99.77)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of_plan(kind, direction, plan, actual):
    """Return the percent of plan as a Decimal with two places, or None where it is "–".

    Higher is better (counts, money, rates, reductions): actual / plan x 100.
    Lower is better (a ceiling): plan / actual x 100, "–" where the actual is 0.
    Milestones, a missing figure and a zero divisor have no percent.
    """
    if kind == Kind.MILESTONE or plan is None or actual is None:
        return None
    if direction == Direction.LOWER:
        numerator, denominator = plan, actual
    else:
        numerator, denominator = actual, plan
    if denominator == 0:
        return None
    return round_percent(numerator / denominator * HUNDRED)


def assess(kind, direction, plan, actual):
    """Return the Assessment of a figure.

    The verdict compares actual and plan exactly, never the rounded percent, so 96.004 against
    a plan of 96 is "Vượt" even though its percent prints as 100,00.
    """
    if plan is None or actual is None:
        return Assessment.NO_DATA
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


class Summary:
    """Counts of a year's assessments, printed as the reports say it:
    "40 chỉ tiêu: 20 vượt, 8 đạt, 11 không đạt, 1 chưa có số liệu"."""

    def __init__(self, assessments):
        assessments = list(assessments)
        self.total = len(assessments)
        self.counts = {value: assessments.count(value) for value in Assessment.values}

    def __getitem__(self, assessment):
        return self.counts[assessment]

    def __str__(self):
        return _(
            "%(total)s targets: %(exceeded)s exceeded, %(met)s met, %(not_met)s not met, "
            "%(no_data)s without data"
        ) % {"total": self.total, **self.counts}
