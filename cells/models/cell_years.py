"""A cell's year: its secretary and members, the ward's rating of it and of its members, the
steps of that rating, and what the ward's years do to it (carried into a new year, its name
frozen at the closing)."""

import operator
from decimal import Decimal
from functools import reduce

from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from targets.fields import CleanCharField
from targets.models import CapBase, Change, OfOpenYear, RatingFeed, Recorded, Year, person_field
from targets.progress import round_percent

from .cells import Cell


class Level(models.TextChoices):
    """The four levels of the yearly rating (đánh giá, xếp loại) of cells and members."""

    EXCELLENT = "excellent", _("Excellently completed duties")
    GOOD = "good", _("Well completed duties")
    COMPLETED = "completed", _("Completed duties")
    NOT_COMPLETED = "not_completed", _("Did not complete duties")


GOOD_OR_BETTER = (Level.EXCELLENT, Level.GOOD)


# How tables head the members' count at each level.
LEVEL_SHORT_NAMES = {
    Level.EXCELLENT: _("Excellent"),
    Level.GOOD: _("Good"),
    Level.COMPLETED: _("Completed"),
    Level.NOT_COMPLETED: _("Not completed"),
}


# The field of CellYear that counts the members rated at each level, in the levels' order.
LEVEL_FIELDS = {
    Level.EXCELLENT: "members_excellent",
    Level.GOOD: "members_good",
    Level.COMPLETED: "members_completed",
    Level.NOT_COMPLETED: "members_not_completed",
}


# A cell has tens of members; SQLite would store any size, so the forms say where it ends.
MAX_MEMBERS = 9999


class MemberCounts(models.Model):
    """How many of a cell's members are rated at each level: the raw counts every share such
    as "86%" is derived from (a cell's decided rating, and the steps before it)."""

    members_excellent = models.PositiveSmallIntegerField(
        _("members: excellent"), default=0, validators=[MaxValueValidator(MAX_MEMBERS)]
    )
    members_good = models.PositiveSmallIntegerField(
        _("members: good"), default=0, validators=[MaxValueValidator(MAX_MEMBERS)]
    )
    members_completed = models.PositiveSmallIntegerField(
        _("members: completed"), default=0, validators=[MaxValueValidator(MAX_MEMBERS)]
    )
    members_not_completed = models.PositiveSmallIntegerField(
        _("members: not completed"), default=0, validators=[MaxValueValidator(MAX_MEMBERS)]
    )

    class Meta:
        abstract = True

    def members_at(self, level):
        return getattr(self, LEVEL_FIELDS[level])

    @property
    def members_rated(self):
        return sum(self.members_at(level) for level in Level)

    @property
    def members_good_or_better(self):
        return sum(self.members_at(level) for level in GOOD_OR_BETTER)


class CellYear(Recorded, OfOpenYear, MemberCounts):
    """A cell's year: its secretary and members, the ward's rating of it, and how many of its
    members were rated at each level. Only raw counts are kept; shares are derived."""

    cell = models.ForeignKey(
        Cell, on_delete=models.PROTECT, related_name="years", verbose_name=_("party cell")
    )
    year = models.ForeignKey(
        Year, on_delete=models.PROTECT, related_name="cell_years", verbose_name=_("year")
    )
    secretary_name = CleanCharField(_("secretary"), max_length=200, blank=True)
    # The cell's name as it stood when the year closed; empty while the year is open.
    cell_name = CleanCharField(_("cell's name that year"), max_length=200, blank=True)
    # Whether the cell's name was marked illustrative (Cell.illustrative) when the year last
    # closed; None until it first closes. Set by the closing alone, never typed in a form.
    cell_illustrative = models.BooleanField(
        _("cell's name illustrative that year"), null=True, editable=False
    )
    members = models.PositiveSmallIntegerField(
        _("party members"), default=0, validators=[MaxValueValidator(MAX_MEMBERS)]
    )
    rating = models.CharField(_("cell's rating"), max_length=20, choices=Level.choices, blank=True)
    illustrative = models.BooleanField(
        _("illustrative rating"),
        default=False,
        help_text=_("The rating and the counts per level are demo figures, not from a source."),
    )
    illustrative_facts = models.BooleanField(
        _("illustrative secretary and members"),
        default=False,
        help_text=_("The secretary's name and the number of members are demo data."),
    )
    # The rating above is the committee's decision, the last step of the year's rating (the
    # cell's self-assessment and the ward's proposal are RatingSteps): who entered it, when.
    decided_by = person_field(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["year__year", "cell__number"]
        verbose_name = _("cell's year")
        verbose_name_plural = _("cells' years")
        constraints = [
            models.UniqueConstraint(fields=["cell", "year"], name="cellyear_one_per_cell_year"),
            models.CheckConstraint(
                condition=Q(rating="") | Q(rating__in=Level.values), name="cellyear_rating_known"
            ),
            models.CheckConstraint(
                condition=Q(members__gte=reduce(operator.add, map(F, LEVEL_FIELDS.values()))),
                name="cellyear_rated_within_members",
                violation_error_message=_("More members are rated than the cell has."),
            ),
        ]

    def __str__(self):
        return f"{self.cell} ({self.year})"

    @property
    def name_of_cell(self):
        """The cell's name as the year's sheet prints it."""
        return self.cell_name or self.cell.name

    @property
    def name_illustrative(self):
        """Whether the cell's name is illustrative as the year's sheet says: as marked when the
        year last closed; before it first closes, the cell's mark of today."""
        if self.cell_illustrative is None:
            return self.cell.illustrative
        return self.cell_illustrative

    @property
    def illustrative_note(self):
        """What of this line is demo data, as every page, sheet and document says it:
        "Minh họa: tên chi bộ, bí thư, số đảng viên"; empty where everything is sourced."""
        parts = []
        if self.name_illustrative:
            parts.append(_("cell's name"))
        if self.illustrative_facts:
            parts += [_("secretary"), _("number of members")]
        if self.illustrative:
            parts.append(_("rating"))
        if not parts:
            return ""
        return _("Illustrative: %(parts)s") % {"parts": ", ".join(map(str, parts))}


class RatingTotals:
    """The ward's derived rating figures for a year, from the cells' raw counts, and the cap on
    "xuất sắc" as the year's rule sets it (Year.excellent_cap_percent and _base)."""

    def __init__(self, year, cell_years, cells_total):
        cell_years = list(cell_years)
        self.year = year
        self.cells_total = cells_total
        self.cells_rated = sum(1 for cy in cell_years if cy.rating)
        self.cells = {level: sum(cy.rating == level for cy in cell_years) for level in Level}
        self.cells_good_or_better = sum(self.cells[level] for level in GOOD_OR_BETTER)
        self.members = sum(cy.members for cy in cell_years)
        self.members_by_level = {
            level: sum(cy.members_at(level) for cy in cell_years) for level in Level
        }
        self.members_rated = sum(self.members_by_level.values())
        self.members_good_or_better = sum(self.members_by_level[lv] for lv in GOOD_OR_BETTER)

    @staticmethod
    def _share(part, whole):
        return round_percent(Decimal(part) * 100 / whole) if whole else None

    @property
    def members_good_or_better_percent(self):
        return self._share(self.members_good_or_better, self.members_rated)

    def _cap_base(self, counts):
        """What the cap is a share of: those rated well or better, or well only."""
        if self.year.excellent_cap_base == CapBase.GOOD_ONLY:
            return counts[Level.GOOD]
        return counts[Level.EXCELLENT] + counts[Level.GOOD]

    @property
    def cells_excellent_share(self):
        """Cells rated excellent as a share of the cap's base."""
        return self._share(self.cells[Level.EXCELLENT], self._cap_base(self.cells))

    @property
    def members_excellent_share(self):
        return self._share(
            self.members_by_level[Level.EXCELLENT], self._cap_base(self.members_by_level)
        )

    @property
    def excellent_cap(self):
        return Decimal(self.year.excellent_cap_percent)

    @property
    def members_over_cap(self):
        share = self.members_excellent_share
        return share is not None and share > self.excellent_cap

    @property
    def cells_over_cap(self):
        share = self.cells_excellent_share
        return share is not None and share > self.excellent_cap

    def offered_actuals(self):
        """The actual each kind of rating-fed target would take (see Target.rating_feed):
        {RatingFeed: Decimal, or None while no cell is rated}."""
        return {
            RatingFeed.CELLS_GOOD: Decimal(self.cells_good_or_better) if self.cells_rated else None,
            RatingFeed.MEMBERS_GOOD: self.members_good_or_better_percent,
        }


class RatingStep(Recorded, OfOpenYear, MemberCounts):
    """A step of a cell's yearly rating before the committee decides it (the decision is the
    CellYear's own rating and counts): the cell's self-assessment, then the ward's proposal,
    each with the cell's level and its members' counts per level, who and when."""

    class Step(models.TextChoices):
        SELF = "self", _("self-assessment")
        PROPOSAL = "proposal", _("ward's proposal")

    cell_year = models.ForeignKey(
        CellYear, on_delete=models.PROTECT, related_name="steps", verbose_name=_("cell's year")
    )
    # The cell year's year, kept here so that a closed year freezes its steps too.
    year = models.ForeignKey(
        Year, on_delete=models.PROTECT, related_name="+", verbose_name=_("year")
    )
    step = models.CharField(_("step"), max_length=10, choices=Step.choices)
    rating = models.CharField(_("cell's rating"), max_length=20, choices=Level.choices)
    by = person_field(_("by"))
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["cell_year", "step"]
        verbose_name = _("rating step")
        verbose_name_plural = _("rating steps")
        constraints = [
            models.UniqueConstraint(fields=["cell_year", "step"], name="ratingstep_one_per_step"),
            models.CheckConstraint(
                condition=Q(step__in=["self", "proposal"]), name="ratingstep_step_known"
            ),
            models.CheckConstraint(
                condition=Q(rating__in=Level.values), name="ratingstep_rating_known"
            ),
        ]

    def __str__(self):
        return f"{self.cell_year}: {self.get_step_display()}"

    def save(self, *args, **kwargs):
        self.year_id = self.cell_year.year_id
        super().save(*args, **kwargs)

    @property
    def members(self):
        """The members a step counts are those it rates (RatingTotals adds up every cell's)."""
        return self.members_rated


def freeze_cell_names(sender, year, **kwargs):
    """When a year closes, keep on each of its CellYears the cell's name and whether that name
    is illustrative, as they stand now (see targets.models.year_closing): the closed year's
    sheet prints these, whatever is done to the cell later."""
    cell = Cell.objects.filter(pk=OuterRef("cell_id"))
    CellYear.objects.filter(year=year).update(
        cell_name=Subquery(cell.values("name")),
        cell_illustrative=Subquery(cell.values("illustrative")),
    )


def open_cell_years(sender, year, by=None, **kwargs):
    """When a year is set up, give each active cell its year, with the secretary and members of
    its year before (Cell.new_year; see targets.models.year_opened). Written in bulk, each with
    the history row of its creation that a save would have kept (Recorded), by whoever set up
    the year."""
    new = [
        cell.new_year(year)
        for cell in year.committee.cells.filter(is_active=True)
        .exclude(years__year=year)
        .with_facts_before(year)
    ]
    CellYear.objects.bulk_create(new)
    if any(cell_year.pk is None for cell_year in new):  # a database that returns no ids
        new = list(CellYear.objects.filter(year=year, cell__in=[cy.cell_id for cy in new]))
    content_type = ContentType.objects.get_for_model(CellYear)
    Change.objects.bulk_create(
        Change(
            content_type=content_type,
            object_id=cell_year.pk,
            action=Change.Action.CREATED,
            changed_by=by,
            after=cell_year.recorded_fields(),
        )
        for cell_year in new
    )
