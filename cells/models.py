import operator
from decimal import Decimal
from functools import reduce

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from targets.fields import CleanCharField, CleanTextField
from targets.models import (
    FIGURE_AMOUNTS,
    MAX_TEXT,
    STAGE_FIELDS,
    CapBase,
    Change,
    Figure,
    OfOpenYear,
    OfOpenYearQuerySet,
    RatingFeed,
    Recorded,
    StageActuals,
    Target,
    Year,
    amount_field,
    amount_in_range,
    at_most,
    person_field,
    refuse_to_reword_closed_reports,
)
from targets.progress import Kind, Stage, round_percent
from targets.report import latest_stage


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

    def of_secretary(self, user):
        """The cell ``user`` is the secretary of, or None: ward staff see every cell and have
        none of their own (nor has a user with no cell)."""
        if user.has_perm("cells.view_cell"):
            return None
        return self.for_user(user).first()

    def with_facts_before(self, year):
        """Each cell with the facts of its latest year before ``year`` (CARRIED_FACTS, each as
        ``previous_<name>``, None where it has none), in the same query: what Cell.new_year
        starts from."""
        latest = CellYear.objects.filter(cell=OuterRef("pk"), year__year__lt=year.year).order_by(
            "-year__year"
        )
        return self.annotate(
            **{f"previous_{name}": Subquery(latest.values(name)[:1]) for name in CARRIED_FACTS}
        )


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

    def new_year(self, year):
        """The cell's year ``year``, unsaved, with its secretary and members carried over from
        its latest year before (fetch the cell through Cell.objects.with_facts_before): the
        office corrects them where they changed."""
        return CellYear(
            cell=self,
            year=year,
            secretary_name=self.previous_secretary_name or "",
            members=self.previous_members or 0,
            illustrative_facts=bool(self.previous_illustrative_facts),
        )

    def home_year(self):
        """The year the cell's secretary lands on: the latest open year in which the cell has
        work due (a task still to be done, or a share with nothing reported at the stage the
        year has come to), else the latest open year, else the latest year."""
        years = list(Year.objects.open())
        if not years:
            return Year.objects.first()
        due = set(
            Task.objects.filter(cell=self, year__in=years)
            .pending()
            .order_by()
            .values_list("year_id", flat=True)
        )
        years_left = [year for year in years if year.pk not in due]
        figures = {year.pk: [] for year in years_left}
        for figure in Figure.objects.filter(year__in=years_left).only(
            "year_id", *STAGE_FIELDS.values()
        ):
            figures[figure.year_id].append(figure)
        # The stage a year has come to is the one its pages open on (latest_stage).
        stages = {pk: STAGE_FIELDS[latest_stage(found)] for pk, found in figures.items()}
        unreported = [Q(year_id=pk, **{f"{field}__isnull": True}) for pk, field in stages.items()]
        if unreported:
            due |= set(
                Share.objects.filter(cell=self)
                .filter(reduce(operator.or_, unreported))
                .order_by()
                .values_list("year_id", flat=True)
            )
        return next((year for year in years if year.pk in due), years[0])

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


# What a cell's new year takes over from its year before (Cell.new_year).
CARRIED_FACTS = ("secretary_name", "members", "illustrative_facts")


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


class TaskStatus(models.TextChoices):
    PLANNED = "planned", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    NOT_DONE = "not_done", _("Not done")


# A task still to be done: neither done nor given up as not done.
PENDING_STATUSES = (TaskStatus.PLANNED, TaskStatus.IN_PROGRESS)


class TaskQuerySet(OfOpenYearQuerySet):
    def for_user(self, user):
        """Tasks of the cells the user may see (see CellQuerySet.for_user)."""
        return self.filter(cell__in=Cell.objects.for_user(user))

    def pending(self):
        return self.filter(status__in=PENDING_STATUSES)

    def with_latest_note(self):
        """Each task with its latest progress note's text and time (``latest_note``,
        ``latest_note_at``), in the same query."""
        latest = TaskNote.objects.filter(task=OuterRef("pk")).order_by("-written_at", "-pk")
        return self.annotate(
            latest_note=Subquery(latest.values("text")[:1]),
            latest_note_at=Subquery(latest.values("written_at")[:1]),
        )


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


class TaskNote(OfOpenYear):
    """A dated note on a task's progress, written by the cell's secretary or the office; kept
    as written (on PostgreSQL the database refuses to alter or remove one)."""

    APPEND_ONLY = True

    task = models.ForeignKey(
        Task, on_delete=models.PROTECT, related_name="notes", verbose_name=_("task")
    )
    # The task's year, kept here so that a closed year takes no more notes.
    year = models.ForeignKey(
        Year, on_delete=models.PROTECT, related_name="+", verbose_name=_("year")
    )
    text = CleanTextField(_("progress"), max_length=MAX_TEXT)
    written_by = person_field(_("written by"))
    written_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        ordering = ["-written_at", "-pk"]
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        constraints = [at_most("text")]

    def __str__(self):
        return f"{self.task}: {self.text[:40]}"

    def save(self, *args, **kwargs):
        self.year_id = self.task.year_id
        super().save(*args, **kwargs)


# The kinds of target whose plan the ward splits among its cells: counted or summed things. A
# rate is the ward's own, and a qualitative target has nothing to add up.
SHARED_KINDS = (Kind.COUNT, Kind.MONEY, Kind.REDUCTION)
SHARE_AMOUNTS = FIGURE_AMOUNTS


class StaleShare(Exception):
    """Raised when a cell's share was changed by someone else since the page showed it."""

    def __init__(self, current):
        super().__init__(f"share {current.pk} is at version {current.version}")
        self.current = current


class ShareQuerySet(OfOpenYearQuerySet):
    def for_user(self, user):
        """Shares of the cells the user may see (see CellQuerySet.for_user)."""
        return self.filter(cell__in=Cell.objects.for_user(user))


class ShareTotals:
    """What a ward figure's shares add up to at each stage: the sum of the cells that have
    reported and how many have, out of the cells given a share ("7/10 chi bộ đã báo cáo")."""

    def __init__(self, figure, shares):
        self.figure = figure
        self.shares = list(shares)

    def reported(self, stage):
        return [share for share in self.shares if share.actual_at(stage) is not None]

    def sum_at(self, stage):
        """The cells' sum at ``stage``, or None while no cell has reported."""
        reported = self.reported(stage)
        if not reported:
            return None
        return sum(share.actual_at(stage) for share in reported)

    @property
    def plan(self):
        planned = [share.plan for share in self.shares if share.plan is not None]
        return sum(planned) if planned else None

    def stages(self):
        """[(stage, sum, reported count, the ward's figure at that stage)] for every stage."""
        return [
            (stage, self.sum_at(stage), len(self.reported(stage)), self.figure.actual_at(stage))
            for stage in Stage
        ]

    def adopt(self, stage, by, expected_version):
        """Write the cells' sum at ``stage`` as the ward's figure, through Figure.save and its
        history (StaleFigure if the figure moved on since the page was shown)."""
        setattr(self.figure, STAGE_FIELDS[stage], self.sum_at(stage))
        return self.figure.save(changed_by=by, expected_version=expected_version)


class Share(Recorded, OfOpenYear, StageActuals):
    """A cell's share of a ward target in a year: the part of the plan the ward gave the cell,
    and what the cell reports at each stage. The ward's figure shows their sum, and the office
    adopts it as the ward's actual (Figure.save records that)."""

    cell = models.ForeignKey(
        Cell, on_delete=models.PROTECT, related_name="shares", verbose_name=_("party cell")
    )
    figure = models.ForeignKey(
        Figure, on_delete=models.PROTECT, related_name="shares", verbose_name=_("ward figure")
    )
    # The figure's year, kept here so that a closed year freezes its shares too.
    year = models.ForeignKey(
        Year, on_delete=models.PROTECT, related_name="+", verbose_name=_("year")
    )
    plan = amount_field(_("cell's plan"), null=True, blank=True)
    illustrative = models.BooleanField(
        _("illustrative"), default=False, help_text=_("Demo figures, not from a real source.")
    )
    version = models.PositiveIntegerField(_("update"), default=1)
    updated_by = person_field(_("last changed by"))
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)

    objects = ShareQuerySet.as_manager()

    class Meta:
        ordering = ["figure__target__position", "cell__number"]
        verbose_name = _("cell's share")
        verbose_name_plural = _("cells' shares")
        constraints = [
            models.UniqueConstraint(fields=["cell", "figure"], name="share_one_per_cell_figure"),
            models.CheckConstraint(condition=Q(version__gte=1), name="share_version_positive"),
            *(
                models.CheckConstraint(
                    condition=amount_in_range(field), name=f"share_{field}_range"
                )
                for field in SHARE_AMOUNTS
            ),
        ]

    def __str__(self):
        return f"{self.cell}: {self.figure}"

    def clean(self):
        super().clean()
        if self.figure_id and self.figure.target.kind not in SHARED_KINDS:
            raise ValidationError(
                _("Only a count, a value or a number reduced is split among the cells."),
                code="kind",
            )

    def write(self, values, by, expected_version):
        """Save ``values`` (amounts by field name) over the version the page showed. Raises
        StaleShare if someone saved since, YearClosed for a closed year; returns False and
        writes nothing when nothing changed."""
        self.clean()
        with transaction.atomic():
            # The year's lock also serialises two writers of the same share.
            Year.lock_open(self.year_id or self.figure.year_id)
            if self.pk is None:
                existing = Share.objects.filter(cell=self.cell_id, figure=self.figure_id).first()
                if existing is not None:  # made by someone else since the page was shown
                    raise StaleShare(existing)
            else:
                stored = Share.objects.select_related("updated_by").get(pk=self.pk)
                if stored.version != expected_version:
                    raise StaleShare(stored)
                if all(getattr(stored, name) == value for name, value in values.items()):
                    return False
                self.version = stored.version + 1
            for name, value in values.items():
                setattr(self, name, value)
            self.year_id = self.figure.year_id
            self.updated_by, self.updated_at = by, timezone.now()
            self.save(changed_by=by)
            return True


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
        for cell in Cell.objects.filter(is_active=True)
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
