"""A target that ends a full-year stage below its plan says why (hạn chế, nguyên nhân): the
reason is typed on its page or in the grid, printed in the report, and the year cannot close
while one is missing."""

import io
import re

from django.urls import reverse
from openpyxl import load_workbook

from targets.models import Figure, Year
from targets.numbers import format_number
from targets.progress import Kind

from .helpers import CAU_THIA, form_data, plain_text, text_of

# Below plan at the 2024 estimate in the demo, with no reason given.
MISSING_2024 = [
    "14. Giảm hộ cận nghèo",
    "20. Tỷ lệ trẻ em dưới 1 tuổi",
    "28. Tỷ lệ dân quân",
    "34. Tỷ lệ đảng viên",
    "36. Tỷ lệ đảng viên sử dụng",
]


def close(client, year=2024):
    """Close ``year`` from its review, the confirmation ticked."""
    url = reverse("targets:close", args=[CAU_THIA, year])
    return client.post(url, form_data(client.get(url)) | {"confirm": "on"}, follow=True)


def refusal(response):
    """The refusal the review shows above its closing form, one sentence a line."""
    alert = re.search(
        r'<div class="conflict" role="alert">(.*?)</div>', response.content.decode(), re.S
    )
    return [plain_text(line) for line in re.findall(r"<p>(.*?)</p>", alert.group(1), re.S)]


def test_closing_is_refused_with_the_targets_still_lacking_a_reason(bithu):
    lacking = next(line for line in refusal(close(bithu)) if "hãy ghi nguyên nhân" in line)
    assert "chưa thể chốt số liệu" in lacking
    for target in MISSING_2024:
        assert target in lacking
    assert "4. Thu ngân sách" not in lacking  # it has its reason
    assert not Year.objects.get(committee__slug=CAU_THIA, year=2024).is_closed


def test_closing_is_allowed_once_every_missing_reason_and_final_figure_is_given_on_the_grid(
    bithu,
):
    url = reverse("targets:grid", args=[CAU_THIA, 2024])
    data = form_data(bithu.get(url, {"stage": "estimate"}), {"class": "grid-form"})
    missing = [
        f
        for f in Figure.objects.filter(year__committee__slug=CAU_THIA, year__year=2024)
        if f.needs_reason
    ]
    assert len(missing) == len(MISSING_2024)
    for figure in missing:
        data[f"f{figure.pk}-reason"] = "Nguồn lực còn hạn chế; một số hộ chưa đồng thuận."
    assert bithu.post(f"{url}?stage=estimate", data).status_code == 302
    refused = text_of(close(bithu))
    assert "chưa có số thực hiện cả năm" in refused  # the reasons alone are not enough
    assert "đồng chí hãy ghi nguyên nhân" not in refused
    # The final figures, as the estimates were, or the plan where there was none.
    data = form_data(bithu.get(url, {"stage": "final"}), {"class": "grid-form"})
    for figure in Figure.objects.filter(
        year__committee__slug=CAU_THIA, year__year=2024
    ).select_related("target"):
        final = figure.actual_estimate if figure.actual_estimate is not None else figure.plan
        shown = str(int(final)) if figure.target.kind == Kind.MILESTONE else format_number(final)
        data[f"f{figure.pk}-actual"] = shown
    assert bithu.post(f"{url}?stage=final", data).status_code == 302
    assert "Đã chốt số liệu năm 2024" in text_of(close(bithu))
    assert Year.objects.get(committee__slug=CAU_THIA, year=2024).is_closed


def test_a_reason_typed_on_the_figures_page_reaches_the_print_view_and_the_workbook(bithu):
    url = reverse("targets:edit", args=[CAU_THIA, 2024, "giam-ho-can-ngheo"])
    reason = "Một số hộ mới phát sinh do ốm đau, thiên tai."
    assert bithu.post(url, form_data(bithu.get(url)) | {"reason": reason}).status_code == 302
    assert reason in text_of(bithu.get(reverse("targets:report", args=[CAU_THIA, 2024])))
    workbook = bithu.get(reverse("targets:report_workbook", args=[CAU_THIA, 2024]))
    sheet = load_workbook(io.BytesIO(workbook.content))["Chỉ tiêu"]
    header = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "STT")
    row = next(row for row in sheet.iter_rows(values_only=True) if row[1] == "Giảm hộ cận nghèo")
    assert row[header.index("Nguyên nhân")] == reason


def test_the_2023_final_figures_below_plan_each_carry_a_reason_in_the_demo(bithu):
    lacking = [
        f.target.slug
        for f in Figure.objects.filter(year__committee__slug=CAU_THIA, year__year=2023)
        if f.needs_reason
    ]
    assert lacking == []
