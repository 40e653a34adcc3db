import operator
from decimal import Decimal
from functools import reduce

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from targets.fields import CleanCharField, CleanTextField
from targets.models import (
    MAX_TEXT,
    CapBase,
    OfOpenYear,
    OfOpenYearQuerySet,
    RatingFeed,
    Recorded,
    Target,
    Year,
    at_most,
    refuse_to_reword_closed_reports,
)
from targets.progress import round_percent


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


class CellQuerySet(models.QuerySet):
    def for_user(self, user):
        """The cells a user may see: every cell for ward staff, their own for a cell secretary.

        Every view fetches cells (and through them tasks) here and nowhere else.
        """
        if user.has_perm("cells.view_cell"):
            return self
        if not user.is_authenticated:
            return self.none()
        return self.filter(secretaries__user=user)


class Cell(models.Model):
    """A party cell (chi bộ) of the ward, most of them one per residential group."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name = CleanCharField(_("name"), max_length=200, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    illustrative = models.BooleanField(
        _("illustrative name"), default=False, help_text=_("A demo name, not a real cell's.")
    )

    objects = CellQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        verbose_name = _("party cell")
        verbose_name_plural = _("party cells")
        constraints = [
            models.CheckConstraint(condition=Q(number__gte=1), name="cell_number_positive")
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        with transaction.atomic():
            self.clean()
            super().save(*args, **kwargs)

    def url_in(self, year):
        """The cell's page in ``year`` (a Year)."""
        return reverse("cells:cell", kwargs={"year": year.year, "number": self.number})

    def clean(self):
        # A closed year's sheet keeps the cell's name of that year (frozen on its CellYear when
        # the year closed); the number it is listed under cannot change under it.
        refuse_to_reword_closed_reports(self, ("number",), CellYear, cell=self)


class CellSecretary(models.Model):
    """Links a user account to the one cell whose secretary (bí thư chi bộ) it belongs to."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="cell_secretary",
        verbose_name=_("user"),
    )
    cell = models.ForeignKey(
        Cell, on_delete=models.PROTECT, related_name="secretaries", verbose_name=_("party cell")
    )

    class Meta:
        verbose_name = _("cell secretary account")
        verbose_name_plural = _("cell secretary accounts")

    def __str__(self):
        return f"{self.user} → {self.cell}"


class CellYear(Recorded, OfOpenYear):
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
    members = models.PositiveSmallIntegerField(
        _("party members"), default=0, validators=[MaxValueValidator(MAX_MEMBERS)]
    )
    rating = models.CharField(_("cell's rating"), max_length=20, choices=Level.choices, blank=True)
    members_excellent = models.PositiveSmallIntegerField(
        _("members: excellent"), default=0, validators=[MaxValueValidator(MAX_MEMBERS)]
    )
    members_good = models.PositiveSmallIntegerField(
        _("members: good"), default=0, validators=[MaxValueValidator(MAX_MEMBERS)]
    )
    members_completed = models.PositiveSmallIntegerField(
        _("members: completed"), default=0, validators=[MaxValueValidator(MAX_MEMBERS)]
    )
    members_not_completed = models.PositiveSmallIntegerField(_("members: not completed"), default=0)
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

    def members_at(self, level):
        return getattr(self, LEVEL_FIELDS[level])

    @property
    def illustrative_note(self):
        """What of this line is demo data, as every page, sheet and document says it:
        "Minh họa: tên chi bộ, bí thư, số đảng viên"; empty where everything is sourced."""
        parts = []
        if self.cell.illustrative:
            parts.append(_("cell's name"))
        if self.illustrative_facts:
            parts += [_("secretary"), _("number of members")]
        if self.illustrative:
            parts.append(_("rating"))
        if not parts:
            return ""
        return _("Illustrative: %(parts)s") % {"parts": ", ".join(map(str, parts))}

    @property
    def members_rated(self):
        return sum(self.members_at(level) for level in Level)

    @property
    def members_good_or_better(self):
        return sum(self.members_at(level) for level in GOOD_OR_BETTER)


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


class TaskStatus(models.TextChoices):
    PLANNED = "planned", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    NOT_DONE = "not_done", _("Not done")


class TaskQuerySet(OfOpenYearQuerySet):
    def for_user(self, user):
        """Tasks of the cells the user may see (see CellQuerySet.for_user)."""
        return self.filter(cell__in=Cell.objects.for_user(user))


class Task(Recorded, OfOpenYear):
    """A task or solution the ward assigned to a cell for a year, serving one target."""

    cell = models.ForeignKey(
        Cell, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("party cell")
    )
    target = models.ForeignKey(
        Target, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("target")
    )
    year = models.ForeignKey(
        Year, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("year")
    )
    description = CleanTextField(_("what is to be done"), max_length=MAX_TEXT)
    responsible = CleanCharField(_("responsible"), max_length=200)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.PLANNED
    )
    note = CleanTextField(_("note"), blank=True, max_length=MAX_TEXT)
    illustrative = models.BooleanField(
        _("illustrative"), default=False, help_text=_("A demo task, not a real one.")
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["year__year", "target__area__position", "target__position", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=TaskStatus.values), name="task_status_known"
            ),
            at_most("description"),
            at_most("note"),
        ]

    def __str__(self):
        return f"{self.cell}: {self.description[:60]}"

    @property
    def note_shown(self):
        """The note as pages and sheets show it, saying first that a task is illustrative."""
        if not self.illustrative:
            return self.note
        marker = _("Illustrative task.")
        return f"{marker} {self.note}".strip()


def freeze_cell_names(sender, year, **kwargs):
    """When a year closes, keep each cell's name of that year on its CellYear (see
    targets.models.year_closing)."""
    CellYear.objects.filter(year=year).update(
        cell_name=models.Subquery(Cell.objects.filter(pk=models.OuterRef("cell_id")).values("name"))
    )
