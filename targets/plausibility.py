"""Whether a value typed for a figure looks like a slip: warnings, not refusals.

A figure three times its plan, twice last year's, or a rate above 100% can be right (a plan set
low, a year of a new programme), but it is more often an extra zero or a value typed in the
wrong row. So the page names what looks wrong and saves once the user confirms, as DHIS2 does
with its min/max values. The thresholds are data of each year (``Year.plausible_max_times_*``),
never code; an empty one switches its check off.

Every function here takes Decimals (None while unknown) and returns a list of short sentences,
empty when nothing looks wrong; nothing here reads the database.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from .numbers import format_number
from .progress import Kind
from .stages import Stage

HUNDRED = Decimal(100)
# Kinds whose plan and actual are amounts of one thing, comparable with the plan.
AMOUNT_KINDS = (Kind.COUNT, Kind.MONEY, Kind.REDUCTION)


@dataclass(frozen=True)
class Rules:
    """A year's thresholds: how many times the plan, last year's figure and a cell's share of
    the plan a value may be before it is questioned (None: not checked)."""

    times_plan: Decimal | None = Decimal(3)
    times_previous: Decimal | None = Decimal(2)
    times_share: Decimal | None = Decimal("1.5")

    @classmethod
    def of(cls, year):
        """The rules ``year`` (a Year) sets."""
        return cls(
            times_plan=year.plausible_max_times_plan,
            times_previous=year.plausible_max_times_previous,
            times_share=year.plausible_max_times_share,
        )


DEFAULT_RULES = Rules()


def times(multiplier):
    """A multiplier as the messages write it: 3, 1,5."""
    return format_number(multiplier)


def warnings(kind, plan, value, previous=None, rules=DEFAULT_RULES, *, is_plan=False):
    """What looks wrong in ``value``, a plan (``is_plan``) or an actual of a target of ``kind``
    whose year's plan is ``plan``, beside ``previous``, the same value of the year before.

    - a count, value or number reduced below 0, or above ``rules.times_plan`` × the plan (an
      actual only, and only against a plan above 0);
    - a rate above 100;
    - above ``rules.times_previous`` × last year's (only against a figure above 0: from nothing,
      any growth is infinite and says nothing).

    A qualitative target (achieved or not) and an unknown value are never questioned.
    """
    if value is None or kind == Kind.MILESTONE:
        return []
    found = []
    shown = format_number(value)
    if value < 0:
        found.append(_("%(value)s is below 0.") % {"value": shown})
    if kind == Kind.RATE and value > HUNDRED:
        found.append(_("A rate of %(value)s%% is above 100%%.") % {"value": shown})
    if kind in AMOUNT_KINDS and not is_plan and above(value, plan, rules.times_plan):
        found.append(
            _("%(value)s is more than %(times)s times the plan (%(plan)s).")
            % {"value": shown, "times": times(rules.times_plan), "plan": format_number(plan)}
        )
    if above(value, previous, rules.times_previous):
        found.append(
            _("%(value)s is more than %(times)s times last year's (%(previous)s).")
            % {
                "value": shown,
                "times": times(rules.times_previous),
                "previous": format_number(previous),
            }
        )
    return found


def share_warnings(plan, value, rules=DEFAULT_RULES):
    """What looks wrong in ``value``, what a cell reports of a share whose plan is ``plan``:
    above ``rules.times_share`` × the share's plan (only against a plan above 0)."""
    if value is None:
        return []
    found = []
    if value < 0:
        found.append(_("%(value)s is below 0.") % {"value": format_number(value)})
    if above(value, plan, rules.times_share):
        found.append(
            _("%(value)s is more than %(times)s times the cell's plan (%(plan)s).")
            % {
                "value": format_number(value),
                "times": times(rules.times_share),
                "plan": format_number(plan),
            }
        )
    return found


def above(value, base, multiplier):
    """Whether ``value`` is more than ``multiplier`` × ``base``; never when either is unknown
    or the base is not above 0."""
    if value is None or base is None or multiplier is None or base <= 0:
        return False
    return value > multiplier * base


def previous_value(previous, name):
    """What ``name`` (``plan`` or a stage's actual field) is compared with in ``previous``, the
    same target's figure of the year before (None: nothing): the same field, or for an actual
    whose stage last year's figure lacks, its final figure."""
    if previous is None:
        return None
    value = getattr(previous, name)
    if value is None and name != "plan":
        value = previous.actual_at(Stage.FINAL)
    return value
