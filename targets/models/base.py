"""What the app's models share: the longest text a form takes, who did something, how a text
field is kept within its length, and a figure's amounts and how they are bounded."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

from ..numbers import MAX_AMOUNT
from ..stages import STAGE_FIELDS

# The longest note, description or reason a form takes; the database holds the same limit.
MAX_TEXT = 2000


def person_field(verbose_name, **kwargs):
    """Who did something: a user, never deleted while their deeds are kept (PROTECT); by
    default optional, as a data load has no one."""
    kwargs = {"null": True, "blank": True} | kwargs
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=verbose_name,
        **kwargs,
    )


def at_most(field, length=MAX_TEXT):
    """A named constraint that keeps a text field within ``length`` characters."""
    return models.CheckConstraint(
        condition=LessThanOrEqual(Length(field), length),
        name=f"%(app_label)s_%(class)s_{field}_length",
    )


# A figure's amounts and texts, whose old and new values each change of it keeps.
FIGURE_AMOUNTS = ("plan", *STAGE_FIELDS)
FIGURE_TEXTS = ("note", "reason", "comment")


def amount_field(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **kwargs)


def amount_in_range(field):
    """Non-negative and below MAX_AMOUNT. The upper bound also refuses PostgreSQL's NaN, which
    sorts above every number, and SQLite's text 'NaN' or 'Infinity', which sort above numbers."""
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0, f"{field}__lt": MAX_AMOUNT})
