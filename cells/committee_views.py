"""The page that starts a committee (cells.starting), for a superuser and for a committee's
office staff, who start committees under their own. It lives here, not in the committees app,
because a started committee takes targets and figures, which that app does not know."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from committees.models import Committee, committee_of
from committees.views import may_start_committees, superiors_for
from core.forms import ChoiceLabels
from targets.models import Year

from .starting import (
    YEAR_NAMES,
    check_office_account,
    check_start,
    open_office_account,
    start_committee,
)

# What each name of the first year is taken from when left empty (starting.year_names).
NAME_DEFAULTS = {
    "committee_name": gettext_lazy("Empty: the committee's name."),
    "executive_name": gettext_lazy("Empty: the name with Đảng ủy for Đảng bộ."),
    "superior_party_body": gettext_lazy("Empty: the superior committee's name."),
    "place_name": gettext_lazy("Empty: the place the name ends with."),
}


class StartCommitteeForm(ChoiceLabels, forms.Form):
    """A new committee, its first year's names, whose targets it takes and its first office
    account. A superuser chooses its superior; office staff start it under their own."""

    name = Committee._meta.get_field("name").formfield(
        help_text=gettext_lazy("E.g. Đảng bộ xã Minh Họa.")
    )
    # A plain text field: the committee's own rules on its key give the messages.
    slug = forms.CharField(
        label=capfirst(Committee._meta.get_field("slug").verbose_name),
        max_length=60,
        help_text=Committee._meta.get_field("slug").help_text,
    )
    superior = forms.ModelChoiceField(
        label=capfirst(Committee._meta.get_field("superior").verbose_name),
        queryset=Committee.objects,
    )
    template = forms.ModelChoiceField(
        label=gettext_lazy("Targets taken from"),
        queryset=Committee.objects,
        required=False,
        empty_label=gettext_lazy("The superior committee"),
        help_text=gettext_lazy(
            "The new committee takes this committee's targets, under the same numbers and keys, "
            "with no plans: it enters its own."
        ),
    )
    # Its bounds are checked with the rest (starting.check_start), in the same words.
    year = forms.IntegerField(label=gettext_lazy("First year"))
    for year_name in YEAR_NAMES:
        locals()[year_name] = Year._meta.get_field(year_name).formfield(
            required=False, help_text=NAME_DEFAULTS[year_name]
        )
    del year_name
    username = (
        get_user_model()
        ._meta.get_field("username")
        .formfield(label=gettext_lazy("Office account's user name"))
    )
    password = forms.CharField(
        label=gettext_lazy("Its password"), strip=False, widget=forms.PasswordInput
    )
    password_again = forms.CharField(
        label=gettext_lazy("The password again"), strip=False, widget=forms.PasswordInput
    )

    # The page's parts, each a fieldset.
    PARTS = [
        (gettext_lazy("The committee"), ["name", "slug", "superior", "template"]),
        (gettext_lazy("Its first year"), ["year", *YEAR_NAMES]),
        (gettext_lazy("Its first office account"), ["username", "password", "password_again"]),
    ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        own = committee_of(user)
        self.fields["superior"].queryset = superiors_for(user)
        # Office staff start committees under their own: no choice to make.
        self.under = None if user.is_superuser else own
        if self.under is not None:
            del self.fields["superior"]
        templates = Committee.objects.readable_by(user).filter(targets__isnull=False).distinct()
        self.fields["template"].queryset = templates
        if own is not None and own.targets.exists():
            self.fields["template"].initial = own.pk

    def parts(self):
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in self.PARTS
        ]

    def start(self):
        """What start_committee is asked, from the form's data (None while some is missing)."""
        data = self.cleaned_data
        superior = self.under or data.get("superior")
        if superior is None or any(data.get(name) is None for name in ("name", "slug", "year")):
            return None
        return {
            "name": data["name"],
            "slug": data["slug"],
            "superior": superior,
            "template": data.get("template"),
            "year": data["year"],
            "names": {name: data.get(name, "") for name in YEAR_NAMES},
        }

    def clean(self):
        cleaned = super().clean()
        password, again = cleaned.get("password"), cleaned.get("password_again")
        if password and again and password != again:
            self.add_error("password_again", _("The two passwords differ."))
        checks = []
        start = self.start()
        if start is not None:
            checks.append(lambda: check_start(**start))
        if cleaned.get("username") and password:
            checks.append(lambda: check_office_account(cleaned["username"], password))
        for check in checks:
            try:
                check()
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned

    def save(self, by):
        """Start the committee and open its office account, both or neither: ValidationError
        (by field) if the committee can no longer be started. Returns the committee."""
        with transaction.atomic():
            committee = start_committee(**self.start(), by=by)
            data = self.cleaned_data
            open_office_account(committee, data["username"], data["password"])
        return committee


@require_http_methods(["GET", "POST"])
def start_committee_page(request):
    """Start a committee: on success, its dashboard of its first year, whose plans its office
    enters."""
    if not may_start_committees(request.user):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = StartCommitteeForm(data, user=request.user)
    if data is not None and form.is_valid():
        try:
            committee = form.save(by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            year = form.cleaned_data["year"]
            messages.success(
                request,
                _("%(committee)s is started: its office enters the plans of %(year)s.")
                % {"committee": committee, "year": year},
            )
            return redirect("targets:dashboard", committee=committee.slug, year=year)
    return render(
        request,
        "committees/start.html",
        {"form": form},
        status=400 if data is not None else 200,
    )
