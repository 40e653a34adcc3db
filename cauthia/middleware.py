import time

from django.conf import settings


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
