import re
from decimal import Decimal

from django.urls import reverse

from cells.models import Cell, CellYear, Task
from committees.models import Committee
from targets.models import Figure, Target, Year

from .helpers import CAU_THIA, plain_text, rows_of, signed_in, task_url, text_of


def test_each_cell_secretary_sees_their_own_cell_and_no_other(secretary):
    for own in range(1, 11):
        client = signed_in(secretary(own))
        for number in range(1, 11):
            for year in (2023, 2024):
                status = client.get(
                    reverse("cells:cell", args=[CAU_THIA, year, number])
                ).status_code
                assert status == (200 if number == own else 404), (own, number, year)


def test_a_cell_secretary_is_sent_from_the_overview_to_their_own_cell(secretary):
    response = signed_in(secretary(4)).get(reverse("cells:overview", args=[CAU_THIA, 2024]))
    assert response.url == reverse("cells:cell", args=[CAU_THIA, 2024, 4])


def test_the_2023_overview_shows_10_of_10_cells_and_86_percent_of_members(bithu):
    response = bithu.get(reverse("cells:overview", args=[CAU_THIA, 2023]))
    html = response.content.decode()
    assert re.search(r'id="cells-good"><strong>10/10</strong>', html)
    assert re.search(r'id="members-good"><strong>86%</strong>', html)
    assert "172 trên 200" in text_of(response)


def test_the_totals_are_computed_from_the_stored_counts(bithu):
    CellYear.objects.filter(year__committee__slug=CAU_THIA, year__year=2023, cell__number=1).update(
        rating="completed", members_good=0, members_excellent=0, members_completed=21
    )
    html = bithu.get(reverse("cells:overview", args=[CAU_THIA, 2023])).content.decode()
    assert re.search(r'id="cells-good"><strong>9/10</strong>', html)
    # 172 - 19 good or better in cell 1 = 153 of 200 rated
    assert re.search(r'id="members-good"><strong>76,50%</strong>', html)


def test_the_overview_lists_every_cell_with_task_counts_and_rating(bithu):
    rows = rows_of(bithu.get(reverse("cells:overview", args=[CAU_THIA, 2023])))
    cells = [row for row in rows if row[:1].isdigit()]
    assert len(cells) == 10
    # Cell 2's name, secretary and members are the article's; its rating is not.
    assert "Chi bộ tổ dân phố số 2 | Đồng Thị Dưỡng | 25 |" in cells[1]
    assert cells[1].endswith("| Hoàn thành xuất sắc nhiệm vụ | Minh họa: xếp loại")
    assert cells[2].endswith("| Minh họa: tên chi bộ, bí thư, số đảng viên, xếp loại")


def test_the_ward_secretary_assigns_a_task_to_cell_3_which_chibo3_sees_and_chibo4_does_not(
    bithu, secretary
):
    target = Target.objects.get(committee__slug=CAU_THIA, slug="giam-ho-can-ngheo")
    response = bithu.post(
        reverse("cells:task_add", kwargs={"committee": CAU_THIA, "year": 2023, "number": 3}),
        {
            "target": target.pk,
            "description": "Vận động 3 hộ cận nghèo thoát nghèo bền vững",
            "responsible": "Tổ trưởng tổ dân phố số 3",
            "due_date": "30/11/2023",
            "status": "in_progress",
            "note": "",
        },
    )
    assert response.status_code == 302
    task = Task.objects.get(description__startswith="Vận động 3 hộ")
    assert (task.cell.number, task.year.year, task.due_date.isoformat()) == (3, 2023, "2023-11-30")

    own = text_of(
        signed_in(secretary(3)).get(
            reverse("cells:cell", kwargs={"committee": CAU_THIA, "year": 2023, "number": 3})
        )
    )
    assert "Vận động 3 hộ cận nghèo thoát nghèo bền vững" in own
    assert "25/12" in own  # the target's current progress beside the task
    other = signed_in(secretary(4))
    assert "Vận động 3 hộ" not in text_of(
        other.get(reverse("cells:cell", args=[CAU_THIA, 2023, 4]))
    )
    assert other.get(reverse("cells:cell", args=[CAU_THIA, 2023, 3])).status_code == 404


def test_a_task_date_is_read_day_first_and_a_bad_one_is_refused_in_vietnamese(bithu):
    response = bithu.post(
        reverse("cells:task_add", kwargs={"committee": CAU_THIA, "year": 2023, "number": 1}),
        {
            "target": Target.objects.filter(committee__slug=CAU_THIA).first().pk,
            "description": "x",
            "responsible": "y",
            "due_date": "31/02/2023",
            "status": "planned",
        },
    )
    assert response.status_code == 400
    assert "Nhập một ngày hợp lệ" in text_of(response)
    assert 'value="31/02/2023"' in response.content.decode()


def test_the_ward_enters_a_rating_and_more_rated_than_members_is_refused(bithu):
    url = reverse("cells:rating_edit", kwargs={"committee": CAU_THIA, "year": 2024, "number": 2})
    data = {
        "secretary_name": "Đồng Thị Dưỡng",
        "members": "25",
        "rating": "good",
        "members_excellent": "3",
        "members_good": "20",
        "members_completed": "2",
        "members_not_completed": "1",
    }
    refused = bithu.post(url, data)
    assert refused.status_code == 400
    assert "26" in text_of(refused) and "25" in text_of(refused)
    data["members_not_completed"] = "0"
    assert bithu.post(url, data).status_code == 302
    stored = CellYear.objects.get(year__committee__slug=CAU_THIA, year__year=2024, cell__number=2)
    assert (stored.rating, stored.members_good) == ("good", 20)


def test_the_ratings_offer_the_actual_of_the_party_building_targets(bithu):
    figure = Figure.objects.get(
        target__slug="chi-bo-hoan-thanh-tot-nhiem-vu",
        year__committee__slug=CAU_THIA,
        year__year=2023,
    )
    figure.actual = Decimal(9)
    figure.save()
    response = bithu.post(
        reverse("cells:apply_rating", args=[CAU_THIA, 2023]),
        {"feed": figure.target.rating_feed, "version": Figure.objects.get(pk=figure.pk).version},
    )
    assert response.status_code == 302
    assert Figure.objects.get(pk=figure.pk).actual == 10


def test_a_closed_year_refuses_task_and_rating_edits(bithu):
    Year.objects.filter(committee__slug=CAU_THIA, year=2023).update(is_closed=True)
    task = Task.objects.filter(year__committee__slug=CAU_THIA, year__year=2023).first()
    before = (task.description, task.status)
    response = bithu.post(
        task_url(task),
        {"target": task.target_id, "description": "changed", "responsible": "r", "status": "done"},
        follow=True,
    )
    assert "đã chốt số liệu" in text_of(response)
    task.refresh_from_db()
    assert (task.description, task.status) == before
    response = bithu.post(
        reverse("cells:rating_edit", kwargs={"committee": CAU_THIA, "year": 2023, "number": 1}),
        {"members": "1"},
    )
    assert response.status_code == 302
    assert (
        CellYear.objects.get(
            year__committee__slug=CAU_THIA, year__year=2023, cell__number=1
        ).members
        == 22
    )


def test_the_cells_pages_cost_the_same_queries_with_more_cells_and_tasks(
    bithu, django_assert_num_queries
):
    # Both: 1 session, 2 user, 3-4 the door (the committee the address names, the user's
    # account), 5-6 permissions.
    # overview: 7 the year, 8 cells, 9 their years, 10 task counts by cell and status, 11 the
    # rating-fed figures, 12 the years for the switcher
    # cell page: 7 the cell, 8 the year, 9 tasks with targets, areas and latest progress notes,
    # 10 those targets' figures, 11 the cell's shares with their figures, 12 the cell's year
    # with who decided its rating, 13 its rating's steps with who took them, 14 the years,
    # 15 the rating history
    pages = [
        (reverse("cells:overview", args=[CAU_THIA, 2023]), 12),
        (reverse("cells:cell", kwargs={"committee": CAU_THIA, "year": 2023, "number": 2}), 15),
    ]
    bithu.get(pages[0][0])  # the first page after sign-in also moves the session's expiry
    for url, queries in pages:
        with django_assert_num_queries(queries):
            assert bithu.get(url).status_code == 200
    committee = Committee.objects.get(slug=CAU_THIA)
    year = committee.years.get(year=2023)
    cells = Cell.objects.bulk_create(
        Cell(committee=committee, number=n, name=f"Chi bộ {n}") for n in range(11, 101)
    )
    Task.objects.bulk_create(
        Task(cell=cell, year=year, target=target, description="x", responsible="y")
        for cell in [*cells, committee.cells.get(number=2)]
        for target in committee.targets.all()[:20]
    )
    for url, queries in pages:
        with django_assert_num_queries(queries):
            assert bithu.get(url).status_code == 200


def test_the_cap_on_excellent_is_the_years_and_shown_where_ratings_are_proposed(bithu):
    year = Year.objects.get(committee__slug=CAU_THIA, year=2024)
    year.excellent_cap_percent, year.excellent_cap_base = 15, "good_only"
    year.rating_rule = "Quy định 366-QĐ/TW"
    year.save()
    for url in (
        reverse("cells:overview", args=[CAU_THIA, 2024]),
        reverse("cells:rating_edit", kwargs={"committee": CAU_THIA, "year": 2024, "number": 3}),
    ):
        cap = re.search(r'<p class="cap" id="cap">(.*?)</p>', bithu.get(url).content.decode(), re.S)
        text = plain_text(cap.group(1))
        assert "không quá 15% so với số hoàn thành tốt nhiệm vụ (không kể xuất sắc)" in text
        assert "Quy định 366-QĐ/TW" in text
    overview = bithu.get(reverse("cells:overview", args=[CAU_THIA, 2023])).content.decode()
    assert "không quá 20% so với số hoàn thành tốt nhiệm vụ trở lên (kể cả xuất sắc)" in overview


def test_what_the_cap_is_a_share_of_is_the_years_reading(demo):
    """3 "xuất sắc" among 12 "tốt": 20% of those rated well or better (3 of 15), within a 20%
    cap; 25% of those rated "tốt" alone, over it."""
    from cells.models import RatingTotals

    year = Year.objects.get(committee__slug=CAU_THIA, year=2024)
    rated = CellYear(members=20, members_excellent=3, members_good=12, members_completed=5)
    within = RatingTotals(year, [rated], 1)
    assert (within.members_excellent_share, within.members_over_cap) == (20, False)
    year.excellent_cap_base = "good_only"
    over = RatingTotals(year, [rated], 1)
    assert (over.members_excellent_share, over.members_over_cap) == (25, True)
