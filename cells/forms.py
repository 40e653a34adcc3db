from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from cauthia.forms import ChoiceLabels
from targets.forms import AmountField, CountField, DateInput, NoteField
from targets.models import MAX_TEXT, Target

from .models import (
    LEVEL_FIELDS,
    MAX_MEMBERS,
    CellYear,
    RatingStep,
    StaleShare,
    Task,
    TaskNote,
    TaskStatus,
)


class TaskForm(ChoiceLabels, forms.ModelForm):
    """A task the ward assigns to a cell; dates are read day first (31/12/2023)."""

    class Meta:
        model = Task
        fields = ["target", "description", "responsible", "due_date", "status", "note"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 2}),
            "due_date": DateInput,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = Target.objects.select_related("area")
        self.fields["target"].label_from_instance = lambda t: f"{t.position}. {t.name}"


class CellYearForm(ChoiceLabels, forms.ModelForm):
    """The cell's year: secretary, members, and the rating of the cell and of its members."""

    class Meta:
        model = CellYear
        fields = ["secretary_name", "members", "rating", *LEVEL_FIELDS.values()]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ["members", *LEVEL_FIELDS.values()]:
            # Counts are read like every number of the app: "1.234" is one thousand two
            # hundred and thirty-four, as the page itself would write it.
            self.fields[name] = CountField(label=self.fields[name].label, max_value=MAX_MEMBERS)

    def clean(self):
        cleaned = super().clean()
        rated = sum(cleaned.get(name) or 0 for name in LEVEL_FIELDS.values())
        if cleaned.get("members") is not None and rated > cleaned["members"]:
            raise forms.ValidationError(
                _("%(rated)s members are rated but the cell has only %(members)s.")
                % {"rated": rated, "members": cleaned["members"]},
                code="too_many_rated",
            )
        return cleaned


class TaskProgressForm(forms.Form):
    """What a cell's secretary reports on a task: its status, and a dated note on how it goes."""

    status = forms.ChoiceField(label=_("Status"), choices=TaskStatus.choices)
    text = NoteField(
        label=_("Progress note"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was done, and when: kept with your name and today's date."),
    )

    def __init__(self, *args, task, **kwargs):
        kwargs.setdefault("initial", {"status": task.status})
        super().__init__(*args, **kwargs)
        self.task = task

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == self.task.status and not cleaned.get("text"):
            raise forms.ValidationError(
                _("Change the status or write a note: there is nothing to save."), code="empty"
            )
        return cleaned

    def save(self, by):
        """Save the status and the note, in one transaction; YearClosed for a closed year."""
        task = self.task
        with transaction.atomic():
            if self.cleaned_data["status"] != task.status:
                task.status = self.cleaned_data["status"]
                task.save(changed_by=by)
            if self.cleaned_data["text"]:
                TaskNote(task=task, text=self.cleaned_data["text"], written_by=by).save()


class RatingCountsForm(ChoiceLabels, forms.ModelForm):
    """A step of the cell's rating: the cell's level and its members' counts at each level,
    within the cell's members (when the ward has recorded how many)."""

    class Meta:
        model = RatingStep
        fields = ["rating", *LEVEL_FIELDS.values()]

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members
        for name in LEVEL_FIELDS.values():
            self.fields[name] = CountField(label=self.fields[name].label, max_value=MAX_MEMBERS)

    def clean(self):
        cleaned = super().clean()
        rated = sum(cleaned.get(name) or 0 for name in LEVEL_FIELDS.values())
        if self.members and rated > self.members:
            raise forms.ValidationError(
                _("%(rated)s members are rated but the cell has only %(members)s.")
                % {"rated": rated, "members": self.members},
                code="too_many_rated",
            )
        return cleaned


class ShareForm(forms.Form):
    """One amount of a cell's share (its plan, or its actual at a stage) with the version the
    page showed; the value carries the value shown (a hidden initial), so a row counts as
    changed only where the user changed it."""

    value = AmountField(show_hidden_initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args, share, field, label, **kwargs):
        kwargs.setdefault(
            "initial", {"value": getattr(share, field), "version": share.version if share.pk else 0}
        )
        super().__init__(*args, **kwargs)
        self.share, self.field = share, field
        self.fields["value"].label = label
        if share.figure.unit:
            self.fields["value"].help_text = _("Unit: %(unit)s") % {"unit": share.figure.unit}

    conflict = None

    @property
    def changed(self):
        return "value" in self.changed_data

    def after_conflict(self, current):
        """The same row over ``current`` (the share as someone else left it), with what this
        user typed kept: saving it again is a deliberate overwrite of the version now seen."""
        data = self.data.copy()
        data[self.add_prefix("version")] = current.version
        shown = self.fields["value"].prepare_value(getattr(current, self.field))
        data[self.add_initial_prefix("value")] = "" if shown is None else shown
        form = type(self)(
            data,
            share=current,
            field=self.field,
            label=self.fields["value"].label,
            prefix=self.prefix,
        )
        form.conflict = current
        form.is_valid()
        return form

    def save(self, by):
        """Write the value through Share.write; StaleShare or YearClosed as it raises them."""
        return self.share.write(
            {self.field: self.cleaned_data["value"]}, by, self.cleaned_data["version"] or 0
        )


class ShareSheet:
    """Several ShareForms on one page (a cell's shares at a stage, or a target's split among
    the cells), each prefixed by its row. Only the rows the user changed are written, each with
    its own version check; a row someone else changed meanwhile is refused and shown again
    with what the user typed, the others are saved all the same."""

    def __init__(self, rows, field, data=None):
        """``rows``: [(prefix, share, label)], ``field``: the amount each row edits."""
        self.field = field
        self.forms = [
            ShareForm(data, share=share, field=field, label=label, prefix=prefix)
            for prefix, share, label in rows
        ]
        self.conflicts = []

    @property
    def is_bound(self):
        return any(form.is_bound for form in self.forms)

    def is_valid(self):
        return all(form.is_valid() for form in self.forms)

    def save(self, by):
        """Save the changed rows; returns how many were saved."""
        saved = 0
        for index, form in enumerate(self.forms):
            if not form.changed:
                continue
            try:
                saved += form.save(by)
            except StaleShare as stale:
                self.forms[index] = form.after_conflict(stale.current)
                self.conflicts.append(self.forms[index])
        return saved
