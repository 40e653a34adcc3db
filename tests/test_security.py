import os
import subprocess
import sys
from datetime import timedelta

import pytest
from axes.utils import reset as reset_lockouts
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from .helpers import text_of

PASSWORD = "mat-khau-thu-2024"


@pytest.fixture
def accounts(db):
    from django.core.management import call_command

    call_command("load_demo", "--password", PASSWORD, verbosity=0)


def sign_in(client, username="bithu", password=PASSWORD, address="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_five_failed_sign_ins_lock_that_account_from_that_address(accounts):
    client = Client()
    for attempt in range(1, 5):
        response = sign_in(client, password=f"wrong-{attempt}")
        assert response.status_code == 200, attempt  # the form again, with its message
        assert "mật khẩu chính xác" in text_of(response)
    locked = sign_in(client, password="wrong-5")
    assert locked.status_code == 429
    assert "Đăng nhập bị khóa" in text_of(locked)
    # The right password is refused too while the lockout lasts...
    assert sign_in(client).status_code == 429
    assert "_auth_user_id" not in client.session
    # ...but a stranger's failures do not lock the secretary out of another computer.
    elsewhere = Client()
    assert sign_in(elsewhere, address="10.0.0.2").status_code == 302
    # The office resets the lockout (axes_reset), and the right password works again.
    reset_lockouts(username="bithu")
    assert sign_in(client).status_code == 302


def test_the_lockout_ends_by_itself_after_the_cool_off(accounts, settings):
    from axes.models import AccessAttempt

    client = Client()
    for attempt in range(5):
        sign_in(client, password=f"wrong-{attempt}")
    assert sign_in(client).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    assert sign_in(client).status_code == 302


def test_the_session_key_changes_at_sign_in(accounts):
    client = Client()
    session = client.session
    session["seen"] = True
    session.save()
    before = session.session_key
    client.cookies[settings.SESSION_COOKIE_NAME] = before
    assert sign_in(client).status_code == 302
    assert client.session.session_key != before


def test_an_idle_session_expires_after_30_minutes_and_activity_extends_it(accounts):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client = Client()
    sign_in(client)
    dashboard = reverse("targets:dashboard", args=["cau-thia", 2023])

    def expiry():
        return Session.objects.get(session_key=client.session.session_key).expire_date

    # Twenty-five quiet minutes later the session has five minutes left...
    session = client.session
    session["_refreshed"] -= 25 * 60
    session.save()
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=5))
    # ...and a page pushes it to a full thirty again.
    assert client.get(dashboard).status_code == 200
    assert expiry() > timezone.now() + timedelta(minutes=29)
    # Within the minute, further pages do not write the session again.
    pushed = expiry()
    assert client.get(dashboard).status_code == 200
    assert expiry() == pushed
    # Once it has expired, the next page asks to sign in.
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(dashboard)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_password_change_ends_the_other_sessions(accounts):
    here, there = Client(), Client()
    sign_in(here)
    sign_in(there, address="10.0.0.9")
    response = here.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Tre-xanh-bên-sông-Hồng",
            "new_password2": "Tre-xanh-bên-sông-Hồng",
        },
    )
    assert response.status_code == 302
    assert here.get(reverse("targets:dashboard", args=["cau-thia", 2023])).status_code == 200
    gone = there.get(reverse("targets:dashboard", args=["cau-thia", 2023]))
    assert gone.status_code == 302 and gone.url.startswith(reverse("login"))


def test_a_short_password_is_refused_in_vietnamese(accounts):
    client = Client()
    sign_in(client)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Ab1!xyz", "new_password2": "Ab1!xyz"},
    )
    assert response.status_code == 200
    assert "quá ngắn" in text_of(response) and "10" in text_of(response)


def test_pages_carry_the_security_headers(bob_client):
    response = bob_client.get(reverse("login"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_error_pages_speak_vietnamese_and_show_no_traceback(bob_client, demo, monkeypatch):
    missing = bob_client.get("/cau-thia/1999/")
    assert missing.status_code == 404 and "Không tìm thấy trang" in text_of(missing)

    def broken(year):
        raise RuntimeError("secret detail")

    monkeypatch.setattr("targets.views.YearReport.for_year", broken)
    bob_client.raise_request_exception = False
    failed = bob_client.get(reverse("targets:dashboard", args=["cau-thia", 2023]))
    assert failed.status_code == 500
    assert "Lỗi máy chủ" in text_of(failed)
    assert "Traceback" not in failed.content.decode() and "secret detail" not in text_of(failed)


def test_the_deploy_check_is_clean_but_for_the_justified_preload_warning(tmp_path):
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        env=environment
        | {
            "DEBUG": "0",
            "SECRET_KEY": "x" * 60 + "-Deploy-Check-9f3k",
            "ALLOWED_HOSTS": "ward.example",
            "EVIDENCE_ROOT": str(tmp_path),
        },
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    warnings = [line for line in result.stderr.splitlines() if line.startswith("?: (")]
    assert [line.split(")")[0] for line in warnings] == ["?: (security.W021"], result.stderr


def test_every_foreign_key_that_could_take_records_with_it_is_protect():
    for app in ("targets", "cells"):
        for model in apps.get_app_config(app).get_models():
            for field in model._meta.get_fields():
                if isinstance(field, models.ForeignKey | models.OneToOneField):
                    assert field.remote_field.on_delete is models.PROTECT, (model, field.name)


@pytest.mark.parametrize(
    "model",
    ["targets.year", "targets.target", "targets.figure", "targets.figurechange", "cells.cell"],
)
def test_the_interface_cannot_delete_years_targets_figures_history_or_cells(
    alice_client, demo, model
):
    app, name = model.split(".")
    obj = apps.get_model(app, name).objects.first()
    url = reverse(f"admin:{app}_{name}_delete", args=[obj.pk])
    assert alice_client.post(url, {"post": "yes"}).status_code == 403
    assert apps.get_model(app, name).objects.filter(pk=obj.pk).exists()
