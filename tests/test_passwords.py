"""The password policy, tried with the passwords people here pick first and guessers try first:
the user's own name, "matkhau" (password) with a year, written with or without accents."""

import pytest
from django.urls import reverse
from django.utils import translation

from cauthia.passwords import CommonPasswordValidator, NameInPasswordValidator

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


def test_a_password_free_of_names_and_common_words_is_accepted(client, named_alice):
    client.force_login(named_alice)
    response = change_password(client, "Cau-Thia-moi-2024!")
    assert response.status_code == 302
    assert response.url == reverse("password_change_done")
    named_alice.refresh_from_db()
    assert named_alice.check_password("Cau-Thia-moi-2024!")


def test_the_page_states_the_rules_before_the_user_types(client, named_alice):
    client.force_login(named_alice)
    page = text_of(client.get(reverse("password_change")))
    with translation.override("vi"):
        for rule in (NameInPasswordValidator(), CommonPasswordValidator()):
            assert rule.get_help_text() in page
