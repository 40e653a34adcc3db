"""Each of a cell's pages, and the office's pages of the cells' shares, costs a fixed number of
queries with ten and a hundred times the cells, their tasks and their shares: each test counts
at one size, the sizes grown once per test process (see wards.Wards)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from cells.models import SHARED_KINDS, Cell, Share, Task, TaskNote
from committees.models import Committee
from targets.models import Figure

from .helpers import CAU_THIA, signed_in
from .wards import Wards

TREES = "trong-cay-phan-tan"


def grow_cells(factor):
    """``factor`` times the cells (10 × factor in all), each with a share of twenty of 2024's
    shared figures, and cell 3 with 5 × factor more tasks, each with two progress notes."""
    committee = Committee.objects.get(slug=CAU_THIA)
    year = committee.years.get(year=2024)
    Cell.objects.bulk_create(
        Cell(committee=committee, number=n, name=f"Chi bộ khu dân cư số {n}", illustrative=True)
        for n in range(committee.cells.count() + 1, 10 * factor + 1)
    )
    figures = list(
        Figure.objects.filter(year=year, target__kind__in=SHARED_KINDS).order_by("pk")[:20]
    )
    taken = set(Share.objects.filter(year=year).values_list("cell_id", "figure_id"))
    Share.objects.bulk_create(
        Share(cell=cell, figure=figure, year=year, plan=Decimal(3), actual_half=Decimal(1))
        for cell in committee.cells.all()
        for figure in figures
        if (cell.pk, figure.pk) not in taken
    )
    three = committee.cells.get(number=3)
    tasks = Task.objects.bulk_create(
        Task(cell=three, year=year, target=figure.target, description=f"Việc {n}", responsible="x")
        for n, figure in enumerate((figures * (factor // 4 + 1))[: 5 * factor])
    )
    TaskNote.objects.bulk_create(
        TaskNote(task=task, year=year, text=f"Ghi chú {n}") for task in tasks for n in range(2)
    )


# Signed in: 1 the session, 2 the user; then, in the order the page asks them, the user's and
# their groups' permissions and the door, which asks which committee the address names and
# whether the user may read it (the committee and the user's account). A cell secretary's menu
# adds their cell link (their account's cell, and the cell).
CELL_PAGES = {
    # name: (who, url, queries)
    "the cell's page, for its secretary": (
        "chibo3",
        reverse("cells:cell", kwargs={"committee": CAU_THIA, "year": 2024, "number": 3}),
        # 1-2 signed in, 3-4 the door, 5-6 permissions, 7 the cell, 8 the year, 9 tasks with
        # targets, areas and latest notes, 10 those targets' figures, 11 the cell's shares with
        # their figures, 12 the cell's year with who decided, 13 its rating's steps with who took
        # them, 14-15 the menu, 16 the years, 17 the rating history
        17,
    ),
    "the cell's figures": (
        "chibo3",
        reverse("cells:shares", kwargs={"committee": CAU_THIA, "year": 2024, "number": 3})
        + "?stage=half",
        # 1-2 signed in, 3-4 the door, 5-6 permissions, 7 the cell, 8 the year, 9 its shares with
        # figure, target and year, 10-11 the menu
        11,
    ),
    "the cell's digest": (
        "chibo3",
        reverse("cells:digest", kwargs={"committee": CAU_THIA, "year": 2024, "number": 3}),
        # 1-2 signed in, 3-4 the door, 5-6 permissions, 7 the cell, 8 the year, 9 the cell's year,
        # 10 its steps, 11-12 the menu, 13 tasks with targets and latest notes, 14 shares with their
        # figures
        14,
    ),
    "a task's progress": (
        "chibo3",
        None,  # the first task of cell 3 in 2024
        # 1-2 signed in, 3-4 the door, 5-6 permissions, 7 the cell, 8 the task with its cell, year
        # and target, 9-10 the menu, 11 the task's notes with who wrote them
        11,
    ),
    "the ward's target with its shares": (
        "bithu",
        reverse("targets:target", args=[CAU_THIA, 2024, TREES]),
        # 1-2 signed in, 3-4 the door, 5 the figure, 6 the target's figures of all years,
        # 7-8 permissions, 9 the cells' shares with cell and editor, 10 evidence, 11 the
        # figure's history
        11,
    ),
    "the split among the cells": (
        "bithu",
        reverse("cells:share_split", kwargs={"committee": CAU_THIA, "year": 2024, "slug": TREES}),
        # 1-2 signed in, 3-4 permissions, 5-6 the door, 7 the figure, 8 its shares with their cells,
        # 9 the active cells
        9,
    ),
    "the cells' overview": (
        "bithu",
        reverse("cells:overview", args=[CAU_THIA, 2024]),
        # 1-2 signed in, 3-4 the door, 5-6 permissions, 7 the year, 8 the cells, 9 their years,
        # 10 task counts by cell and status, 11 the rating-fed figures, 12 the years
        12,
    ),
}


# Grown ten times, then a hundred times, from the demo's ten cells.
SIZES = {
    "demo": [],
    "10 times": [lambda: grow_cells(10)],
    "100 times": [lambda: grow_cells(10), lambda: grow_cells(100)],
}


@pytest.fixture(scope="module")
def wards(django_db_setup, django_db_blocker):
    built = Wards(django_db_blocker, SIZES)
    yield built
    built.end()


@pytest.fixture(scope="module", params=SIZES)
def size(request, wards):
    """The ward at one of its sizes (pytest runs the tests of one size together)."""
    wards.at(request.param)
    return request.param


def test_the_ward_of_each_size_has_its_cells_and_shares(size, db):
    cells = Cell.objects.filter(committee__slug=CAU_THIA).count()
    shares = Share.objects.filter(cell__committee__slug=CAU_THIA).count()
    if size == "100 times":
        assert cells == 1000 and shares >= 20_000
    elif size == "10 times":
        assert cells == 100 and shares >= 2_000
    else:
        assert cells == 10


@pytest.mark.parametrize("page", CELL_PAGES)
def test_a_cell_page_costs_the_same_queries_with_10_and_100_times_the_cells_tasks_and_shares(
    size, django_user_model, django_assert_num_queries, page
):
    who, url, queries = CELL_PAGES[page]
    client = signed_in(django_user_model.objects.get(username=who))
    if url is None:
        task = (
            Task.objects.filter(cell__committee__slug=CAU_THIA, cell__number=3, year__year=2024)
            .order_by("pk")
            .first()
        )
        url = reverse(
            "cells:task_progress",
            kwargs={"committee": CAU_THIA, "year": 2024, "number": 3, "pk": task.pk},
        )
    # The first page after sign-in also moves the session's expiry: let a light one do it.
    client.get(reverse("health"))
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
