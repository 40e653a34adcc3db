"""How often the API may be asked: REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] in the settings,
"user" per signed-in user or token, "anon" per address for the schema, which needs none.

Django REST framework reads the rates once, when it is imported; these read them at each
request, so that a changed setting (a test's lower rate) takes effect at once. The counts are
kept in Django's default cache: with several server processes and no shared cache, each
process counts its own."""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class PerUser(UserRateThrottle):
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]


class PerAddress(AnonRateThrottle):
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]
