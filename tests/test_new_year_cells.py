"""A year set up from the one before has its cells' years from its first day: every active cell
with its secretary and members carried over, in the history as created by whoever set it up.
A cell with no year of record (added in the admin since, or a year set up before cells were
carried) still opens every page, and the rating forms create its year when saved."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse

from cells.models import Cell, CellSecretary, CellYear, Task
from committees.models import Account, Committee
from targets.models import Change, Year

from .helpers import CAU_THIA, form_data, signed_in, text_of


def cau_thia():
    return Committee.objects.get(slug=CAU_THIA)


def next_year_form(client, year):
    """The address of the next-year form of ``year`` and what it posts as the page renders it:
    names as copied, every target carried over as ticked."""
    url = reverse("targets:next_year", args=[CAU_THIA, year])
    page = client.get(url)
    data = form_data(page, {"class": "figure-form next-year-form"})
    carried = re.findall(
        r'<input(?=[^>]*name="carried")(?=[^>]*\bchecked\b)[^>]*value="(\d+)"',
        page.content.decode(),
    )
    assert carried, "the form ticks the targets to carry over"
    return url, {**data, "carried": carried}


def set_up_following(client, year):
    return client.post(*next_year_form(client, year))


def years_of_cells(year):
    """Cầu Thia's cells' years of ``year``."""
    return CellYear.objects.filter(year__committee__slug=CAU_THIA, year__year=year)


def facts(year):
    return {
        cy.cell.number: (cy.secretary_name, cy.members, cy.illustrative_facts)
        for cy in years_of_cells(year).select_related("cell")
    }


def test_setting_up_2025_gives_each_active_cell_its_year_with_secretary_and_members_carried(
    bithu, secretary
):
    assert set_up_following(bithu, 2024).status_code == 302

    carried = facts(2025)
    assert len(carried) == cau_thia().cells.filter(is_active=True).count() == 10
    assert carried == facts(2024)
    assert carried[2] == ("Đồng Thị Dưỡng", 25, False)
    assert carried[3] == ("Hoàng Thị Lan", 19, True)
    new = years_of_cells(2025)
    assert not new.exclude(rating="").exists() and not new.filter(decided_at__isnull=False)

    # Each is in the history as created by the one who set up the year, as a save keeps it.
    changes = Change.objects.filter(
        content_type=ContentType.objects.get_for_model(CellYear), object_id__in=new.values("pk")
    )
    assert changes.count() == 10
    assert {(c.action, c.changed_by.username) for c in changes} == {("created", "bithu")}
    two = changes.get(object_id=new.get(cell__number=2).pk)
    assert (two.after["secretary_name"], two.after["members"]) == ("Đồng Thị Dưỡng", 25)

    url = reverse("cells:cell", kwargs={"committee": CAU_THIA, "year": 2025, "number": 2})
    for client in (bithu, signed_in(secretary(2))):
        page = text_of(client.get(url))
        assert "Bí thư Đồng Thị Dưỡng" in page
        assert "Số đảng viên năm 2025 25" in page


def test_a_retired_cell_gets_no_year_and_a_cells_year_can_be_edited_after_setup(bithu):
    cau_thia().cells.filter(number=10).update(is_active=False)
    set_up_following(bithu, 2024)
    assert sorted(facts(2025)) == list(range(1, 10))

    url = reverse("cells:rating_edit", kwargs={"committee": CAU_THIA, "year": 2025, "number": 4})
    data = form_data(bithu.get(url))
    assert (data["secretary_name"], data["members"]) == ("Lò Văn Thắng", "20")
    data |= {"secretary_name": "Lò Thị Hoa", "members": "21"}
    assert bithu.post(url, data).status_code == 302
    assert facts(2025)[4] == ("Lò Thị Hoa", 21, True)
    assert facts(2024)[4] == ("Lò Văn Thắng", 20, True)


def test_setting_up_a_year_writes_the_cells_years_in_bulk_not_a_query_a_cell(bithu):
    committee = cau_thia()
    year = committee.years.get(year=2024)
    cells = Cell.objects.bulk_create(
        Cell(committee=committee, number=n, name=f"Chi bộ số {n}") for n in range(11, 101)
    )
    CellYear.objects.bulk_create(
        CellYear(cell=cell, year=year, secretary_name=f"Bí thư {cell.number}", members=20)
        for cell in cells
    )
    url, data = next_year_form(bithu, 2024)
    with CaptureQueriesContext(connection) as queries:
        assert bithu.post(url, data).status_code == 302
    # One read of the cells with their year before, and one insert (SQLite takes 999 values a
    # statement: two for a hundred cells), not a query a cell.
    touching = [q["sql"] for q in queries.captured_queries if "cells_cellyear" in q["sql"]]
    assert len(touching) <= 3, [sql[:100] for sql in touching]
    assert touching[0].startswith("SELECT") and touching[1].startswith("INSERT")
    assert years_of_cells(2025).count() == 100
    assert facts(2025)[57] == ("Bí thư 57", 20, False)


# --- A cell without a year of record ----------------------------------------------------------


@pytest.fixture
def late_cell(demo, django_user_model):
    """Cell 11 of Cầu Thia, added in the admin after 2024 was set up: a task of 2024, a
    secretary, no CellYear. Returns the secretary."""
    committee = cau_thia()
    cell = Cell.objects.create(committee=committee, number=11, name="Chi bộ khu phố mới")
    user = django_user_model.objects.create_user("chibo11")
    Account.objects.create(user=user, committee=committee)
    CellSecretary.objects.create(user=user, cell=cell)
    Task.objects.create(
        cell=cell,
        year=committee.years.get(year=2024),
        target=committee.targets.get(slug="bao-hiem-y-te"),
        description="Vận động hộ mới tham gia bảo hiểm y tế",
        responsible="Tổ trưởng",
    )
    return user


# What each page of a cell answers a GET: its secretary is refused the ward's own pages, and a
# page only posted to answers 405 to the ward.
SECRETARY_REFUSED = {"task_add", "task_edit", "task_delete", "rating_proposal", "rating_edit"}
POST_ONLY = {"task_delete"}
# The pages of cells/urls.py whose address names a cell.
PATTERNS = {
    p.name: str(p.pattern)
    for p in next(
        p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == "cells"
    ).url_patterns
    if "<id:number>" in str(p.pattern)
}
CELL_PAGES = list(PATTERNS)


def page_url(name, number):
    kwargs = {"committee": CAU_THIA, "year": 2024, "number": number}
    if "<id:pk>" in PATTERNS[name]:
        kwargs["pk"] = Task.objects.get(cell__committee__slug=CAU_THIA, cell__number=number).pk
    return reverse(f"cells:{name}", kwargs=kwargs)


def test_the_pages_list_every_page_of_a_cell():
    assert set(CELL_PAGES) >= {"cell", "digest", "task_sheet", "shares", "rating_self"}
    assert len(CELL_PAGES) == 11


@pytest.mark.parametrize("name", CELL_PAGES)
def test_every_page_of_a_cell_without_a_year_of_record_opens(name, late_cell, bithu):
    url = page_url(name, 11)
    expected = 405 if name in POST_ONLY else 200
    assert bithu.get(url).status_code == expected
    own = signed_in(late_cell).get(url)
    assert own.status_code == (403 if name in SECRETARY_REFUSED else expected)
    assert not years_of_cells(2024).filter(cell__number=11).exists()  # a GET creates nothing


def test_the_cell_page_and_digest_of_a_cell_without_a_year_show_what_there_is(late_cell, bithu):
    for name in ("cell", "digest"):
        page = text_of(signed_in(late_cell).get(page_url(name, 11)))
        assert "Vận động hộ mới tham gia bảo hiểm y tế" in page
        assert "Bí thư –" in page or "Bí thư: –" in page
    overview = text_of(bithu.get(reverse("cells:overview", args=[CAU_THIA, 2024])))
    assert "Chi bộ khu phố mới" in overview


def test_the_secretarys_self_assessment_creates_the_cells_year(late_cell):
    client = signed_in(late_cell)
    url = page_url("rating_self", 11)
    data = form_data(client.get(url)) | {"rating": "good", "members_good": "12"}
    assert client.post(url, data).status_code == 302
    cell_year = years_of_cells(2024).get(cell__number=11)
    assert cell_year.steps.get().members_good == 12
    assert Change.objects.filter(
        content_type=ContentType.objects.get_for_model(CellYear),
        object_id=cell_year.pk,
        action="created",
        changed_by=late_cell,
    ).exists()
    page = text_of(client.get(page_url("cell", 11)))
    assert "Tự đánh giá : Hoàn thành tốt nhiệm vụ · đảng viên 0 / 12 / 0 / 0" in page


def test_the_wards_proposal_and_decision_create_the_cells_year(late_cell, bithu):
    url = page_url("rating_proposal", 11)
    data = form_data(bithu.get(url)) | {"rating": "good", "members_good": "10"}
    assert bithu.post(url, data).status_code == 302
    assert years_of_cells(2024).get(cell__number=11).steps.get().step == "proposal"

    # Never rated: the decision creates its year.
    Cell.objects.create(committee=cau_thia(), number=12, name="Chi bộ khu tái định cư")
    url = reverse("cells:rating_edit", kwargs={"committee": CAU_THIA, "year": 2024, "number": 12})
    data = form_data(bithu.get(url)) | {"secretary_name": "Lê Văn An", "members": "14"}
    data |= {"rating": "good", "members_good": "13"}
    assert bithu.post(url, data).status_code == 302
    cell_year = years_of_cells(2024).get(cell__number=12)
    assert (cell_year.secretary_name, cell_year.members, cell_year.rating) == (
        "Lê Văn An",
        14,
        "good",
    )
    assert cell_year.decided_by.username == "bithu"


def test_a_year_set_up_before_cells_were_carried_starts_each_form_from_the_year_before(bithu):
    # 2025 made as it was before the setup gave the cells their years: none of them has one.
    before = cau_thia().years.get(year=2024)
    Year.objects.create(
        **{
            field.name: getattr(before, field.name)
            for field in Year._meta.concrete_fields
            if not field.primary_key and field.name not in ("year", "is_closed")
        },
        year=2025,
    )
    assert not years_of_cells(2025).exists()
    for name in ("cell", "digest", "rating_self", "rating_proposal"):
        url = reverse(f"cells:{name}", kwargs={"committee": CAU_THIA, "year": 2025, "number": 3})
        assert bithu.get(url).status_code == 200

    url = reverse("cells:rating_edit", kwargs={"committee": CAU_THIA, "year": 2025, "number": 3})
    data = form_data(bithu.get(url))
    assert (data["secretary_name"], data["members"]) == ("Hoàng Thị Lan", "19")
    assert bithu.post(url, data).status_code == 302  # saved as shown: the facts confirmed
    assert facts(2025) == {3: ("Hoàng Thị Lan", 19, True)}
