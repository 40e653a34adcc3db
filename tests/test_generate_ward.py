"""generate_ward grows the demo ward tenfold, once, without touching the demo's figures."""

from decimal import Decimal
from io import StringIO

from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse

from cells.models import Cell, CellYear, Task
from targets.models import Figure, FigureChange, Target, Year


def sizes():
    models = (Year, Target, Cell, Figure, FigureChange, CellYear, Task)
    return {model.__name__: model.objects.count() for model in models}


def generate(scale):
    out = StringIO()
    call_command("generate_ward", scale=scale, stdout=out)
    return out.getvalue()


def test_scale_ten_gives_ten_times_the_demo_once_and_leaves_the_article_alone(demo, alice_client):
    health_insurance = Figure.objects.get(target__slug="bao-hiem-y-te", year__year=2023)

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
    assert Task.objects.filter(year__year=2023).count() == 300
    assert Task.objects.filter(year__year=2024).count() == 300
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
    Year.objects.get(year=2023).close(by=alice)
    closed = {model: model.objects.filter(year__year=2023).count() for model in (Figure, Task)}

    assert "Closed years left as they are: 2023." in generate(2)

    assert {model: model.objects.filter(year__year=2023).count() for model in closed} == closed
    assert Figure.objects.filter(year__year=2024).count() == 80
