"""Each page costs a fixed number of queries, whatever the size of the ward's data."""

from decimal import Decimal

import pytest
from django.urls import reverse

from targets.models import Area, Figure, FigureChange, Target, Year


def grow(factor):
    """Multiply the demo's targets and years by ``factor``, with a history row per figure."""
    areas = list(Area.objects.all())
    count = Target.objects.count()
    Target.objects.bulk_create(
        Target(
            area=areas[n % len(areas)],
            position=n,
            slug=f"extra-{n}",
            name=f"Extra target {n}",
            unit="hộ",
            kind="count",
        )
        for n in range(count + 1, count * factor + 1)
    )
    first_year = Year.objects.order_by("year").first()
    Year.objects.bulk_create(
        Year(
            year=first_year.year - n,
            committee_name="Đảng bộ phường Cầu Thia",
            superior_body="Thị ủy Nghĩa Lộ",
            place_name="Cầu Thia",
        )
        for n in range(1, Year.objects.count() * (factor - 1) + 1)
    )
    existing = set(Figure.objects.values_list("target_id", "year_id"))
    Figure.objects.bulk_create(
        Figure(
            target=target, year=year, plan=Decimal(10), actual=Decimal(n % 13), illustrative=True
        )
        for n, (target, year) in enumerate(
            (t, y) for t in Target.objects.all() for y in Year.objects.all()
        )
        if (target.pk, year.pk) not in existing
    )
    FigureChange.objects.bulk_create(
        FigureChange(
            figure=f, changed_at=f.updated_at, version=1, new_plan=f.plan, new_actual=f.actual
        )
        for f in Figure.objects.filter(changes__isnull=True)
    )


PAGES = {
    # name: (url, queries, why)
    "dashboard": (
        reverse("targets:dashboard", args=[2023]),
        # 1 the session, 2 the signed-in user, 3 the year, 4 its figures with target, area and
        # last editor, 5 the areas, 6-7 the user's and their groups' permissions (may they
        # edit?), 8 their cell, if they are a cell secretary (menu), 9 the years for the switcher
        9,
    ),
    "target": (
        reverse("targets:target", args=[2023, "bao-hiem-y-te"]),
        # 1 the session, 2 the signed-in user, 3 the figure with target, area, year and editor,
        # 4 the target's figures of all years, 5-6 the user's and their groups' permissions,
        # 7 their cell, if they are a cell secretary (menu), 8 the figure's history with authors
        8,
    ),
}


@pytest.mark.parametrize("page", PAGES)
def test_a_page_costs_the_same_queries_with_ten_times_the_targets_and_years(
    bob_client, demo, django_assert_num_queries, page
):
    url, queries = PAGES[page]
    bob_client.get(url)  # the first page after sign-in also moves the session's expiry
    with django_assert_num_queries(queries):
        assert bob_client.get(url).status_code == 200
    grow(10)
    assert Target.objects.count() == 400 and Year.objects.count() == 20
    with django_assert_num_queries(queries):
        assert bob_client.get(url).status_code == 200


def test_the_edit_form_costs_the_same_queries_with_ten_times_the_data(
    alice_client, demo, django_assert_num_queries
):
    url = reverse("targets:edit", args=[2023, "bao-hiem-y-te"])
    # 1 the session, 2 the signed-in user, 3-4 the user's and their groups' permissions,
    # 5 the figure with target, area, year and editor
    alice_client.get(url)  # the first page after sign-in also moves the session's expiry
    with django_assert_num_queries(5):
        assert alice_client.get(url).status_code == 200
    grow(10)
    with django_assert_num_queries(5):
        assert alice_client.get(url).status_code == 200
