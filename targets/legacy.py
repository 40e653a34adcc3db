"""The addresses pages had before every page of a year carried the year in its path
(/targets/2023/…, /cells/3/?year=2023): bookmarks and printed links still lead to the page.
The cells' old addresses (cells/legacy.py) are sent on the same way."""

import re

from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.views.decorators.http import require_safe

from core.converters import YearConverter

from .models import Year


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


def current_year():
    current = Year.objects.current()
    if current is None:
        raise Http404
    return current.year


def moved(view_name):
    """A view that sends an old address of ``view_name``'s page to its new one: for good when
    the old address named its year, for now when it meant the year pages open on (which moves
    on with the years)."""

    @require_safe
    def view(request, **kwargs):
        kwargs.setdefault("year", asked_year(request))
        permanent = kwargs["year"] is not None
        if not permanent:
            kwargs["year"] = current_year()
        query = request.GET.copy()
        query.pop("year", None)
        response = redirect(view_name, permanent=permanent, **kwargs)
        if query:
            response["Location"] += f"?{query.urlencode()}"
        return response

    return view


urlpatterns = [
    path("targets/<year:year>/", moved("targets:dashboard")),
    path("targets/<year:year>/grid/", moved("targets:grid")),
    path("targets/<year:year>/report/", moved("targets:report")),
    path("targets/<year:year>/report.xlsx", moved("targets:report_workbook")),
    path("targets/<year:year>/<slug:slug>/", moved("targets:target")),
    path("targets/<year:year>/<slug:slug>/edit/", moved("targets:edit")),
]
