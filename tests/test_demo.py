from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command

from cells.models import Cell
from committees.models import Committee
from targets.models import Area, Figure, FigureChange, Target, Year
from targets.progress import Assessment
from targets.report import Row

from .helpers import CAU_THIA

ARTICLE = [
    # slug, plan, actual, percent shown, assessment
    ("thanh-lap-to-hop-tac", "2", "3", "150,00%", Assessment.EXCEEDED),
    ("giam-ho-ngheo", "10", "13", "130,00%", Assessment.EXCEEDED),
    ("giam-ho-can-ngheo", "12", "25", "208,33%", Assessment.EXCEEDED),
    ("bao-hiem-y-te", "96", "95.77", "99,76%", Assessment.NOT_MET),
    ("chi-bo-hoan-thanh-tot-nhiem-vu", "10", "10", "100,00%", Assessment.MET),
]


def table_sizes():
    return {m.__name__: m.objects.count() for m in (Area, Target, Year, Figure, FigureChange, Cell)}


def figures_of_the_demo():
    return Figure.objects.filter(year__committee__slug=CAU_THIA)


def test_the_demo_ward_has_forty_targets_in_four_areas_ten_cells_and_two_years(demo):
    ward = Committee.objects.get(slug=CAU_THIA)
    assert ward.targets.count() == 40
    assert list(ward.areas.values_list("position", flat=True)) == [1, 2, 3, 4]
    assert ward.cells.count() == 10
    assert sorted(ward.years.values_list("year", flat=True)) == [2023, 2024]
    assert figures_of_the_demo().filter(year__year=2023).count() == 40


@pytest.mark.parametrize(("slug", "plan", "actual", "shown", "assessment"), ARTICLE)
def test_the_articles_figures_compute_exactly_through_the_model(
    demo, slug, plan, actual, shown, assessment
):
    figure = figures_of_the_demo().get(target__slug=slug, year__year=2023)
    assert (figure.plan, figure.actual) == (Decimal(plan), Decimal(actual))
    assert Row(figure).percent_text == shown
    assert Row(figure).assessment == assessment
    assert not figure.illustrative


def test_party_members_at_86_percent_have_no_plan(demo):
    figure = figures_of_the_demo().get(
        target__slug="dang-vien-hoan-thanh-tot-nhiem-vu", year__year=2023
    )
    assert (figure.plan, figure.actual) == (None, Decimal(86))
    assert Row(figure).assessment == Assessment.NO_PLAN


def test_every_figure_not_from_the_article_is_marked_illustrative(demo):
    illustrative = figures_of_the_demo().filter(illustrative=True)
    assert illustrative.count() == 80 - 6
    # Marked by the figure's own field, which every page and printed note shows.
    assert all(Row(figure).note.startswith("Số liệu minh họa.") for figure in illustrative)


def test_2023_counts_nineteen_exceeded_and_bhyt_not_met_as_computed(demo):
    """The article's "20 targets exceeded" included BHYT at 95,77/96 = 99,76%: the demo counts
    19 plus BHYT not met, with a working comment saying what the article counted, and invents
    no twentieth."""
    figures = list(Figure.objects.for_year(Year.objects.get(committee__slug=CAU_THIA, year=2023)))
    counts = Counter(Row(figure).assessment for figure in figures)
    assert counts[Assessment.EXCEEDED] == 19
    assert sum(counts.values()) == 40
    bhyt = next(figure for figure in figures if figure.target.slug == "bao-hiem-y-te")
    assert Row(bhyt).assessment == Assessment.NOT_MET
    assert "20 chỉ tiêu vượt" in bhyt.comment
    assert "báo" not in bhyt.note.lower()


def test_no_printed_note_cites_the_press_or_the_software(demo):
    """Where a figure came from is a working comment, which no document prints."""
    for figure in Figure.objects.all():
        printed = f"{figure.note} {figure.reason}".lower()
        assert "báo yên bái" not in printed and "ứng dụng hiển thị" not in printed, figure
    assert Figure.objects.filter(comment__icontains="báo Yên Bái").count() >= 6


def test_loading_twice_changes_nothing(demo):
    before = table_sizes()
    versions = dict(Figure.objects.values_list("pk", "version"))
    call_command("load_demo", verbosity=0)
    assert table_sizes() == before
    assert dict(Figure.objects.values_list("pk", "version")) == versions


def test_loading_keeps_a_users_edit_and_reset_puts_the_demo_value_back(demo, alice):
    figure = figures_of_the_demo().get(target__slug="bao-hiem-y-te", year__year=2023)
    figure.actual = Decimal("96.5")
    figure.save(changed_by=alice)
    call_command("load_demo", verbosity=0)
    assert Figure.objects.get(pk=figure.pk).actual == Decimal("96.5")
    call_command("load_demo", "--reset", verbosity=0)
    assert Figure.objects.get(pk=figure.pk).actual == Decimal("95.77")
    assert figure.changes.count() == 3
