"""The addresses pages had before: before every page of a year carried the year in its path
(/targets/2023/…, /cells/3/?year=2023), and before it carried its committee (/2023/…).
Bookmarks and printed links still lead to the page, in the committee of the user who follows
them (the installation's only committee, on one that hosts one). The cells' old addresses
(cells/legacy.py) are sent on the same way."""

import re

from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, re_path
from django.views.decorators.http import require_safe

from committees.models import Committee, committee_of
from core.converters import YearConverter


def asked_year(request):
    """The year of an old ?year= address, or None where it names none. Four digits that are no
    planning year (0000) name a year that does not exist: not found, as /0000/ is."""
    asked = request.GET.get("year", "")
    if not re.fullmatch(YearConverter.regex, asked):
        return None
    try:
        return YearConverter().to_python(asked)
    except ValueError:
        raise Http404 from None


def meant_committee(request):
    """The committee an address of before means: the user's own, else the only one that keeps
    years; 404 where it could be any of several."""
    committee = committee_of(request.user)
    if committee is None:
        only = list(Committee.objects.with_years()[:2])
        if len(only) != 1:
            raise Http404
        committee = only[0]
    return committee


def current_year(committee):
    current = committee.years.current()
    if current is None:
        raise Http404
    return current.year


def with_query(response, query):
    if query:
        response["Location"] += f"?{query.urlencode()}"
    return response


def moved(view_name):
    """A view that sends an old address of ``view_name``'s page to its new one: for good when
    the old address named its year, for now when it meant the year pages open on (which moves
    on with the years)."""

    @require_safe
    def view(request, **kwargs):
        committee = meant_committee(request)
        kwargs.setdefault("year", asked_year(request))
        if kwargs["year"] is None:
            kwargs["year"] = current_year(committee)
        query = request.GET.copy()
        query.pop("year", None)
        return with_query(redirect(view_name, committee=committee.slug, **kwargs), query)

    return view


@require_safe
def in_committee(request, rest):
    """A page of a year addressed without its committee (/2024/grid/): the same page of the
    meant committee (/cau-thia/2024/grid/)."""
    return with_query(redirect(f"/{meant_committee(request).slug}/{rest}"), request.GET)


urlpatterns = [
    re_path(r"^(?P<rest>[0-9]{4}/.*)$", in_committee),
    path("targets/<year:year>/", moved("targets:dashboard")),
    path("targets/<year:year>/grid/", moved("targets:grid")),
    path("targets/<year:year>/report/", moved("targets:report")),
    path("targets/<year:year>/report.xlsx", moved("targets:report_workbook")),
    path("targets/<year:year>/<slug:slug>/", moved("targets:target")),
    path("targets/<year:year>/<slug:slug>/edit/", moved("targets:edit")),
]
