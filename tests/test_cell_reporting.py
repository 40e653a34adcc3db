"""The cells report up: a cell secretary's home, progress on their tasks, their shares of the
ward's targets summed for the office, and the rating's three steps — through the pages, as a
cell secretary and the office use them."""

import re
from decimal import Decimal

import pytest
from django.db.models import F
from django.urls import reverse

from cells.models import (
    CellYear,
    RatingStep,
    RatingTotals,
    Share,
    Task,
    TaskNote,
)
from targets.models import Figure, FigureChange, Year

from .helpers import CAU_THIA, form_data, plain_text, signed_in, text_of

TREES = "trong-cay-phan-tan"


def figure(slug, year=2024):
    return Figure.objects.get(target__slug=slug, year__committee__slug=CAU_THIA, year__year=year)


def shares_of(**where):
    """Cầu Thia's cells' shares of 2024."""
    return Share.objects.filter(year__committee__slug=CAU_THIA, year__year=2024, **where)


@pytest.fixture
def chibo(secretary):
    """A client signed in as the secretary of cell N, as a function of N."""
    return lambda number: signed_in(secretary(number))


def shares_url(number, stage="half", year=2024):
    return (
        reverse("cells:shares", kwargs={"committee": CAU_THIA, "year": year, "number": number})
        + f"?stage={stage}"
    )


def enter_share(client, number, value, stage="half", slug=TREES):
    """Post the cell's figures page as rendered, with the share of ``slug`` set to ``value``."""
    url = shares_url(number, stage)
    data = form_data(client.get(url), {"class": "share-form"})
    target = figure(slug).target_id
    data[f"s{number}-{target}-value"] = value
    return client.post(url, data)


# --- Home -----------------------------------------------------------------------------------


def test_a_cell_secretary_lands_on_their_cell_and_ward_staff_on_the_dashboard(chibo, bithu):
    assert chibo(3).get("/").url == reverse(
        "cells:cell", kwargs={"committee": CAU_THIA, "year": 2024, "number": 3}
    )
    assert bithu.get("/").url == reverse("targets:dashboard", args=[CAU_THIA, 2024])


def test_the_cell_page_shows_what_is_due_the_tasks_progress_shares_and_rating(chibo):
    page = chibo(1).get(
        reverse("cells:cell", kwargs={"committee": CAU_THIA, "year": 2024, "number": 1})
    )
    text = text_of(page)
    assert "Đã trồng 120 cây sao đen trên đường Nguyễn Thái Học." in text  # latest progress
    assert "Phần chỉ tiêu của chi bộ" in text
    assert re.search(r"Trồng cây phân tán \(cây\).*?330 140 – 340", text)
    assert "Tự đánh giá" in text and "Quyết định của Đảng ủy" in text
    assert "Báo cáo tiến độ" in text and "Nhập số liệu của chi bộ" in text


# --- Progress on tasks --------------------------------------------------------------------------


def test_a_cell_secretary_reports_progress_and_the_ward_sees_the_latest_note(chibo, bithu):
    task = (
        Task.objects.filter(year__committee__slug=CAU_THIA, year__year=2024, cell__number=5)
        .order_by("pk")
        .first()
    )
    url = reverse(
        "cells:task_progress",
        kwargs={"committee": CAU_THIA, "year": 2024, "number": 5, "pk": task.pk},
    )
    data = form_data(chibo(5).get(url)) | {"status": "done", "text": "Đã trồng xong 330 cây."}
    assert chibo(5).post(url, data).status_code == 302
    task.refresh_from_db()
    assert task.status == "done"
    note = task.notes.get()
    assert (note.text, note.written_by.username) == ("Đã trồng xong 330 cây.", "chibo5")
    ward = text_of(
        bithu.get(reverse("cells:cell", kwargs={"committee": CAU_THIA, "year": 2024, "number": 5}))
    )
    assert "Đã trồng xong 330 cây." in ward
    assert "Đã trồng xong 330 cây." in text_of(bithu.get(url))  # and the history


def test_a_progress_report_with_nothing_in_it_is_refused_in_vietnamese(chibo):
    task = (
        Task.objects.filter(year__committee__slug=CAU_THIA, year__year=2024, cell__number=5)
        .order_by("pk")
        .first()
    )
    url = reverse(
        "cells:task_progress",
        kwargs={"committee": CAU_THIA, "year": 2024, "number": 5, "pk": task.pk},
    )
    response = chibo(5).post(url, form_data(chibo(5).get(url)))
    assert response.status_code == 400
    assert "không có gì để lưu" in text_of(response)
    assert not task.notes.exists()


def test_the_office_removes_a_task_but_not_one_with_progress_notes(bithu):
    noted = (
        TaskNote.objects.filter(task__year__committee__slug=CAU_THIA, task__year__year=2024)
        .first()
        .task
    )
    bare = Task.objects.filter(
        year__committee__slug=CAU_THIA, year__year=2024, notes__isnull=True
    ).first()
    for task, kept in ((noted, True), (bare, False)):
        url = reverse(
            "cells:task_delete",
            kwargs={
                "committee": CAU_THIA,
                "year": 2024,
                "number": task.cell.number,
                "pk": task.pk,
            },
        )
        response = bithu.post(url, follow=True)
        assert Task.objects.filter(pk=task.pk).exists() == kept
        assert ("được giữ lại" in text_of(response)) == kept


# --- Shares of the ward's targets ---------------------------------------------------------------


def test_a_share_entered_by_a_cell_is_in_the_sum_the_count_and_the_breakdown(chibo, bithu):
    target_page = reverse("targets:target", args=[CAU_THIA, 2024, TREES])
    before = text_of(bithu.get(target_page))
    assert "1.060 7/10 chi bộ đã báo cáo" in before  # the demo: cells 1–7 at six months

    assert enter_share(chibo(8), 8, "155").status_code == 302

    page = bithu.get(target_page)
    assert "1.215 8/10 chi bộ đã báo cáo" in text_of(page)
    breakdown = re.search(
        r'<details class="breakdown">(.*?)</details>', page.content.decode(), re.S
    )
    assert "Chi bộ tổ dân phố số 8" in plain_text(breakdown.group(1))
    row = next(line for line in rows_in(breakdown.group(1)) if "số 8" in line)
    assert row.startswith("Chi bộ tổ dân phố số 8 minh họa | 330 | 155 |")


def rows_in(html):
    """The text of each row of a piece of HTML, cells joined by ' | '."""
    return [
        " | ".join(plain_text(cell) for cell in re.findall(r"<td\b[^>]*>(.*?)</td>", row, re.S))
        for row in re.findall(r"<tr\b[^>]*>(.*?)</tr>", html, re.S)
    ]


def test_the_office_adopts_the_sum_and_the_ward_figure_keeps_it_in_its_history(bithu):
    trees = figure(TREES)
    assert trees.actual_half == Decimal(1298)
    url = reverse("cells:adopt_sum", kwargs={"committee": CAU_THIA, "year": 2024, "slug": TREES})
    response = bithu.post(url, {"stage": "half", "version": trees.version})
    assert response.status_code == 302
    trees.refresh_from_db()
    assert trees.actual_half == Decimal(1060)
    change = FigureChange.objects.filter(figure=trees).order_by("-version").first()
    assert (change.old_actual_half, change.new_actual_half) == (1298, 1060)
    assert change.changed_by.username == "bithu"
    # The same action from a page shown before the figure moved on is refused.
    stale = bithu.post(url, {"stage": "half", "version": trees.version - 1}, follow=True)
    assert "vừa được người khác thay đổi" in text_of(stale)


def test_a_stale_share_save_is_refused_and_what_was_typed_is_kept(chibo, bithu):
    url = shares_url(4)
    shown = form_data(chibo(4).get(url), {"class": "share-form"})
    assert enter_share(bithu, 4, "150").status_code == 302  # the office corrects it meanwhile
    target = figure(TREES).target_id
    response = chibo(4).post(url, shown | {f"s4-{target}-value": "146"})
    assert response.status_code == 409
    assert 'value="146"' in response.content.decode()
    share = shares_of().get(cell__number=4, figure__target__slug=TREES)
    assert (share.actual_half, share.version) == (150, 2)
    # Saving again, over the version now seen, is a deliberate overwrite.
    again = form_data(response, {"class": "share-form"})
    assert chibo(4).post(url, again).status_code == 302
    share.refresh_from_db()
    assert (share.actual_half, share.version) == (146, 3)


def test_a_bad_number_in_a_share_is_explained_and_nothing_is_saved(chibo):
    response = enter_share(chibo(2), 2, "15.5")
    assert response.status_code == 400
    assert "dấu chấm chỉ dùng để tách hàng nghìn" in text_of(response)
    assert shares_of().get(cell__number=2, figure__target__slug=TREES).actual_half == 150


def test_the_office_splits_a_plan_among_the_cells_and_a_rate_is_not_split(bithu):
    url = reverse(
        "cells:share_split",
        kwargs={"committee": CAU_THIA, "year": 2024, "slug": "ho-kinh-doanh-doanh-nghiep-moi"},
    )
    data = form_data(bithu.get(url), {"class": "share-form"})
    target = figure("ho-kinh-doanh-doanh-nghiep-moi").target_id
    data |= {f"s{n}-{target}-value": "2" for n in range(1, 11)}
    assert bithu.post(url, data).status_code == 302
    shares = shares_of(figure__target__slug="ho-kinh-doanh-doanh-nghiep-moi")
    assert sorted(shares.values_list("cell__number", "plan")) == [(n, 2) for n in range(1, 11)]
    rate = reverse(
        "cells:share_split", kwargs={"committee": CAU_THIA, "year": 2024, "slug": "bao-hiem-y-te"}
    )
    assert bithu.get(rate).status_code == 404


def test_a_closed_year_takes_no_share(chibo, bithu, django_user_model):
    year = Year.objects.get(committee__slug=CAU_THIA, year=2024)
    # So that the year may close: a final figure and a reason for each target.
    Figure.objects.filter(year=year).update(reason="Lý do minh họa.", actual=F("plan"))
    year.close(by=django_user_model.objects.get(username="bithu"))
    before = list(Share.objects.values_list("pk", "version"))
    url = shares_url(8)
    response = chibo(8).post(url, {f"s8-{figure(TREES).target_id}-value": "155"}, follow=True)
    assert "đã chốt số liệu" in text_of(response)
    assert list(Share.objects.values_list("pk", "version")) == before


# --- The rating's three steps -------------------------------------------------------------------


def rate(client, url, rating, counts):
    data = (
        form_data(client.get(url))
        | {"rating": rating}
        | dict(
            zip(
                ["members_excellent", "members_good", "members_completed", "members_not_completed"],
                map(str, counts),
                strict=True,
            )
        )
    )
    return client.post(url, data)


def test_the_cell_assesses_itself_the_ward_proposes_the_committee_decides(chibo, bithu):
    kwargs = {"committee": CAU_THIA, "year": 2024, "number": 3}
    own = rate(chibo(3), reverse("cells:rating_self", kwargs=kwargs), "excellent", (5, 12, 2, 0))
    assert own.status_code == 302
    proposal_page = bithu.get(reverse("cells:rating_proposal", kwargs=kwargs))
    assert "Hoàn thành xuất sắc nhiệm vụ" in text_of(proposal_page)  # the cell's own, shown
    assert 'id="cap"' in proposal_page.content.decode()  # the cap check at this step
    proposal = rate(bithu, reverse("cells:rating_proposal", kwargs=kwargs), "good", (3, 13, 3, 0))
    assert proposal.status_code == 302
    decision_url = reverse("cells:rating_edit", kwargs=kwargs)
    decided = bithu.post(decision_url, form_data(bithu.get(decision_url)))  # as proposed
    assert decided.status_code == 302

    cell_year = CellYear.objects.get(
        year__committee__slug=CAU_THIA, year__year=2024, cell__number=3
    )
    steps = {step.step: step for step in cell_year.steps.all()}
    assert (steps["self"].rating, steps["self"].by.username) == ("excellent", "chibo3")
    assert (steps["proposal"].rating, steps["proposal"].by.username) == ("good", "bithu")
    assert (cell_year.rating, cell_year.members_good, cell_year.decided_by.username) == (
        "good",
        13,
        "bithu",
    )
    assert cell_year.decided_at is not None
    # Once decided, the steps before it are kept as they were, even from a page left open.
    self_url = reverse("cells:rating_self", kwargs=kwargs)
    assert chibo(3).get(self_url).status_code == 302
    late = chibo(3).post(self_url, {"rating": "good", "members_good": "19"}, follow=True)
    assert "các bước trước được giữ nguyên" in text_of(late)
    assert RatingStep.objects.get(cell_year=cell_year, step="self").rating == "excellent"
    assert self_url not in chibo(3).get(reverse("cells:cell", kwargs=kwargs)).content.decode()


def test_10_of_10_and_86_percent_come_from_decided_counts_only(bithu, chibo):
    year = Year.objects.get(committee__slug=CAU_THIA, year=2023)
    totals = RatingTotals(year, CellYear.objects.filter(year=year), 10)
    assert (totals.cells_good_or_better, totals.members_good_or_better_percent) == (10, 86)
    # A self-assessment and a proposal that rate cell 1 "did not complete" change nothing.
    cell_year = CellYear.objects.get(cell__number=1, year=year)
    cell_year.decided_at = None
    cell_year.save()
    for step in ("self", "proposal"):
        RatingStep(
            cell_year=cell_year, step=step, rating="not_completed", members_not_completed=22
        ).save()
    again = RatingTotals(year, CellYear.objects.filter(year=year), 10)
    assert (again.cells_good_or_better, again.members_good_or_better_percent) == (10, 86)
    overview = text_of(bithu.get(reverse("cells:overview", args=[CAU_THIA, 2023])))
    assert "10/10 chi bộ hoàn thành tốt nhiệm vụ trở lên" in overview
    assert "86% đảng viên hoàn thành tốt nhiệm vụ trở lên" in overview
