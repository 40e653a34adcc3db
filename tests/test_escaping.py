"""What people type is shown as text: markup is escaped on every page, and formula-like text
stays text in every workbook."""

import io

import pytest
from django.urls import reverse
from django.utils.html import escape
from openpyxl import load_workbook

from cells.models import Cell, CellYear, Task
from targets.models import Figure, ReportText, Year

from .helpers import CAU_THIA

BHYT = "bao-hiem-y-te"
NOTE = '<script>alert("x")</script><b>đậm</b>'


def markup(label):
    return f'{label} <script>alert("{label}")</script><img src=x onerror=alert(1)>'


UNIT = "<script>%<img src=x onerror=alert(1)>"  # a unit holds at most 50 characters
TEXTS = {
    "note": NOTE,
    "target": markup("Chỉ tiêu"),
    "unit": UNIT,
    "area": markup("Lĩnh vực"),
    "committee": markup("Đảng bộ"),
    "plan_document": markup("Kế hoạch"),
    "year_secretary": markup("Bí thư Đảng ủy"),
    "cell": markup("Chi bộ"),
    "cell_secretary": markup("Bí thư chi bộ"),
    "description": markup("Việc cần làm"),
    "responsible": markup("Người phụ trách"),
    "task_note": markup("Ghi chú"),
}


def cau_thia_2023():
    """The demo ward's year 2023, open."""
    return Year.objects.get(committee__slug=CAU_THIA, year=2023)


@pytest.fixture
def marked_up(demo):
    """Markup in every text a person types that the ward's pages show."""
    year = cau_thia_2023()
    figure = Figure.objects.get(target__slug=BHYT, year=year)
    figure.note = NOTE
    figure.save()
    target = figure.target
    target.name, target.unit = TEXTS["target"], TEXTS["unit"]
    target.save()
    area = target.area
    area.name = TEXTS["area"]
    area.save()
    year.committee_name = year.executive_name = TEXTS["committee"]
    year.plan_document = TEXTS["plan_document"]
    year.secretary_name = TEXTS["year_secretary"]
    year.save()
    ReportText.objects.filter(year=year).delete()  # drafted from the marked-up data
    cell = Cell.objects.get(committee=year.committee, number=3)
    cell.name = TEXTS["cell"]
    cell.save()
    cell_year = CellYear.objects.get(cell=cell, year=year)
    cell_year.secretary_name = TEXTS["cell_secretary"]
    cell_year.save()
    Task.objects.create(
        cell=cell,
        year=year,
        target=target,
        description=TEXTS["description"],
        responsible=TEXTS["responsible"],
        note=TEXTS["task_note"],
    )


# Each page by its name and its arguments after the committee's key.
PAGES = {
    "dashboard": (
        ("targets:dashboard", [2023]),
        ["target", "unit", "area", "committee", "plan_document"],
    ),
    "target": (("targets:target", [2023, BHYT]), ["note", "target", "unit", "area", "committee"]),
    "edit": (("targets:edit", [2023, BHYT]), ["note", "target", "unit", "committee"]),
    "report": (
        ("targets:report", [2023]),
        ["note", "target", "unit", "area", "committee", "plan_document", "year_secretary"],
    ),
    "cells overview": (("cells:overview", [2023]), ["cell", "cell_secretary", "committee"]),
    "cell": (
        ("cells:cell", [2023, 3]),
        [
            "cell",
            "cell_secretary",
            "target",
            "area",
            "description",
            "responsible",
            "task_note",
            "committee",
        ],
    ),
}


@pytest.mark.parametrize("page", PAGES)
def test_markup_typed_into_the_data_is_shown_as_text_on_the_page(alice_client, marked_up, page):
    (name, args), shown = PAGES[page]
    response = alice_client.get(reverse(name, args=[CAU_THIA, *args]), {"year": 2023})
    assert response.status_code == 200
    html = response.content.decode()
    for raw in ("<script>alert", "<script>%", "<img src=x", "<b>đậm"):
        assert raw.casefold() not in html.casefold()
    assert "&lt;script&gt;" in html
    for field in shown:
        assert escape(TEXTS[field]) in html, field


def test_the_print_view_escapes_the_committee_name_it_writes_in_capitals(alice_client, marked_up):
    html = alice_client.get(reverse("targets:report", args=[CAU_THIA, 2023])).content.decode()
    assert "&lt;SCRIPT&gt;ALERT(&quot;ĐẢNG BỘ&quot;)&lt;/SCRIPT&gt;&lt;IMG SRC=X" in html


# --- Workbooks --------------------------------------------------------------------------------

FORMULAS = ["=1+1", "+SUM(A1:A2)", "-2+3", "@cmd", '=HYPERLINK("http://x")']


@pytest.fixture
def formula_like(demo):
    """Formula-like text in names, units, notes and secretaries' names; cell 3 has a task for
    each, serving the target of the same name."""
    year = cau_thia_2023()
    targets = list(year.committee.targets.order_by("position")[: len(FORMULAS)])
    for text, target in zip(FORMULAS, targets, strict=True):
        target.name = target.unit = text
        target.save()
        figure = Figure.objects.get(target=target, year=year)
        figure.note, figure.illustrative = text, False
        figure.save()
    for text, area in zip(FORMULAS, year.committee.areas.order_by("position"), strict=False):
        area.name = text
        area.save()
    for number, text in enumerate(FORMULAS, start=1):
        cell_year = CellYear.objects.get(cell__number=number, year=year)
        cell_year.secretary_name = text
        cell_year.save()
        cell = cell_year.cell
        cell.name = text
        cell.save()
    year.committee_name, year.superior_party_body, year.secretary_name = FORMULAS[0], *FORMULAS[3:]
    year.executive_name = FORMULAS[0]
    year.save()
    cell = Cell.objects.get(committee=year.committee, number=3)
    for text, target in zip(FORMULAS, targets, strict=True):
        Task.objects.create(
            cell=cell, year=year, target=target, description=text, responsible=text, note=text
        )


def workbook(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))  # formulas as written, not their values


def cells_holding(ws, text):
    return [cell for row in ws.iter_rows() for cell in row if cell.value == text]


@pytest.mark.parametrize(
    ("download", "sheet", "least"),
    [
        # name, unit, note of the target; also an area, the committee or the secretary
        (("targets:report_workbook", [2023]), "Chỉ tiêu", 3),
        (("targets:report_workbook", [2023]), "Chi bộ", 2),  # cell's name, its secretary
        (("cells:task_sheet", [2023, 3]), "Nhiệm vụ", 4),  # target, description, responsible, note
    ],
)
@pytest.mark.parametrize("text", FORMULAS)
def test_formula_like_text_comes_back_from_the_workbook_as_text(
    alice_client, formula_like, download, sheet, least, text
):
    name, args = download
    ws = workbook(alice_client.get(reverse(name, args=[CAU_THIA, *args]), {"year": 2023}))[sheet]
    holding = cells_holding(ws, text)
    assert len(holding) >= least
    assert {cell.data_type for cell in holding} == {"s"}


def test_the_year_names_in_the_report_heading_and_signature_stay_text(alice_client, formula_like):
    ws = workbook(alice_client.get(reverse("targets:report_workbook", args=[CAU_THIA, 2023])))[
        "Chỉ tiêu"
    ]
    for text in (FORMULAS[0], FORMULAS[3].upper(), FORMULAS[4]):  # committee, superior, secretary
        assert {cell.data_type for cell in cells_holding(ws, text)} == {"s"}, text


@pytest.mark.parametrize(
    "download", [("targets:report_workbook", [2023]), ("cells:task_sheet", [2023, 3])]
)
def test_no_cell_of_a_downloaded_workbook_is_a_formula(alice_client, formula_like, download):
    name, args = download
    book = workbook(alice_client.get(reverse(name, args=[CAU_THIA, *args]), {"year": 2023}))
    cells = [cell for ws in book.worksheets for row in ws.iter_rows() for cell in row]
    assert {cell.value for cell in cells} >= set(FORMULAS)
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
