"""The roll-up of a superior committee: what its communes reached, target by target, at a year
and stage, and which of them have reported it. Nothing here is stored: every number is counted
from the communes' figures when asked, through targets.progress, the arithmetic every page of
a commune uses, so that a province reads the same verdict as the commune itself.

The communes of a committee are the committees under it, at any depth, that keep years of
their own (a province in between keeps none). The targets it reads are its shared target set:
its own targets where it has them (the template its communes were started from,
cells.starting), else those of the nearest committee under it that has some. A commune's
target is the shared one of the same key; it is compared (total, median, lowest, highest) only
where it keeps the shared one's kind, direction and unit, so that no sum adds hectares to
tonnes. A commune whose year has no figure of a target (it retired it, or never took it) is
left out of that target's counts, and counted as not tracking it.
"""

import statistics
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from operator import attrgetter
from typing import NamedTuple

from django.db.models import Count, F, Max, Q
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _

from committees.models import Committee
from targets.models import Figure, Target, Year
from targets.progress import CENT, Assessment, Kind, assess, percent_of_plan, round_percent
from targets.stages import Stage

# The verdicts counted at a stage with a verdict (the full year, the estimate), and inside the
# year, in the order the roll-up shows them.
WITH_VERDICT = (
    Assessment.EXCEEDED,
    Assessment.MET,
    Assessment.NOT_MET,
    Assessment.NO_DATA,
    Assessment.NO_PLAN,
)
WITHIN_YEAR = (Assessment.REACHED, Assessment.NO_DATA, Assessment.NO_PLAN)
# The kinds whose figures add up across communes: a total of rates means nothing.
ADDED_UP = (Kind.COUNT, Kind.MONEY, Kind.REDUCTION)


def verdicts(stage):
    """The assessments a target's communes are counted under at ``stage``."""
    return WITH_VERDICT if stage.has_verdict else WITHIN_YEAR


def communes_of(committee):
    """The committees under ``committee``, at any depth, that keep years: its communes."""
    return (
        Committee.objects.filter(lineage__startswith=committee.lineage)
        .exclude(pk=committee.pk)
        .filter(pk__in=Year.objects.values("committee"))
    )


def shared_targets(committee):
    """``committee``'s shared target set, in its order, with their areas: its own targets, or
    those of the nearest committee under it that has targets."""
    owner = (
        Committee.objects.filter(lineage__startswith=committee.lineage)
        .filter(pk__in=Target.objects.values("committee"))
        .order_by(Length("lineage"), "pk")
        .first()
    )
    if owner is None:
        return []
    return list(owner.targets.select_related("area").order_by("position"))


def years_of(committee):
    """The year numbers its communes keep, latest first."""
    return list(
        Year.objects.filter(committee__in=communes_of(committee))
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


class Entry(NamedTuple):
    """One commune's figure of one target at the stage. A tuple: a national roll-up makes
    a hundred thousand of them."""

    commune: Committee
    plan: Decimal | None
    actual: Decimal | None
    assessment: Assessment
    comparable: bool  # the shared target's kind, direction and unit
    updated_at: object  # None unless rollup() was asked for the dates
    illustrative: bool  # a made-up figure (generated communes), marked where it is shown
    # The commune's target's own kind and direction, and the stage: its percent of plan.
    kind: Kind
    direction: str
    stage: Stage

    @property
    def percent(self):
        """The percent of plan, worked out where a page shows it (a roll-up counts thousands
        of entries and shows none of their percents)."""
        return percent_of_plan(self.kind, self.direction, self.plan, self.actual, self.stage)


@dataclass
class TargetRollup:
    """A shared target across the communes: their count under each verdict, and for the
    comparable ones with an actual, the total (where figures add up), median, lowest and
    highest, with the commune named. Its numbers are worked out once, when first read, so
    they are read only after ``rollup()`` has gathered the entries."""

    target: Target
    stage: Stage
    entries: list = field(default_factory=list)
    illustrative: bool = False  # a figure counted is made up (generated communes)

    @property
    def tracking(self):
        return len(self.entries)

    @cached_property
    def counts(self):
        """{assessment: number of communes}, every verdict of the stage present."""
        counts = dict.fromkeys(verdicts(self.stage), 0)
        for entry in self.entries:
            counts[entry.assessment] += 1
        return counts

    @cached_property
    def compared(self):
        """The entries the statistics read, lowest actual first (by commune where equal)."""
        return sorted(
            (e for e in self.entries if e.comparable and e.actual is not None),
            key=lambda e: (e.actual, e.commune.name),
        )

    @property
    def is_compared(self):
        return self.target.kind != Kind.MILESTONE

    @cached_property
    def total(self):
        if self.target.kind not in ADDED_UP or not self.compared:
            return None
        return sum(entry.actual for entry in self.compared)

    @cached_property
    def median(self):
        """The middle actual, or the mean of the two middle ones, to two decimals at most
        (half up, as the reports round)."""
        values = [entry.actual for entry in self.compared]
        if not values or not self.is_compared:
            return None
        middle = statistics.median(values)
        return middle if middle == middle.quantize(CENT) else round_percent(middle)

    @cached_property
    def lowest(self):
        return self.compared[0] if self.compared and self.is_compared else None

    @cached_property
    def highest(self):
        return self.compared[-1] if self.compared and self.is_compared else None


def comparable(target, kind, direction, unit):
    return (kind, direction, unit.strip().casefold()) == (
        target.kind,
        target.direction,
        target.unit.strip().casefold(),
    )


def rollup(committee, number, stage, targets=None, communes=None, dated=False):
    """[TargetRollup] of ``committee``'s shared targets (or ``targets``, some of them) across
    its communes (or ``communes``, a queryset of some of them) in the year ``number`` at
    ``stage``: one query for the figures. Each entry's date of last change is read where
    ``dated`` asks for it (a page listing communes); reading it for every figure of a province
    would take longer than all the rest of the counting."""
    targets = shared_targets(committee) if targets is None else targets
    by_key = {target.slug: TargetRollup(target, stage) for target in targets}
    communes = communes_of(committee) if communes is None else communes
    named = {commune.pk: commune for commune in communes.only("name", "slug")}
    rows = Figure.objects.filter(
        year__year=number, year__committee__in=communes.values("pk"), target__slug__in=by_key
    ).values_list(
        "year__committee",
        "target__slug",
        "target__kind",
        "target__direction",
        "target__unit",
        "plan",
        stage.field,
        "illustrative",
        *(["updated_at"] if dated else []),
    )
    # Whether a commune's (kind, direction, unit) is the shared target's, asked once a pair.
    alike = {}
    for commune, key, kind, direction, unit, plan, actual, illustrative, *updated_at in rows:
        shared = by_key[key]
        shared.illustrative |= illustrative
        kept = (key, kind, direction, unit)
        if kept not in alike:
            alike[kept] = comparable(shared.target, kind, direction, unit)
        shared.entries.append(
            Entry(
                named[commune],
                plan,
                actual,
                assess(kind, direction, plan, actual, stage),
                alike[kept],
                updated_at[0] if updated_at else None,
                illustrative,
                kind,
                direction,
                stage,
            )
        )
    for shared in by_key.values():
        shared.entries.sort(key=attrgetter("commune.name"))
    return list(by_key.values())


# A commune's reporting of a stage (Reporting.state), in the order the pages show them.
STATE_LABELS = {
    "complete": _("Every figure reported"),
    "partial": _("Some figures reported"),
    "none": _("Not reported"),
    "no_year": _("Year not set up"),
}
STATES = tuple(STATE_LABELS)


@dataclass
class Reporting:
    """A commune's reporting of a year: how many of its planned figures have an actual at each
    stage, and when a figure of the year last changed. ``year`` is None where the commune has
    not set the year up."""

    commune: Committee
    year: int | None
    planned: int = 0
    reported: dict = field(default_factory=dict)  # {stage: figures with a plan and an actual}
    last_change: object = None

    def state(self, stage):
        """ "complete" (every planned figure has its actual at ``stage``), "partial", "none",
        or "no_year"."""
        if self.year is None:
            return "no_year"
        done = self.reported.get(stage, 0)
        if self.planned and done == self.planned:
            return "complete"
        return "partial" if done else "none"

    @property
    def cells(self):
        """Each stage's state and how it reads: "40/40", "12/40", a label where none."""
        cells = []
        for stage in Stage:
            state = self.state(stage)
            if state in ("complete", "partial"):
                text = f"{self.reported[stage]}/{self.planned}"
            else:
                text = STATE_LABELS[state]
            cells.append({"stage": stage, "state": state, "text": text})
        return cells


def reporting_counts(committee, number):
    """The year ``number`` of ``committee``'s communes (those that have set it up) with their
    figures counted: ``planned`` (with a plan), one count a stage (with a plan and the stage's
    actual) and ``last_change``."""
    planned = Q(figures__plan__isnull=False)
    return (
        Year.objects.filter(year=number, committee__in=communes_of(committee).values("pk"))
        .values("committee")
        .annotate(
            planned=Count("figures", filter=planned),
            last_change=Max("figures__updated_at"),
            **{
                stage.value: Count(
                    "figures", filter=planned & Q(**{f"figures__{stage.field}__isnull": False})
                )
                for stage in Stage
            },
        )
    )


def reported(committee, number, stage):
    """(how many of ``committee``'s communes have reported every planned figure of the year
    ``number`` at ``stage``, how many communes it has): two counting queries, for a page that
    shows only that ("87/99"). "Every planned figure" as Reporting.state has it."""
    complete = (
        reporting_counts(committee, number).filter(planned__gt=0, planned=F(stage.value)).count()
    )
    return complete, communes_of(committee).count()


def completeness(committee, number):
    """[Reporting] of each of ``committee``'s communes for the year ``number``, by name: one
    query for the counts."""
    counts = {row["committee"]: row for row in reporting_counts(committee, number)}
    reports = []
    for commune in communes_of(committee).only("name", "slug").order_by("name"):
        row = counts.get(commune.pk)
        if row is None:
            reports.append(Reporting(commune, None))
            continue
        reports.append(
            Reporting(
                commune,
                number,
                planned=row["planned"],
                reported={stage: row[stage.value] for stage in Stage},
                last_change=row["last_change"],
            )
        )
    return reports
