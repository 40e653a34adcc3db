"""The admin site under the name of the committee its user works for: "Quản trị – Đảng ủy phường
Cầu Thia", read from the committee's years (targets/admin.py), so it follows the committee through
reorganisations. What narrows each admin page to that committee's rows is committees/admin.py's."""

from django.contrib import admin
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .forms import AdminSignInForm, choose_label


class ModelAdmin(admin.ModelAdmin):
    """The app's admin pages: select boxes say what to choose (core.forms.choose_label)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return choose_label(super().formfield_for_dbfield(db_field, request, **kwargs))


class ReadOnlyAdmin(ModelAdmin):
    """Records shown in the admin and written only by the app itself: histories, and what the
    app's pages write with a check the admin would skip (a version, who took a step)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline:
    """An inline that is shown, never added to, changed or deleted here."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CommitteeAdminSite(admin.AdminSite):
    login_form = AdminSignInForm
    index_title = gettext_lazy("The committee's records")
    # (request) -> the name of the committee the request's user works for, or None for a user of
    # none (a superuser): set by the app that keeps the years (targets/admin.py), as this app
    # imports none of the apps.
    committee_name = None

    def password_change(self, request, extra_context=None):
        """The project's page (core.views.PasswordChangeView), so that a wrong current
        password typed here counts towards the lockout as it does on the site's own page."""
        from .views import PasswordChangeView

        request.current_app = self.name
        return PasswordChangeView.as_view(
            success_url=reverse("admin:password_change_done", current_app=self.name),
            extra_context={**self.each_context(request), **(extra_context or {})},
        )(request)

    def each_context(self, request):
        context = super().each_context(request)
        name = (self.committee_name and self.committee_name(request)) or _("the Party committee")
        context["site_header"] = context["site_title"] = _("Administration – %(committee)s") % {
            "committee": name
        }
        return context
