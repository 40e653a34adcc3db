"""The page everyone lands on after signing in, and a committee's own address."""

from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from committees.models import committee_of
from targets.access import Access, committee_readable


@require_safe
def home(request):
    """A user lands in the committee they work for: a cell's secretary on their own cell in the
    year their work is due in (see Cell.home_year: an old year still open with tasks due comes
    before a new one just set up); the committee's staff on its dashboard of the latest open
    year (the latest year when all are closed). Someone who works for no committee (a
    superuser) lands on the list of committees."""
    committee = committee_of(request.user)
    if committee is None:
        if request.user.is_superuser:
            return redirect("committees:list")
        raise Http404(_("Your account works for no party committee yet."))
    return open_committee(request, committee)


@require_safe
def committee_home(request, committee):
    """A committee's own address (/cau-thia/): its current year, for a user who may read it."""
    return open_committee(request, committee_readable(request.user, committee))


def open_committee(request, committee):
    own = Access(request.user, committee).own_cell
    if own is not None and own.committee_id == committee.pk:
        return redirect(own.url_in(own.home_year()))
    year = committee.years.current()
    if year is None:
        if committee.subordinates.exists():
            # A committee above communes, keeping no year of its own: their roll-up.
            return redirect("rollup:latest", committee=committee.slug)
        raise Http404(_("No planning year has been set up yet."))
    return redirect("targets:dashboard", committee=committee.slug, year=year.year)
