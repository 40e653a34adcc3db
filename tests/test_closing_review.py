"""Closing a year is a deliberate act: "Chốt số liệu năm" opens a review of what the closing
would freeze. What blocks it (a target with a plan and no final figure, a target below plan
without a reason) is listed with where to fix it, and the year refuses to close while any
remains, whoever asks; the warnings (a draft report, undecided ratings, cells that have not
reported) are confirmed with a tick. An office without final figures may take the estimate as
the final figure, target by target, through the figures' one write path."""

import ast
import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from cells.models import Cell, CellYear, Share
from targets.models import Figure, FigureChange, ReportText, Year, YearEvent
from targets.numbers import format_number
from targets.progress import Kind
from targets.stages import Stage

from .helpers import CAU_THIA, fields_of, form_data, signed_in, text_of

# Below plan at the 2024 estimate in the demo, with no reason given.
MISSING_2024 = [
    "14. Giảm hộ cận nghèo",
    "20. Tỷ lệ trẻ em dưới 1 tuổi được tiêm chủng đầy đủ",
    "28. Tỷ lệ dân quân tham gia huấn luyện",
    "34. Tỷ lệ đảng viên hoàn thành tốt nhiệm vụ",
    "36. Tỷ lệ đảng viên sử dụng ứng dụng",
]
A_REASON = "Nguồn lực còn hạn chế; sẽ khắc phục năm sau."


def review_url(year):
    return reverse("targets:close", args=[CAU_THIA, year])


def take_url(year):
    return reverse("targets:take_estimates", args=[CAU_THIA, year])


def estimates_form(page):
    """What the review's "take the estimate as the final figure" form posts as rendered."""
    html = page.content.decode()
    match = re.search(
        r'<form\b[^>]*class="[^"]*\btake-estimates\b[^"]*"[^>]*>(.*?)</form>', html, re.S
    )
    assert match, "no form to take the estimates"
    return fields_of(match.group(1))


def offered(page):
    """The figure ids the take-estimate form offers to tick."""
    return [int(pk) for pk in re.findall(r'name="taken" value="(\d+)"', page.content.decode())]


def figure(slug, year=2024):
    return figures_of(year).select_related("target").get(target__slug=slug)


def figures_of(year):
    """Cầu Thia's figures of ``year``."""
    return Figure.objects.filter(year__committee__slug=CAU_THIA, year__year=year)


def still_open(year):
    return (
        not Year.objects.get(committee__slug=CAU_THIA, year=year).is_closed
        and not YearEvent.objects.filter(year__committee__slug=CAU_THIA, year__year=year).exists()
    )


# --- The review -----------------------------------------------------------------------------


def test_the_dashboard_leads_to_the_review_and_no_longer_closes_with_one_click(bithu):
    html = bithu.get(reverse("targets:dashboard", args=[CAU_THIA, 2024])).content.decode()
    assert f'<a class="button" href="{review_url(2024)}">Chốt số liệu năm</a>' in html
    assert f'action="{review_url(2024)}"' not in html


def test_the_review_of_the_open_year_lists_what_blocks_closing_each_with_where_to_fix_it(bithu):
    page = bithu.get(review_url(2024))
    assert page.status_code == 200
    text, html = text_of(page), page.content.decode()
    assert "Chốt số liệu sẽ khóa năm 2024" in text
    assert "trừ khi mở lại để điều chỉnh, kèm lý do" in text
    assert "40 chỉ tiêu đã giao kế hoạch nhưng chưa có số thực hiện cả năm" in text
    # Qualitative targets count too: their final figure is "achieved" or not.
    assert "25. Duy trì đạt chuẩn phổ cập giáo dục · Kế hoạch: Duy trì" in text
    assert "5 chỉ tiêu chưa đạt kế hoạch chưa ghi nguyên nhân" in text
    blocking = text[text.index("chưa ghi nguyên nhân") : text.index("Lấy số ước làm số thực hiện")]
    for target in MISSING_2024:
        assert target in blocking
    assert "4. Thu ngân sách" not in blocking  # below plan, with its reason
    edit = reverse("targets:edit", args=[CAU_THIA, 2024, "giam-ho-can-ngheo"])
    assert html.count(f'href="{edit}?next={review_url(2024)}"') == 2  # no final figure, no reason
    assert html.count(f'href="{reverse("targets:grid", args=[CAU_THIA, 2024])}?stage=final"') == 2
    assert re.search(r'<button type="submit" class="danger" disabled', html)


def test_a_blocking_item_is_fixed_from_its_link_and_the_editor_comes_back_to_the_review(bithu):
    review = bithu.get(review_url(2024))
    edit = re.search(r'href="([^"]*/giam-ho-can-ngheo/edit/[^"]*)"', review.content.decode())
    page = bithu.get(edit.group(1).replace("&amp;", "&"))
    data = form_data(page) | {"actual": "11", "reason": A_REASON}
    saved = bithu.post(edit.group(1).replace("&amp;", "&"), data)
    assert saved.status_code == 302 and saved.url == review_url(2024)
    text = text_of(bithu.get(review_url(2024)))
    assert "39 chỉ tiêu đã giao kế hoạch nhưng chưa có số thực hiện cả năm" in text
    assert "4 chỉ tiêu chưa đạt kế hoạch chưa ghi nguyên nhân" in text


def test_the_warnings_name_the_draft_report_the_undecided_ratings_and_the_silent_cells(bithu):
    text = text_of(bithu.get(review_url(2024)))
    warnings = text[text.index("Lưu ý trước khi chốt") :]
    assert "Báo cáo thực hiện cả năm vẫn là bản dự thảo (DỰ THẢO)" in warnings
    assert "10 chi bộ chưa được quyết định xếp loại: Chi bộ tổ dân phố số 1;" in warnings
    assert "10 chi bộ chưa báo cáo đủ số thực hiện cả năm" in warnings
    assert "Chi bộ tổ dân phố số 1 (còn 4/4 chỉ tiêu chưa báo cáo)" in warnings


def test_a_final_report_a_decided_rating_reported_shares_and_an_inactive_cell_leave_no_warning(
    bithu, django_user_model
):
    office = django_user_model.objects.get(username="bithu")
    year = Year.objects.get(committee__slug=CAU_THIA, year=2024)
    values = {"results": "Kết quả.", "shortcomings": "", "directions": "", "is_final": True}
    ReportText.write(year, Stage.FINAL, values, office, 0)
    decided = datetime(2025, 1, 3, 9, tzinfo=UTC)
    CellYear.objects.filter(year=year, cell__number=1).update(
        rating="good", decided_at=decided, decided_by=office
    )
    for share in Share.objects.filter(year=year, cell__number=1):
        share.write({"actual": Decimal(1)}, office, share.version)
    Cell.objects.filter(committee__slug=CAU_THIA, number=2).update(is_active=False)

    warnings = text_of(bithu.get(review_url(2024)))
    warnings = warnings[warnings.index("Lưu ý trước khi chốt") :]
    assert "bản dự thảo" not in warnings
    assert "8 chi bộ chưa được quyết định xếp loại" in warnings
    assert "8 chi bộ chưa báo cáo đủ số thực hiện cả năm" in warnings
    for cell in ("Chi bộ tổ dân phố số 1 ", "Chi bộ tổ dân phố số 1;", "Chi bộ tổ dân phố số 2"):
        assert cell not in warnings


def test_the_targets_app_names_the_cells_warnings_without_importing_the_cells():
    for module in Path(settings.BASE_DIR, "targets").rglob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        imported = [
            name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for name in (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
            )
        ]
        assert not [name for name in imported if name.split(".")[0] == "cells"], module


def test_the_review_costs_the_same_queries_whatever_is_left_to_do(bithu, django_assert_num_queries):
    # 1 session, 2 user, 3-4 permissions, 5-6 the door (the committee the address names, the
    # user's account), 7 the year, 8 its figures with targets and areas, 9 whether the full
    # year's report is final, 10 the active cells, 11 their decided ratings, 12 the shares
    # without a final figure by cell
    bithu.get(review_url(2023))  # the first page after sign-in also moves the session's expiry
    for year in (2023, 2024):
        with django_assert_num_queries(12):
            assert bithu.get(review_url(year)).status_code == 200


def test_a_closed_years_review_leads_back_to_its_dashboard(bithu):
    assert bithu.post(review_url(2023), {"confirm": "on"}).status_code == 302
    page = bithu.get(review_url(2023), follow=True)
    assert page.redirect_chain[-1][0] == reverse("targets:dashboard", args=[CAU_THIA, 2023])
    assert "Năm 2023 đã chốt số liệu" in text_of(page)


# --- Closing --------------------------------------------------------------------------------


def test_a_year_with_a_blocking_item_never_closes_even_confirmed_or_crafted_by_hand(bithu):
    page = bithu.get(review_url(2024))
    confirmed = bithu.post(review_url(2024), form_data(page) | {"confirm": "on"})
    assert confirmed.status_code == 400
    refusal = text_of(confirmed)
    assert "Năm này chưa thể chốt số liệu: các chỉ tiêu sau đã giao kế hoạch" in refusal
    assert "chưa thể chốt số liệu: đồng chí hãy ghi nguyên nhân" in refusal
    assert still_open(2024)
    for crafted in ({"confirm": "on"}, {"confirm": "1", "force": "1"}, {}):
        assert bithu.post(review_url(2024), crafted).status_code == 400
        assert still_open(2024)


def test_the_year_itself_refuses_to_close_naming_what_blocks_it(django_user_model, demo):
    year = Year.objects.get(committee__slug=CAU_THIA, year=2024)
    with pytest.raises(ValidationError) as refused:
        year.close(by=django_user_model.objects.get(username="bithu"))
    codes = [error.code for error in refused.value.error_list]
    assert codes == ["final_missing", "reasons_missing"]
    assert "14. Giảm hộ cận nghèo" in " ".join(refused.value.messages)
    assert still_open(2024)


def test_a_year_with_nothing_blocking_asks_for_the_confirmation_then_closes(bithu):
    page = bithu.get(review_url(2023))
    assert "Không còn việc gì phải hoàn thành trước khi chốt" in text_of(page)
    data = form_data(page)
    assert "confirm" not in data  # the box is never ticked for the user
    unconfirmed = bithu.post(review_url(2023), data)
    assert unconfirmed.status_code == 400
    assert "Đồng chí hãy đánh dấu ô xác nhận đã đọc các lưu ý" in text_of(unconfirmed)
    assert "bản dự thảo" not in text_of(unconfirmed)  # the demo's 2023 report is issued
    assert still_open(2023)
    closed = bithu.post(review_url(2023), data | {"confirm": "on"}, follow=True)
    assert "Đã chốt số liệu năm 2023" in text_of(closed)
    assert Year.objects.get(committee__slug=CAU_THIA, year=2023).is_closed
    events = YearEvent.objects.filter(year__committee__slug=CAU_THIA, year__year=2023)
    assert [(event.action, event.by.username) for event in events] == [("close", "bithu")]


def test_once_every_final_figure_and_reason_is_in_the_open_year_closes_with_the_confirmation(
    bithu,
):
    review = bithu.get(review_url(2024))
    data = estimates_form(review) | {"taken": offered(review)}
    assert bithu.post(take_url(2024), data).status_code == 302
    grid = reverse("targets:grid", args=[CAU_THIA, 2024])
    data = form_data(bithu.get(grid, {"stage": "final"}), {"class": "grid-form"})
    for left in figures_of(2024).filter(actual=None).select_related("target"):
        plan = left.plan if left.target.kind != Kind.MILESTONE else int(left.plan)
        data[f"f{left.pk}-actual"] = str(plan) if isinstance(plan, int) else format_number(plan)
    for below in [f for f in figures_of(2024) if f.needs_reason]:
        data[f"f{below.pk}-reason"] = A_REASON
    assert bithu.post(f"{grid}?stage=final", data).status_code == 302

    page = bithu.get(review_url(2024))
    assert "Không còn việc gì phải hoàn thành trước khi chốt" in text_of(page)
    assert bithu.post(review_url(2024), form_data(page)).status_code == 400
    assert still_open(2024)
    assert bithu.post(review_url(2024), form_data(page) | {"confirm": "on"}).status_code == 302
    assert Year.objects.get(committee__slug=CAU_THIA, year=2024).is_closed


# --- Taking the estimate as the final figure ------------------------------------------------


def test_no_estimate_is_ticked_for_the_office(bithu):
    page = bithu.get(review_url(2024))
    assert len(offered(page)) == 25  # the 2024 targets with an estimate
    assert "taken" not in estimates_form(page)


def test_taking_the_estimate_writes_only_the_ticked_rows_with_who_did_it(bithu):
    page = bithu.get(review_url(2024))
    bhyt, poor = figure("bao-hiem-y-te"), figure("giam-ho-can-ngheo")
    changes = FigureChange.objects.count()
    response = bithu.post(take_url(2024), estimates_form(page) | {"taken": [bhyt.pk, poor.pk]})
    assert response.status_code == 302 and response.url == review_url(2024)
    assert "Đã lấy số ước làm số thực hiện của 2 chỉ tiêu" in text_of(bithu.get(response.url))
    assert FigureChange.objects.count() == changes + 2
    for before in (bhyt, poor):
        after = Figure.objects.get(pk=before.pk)
        assert (after.actual, after.version) == (before.actual_estimate, before.version + 1)
        change = after.changes.get(version=after.version)
        assert change.changed_by.username == "bithu"
        assert (change.old_actual, change.new_actual) == (None, before.actual_estimate)
        assert change.new_actual_estimate == before.actual_estimate
    untouched = figures_of(2024).exclude(pk__in=[bhyt.pk, poor.pk])
    assert list(untouched.exclude(actual=None)) == []


def test_a_figure_changed_since_the_page_was_opened_refuses_the_whole_taking(
    bithu, django_user_model
):
    page = bithu.get(review_url(2024))
    bhyt, poor = figure("bao-hiem-y-te"), figure("giam-ho-can-ngheo")
    data = estimates_form(page) | {"taken": [bhyt.pk, poor.pk]}
    other = django_user_model.objects.create_user("vanphong2", first_name="Lò Thị Mai")
    poor.note = "Số liệu phòng Lao động."
    poor.save(changed_by=other, expected_version=poor.version)
    changes = FigureChange.objects.count()

    refused = bithu.post(take_url(2024), data)

    assert refused.status_code == 409
    assert FigureChange.objects.count() == changes
    assert list(figures_of(2024).exclude(actual=None)) == []
    assert "Chưa ghi gì: 14. Giảm hộ cận nghèo (Lò Thị Mai) đã được sửa" in text_of(refused)
    again = estimates_form(refused)
    assert again["taken"] == str(bhyt.pk)  # the row that did not change stays ticked
    retaken = bithu.post(take_url(2024), again | {"taken": [bhyt.pk, poor.pk]})
    assert retaken.status_code == 302
    assert figure("giam-ho-can-ngheo").actual == poor.actual_estimate


def test_a_figure_without_an_estimate_or_with_a_final_figure_is_never_taken(bithu):
    page = bithu.get(review_url(2024))
    data = estimates_form(page)
    food = figure("san-luong-luong-thuc")  # a plan, no estimate
    crafted = data | {"taken": [food.pk], f"v{food.pk}": food.version}
    assert bithu.post(take_url(2024), crafted).status_code == 400
    old = figure("bao-hiem-y-te", 2023)  # another year's, with its final figure
    crafted = data | {"taken": [old.pk], f"v{old.pk}": old.version}
    assert bithu.post(take_url(2024), crafted).status_code == 400
    assert bithu.post(take_url(2024), data).status_code == 400  # nothing ticked
    assert list(figures_of(2024).exclude(actual=None)) == []
    assert figure("bao-hiem-y-te", 2023).version == old.version


def test_the_model_refuses_to_overwrite_a_final_figure_with_the_estimate(demo, django_user_model):
    bithu = django_user_model.objects.get(username="bithu")
    bhyt = figure("bao-hiem-y-te", 2023)
    bhyt.actual_estimate = Decimal("96.5")
    bhyt.save(changed_by=bithu)
    with pytest.raises(ValidationError):
        bhyt.take_estimate_as_final(bithu, bhyt.version)
    assert figure("bao-hiem-y-te", 2023).actual == Decimal("95.77")


def test_taking_the_estimate_is_a_post(bithu):
    assert bithu.get(take_url(2024)).status_code == 405


def test_a_closed_year_takes_no_estimate(bithu):
    page = bithu.get(review_url(2024))
    data = estimates_form(page) | {"taken": offered(page)[:1]}
    Year.objects.filter(committee__slug=CAU_THIA, year=2024).update(is_closed=True)
    refused = bithu.post(take_url(2024), data, follow=True)
    assert "Năm 2024 đã chốt số liệu" in text_of(refused)
    assert list(figures_of(2024).exclude(actual=None)) == []


# --- Who may ---------------------------------------------------------------------------------


@pytest.mark.parametrize("number", [1, 3])
def test_a_cell_secretary_gets_403_on_the_review_and_its_actions(secretary, number):
    chibo = signed_in(secretary(number))
    bhyt = figure("bao-hiem-y-te")
    assert chibo.get(review_url(2024)).status_code == 403
    assert chibo.get(review_url(2023)).status_code == 403
    assert chibo.post(review_url(2023), {"confirm": "on"}).status_code == 403
    taken = {"taken": [bhyt.pk], f"v{bhyt.pk}": bhyt.version}
    assert chibo.post(take_url(2024), taken).status_code == 403
    assert chibo.get(take_url(2024)).status_code == 403
    assert still_open(2023) and still_open(2024)
    assert figure("bao-hiem-y-te").version == bhyt.version


def test_someone_not_signed_in_is_sent_to_sign_in(demo):
    for url in (review_url(2024), take_url(2024)):
        response = Client().post(url, {"confirm": "on"})
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert still_open(2024)
