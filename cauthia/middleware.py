import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme

from targets.models import YearClosed


class SlidingSessionMiddleware:
    """Keep a signed-in session alive while it is used, writing it at most once a minute.

    Sessions end after SESSION_COOKIE_AGE seconds without activity. Django's
    SESSION_SAVE_EVERY_REQUEST would write the session row on every page; marking the session
    changed once a minute moves its expiry forward just as well for a 30-minute limit.
    """

    KEY = "_refreshed"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.session_key is not None:
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[self.KEY] = now  # changed, so SessionMiddleware saves it anew
        return response


class NoStoreWhenSignedInMiddleware:
    """Tell browsers and proxies not to keep what a signed-in user was answered.

    Pages and workbooks show the ward's figures: a shared office computer must not show them
    from its cache after sign-out, nor a proxy hand them to someone else. A view that sets its
    own Cache-Control keeps it, made private, so that only the user's own browser may keep it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            if response.has_header("Cache-Control"):
                patch_cache_control(response, private=True)
            else:
                add_never_cache_headers(response)
        return response


class YearClosedMiddleware:
    """The one answer to a write that a closed year refuses (targets.models.YearClosed, raised
    by the models or by Year.require_open in a view): the message, and back to the page the
    user came from on this site, or else the year's page the user can use: a cell secretary's
    own cell, the ward's dashboard for everyone else."""

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
        # Imported on use: loading the middleware never depends on the cells app.
        from cells.models import Cell

        own = Cell.objects.of_secretary(request.user)
        if own is not None:
            return redirect("cells:cell", year=exception.year, number=own.number)
        return redirect("targets:dashboard", year=exception.year)


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
