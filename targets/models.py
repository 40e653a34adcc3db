import json
import string
import unicodedata
import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from . import display, files, progress
from .fields import CleanCharField, CleanTextField
from .numbers import MAX_AMOUNT
from .progress import Assessment, Direction, Kind, Stage
from .text import clean_text, has_letters

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
# The longest note, description or reason a form takes; the database holds the same limit.
MAX_TEXT = 2000

# Sent inside the closing transaction, before the year is marked closed, so that other apps
# freeze what they print of the year (the cells' names) without this app importing them.
year_closing = Signal()
# Sent when the office reviews a year before closing it: each receiver returns a list of
# warnings (strings) about what of its own app the closing would freeze unfinished, such as the
# cells' ratings, so that the review names them without this app importing those apps.
year_review = Signal()
# Sent inside the transaction that sets up a year (Year.open_following), once its figures are
# made, so that other apps carry their own records of the year before into it (the cells' years)
# without this app importing them.
year_opened = Signal()


def person_field(verbose_name, **kwargs):
    """Who did something: a user, never deleted while their deeds are kept (PROTECT); by
    default optional, as a data load has no one."""
    kwargs = {"null": True, "blank": True} | kwargs
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=verbose_name,
        **kwargs,
    )


def at_most(field, length=MAX_TEXT):
    """A named constraint that keeps a text field within ``length`` characters."""
    return models.CheckConstraint(
        condition=LessThanOrEqual(Length(field), length),
        name=f"%(app_label)s_%(class)s_{field}_length",
    )


class Change(models.Model):
    """One recorded change of a target, a year, a task or a cell's rating: who, when, and the
    record's fields before and after. Figures keep their own, typed history (FigureChange).

    Append-only: written by Recorded.save and Recorded.delete in the same transaction as the
    change itself; on PostgreSQL the database refuses to alter or remove a row of it.
    """

    APPEND_ONLY = True

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        CHANGED = "changed", _("changed")
        DELETED = "deleted", _("deleted")

    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("kind of record")
    )
    object_id = models.PositiveBigIntegerField(_("record"))
    record = GenericForeignKey("content_type", "object_id")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    changed_by = person_field(_("changed by"))
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    before = models.JSONField(_("before"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("after"), null=True, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        indexes = [models.Index(fields=["content_type", "object_id"], name="change_of_record")]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=["created", "changed", "deleted"]),
                name="change_action_known",
            )
        ]

    def __str__(self):
        return f"{self.content_type.name} {self.object_id}: {self.get_action_display()}"

    @property
    def changed_fields(self):
        """{field: (before, after)} of the fields this change changed."""
        before, after = self.before or {}, self.after or {}
        return {
            name: (before.get(name), after.get(name))
            for name in sorted(before.keys() | after.keys())
            if before.get(name) != after.get(name)
        }


class Recorded(models.Model):
    """A record whose every save and delete is kept as a Change, with who made it
    (``changed_by``; None for a data load) and its fields before and after."""

    class Meta:
        abstract = True

    def save(self, *args, changed_by=None, **kwargs):
        with transaction.atomic():
            before = self.stored_fields()
            super().save(*args, **kwargs)
            after = self.recorded_fields()
            if before != after:
                self.record_change(
                    Change.Action.CHANGED if before else Change.Action.CREATED,
                    changed_by,
                    before,
                    after,
                )

    def delete(self, *args, changed_by=None, **kwargs):
        with transaction.atomic():
            before = self.stored_fields()
            pk = self.pk
            result = super().delete(*args, **kwargs)
            self.pk = pk
            self.record_change(Change.Action.DELETED, changed_by, before, None)
            self.pk = None
            return result

    def recorded_fields(self):
        """The record's fields as the history keeps them (as JSON reads them back)."""
        values = {
            field.attname: getattr(self, field.attname)
            for field in self._meta.concrete_fields
            # A time stamped on every save says nothing the change's own time does not.
            if not field.primary_key and not getattr(field, "auto_now", False)
        }
        return json.loads(json.dumps(values, cls=DjangoJSONEncoder))

    def stored_fields(self):
        if self.pk is None:
            return None
        stored = type(self)._base_manager.filter(pk=self.pk).first()
        return stored.recorded_fields() if stored is not None else None

    def record_change(self, action, changed_by, before, after):
        Change.objects.create(
            content_type=ContentType.objects.get_for_model(self, for_concrete_model=True),
            object_id=self.pk,
            action=action,
            changed_by=changed_by,
            before=before,
            after=after,
        )


class Area(models.Model):
    """An area of work (lĩnh vực) that groups targets; reports number areas I, II, III, IV."""

    position = models.PositiveSmallIntegerField(_("position"), unique=True)
    name = CleanCharField(_("name"), max_length=200, unique=True)

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

    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="targets", verbose_name=_("area")
    )
    position = models.PositiveSmallIntegerField(
        _("number"), unique=True, help_text=_("The target's number (STT) across the ward's list.")
    )
    slug = models.SlugField(_("key"), max_length=80, unique=True)
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
                fields=["rating_feed"],
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

    @classmethod
    def unique_slug(cls, name):
        """A key no other target has: the name's, numbered if taken."""
        base = slug_of(name) or "chi-tieu"
        taken = set(cls.objects.filter(slug__startswith=base).values_list("slug", flat=True))
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


def refuse_to_reword_closed_reports(obj, fields, records, **lookup):
    """Raise ValidationError if ``obj`` changes one of ``fields`` while one of its ``records``
    (a model of records of a year, filtered by ``lookup``) is of a closed year: that year's
    report, already final, would read differently."""
    if obj.pk is None:
        return
    stored = type(obj).objects.filter(pk=obj.pk).values(*fields).first()
    if stored is None or all(stored[name] == getattr(obj, name) for name in fields):
        return
    closed = list(
        records.objects.filter(year__is_closed=True, **lookup)
        .values_list("year__year", flat=True)
        .distinct()
    )
    if closed:
        raise ValidationError(
            _(
                "This would change the report of a year whose figures are closed (%(years)s). "
                "Reopen the year for adjustment first, or create a new target for the next year."
            )
            % {"years": ", ".join(str(year) for year in sorted(closed))},
            code="closed_report",
        )


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


class Year(Recorded):
    """A planning year and the names it was carried out under.

    Names of the committee, its superior body and the place change with reorganisations (Yên Bái
    became part of Lào Cai in 2025), so they are data of the year, never code.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
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
    report_number = CleanCharField(
        _("year-end report number"),
        max_length=20,
        blank=True,
        help_text=_(
            "The number the year-end report was issued under, e.g. 125; empty until issued, "
            "and the document leaves a blank to write it in."
        ),
    )
    document_code = CleanCharField(
        _("document code"),
        max_length=30,
        default="BC/ĐU",
        help_text=_("Printed after the number: Số 125-BC/ĐU."),
    )
    report_date = models.DateField(_("year-end report date"), null=True, blank=True)
    estimate_report_number = CleanCharField(
        _("estimate report number"),
        max_length=20,
        blank=True,
        help_text=_("The number of the report on the year's estimated figures (ước thực hiện)."),
    )
    estimate_report_date = models.DateField(_("estimate report date"), null=True, blank=True)
    half_report_number = CleanCharField(
        _("six-month report number"),
        max_length=20,
        blank=True,
        help_text=_("The number of the six-month review's report (sơ kết 6 tháng)."),
    )
    half_report_date = models.DateField(_("six-month report date"), null=True, blank=True)
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

    @staticmethod
    def lock_open(*year_ids):
        """Raise YearClosed if one of the years is closed; otherwise hold a lock on their rows
        until the transaction ends, so the year cannot close between this check and the write.

        Closing updates the year's row, which waits for this lock, and a write that comes after
        the closing waits for it and then sees the year closed. SQLite has no row locks: there
        every transaction takes the database's write lock as it begins (transaction_mode
        IMMEDIATE in the settings), which serialises the same way.
        """
        ids = [pk for pk in year_ids if pk is not None]
        closed = (
            Year.objects.select_for_update(no_key=True)
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("year", "is_closed")
        )
        closed = [year for year, is_closed in closed if is_closed]
        if closed:
            raise YearClosed(closed[0])

    def close(self, by):
        """Close the year once its report is final: every figure, task and rating is frozen.

        Raises ValidationError naming what still blocks it (closing_blockers), whoever asks:
        the review page's confirmation is the office's, this refusal the year's own."""
        return self._set_closed(True, by, "")

    def reopen(self, by, reason):
        """Reopen a closed year; the reason is required and kept with who and when."""
        reason = clean_reason(reason)
        return self._set_closed(False, by, reason)

    def _set_closed(self, closed, by, reason):
        with transaction.atomic():
            locked = Year.objects.select_for_update(no_key=True).get(pk=self.pk)
            if locked.is_closed == closed:
                return False  # closing twice, or reopening an open year, changes nothing
            if closed:
                # Checked under the year's lock: no figure can change between this and closing.
                self.refuse_while_unfinished()
                # What the report prints of the year's targets and cells, as they stand now.
                self.figures.update(
                    target_name=models.Subquery(
                        Target.objects.filter(pk=models.OuterRef("target_id")).values("name")
                    ),
                    target_unit=models.Subquery(
                        Target.objects.filter(pk=models.OuterRef("target_id")).values("unit")
                    ),
                )
                self.keep_neighbours()
                locked.keep_report_drafts(by)
                year_closing.send(sender=Year, year=self)
            if connection.vendor == "postgresql":
                # On PostgreSQL the app's database role may not write the closing itself: a
                # function owned by the schema's owner changes the year and records the event
                # together (see grant_app_role).
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT cauthia_set_year_closed(%s, %s, %s, %s)",
                        [self.pk, closed, by.pk, reason],
                    )
            else:
                Year.objects.filter(pk=self.pk).update(is_closed=closed)
                YearEvent.objects.create(
                    year=self,
                    action=YearEvent.Action.CLOSE if closed else YearEvent.Action.REOPEN,
                    reason=reason,
                    by=by,
                    at=timezone.now(),
                )
            if not closed:
                # Open again, the report is drafted from the figures again where the office
                # never saved its text: the drafts kept at the closing go.
                for text in self.report_texts.filter(version=0):
                    text.delete(changed_by=by)
            self.is_closed = closed
            return True

    def keep_neighbours(self):
        """Keep on each figure what the year's report reads of the years before and after it
        (last year's actual at every stage, next year's plan), as they stand now: the closed
        year's report reads these (targets.report.neighbour_figures), not what is written
        later."""
        from .report import stored_neighbours  # which reads this module

        figures = list(self.figures.all())
        neighbours = stored_neighbours(self, figures)

        def text(value):
            return None if value is None else str(value)

        for figure in figures:
            kept = {}
            previous = neighbours.get((self.year - 1, figure.target_id))
            if previous is not None:
                kept["previous"] = {stage: text(previous.actual_at(stage)) for stage in Stage}
            following = neighbours.get((self.year + 1, figure.target_id))
            if following is not None:
                kept["next_plan"] = text(following.plan)
            figure.kept_neighbours = kept
        Figure.objects.bulk_update(figures, ["kept_neighbours"])

    def keep_report_drafts(self, by):
        """Keep the draft of each stage with figures whose text the office never saved, as the
        report prints it now, at version 0 (ReportText.write counts the office's saves from
        1): a draft is written afresh from what it reads (the targets' names and phrases, next
        year's plans), and a closed year's report reads as it was closed. Raises
        ValidationError where a draft is longer than a report's text may be."""
        from .report import YearReport  # which reads this module

        saved = set(self.report_texts.values_list("stage", flat=True))
        figures = list(self.figures.all())
        for stage in Stage:
            if stage in saved or all(figure.actual_at(stage) is None for figure in figures):
                continue
            draft = YearReport.year_end(self, stage).text
            if any(
                len(getattr(draft, name)) > ReportText._meta.get_field(name).max_length
                for name in ReportText.SECTIONS
            ):
                raise ValidationError(
                    _(
                        "The year cannot be closed yet: the report drafted from the figures "
                        "(%(stage)s) is too long to keep. Shorten its text and save it first."
                    )
                    % {"stage": stage.label},
                    code="draft_too_long",
                )
            draft.version, draft.updated_by = 0, by
            draft.save(changed_by=by)

    # The fields of the number and date each stage's report was issued under.
    ISSUED_FIELDS = {
        Stage.HALF: ("half_report_number", "half_report_date"),
        Stage.ESTIMATE: ("estimate_report_number", "estimate_report_date"),
        Stage.FINAL: ("report_number", "report_date"),
    }

    def issued_as(self, stage):
        """The number and date a report at ``stage`` was issued under ("" and None until it
        is): the six-month review's, the estimate's (made for the year-end conference) or the
        final report's."""
        number, date = self.ISSUED_FIELDS[Stage(stage)]
        return getattr(self, number), getattr(self, date)

    def set_issued(self, stage, number, date):
        """Set (unsaved) the number and date the report at ``stage`` was issued under."""
        number_field, date_field = self.ISSUED_FIELDS[Stage(stage)]
        setattr(self, number_field, number)
        setattr(self, date_field, date)

    def dates_allowed(self, stage):
        """The years a report at ``stage`` may be dated in: the six-month and estimate reports
        are made within the year, the final report in it or, usually, in January after it."""
        return (self.year,) if stage != Stage.FINAL else (self.year, self.year + 1)

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
            following = Year(year=self.year + 1, **names)
            following.save(changed_by=by)
            last = Target.objects.aggregate(last=models.Max("position"))["last"] or 0
            for number, target in enumerate(new_targets, start=last + 1):
                target.position = number
                target.slug = Target.unique_slug(target.name)
                target.save(changed_by=by)
            for target in [*carried, *new_targets]:
                Figure(target=target, year=following).save(changed_by=by)
            year_opened.send(sender=Year, year=following, by=by)
            return following

    def closing_blockers(self, figures=None):
        """What keeps the year from closing, each list in target order: (the figures with a plan
        and no final figure, milestones included; the figures that end the year below plan
        without a reason, Figure.needs_reason). ``figures``: the year's figures with their
        targets, where the caller has them; else one query."""
        if figures is None:
            figures = self.figures.select_related("target")
        figures = sorted(figures, key=lambda figure: figure.target.position)
        return (
            [f for f in figures if f.plan is not None and f.actual_at(Stage.FINAL) is None],
            [f for f in figures if f.needs_reason],
        )

    def refuse_while_unfinished(self):
        """Raise ValidationError naming the targets that keep the year from closing: a closed
        report states each target's final figure, and explains each that fell short (hạn chế,
        nguyên nhân)."""
        without_final, without_reason = self.closing_blockers()
        errors = []
        if without_final:
            errors.append(
                ValidationError(
                    _(
                        "The year cannot be closed yet: these targets have a plan but no final "
                        "figure (actual for the full year): %(targets)s."
                    )
                    % {"targets": named(without_final)},
                    code="final_missing",
                )
            )
        if without_reason:
            errors.append(
                ValidationError(
                    _(
                        "The year cannot be closed yet: give the reason why these targets fell "
                        "short of their plan: %(targets)s."
                    )
                    % {"targets": named(without_reason)},
                    code="reasons_missing",
                )
            )
        if errors:
            raise ValidationError(errors)

    def closing_warnings(self):
        """What closing would freeze unfinished without keeping the year open, as sentences:
        the full year's report still a draft, and what other apps answer to year_review."""
        warnings = []
        if not self.report_texts.filter(stage=Stage.FINAL, is_final=True).exists():
            warnings.append(
                _(
                    "The report of the full year is still a draft (DỰ THẢO): it will be closed "
                    "as a draft unless its text is marked final first."
                )
            )
        for _receiver, answer in year_review.send(sender=Year, year=self):
            warnings.extend(answer or [])
        return warnings

    def take_estimates_as_final(self, versions, by):
        """Take the estimate as the final figure of each of the year's figures in ``versions``
        ({figure id: the version the page showed}), for an office that has no other final
        figure yet, in one transaction: if any of them changed since the page was shown,
        nothing is written and StaleFigures names them all. Returns how many were written."""
        with transaction.atomic():
            Year.lock_open(self.pk)
            figures = list(
                self.figures.select_related("target", "updated_by")
                .filter(pk__in=list(versions))
                .order_by("target__position")
            )
            stale = []
            for figure in figures:
                try:
                    figure.take_estimate_as_final(by, versions[figure.pk])
                except StaleFigure as conflict:
                    stale.append(conflict.current)
            if stale:
                raise StaleFigures(stale)
            return len(figures)

    @property
    def closed_message(self):
        return YearClosed(self.year).message

    def require_open(self):
        """Raise YearClosed for a closed year: a write view's one way of saying so (see
        cauthia.middleware.YearClosedMiddleware)."""
        if self.is_closed:
            raise YearClosed(self.year)


def named(figures):
    """ "14. Giảm hộ cận nghèo; 20. Tỷ lệ trẻ em dưới 1 tuổi": figures as a message names them."""
    return "; ".join(f"{figure.target.position}. {figure.name}" for figure in figures)


def clean_reason(reason):
    """The reason for reopening a year as it will be kept, or ValidationError: it must say
    something (a few letters, not "." or an invisible character) and fit MAX_TEXT."""
    reason = clean_text(reason)
    if not has_letters(reason, at_least=5):
        raise ValidationError(
            _("Give the reason for reopening the year, in a few words."), code="reason"
        )
    if len(reason) > MAX_TEXT:
        raise ValidationError(
            _("The reason is too long: at most %(max)d characters.") % {"max": MAX_TEXT},
            code="reason_length",
        )
    return reason


class YearEvent(models.Model):
    """A closing or reopening of a year, with who, when and (for reopening) why."""

    APPEND_ONLY = True

    class Action(models.TextChoices):
        CLOSE = "close", _("closed")
        REOPEN = "reopen", _("reopened")

    year = models.ForeignKey(
        Year, on_delete=models.PROTECT, related_name="events", verbose_name=_("year")
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    reason = CleanTextField(_("reason"), blank=True, max_length=MAX_TEXT)
    by = person_field(_("by"), null=False, blank=False)
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
            at_most("reason"),
        ]

    def __str__(self):
        return f"{self.year} {self.get_action_display()}"


# The field of Figure that holds the actual at each stage of the year.
STAGE_FIELDS = {
    Stage.HALF: "actual_half",
    Stage.ESTIMATE: "actual_estimate",
    Stage.FINAL: "actual",
}


# A figure's amounts and texts, whose old and new values each change of it keeps.
FIGURE_AMOUNTS = ("plan", *STAGE_FIELDS.values())
FIGURE_TEXTS = ("note", "reason", "comment")


def amount_field(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **kwargs)


def amount_in_range(field):
    """Non-negative and below MAX_AMOUNT. The upper bound also refuses PostgreSQL's NaN, which
    sorts above every number, and SQLite's text 'NaN' or 'Infinity', which sort above numbers."""
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0, f"{field}__lt": MAX_AMOUNT})


class YearClosed(Exception):
    """Raised when a record of a closed year is about to be written or deleted."""

    def __init__(self, year):
        super().__init__(year)
        self.year = year

    @property
    def message(self):
        return _("The year %(year)s is closed: its figures can no longer be changed.") % {
            "year": self.year
        }


class StaleFigure(Exception):
    """Raised when a figure was changed by someone else since the editor opened it."""

    def __init__(self, current):
        super().__init__(f"figure {current.pk} is at version {current.version}")
        self.current = current


class StaleFigures(Exception):
    """Raised when figures written together were changed by someone else since the page showed
    them; nothing was written. ``current``: each of them as now stored."""

    def __init__(self, current):
        super().__init__(f"{len(current)} figures changed")
        self.current = current


class OfOpenYearQuerySet(models.QuerySet):
    def delete(self):
        """Delete the rows, unless one of them belongs to a closed year (the admin's bulk
        delete comes here): then nothing is deleted and YearClosed is raised."""
        with transaction.atomic():
            Year.lock_open(*set(self.values_list("year_id", flat=True)))
            return super().delete()


class OfOpenYear(models.Model):
    """A record of a year that is frozen once the year is closed: a form says so in words, and
    the write itself is refused, whoever attempts it (the admin and commands included), in the
    same transaction as a lock on the year (see Year.lock_open). Moving a record to another year
    counts as a write to both."""

    objects = OfOpenYearQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        with transaction.atomic():
            self.lock_years()
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            self.lock_years()
            return super().delete(*args, **kwargs)

    def lock_years(self):
        """Lock the record's year, and the year it is stored under if that differs; raise
        YearClosed if either is closed."""
        stored = None
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values_list("year_id", flat=True)
            stored = stored.first()
        Year.lock_open(self.year_id, stored)

    def clean(self):
        super().clean()
        if self.year_id and self.year.is_closed:
            raise ValidationError(_("The year is closed: its figures can no longer be changed."))


class StageActuals(models.Model):
    """The actual at each stage of a year (targets.progress.Stage), a column each: a ward's
    figure has them, and so has a cell's share of it."""

    actual_half = amount_field(_("actual at six months"), null=True, blank=True)
    actual_estimate = amount_field(_("estimated actual for the year"), null=True, blank=True)
    actual = amount_field(_("actual for the year"), null=True, blank=True)

    class Meta:
        abstract = True

    def actual_at(self, stage):
        return getattr(self, STAGE_FIELDS[stage])


class FigureQuerySet(OfOpenYearQuerySet):
    def for_year(self, year):
        """The year's figures in report order, with what every row shows, in one query."""
        return (
            self.filter(year=year)
            .select_related("target__area", "year", "updated_by")
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
                for field in ("plan", *STAGE_FIELDS.values())
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
        return reverse("targets:target", args=[self.year.year, self.target.slug])

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
        for stage in (Stage.FINAL, Stage.ESTIMATE):
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
        setattr(self, STAGE_FIELDS[Stage.FINAL], self.actual_at(Stage.ESTIMATE))
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
                condition=Q(stage__in=["half", "estimate", "final"]), name="reporttext_stage_known"
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


def evidence_storage():
    """Where evidence files are kept: STORAGES["evidence"] in the settings (the file system by
    default, an object store on several servers)."""
    return storages["evidence"]


def evidence_path(evidence, filename):
    """A name of the app's choosing: the uploader's name is kept apart, for showing."""
    extension = files.EXTENSIONS.get(evidence.content_type, "")
    return f"evidence/{evidence.figure.year.year}/{uuid.uuid4().hex}{extension}"


def shortened(name, length):
    """``name`` cut to ``length`` characters, its extension kept, so that it still says what
    the file is."""
    if len(name) <= length:
        return name
    stem, _dot, extension = name.rpartition(".")
    if not stem or not 0 < len(extension) < 10:
        return name[:length]
    return f"{stem[: length - len(extension) - 1]}.{extension}"


class Evidence(models.Model):
    """A file that shows where a figure comes from (a department's tally, a scanned minute),
    with who added it and when. Served only to those who may see the ward's figures."""

    figure = models.ForeignKey(
        Figure, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("figure")
    )
    file = models.FileField(
        _("file"), upload_to=evidence_path, storage=evidence_storage, max_length=200
    )
    name = CleanCharField(_("file name"), max_length=200)
    content_type = models.CharField(
        _("type"), max_length=100, choices=[(kind, kind) for kind in files.EXTENSIONS]
    )
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = person_field(_("added by"), null=False, blank=False)
    uploaded_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        constraints = [
            models.CheckConstraint(
                condition=Q(content_type__in=list(files.EXTENSIONS)),
                name="evidence_type_accepted",
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        """Save the row, and a new file with it: a file is stored only as its row is, never
        left without one when the row fails."""
        length = self._meta.get_field("name").max_length
        self.name = shortened(clean_text(self.name, multiline=False), length)
        new_file = bool(self.file) and not self.file._committed
        # Evidence belongs to its figure's year: a closed year's stays as it was filed.
        try:
            with transaction.atomic():
                Year.lock_open(self.figure.year_id)
                super().save(*args, **kwargs)
        except Exception:
            if new_file and self.file._committed:
                self.file.storage.delete(self.file.name)
            raise

    def get_absolute_url(self):
        figure = self.figure
        return reverse("targets:evidence", args=[figure.year.year, figure.target.slug, self.pk])

    @property
    def download_name(self):
        """The uploader's name with the extension of what the file is: a PDF named "x.html"
        downloads as "x.pdf", a workbook named "x.xlsm" as "x.xlsx", so that no browser or
        program opens it as anything else."""
        stem, _dot, _extension = self.name.rpartition(".")
        return (stem or self.name) + files.EXTENSIONS[self.content_type]


class Import(models.Model):
    """A workbook brought in for a year and a stage (targets.imports): the file as uploaded, kept
    until its figures are written so the office can choose a sheet or look again, and the
    preview it gave, which the confirmation writes as it was shown. The figures' history names
    the import, so who uploaded which file stays on record."""

    year = models.ForeignKey(
        Year, on_delete=models.PROTECT, related_name="imports", verbose_name=_("year")
    )
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    file_name = CleanCharField(_("file name"), max_length=255)
    content = models.BinaryField(_("content"), editable=False, default=b"")
    sheet = CleanCharField(_("sheet"), max_length=100, blank=True)
    # What the preview showed (targets.imports.Preview.as_json): the confirmation writes these
    # values, each figure at the version shown.
    preview = models.JSONField(_("preview"), default=dict, encoder=DjangoJSONEncoder)
    uploaded_by = person_field(_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("written at"), null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        constraints = [
            models.CheckConstraint(condition=Q(stage__in=Stage.values), name="import_stage_known")
        ]

    def __str__(self):
        return f"{self.file_name} ({self.year})"

    def get_absolute_url(self):
        return reverse("targets:import", args=[self.year.year, self.pk])


class FigureChange(models.Model):
    """One recorded change of a figure: who, when, and the values before and after.

    Append-only: written by Figure.save in the same transaction as the change itself.
    """

    APPEND_ONLY = True  # on PostgreSQL by trigger, and by the app role's rights (grant_app_role)

    figure = models.ForeignKey(
        Figure, on_delete=models.PROTECT, related_name="changes", verbose_name=_("figure")
    )
    changed_by = person_field(_("changed by"))
    changed_at = models.DateTimeField(_("changed at"))
    version = models.PositiveIntegerField(_("version"))
    old_plan = amount_field(_("old plan"), null=True, blank=True)
    new_plan = amount_field(_("new plan"), null=True, blank=True)
    old_actual_half = amount_field(_("old actual at six months"), null=True, blank=True)
    new_actual_half = amount_field(_("new actual at six months"), null=True, blank=True)
    old_actual_estimate = amount_field(_("old estimate"), null=True, blank=True)
    new_actual_estimate = amount_field(_("new estimate"), null=True, blank=True)
    old_actual = amount_field(_("old actual"), null=True, blank=True)
    new_actual = amount_field(_("new actual"), null=True, blank=True)
    old_note = CleanTextField(_("old note"), blank=True, max_length=MAX_TEXT)
    new_note = CleanTextField(_("new note"), blank=True, max_length=MAX_TEXT)
    old_reason = CleanTextField(_("old reason"), blank=True, max_length=MAX_TEXT)
    new_reason = CleanTextField(_("new reason"), blank=True, max_length=MAX_TEXT)
    old_comment = CleanTextField(_("old comment"), blank=True, max_length=MAX_TEXT)
    new_comment = CleanTextField(_("new comment"), blank=True, max_length=MAX_TEXT)
    imported_from = models.ForeignKey(
        Import,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="changes",
        verbose_name=_("imported from"),
    )
    confirmed_warnings = CleanTextField(
        _("warnings confirmed"),
        blank=True,
        max_length=MAX_TEXT,
        help_text=_("What the page questioned in the values and the editor confirmed, one a line."),
    )

    class Meta:
        ordering = ["-changed_at", "-version"]
        verbose_name = _("figure change")
        verbose_name_plural = _("figure changes")
        constraints = [
            models.UniqueConstraint(
                fields=["figure", "version"], name="figurechange_one_per_version"
            ),
            # The history holds what a figure may hold, nothing a forged row could add.
            *(
                models.CheckConstraint(
                    condition=amount_in_range(field), name=f"figurechange_{field}_range"
                )
                for name in FIGURE_AMOUNTS
                for field in (f"old_{name}", f"new_{name}")
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="figurechange_version_positive"
            ),
            *(at_most(f"{age}_{name}") for name in FIGURE_TEXTS for age in ("old", "new")),
            at_most("confirmed_warnings"),
        ]

    def __str__(self):
        return f"{self.figure} v{self.version}"

    def amount_change(self, name):
        """ "90 → 95,77", or the value alone where this change left it as it was."""
        old, new = getattr(self, f"old_{name}"), getattr(self, f"new_{name}")
        kind, plan = self.figure.target.kind, name == "plan"
        if old == new:
            return display.amount_text(kind, new, plan) or display.NONE
        old, new = display.amount_text(kind, old, plan), display.amount_text(kind, new, plan)
        return f"{old or display.NONE} → {new or display.NONE}"

    @classmethod
    def record(cls, figure, before, changed_by, imported_from=None, confirmed_warnings=""):
        change = cls.of(figure, before, changed_by)
        change.imported_from = imported_from
        change.confirmed_warnings = confirmed_warnings[:MAX_TEXT]
        change.save()
        return change

    @classmethod
    def of(cls, figure, before, changed_by):
        """The unsaved change that takes ``figure`` from ``before`` (None for its creation)."""
        values = {}
        for name in (*FIGURE_AMOUNTS, *FIGURE_TEXTS):
            empty = "" if name in FIGURE_TEXTS else None
            values[f"old_{name}"] = getattr(before, name) if before else empty
            values[f"new_{name}"] = getattr(figure, name)
        return cls(
            figure=figure,
            changed_by=changed_by,
            changed_at=figure.updated_at,
            version=figure.version,
            **values,
        )
