"""The committees a user may read, for a superior committee's staff and a superuser, and under
which of them the user may start a new one."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .models import OFFICE_STAFF, Committee, committee_of


def may_start_committees(user):
    """Whether ``user`` may start committees: a superuser, under any; a committee's office
    staff, under their own."""
    if user.is_superuser:
        return True
    return committee_of(user) is not None and user.has_perm(OFFICE_STAFF)


def superiors_for(user):
    """The committees ``user`` may start a committee under (see may_start_committees)."""
    if user.is_superuser:
        return Committee.objects.all()
    if not may_start_committees(user):
        return Committee.objects.none()
    return Committee.objects.filter(pk=committee_of(user).pk)


@require_safe
def committee_list(request):
    committees = Committee.objects.readable_by(request.user).select_related("superior")
    # The list is for those who read committees beside their own: a cell's secretary has none.
    if not may_start_committees(request.user) or not committees:
        raise PermissionDenied
    return render(
        request,
        "committees/list.html",
        {"committees": committees, "may_start": may_start_committees(request.user)},
    )
