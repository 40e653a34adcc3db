from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
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


def _beyond_64_bits(key):
    try:
        return not -(2**63) <= int(key) < 2**63
    except (TypeError, ValueError):
        return False  # not a number: Django's own checks answer


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, refusing a key past what a 64-bit integer holds as it refuses any key of no
    choice: Django looks the keys up with ``pk__in``, which on SQLite raises OverflowError for
    one (an exact lookup, as ModelChoiceField makes, finds nothing and is safe)."""

    def _check_values(self, value):
        for key in value:
            if self.to_field_name is None and _beyond_64_bits(key):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": key},
                )
        return super()._check_values(value)


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
