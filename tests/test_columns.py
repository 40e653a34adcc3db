"""The report's columns are declared once (targets.columns): a column added there is on the
dashboard, in the print view and in the workbook, with nothing else changed."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from targets import columns

from .helpers import CAU_THIA, row_for, text_of

BHYT_NAME = "Tỷ lệ dân số tham gia bảo hiểm y tế"
KEY = columns.Column(
    "key", "Mã chỉ tiêu", lambda row: row.target.slug, layout=columns.CENTER, width=24
)


def test_a_column_declared_once_shows_on_the_dashboard_the_print_view_and_the_workbook(
    bithu, monkeypatch
):
    monkeypatch.setattr(columns, "REPORT_COLUMNS", [*columns.REPORT_COLUMNS, KEY])

    dashboard = bithu.get(reverse("targets:dashboard", args=[CAU_THIA, 2023]))
    assert "Mã chỉ tiêu" in text_of(dashboard)
    assert "| bao-hiem-y-te" in row_for(dashboard, BHYT_NAME)

    printed = bithu.get(reverse("targets:report", args=[CAU_THIA, 2023]))
    assert "Mã chỉ tiêu" in text_of(printed)
    assert "| bao-hiem-y-te" in row_for(printed, BHYT_NAME)

    response = bithu.get(reverse("targets:report_workbook", args=[CAU_THIA, 2023]))
    sheet = load_workbook(io.BytesIO(response.content))["Chỉ tiêu"]
    header = next(row for row in sheet.iter_rows(values_only=True) if "Mã chỉ tiêu" in row)
    bhyt = next(row for row in sheet.iter_rows(values_only=True) if BHYT_NAME in row)
    assert bhyt[header.index("Mã chỉ tiêu")] == "bao-hiem-y-te"


def test_a_column_left_out_of_the_declaration_is_on_none_of_the_three(bithu, monkeypatch):
    kept = [column for column in columns.REPORT_COLUMNS if column.name != "unit"]
    monkeypatch.setattr(columns, "REPORT_COLUMNS", kept)
    for name in ("targets:dashboard", "targets:report"):
        page = bithu.get(reverse(name, args=[CAU_THIA, 2023]))
        assert page.status_code == 200
        assert "ĐVT" not in text_of(page)
    response = bithu.get(reverse("targets:report_workbook", args=[CAU_THIA, 2023]))
    sheet = load_workbook(io.BytesIO(response.content))["Chỉ tiêu"]
    assert "ĐVT" not in [value for row in sheet.iter_rows(values_only=True) for value in row]
