import time

from django.conf import settings
from django.utils.cache import add_never_cache_headers, patch_cache_control


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
