"""The ward's plan: areas and targets, the years and their names, each target's figure in a
year, and the words of a year's report."""

import string
import unicodedata
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from committees.models import committee_field

from .. import progress
from ..fields import CleanCharField, CleanTextField
from ..progress import Assessment, Direction, Kind
from ..stages import Stage
from ..text import clean_text, has_letters
from .base import (
    FIGURE_AMOUNTS,
    FIGURE_TEXTS,
    MAX_TEXT,
    amount_field,
    amount_in_range,
    at_most,
    person_field,
)
from .closing import (
    ClosableYear,
    OfOpenYear,
    OfOpenYearQuerySet,
    StaleFigure,
    refuse_to_reword_closed_reports,
    year_opened,
)
from .history import Change, FigureChange, Recorded

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


class Area(models.Model):
    """An area of work (lĩnh vực) that groups targets; reports number areas I, II, III, IV."""

    committee = committee_field(related_name="areas")
    position = models.PositiveSmallIntegerField(_("position"))
    name = CleanCharField(_("name"), max_length=200)

    class Meta:
        ordering = ["position"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        constraints = [
            models.CheckConstraint(
                condition=Q(position__gte=1, position__lte=len(ROMAN)),
                name="area_position_numbered",
            ),
            models.UniqueConstraint(
                fields=["committee", "position"], name="area_position_per_committee"
            ),
            models.UniqueConstraint(fields=["committee", "name"], name="area_name_per_committee"),
        ]

    def __str__(self):
        return f"{self.roman}. {self.name}"

    def save(self, *args, **kwargs):
        with transaction.atomic():
            self.clean()
            super().save(*args, **kwargs)

    @property
    def roman(self):
        return ROMAN[self.position - 1]

    def clean(self):
        refuse_to_reword_closed_reports(self, ("name", "position"), Figure, target__area=self)


class RatingFeed(models.TextChoices):
    """What of the cells' yearly ratings gives a target its actual: the office adopts the
    figure the ratings derive ("10/10 chi bộ", "86%") with one action."""

    CELLS_GOOD = "cells_good", _("cells rated well or better (how many)")
    MEMBERS_GOOD = "members_good", _("members rated well or better (share in %)")


PHRASE_FIELDS = {"actual", "plan", "unit"}


def validate_phrase(phrase):
    """A target's phrase in the report may name {actual}, {plan} and {unit}, nothing else."""
    try:
        names = {name for _text, name, _spec, _conv in string.Formatter().parse(phrase) if name}
    except ValueError:
        names = None
    if names is None or not names <= PHRASE_FIELDS:
        raise ValidationError(
            _("Write the figures as {actual}, {plan} and {unit}; other braces cannot be used."),
            code="phrase",
        )


class Target(Recorded):
    """One of the ward's targets (chỉ tiêu): what is measured, in which unit, and which way is good.

    The plan and actual of each year live in Figure; the target itself outlives the years.
    """

    committee = committee_field(related_name="targets")
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="targets", verbose_name=_("area")
    )
    position = models.PositiveSmallIntegerField(
        _("number"), help_text=_("The target's number (STT) across the ward's list.")
    )
    slug = models.SlugField(_("key"), max_length=80)
    name = CleanCharField(_("name"), max_length=300)
    unit = CleanCharField(_("unit"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    report_phrase = CleanCharField(
        _("phrase in the report"),
        max_length=300,
        blank=True,
        validators=[validate_phrase],
        help_text=_(
            "How the report's text states the result, with {actual}, {plan} and {unit}: "
            "“thành lập mới {actual}/{plan} tổ hợp tác”. Empty: the name, then the figures."
        ),
    )
    rating_feed = models.CharField(
        _("actual from the ratings"),
        max_length=20,
        choices=RatingFeed.choices,
        blank=True,
        help_text=_("Leave empty unless the cells' ratings give this target its actual."),
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
            models.UniqueConstraint(
                fields=["committee", "position"], name="target_number_per_committee"
            ),
            models.UniqueConstraint(fields=["committee", "slug"], name="target_key_per_committee"),
            models.UniqueConstraint(
                fields=["committee", "rating_feed"],
                condition=~Q(rating_feed=""),
                name="target_one_per_rating_feed",
                violation_error_message=_("Another target already takes this figure."),
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

    def save(self, *args, **kwargs):
        with transaction.atomic():
            self.clean()
            super().save(*args, **kwargs)

    @staticmethod
    def unique_slug(name, targets):
        """A key no other of ``targets`` (a committee's) has: the name's, numbered if taken."""
        base = slug_of(name) or "chi-tieu"
        taken = set(targets.filter(slug__startswith=base).values_list("slug", flat=True))
        return next(
            slug
            for slug in (base, *(f"{base}-{n}" for n in range(2, len(taken) + 3)))
            if slug not in taken
        )

    def clean(self):
        # A closed year's report keeps the name and unit the target had that year (frozen on the
        # figure when the year closed); what decides its numbers and place cannot change under it.
        refuse_to_reword_closed_reports(
            self, ("kind", "direction", "area_id", "position"), Figure, target=self
        )


def slug_of(name):
    """A key for a target's address from its name: "Giảm hộ nghèo" is "giam-ho-ngheo"."""
    return slugify(unicodedata.normalize("NFC", name).replace("đ", "d").replace("Đ", "D"))[:70]


class SignerTitle(models.TextChoices):
    """Who signs for the committee (T/M ĐẢNG ỦY): the secretary or a deputy."""

    SECRETARY = "secretary", _("SECRETARY")
    DEPUTY = "deputy", _("DEPUTY SECRETARY")


class SigningBody(models.TextChoices):
    """On whose behalf the report is signed: the committee, or its standing committee where the
    committee has one (T/M BAN THƯỜNG VỤ)."""

    COMMITTEE = "committee", _("FOR THE PARTY COMMITTEE")
    STANDING = "standing", _("FOR THE STANDING COMMITTEE")


class CapBase(models.TextChoices):
    """What the cap on "xuất sắc" is a share of: read differently from place to place."""

    GOOD_OR_BETTER = "good_or_better", _("well completed or better (excellent included)")
    GOOD_ONLY = "good_only", _("well completed (excellent not included)")


def plausibility_field(verbose_name, default, help_text):
    """A year's multiplier beyond which a figure is questioned; empty: no check."""
    return models.DecimalField(
        verbose_name,
        max_digits=4,
        decimal_places=2,
        default=Decimal(default),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(1))],
        help_text=help_text,
    )


class YearQuerySet(models.QuerySet):
    def open(self):
        return self.filter(is_closed=False)

    def current(self):
        """The year pages open on: the latest open year, or the latest when all are closed."""
        return self.open().first() or self.first()

    def names(self):
        """Every name the years were carried out under: their committees, superior bodies and
        places (what a password may not be made of, core.passwords)."""
        fields = ["committee_name", "executive_name", "superior_party_body", "place_name"]
        return [name for row in self.values_list(*fields) for name in row]


class Year(Recorded, ClosableYear):
    """A planning year and the names it was carried out under.

    Names of the committee, its superior body and the place change with reorganisations (Yên Bái
    became part of Lào Cai in 2025), so they are data of the year, never code.
    """

    committee = committee_field(related_name="years")
    year = models.PositiveSmallIntegerField(_("year"))
    committee_name = CleanCharField(
        _("party organisation"), max_length=200, help_text=_("E.g. Đảng bộ phường Cầu Thia.")
    )
    executive_name = CleanCharField(
        _("issuing committee"),
        max_length=200,
        help_text=_("The executive that issues the reports, e.g. Đảng ủy phường Cầu Thia."),
    )
    superior_party_body = CleanCharField(
        _("superior party organisation"),
        max_length=200,
        help_text=_("Printed above the issuing committee, e.g. Đảng bộ thị xã Nghĩa Lộ."),
    )
    place_name = CleanCharField(
        _("place"), max_length=100, help_text=_("Printed before the date on reports.")
    )
    plan_document = CleanCharField(
        _("plan document"),
        max_length=300,
        blank=True,
        help_text=_("The superior committee's plan the targets follow, e.g. Kế hoạch số 73."),
    )
    signing_body = models.CharField(
        _("signed on behalf of"),
        max_length=20,
        choices=SigningBody.choices,
        default="committee",
        help_text=_("T/M BAN THƯỜNG VỤ where the committee has a standing committee."),
    )
    signer_title = models.CharField(
        _("signer's title"), max_length=20, choices=SignerTitle.choices, default="secretary"
    )
    secretary_name = CleanCharField(
        _("signer"), max_length=200, blank=True, help_text=_("Who signs the year's reports.")
    )
    recipients = CleanTextField(
        _("recipients"),
        blank=True,
        max_length=MAX_TEXT,
        help_text=_(
            "One a line, as “Nơi nhận” lists them, e.g. Thường trực Thị ủy (b/c); the last is "
            "usually Lưu Văn phòng Đảng ủy."
        ),
    )
    rating_rule = CleanCharField(
        _("rating rule"),
        max_length=200,
        blank=True,
        help_text=_("The rule the year's ratings follow, e.g. Quy định 124-QĐ/TW."),
    )
    excellent_cap_percent = models.PositiveSmallIntegerField(
        _("cap on “excellent” (%)"),
        default=20,
        validators=[MaxValueValidator(100)],
        help_text=_("“Excellent” ratings may be at most this share of …"),
    )
    excellent_cap_base = models.CharField(
        _("… of those rated"), max_length=20, choices=CapBase.choices, default="good_or_better"
    )
    # What looks like a typing slip in the year's figures (targets.plausibility): the page warns
    # and saves once the user confirms; an empty field switches its check off.
    plausible_max_times_plan = plausibility_field(
        _("warn above this many times the plan"),
        3,
        _(
            "A count, value or number reduced more than this many times its plan is questioned "
            "before it is saved. Empty: no such check."
        ),
    )
    plausible_max_times_previous = plausibility_field(
        _("warn above this many times last year"),
        2,
        _(
            "A plan or actual more than this many times the same target's of the year before "
            "(at the same stage, else its final figure) is questioned before it is saved. "
            "Empty: no such check."
        ),
    )
    plausible_max_times_share = plausibility_field(
        _("warn above this many times a cell's plan"),
        Decimal("1.5"),
        _(
            "What a cell reports more than this many times its share of the plan is questioned "
            "before it is saved. Empty: no such check."
        ),
    )
    document_code = CleanCharField(
        _("document code"),
        max_length=30,
        default="BC/ĐU",
        help_text=_("Printed after the number: Số 125-BC/ĐU."),
    )
    # The number and date each stage's report was issued under (Stage.report_fields).
    for stage in Stage:
        locals()[stage.report_fields[0]] = CleanCharField(
            stage.report_number_name,
            max_length=20,
            blank=True,
            help_text=stage.report_number_help,
        )
        locals()[stage.report_fields[1]] = models.DateField(
            stage.report_date_name, null=True, blank=True
        )
    del stage
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
            models.UniqueConstraint(fields=["committee", "year"], name="year_once_per_committee"),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="year_plausible"
            ),
            models.CheckConstraint(
                condition=Q(excellent_cap_percent__lte=100), name="year_cap_a_percent"
            ),
            at_most("recipients"),
        ]

    def __str__(self):
        return str(self.year)

    def save(self, *args, **kwargs):
        """A closed year's names, number and date are what its filed report says: frozen.

        An update never writes is_closed: only closing and reopening do (the app's database
        role may not write it, see grant_app_role)."""
        with transaction.atomic():
            if self.pk is not None and not kwargs.get("force_insert"):
                Year.lock_open(self.pk)
                if kwargs.get("update_fields") is None:
                    kwargs["update_fields"] = [
                        field.name
                        for field in self._meta.concrete_fields
                        if not field.primary_key and field.name != "is_closed"
                    ]
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            Year.lock_open(self.pk)
            return super().delete(*args, **kwargs)

    @property
    def address(self):
        """What a page of this year is addressed by: its committee's key and its number."""
        return {"committee": self.committee.slug, "year": self.year}

    def issued_as(self, stage):
        """The number and date a report at ``stage`` was issued under ("" and None until it
        is): the six-month review's, the estimate's (made for the year-end conference) or the
        final report's."""
        number, date = Stage(stage).report_fields
        return getattr(self, number), getattr(self, date)

    def set_issued(self, stage, number, date):
        """Set (unsaved) the number and date the report at ``stage`` was issued under."""
        number_field, date_field = Stage(stage).report_fields
        setattr(self, number_field, number)
        setattr(self, date_field, date)

    def dates_allowed(self, stage):
        """The years a report at ``stage`` may be dated in: the six-month and estimate reports
        are made within the year, the final report in it or, usually, in January after it."""
        return (self.year, self.year + 1) if Stage(stage).dated_after_year else (self.year,)

    @property
    def recipient_lines(self):
        """ "Nơi nhận" as printed: "- Thường trực Thị ủy (b/c)," … "- Lưu Văn phòng Đảng ủy."."""
        lines = [line.strip(" -,.;") for line in self.recipients.splitlines() if line.strip()]
        return [f"- {line}{'.' if n == len(lines) - 1 else ','}" for n, line in enumerate(lines)]

    def open_following(self, names, carried, new_targets, by):
        """Set up the year after this one: its names (``names``, a dict of Year fields), a
        figure with no plan yet for each target ``carried`` over and each new target (unsaved
        Targets, numbered here after the last one). Nothing of this year changes."""
        with transaction.atomic():
            following = Year(committee=self.committee, year=self.year + 1, **names)
            following.save(changed_by=by)
            targets = self.committee.targets
            last = targets.aggregate(last=models.Max("position"))["last"] or 0
            for number, target in enumerate(new_targets, start=last + 1):
                target.committee = self.committee
                target.position = number
                target.slug = Target.unique_slug(target.name, targets)
                target.save(changed_by=by)
            for target in [*carried, *new_targets]:
                Figure(target=target, year=following).save(changed_by=by)
            year_opened.send(sender=Year, year=following, by=by)
            return following


class StageActuals(models.Model):
    """The actual at each stage of a year (targets.progress.Stage), a column each: a ward's
    figure has them, and so has a cell's share of it."""

    # A column for each stage (targets.stages): class-body names, as if written out.
    for stage in Stage:
        locals()[stage.field] = amount_field(stage.field_name, null=True, blank=True)
    del stage

    class Meta:
        abstract = True

    def actual_at(self, stage):
        return getattr(self, Stage(stage).field)


class FigureQuerySet(OfOpenYearQuerySet):
    def for_year(self, year):
        """The year's figures in report order, with what every row shows, in one query."""
        return (
            self.filter(year=year)
            .select_related("target__area", "year__committee", "updated_by")
            .order_by("target__area__position", "target__position")
        )


class Figure(OfOpenYear, StageActuals):
    """A target's plan (kế hoạch) and actual (thực hiện) in one year.

    Every write goes through ``save``, which refuses a stale version and records the change in
    FigureChange in the same transaction. Percent and assessment are derived, never stored, and
    only at a stage: every page, sheet and message reads them, and the figure's numbers as text,
    through targets.report.Row (``Row(figure, stage=...)``).
    """

    target = models.ForeignKey(
        Target, on_delete=models.PROTECT, related_name="figures", verbose_name=_("target")
    )
    year = models.ForeignKey(
        Year, on_delete=models.PROTECT, related_name="figures", verbose_name=_("year")
    )
    plan = amount_field(_("plan"), null=True, blank=True)
    note = CleanTextField(
        _("note"),
        blank=True,
        max_length=MAX_TEXT,
        help_text=_("Printed in the report's table: what the committee says of the figure."),
    )
    reason = CleanTextField(
        _("reason"),
        blank=True,
        max_length=MAX_TEXT,
        help_text=_(
            "Why the target fell short of its plan. The report sorts the causes: begin a part "
            "with “Khách quan:” for causes outside the committee's control, “Chủ quan:” for its "
            "own; an unmarked reason counts as chủ quan."
        ),
    )
    comment = CleanTextField(
        _("working comment"),
        blank=True,
        max_length=MAX_TEXT,
        help_text=_("For the office only, never printed: where a figure came from, doubts."),
    )
    illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("Demo figure that does not come from a real source."),
    )
    # The target's name and unit as they stood when the year closed: its report keeps them
    # whatever the target is called later. Empty while the year is open.
    target_name = CleanCharField(_("target's name that year"), max_length=300, blank=True)
    target_unit = CleanCharField(_("target's unit that year"), max_length=50, blank=True)
    # What the year's report read of the same target's years before and after when the year
    # closed ({"previous": {stage: amount}, "next_plan": amount}); None while never closed.
    kept_neighbours = models.JSONField(
        _("the years before and after, as at the closing"), null=True, blank=True, editable=False
    )
    updated_by = person_field(_("last changed by"))
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = FigureQuerySet.as_manager()

    # What a change of the figure compares and writes; the rest is who, when and the version.
    COMPARED = (*FIGURE_AMOUNTS, *FIGURE_TEXTS, "illustrative")

    class Meta:
        ordering = ["year__year", "target__position"]
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        constraints = [
            models.UniqueConstraint(fields=["target", "year"], name="figure_one_per_target_year"),
            *(
                models.CheckConstraint(
                    condition=amount_in_range(field), name=f"figure_{field}_range"
                )
                for field in FIGURE_AMOUNTS
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="figure_version_positive"),
            at_most("note"),
            at_most("reason"),
        ]

    def __str__(self):
        return f"{self.target} ({self.year})"

    def save(
        self,
        *args,
        changed_by=None,
        expected_version=None,
        imported_from=None,
        confirmed_warnings="",
        **kwargs,
    ):
        """Write the figure and its FigureChange in one transaction.

        ``expected_version`` is the version the editor saw; None means the current one;
        ``imported_from`` the Import the values come from, if any; ``confirmed_warnings`` what
        the editor was warned of and confirmed (targets.plausibility), one a line. A figure
        that moved on in between raises StaleFigure, a figure of a closed year YearClosed, and
        nothing is written. Saving with no change writes nothing and returns False.
        """
        self.updated_by = changed_by
        self.updated_at = timezone.now()
        for name in FIGURE_TEXTS:
            setattr(self, name, clean_text(getattr(self, name)))
        with transaction.atomic():
            if self.pk is None:
                self.version = 1
                super().save(*args, **kwargs)  # OfOpenYear refuses a closed year
                FigureChange.record(self, None, changed_by, imported_from, confirmed_warnings)
                return True
            before = Figure.objects.select_related("updated_by").get(pk=self.pk)
            Year.lock_open(self.year_id)
            if (before.target_id, before.year_id) != (self.target_id, self.year_id):
                raise ValidationError(
                    _(
                        "A figure stays with its target and year: enter the figure of the other "
                        "target or year instead."
                    ),
                    code="figure_moved",
                )
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
                **{field: getattr(self, field) for field in self.COMPARED},
                updated_by=changed_by,
                updated_at=self.updated_at,
                version=F("version") + 1,
            )
            if not won:
                raise StaleFigure(Figure.objects.select_related("updated_by").get(pk=self.pk))
            self.version = expected_version + 1
            FigureChange.record(self, before, changed_by, imported_from, confirmed_warnings)
            return True

    def get_absolute_url(self):
        return reverse("targets:target", kwargs={**self.year.address, "slug": self.target.slug})

    def of_year_before(self):
        """The same target's figure of the year before, or None."""
        return (
            Figure.objects.filter(target=self.target_id, year__year=self.year.year - 1)
            .select_related("year")
            .first()
        )

    @property
    def name(self):
        """The target's name as this year's report prints it."""
        return self.target_name or self.target.name

    @property
    def unit(self):
        return self.target_unit or self.target.unit

    def latest_stage(self):
        """The latest stage this figure has an actual for, or None."""
        return next((stage for stage in reversed(Stage) if self.actual_at(stage) is not None), None)

    @property
    def needs_reason(self):
        """A figure that ends a full-year stage below plan must say why (closing asks for it):
        the final figure if there is one, else the estimate."""
        t = self.target
        for stage in [stage for stage in reversed(Stage) if stage.has_verdict]:
            actual = self.actual_at(stage)
            if actual is not None:
                below = progress.assess(t.kind, t.direction, self.plan, actual, stage)
                return below == Assessment.NOT_MET and not has_letters(self.reason, 3)
        return False

    def take_estimate_as_final(self, by, expected_version):
        """Take the estimate (ước thực hiện) as the final figure, for an office that has no
        other: written through save, with its version check and its history naming ``by``.
        StaleFigure if the figure changed since ``expected_version``; ValidationError where it
        has no estimate, or a final figure already (never overwritten here)."""
        if self.version != expected_version:
            raise StaleFigure(self)
        if self.actual_at(Stage.ESTIMATE) is None or self.actual_at(Stage.FINAL) is not None:
            raise ValidationError(
                _("%(target)s: only an estimate with no final figure yet can be taken as final.")
                % {"target": f"{self.target.position}. {self.name}"},
                code="no_estimate",
            )
        setattr(self, Stage.FINAL.field, self.actual_at(Stage.ESTIMATE))
        return self.save(changed_by=by, expected_version=expected_version)


class ReportText(Recorded, OfOpenYear):
    """The words of a year's report at a stage (báo cáo), edited in the browser: what was
    achieved, what fell short and why, and the direction for the year after. Drafted from the
    figures (targets.narrative) until the office saves its own; a draft is printed with the mark
    "DỰ THẢO", a text marked final without."""

    year = models.ForeignKey(
        Year, on_delete=models.PROTECT, related_name="report_texts", verbose_name=_("year")
    )
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    subject = CleanCharField(
        _("subject"),
        max_length=500,
        blank=True,
        help_text=_("What the report covers, under “BÁO CÁO”; empty: the usual subject."),
    )
    results = CleanTextField(_("I. Results"), max_length=20_000)
    shortcomings = CleanTextField(
        _("II. Limitations, shortcomings and their causes"), max_length=20_000
    )
    directions = CleanTextField(_("III. Directions and tasks"), max_length=20_000)
    is_final = models.BooleanField(
        _("final text"),
        default=False,
        help_text=_("A final text is printed without the mark “DỰ THẢO”."),
    )
    updated_by = person_field(_("last changed by"))
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    SECTIONS = ("results", "shortcomings", "directions")

    class Meta:
        verbose_name = _("report text")
        verbose_name_plural = _("report texts")
        constraints = [
            models.UniqueConstraint(fields=["year", "stage"], name="reporttext_one_per_stage"),
            models.CheckConstraint(
                condition=Q(stage__in=Stage.values), name="reporttext_stage_known"
            ),
            *(at_most(name, 20_000) for name in ("results", "shortcomings", "directions")),
        ]

    def __str__(self):
        return f"{self.year} {self.get_stage_display()}"

    @classmethod
    def write(cls, year, stage, values, by, expected_version):
        """Save the office's text of ``year`` at ``stage`` (``values``: the sections and
        is_final) over the version the editor opened (0 for the draft from the figures).

        Raises StaleText if someone saved since, YearClosed for a closed year; returns False
        and writes nothing when nothing changed. The change is recorded (Recorded).
        """
        with transaction.atomic():
            Year.lock_open(year.pk)  # also serialises two editors of the same year
            text = cls.objects.select_related("updated_by").filter(year=year, stage=stage).first()
            if (text.version if text else 0) != expected_version:
                raise StaleText(text or cls(year=year, stage=stage, version=0))
            text = text or cls(year=year, stage=stage, version=0)
            if text.pk and all(getattr(text, name) == value for name, value in values.items()):
                return False
            for name, value in values.items():
                setattr(text, name, value)
            text.version += 1
            text.updated_by = by
            text.save(changed_by=by)
            return True

    def history_lines(self):
        """[(change, [what it changed, by the fields' names])] of this text, latest first."""
        if self.pk is None:
            return []
        labels = {field.attname: field.verbose_name for field in self._meta.concrete_fields}
        changes = Change.objects.filter(
            content_type=ContentType.objects.get_for_model(ReportText), object_id=self.pk
        ).select_related("changed_by")
        shown = ("subject", *self.SECTIONS, "is_final")
        return [
            (change, [labels[name] for name in shown if name in change.changed_fields])
            for change in changes
        ]


class StaleText(Exception):
    """Raised when a report's text was saved by someone else since the editor opened it;
    ``current`` is the text now stored (a ReportText)."""

    def __init__(self, current):
        super().__init__("report text changed")
        self.current = current
