"""The nine months' stage (9 tháng: the level reached by 30 September, no verdict) through
every road a figure takes: the grid, the dashboard, the figure's history, the workbook and its
import back, the print view and the Word document, each at ``?stage=nine``."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from targets.models import Figure, FigureChange
from targets.stages import Stage

from .helpers import CAU_THIA, form_data, row_for, text_of
from .test_import import upload, write

YEAR = 2024
NINE = Stage.NINE.value
BHYT = "bao-hiem-y-te"
BHYT_NAME = "Tỷ lệ dân số tham gia bảo hiểm y tế"
CRIME = "toi-pham-trat-tu-xa-hoi"


def figure(slug):
    return Figure.objects.get(target__slug=slug, year__committee__slug=CAU_THIA, year__year=YEAR)


def at_nine(name, **params):
    return reverse(f"targets:{name}", args=[CAU_THIA, YEAR]) + f"?stage={NINE}"


@pytest.fixture
def entered(bithu):
    """The BHYT rate and the crime cases at nine months, entered on the year's grid."""
    page = bithu.get(at_nine("grid"))
    data = form_data(page, {"class": "grid-form"})
    bhyt, crime = figure(BHYT), figure(CRIME)
    assert f"f{bhyt.pk}-actual_nine" in data  # the grid at nine months enters that stage
    assert not any(name.endswith("-actual_estimate") for name in data)
    data |= {f"f{bhyt.pk}-actual_nine": "96,4", f"f{crime.pk}-actual_nine": "3"}
    response = bithu.post(at_nine("grid"), data | {"confirm": "on"})
    assert response.status_code == 302, text_of(response)[:2000]
    return bithu


def test_the_grid_writes_the_nine_months_figures_and_their_history(entered):
    stored = figure(BHYT)
    assert stored.actual_nine == Decimal("96.4")
    assert stored.actual_half == Decimal("96.13")  # the other stages as they were
    change = FigureChange.objects.filter(figure=stored).order_by("-version").first()
    assert (change.old_actual_nine, change.new_actual_nine) == (None, Decimal("96.4"))
    page = text_of(entered.get(reverse("targets:target", args=[CAU_THIA, YEAR, BHYT])))
    assert "9 tháng" in page and "– → 96,4" in page


def test_the_dashboard_at_nine_months_shows_the_level_without_verdict(entered):
    page = entered.get(reverse("targets:dashboard", args=[CAU_THIA, YEAR]), {"stage": NINE})
    row = row_for(page, BHYT_NAME)
    assert "| 96,4" in row and "99,90%" in row and "Mức 9 tháng" in row
    assert "Vượt" not in row and "Chưa đạt" not in row
    assert "có số liệu 9 tháng" in text_of(page)


def test_the_workbook_at_nine_months_reads_back_through_the_import(entered):
    response = entered.get(at_nine("report_workbook"))
    assert 'filename="bao-cao-2024-9-thang.xlsx"' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["Chỉ tiêu"]
    texts = [value for row in sheet.iter_rows(values_only=True) for value in row if value]
    assert any("9 tháng" in str(text) for text in texts)
    row = next(row for row in sheet.iter_rows() if row[1].value == BHYT_NAME)
    actual = next(c for c in row if isinstance(c.value, (int, float)) and c.value == 96.4)
    actual.value = 96.7
    changed = io.BytesIO()
    workbook.save(changed)
    page = upload(entered, changed.getvalue(), stage=Stage.NINE)
    assert "96,7" in text_of(page)
    write(entered, page)
    stored = figure(BHYT)
    assert stored.actual_nine == Decimal("96.7") and stored.actual_half == Decimal("96.13")
    change = FigureChange.objects.filter(figure=stored).order_by("-version").first()
    assert change.imported_from is not None and change.new_actual_nine == Decimal("96.7")


def test_the_print_view_and_the_word_document_at_nine_months(entered):
    printed = text_of(entered.get(at_nine("report")))
    assert "9 THÁNG ĐẦU NĂM 2024" in printed.upper()
    assert "Số liệu thực hiện 9 tháng" in printed
    response = entered.get(at_nine("report_docx"))
    assert 'filename="bao-cao-2024-9-thang.docx"' in response["Content-Disposition"]
    document = Document(io.BytesIO(response.content))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "9 tháng đầu năm 2024" in text
    assert "III- PHƯƠNG HƯỚNG, NHIỆM VỤ 3 THÁNG CUỐI NĂM 2024" in text
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "96,4" in cells and "Mức 9 tháng" in cells
