"""The tasks the ward assigns to a cell for a year, and the notes on their progress."""

from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from targets.fields import CleanCharField, CleanTextField
from targets.models import (
    MAX_TEXT,
    OfOpenYear,
    OfOpenYearQuerySet,
    Recorded,
    Target,
    Year,
    at_most,
    person_field,
)

from .cells import Cell


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
