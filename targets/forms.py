from django import forms
from django.utils.translation import gettext_lazy as _

from .numbers import NumberFormatError, format_number, parse_number
from .progress import Kind


class AmountField(forms.CharField):
    """A number typed the Vietnamese way ("95,77", "1.234.567"), cleaned to a Decimal.

    Anything it cannot read with certainty is refused with a message naming the accepted forms;
    the text the user typed stays in the form.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off", "maxlength": 40})

    def prepare_value(self, value):
        if value is None or isinstance(value, str):
            return value
        return format_number(value)

    def to_python(self, value):
        try:
            return parse_number(super().to_python(value))
        except NumberFormatError as error:
            raise forms.ValidationError(str(error), code="number") from error


MILESTONE_CHOICES = [("", _("— not known yet —")), ("1", _("Yes, achieved")), ("0", _("No"))]


class MilestoneField(forms.TypedChoiceField):
    """Yes or no for a milestone target, stored as 1 or 0."""

    def __init__(self, **kwargs):
        super().__init__(
            choices=MILESTONE_CHOICES,
            coerce=parse_number,
            empty_value=None,
            required=False,
            **kwargs,
        )

    def prepare_value(self, value):
        return "" if value is None else str(int(value))


class FigureForm(forms.Form):
    """Plan, actual and note of one figure, with the version the form was opened on."""

    plan = AmountField(label=_("Plan"))
    actual = AmountField(label=_("Actual"))
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, figure, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "plan": figure.plan,
                "actual": figure.actual,
                "note": figure.note,
                "version": figure.version,
            },
        )
        super().__init__(*args, **kwargs)
        self.figure = figure
        if figure.target.kind == Kind.MILESTONE:
            self.fields["plan"] = MilestoneField(label=_("Plan"))
            self.fields["actual"] = MilestoneField(label=_("Actual"))
        elif figure.target.unit:
            for name in ("plan", "actual"):
                self.fields[name].help_text = _("Unit: %(unit)s") % {"unit": figure.target.unit}

    def apply(self, user):
        """Write the cleaned values through Figure.save; raises StaleFigure or YearClosed."""
        figure = self.figure
        figure.plan = self.cleaned_data["plan"]
        figure.actual = self.cleaned_data["actual"]
        figure.note = self.cleaned_data["note"]
        return figure.save(changed_by=user, expected_version=self.cleaned_data["version"])
