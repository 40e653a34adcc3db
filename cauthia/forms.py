from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class UserNameLengthMixin:
    """Refuse a user name longer than any account's before it is tried: Django only sets the
    field's length for the browser, and the lockout records a failed attempt's name in a column
    too short for a longer one."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class SignInForm(UserNameLengthMixin, AuthenticationForm):
    pass


class AdminSignInForm(UserNameLengthMixin, AdminAuthenticationForm):
    pass
