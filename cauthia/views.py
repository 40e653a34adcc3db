"""The page everyone lands on after signing in."""

from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cells.models import Cell
from targets.models import Year


@require_safe
def home(request):
    """A cell's secretary lands on their own cell in the current year; the ward's staff on the
    ward's dashboard of the latest open year (the latest year when all are closed)."""
    year = Year.objects.current()
    if year is None:
        raise Http404(_("No planning year has been set up yet."))
    if not request.user.has_perm("cells.view_cell"):
        own = Cell.objects.for_user(request.user).first()
        if own is not None:
            return redirect("cells:cell", year=year.year, number=own.number)
    return redirect("targets:dashboard", year=year.year)
