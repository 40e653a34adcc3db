"""Where people land: a cell's secretary on their own cell in the year their work is due in (an
old year still open comes before the new one just set up), ward staff on the latest open year's
dashboard; and every refusal sends a secretary back to their own cell, never to a page they
cannot use."""

import datetime

import pytest
from django.urls import reverse

from cells.models import CellYear, Task, TaskStatus
from targets.models import Figure, Year

from .helpers import CAU_THIA, form_data, signed_in, text_of
from .test_new_year_cells import set_up_following

TREES = "trong-cay-phan-tan"  # split among every cell in 2024


def cell_url(year, number):
    return reverse("cells:cell", kwargs={"committee": CAU_THIA, "year": year, "number": number})


@pytest.fixture
def with_2025(bithu):
    """The demo with 2025 set up from 2024 by the ward secretary, 2023 and 2024 still open."""
    assert set_up_following(bithu, 2024).status_code == 302
    return bithu


def tasks_of(number, year):
    """The tasks of Cầu Thia's cell ``number`` in ``year``."""
    return Task.objects.filter(year__committee__slug=CAU_THIA, year__year=year, cell__number=number)


def finish_tasks(client, number, year=2024):
    """Report each of the cell's tasks of ``year`` still to be done as done, on its page."""
    for task in tasks_of(number, year).pending():
        url = reverse(
            "cells:task_progress",
            kwargs={"committee": CAU_THIA, "year": year, "number": number, "pk": task.pk},
        )
        data = form_data(client.get(url)) | {"status": TaskStatus.DONE}
        assert client.post(url, data).status_code == 302


def report_share(client, number, value, stage):
    url = (
        reverse("cells:shares", kwargs={"committee": CAU_THIA, "year": 2024, "number": number})
        + f"?stage={stage}"
    )
    data = form_data(client.get(url), {"class": "share-form"})
    target = Figure.objects.get(
        year__committee__slug=CAU_THIA, year__year=2024, target__slug=TREES
    ).target_id
    data[f"s{number}-{target}-value"] = value
    assert client.post(url, data).status_code == 302


def test_a_secretary_with_tasks_due_in_2024_lands_on_2024_after_2025_is_set_up(
    with_2025, secretary
):
    assert tasks_of(1, 2024).pending().exists()
    assert signed_in(secretary(1)).get("/").url == cell_url(2024, 1)
    assert with_2025.get("/").url == reverse("targets:dashboard", args=[CAU_THIA, 2025])


def test_a_secretary_with_nothing_due_in_2024_lands_on_2025(with_2025, secretary):
    # Cell 10: every task of 2023 done, and 2024's share of the trees not reported at the
    # year's stage (the estimate) yet.
    client = signed_in(secretary(10))
    finish_tasks(client, 10)
    assert client.get("/").url == cell_url(2024, 10)  # its share is still to be reported

    report_share(client, 10, "150", "half")  # a stage the year is past counts for nothing
    assert client.get("/").url == cell_url(2024, 10)

    report_share(client, 10, "175", "estimate")
    assert client.get("/").url == cell_url(2025, 10)
    page = client.get(cell_url(2025, 10))
    # The other years are one tap away.
    assert f'href="{cell_url(2024, 10)}"' in page.content.decode()
    assert "Vũ Đức Long" in text_of(page)  # its secretary carried into 2025


def test_a_task_given_up_as_not_done_is_not_work_due(with_2025, secretary):
    client = signed_in(secretary(10))
    report_share(client, 10, "175", "estimate")
    tasks_of(10, 2024).pending().update(status=TaskStatus.NOT_DONE)
    assert client.get("/").url == cell_url(2025, 10)
    tasks_of(10, 2024).update(status=TaskStatus.PLANNED)
    assert client.get("/").url == cell_url(2024, 10)


def test_a_closed_year_is_no_secretarys_home_and_with_every_year_closed_the_latest_is(
    with_2025, secretary
):
    client = signed_in(secretary(1))
    Year.objects.filter(committee__slug=CAU_THIA, year=2024).update(is_closed=True)
    # 2024's tasks no longer count; 2023 is open with a task of cell 1 in progress.
    assert client.get("/").url == cell_url(2023, 1)
    Year.objects.filter(committee__slug=CAU_THIA, is_closed=False).update(is_closed=True)
    assert client.get("/").url == cell_url(2025, 1)


def test_without_a_next_year_a_secretary_lands_on_the_latest_open_year_with_work_due(
    demo, secretary
):
    assert signed_in(secretary(3)).get("/").url == cell_url(2024, 3)


# --- Refusals ---------------------------------------------------------------------------------


@pytest.fixture
def closed_2023(demo):
    Year.objects.filter(committee__slug=CAU_THIA, year=2023).update(is_closed=True)


@pytest.mark.parametrize("page", ["rating_self", "task_progress"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_secretary_refused_by_a_closed_year_is_sent_to_their_own_cell(
    closed_2023, secretary, page, method
):
    client = signed_in(secretary(3))
    kwargs = {"committee": CAU_THIA, "year": 2023, "number": 3}
    if page == "task_progress":
        kwargs["pk"] = tasks_of(3, 2023).first().pk
    # No Referer: a bookmark, or a browser that sends none.
    response = getattr(client, method)(reverse(f"cells:{page}", kwargs=kwargs))
    assert response.status_code == 302
    assert response.url == cell_url(2023, 3)
    shown = client.get(response.url)
    assert shown.status_code == 200
    assert "Năm 2023 đã chốt số liệu: không thể sửa số liệu của năm này nữa." in text_of(shown)


def test_a_refused_secretary_with_a_referer_from_elsewhere_goes_to_their_cell(
    closed_2023, secretary
):
    client = signed_in(secretary(3))
    url = reverse("cells:rating_self", kwargs={"committee": CAU_THIA, "year": 2023, "number": 3})
    response = client.get(url, headers={"referer": "https://example.org/phishing/"})
    assert response.url == cell_url(2023, 3)


def test_ward_staff_refused_by_a_closed_year_keep_landing_on_its_dashboard(closed_2023, bithu):
    response = bithu.get(
        reverse("cells:rating_proposal", kwargs={"committee": CAU_THIA, "year": 2023, "number": 3})
    )
    assert response.url == reverse("targets:dashboard", args=[CAU_THIA, 2023])


def test_a_secretary_sent_back_from_a_decided_rating_lands_on_their_cell(demo, secretary):
    CellYear.objects.filter(year__committee__slug=CAU_THIA, year__year=2024, cell__number=3).update(
        rating="good", decided_at=datetime.datetime(2024, 12, 20, 3, tzinfo=datetime.UTC)
    )
    client = signed_in(secretary(3))
    response = client.get(
        reverse("cells:rating_self", kwargs={"committee": CAU_THIA, "year": 2024, "number": 3})
    )
    assert response.url == cell_url(2024, 3)
    assert client.get(response.url).status_code == 200


def test_the_cells_overview_sends_a_secretary_to_their_own_cell(with_2025, secretary):
    response = signed_in(secretary(4)).get(reverse("cells:overview", args=[CAU_THIA, 2025]))
    assert response.url == cell_url(2025, 4)


def test_the_refusal_page_gives_a_secretary_the_way_back_to_their_cell(demo, secretary):
    client = signed_in(secretary(3))
    refused = client.get(
        reverse("cells:rating_proposal", kwargs={"committee": CAU_THIA, "year": 2024, "number": 3})
    )
    assert refused.status_code == 403
    assert "Quay lại trang chi bộ của đồng chí: Chi bộ tổ dân phố số 3" in text_of(refused)
    assert "Quay lại danh sách chỉ tiêu" not in text_of(refused)
    assert 'href="/"' in refused.content.decode()
    assert client.get("/").url == cell_url(2024, 3)


def test_the_refusal_page_gives_others_the_way_back_to_the_targets(bob_client):
    refused = bob_client.get(reverse("targets:next_year", args=[CAU_THIA, 2024]))
    assert refused.status_code == 403
    assert "Quay lại danh sách chỉ tiêu" in text_of(refused)
    assert "chi bộ của đồng chí" not in text_of(refused)
