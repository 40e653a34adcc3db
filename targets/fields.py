"""Model fields whose text is cleaned on the way in (see targets.text), whoever writes it: a
form, the admin, a management command or a bulk update."""

from django import forms
from django.db import models

from .text import clean_text


class CleanTextFormField(forms.CharField):
    def __init__(self, *, multiline, **kwargs):
        self.multiline = multiline
        super().__init__(**kwargs)

    def to_python(self, value):
        return clean_text(super().to_python(value), self.multiline)


class CleanTextMixin:
    multiline = True

    def get_prep_value(self, value):
        return super().get_prep_value(clean_text(value, self.multiline))

    def pre_save(self, model_instance, add):
        # Cleaned on the instance too, so what is saved is what the object says.
        value = clean_text(getattr(model_instance, self.attname), self.multiline)
        setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        return super().formfield(
            **{"form_class": CleanTextFormField, "multiline": self.multiline, **kwargs}
        )


class CleanCharField(CleanTextMixin, models.CharField):
    """A one-line name: line breaks become spaces."""

    multiline = False


class CleanTextField(CleanTextMixin, models.TextField):
    """Free text that may have lines (notes, descriptions, reasons)."""
