"""What a form shows is what it reads back: the law for every value an input can hold, and every
form of the demo ward posted back untouched changes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from cells.forms import CellYearForm, TaskForm
from cells.models import LEVEL_FIELDS, MAX_MEMBERS, CellYear, Task
from committees.models import Committee
from targets.forms import FigureForm
from targets.models import Figure, FigureChange, Target, Year
from targets.progress import Kind

from .helpers import CAU_THIA, fields_of, form_data, task_url, text_of

# Every amount a figure can hold: 0 to below 10^12, whole or with one or two decimals.
amounts = st.one_of(
    st.integers(0, 10**12 - 1).map(Decimal),
    st.integers(0, 10**14 - 1).map(lambda cents: Decimal(cents).scaleb(-2)),
    st.integers(0, 10**13 - 1).map(lambda tenths: Decimal(tenths).scaleb(-1)),
    st.sampled_from([Decimal(0), Decimal(1000), Decimal("1000.5"), Decimal("999999999999.99")]),
)
kinds = st.sampled_from([Kind.COUNT, Kind.MONEY, Kind.RATE, Kind.REDUCTION])


def figure_of(kind, plan=None, actual=None):
    target = Target(kind=kind, name="Chỉ tiêu", unit="hộ", direction="higher")
    return Figure(target=target, plan=plan, actual=actual, note="", version=3)


@given(kind=kinds, plan=amounts, actual=amounts)
def test_a_figure_form_reads_back_every_amount_it_shows(kind, plan, actual):
    with translation.override("vi"):
        form = FigureForm(figure=figure_of(kind, plan, actual))
        posted = FigureForm(fields_of(str(form)), figure=form.figure)
        assert posted.is_valid(), posted.errors
        assert (posted.cleaned_data["plan"], posted.cleaned_data["actual"]) == (plan, actual)
        assert posted.values_changed == []
        # A stored value is not questioned again: only what the user changes is.
        assert posted.plausibility_warnings == []


@given(kind=kinds, plan=amounts, actual=amounts, spaces=st.sampled_from([" ", "\t", "\r\n"]))
def test_a_figure_form_never_reads_two_values_it_shows_pasted_into_one_field(
    kind, plan, actual, spaces
):
    with translation.override("vi"):
        form = FigureForm(figure=figure_of(kind, plan, actual))
        shown = fields_of(str(form))
        posted = FigureForm(
            shown | {"actual": shown["plan"] + spaces + shown["actual"]}, figure=form.figure
        )
        assert not posted.is_valid()
        assert "dán vào cùng một ô" in posted.errors["actual"][0]


@given(plan=st.sampled_from([None, Decimal(0), Decimal(1)]), actual=st.sampled_from([None, 0, 1]))
def test_a_milestone_form_reads_back_yes_no_and_unknown(plan, actual):
    actual = None if actual is None else Decimal(actual)
    form = FigureForm(figure=figure_of(Kind.MILESTONE, plan, actual))
    posted = FigureForm(fields_of(str(form)), figure=form.figure)
    assert posted.is_valid(), posted.errors
    assert (posted.cleaned_data["plan"], posted.cleaned_data["actual"]) == (plan, actual)
    assert posted.values_changed == []


@given(st.lists(st.integers(0, MAX_MEMBERS // 5), min_size=4, max_size=4), st.integers(0, 2000))
def test_the_rating_form_reads_back_every_count_it_shows(rated, spare):
    values = dict(zip(LEVEL_FIELDS.values(), rated, strict=True)) | {"members": sum(rated) + spare}
    with translation.override("vi"):
        form = CellYearForm(instance=CellYear(**values))
        shown = fields_of(str(form))
        assert {name: form.fields[name].clean(shown[name]) for name in values} == values


def task_of_a_year(**fields):
    """A task as the task pages give it to their form, of a year of a committee; in memory, as
    the form asks the committee for its targets only when it lists them."""
    return Task(year=Year(committee=Committee(pk=1, slug=CAU_THIA), year=2024), **fields)


@given(st.dates(datetime.date(2000, 1, 1), datetime.date(2100, 12, 31)))
def test_the_task_form_reads_back_every_due_date_it_shows(due):
    with translation.override("vi"):
        form = TaskForm(instance=task_of_a_year(due_date=due))
        shown = fields_of(str(form["due_date"]))["due_date"]
        assert TaskForm(instance=task_of_a_year()).fields["due_date"].clean(shown) == due


# --- Every form of the demo ward, posted back as the page renders it -----------------------------


def test_every_figure_form_of_the_demo_posted_back_untouched_changes_nothing(bithu):
    figures = list(
        Figure.objects.filter(year__committee__slug=CAU_THIA)
        .select_related("target", "year")
        .order_by("pk")
    )
    assert len(figures) == 80
    before = list(Figure.objects.order_by("pk").values()), FigureChange.objects.count()
    refused = []
    for figure in figures:
        url = reverse("targets:edit", args=[CAU_THIA, figure.year.year, figure.target.slug])
        response = bithu.post(url, form_data(bithu.get(url)), follow=True)
        if "Không có thay đổi" not in text_of(response):
            refused.append((figure.year.year, figure.target.slug, response.status_code))
    assert refused == []
    assert (list(Figure.objects.order_by("pk").values()), FigureChange.objects.count()) == before


def test_every_rating_form_of_the_demo_posted_back_untouched_changes_nothing(bithu):
    before = list(CellYear.objects.order_by("pk").values())
    for cell_year in CellYear.objects.filter(year__committee__slug=CAU_THIA).select_related(
        "cell", "year"
    ):
        url = reverse(
            "cells:rating_edit",
            kwargs={
                "committee": CAU_THIA,
                "year": cell_year.year.year,
                "number": cell_year.cell.number,
            },
        )
        assert bithu.post(url, form_data(bithu.get(url))).status_code == 302
    assert list(CellYear.objects.order_by("pk").values()) == before


def test_every_task_form_of_the_demo_posted_back_untouched_changes_nothing(bithu):
    fields = ["target", "description", "responsible", "due_date", "status", "note"]
    before = list(Task.objects.order_by("pk").values(*fields))
    assert before
    for task in Task.objects.filter(year__committee__slug=CAU_THIA):
        url = task_url(task)
        assert bithu.post(url, form_data(bithu.get(url))).status_code == 302
    assert list(Task.objects.order_by("pk").values(*fields)) == before


@pytest.mark.parametrize("text", ["Dòng một\nDòng hai", "Có khoảng trắng cuối  \n", "Một dòng"])
def test_a_note_with_line_breaks_survives_the_form_unchanged(bithu, text):
    figure = Figure.objects.get(
        target__slug="bao-hiem-y-te", year__committee__slug=CAU_THIA, year__year=2023
    )
    figure.note = text.strip()
    figure.save()
    url = reverse("targets:edit", args=[CAU_THIA, 2023, "bao-hiem-y-te"])
    response = bithu.post(url, form_data(bithu.get(url)), follow=True)
    assert "Không có thay đổi" in text_of(response)
    assert Figure.objects.get(pk=figure.pk).version == figure.version
