"""What a signed-in user is answered stays out of caches, and every cookie stays on HTTPS and out
of scripts' reach: what someone at the same office computer, on the same network, or with a
script slipped into a page would try."""

import pytest
from django.conf import global_settings
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils.cache import patch_cache_control

from core.middleware import NoStoreWhenSignedInMiddleware
from core.replica import PIN_COOKIE, replica_configured

from .helpers import CAU_THIA, settings_module

COOKIE_SETTINGS = [
    f"{cookie}_COOKIE_{flag}"
    for cookie in ("SESSION", "CSRF", "LANGUAGE")
    for flag in ("SECURE", "HTTPONLY", "SAMESITE")
]


@pytest.mark.parametrize(
    ("page", "args"),
    [
        ("home", []),
        ("committee", [CAU_THIA]),
        ("targets:dashboard", [CAU_THIA, 2023]),
        ("targets:report_workbook", [CAU_THIA, 2023]),
        ("targets:report", [CAU_THIA, 2023]),
        ("targets:grid", [CAU_THIA, 2023]),
        ("cells:overview", [CAU_THIA, 2023]),
        ("committees:list", []),
        ("password_change", []),
    ],
)
def test_no_page_or_download_for_a_signed_in_user_is_kept_in_a_cache(
    alice_client, demo, page, args
):
    response = alice_client.get(reverse(page, args=args), follow=True)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_a_views_own_caching_is_kept_but_never_by_a_shared_cache(rf, alice):
    def cached_for_ten_minutes(request):
        response = HttpResponse("figures")
        patch_cache_control(response, public=True, max_age=600)
        return response

    request = rf.get("/")
    request.user = alice
    response = NoStoreWhenSignedInMiddleware(cached_for_ten_minutes)(request)
    assert set(response["Cache-Control"].split(", ")) == {"private", "max-age=600"}


@pytest.fixture
def production_cookies(settings, monkeypatch):
    """The cookie settings that cauthia/settings.py computes without DEBUG, or Django's defaults
    where it leaves one unset."""
    module = settings_module(monkeypatch, DEBUG="0")
    for name in COOKIE_SETTINGS:
        setattr(settings, name, getattr(module, name, getattr(global_settings, name)))


def test_without_debug_every_cookie_is_secure_http_only_and_same_site(
    production_cookies, alice, demo
):
    client = Client()
    responses = [
        client.get(reverse("login")),  # the CSRF cookie
        client.post(reverse("login"), {"username": "alice", "password": "pw-alice-123"}),
        client.post(reverse("set_language"), {"language": "en", "next": "/"}),
        # A refusal with a message kept for the next page: the messages cookie.
        client.post(reverse("targets:reopen", args=[CAU_THIA, 2023]), {"reason": ""}),
    ]
    cookies = {name: morsel for response in responses for name, morsel in response.cookies.items()}
    # With a replica, a browser that has just written is pinned to the primary by a cookie.
    pinned = {PIN_COOKIE} if replica_configured() else set()
    assert set(cookies) == {"csrftoken", "sessionid", "django_language", "messages"} | pinned
    for name, cookie in cookies.items():
        assert cookie["secure"], name
        assert cookie["httponly"], name
        assert cookie["samesite"] == "Lax", name
