from django import forms
from django.utils.translation import gettext_lazy as _

from cauthia.forms import ChoiceLabels
from targets.forms import CountField, DateInput
from targets.models import Target

from .models import LEVEL_FIELDS, MAX_MEMBERS, CellYear, Task


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
