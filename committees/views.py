"""The committees a user may read, for a superior committee's staff and a superuser, and under
which of them the user may start a new one."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .models import Committee, committee_of


def readable(user):
    """The committees ``user`` reads beside their own: all, for a superuser; those under their
    committee, for its staff (a cell's secretary reads only their own cell's)."""
    if user.is_superuser:
        return Committee.objects.all()
    own = committee_of(user)
    if own is None or not user.has_perm("cells.view_cell"):
        return Committee.objects.none()
    return Committee.objects.filter(lineage__startswith=own.lineage)


def may_start_committees(user):
    """Whether ``user`` may start committees: a superuser, under any; a committee's office
    staff, under their own."""
    if user.is_superuser:
        return True
    return committee_of(user) is not None and user.has_perm("cells.view_cell")


def superiors_for(user):
    """The committees ``user`` may start a committee under (see may_start_committees)."""
    if user.is_superuser:
        return Committee.objects.all()
    if not may_start_committees(user):
        return Committee.objects.none()
    return Committee.objects.filter(pk=committee_of(user).pk)


@require_safe
def committee_list(request):
    committees = readable(request.user).select_related("superior")
    if not committees:
        raise PermissionDenied
    return render(
        request,
        "committees/list.html",
        {"committees": committees, "may_start": may_start_committees(request.user)},
    )
