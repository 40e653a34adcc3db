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
