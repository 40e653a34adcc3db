import threading
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.urls import reverse

from committees.models import Account
from targets.models import Figure, FigureChange

from .factories import make_figure

TRIALS = 100


@pytest.mark.django_db(transaction=True)
def test_two_racing_saves_of_one_opened_form_exactly_one_wins_every_time(
    postgres, django_user_model
):
    """Two editors press save at the same instant, 100 times: never both, never neither."""
    figure = make_figure(plan="96", actual="90")
    change = Permission.objects.get(codename="change_figure")
    editors = []
    for name in ("dung", "em"):
        user = django_user_model.objects.create_user(name, password=f"pw-{name}-123")
        user.user_permissions.add(change)
        Account.objects.create(user=user, committee=figure.year.committee)
        editors.append(user)
    url = reverse("targets:edit", kwargs={**figure.year.address, "slug": figure.target.slug})

    def save(user, value, version, barrier, results):
        client = Client()
        client.force_login(user)
        data = {"plan": "96", "actual": value, "note": "", "version": version}
        try:
            barrier.wait()
            results[user.username] = (client.post(url, data).status_code, value)
        finally:
            connection.close()

    outcomes = []
    for trial in range(TRIALS):
        opened = Figure.objects.get(pk=figure.pk)
        barrier = threading.Barrier(2)
        results = {}
        threads = [
            threading.Thread(
                target=save,
                args=(editor, f"{91 + n},{trial:02d}", opened.version, barrier, results),
            )
            for n, editor in enumerate(editors)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        statuses = sorted(status for status, _ in results.values())
        winner = [value for status, value in results.values() if status == 302]
        stored = Figure.objects.get(pk=figure.pk)
        outcomes.append(
            statuses == [302, 409]
            and stored.actual == Decimal(winner[0].replace(",", "."))
            and stored.version == opened.version + 1
            and FigureChange.objects.filter(figure=figure).count() == trial + 2
        )
    assert outcomes.count(True) == TRIALS
