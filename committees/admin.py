"""The committees the installation hosts and the users who work for them, in the admin; and what
makes every admin page a committee's own (CommitteeScoped): an office's staff list, open, choose
and make the rows of the committee they work for only, a superuser those of every committee."""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.admin import ModelAdmin, ReadOnlyInline

from .models import Account, Committee, committee_of

User = get_user_model()


def committee_key(row, path):
    """The key of the committee ``row`` belongs to, ``path`` leading to it ("year__committee"),
    or None where the path ends early (a user with no account)."""
    *hops, last = path.split("__")
    for hop in hops:
        row = getattr(row, hop, None)
        if row is None:
            return None
    return row.serializable_value(last)


class OneCommitteeForm(forms.ModelForm):
    """A row whose chosen records (a target's area, a task's cell, target and year) are all one
    committee's, as the database requires: refused here with a message rather than there. A
    superuser chooses among every committee's records; an office never sees another's."""

    def clean(self):
        cleaned = super().clean()
        keys = {
            committee_key(cleaned[name], field.committee_path)
            for name, field in self.fields.items()
            if getattr(field, "committee_path", None) and cleaned.get(name) is not None
        }
        if len(keys - {None}) > 1:
            raise ValidationError(
                _("The records chosen here belong to different party committees."),
                code="committees",
            )
        return cleaned


class CommitteeScoped:
    """For the admin of a committee's rows; ``committee_path`` leads from a row to its committee
    ("committee", "year__committee", "figure__year__committee").

    A user who works for a committee lists and opens its rows only (another's is not found), and
    chooses among its records only (a target's area, a secretary's cell and user); a row they
    make is their committee's, whose field they cannot change. A superuser works in every
    committee, and their lists show and filter which committee each row is of."""

    form = OneCommitteeForm

    def get_queryset(self, request):
        return self.scoped(request, super().get_queryset(request))

    def scoped(self, request, queryset):
        """``queryset`` narrowed to the rows ``request``'s user may reach here."""
        if request.user.is_superuser:
            return queryset
        committee = committee_of(request.user)
        if committee is None:
            return queryset.none()
        return self.of_committee(queryset, committee)

    def of_committee(self, queryset, committee):
        return queryset.filter(**{self.committee_path: committee.pk})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        chosen = self.admin_site.is_registered(related) and self.admin_site.get_model_admin(related)
        if isinstance(chosen, CommitteeScoped):
            ordered = self.get_field_queryset(None, db_field, request)  # in the model admin's order
            kwargs["queryset"] = chosen.scoped(
                request, related._default_manager.all() if ordered is None else ordered
            )
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if isinstance(chosen, CommitteeScoped) and field is not None:
            field.committee_path = chosen.committee_path  # read by OneCommitteeForm
        return field

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        field = form.base_fields.get(self.committee_path)
        if field is not None and not request.user.is_superuser:
            field.disabled = True
            field.initial = committee_of(request.user)
        return form

    def committee_shown(self, request):
        """The path to a row's committee, for a superuser's list to show and filter by; None
        for another user, who sees one committee's, or where the path names no committee (a
        committee's own list)."""
        path = self.committee_path
        if not request.user.is_superuser or not path or not path.endswith("committee"):
            return None
        return path

    def get_list_display(self, request):
        shown = list(super().get_list_display(request))
        path = self.committee_shown(request)
        return [*shown, path] if path and path not in shown else shown

    def get_list_select_related(self, request):
        chosen = super().get_list_select_related(request)
        path = self.committee_shown(request)
        if path is None or chosen is True:
            return chosen
        return [*(chosen or []), path]

    def get_list_filter(self, request):
        """A filter by a related record offers those of the rows listed: another committee's
        years, areas, cells and users are never named."""
        filters = list(super().get_list_filter(request))
        path = self.committee_shown(request)
        return [
            (name, admin.RelatedOnlyFieldListFilter)
            if isinstance(name, str) and get_fields_from_path(self.model, name)[-1].is_relation
            else name
            for name in ([path] if path and path not in filters else []) + filters
        ]


class SuperuserChanges:
    """Rows only a superuser adds, changes or deletes; who may view them is by permission."""

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class AccountsInline(ReadOnlyInline, admin.TabularInline):
    """Who works for the committee, each a link to their own page."""

    model = Account
    fields = readonly_fields = ["user"]


@admin.register(Committee)
class CommitteeAdmin(SuperuserChanges, CommitteeScoped, ModelAdmin):
    """A superuser sets up the committees and their tree; an office sees its own committee."""

    committee_path = "pk"
    list_display = ["name", "slug", "superior"]
    list_select_related = ["superior"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AccountsInline]


@admin.register(Account)
class AccountAdmin(SuperuserChanges, CommitteeScoped, ModelAdmin):
    committee_path = "committee"
    list_display = ["user", "committee"]
    list_select_related = ["user", "committee"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "committee__name"]


def grantable_groups(user):
    """The groups (roles) ``user`` may put others in: those whose every permission they hold."""
    held = Permission.objects.filter(Q(user=user) | Q(group__user=user))
    return Group.objects.exclude(permissions__in=Permission.objects.exclude(pk__in=held))


class AccountInline(admin.StackedInline):
    """The committee a user works for, chosen by a superuser; a user an office adds works for
    the office's committee (CommitteeUserAdmin.save_model)."""

    model = Account
    can_delete = False


admin.site.unregister(User)


@admin.register(User)
class CommitteeUserAdmin(CommitteeScoped, UserAdmin):
    """Django's users, passwords and roles, for each office those who work for its committee.

    An office gives the roles it holds itself and never a permission of its own choosing nor
    all of them (superuser status); it never reaches a superuser, whose password it could
    otherwise set."""

    committee_path = "account__committee"
    form = UserAdmin.form
    OFFICE_WITHHELD = {"is_superuser", "user_permissions"}

    def of_committee(self, queryset, committee):
        return super().of_committee(queryset, committee).filter(is_superuser=False)

    def get_inlines(self, request, obj):
        return [AccountInline] if request.user.is_superuser else []

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [
            (
                name,
                {
                    **options,
                    "fields": [f for f in options["fields"] if f not in self.OFFICE_WITHHELD],
                },
            )
            for name, options in fieldsets
        ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = grantable_groups(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and not request.user.is_superuser:
            Account.objects.create(user=obj, committee=committee_of(request.user))
