"""A year is reported at three stages: six months, the estimate for the year, the final figure.
Each stage is kept apart, through the one write path and its history, and every page, the
print view and the workbook show a chosen stage and say which."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from targets.models import Figure, FigureChange, Year
from targets.progress import Assessment, assess, percent_of_plan
from targets.report import YearReport
from targets.stages import Stage

from .helpers import CAU_THIA, form_data, row_for, text_of

BHYT = "bao-hiem-y-te"
BHYT_NAME = "Tỷ lệ dân số tham gia bảo hiểm y tế"
CRIME = "toi-pham-trat-tu-xa-hoi"


def figure(slug=BHYT, year=2024):
    return Figure.objects.select_related("target").get(
        target__slug=slug, year__committee__slug=CAU_THIA, year__year=year
    )


def edit(client, slug=BHYT, year=2024, **values):
    url = reverse("targets:edit", args=[CAU_THIA, year, slug])
    return client.post(url, form_data(client.get(url)) | values)


def sheet(client, year=2024, stage=None):
    url = reverse("targets:report_workbook", args=[CAU_THIA, year])
    response = client.get(url, {"stage": stage} if stage else {})
    return load_workbook(io.BytesIO(response.content))["Chỉ tiêu"], response


def texts(ws):
    return [value for row in ws.iter_rows(values_only=True) for value in row if value]


def test_an_estimate_then_a_final_figure_are_kept_apart_in_the_figure_and_its_history(bithu):
    assert edit(bithu, actual_estimate="96,8").status_code == 302
    assert edit(bithu, actual="96,3").status_code == 302
    stored = figure()
    assert (stored.actual_estimate, stored.actual) == (Decimal("96.8"), Decimal("96.3"))
    first, second = FigureChange.objects.filter(figure=stored).order_by("-version")[:2][::-1]
    assert (first.old_actual_estimate, first.new_actual_estimate) == (
        Decimal("97.42"),
        Decimal("96.8"),
    )
    assert (second.old_actual, second.new_actual) == (None, Decimal("96.3"))
    assert second.new_actual_estimate == Decimal("96.8")  # the estimate stays as it was
    page = text_of(bithu.get(reverse("targets:target", args=[CAU_THIA, 2024, BHYT])))
    assert "97,42 → 96,8" in page and "– → 96,3" in page


def test_each_stage_shows_in_the_reports_of_its_stage(bithu):
    edit(bithu, actual_estimate="96,8", actual="96,3")
    for stage, value, percent in [
        ("half", "96,13", "99,62%"),
        ("estimate", "96,8", "100,31%"),
        ("final", "96,3", "99,79%"),
    ]:
        page = bithu.get(reverse("targets:dashboard", args=[CAU_THIA, 2024]), {"stage": stage})
        row = row_for(page, BHYT_NAME)  # an illustrative actual is marked "minh họa"
        assert f"| {value}" in row and f"| {percent} |" in row, stage
        ws, _response = sheet(bithu, stage=stage)
        row = next(r for r in ws.iter_rows(values_only=True) if r[1] == BHYT_NAME)
        assert Decimal(str(row[4])) == Decimal(value.replace(",", "."))


def test_a_page_shows_the_latest_stage_with_data_and_says_which(bithu):
    page = text_of(bithu.get(reverse("targets:dashboard", args=[CAU_THIA, 2024])))
    assert "Ước thực hiện cả năm" in page
    assert "Số liệu ước thực hiện cả năm" in text_of(
        bithu.get(reverse("targets:report", args=[CAU_THIA, 2024]))
    )
    ws, response = sheet(bithu)
    assert "(Số liệu ước thực hiện cả năm)" in texts(ws)
    assert response["Content-Disposition"].endswith('bao-cao-2024-uoc-ca-nam.xlsx"')
    ws, _response = sheet(bithu, year=2023)
    assert "(Số liệu thực hiện cả năm)" in texts(ws)


def test_at_six_months_a_target_shows_its_level_against_the_years_plan_without_verdict(bithu):
    page = bithu.get(reverse("targets:dashboard", args=[CAU_THIA, 2024]), {"stage": "half"})
    row = row_for(page, BHYT_NAME)
    assert "Vượt" not in row and "Chưa đạt" not in row and "Đạt" not in row.split("|")[-1]
    assert "Mức 6 tháng" in row
    summary = text_of(page)
    assert "có số liệu 6 tháng" in summary


@pytest.mark.parametrize(
    ("kind", "direction", "plan", "actual", "percent"),
    [
        ("count", "higher", "1260", "624", Decimal("49.52")),
        ("rate", "lower", "2", "1", Decimal("50.00")),  # half the ceiling used, not "200 %"
        ("reduction", "higher", "8", "5", Decimal("62.50")),
    ],
)
def test_at_six_months_every_kind_reads_as_a_share_of_the_years_plan(
    kind, direction, plan, actual, percent
):
    assert percent_of_plan(kind, direction, Decimal(plan), Decimal(actual), Stage.HALF) == percent
    assert assess(kind, direction, Decimal(plan), Decimal(actual), Stage.HALF) == Assessment.REACHED


def test_the_articles_2023_figures_are_final_figures_and_come_out_as_before(bithu):
    page = bithu.get(reverse("targets:dashboard", args=[CAU_THIA, 2023]))
    assert "| 96 | 95,77 | 99,76%" in row_for(page, BHYT_NAME)
    assert (
        YearReport.for_year(Year.objects.get(committee__slug=CAU_THIA, year=2023)).stage
        == Stage.FINAL
    )


def test_the_grid_enters_the_stage_it_shows(bithu):
    url = reverse("targets:grid", args=[CAU_THIA, 2024])
    page = bithu.get(url, {"stage": "half"})
    data = form_data(page, {"class": "grid-form"})
    pk = figure().pk
    assert data[f"f{pk}-actual_half"] == "96,13"
    assert f"f{pk}-actual" not in data and f"f{pk}-actual_estimate" not in data
    data[f"f{pk}-actual_half"] = "96,2"
    response = bithu.post(f"{url}?stage=half", data)
    assert response.status_code == 302 and response.url.endswith("?stage=half")
    stored = figure()
    assert (stored.actual_half, stored.actual_estimate) == (Decimal("96.2"), Decimal("97.42"))


# --- No plan is not no data -------------------------------------------------------------------


def test_a_target_with_an_actual_but_no_plan_is_without_a_plan_not_without_data(bithu):
    members = figure("dang-vien-hoan-thanh-tot-nhiem-vu", 2023)
    assert (members.plan, members.actual) == (None, Decimal(86))
    page = bithu.get(reverse("targets:dashboard", args=[CAU_THIA, 2023]))
    assert "Chưa giao kế hoạch" in row_for(page, "Tỷ lệ đảng viên hoàn thành tốt nhiệm vụ")
    summary = text_of(page)
    assert "11 chỉ tiêu chưa đạt, 01 chỉ tiêu chưa giao kế hoạch" in summary
    ws, _response = sheet(bithu, year=2023)
    assert any("01 chỉ tiêu chưa giao kế hoạch" in str(text) for text in texts(ws))


# --- Same period last year ----------------------------------------------------------------------


def test_the_report_compares_with_the_same_period_of_last_year(bithu):
    edit(bithu, actual="97")
    ws, _response = sheet(bithu, stage="final")
    header = next(r for r in ws.iter_rows(values_only=True) if r[0] == "STT")
    row = next(r for r in ws.iter_rows(values_only=True) if r[1] == BHYT_NAME)
    previous = row[header.index("Thực hiện năm 2023")]
    assert Decimal(str(previous)) == Decimal("95.77")
    percent = row[header.index("Tỷ lệ % so với thực hiện năm 2023")]
    assert Decimal(str(percent)) == Decimal("101.28")  # 97 / 95,77
    page = bithu.get(
        reverse("targets:dashboard", args=[CAU_THIA, 2024]), {"stage": "final", "compare": "1"}
    )
    assert "95,77 | 101,28%" in row_for(page, BHYT_NAME)


def test_the_year_end_report_shows_next_years_plan_once_set(bithu):
    ws, _response = sheet(bithu, year=2023)
    header = next(r for r in ws.iter_rows(values_only=True) if r[0] == "STT")
    assert "Kế hoạch năm 2024" in header
    row = next(r for r in ws.iter_rows(values_only=True) if r[1] == BHYT_NAME)
    assert Decimal(str(row[header.index("Kế hoạch năm 2024")])) == Decimal("96.5")
    ws, _response = sheet(bithu, year=2024)
    header = next(r for r in ws.iter_rows(values_only=True) if r[0] == "STT")
    assert "Kế hoạch năm 2025" not in header  # 2025 is not set up


def test_the_target_page_shows_every_stage(bithu):
    page = text_of(bithu.get(reverse("targets:target", args=[CAU_THIA, 2024, BHYT])))
    for words in ("Thực hiện 6 tháng", "96,13", "Ước thực hiện cả năm", "97,42"):
        assert words in page
