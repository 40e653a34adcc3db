"""generate_ward grows the demo ward tenfold, once, without touching the demo's figures, and
grows one committee only."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.urls import reverse

from cells.models import Cell, CellYear, Task
from targets.models import Figure, FigureChange, Target, Year

from .helpers import CAU_THIA

# The way from each counted model's rows to their committee.
TO_COMMITTEE = {
    Year: "committee",
    Target: "committee",
    Cell: "committee",
    Figure: "year__committee",
    FigureChange: "figure__year__committee",
    CellYear: "year__committee",
    Task: "year__committee",
}


def sizes(committee=CAU_THIA):
    """How many rows of each model the committee keyed ``committee`` has."""
    return {
        model.__name__: model.objects.filter(**{f"{path}__slug": committee}).count()
        for model, path in TO_COMMITTEE.items()
    }


def generate(scale, **options):
    out = StringIO()
    call_command("generate_ward", scale=scale, stdout=out, **options)
    return out.getvalue()


def test_scale_ten_gives_ten_times_the_demo_once_and_leaves_the_article_alone(demo, alice_client):
    health_insurance = Figure.objects.get(
        target__committee__slug=CAU_THIA, target__slug="bao-hiem-y-te", year__year=2023
    )

    printed = generate(10)

    assert "created 18 years, 360 targets, 90 cells, 7920 figures" in printed
    grown = sizes()
    assert grown == {
        "Year": 20,
        "Target": 400,
        "Cell": 100,
        "Figure": 8000,
        "FigureChange": 8000,
        "CellYear": 100 * 20,
        # 30 per cell of the demo in each of the latest two years, the demo's own 30 included
        "Task": 300 + 300,
    }
    assert Task.objects.filter(year__committee__slug=CAU_THIA, year__year=2023).count() == 300
    assert Task.objects.filter(year__committee__slug=CAU_THIA, year__year=2024).count() == 300
    # One history row per figure, written as Figure.save writes the first one.
    assert not Figure.objects.annotate(n=Count("changes")).exclude(n=1).exists()
    change = FigureChange.objects.select_related("figure").filter(version=1).last()
    assert (change.new_plan, change.new_actual) == (change.figure.plan, change.figure.actual)
    assert change.changed_at == change.figure.updated_at

    unchanged = Figure.objects.get(pk=health_insurance.pk)
    assert (unchanged.plan, unchanged.actual) == (Decimal("96"), Decimal("95.77"))
    assert (unchanged.version, unchanged.note) == (health_insurance.version, health_insurance.note)

    assert "created 0 years, 0 targets, 0 cells, 0 figures, 0 cell years, 0 tasks" in generate(10)
    assert sizes() == grown

    response = alice_client.get(reverse("targets:dashboard", args=["cau-thia", 2010]))
    assert response.status_code == 200
    assert "Chỉ tiêu minh họa số 400" in response.content.decode()


def test_generated_ratings_stay_within_the_members_and_rates_within_a_hundred(demo):
    generate(2)

    for cell_year in CellYear.objects.filter(illustrative=True, cell__number__gt=10):
        assert 15 <= cell_year.members <= 30
        assert cell_year.members_rated <= cell_year.members
    rates = Figure.objects.filter(target__kind="rate", target__slug__startswith="generated-")
    assert rates.exists()
    assert all(f.plan <= 100 and (f.actual is None or f.actual <= 100) for f in rates)


def test_a_closed_year_is_left_as_it_is(demo, alice):
    years = Year.objects.filter(committee__slug=CAU_THIA)
    years.get(year=2023).close(by=alice)
    closed = {model: model.objects.filter(year__year=2023).count() for model in (Figure, Task)}

    assert "Closed years left as they are: 2023." in generate(2)

    assert {model: model.objects.filter(year__year=2023).count() for model in closed} == closed
    assert Figure.objects.filter(year__in=years, year__year=2024).count() == 80


def start_commune():
    """A commune of 2024 with the demo's 40 targets and no cells."""
    call_command(
        "start_committee",
        name="Đảng bộ xã Minh Họa",
        slug="xa-minh-hoa",
        superior="lao-cai",
        template=CAU_THIA,
        year=2024,
        office_user="xa-minh-hoa-vp",
        stdout=StringIO(),
    )


def test_it_grows_the_committee_named_and_no_other(demo):
    start_commune()
    demo_before = sizes()

    printed = generate(2, committee="xa-minh-hoa")

    # 2N = 4 years back from 2024 under its names, targets 41–80 and cells 11–20 beside what
    # it has: every target of every year with a figure, 60 tasks in each of its latest years.
    assert "created 3 years, 40 targets, 10 cells, 280 figures, 40 cell years, 120 tasks" in printed
    assert sizes("xa-minh-hoa") == {
        "Year": 4,
        "Target": 80,
        "Cell": 10,
        "Figure": 320,
        "FigureChange": 320,
        "CellYear": 40,
        "Task": 120,
    }
    assert sizes() == demo_before


def test_a_committee_it_cannot_grow_is_named_in_the_refusal(demo):
    with pytest.raises(CommandError, match="No committee has the key 'nowhere'"):
        generate(2, committee="nowhere")
    with pytest.raises(CommandError, match="Lào Cai has no year"):
        generate(2, committee="lao-cai")


def test_a_committee_with_no_cells_gets_no_tasks(demo):
    start_commune()

    printed = generate(1, committee="xa-minh-hoa")

    assert "created 1 years, 0 targets, 0 cells, 40 figures, 0 cell years, 0 tasks" in printed
