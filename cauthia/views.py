"""The page everyone lands on after signing in."""

from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cells.models import Cell
from targets.models import Year


@require_safe
def home(request):
    """A cell's secretary lands on their own cell in the year their work is due in (see
    Cell.home_year: an old year still open with tasks due comes before a new one just set up);
    the ward's staff on the ward's dashboard of the latest open year (the latest year when all
    are closed)."""
    year = Year.objects.current()
    if year is None:
        raise Http404(_("No planning year has been set up yet."))
    own = Cell.objects.of_secretary(request.user)
    if own is not None:
        return redirect(own.url_in(own.home_year()))
    return redirect("targets:dashboard", year=year.year)
