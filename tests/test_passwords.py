"""The password policy, tried with the passwords people here pick first and guessers try first:
the user's own name, "matkhau" (password) with a year, written with or without accents, with
digits for letters ("p@ssw0rd"), or the Party's, the ward's and people's names run together; and
the password page, where wrong current passwords count towards the sign-in lockout."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from core.passwords import CommonPasswordValidator, NameInPasswordValidator

from .helpers import text_of

OLD_PASSWORD = "pw-alice-123"


@pytest.fixture
def named_alice(alice):
    # Vietnamese names read family name first, so the whole name sits in first_name.
    alice.first_name = "Đặng Xuân Vượng"
    alice.save()
    return alice


def change_password(client, new_password):
    return client.post(
        reverse("password_change"),
        {
            "old_password": OLD_PASSWORD,
            "new_password1": new_password,
            "new_password2": new_password,
        },
    )


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("alicealice", "password_contains_name"),
        ("Alice-cau-thia-2024", "password_contains_name"),
        ("DangXuanVuong1975", "password_contains_name"),
        ("Đặng Xuân Vượng 1975", "password_contains_name"),
        ("Vuong@cau-thia-99", "password_contains_name"),
        ("matkhau123", "password_too_common"),
        ("Matkhau@2024", "password_too_common"),
        ("matkhau123!", "password_too_common"),
        ("Mật khẩu 2024", "password_too_common"),
        ("anhyeuem2024", "password_too_common"),
        ("DangCongSan-1930", "password_too_common"),
    ],
)
def test_a_name_or_a_common_vietnamese_password_is_refused_and_nothing_changes(
    client, named_alice, password, reason
):
    client.force_login(named_alice)
    response = change_password(client, password)
    assert response.status_code == 200
    form = response.context["form"]
    assert reason in [error.code for error in form.errors.as_data()["new_password2"]]
    assert all(message in text_of(response) for message in form.errors["new_password2"])
    named_alice.refresh_from_db()
    assert named_alice.check_password(OLD_PASSWORD)


def test_the_refusal_names_the_part_of_the_name_found(client, named_alice):
    client.force_login(named_alice)
    response = change_password(client, "Vuong@cau-thia-99")
    assert any("“Vượng”" in message for message in response.context["form"].errors["new_password2"])


STRONG = ["mưa rơi trên phố cổ 27", "Tre-xanh-bên-sông-Hồng"]


@pytest.mark.parametrize("password", STRONG)
def test_a_password_free_of_names_and_common_words_is_accepted(client, named_alice, password):
    client.force_login(named_alice)
    response = change_password(client, password)
    assert response.status_code == 302
    assert response.url == reverse("password_change_done")
    named_alice.refresh_from_db()
    assert named_alice.check_password(password)


def test_the_page_states_the_rules_before_the_user_types(client, named_alice):
    client.force_login(named_alice)
    page = text_of(client.get(reverse("password_change")))
    with translation.override("vi"):
        for rule in (NameInPasswordValidator(), CommonPasswordValidator()):
            assert rule.get_help_text() in page


# What an attacker's dictionary tried first, and what the policy answers, for whom.
GUESSED = [
    ("Aa123456789", "alice", "password_too_common"),
    ("P@ssw0rd123", "alice", "password_too_common"),
    ("p@ssw0rd2024", "alice", "password_too_common"),
    ("m@tkh@u2024", "alice", "password_too_common"),
    ("dangcongsanvietnam", "alice", "password_common_words"),
    ("dangbocauthia2024", "alice", "password_common_words"),
    ("nguyenvanan1990", "alice", "password_common_words"),
    ("b1thu@12345", "bithu", "password_contains_name"),
    ("ch1bo4xyzab", "chibo4", "password_contains_name"),
]


@pytest.fixture
def account(demo, alice, django_user_model):
    """The account named, with OLD_PASSWORD, signed in on a client of its own."""

    def sign_in(username):
        user = django_user_model.objects.get(username=username)
        user.set_password(OLD_PASSWORD)
        user.save()
        client = Client()
        client.force_login(user)
        return user, client

    return sign_in


def refusals(password, user):
    with pytest.raises(ValidationError) as refused:
        password_validation.validate_password(password, user)
    return [error.code for error in refused.value.error_list]


@pytest.mark.parametrize(("password", "username", "reason"), GUESSED)
def test_a_guessed_password_is_refused_on_the_password_page(account, password, username, reason):
    user, client = account(username)
    response = change_password(client, password)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert reason in [error.code for error in errors.as_data()["new_password2"]]
    assert all(message in text_of(response) for message in errors["new_password2"])
    user.refresh_from_db()
    assert user.check_password(OLD_PASSWORD)


@pytest.mark.parametrize(("password", "username", "reason"), GUESSED)
def test_the_rules_refuse_a_guessed_password(account, password, username, reason):
    user, _client = account(username)
    assert reason in refusals(password, user)


@pytest.mark.parametrize("username", ["alice", "bithu", "chibo4"])
@pytest.mark.parametrize("password", STRONG)
def test_the_rules_accept_a_passphrase_of_ones_own(account, password, username):
    user, _client = account(username)
    password_validation.validate_password(password, user)


def test_the_refusal_names_the_common_words_found(account):
    _user, client = account("alice")
    response = change_password(client, "dangbocauthia2024")
    assert "“dangbo”, “cauthia”" in text_of(response)
    assert "chủ yếu ghép từ những từ và tên quen thuộc" in text_of(response)


def test_the_wards_name_is_read_from_the_years(account):
    """ "Nghĩa Lộ" is in no list of the code: the years name it as the superior body's place."""
    user, _client = account("alice")
    assert "password_common_words" in refusals("Nghia-Lo-2024!", user)


def test_a_megabyte_password_is_refused_for_its_length(account):
    user, client = account("alice")
    password = "Tre-xanh-bên-sông-Hồng " * 20_000  # half a megabyte, in each of two fields
    response = change_password(client, password)
    assert response.status_code == 200
    assert "Mật khẩu quá dài: chỉ được có tối đa 128 ký tự." in text_of(response)
    user.refresh_from_db()
    assert user.check_password(OLD_PASSWORD)


# --- Wrong current passwords ------------------------------------------------------------------


def wrong_old_password(client, attempt, address="10.0.0.1"):
    return client.post(
        reverse("password_change"),
        {
            "old_password": f"doan-mo-{attempt}",
            "new_password1": STRONG[0],
            "new_password2": STRONG[0],
        },
        REMOTE_ADDR=address,
    )


def test_wrong_current_passwords_lock_the_password_page_and_the_sign_in(account):
    user, client = account("bithu")
    for attempt in range(1, 5):
        response = wrong_old_password(client, attempt)
        assert response.status_code == 200, attempt  # the form again, with its message
        assert "old_password" in response.context["form"].errors
    locked = wrong_old_password(client, 5)
    assert locked.status_code == 429
    page = text_of(locked)
    assert "Đồng chí đã nhập sai mật khẩu hiện tại quá nhiều lần" in page
    assert "Đăng nhập bị khóa" in page
    # The right current password is refused too while the lockout lasts, and so is the page...
    right = client.post(
        reverse("password_change"),
        {"old_password": OLD_PASSWORD, "new_password1": STRONG[1], "new_password2": STRONG[1]},
        REMOTE_ADDR="10.0.0.1",
    )
    assert right.status_code == 429
    assert client.get(reverse("password_change"), REMOTE_ADDR="10.0.0.1").status_code == 429
    user.refresh_from_db()
    assert user.check_password(OLD_PASSWORD)
    # ...and so is signing in to that account from that address, as after failed sign-ins.
    sign_in = Client().post(
        reverse("login"),
        {"username": "bithu", "password": OLD_PASSWORD},
        REMOTE_ADDR="10.0.0.1",
    )
    assert sign_in.status_code == 429


def test_the_lockout_keeps_no_password_typed(account):
    _user, client = account("bithu")
    wrong_old_password(client, 1)
    posted = AccessAttempt.objects.get(username="bithu").post_data
    assert "doan-mo-1" not in posted and STRONG[0] not in posted
    assert "old_password=********************" in posted


def test_a_right_current_password_after_wrong_ones_still_changes_it(account):
    user, client = account("chibo4")
    for attempt in range(4):
        wrong_old_password(client, attempt)
    response = change_password(client, STRONG[1])
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(STRONG[1])
