from django import forms
from django.contrib import admin
from django.contrib.auth import get_permission_codename
from django.contrib.contenttypes.admin import GenericTabularInline
from django.db.models import Q
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from committees.admin import CommitteeScoped, OneCommitteeForm
from committees.models import committee_of
from core.admin import ModelAdmin, ReadOnlyAdmin, ReadOnlyInline

from . import display
from .access import access_to
from .models import (
    FIGURE_AMOUNTS,
    Area,
    Change,
    Figure,
    FigureChange,
    Import,
    ReportText,
    Target,
    Year,
    YearEvent,
)
from .stages import STAGE_FIELDS, Stage


def committee_name(request):
    """The admin's title (core.admin.CommitteeAdminSite) for ``request``'s user: the issuing
    committee of the year their committee's pages open on, the committee's own name before it
    has a year; None for a user who works for no committee."""
    committee = committee_of(request.user)
    if committee is None:
        return None
    year = committee.years.current()
    return year.executive_name if year else committee.name


admin.site.committee_name = committee_name


def shown(value):
    return display.NONE if value in (None, "") else value


def person_column(field, description):
    """An admin column (or read-only field) of the user in ``field``, named as every page names
    people (display.person): the full name, else the login. The admin itself would show the
    login."""

    @admin.display(description=description, ordering=field)
    def column(model_admin, obj):
        return display.person(getattr(obj, field)) or display.NONE

    return column


def changed_fields(change):
    """The fields a change changed, one line each: "name: before → after"."""
    return format_html_join(
        "",
        "<div><code>{}</code>: {} → {}</div>",
        ((name, shown(old), shown(new)) for name, (old, new) in change.changed_fields.items()),
    )


class ChangeInline(ReadOnlyInline, GenericTabularInline):
    """A record's history (targets.models.Change), newest first."""

    model = Change
    fields = readonly_fields = ["changed_at", "changed_by_name", "action", "what_changed"]
    ordering = ["-changed_at", "-pk"]
    verbose_name_plural = _("history")
    changed_by_name = person_column("changed_by", _("changed by"))

    @admin.display(description=_("what changed"))
    def what_changed(self, change):
        return changed_fields(change)


class RecordedAdmin(ModelAdmin):
    """For records that keep their history (targets.models.Recorded): every save and delete
    made here is recorded with the user who made it, and the history shows on the page."""

    inlines = [ChangeInline]

    def save_model(self, request, obj, form, change):
        obj.save(changed_by=request.user)

    def delete_model(self, request, obj):
        obj.delete(changed_by=request.user)

    def delete_queryset(self, request, queryset):
        # One by one, so that each deletion is recorded (a bulk delete would record none).
        for obj in queryset:
            obj.delete(changed_by=request.user)


def allowed_in_year(model_admin, request, action, year):
    """Whether the user may ``action`` ("change", "delete") a record of ``model_admin``'s
    model in ``year``: the model's permission, in an open year, as the pages ask it
    (targets.access.Access.may)."""
    opts = model_admin.opts
    codename = get_permission_codename(action, opts)
    return access_to(request.user, year).may(f"{opts.app_label}.{codename}")


class OfOpenYearAdmin(ModelAdmin):
    """For records frozen when their year closes (figures, tasks, ratings): a closed year's
    records are shown read-only and cannot be deleted, one by one or in bulk."""

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return allowed_in_year(self, request, "change", obj.year)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return super().has_delete_permission(request)
        return allowed_in_year(self, request, "delete", obj.year)

    def get_deleted_objects(self, objs, request):
        """The bulk delete's confirmation lists a closed year's records as ones the user may
        not delete, and then refuses the whole deletion (Django's delete_selected does)."""
        deletable, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        closed = sorted(
            {
                obj.year.year
                for obj in objs
                if not allowed_in_year(self, request, "delete", obj.year)
            }
        )
        if closed:
            perms_needed = set(perms_needed) | {
                _("records of a year whose figures are closed (%(years)s)")
                % {"years": ", ".join(map(str, closed))}
            }
        return deletable, counts, perms_needed, protected


@admin.register(Area)
class AreaAdmin(CommitteeScoped, ModelAdmin):
    committee_path = "committee"
    list_display = ["position", "name"]
    search_fields = ["name"]


@admin.register(Target)
class TargetAdmin(CommitteeScoped, RecordedAdmin):
    committee_path = "committee"
    list_display = ["position", "name", "unit", "kind", "direction", "area"]
    list_filter = ["area", "kind", "direction"]
    search_fields = ["name", "slug", "unit"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["area"]

    def has_delete_permission(self, request, obj=None):
        return False


class YearEventInline(ReadOnlyInline, admin.TabularInline):
    model = YearEvent
    fields = readonly_fields = ["at", "by_name", "action", "reason"]
    by_name = person_column("by", _("by"))


@admin.register(Year)
class YearAdmin(CommitteeScoped, RecordedAdmin):
    committee_path = "committee"
    list_display = ["year", "committee_name", "superior_party_body", "plan_document", "is_closed"]
    list_filter = ["is_closed"]
    search_fields = ["committee_name", "superior_party_body", "plan_document"]
    # Closing and reopening go through the dashboard, which records who, when and why.
    readonly_fields = ["is_closed"]
    inlines = [YearEventInline, ChangeInline]

    def has_change_permission(self, request, obj=None):
        # A closed year's names, number and date are those of its filed report.
        if obj is None:
            return super().has_change_permission(request)
        return allowed_in_year(self, request, "change", obj)

    def has_delete_permission(self, request, obj=None):
        return False


class FigureChangeInline(ReadOnlyInline, admin.TabularInline):
    model = FigureChange
    fields = readonly_fields = [
        "changed_at",
        "changed_by_name",
        "version",
        *(f"{age}_{name}" for name in FIGURE_AMOUNTS for age in ("old", "new")),
        "new_note",
        "confirmed_warnings",
    ]
    changed_by_name = person_column("changed_by", _("changed by"))


class FigureAdminForm(OneCommitteeForm):
    """Carries the version the page was opened on, so the admin cannot lose an update either."""

    class Meta:
        model = Figure
        fields = [
            "target",
            "year",
            "plan",
            *STAGE_FIELDS,
            "note",
            "reason",
            "comment",
            "illustrative",
            "version",
        ]
        widgets = {"version": forms.HiddenInput}

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and "version" in cleaned:
            current = Figure.objects.select_related("updated_by").get(pk=self.instance.pk)
            if current.version != cleaned.get("version"):
                raise forms.ValidationError(
                    _("%(who)s changed this figure meanwhile; reload the page and try again.")
                    % {"who": display.person(current.updated_by) or _("Someone")},
                    code="stale",
                )
        return cleaned


@admin.register(Figure)
class FigureAdmin(CommitteeScoped, OfOpenYearAdmin):
    committee_path = "year__committee"
    form = FigureAdminForm
    list_display = [
        "target",
        "year",
        "plan",
        "actual",
        "illustrative",
        "updated_by_name",
        "updated_at",
    ]
    list_filter = ["year", "target__area", "illustrative"]
    search_fields = ["target__name", "note"]
    list_select_related = ["target", "year", "updated_by"]
    readonly_fields = ["updated_by_name", "updated_at"]
    inlines = [FigureChangeInline]
    updated_by_name = person_column("updated_by", _("last changed by"))

    def get_readonly_fields(self, request, obj=None):
        # A figure stays with its target and year; another year's figure is another row.
        if obj is not None:
            return [*self.readonly_fields, "target", "year"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        # The admin writes through Figure.save like every other writer, so the change is recorded.
        # A race lost between clean() and here raises StaleFigure: nothing is written.
        obj.save(changed_by=request.user, expected_version=form.cleaned_data["version"])

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FigureChange)
class FigureChangeAdmin(CommitteeScoped, ReadOnlyAdmin):
    committee_path = "figure__year__committee"
    list_display = [
        "figure",
        "version",
        "changed_by_name",
        "changed_at",
        f"old_{Stage.FINAL.field}",
        f"new_{Stage.FINAL.field}",
    ]
    list_filter = ["figure__year", "changed_by"]
    search_fields = ["figure__target__name"]
    list_select_related = ["figure__target", "figure__year", "changed_by"]
    date_hierarchy = "changed_at"
    changed_by_name = person_column("changed_by", _("changed by"))


@admin.register(Import)
class ImportAdmin(CommitteeScoped, ReadOnlyAdmin):
    """Workbooks brought in from Excel, written on the import's own pages."""

    committee_path = "year__committee"
    list_display = [
        "file_name",
        "year",
        "stage",
        "uploaded_by_name",
        "uploaded_at",
        "confirmed_at",
    ]
    list_filter = ["year", "stage"]
    list_select_related = ["year", "uploaded_by"]
    fields = [
        "file_name",
        "year",
        "stage",
        "sheet",
        "uploaded_by_name",
        "uploaded_at",
        "confirmed_at",
    ]
    date_hierarchy = "uploaded_at"
    uploaded_by_name = person_column("uploaded_by", _("uploaded by"))


@admin.register(Change)
class ChangeAdmin(CommitteeScoped, ReadOnlyAdmin):
    """Changes are reached through the record each was recorded of (``before`` and ``after``,
    one of them empty for a creation or a deletion): a year and a target name their committee,
    every other record its year."""

    committee_path = None
    list_display = ["changed_at", "content_type", "object_id", "action", "changed_by_name"]
    list_filter = ["content_type", "action", "changed_by"]
    list_select_related = ["content_type", "changed_by"]
    changed_by_name = person_column("changed_by", _("changed by"))
    fields = readonly_fields = [
        "changed_at",
        "changed_by_name",
        "content_type",
        "object_id",
        "action",
        "what_changed",
    ]
    date_hierarchy = "changed_at"

    @admin.display(description=_("what changed"))
    def what_changed(self, change):
        return changed_fields(change)

    def of_committee(self, queryset, committee):
        years = list(committee.years.values_list("pk", flat=True))
        return queryset.filter(
            Q(before__committee_id=committee.pk)
            | Q(after__committee_id=committee.pk)
            | Q(before__year_id__in=years)
            | Q(after__year_id__in=years)
        )


@admin.register(ReportText)
class ReportTextAdmin(CommitteeScoped, ReadOnlyAdmin):
    """Shown here with its history; written on the report's own page, which checks the version
    the editor opened."""

    committee_path = "year__committee"
    list_display = ["year", "stage", "is_final", "version", "updated_by_name", "updated_at"]
    list_filter = ["year", "stage", "is_final"]
    list_select_related = ["year", "updated_by"]
    updated_by_name = person_column("updated_by", _("last changed by"))
    inlines = [ChangeInline]
