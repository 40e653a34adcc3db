from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.forms import ChoiceLabels
from targets import plausibility
from targets.display import percent_text
from targets.forms import AmountField, CountField, DateInput, NoteField, refuse_unconfirmed
from targets.models import MAX_TEXT
from targets.numbers import format_number
from targets.progress import percent_of_plan
from targets.stages import of_field

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
        self.fields["target"].queryset = self.instance.year.committee.targets.select_related("area")
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
    which add up to the cell's members when the ward has recorded how many: every member is
    rated, once."""

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
        if any(cleaned.get(name) is None for name in LEVEL_FIELDS.values()):
            return cleaned  # a count is missing or unreadable: its field says so
        rated = sum(cleaned[name] for name in LEVEL_FIELDS.values())
        if self.members and rated > self.members:
            raise forms.ValidationError(
                _("%(rated)s members are rated but the cell has only %(members)s.")
                % {"rated": rated, "members": self.members},
                code="too_many_rated",
            )
        if self.members and rated < self.members:
            missing = self.members - rated
            raise forms.ValidationError(
                ngettext(
                    "%(missing)s member is not rated yet (the cell has %(members)s, %(rated)s "
                    "are rated).",
                    "%(missing)s members are not rated yet (the cell has %(members)s, %(rated)s "
                    "are rated).",
                    missing,
                )
                % {"missing": missing, "members": self.members, "rated": rated},
                code="not_all_rated",
            )
        return cleaned


class ShareForm(forms.Form):
    """One amount of a cell's share (its plan, or its actual at a stage) with the version the
    page showed; the value carries the value shown (a hidden initial), so a row counts as
    changed only where the user changed it."""

    value = AmountField(show_hidden_initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    confirm = forms.BooleanField(label=_("I confirm this figure is correct"), required=False)

    def __init__(self, *args, share, field, label, **kwargs):
        kwargs.setdefault(
            "initial", {"value": getattr(share, field), "version": share.version if share.pk else 0}
        )
        super().__init__(*args, **kwargs)
        self.share, self.field = share, field
        self.fields["value"].label = label
        if share.figure.unit:
            self.fields["value"].help_text = _("Unit: %(unit)s") % {"unit": share.figure.unit}
        self.plausibility_warnings = []

    conflict = None

    @property
    def changed(self):
        return "value" in self.changed_data

    def clean(self):
        """What a cell reports well above its share of the plan (the year's rule) is saved
        only once the user confirms it: most often a slip (an extra zero, the ward's figure
        typed for the cell's)."""
        cleaned = super().clean()
        if self.field != "plan" and self.changed and "value" in cleaned:
            self.plausibility_warnings = plausibility.share_warnings(
                self.share.plan,
                cleaned["value"],
                plausibility.Rules.of(self.share.figure.year),
            )
        refuse_unconfirmed(self)
        return cleaned

    @property
    def plan_text(self):
        """The share's plan beside what the cell reached of it ("" on the plan's own page)."""
        if self.field == "plan":
            return ""
        return format_number(self.share.plan)

    @property
    def percent_text(self):
        """What the cell has reached of its share's plan at the stage, as stored and as the
        ward's figure reads it ("75,00%"; for a ceiling, plan / actual)."""
        if self.field == "plan":
            return ""
        stage = of_field(self.field)
        target = self.share.figure.target
        return percent_text(
            percent_of_plan(
                target.kind,
                target.direction,
                self.share.plan,
                getattr(self.share, self.field),
                stage,
            )
        )

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
