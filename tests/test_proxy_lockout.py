"""Lockouts behind the TLS proxy: keyed on the client's own address, which no client can forge.

Behind the proxy every request arrives from the proxy's address. Keyed on that, a stranger's
five wrong passwords would lock the ward secretary out of every computer at once.
"""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from .helpers import settings_module, text_of

PASSWORD = "Cau-Thia-moi-2024!"
PROXY = "10.0.0.2"  # the proxy in front of the app, as the app sees it (REMOTE_ADDR)
CDN = "192.0.2.80"  # a second proxy, further out
STRANGER = "203.0.113.7"
SECRETARY = "198.51.100.9"

# What django-axes reads when the settings module leaves a name unset (axes/conf.py).
AXES_DEFAULTS = {
    "AXES_IPWARE_PROXY_COUNT": None,
    "AXES_IPWARE_META_PRECEDENCE_ORDER": ("REMOTE_ADDR",),
}


@pytest.fixture
def deployed(settings, monkeypatch):
    """Deploy with an environment: axes gets the client-address settings the settings module
    computes from it (axes reads them from django.conf.settings at every sign-in)."""

    def deploy(**environment):
        module = settings_module(monkeypatch, **environment)
        for name, default in AXES_DEFAULTS.items():
            setattr(settings, name, getattr(module, name, default))

    return deploy


@pytest.fixture
def ward_secretary(demo, django_user_model):
    """The demo's ward secretary, with a password these tests know."""
    user = django_user_model.objects.get(username="bithu")
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(client, password=PASSWORD, **addresses):
    return client.post(reverse("login"), {"username": "bithu", "password": password}, **addresses)


def through_proxies(client_address, proxies):
    """The request's addresses once ``proxies`` proxies have passed it on: each writes the
    address it was reached from at the end of X-Forwarded-For; the app sees the last one."""
    return {
        "REMOTE_ADDR": PROXY,
        "HTTP_X_FORWARDED_FOR": ", ".join([client_address, CDN][:proxies]),
    }


@pytest.mark.parametrize("proxies", [1, 2])
def test_behind_the_proxy_a_strangers_failures_lock_out_only_the_strangers_address(
    deployed, ward_secretary, proxies
):
    deployed(BEHIND_TLS_PROXY="1", PROXY_COUNT=str(proxies))
    stranger = Client()
    for attempt in range(5):
        sign_in(stranger, f"wrong-{attempt}", **through_proxies(STRANGER, proxies))
    # Now even the right password is refused from that address...
    locked = sign_in(stranger, **through_proxies(STRANGER, proxies))
    assert locked.status_code == 429
    assert "Đăng nhập bị khóa" in text_of(locked)
    assert "_auth_user_id" not in stranger.session
    # ...while the secretary, through the same proxy from her own address, signs in.
    secretary = Client()
    assert sign_in(secretary, **through_proxies(SECRETARY, proxies)).status_code == 302
    assert secretary.session["_auth_user_id"] == str(ward_secretary.pk)


def test_behind_the_proxy_a_forged_x_forwarded_for_does_not_dodge_the_lockout(
    deployed, ward_secretary
):
    deployed(BEHIND_TLS_PROXY="1")
    stranger = Client()

    def forging(fake_address):
        # The proxy keeps what the client sent and adds the address it was reached from.
        return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"{fake_address}, {STRANGER}"}

    for attempt in range(5):
        sign_in(stranger, f"wrong-{attempt}", **forging(f"198.18.0.{attempt + 1}"))
    assert sign_in(stranger, **forging("198.18.0.99")).status_code == 429
    # The forgeries counted together, not against the secretary's own address.
    assert sign_in(Client(), **through_proxies(SECRETARY, 1)).status_code == 302


def test_without_the_proxy_setting_x_forwarded_for_is_ignored(deployed, ward_secretary):
    deployed()
    stranger = Client()
    for attempt in range(5):
        sign_in(
            stranger,
            f"wrong-{attempt}",
            REMOTE_ADDR=STRANGER,
            HTTP_X_FORWARDED_FOR=f"198.18.0.{attempt + 1}",
        )
    response = sign_in(stranger, REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_FOR=SECRETARY)
    assert response.status_code == 429
    assert "_auth_user_id" not in stranger.session


def test_a_proxy_count_below_one_stops_start_up(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="PROXY_COUNT"):
        settings_module(monkeypatch, BEHIND_TLS_PROXY="1", PROXY_COUNT="0")
