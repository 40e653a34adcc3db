"""Who reads the API, and what.

A request is its user's, whether it comes with the user's token (rest_framework.authtoken) or
from their signed-in session, and it reads what that user's pages read: a superuser every
committee; a committee's office staff their own and those under it
(Committee.objects.readable_by). The API is for the offices' dashboards: a cell's secretary,
or a user with no role, reads nothing of it (403). A committee the user may not read is not
found (404), as on the pages (targets.access.committee_readable).
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission

from committees.models import OFFICE_STAFF, Committee
from targets.stages import Stage


def reads_the_api(user):
    """Whether ``user`` may read the API at all: an active superuser, or a committee's office
    staff."""
    return user.is_active and (user.is_superuser or user.has_perm(OFFICE_STAFF))


class OfficeReads(BasePermission):
    """The API answers the office staff of a committee and superusers; anyone else signed in
    is refused (403), anyone not signed in is asked for a token (401)."""

    message = _("The API is read by the office staff of a party committee.")

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and reads_the_api(user))


def readable(user):
    """The committees ``user`` reads, by name."""
    return Committee.objects.readable_by(user).order_by("name")


def stage_asked(request):
    """The stage ?stage= names, the full year where none is named; another word is refused
    (400) rather than read as some stage."""
    value = request.query_params.get("stage")
    if value is None:
        return Stage.FINAL
    try:
        return Stage(value)
    except ValueError:
        raise ValidationError(
            {
                "stage": _("There is no such stage: choose one of %(stages)s.")
                % {"stages": ", ".join(Stage.values)}
            }
        ) from None
