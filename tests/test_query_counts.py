"""Each page costs a fixed number of queries, whatever the size of the ward's data: the same
number for the demo ward and for the ward ten times over (generate_ward), each test counting at
one of the two sizes."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse

from targets.models import Evidence, Figure, Target, Year

from .helpers import CAU_THIA
from .wards import Wards

SIZES = ("demo", "ten times")


def grow(factor):
    """Multiply the demo's targets, years and cells by ``factor`` (generate_ward)."""
    call_command("generate_ward", "--scale", str(factor), verbosity=0)


@pytest.fixture(scope="module")
def wards(django_db_setup, django_db_blocker):
    built = Wards(django_db_blocker, {"demo": [], "ten times": [lambda: grow(10)]})
    yield built
    built.end()


@pytest.fixture(scope="module", params=SIZES)
def size(request, wards):
    """The ward at one of its sizes (pytest runs the tests of one size together)."""
    wards.at(request.param)
    return request.param


# Every page of a year asks the door which committee its address names and whether the user
# may read it: the committee and the user's account.
PAGES = {
    # name: (url, queries, why)
    "dashboard": (
        reverse("targets:dashboard", args=[CAU_THIA, 2023]),
        # 1 the session, 2 the signed-in user, 3-4 the door, 5 the year, 6 its figures with
        # target, area and last editor, 7 the same targets' figures of the years before and
        # after, 8-9 the user's and their groups' permissions (may they edit?), 10 their cell,
        # if they are a cell secretary (menu), 11 the years for the switcher, 12 the areas
        12,
    ),
    "target": (
        reverse("targets:target", args=[CAU_THIA, 2023, "bao-hiem-y-te"]),
        # 1 the session, 2 the signed-in user, 3-4 the door, 5 the figure with target, area,
        # year and editor, 6 the target's figures of all years, 7-8 the user's and their
        # groups' permissions, 9 their cell, if they are a cell secretary (menu), 10 the
        # figure's history with authors (the evidence files are the office's: see the staff
        # pages below)
        10,
    ),
}


def test_the_ward_of_each_size_has_its_targets_and_years(size, db):
    grown = {"demo": 1, "ten times": 10}[size]
    targets = Target.objects.filter(committee__slug=CAU_THIA)
    years = Year.objects.filter(committee__slug=CAU_THIA)
    assert targets.count() == 40 * grown and years.count() == 2 * grown


@pytest.mark.parametrize("page", PAGES)
def test_a_page_costs_the_same_queries_with_ten_times_the_targets_and_years(
    size, bob_client, django_assert_num_queries, page
):
    url, queries = PAGES[page]
    bob_client.get(reverse("health"))  # the first page after sign-in moves the session's expiry
    with django_assert_num_queries(queries):
        assert bob_client.get(url).status_code == 200


def test_the_edit_form_costs_the_same_queries_with_ten_times_the_data(
    size, alice_client, django_assert_num_queries
):
    url = reverse("targets:edit", args=[CAU_THIA, 2023, "bao-hiem-y-te"])
    # 1 the session, 2 the signed-in user, 3-4 the user's and their groups' permissions,
    # 5-6 the door, 7 the figure with target, area, year and editor
    alice_client.get(reverse("health"))  # the first page after sign-in moves the session's expiry
    with django_assert_num_queries(7):
        assert alice_client.get(url).status_code == 200


def add_evidence(figure, count):
    user = get_user_model().objects.get(username="bithu")
    for number in range(count):
        evidence = Evidence(
            figure=figure,
            name=f"tep-{number}.pdf",
            content_type="application/pdf",
            size=9,
            uploaded_by=user,
        )
        evidence.file.save(f"tep-{number}.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
        evidence.save()


STAFF_PAGES = {
    # name: (url, queries, why)
    "print view": (
        reverse("targets:report", args=[CAU_THIA, 2023]),
        # 1 the session, 2 the signed-in user, 3-4 the user's and their groups' permissions,
        # 5-6 the door, 7 the year, 8 its figures with target, area and last editor, 9 the
        # same targets' figures of the years before and after, 10 the report's text, 11 the
        # ratings' annex: the year's cell records with their cells
        11,
    ),
    "report as Word": (
        reverse("targets:report_docx", args=[CAU_THIA, 2023]),
        # as the print view
        11,
    ),
    "report text": (
        reverse("targets:report_text", args=[CAU_THIA, 2023]),
        # 1-10 as the print view without its annexes (the demo's issued text), 11 its history
        11,
    ),
    "grid at six months": (
        reverse("targets:grid", args=[CAU_THIA, 2024]) + "?stage=half",
        # 1-9 as the print view, and 10 the years for the switcher
        10,
    ),
    "target with evidence": (
        reverse("targets:target", args=[CAU_THIA, 2023, "bao-hiem-y-te"]),
        # 1 the session, 2 the signed-in user, 3-4 the door, 5 the figure with target, area,
        # year and editor, 6 the target's figures of all years, 7-8 the user's and their
        # groups' permissions, 9 its evidence files with who added them, 10 the figure's
        # history with authors
        10,
    ),
    "next year": (
        reverse("targets:next_year", args=[CAU_THIA, 2024]),
        # 1 the session, 2 the signed-in user, 3-4 permissions, 5-6 the door, 7 the year,
        # 8 whether the next year exists, 9-10 the year's targets to carry over (ticked, then
        # listed), 11-13 the areas each of the three blank new targets may be in
        13,
    ),
}


@pytest.mark.parametrize("page", STAFF_PAGES)
def test_a_ward_staff_page_costs_the_same_queries_with_more_years_targets_and_evidence(
    size, bithu, django_assert_num_queries, page
):
    url, queries = STAFF_PAGES[page]
    bhyt = Figure.objects.get(
        target__slug="bao-hiem-y-te", year__committee__slug=CAU_THIA, year__year=2023
    )
    add_evidence(bhyt, 1 if size == "demo" else 6)
    bithu.get(reverse("health"))  # the first page after sign-in moves the session's expiry
    with django_assert_num_queries(queries):
        assert bithu.get(url).status_code == 200
