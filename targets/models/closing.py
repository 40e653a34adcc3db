"""The closed year: what a year does to close and reopen (ClosableYear), the records frozen
once their year is closed (OfOpenYear), what a closed year refuses (YearClosed) and the signals
other apps hook into at the year's turns without this app importing them."""

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..stages import Stage
from ..text import clean_text, has_letters
from .base import MAX_TEXT
from .history import YearEvent

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


def year_of(model):
    """The Year model a record of a year belongs to, through its ``year`` field (the year's
    module builds on this one)."""
    return model._meta.get_field("year").related_model


class OfOpenYearQuerySet(models.QuerySet):
    def delete(self):
        """Delete the rows, unless one of them belongs to a closed year (the admin's bulk
        delete comes here): then nothing is deleted and YearClosed is raised."""
        with transaction.atomic():
            year_of(self.model).lock_open(*set(self.values_list("year_id", flat=True)))
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
        year_of(type(self)).lock_open(self.year_id, stored)

    def clean(self):
        super().clean()
        if self.year_id and self.year.is_closed:
            raise ValidationError(_("The year is closed: its figures can no longer be changed."))


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


class ClosableYear(models.Model):
    """What a Year does to close and reopen: the checks before, what is kept at the closing
    (the targets' names, the neighbouring years' figures, the report's drafts) and the lock that
    keeps a closed year's records as they are."""

    class Meta:
        abstract = True

    @classmethod
    def lock_open(cls, *year_ids):
        """Raise YearClosed if one of the years is closed; otherwise hold a lock on their rows
        until the transaction ends, so the year cannot close between this check and the write.

        Closing updates the year's row, which waits for this lock, and a write that comes after
        the closing waits for it and then sees the year closed. SQLite has no row locks: there
        every transaction takes the database's write lock as it begins (transaction_mode
        IMMEDIATE in the settings), which serialises the same way.
        """
        ids = [pk for pk in year_ids if pk is not None]
        closed = (
            cls.objects.select_for_update(no_key=True)
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
        target = self.figures.model._meta.get_field("target").related_model
        with transaction.atomic():
            locked = type(self).objects.select_for_update(no_key=True).get(pk=self.pk)
            if locked.is_closed == closed:
                return False  # closing twice, or reopening an open year, changes nothing
            if closed:
                # Checked under the year's lock: no figure can change between this and closing.
                self.refuse_while_unfinished()
                # What the report prints of the year's targets and cells, as they stand now.
                self.figures.update(
                    target_name=models.Subquery(
                        target.objects.filter(pk=models.OuterRef("target_id")).values("name")
                    ),
                    target_unit=models.Subquery(
                        target.objects.filter(pk=models.OuterRef("target_id")).values("unit")
                    ),
                )
                # The report keeps what it reads (targets.report.keep_what_the_report_reads);
                # the cells freeze their names.
                year_closing.send(sender=type(self), year=locked, by=by)
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
                type(self).objects.filter(pk=self.pk).update(is_closed=closed)
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
        for _receiver, answer in year_review.send(sender=type(self), year=self):
            warnings.extend(answer or [])
        return warnings

    def take_estimates_as_final(self, versions, by):
        """Take the estimate as the final figure of each of the year's figures in ``versions``
        ({figure id: the version the page showed}), for an office that has no other final
        figure yet, in one transaction: if any of them changed since the page was shown,
        nothing is written and StaleFigures names them all. Returns how many were written."""
        with transaction.atomic():
            self.lock_open(self.pk)
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

    def require_open(self):
        """Raise YearClosed for a closed year: a write view's one way of saying so (see
        targets.middleware.YearClosedMiddleware)."""
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
