from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from committees.models import Account, Committee
from targets.models import Figure, FigureChange, Year

from .helpers import CAU_THIA, row_for, text_of

BHYT = "bao-hiem-y-te"


def edit_url(slug=BHYT, year=2023):
    return reverse("targets:edit", args=[CAU_THIA, year, slug])


def bhyt():
    return Figure.objects.get(target__slug=BHYT, year__committee__slug=CAU_THIA, year__year=2023)


def form_data(figure, **values):
    return {
        "plan": "96",
        "actual": "95,77",
        "note": figure.note,
        "version": figure.version,
    } | values


def test_editing_an_actual_to_95_77_stores_it_and_the_dashboard_shows_the_new_percent(
    alice_client, alice, demo
):
    figure = bhyt()
    figure.actual = Decimal(90)
    figure.save()
    response = alice_client.post(edit_url(), form_data(bhyt(), actual="95,77"))
    assert response.status_code == 302
    assert bhyt().actual == Decimal("95.77")

    dashboard = alice_client.get(reverse("targets:dashboard", args=[CAU_THIA, 2023]))
    assert "| 96 | 95,77 | 99,76% | ▼ Chưa đạt" in row_for(
        dashboard, "Tỷ lệ dân số tham gia bảo hiểm y tế"
    )
    history = text_of(alice_client.get(reverse("targets:target", args=[CAU_THIA, 2023, BHYT])))
    assert "alice" in history
    assert "90 → 95,77" in history


def test_the_form_shows_stored_numbers_the_vietnamese_way(alice_client, demo):
    html = alice_client.get(edit_url()).content.decode()
    assert 'value="95,77"' in html
    assert f'name="version" value="{bhyt().version}"' in html


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("95.77", "hãy viết phần thập phân sau dấu phẩy: 95,77"),
        ("-3", "không được âm"),
        ("NaN", "không phải là số"),
        ("1e5", "không phải là số"),
        ("95,777", "Tối đa 2 chữ số sau dấu phẩy"),
        ("10000000000000", "Số quá lớn"),
    ],
)
def test_a_number_the_form_cannot_trust_is_refused_in_vietnamese_and_kept(
    alice_client, demo, typed, message
):
    before = bhyt()
    response = alice_client.post(edit_url(), form_data(before, actual=typed))
    assert response.status_code == 400
    assert message in text_of(response)
    assert f'value="{typed}"' in response.content.decode()
    after = bhyt()
    assert (after.actual, after.version) == (before.actual, before.version)


def test_two_saves_from_the_same_opened_form_one_wins_and_the_other_keeps_its_input(
    alice_client, alice, client, demo, django_user_model
):
    carol = django_user_model.objects.create_user("carol", password="pw-carol-123")
    carol.user_permissions.add(Permission.objects.get(codename="change_figure"))
    Account.objects.create(user=carol, committee=Committee.objects.get(slug=CAU_THIA))
    opened = bhyt()

    won = alice_client.post(edit_url(), form_data(opened, actual="96,10"))
    client.force_login(carol)
    lost = client.post(edit_url(), form_data(opened, actual="95,90", note="Số của BHXH thị xã"))

    assert won.status_code == 302
    assert lost.status_code == 409
    page = text_of(lost)
    assert "alice" in page and "96,1" in page  # who changed it, and the value now stored
    html = lost.content.decode()
    assert 'value="95,90"' in html and "Số của BHXH thị xã" in html  # nothing typed is lost
    assert bhyt().actual == Decimal("96.10")

    # Having seen the other value, carol may deliberately save hers.
    again = client.post(edit_url(), form_data(opened, actual="95,90", version=bhyt().version))
    assert again.status_code == 302
    assert bhyt().actual == Decimal("95.90")
    assert bhyt().changes.count() == 3  # loaded, alice, carol


def test_a_closed_year_refuses_edits_and_changes_nothing(alice_client, demo):
    Year.objects.filter(committee__slug=CAU_THIA, year=2023).update(is_closed=True)
    before = bhyt()
    response = alice_client.post(edit_url(), form_data(before, actual="50"), follow=True)
    assert "đã chốt số liệu" in text_of(response)
    assert bhyt().actual == before.actual
    assert FigureChange.objects.filter(figure=before).count() == 1


def test_editing_needs_sign_in(client, demo):
    response = client.get(edit_url())
    assert response.status_code == 302
    assert "login" in response.url


def test_editing_needs_the_permission_to_change_figures(client, bob, demo):
    client.force_login(bob)
    before = bhyt()
    assert client.get(edit_url()).status_code == 403
    assert client.post(edit_url(), form_data(before, actual="1")).status_code == 403
    assert bhyt().actual == before.actual


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_the_edit_page_takes_only_get_and_post(alice_client, demo, method):
    assert getattr(alice_client, method)(edit_url()).status_code == 405


def test_milestones_are_edited_as_yes_or_no(alice_client, demo):
    figure = Figure.objects.filter(
        target__kind="milestone", year__committee__slug=CAU_THIA, year__year=2023
    ).first()
    slug = figure.target.slug
    html = alice_client.get(edit_url(slug)).content.decode()
    assert '<select name="actual"' in html
    response = alice_client.post(
        edit_url(slug), {"plan": "1", "actual": "0", "note": "", "version": figure.version}
    )
    assert response.status_code == 302
    assert Figure.objects.get(pk=figure.pk).actual == 0


def test_the_dashboard_offers_edit_links_only_to_those_who_may_edit(alice_client, bob, demo):
    url = reverse("targets:dashboard", args=[CAU_THIA, 2023])
    assert edit_url() in alice_client.get(url).content.decode()
    alice_client.force_login(bob)
    assert edit_url() not in alice_client.get(url).content.decode()


@pytest.mark.parametrize("value", ["", "2", "abc", "1.0", "-1", "1" * 50])
@pytest.mark.parametrize("field", ["plan", "actual"])
def test_a_milestone_form_shown_again_with_any_value_renders(alice_client, demo, field, value):
    figure = Figure.objects.filter(
        target__kind="milestone", year__committee__slug=CAU_THIA, year__year=2024
    ).first()
    data = {"plan": "1", "actual": "", "note": "", "version": figure.version} | {field: value}
    response = alice_client.post(edit_url(figure.target.slug, 2024), data)
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert "lựa chọn hợp lệ" in text_of(response)


def test_a_conflict_with_a_figure_last_saved_by_a_command_renders(alice_client, demo):
    opened = bhyt()
    figure = bhyt()
    figure.actual = Decimal("95.5")
    figure.save()  # as a management command saves: no author
    response = alice_client.post(edit_url(), form_data(opened, actual="96"))
    assert response.status_code == 409
    page = text_of(response)
    assert "95,5" in page and "Chưa lưu" in page
