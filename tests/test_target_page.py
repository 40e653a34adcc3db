from decimal import Decimal

from django.urls import reverse

from targets.models import Figure

from .helpers import CAU_THIA, rows_of, text_of


def test_the_target_page_shows_the_year_all_years_a_chart_and_the_note(alice_client, demo):
    response = alice_client.get(
        reverse("targets:target", args=[CAU_THIA, 2023, "giam-ho-can-ngheo"])
    )
    assert response.status_code == 200
    text = text_of(response)
    assert "Giảm hộ cận nghèo" in text and "208,33%" in text
    assert "Theo báo Yên Bái" in text  # the note
    html = response.content.decode()
    assert "<svg" in html and html.count('<rect class="actual"') == 1  # 2024 has no actual yet
    years = [row for row in rows_of(response) if row.startswith(("2023", "2024"))]
    # Plan, six months, nine months, estimate, full year, percent: 2023 has its final figures.
    assert years[0].startswith("2023 | 12 | – | – | – | 25 | 208,33%")
    assert years[1].startswith("2024 |") and years[1].endswith("Chưa có số liệu")


def test_the_history_lists_every_change_with_who_when_old_and_new(bob_client, alice, demo):
    figure = Figure.objects.get(
        target__slug="giam-ho-can-ngheo", year__committee__slug=CAU_THIA, year__year=2023
    )
    figure.actual = Decimal(26)
    figure.save(changed_by=alice)
    figure.plan = Decimal("12.5")
    figure.save(changed_by=alice)
    response = bob_client.get(reverse("targets:target", args=[CAU_THIA, 2023, "giam-ho-can-ngheo"]))
    history = [row for row in rows_of(response) if "alice" in row or "hệ thống" in row]
    assert len(history) == 3
    # Plan, six months, nine months, estimate, full year.
    assert "| alice | 12 → 12,5 | – | – | – | 26 |" in history[0]
    assert "| alice | 12 | – | – | – | 25 → 26 |" in history[1]
    assert "| hệ thống (nạp dữ liệu) | – → 12 | – | – | – | – → 25 |" in history[2]


def test_the_bhyt_note_records_what_the_source_said(alice_client, demo):
    text = text_of(
        alice_client.get(reverse("targets:target", args=[CAU_THIA, 2023, "bao-hiem-y-te"]))
    )
    assert "101%" in text and "99,76%" in text and "Chưa đạt" in text


def test_an_unknown_target_is_not_found(bob_client, demo):
    assert (
        bob_client.get(reverse("targets:target", args=[CAU_THIA, 2023, "no-such"])).status_code
        == 404
    )
