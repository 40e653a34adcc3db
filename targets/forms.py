from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.forms import ChoiceLabels

from . import files, plausibility, wording
from .fields import CleanTextFormField
from .models import MAX_TEXT, Figure, ReportText, StaleFigure, Target, Year
from .numbers import NumberFormatError, format_number, parse_number
from .plausibility import Rules
from .progress import Kind
from .stages import STAGE_FIELDS, Stage
from .text import has_letters


class AmountField(forms.CharField):
    """A number typed the Vietnamese way ("95,77", "1.234.567"), cleaned to a Decimal.

    What it displays is what it reads back (format_number and parse_number undo each other);
    anything it cannot read with certainty is refused with a message naming the accepted forms,
    and the text the user typed stays in the form.
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


class CountField(AmountField):
    """A whole number of people or things, read like every other number ("1.234" is 1234)."""

    def __init__(self, *, max_value, **kwargs):
        kwargs.setdefault("required", True)
        super().__init__(**kwargs)
        self.max_value = max_value
        self.widget.attrs.update({"inputmode": "numeric", "maxlength": 12})

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        if value != value.to_integral_value():
            raise forms.ValidationError(_("Enter a whole number, such as 25."), code="invalid")
        if value > self.max_value:
            raise forms.ValidationError(
                _("Ensure this value is less than or equal to %(limit_value)s.")
                % {"limit_value": format_number(self.max_value)},
                code="max_value",
            )
        return int(value)


class DateInput(forms.DateInput):
    """A date typed day/month/year (the formats of core.formats.vi read it)."""

    input_type = "text"

    def __init__(self, **kwargs):
        super().__init__(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}, **kwargs)


# A qualitative target (chỉ tiêu định tính): the plan is to maintain it, the actual says
# whether it was achieved; stored as 1 or 0.
MILESTONE_PLAN_CHOICES = [
    ("", _("— No plan yet —")),
    ("1", _("Maintain")),
    ("0", _("Not required")),
]
MILESTONE_CHOICES = [
    ("", _("— No figure yet —")),
    ("1", _("Achieved")),
    ("0", _("Not achieved")),
]


class MilestoneField(forms.TypedChoiceField):
    """Achieved or not for a qualitative target, stored as 1 or 0; for its plan, maintain it."""

    def __init__(self, plan=False, **kwargs):
        super().__init__(
            choices=MILESTONE_PLAN_CHOICES if plan else MILESTONE_CHOICES,
            coerce=parse_number,
            empty_value=None,
            required=False,
            **kwargs,
        )

    def prepare_value(self, value):
        if value is None or isinstance(value, str):
            return value
        return str(int(value))


class NoteField(CleanTextFormField):
    """Free text from a textarea, kept as it was typed: line breaks are stored as "\\n" whatever
    the browser sends ("\\r\\n"), so a note posted back untouched is the same note; control and
    bidirectional formatting characters are removed (targets.text)."""

    def __init__(self, **kwargs):
        super().__init__(multiline=True, **kwargs)


def refuse_unconfirmed(form):
    """Raise the form's refusal of values that look like slips (``form.plausibility_warnings``)
    unless its ``confirm`` box is ticked: the one wording for a figure and a cell's share."""
    if form.plausibility_warnings and not form.cleaned_data.get("confirm"):
        raise forms.ValidationError(
            _(
                "Please check: %(warnings)s If the figures are right, tick “%(confirm)s” "
                "and save again."
            )
            % {
                "warnings": " ".join(form.plausibility_warnings),
                "confirm": form.fields["confirm"].label,
            },
            code="implausible",
        )


class FigureForm(forms.Form):
    """Plan, the actual at each of ``stages``, note and reason of one figure, with the version
    the form was opened on.

    The one definition of a figure's inputs: the single-figure page (every stage) and each row
    of the year's grid (the stage it shows) are this form. Each value also carries the value the
    page showed (a hidden initial), so a row counts as changed only where the user changed it,
    whatever happened meanwhile.

    A value the user changed that looks like a slip (targets.plausibility, against the plan, the
    same target's figure of the year before and the year's rules) is listed in
    ``plausibility_warnings``; the form is then valid only with ``confirm`` ticked, and the
    warnings confirmed go into the figure's history.
    """

    plan = AmountField(label=_("Plan"), show_hidden_initial=True)
    # The actual at each stage (targets.stages), in the stages' order.
    for stage in Stage:
        locals()[stage.field] = AmountField(label=stage.form_label, show_hidden_initial=True)
    del stage
    note = NoteField(
        label=_("Note printed in the report"),
        required=False,
        max_length=MAX_TEXT,
        show_hidden_initial=True,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = NoteField(
        label=_("Reason it fell short"),
        required=False,
        max_length=MAX_TEXT,
        show_hidden_initial=True,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    comment = NoteField(
        label=_("Working comment (not printed)"),
        help_text=_("For the office only: where the figure came from, what is still in doubt."),
        required=False,
        max_length=MAX_TEXT,
        show_hidden_initial=True,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    confirm = forms.BooleanField(label=_("I confirm these figures are correct"), required=False)

    TEXTS = ("note", "reason", "comment")

    def __init__(self, *args, figure, stages=tuple(Stage), texts=TEXTS, previous=None, **kwargs):
        """``previous``: the same target's figure of the year before (None: none, or not
        compared), which the caller has at hand (the grid's report rows carry it)."""
        amounts = ["plan", *(stage.field for stage in stages)]
        self.values = [*amounts, *texts]
        kwargs.setdefault("initial", {name: getattr(figure, name) for name in self.values})
        kwargs["initial"].setdefault("version", figure.version)
        super().__init__(*args, **kwargs)
        self.figure = figure
        self.previous = previous
        self.plausibility_warnings = []
        for name in (set(STAGE_FIELDS) - set(amounts)) | (set(self.TEXTS) - set(texts)):
            del self.fields[name]
        for name in amounts:
            field = self.fields[name]
            if figure.target.kind == Kind.MILESTONE:
                self.fields[name] = MilestoneField(
                    plan=name == "plan", label=field.label, show_hidden_initial=True
                )
            elif figure.unit:
                field.help_text = _("Unit: %(unit)s") % {"unit": figure.unit}

    @property
    def values_changed(self):
        """The values the user changed from what the page showed (the version is not a value)."""
        return [name for name in self.changed_data if name in self.values]

    def clean_reason(self):
        """A reason typed must say something: the report prints it as the target's cause, and
        closing takes any reason as given. One of dots or invisible characters is refused; a
        reason stored before, posted back untouched, is left as it is."""
        reason = self.cleaned_data["reason"]
        if reason and "reason" in self.changed_data and not has_letters(reason, at_least=3):
            raise forms.ValidationError(
                _("Write the reason in words, so the report can state it."), code="reason"
            )
        return reason

    def clean(self):
        cleaned = super().clean()
        self.plausibility_warnings = self.warnings(cleaned)
        refuse_unconfirmed(self)
        return cleaned

    def warnings(self, cleaned):
        """What looks like a slip among the amounts the user changed, each named by its field:
        "Thực hiện cả năm: 960 is more than 3 times the plan (96)."."""
        names = [name for name in self.values_changed if name not in self.TEXTS and name in cleaned]
        if not names:
            return []
        kind = self.figure.target.kind
        rules = Rules.of(self.figure.year) if self.figure.year_id else plausibility.DEFAULT_RULES
        plan = cleaned.get("plan", self.figure.plan)
        found = []
        for name in names:
            for warning in plausibility.warnings(
                kind,
                plan,
                cleaned[name],
                plausibility.previous_value(self.previous, name),
                rules,
                is_plan=name == "plan",
            ):
                found.append(f"{self.fields[name].label}: {warning}")
        return found

    @property
    def confirmed_warnings(self):
        """The warnings the user confirmed, one a line, as the history keeps them."""
        return "\n".join(self.plausibility_warnings) if self.cleaned_data.get("confirm") else ""

    def apply(self, user):
        """Write the cleaned values through Figure.save; raises StaleFigure or YearClosed."""
        for name in self.values:
            setattr(self.figure, name, self.cleaned_data[name])
        return self.figure.save(
            changed_by=user,
            expected_version=self.cleaned_data["version"],
            confirmed_warnings=self.confirmed_warnings,
        )

    def after_conflict(self, current):
        """The same form for ``current``, the figure as someone else left it, with what this
        user typed kept: saving it again is a deliberate overwrite of the version now seen."""
        figure = self.figure
        for name in (*Figure.COMPARED, "version", "updated_at", "updated_by"):
            setattr(figure, name, getattr(current, name))
        data = self.data.copy()
        data[self.add_prefix("version")] = current.version
        for name in self.values:
            shown = self.fields[name].prepare_value(getattr(current, name))
            data[self.add_initial_prefix(name)] = "" if shown is None else shown
        form = type(self)(
            data,
            figure=figure,
            stages=self.stages,
            texts=self.texts,
            previous=self.previous,
            prefix=self.prefix,
        )
        form.conflict = figure
        form.is_valid()
        return form

    @property
    def stages(self):
        return [stage for stage in Stage if stage.field in self.values]

    @property
    def texts(self):
        return [name for name in self.TEXTS if name in self.values]

    @property
    def amount_fields(self):
        """The bound fields of the plan and the actuals, in order."""
        return [self[name] for name in self.values if name not in self.TEXTS]

    @property
    def text_fields(self):
        """The bound fields of the reason and the note, as the grid shows them."""
        return [self[name] for name in ("reason", "note")]

    conflict = None


class FigureGrid:
    """Every figure of a year on one page: one FigureForm per row, prefixed by the figure's id.

    Saving writes only the rows the user changed, each through Figure.save with its own version
    check and history row. A row changed by someone else meanwhile is refused and marked, a row
    with bad input is explained; the other rows are saved all the same.
    """

    def __init__(self, rows, stage, data=None):
        """``rows``: the year's report rows (targets.report.Row), in report order; ``stage``:
        the stage whose actuals the grid enters."""
        self.report_rows = rows
        self.stage = stage
        self.rows = [self._form(row.figure, data, row.previous) for row in rows]

    @property
    def sections(self):
        """[(area, [(form, row), ...]), ...] in report order; a row shows the figure as its
        form left it (saved, or as someone else saved it)."""
        sections = {}
        for form, row in zip(self.rows, self.report_rows, strict=True):
            sections.setdefault(row.area, []).append((form, row))
        return list(sections.items())

    def _form(self, figure, data=None, previous=None):
        prefix = f"f{figure.pk}"
        if data is not None and f"{prefix}-version" not in data:
            # A row the page did not show (a figure added since it was opened) is left alone.
            data = None
        return FigureForm(
            data,
            figure=figure,
            stages=[self.stage],
            texts=("note", "reason"),
            previous=previous,
            prefix=prefix,
        )

    def save(self, user):
        """Save the changed rows; returns the number saved. Raises YearClosed if the year was
        closed meanwhile (what was saved before stays saved)."""
        self.saved = 0
        for index, form in enumerate(self.rows):
            if not form.is_bound or not form.values_changed or not form.is_valid():
                continue
            try:
                changed = form.apply(user)
            except StaleFigure as stale:
                self.rows[index] = form.after_conflict(stale.current)
                continue
            if changed:
                self.saved += 1
            self.rows[index] = self._form(form.figure, previous=form.previous)
        return self.saved

    @property
    def conflicts(self):
        return [form for form in self.rows if form.conflict is not None]

    @property
    def invalid(self):
        return [form for form in self.rows if form.is_bound and form.errors]

    @property
    def unsaved(self):
        """The rows the user changed that were not saved: conflicts first, then bad input."""
        return self.conflicts + self.invalid

    @property
    def complete(self):
        """True when every change the user made was saved."""
        return not self.unsaved


class UploadField(forms.FileField):
    """A file of at most ``limit`` bytes (a setting's name, read when the form is used, so a
    test or a deployment may change it), not empty."""

    def __init__(self, *, limit, **kwargs):
        kwargs.setdefault(
            "error_messages", {"empty": _("The file is empty."), "required": _("Choose a file.")}
        )
        super().__init__(allow_empty_file=False, **kwargs)
        self.limit = limit

    def clean(self, *args, **kwargs):
        upload = super().clean(*args, **kwargs)
        limit = getattr(settings, self.limit)
        if upload is not None and upload.size > limit:
            raise forms.ValidationError(
                _("The file is too large: %(size)s MB, at most %(limit)s MB.")
                % {
                    "size": format_number(Decimal(upload.size) / 1024 / 1024, places=1),
                    "limit": format_number(Decimal(limit) / 1024 / 1024, places=0),
                },
                code="too_large",
            )
        return upload


class EvidenceForm(forms.Form):
    """A file that shows where a figure comes from: its type is read from its content, and it
    may not be larger than EVIDENCE_MAX_BYTES."""

    file = UploadField(label=_("Evidence file"), limit="EVIDENCE_MAX_BYTES")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        upload.detected_type = files.content_type(upload)
        if upload.detected_type is None:
            raise forms.ValidationError(
                _(
                    "This file is not one the app keeps as evidence: %(accepted)s, read from its "
                    "content whatever its name says."
                )
                % {"accepted": files.ACCEPTED},
                code="type",
            )
        return upload


# The year's thresholds of targets.plausibility, carried over to the next year with its names.
PLAUSIBILITY_FIELDS = [
    "plausible_max_times_plan",
    "plausible_max_times_previous",
    "plausible_max_times_share",
]


class NextYearForm(ChoiceLabels, forms.ModelForm):
    """The next year's names, copied from this year's as a starting point, and which of this
    year's targets it carries over."""

    carried = forms.ModelMultipleChoiceField(
        label=_("Targets carried over"),
        queryset=Target.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Untick a target to retire it: it has no figure in the new year."),
    )

    class Meta:
        model = Year
        fields = [
            "committee_name",
            "executive_name",
            "superior_party_body",
            "place_name",
            "plan_document",
            "signing_body",
            "signer_title",
            "secretary_name",
            "recipients",
            "document_code",
            "rating_rule",
            "excellent_cap_percent",
            "excellent_cap_base",
            *PLAUSIBILITY_FIELDS,
        ]

    def __init__(self, *args, year, **kwargs):
        targets = year.committee.targets.filter(figures__year=year).select_related("area")
        kwargs.setdefault(
            "initial",
            {name: getattr(year, name) for name in self.Meta.fields if name != "plan_document"}
            | {"carried": list(targets)},
        )
        super().__init__(*args, **kwargs)
        for name in PLAUSIBILITY_FIELDS:
            # Written and read like every number of the app: "1,5".
            field = self.fields[name]
            self.fields[name] = AmountField(label=field.label, help_text=field.help_text)
        self.fields["carried"].queryset = targets
        self.fields["carried"].label_from_instance = lambda t: f"{t.position}. {t.name}"


class NewTargetForm(ChoiceLabels, forms.ModelForm):
    """A target the next year adds; its number comes after the last one's."""

    class Meta:
        model = Target
        fields = ["area", "name", "unit", "kind", "direction"]

    def __init__(self, *args, areas, **kwargs):
        """``areas``: the committee's, the only ones its targets may be in."""
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas


# The most targets one setting up of a year adds: a year adds a few. A post claiming more forms
# is refused, and no more than these are built, so it cannot keep a worker busy.
MAX_NEW_TARGETS = 20


class NewTargetsBase(forms.BaseModelFormSet):
    """The new targets of the next year, refused in the app's words when too many."""

    default_error_messages = {
        "too_many_forms": ngettext_lazy(
            "At most %(num)d new target can be added at once.",
            "At most %(num)d new targets can be added at once.",
            "num",
        )
    }


NewTargetFormSet = forms.modelformset_factory(
    Target,
    form=NewTargetForm,
    formset=NewTargetsBase,
    extra=3,
    can_delete=False,
    max_num=MAX_NEW_TARGETS,
    absolute_max=MAX_NEW_TARGETS,
    validate_max=True,
)


class ReportTextForm(forms.Form):
    """The subject and three sections of a report as the office writes them, drafted from the
    figures until saved, whether the text is final, and the version it was opened on (0: the
    draft)."""

    subject = NoteField(
        label=_("Subject"),
        max_length=500,
        required=False,
        help_text=_("What the report covers, under “BÁO CÁO”; empty: the usual subject."),
    )
    results = NoteField(label=_("I. Results"), max_length=20_000, widget=forms.Textarea)
    shortcomings = NoteField(
        label=_("II. Limitations, shortcomings and their causes"),
        max_length=20_000,
        widget=forms.Textarea,
    )
    directions = NoteField(
        label=_("III. Directions and tasks"), max_length=20_000, widget=forms.Textarea
    )
    is_final = forms.BooleanField(
        label=_("Final text: print without the mark “DỰ THẢO”"), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    conflict = None

    def __init__(self, *args, text, **kwargs):
        kwargs.setdefault(
            "initial",
            {name: getattr(text, name) for name in ("subject", *text.SECTIONS, "is_final")}
            | {"version": text.version if text.pk else 0},
        )
        super().__init__(*args, **kwargs)
        for name in text.SECTIONS:
            self.fields[name].widget.attrs["rows"] = 12
        with translation.override("vi"):  # the document's words, whoever edits them
            usual = wording.report_subject(text.year, Stage(text.stage))
        self.fields["subject"].widget.attrs["placeholder"] = usual

    @property
    def values(self):
        names = ("subject", *ReportText.SECTIONS, "is_final")
        return {name: self.cleaned_data[name] for name in names}

    def after_conflict(self, current):
        """The form again with what this user typed, over ``current`` (the text as someone
        else saved it): saving it again is a deliberate overwrite of the version now seen."""
        data = self.data.copy()
        data["version"] = current.version
        form = type(self)(data, text=current)
        form.conflict = current
        form.is_valid()
        return form


class DocumentDetailsForm(ChoiceLabels, forms.ModelForm):
    """What the year's documents print beside the text: the header's names, the number and date
    of the report at a stage, the signer and the recipients."""

    number = forms.CharField(
        label=_("Number"),
        max_length=20,
        required=False,
        help_text=_("Empty until the report is issued: the document leaves a blank for it."),
    )
    date = forms.DateField(
        label=_("Date"),
        required=False,
        widget=DateInput,
        help_text=_("Day/month/year, e.g. 05/01/2024; empty: blanks to write it by hand."),
    )

    class Meta:
        model = Year
        fields = [
            "superior_party_body",
            "executive_name",
            "document_code",
            "signing_body",
            "signer_title",
            "secretary_name",
            "recipients",
        ]
        widgets = {"recipients": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, stage, **kwargs):
        self.stage = stage
        super().__init__(*args, **kwargs)
        number, date = self.instance.issued_as(stage)
        self.fields["number"].initial, self.fields["date"].initial = number, date

    def clean_date(self):
        """A six-month or estimate report is dated within its year; only the final report may
        be dated after it (usually in January)."""
        date = self.cleaned_data["date"]
        allowed = self.instance.dates_allowed(self.stage)
        if date is not None and date.year not in allowed:
            if len(allowed) == 1:
                message = _("This report is made within %(year)s: give a date of %(year)s.")
            else:
                message = _("Give a date of %(year)s or %(next)s.")
            raise forms.ValidationError(
                message % {"year": allowed[0], "next": allowed[-1]}, code="date_year"
            )
        return date

    def save(self, by):
        """Save the year with the number and date at the form's stage; True if anything
        changed."""
        year = self.instance
        number, date = self.cleaned_data["number"].strip(), self.cleaned_data["date"]
        year.set_issued(self.stage, number, date)
        if not self.has_changed():
            return False
        year.save(changed_by=by)
        return True


class ImportForm(forms.Form):
    """A workbook to bring a year's figures in from, and the stage its actuals are of."""

    file = UploadField(label=_("Workbook (.xlsx)"), limit="IMPORT_MAX_BYTES")
    stage = forms.TypedChoiceField(
        label=_("The sheet's actual is"),
        choices=[(stage.value, stage.form_label) for stage in Stage],
        coerce=Stage,
        widget=forms.RadioSelect,
    )


class SheetForm(forms.Form):
    """Which of a workbook's sheets holds the table, when more than one could."""

    sheet = forms.ChoiceField(label=_("Sheet"), widget=forms.RadioSelect)

    def __init__(self, *args, sheets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sheet"].choices = [(sheet, sheet) for sheet in sheets]


class CloseYearForm(forms.Form):
    """The office's word that it has read what closing the year would freeze unfinished."""

    confirm = forms.BooleanField(
        label=_("I have read the warnings above and close the year"),
        error_messages={
            "required": _(
                "Tick the box to confirm that you have read the warnings and close the year."
            )
        },
    )


class TakeEstimateForm(forms.Form):
    """The year's figures that have an estimate and no final figure, each with a box to take its
    estimate as the final figure, and the version the page showed it at (``v<figure id>``), so
    that a figure changed since is refused, as on the grid.

    No box is ticked at first: the estimate is the figure made for the year-end conference, and
    each one taken as final is printed and frozen in the closed report, so it is the office's
    choice target by target, never a default to untick.
    """

    taken = forms.TypedMultipleChoiceField(
        label=_("Take the estimate as the final figure of"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Tick the targets whose estimate is to be their final figure.")
        },
    )

    conflict = None

    def __init__(self, *args, rows, **kwargs):
        """``rows``: the report rows (targets.report.Row) of the figures with an estimate and
        no final figure, in report order."""
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.fields["taken"].choices = [
            (row.figure.pk, f"{row.position}. {row.name}") for row in rows
        ]
        for row in rows:
            # Not required: a figure given an estimate after the page was opened has no version
            # on it, and only a ticked row needs one.
            self.fields[self.version_name(row.figure)] = forms.IntegerField(
                widget=forms.HiddenInput, min_value=1, required=False, initial=row.figure.version
            )

    @staticmethod
    def version_name(figure):
        return f"v{figure.pk}"

    def clean(self):
        cleaned = super().clean()
        if any(cleaned.get(f"v{pk}") is None for pk in cleaned.get("taken", ())):
            raise forms.ValidationError(
                _("This page is out of date: open it again and tick the targets anew."),
                code="version",
            )
        return cleaned

    @property
    def versions(self):
        """{figure id: the version the page showed} of the ticked figures."""
        return {pk: self.cleaned_data[f"v{pk}"] for pk in self.cleaned_data["taken"]}

    @property
    def lines(self):
        """[(row, its box, its version's hidden input)] in report order, for the page."""
        boxes = {str(box.data["value"]): box for box in self["taken"]}
        return [
            (row, boxes[str(row.figure.pk)], self[self.version_name(row.figure)])
            for row in self.rows
        ]

    def after_conflict(self, current, rows, message):
        """The form again over ``rows`` (made after ``current``, the figures someone else
        changed, were stored), with ``message`` saying so: those figures unticked, to be looked
        at again; the other ticks kept at the versions the page showed; every other row at its
        version now."""
        changed = {figure.pk for figure in current}
        data = self.data.copy()
        kept = [pk for pk in data.getlist("taken") if pk.isdigit() and int(pk) not in changed]
        data.setlist("taken", kept)
        for row in rows:
            if str(row.figure.pk) not in kept:
                data[self.version_name(row.figure)] = row.figure.version
        form = type(self)(data, rows=rows)
        form.full_clean()
        form.errors.pop("taken", None)  # nothing ticked is no fault of the user's here
        form.add_error(None, message)
        form.conflict = current
        return form
