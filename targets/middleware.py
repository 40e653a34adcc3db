"""The one answer to a write that a closed year refuses."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from .models import YearClosed


class YearClosedMiddleware:
    """The one answer to a write that a closed year refuses (YearClosed, raised by the models
    or by Year.require_open in a view): the message, and back to the page the user came from on
    this site, or else the year's page the user can use: a cell secretary's own cell, the
    ward's dashboard for everyone else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, YearClosed):
            return None
        messages.error(request, exception.message)
        came_from = referring_path(request)
        if came_from and came_from != request.path:
            return redirect(came_from)
        access = getattr(request, "access", None)  # a page of a year: its committee's
        if access is None:
            return redirect("home")
        page = {"committee": access.committee.slug, "year": exception.year}
        if access.own_cell is not None:
            return redirect("cells:cell", number=access.own_cell.number, **page)
        return redirect("targets:dashboard", **page)


def referring_path(request):
    """The path of the page of this site that the request's Referer names, or None.

    Both the Referer and the path taken from it must stay on this site: "https://host//evil/x"
    is this site's, but its path "//evil/x" would send the browser to another host (so would
    "/\\evil/x", which browsers read as "//evil/x"). Over HTTPS, a plain-HTTP Referer is not
    believed."""
    referer = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(referer, {request.get_host()}, request.is_secure()):
        return None
    path = urlsplit(referer).path
    if path.startswith("/") and not path.replace("\\", "/").startswith("//"):
        return path
    return None
