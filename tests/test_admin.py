from decimal import Decimal

import pytest
from django.urls import reverse

from targets.models import Figure

from .factories import make_figure


@pytest.fixture
def admin_client_alice(client, alice):
    client.force_login(alice)
    return client


def change_form(figure, **values):
    data = {
        "target": figure.target_id,
        "year": figure.year_id,
        "plan": "2",
        "actual": "3",
        "note": "",
        "version": figure.version,
        "changes-TOTAL_FORMS": "0",
        "changes-INITIAL_FORMS": "0",
    }
    return data | values


def test_an_admin_edit_goes_through_the_history(admin_client_alice, alice):
    figure = make_figure()
    url = reverse("admin:targets_figure_change", args=[figure.pk])
    response = admin_client_alice.post(url, change_form(figure, actual="4"))
    assert response.status_code == 302
    change = figure.changes.order_by("-version").first()
    assert (change.changed_by, change.old_actual, change.new_actual) == (alice, 3, 4)


def test_an_admin_edit_from_a_stale_page_is_refused(admin_client_alice, alice):
    figure = make_figure()
    opened = change_form(figure, actual="7")
    figure.actual = Decimal(5)
    figure.save(changed_by=alice)
    response = admin_client_alice.post(
        reverse("admin:targets_figure_change", args=[figure.pk]), opened
    )
    assert response.status_code == 200
    assert Figure.objects.get(pk=figure.pk).actual == Decimal(5)


@pytest.mark.parametrize(
    "model",
    [
        "targets.area",
        "targets.target",
        "targets.year",
        "targets.figure",
        "targets.figurechange",
        "targets.import",
        "cells.cell",
        "cells.cellsecretary",
        "cells.cellyear",
        "cells.task",
    ],
)
def test_every_admin_list_renders_with_the_demo(admin_client_alice, demo, model):
    app, name = model.split(".")
    response = admin_client_alice.get(reverse(f"admin:{app}_{name}_changelist"))
    assert response.status_code == 200


def test_figures_cannot_be_deleted_in_the_admin(admin_client_alice, demo):
    figure = Figure.objects.first()
    response = admin_client_alice.get(reverse("admin:targets_figure_delete", args=[figure.pk]))
    assert response.status_code == 403


def test_the_admin_is_titled_with_the_committees_name_and_speaks_to_a_comrade(
    admin_client_alice, demo
):
    """ "Quản trị – Đảng ủy phường Cầu Thia" from the year's data, not "Trang quản trị cho
    Django"; its messages, the JavaScript ones too, address "đồng chí", never "bạn"."""
    admin_client_alice.cookies["django_language"] = "vi"
    page = admin_client_alice.get(reverse("admin:index")).content.decode()
    assert "<title>Dữ liệu của Đảng ủy | Quản trị – Đảng ủy phường Cầu Thia</title>" in page
    assert "Django" not in page.split("<body")[1]
    add = admin_client_alice.get(reverse("admin:targets_target_add")).content.decode()
    assert "Quản trị – Đảng ủy phường Cầu Thia" in add
    script = admin_client_alice.get(reverse("admin:jsi18n")).content.decode()
    assert "\\u0110\\u1ed3ng ch\\u00ed" in script or "Đồng chí" in script
    assert "bạn" not in script.lower() and "b\\u1ea1n" not in script.lower()


def test_an_empty_choice_says_what_to_choose(admin_client_alice, demo):
    page = admin_client_alice.get(reverse("admin:cells_task_add"), HTTP_ACCEPT_LANGUAGE="vi")
    html = page.content.decode()
    assert "---------" not in html
    assert "— Chọn chi bộ —" in html
