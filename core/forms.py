from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext as _

# Django's empty choice, which reads as nothing to the office.
BLANK_DASH = "---------"


def choose_label(field):
    """Name a field's empty choice the way the office reads it, "— Chọn lĩnh vực —", instead of
    Django's "---------". Returns the field."""
    if field is None or not field.label:
        return field
    text = _("— Choose %(what)s —") % {"what": str(field.label).lower()}
    if getattr(field, "empty_label", None) == BLANK_DASH:  # a ModelChoiceField
        field.empty_label = text
    elif hasattr(field, "_choices") and any(label == BLANK_DASH for _v, label in field.choices):
        field.choices = [
            (value, text if label == BLANK_DASH else label) for value, label in field.choices
        ]
    return field


class ChoiceLabels:
    """A form whose select boxes say what to choose (choose_label)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            choose_label(field)


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
