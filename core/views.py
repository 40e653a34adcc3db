"""The page to change one's password."""

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.utils.translation import gettext as _

from .passwords import PasswordChangeForm


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's page, where a wrong current password counts as a failed sign-in of the account
    from that address (core.passwords.PasswordChangeForm). At the limit, and as long as the
    lockout lasts, the page answers with the lockout page, as the sign-in page does."""

    form_class = PasswordChangeForm

    def dispatch(self, request, *args, **kwargs):
        credentials = {"username": request.user.get_username()}
        if request.user.is_authenticated and AxesProxyHandler.is_locked(request, credentials):
            self.tell_locked_out()
            return get_lockout_response(request, credentials=credentials)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"request": self.request}

    def form_invalid(self, form):
        # django-axes marks the request that reached the limit; its middleware then answers
        # with the lockout page instead of the form.
        if getattr(self.request, "axes_locked_out", False):
            self.tell_locked_out()
        return super().form_invalid(form)

    def tell_locked_out(self):
        messages.error(
            self.request,
            _(
                "The current password was wrong too many times: changing the password is locked "
                "for a while, and so is signing in to this account from this computer."
            ),
        )
