from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import progress
from .numbers import MAX_AMOUNT, format_number, format_percent
from .progress import Assessment, Direction, Kind

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


class Area(models.Model):
    """An area of work (lĩnh vực) that groups targets; reports number areas I, II, III, IV."""

    position = models.PositiveSmallIntegerField(_("position"), unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        constraints = [
            models.CheckConstraint(
                condition=Q(position__gte=1, position__lte=len(ROMAN)),
                name="area_position_numbered",
            )
        ]

    def __str__(self):
        return f"{self.roman}. {self.name}"

    @property
    def roman(self):
        return ROMAN[self.position - 1]


class Target(models.Model):
    """One of the ward's targets (chỉ tiêu): what is measured, in which unit, and which way is good.

    The plan and actual of each year live in Figure; the target itself outlives the years.
    """

    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="targets", verbose_name=_("area")
    )
    position = models.PositiveSmallIntegerField(
        _("number"), unique=True, help_text=_("The target's number (STT) across the ward's list.")
    )
    slug = models.SlugField(_("key"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=300)
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )

    class Meta:
        ordering = ["position"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="target_kind_known"),
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values), name="target_direction_known"
            ),
            models.CheckConstraint(
                # These are pages of a year (/targets/2023/report/), not targets.
                condition=~Q(slug__in=["report", "close", "reopen", "grid"]),
                name="target_slug_not_reserved",
                violation_error_message=_("This key is reserved for a page of the year."),
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=[Kind.REDUCTION, Kind.MILESTONE])
                | Q(direction=Direction.HIGHER),
                name="target_reduction_milestone_higher",
                violation_error_message=_("Reductions and milestones are always higher-is-better."),
            ),
        ]

    def __str__(self):
        return self.name


class YearQuerySet(models.QuerySet):
    def open(self):
        return self.filter(is_closed=False)

    def current(self):
        """The year pages open on: the latest open year, or the latest when all are closed."""
        return self.open().first() or self.first()


class Year(models.Model):
    """A planning year and the names it was carried out under.

    Names of the committee, its superior body and the place change with reorganisations (Yên Bái
    became part of Lào Cai in 2025), so they are data of the year, never code.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    committee_name = models.CharField(_("committee"), max_length=200)
    superior_body = models.CharField(_("superior body"), max_length=200)
    place_name = models.CharField(
        _("place"), max_length=100, help_text=_("Printed before the date on reports.")
    )
    plan_document = models.CharField(
        _("plan document"),
        max_length=300,
        blank=True,
        help_text=_("The superior committee's plan the targets follow, e.g. Kế hoạch số 73."),
    )
    secretary_name = models.CharField(_("secretary"), max_length=200, blank=True)
    report_number = models.CharField(
        _("report number"),
        max_length=50,
        blank=True,
        help_text=_("As printed under the committee's name, e.g. 125-BC/ĐU."),
    )
    report_date = models.DateField(_("report date"), null=True, blank=True)
    is_closed = models.BooleanField(_("closed"), default=False)

    objects = YearQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("year")
        verbose_name_plural = _("years")
        permissions = [
            ("export_report", _("Can download the year-end report")),
            ("close_year", _("Can close and reopen a year")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="year_plausible"
            )
        ]

    def __str__(self):
        return str(self.year)

    def close(self, by):
        """Close the year once its report is final: every figure, task and rating is frozen."""
        return self._set_closed(True, by, "")

    def reopen(self, by, reason):
        """Reopen a closed year; the reason is required and kept with who and when."""
        if not reason.strip():
            raise ValueError("a reason is required to reopen a year")
        return self._set_closed(False, by, reason.strip())

    def _set_closed(self, closed, by, reason):
        with transaction.atomic():
            # The conditional update makes closing twice (or reopening an open year) a no-op.
            changed = Year.objects.filter(pk=self.pk, is_closed=not closed).update(is_closed=closed)
            if changed:
                self.is_closed = closed
                YearEvent.objects.create(
                    year=self,
                    action=YearEvent.Action.CLOSE if closed else YearEvent.Action.REOPEN,
                    reason=reason,
                    by=by,
                    at=timezone.now(),
                )
            return bool(changed)

    @property
    def closed_message(self):
        return _("The year %(year)s is closed: its figures can no longer be changed.") % {
            "year": self.year
        }

    def refuse_if_closed(self):
        """Raise YearClosed if the year is closed in the database (not just in memory)."""
        if Year.objects.filter(pk=self.pk, is_closed=True).exists():
            raise YearClosed(self.pk)


class YearEvent(models.Model):
    """A closing or reopening of a year, with who, when and (for reopening) why."""

    class Action(models.TextChoices):
        CLOSE = "close", _("closed")
        REOPEN = "reopen", _("reopened")

    year = models.ForeignKey(
        Year, on_delete=models.PROTECT, related_name="events", verbose_name=_("year")
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    reason = models.TextField(_("reason"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("year closing")
        verbose_name_plural = _("year closings")
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=["close", "reopen"]), name="yearevent_action_known"
            ),
            models.CheckConstraint(
                condition=~Q(action="reopen") | ~Q(reason=""), name="yearevent_reopen_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.get_action_display()}"


def _amount_field(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **kwargs)


def _amount_in_range(field):
    """Non-negative and below MAX_AMOUNT. The upper bound also refuses PostgreSQL's NaN, which
    sorts above every number, and SQLite's text 'NaN' or 'Infinity', which sort above numbers."""
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0, f"{field}__lt": MAX_AMOUNT})


def amount_display(kind, value):
    """A plan or actual as people read it: "1.234.567", "95,77", or Có / Không for milestones."""
    if value is None:
        return ""
    if kind == Kind.MILESTONE:
        return str(_("Yes") if value else _("No"))
    return format_number(value)


class YearClosed(Exception):
    """Raised when a figure of a closed year is about to be written."""


class StaleFigure(Exception):
    """Raised when a figure was changed by someone else since the editor opened it."""

    def __init__(self, current):
        super().__init__(f"figure {current.pk} is at version {current.version}")
        self.current = current


class FigureQuerySet(models.QuerySet):
    def for_year(self, year):
        """The year's figures in report order, with what every row shows, in one query."""
        return (
            self.filter(year=year)
            .select_related("target__area", "year", "updated_by")
            .order_by("target__area__position", "target__position")
        )


class OfOpenYear(models.Model):
    """A record of a year that is frozen once the year is closed: a form says so in words, and
    the write itself is refused, whoever attempts it (the admin and commands included)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        Year(pk=self.year_id).refuse_if_closed()
        super().save(*args, **kwargs)

    def clean(self):
        if self.year_id and self.year.is_closed:
            raise ValidationError(_("The year is closed: its figures can no longer be changed."))


class Figure(OfOpenYear):
    """A target's plan (kế hoạch) and actual (thực hiện) in one year.

    Every write goes through ``save``, which refuses a stale version and records the change in
    FigureChange in the same transaction; percent and assessment are derived, never stored.
    """

    target = models.ForeignKey(
        Target, on_delete=models.PROTECT, related_name="figures", verbose_name=_("target")
    )
    year = models.ForeignKey(
        Year, on_delete=models.PROTECT, related_name="figures", verbose_name=_("year")
    )
    plan = _amount_field(_("plan"), null=True, blank=True)
    actual = _amount_field(_("actual"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("Demo figure that does not come from a real source."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last changed by"),
    )
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = FigureQuerySet.as_manager()

    COMPARED = ("plan", "actual", "note", "illustrative")

    class Meta:
        ordering = ["year__year", "target__position"]
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        constraints = [
            models.UniqueConstraint(fields=["target", "year"], name="figure_one_per_target_year"),
            models.CheckConstraint(condition=_amount_in_range("plan"), name="figure_plan_range"),
            models.CheckConstraint(
                condition=_amount_in_range("actual"), name="figure_actual_range"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="figure_version_positive"),
        ]

    def __str__(self):
        return f"{self.target} ({self.year})"

    def save(self, *args, changed_by=None, expected_version=None, **kwargs):
        """Write the figure and its FigureChange in one transaction.

        ``expected_version`` is the version the editor saw; None means the current one. A figure
        that moved on in between raises StaleFigure, a figure of a closed year YearClosed, and
        nothing is written. Saving with no change writes nothing and returns False.
        """
        self.updated_by = changed_by
        self.updated_at = timezone.now()
        with transaction.atomic():
            if self.pk is None:
                self.version = 1
                super().save(*args, **kwargs)  # OfOpenYear refuses a closed year
                FigureChange.record(self, None, changed_by)
                return True
            Year(pk=self.year_id).refuse_if_closed()
            before = Figure.objects.select_related("updated_by").get(pk=self.pk)
            if expected_version is None:
                expected_version = before.version
            if before.version != expected_version:
                raise StaleFigure(before)
            if all(getattr(before, f) == getattr(self, f) for f in self.COMPARED):
                self.updated_by, self.updated_at = before.updated_by, before.updated_at
                return False
            # The version in WHERE makes the check and the write one statement, so two editors
            # racing on the same version cannot both win, on PostgreSQL and SQLite alike.
            won = Figure.objects.filter(pk=self.pk, version=expected_version).update(
                plan=self.plan,
                actual=self.actual,
                note=self.note,
                illustrative=self.illustrative,
                updated_by=changed_by,
                updated_at=self.updated_at,
                version=F("version") + 1,
            )
            if not won:
                raise StaleFigure(Figure.objects.select_related("updated_by").get(pk=self.pk))
            self.version = expected_version + 1
            FigureChange.record(self, before, changed_by)
            return True

    def get_absolute_url(self):
        return reverse("targets:target", args=[self.year.year, self.target.slug])

    @property
    def percent(self):
        t = self.target
        return progress.percent_of_plan(t.kind, t.direction, self.plan, self.actual)

    @property
    def assessment(self):
        t = self.target
        return Assessment(progress.assess(t.kind, t.direction, self.plan, self.actual))

    @property
    def assessment_rank(self):
        """Position of the assessment in report order, for sorting: Vượt first."""
        return Assessment.values.index(self.assessment)

    @property
    def percent_display(self):
        return format_percent(self.percent)

    @property
    def plan_display(self):
        return self._amount_display(self.plan)

    @property
    def actual_display(self):
        return self._amount_display(self.actual)

    def _amount_display(self, value):
        return amount_display(self.target.kind, value)


class FigureChange(models.Model):
    """One recorded change of a figure: who, when, and the values before and after.

    Append-only: written by Figure.save in the same transaction as the change itself.
    """

    figure = models.ForeignKey(
        Figure, on_delete=models.PROTECT, related_name="changes", verbose_name=_("figure")
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"))
    version = models.PositiveIntegerField(_("version"))
    old_plan = _amount_field(_("old plan"), null=True, blank=True)
    new_plan = _amount_field(_("new plan"), null=True, blank=True)
    old_actual = _amount_field(_("old actual"), null=True, blank=True)
    new_actual = _amount_field(_("new actual"), null=True, blank=True)
    old_note = models.TextField(_("old note"), blank=True)
    new_note = models.TextField(_("new note"), blank=True)

    class Meta:
        ordering = ["-changed_at", "-version"]
        verbose_name = _("figure change")
        verbose_name_plural = _("figure changes")
        constraints = [
            models.UniqueConstraint(
                fields=["figure", "version"], name="figurechange_one_per_version"
            )
        ]

    def __str__(self):
        return f"{self.figure} v{self.version}"

    @property
    def plan_change(self):
        return self._change(self.old_plan, self.new_plan)

    @property
    def actual_change(self):
        return self._change(self.old_actual, self.new_actual)

    def _change(self, old, new):
        kind = self.figure.target.kind
        if old == new:
            return amount_display(kind, new) or "–"
        return f"{amount_display(kind, old) or '–'} → {amount_display(kind, new) or '–'}"

    @classmethod
    def record(cls, figure, before, changed_by):
        change = cls.of(figure, before, changed_by)
        change.save()
        return change

    @classmethod
    def of(cls, figure, before, changed_by):
        """The unsaved change that takes ``figure`` from ``before`` (None for its creation)."""
        return cls(
            figure=figure,
            changed_by=changed_by,
            changed_at=figure.updated_at,
            version=figure.version,
            old_plan=before.plan if before else None,
            new_plan=figure.plan,
            old_actual=before.actual if before else None,
            new_actual=figure.actual,
            old_note=before.note if before else "",
            new_note=figure.note,
        )
