"""The history of records: a Change for each save and delete of a Recorded model, a
FigureChange for each change of a figure, a YearEvent for each closing and reopening of a year.
Each is append-only."""

import json

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .. import display
from ..fields import CleanTextField
from ..stages import Stage
from .base import (
    FIGURE_AMOUNTS,
    FIGURE_TEXTS,
    MAX_TEXT,
    amount_field,
    amount_in_range,
    at_most,
    person_field,
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


class YearEvent(models.Model):
    """A closing or reopening of a year, with who, when and (for reopening) why."""

    APPEND_ONLY = True

    class Action(models.TextChoices):
        CLOSE = "close", _("closed")
        REOPEN = "reopen", _("reopened")

    year = models.ForeignKey(
        "Year", on_delete=models.PROTECT, related_name="events", verbose_name=_("year")
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


class FigureChange(models.Model):
    """One recorded change of a figure: who, when, and the values before and after.

    Append-only: written by Figure.save in the same transaction as the change itself.
    """

    APPEND_ONLY = True  # on PostgreSQL by trigger, and by the app role's rights (grant_app_role)

    figure = models.ForeignKey(
        "Figure", on_delete=models.PROTECT, related_name="changes", verbose_name=_("figure")
    )
    changed_by = person_field(_("changed by"))
    changed_at = models.DateTimeField(_("changed at"))
    version = models.PositiveIntegerField(_("version"))
    old_plan = amount_field(_("old plan"), null=True, blank=True)
    new_plan = amount_field(_("new plan"), null=True, blank=True)
    # The old and new actual at each stage (targets.stages).
    for stage in Stage:
        locals()[f"old_{stage.field}"] = amount_field(
            format_lazy(_("old {value}"), value=stage.field_name), null=True, blank=True
        )
        locals()[f"new_{stage.field}"] = amount_field(
            format_lazy(_("new {value}"), value=stage.field_name), null=True, blank=True
        )
    del stage
    old_note = CleanTextField(_("old note"), blank=True, max_length=MAX_TEXT)
    new_note = CleanTextField(_("new note"), blank=True, max_length=MAX_TEXT)
    old_reason = CleanTextField(_("old reason"), blank=True, max_length=MAX_TEXT)
    new_reason = CleanTextField(_("new reason"), blank=True, max_length=MAX_TEXT)
    old_comment = CleanTextField(_("old comment"), blank=True, max_length=MAX_TEXT)
    new_comment = CleanTextField(_("new comment"), blank=True, max_length=MAX_TEXT)
    imported_from = models.ForeignKey(
        "Import",
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
