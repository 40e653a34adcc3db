"""The year-end report as an Excel workbook, read back the way a secretary's Excel reads it,
and printed the way LibreOffice prints it."""

import html
import io
import itertools
import math
import os
import re
import shutil
import subprocess
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

from committees.models import Committee
from targets import narrative, wording, xlsx
from targets.models import Figure, Year
from targets.progress import Kind
from targets.report import Row, YearReport

from .helpers import CAU_THIA, form_data, text_of

SUMMARY_2023 = (
    "Tổng số 40 chỉ tiêu: 19 chỉ tiêu vượt kế hoạch, 09 chỉ tiêu đạt kế hoạch, "
    "11 chỉ tiêu chưa đạt, 01 chỉ tiêu chưa giao kế hoạch"
)
ARTICLE = [
    # target name, plan, actual, percent, assessment as printed
    ("Thành lập mới tổ hợp tác", 2, 3, Decimal("150.00"), "Vượt KH"),
    ("Giảm hộ nghèo", 10, 13, Decimal("130.00"), "Vượt KH"),
    ("Giảm hộ cận nghèo", 12, 25, Decimal("208.33"), "Vượt KH"),
    ("Tỷ lệ dân số tham gia bảo hiểm y tế", 96, Decimal("95.77"), Decimal("99.76"), "Chưa đạt"),
    ("Chi bộ hoàn thành tốt nhiệm vụ trở lên", 10, 10, Decimal("100.00"), "Đạt KH"),
]


def workbook_response_bytes(report):
    return xlsx.workbook_bytes(xlsx.build_workbook(report))


def sheet_of(data):
    return load_workbook(io.BytesIO(data))["Chỉ tiêu"]


def report_sheet(year=2023):
    return sheet_of(
        workbook_response_bytes(
            YearReport.year_end(Year.objects.get(committee__slug=CAU_THIA, year=year))
        )
    )


def texts(ws):
    return [cell.value for row in ws.iter_rows() for cell in row if isinstance(cell.value, str)]


def cell_with(ws, text):
    matches = [cell for row in ws.iter_rows() for cell in row if cell.value == text]
    assert len(matches) == 1, f"{text!r} in {len(matches)} cells"
    return matches[0]


def figure_rows(ws):
    """The table's figure rows by STT: the only rows whose first cell is a number."""
    return {
        row[0].value: row
        for row in ws.iter_rows()
        if isinstance(row[0].value, int) and not isinstance(row[0].value, bool)
    }


def note_of(ws, row):
    """The cell of ``row`` under the heading "Ghi chú"."""
    header = next(r for r in ws.iter_rows(values_only=True) if r[0] == "STT")
    return row[header.index("Ghi chú")]


def as_decimal(value):
    return None if value is None else Decimal(str(value))


def downloaded(client, year=2023):
    """The report workbook as the office downloads it."""
    response = client.get(reverse("targets:report_workbook", args=[CAU_THIA, year]))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def mark(client, final, year=2023):
    """Tick or untick "final text" in the report's text form, as the office does: a report is
    a draft until its text is approved."""
    url = reverse("targets:report_text", args=[CAU_THIA, year])
    data = form_data(client.get(url), {"class": "report-text-form"})
    data.pop("is_final", None)
    response = client.post(url, data | ({"is_final": "on"} if final else {}))
    assert response.status_code == 302, text_of(response)[:2000]


def header_row(ws):
    """The table's header row: the one that starts with "STT"."""
    return next(row[0].row for row in ws.iter_rows(max_col=1) if row[0].value == "STT")


def heading_lines(ws):
    """The texts above the table's header row, in order."""
    return [
        cell.value
        for row in ws.iter_rows(max_row=header_row(ws) - 1)
        for cell in row
        if isinstance(cell.value, str)
    ]


def test_the_export_command_writes_the_workbook_where_asked(demo, tmp_path, capsys):
    path = tmp_path / "bao-cao-2023.xlsx"
    call_command("export_report", "2023", f"--committee={CAU_THIA}", "-o", str(path))
    assert capsys.readouterr().out.strip() == str(path)
    ws = load_workbook(path)["Chỉ tiêu"]
    assert len(figure_rows(ws)) == 40
    assert f"{SUMMARY_2023}." in texts(ws)


def test_the_export_command_writes_to_the_current_directory_by_default(demo, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    call_command("export_report", "2024", f"--committee={CAU_THIA}", stdout=io.StringIO())
    # 2024 has estimates for the year: its report shows them, and its file says so.
    written = tmp_path / "bao-cao-2024-uoc-ca-nam.xlsx"
    assert len(figure_rows(load_workbook(written)["Chỉ tiêu"])) == 40


def test_the_export_command_refuses_an_unknown_year_and_names_the_known_ones(demo, tmp_path):
    with pytest.raises(CommandError, match=r"no year 1999; the years are: 2023, 2024\."):
        call_command(
            "export_report", "1999", f"--committee={CAU_THIA}", "-o", str(tmp_path / "x.xlsx")
        )
    assert not (tmp_path / "x.xlsx").exists()


@pytest.mark.parametrize(("name", "plan", "actual", "percent", "assessment"), ARTICLE)
def test_the_articles_figures_sit_in_their_rows(demo, name, plan, actual, percent, assessment):
    rows = [row for row in report_sheet().iter_rows(max_col=7) if row[1].value == name]
    assert len(rows) == 1
    _stt, _name, _unit, shown_plan, shown_actual, shown_percent, shown_assessment = (
        cell.value for cell in rows[0]
    )
    assert (as_decimal(shown_plan), as_decimal(shown_actual)) == (plan, actual)
    assert as_decimal(shown_percent) == percent
    assert shown_assessment == assessment


def test_every_row_shows_what_the_database_computes(demo):
    rows = figure_rows(report_sheet())
    figures = list(Figure.objects.for_year(Year.objects.get(committee__slug=CAU_THIA, year=2023)))
    assert sorted(rows) == sorted(f.target.position for f in figures)
    with translation.override("vi"):
        for figure in figures:
            row = Row(figure)  # the year's final figures, which the 2023 report shows
            _stt, name, unit, plan, actual, percent, assessment = (
                c.value for c in rows[figure.target.position][:7]
            )
            assert (name, unit or "") == (figure.target.name, figure.target.unit)
            assert assessment == str(row.assessment.label)
            if figure.target.kind == Kind.MILESTONE:
                assert (plan, actual) == (row.plan_text, row.actual_text)
            else:
                assert (as_decimal(plan), as_decimal(actual)) == (figure.plan, figure.actual)
            if row.percent is None:
                assert percent == "–"
            else:
                assert as_decimal(percent) == row.percent


def test_numbers_are_numbers_with_number_formats_not_text(demo):
    checked = Counter()
    for row in figure_rows(report_sheet()).values():
        for cell in (row[3], row[4]):
            if isinstance(cell.value, str) or cell.value is None:
                continue  # a milestone's Có / Không, or an unknown figure
            assert isinstance(cell.value, int | float)
            integral = Decimal(str(cell.value)) == Decimal(str(cell.value)).to_integral_value()
            assert cell.number_format == ("#,##0" if integral else "#,##0.0#")
            checked["integral" if integral else "decimal"] += 1
        if row[5].value != "–":
            assert isinstance(row[5].value, int | float)
            assert row[5].number_format == '0.00"%"'
            checked["percent"] += 1
    # Both formats and the percent format are really exercised by the demo data.
    assert checked["integral"] > 0 and checked["decimal"] > 0 and checked["percent"] > 30


def test_the_summary_line_agrees_with_the_assessment_column(demo):
    ws = report_sheet()
    assert f"{SUMMARY_2023}." in texts(ws)
    counts = Counter(row[6].value for row in figure_rows(ws).values())
    assert counts == {"Vượt KH": 19, "Đạt KH": 9, "Chưa đạt": 11, "Chưa giao kế hoạch": 1}


def test_areas_head_their_figures_in_order(demo):
    ws = report_sheet()
    area_rows = [row[0].value for row in ws.iter_rows(max_col=2) if row[0].value in {"I.", "II."}]
    assert area_rows == ["I.", "II."]
    first = cell_with(ws, "I.")
    assert ws.cell(row=first.row, column=2).value == "Kinh tế"
    assert ws.cell(row=first.row, column=2).font.b
    assert ws.cell(row=first.row + 1, column=1).value == 1


def test_the_sheet_is_the_reports_first_annex_under_the_committees_block(bithu):
    mark(bithu, final=True)
    ws = downloaded(bithu)["Chỉ tiêu"]
    for text in [
        "ĐẢNG BỘ THỊ XÃ NGHĨA LỘ",  # the superior đảng bộ, not its committee (Thị ủy)
        "ĐẢNG ỦY PHƯỜNG CẦU THIA",
        "*",
        "Cầu Thia, ngày 05 tháng 01 năm 2024",
        "PHỤ LỤC I",
        "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU CHỦ YẾU NĂM 2023",
        "(Kèm theo Báo cáo số 125-BC/ĐU, ngày 05/01/2024 của Đảng ủy phường Cầu Thia)",
        "(Số liệu thực hiện cả năm)",
    ]:
        assert text in texts(ws), text
    party = cell_with(ws, "ĐẢNG CỘNG SẢN VIỆT NAM").font
    assert party.u == "single" and party.b
    assert not cell_with(ws, "ĐẢNG BỘ THỊ XÃ NGHĨA LỘ").font.b
    assert cell_with(ws, "ĐẢNG ỦY PHƯỜNG CẦU THIA").font.b
    assert cell_with(ws, "Cầu Thia, ngày 05 tháng 01 năm 2024").font.i
    # The table is an annex of the report, which alone is titled BÁO CÁO and signed.
    assert not {"BÁO CÁO", "T/M ĐẢNG ỦY", "BÍ THƯ"} & set(texts(ws))
    assert cell_with(ws, "PHỤ LỤC I").row < cell_with(ws, "Tỷ lệ % so KH").row


def printed_range(ws):
    """The sheet's print area as a range of cells."""
    area = ws.print_area
    assert area and "," not in area, area  # one block, printed as one table
    return CellRange(area.rpartition("!")[2].replace("$", ""))


def test_the_note_on_reading_numbers_is_under_the_table_and_never_printed(bithu):
    """No number format shows "1.262,5" whatever Excel's language (a quoted "," or "." is a
    literal, not the decimal sign): the cells stay numbers, and a line under the table says
    how they read on a computer set to English; the printed annex never mentions software."""
    ws = downloaded(bithu)["Chỉ tiêu"]
    note = cell_with(ws, next(text for text in texts(ws) if "“1,262.5” là 1.262,5" in text))
    assert note.font.i
    summary = next(c for c in ws["A"] if isinstance(c.value, str) and c.value.startswith("Tổng"))
    printed = printed_range(ws)
    assert (printed.min_row, printed.min_col) == (1, 1)
    assert printed.max_row == summary.row < note.row
    assert printed.max_col == ws.max_column
    # Everything else the sheet says is printed.
    outside = [
        cell.value
        for row in ws.iter_rows()
        for cell in row
        if cell.value is not None and cell.coordinate not in printed
    ]
    assert outside == [note.value]


def test_the_cells_sheet_prints_all_it_says(bithu):
    ws = downloaded(bithu)["Chi bộ"]
    printed = printed_range(ws)
    assert (printed.min_row, printed.min_col, printed.max_col) == (1, 1, ws.max_column)
    assert printed.max_row == ws.max_row
    assert "172 trên 200 đảng viên được xếp loại" in texts(ws)


def test_a_year_without_number_or_date_leaves_blanks_to_fill_in(demo):
    ws = report_sheet(2024)
    # 2024's report shows estimates, which are reported within the year.
    assert "Cầu Thia, ngày      tháng      năm 2024" in texts(ws)
    assert (
        "(Kèm theo Báo cáo số       -BC/ĐU, ngày     /    /2024 của Đảng ủy phường Cầu Thia)"
        in (texts(ws))
    )


def test_a_draft_carries_no_number_and_no_date_on_either_sheet(bithu):
    """2023's report has its number and date; as a draft it shows neither."""
    mark(bithu, final=False)
    workbook = downloaded(bithu)
    for ws in workbook.worksheets:
        lines = heading_lines(ws)
        assert "DỰ THẢO" in lines
        assert "Cầu Thia, ngày      tháng      năm 2024" in lines
        attached = "(Kèm theo Báo cáo số       -BC/ĐU, ngày     /    /2024 của Đảng ủy phường"
        assert any(line.startswith(attached) for line in lines), lines
        assert not any("125" in line or "05/01/2024" in line for line in lines)


def test_a_draft_is_marked_and_a_final_text_is_not(bithu):
    """No "Số liệu tạm thời (chưa khóa sổ)": the draft mark of a Party document, until the
    office marks the report's text final."""
    mark(bithu, final=False)
    ws = downloaded(bithu)["Chỉ tiêu"]
    assert "DỰ THẢO" in texts(ws)
    assert not any("tạm thời" in text or "khóa sổ" in text for text in texts(ws))
    mark(bithu, final=True)
    assert "DỰ THẢO" not in texts(downloaded(bithu)["Chỉ tiêu"])


def test_the_cells_sheet_opens_with_the_targets_sheets_heading_and_draft_mark(bithu):
    """Both sheets are annexes of one report: the same committee block, place and date,
    "Kèm theo" and stage lines, and the same mark, with their own number and title."""

    def headings():
        workbook = downloaded(bithu)
        return heading_lines(workbook["Chỉ tiêu"]), heading_lines(workbook["Chi bộ"])

    def differences(targets, cells):
        assert len(cells) == len(targets)
        return [(a, b) for a, b in zip(targets, cells, strict=True) if a != b]

    own_lines = [
        ("PHỤ LỤC I", "PHỤ LỤC II"),
        (
            "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU CHỦ YẾU NĂM 2023",
            "KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CHI BỘ VÀ ĐẢNG VIÊN NĂM 2023",
        ),
    ]
    mark(bithu, final=False)
    targets, cells = headings()
    assert "DỰ THẢO" in cells and "(Số liệu thực hiện cả năm)" in cells
    assert differences(targets, cells) == own_lines
    mark(bithu, final=True)
    targets, cells = headings()
    assert "DỰ THẢO" not in targets + cells
    assert "Cầu Thia, ngày 05 tháng 01 năm 2024" in cells
    assert differences(targets, cells) == own_lines


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (date(2024, 1, 5), "ngày 05 tháng 01 năm 2024"),
        (date(2024, 2, 5), "ngày 05 tháng 02 năm 2024"),
        (date(2024, 6, 20), "ngày 20 tháng 6 năm 2024"),
        (date(2024, 3, 10), "ngày 10 tháng 3 năm 2024"),
        (date(2024, 12, 25), "ngày 25 tháng 12 năm 2024"),
        (date(2025, 10, 9), "ngày 09 tháng 10 năm 2025"),
    ],
)
def test_the_date_pads_days_below_ten_and_months_one_and_two_only(day, words):
    assert wording.date_words(day) == words


@pytest.mark.parametrize(
    ("executive", "body"),
    [
        ("Đảng ủy phường Cầu Thia", "ĐẢNG ỦY PHƯỜNG CẦU THIA"),
        ("đảng ủy phường Cầu Thia", "ĐẢNG ỦY PHƯỜNG CẦU THIA"),
        ("Chi bộ cơ quan", "CHI BỘ CƠ QUAN"),
    ],
)
def test_the_committee_signs_as_its_executive(executive, body):
    assert wording.executive_line(Year(executive_name=executive)) == body


def test_a_note_that_looks_like_a_formula_stays_text(demo, tmp_path):
    figure = Figure.objects.get(
        target__slug="bao-hiem-y-te", year__committee__slug=CAU_THIA, year__year=2023
    )
    figure.note = "=1+1"
    figure.save()
    path = tmp_path / "r.xlsx"
    call_command(
        "export_report", "2023", f"--committee={CAU_THIA}", "-o", str(path), stdout=io.StringIO()
    )
    ws = load_workbook(path)["Chỉ tiêu"]
    note = note_of(ws, figure_rows(ws)[figure.target.position])
    assert (note.value, note.data_type) == ("=1+1", "s")


def test_control_characters_in_a_note_do_not_break_the_file(demo):
    figure = Figure.objects.get(
        target__slug="bao-hiem-y-te", year__committee__slug=CAU_THIA, year__year=2023
    )
    figure.note = "dán từ Word\x07"
    figure.save()
    ws = report_sheet()
    assert note_of(ws, figure_rows(ws)[figure.target.position]).value == "dán từ Word"


def test_an_illustrative_figure_says_so_without_saying_it_twice(demo):
    figure = Figure.objects.get(
        target__slug="bao-hiem-y-te", year__committee__slug=CAU_THIA, year__year=2023
    )
    figure.illustrative, figure.note = True, "Ước tính"
    figure.save()
    ws = report_sheet()
    rows = figure_rows(ws)
    assert note_of(ws, rows[figure.target.position]).value == "Số liệu minh họa. Ước tính"
    other = Figure.objects.filter(
        year__committee__slug=CAU_THIA, year__year=2023, illustrative=True
    ).exclude(pk=figure.pk)[0]
    printed = note_of(ws, rows[other.target.position]).value
    assert printed == f"Số liệu minh họa. {other.note}".strip()
    assert printed.count("minh họa") == 1


@pytest.mark.parametrize("sheet", ["Chỉ tiêu", "Chi bộ"])
def test_it_prints_on_a4_landscape_one_page_wide_with_the_header_on_every_page(bithu, sheet):
    ws = downloaded(bithu)[sheet]
    header = header_row(ws)
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.print_title_rows == f"${header}:${header}"
    margins = ws.page_margins  # inches; the office's 20 mm top and bottom, 30 left, 15 right
    assert [round(x * 25.4) for x in (margins.top, margins.bottom)] == [20, 20]
    assert [round(x * 25.4) for x in (margins.left, margins.right)] == [30, 15]


def test_the_header_row_names_the_years_of_its_plans(bithu):
    ws = downloaded(bithu)["Chỉ tiêu"]
    headings = [c.value for c in ws[header_row(ws)]]
    assert headings[:3] == ["STT", "Chỉ tiêu", "ĐVT"]
    assert {"Kế hoạch năm 2023", "Tỷ lệ % so KH", "Đánh giá", "Ghi chú"} <= set(headings)
    assert headings[-1] == "Kế hoạch năm 2024"  # 2024's plans are set


# What a printed line needs, measured on the font rather than taken from the app: Liberation
# Serif (Times New Roman's metrics, as LibreOffice prints it) averages 0.41 em a character over
# the demo's names and notes, and sets a line 1.15 em high. A column N wide is N digits of the
# workbook's normal font, Times New Roman at 12 points: 6 points a digit.
AVERAGE_EM = 0.41
LINE_EM = 1.15
DIGIT_POINTS = 6
LONG_NOTE = "Theo số liệu Bảo hiểm xã hội thị xã, đối chiếu danh sách hộ. " * 5 + "\nĐã rà soát."


def cell_points(ws, cell):
    """The width of ``cell`` in points, over all the columns it is merged across."""
    first = last = cell.column
    for merged in ws.merged_cells.ranges:
        if merged.min_row == cell.row and merged.min_col == cell.column:
            last = merged.max_col
    letters = (get_column_letter(column) for column in range(first, last + 1))
    return sum(ws.column_dimensions[letter].width * DIGIT_POINTS for letter in letters)


def least_lines(text, points, size):
    """The fewest lines ``text`` can wrap to in ``points``: each paragraph's characters at the
    font's average width, broken anywhere."""
    per_line = points / (AVERAGE_EM * size)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def lines_and_heights(ws):
    """{row: (lines, points)}: the most lines any of the row's cells wraps to, and the height
    that needs, at each cell's own font size."""
    needs = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            size = cell.font.sz
            lines = 1
            if isinstance(cell.value, str) and cell.alignment.wrap_text:
                lines = least_lines(cell.value, cell_points(ws, cell), size)
            before = needs.get(cell.row, (0, 0))
            needs[cell.row] = (max(before[0], lines), max(before[1], lines * size * LINE_EM))
    return needs


def test_every_row_is_tall_enough_for_its_wrapped_text(bithu):
    """Spreadsheet programs do not grow a row that a library wrote: the header row, a long
    name or note, and the note under the table each get the height of their lines."""
    figure = Figure.objects.get(
        target__slug="bao-hiem-y-te", year__committee__slug=CAU_THIA, year__year=2023
    )
    figure.note = LONG_NOTE
    figure.save()
    workbook = downloaded(bithu)
    normal = workbook._named_styles["Normal"].font  # a column's width counts its digits
    assert (normal.name, normal.sz) == ("Times New Roman", 12)
    wrapping = Counter()
    for ws in workbook.worksheets:
        default = ws.sheet_format.defaultRowHeight
        for row, (lines, needed) in lines_and_heights(ws).items():
            height = ws.row_dimensions[row].height or default
            assert height >= min(needed, xlsx.MAX_ROW_HEIGHT), (ws.title, row, lines, height)
            wrapping[ws.title, row] = lines
    ws = workbook["Chỉ tiêu"]
    assert wrapping["Chỉ tiêu", header_row(ws)] >= 2  # "Kế hoạch năm 2023"
    note_row = figure_rows(ws)[figure.target.position][0].row
    assert wrapping["Chỉ tiêu", note_row] >= 4
    # Not only the header and the long note: the demo's reasons and notes wrap too.
    assert sum(lines > 1 for (title, _row), lines in wrapping.items() if title == "Chỉ tiêu") > 5
    assert sum(lines > 1 for (title, _row), lines in wrapping.items() if title == "Chi bộ") > 5


def soffice():
    """LibreOffice's command; the test skips, with the reason, where it is missing, but on CI
    (CI=true) that is a failure."""
    found = shutil.which("soffice")
    if found and shutil.which("pdftotext"):
        return found
    reason = "needs LibreOffice (soffice) and poppler-utils (pdftotext)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI must print the workbook.", pytrace=False)
    pytest.skip(reason)


def printed_pages(client, folder):
    """The downloaded workbook printed to PDF by LibreOffice, with a profile of its own: each
    page's words as (x0, y0, x1, y1, word)."""
    command = soffice()
    path = folder / "bao-cao-2023.xlsx"
    path.write_bytes(client.get(reverse("targets:report_workbook", args=[CAU_THIA, 2023])).content)
    subprocess.run(
        [
            command,
            f"-env:UserInstallation=file://{folder}/profile",
            "--headless",
            *("--convert-to", "pdf", "--outdir", str(folder), str(path)),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    boxes = subprocess.run(
        ["pdftotext", "-bbox", str(path.with_suffix(".pdf")), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    word = re.compile(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    )
    return [
        [(*map(float, found[:4]), html.unescape(found[4])) for found in word.findall(page)]
        for page in boxes.split("<page ")[1:]
    ]


def overprinted(words):
    """The pairs of words printed over each other. The lines of one cell touch (their boxes
    overlap by about a seventh of their height); a row too short for its text overflows into
    the next, whose words it covers by far more."""
    pairs = []
    for a, b in itertools.combinations(words, 2):
        across = min(a[2], b[2]) - max(a[0], b[0])
        down = min(a[3], b[3]) - max(a[1], b[1])
        if across > 0.5 and down > 0.3 * min(a[3] - a[1], b[3] - b[1]):
            pairs.append((a[4], b[4]))
    return pairs


def test_libreoffice_prints_the_annexes_with_no_note_and_no_text_over_text(bithu, tmp_path):
    mark(bithu, final=False)
    pages = printed_pages(bithu, tmp_path)
    printed = " ".join(w[4] for words in pages for w in words)
    for words in ("PHỤ LỤC I", "PHỤ LỤC II", "DỰ THẢO", "Tổng số 40 chỉ tiêu"):
        assert words in printed, words
    assert "Excel" not in printed and "tiếng Anh" not in printed  # the note for the screen
    for number, words in enumerate(pages, start=1):
        assert "STT" in {w[4] for w in words}, f"page {number} has no header row"
        assert not overprinted(words), f"page {number}: {overprinted(words)[:5]}"


def test_the_report_is_vietnamese_whatever_the_request_language(demo):
    with translation.override("en"):
        ws = report_sheet()
    assert f"{SUMMARY_2023}." in texts(ws)
    assert "Exceeded plan" not in texts(ws)


def test_the_workbook_names_its_title_and_author(demo):
    data = workbook_response_bytes(
        YearReport.for_year(Year.objects.get(committee__slug=CAU_THIA, year=2023))
    )
    properties = load_workbook(io.BytesIO(data)).properties
    assert properties.title == (
        "kết quả thực hiện các chỉ tiêu chủ yếu năm 2023, phương hướng, nhiệm vụ năm 2024"
    )
    assert properties.creator == "Đảng bộ phường Cầu Thia"


def test_extra_sheets_follow_the_targets_sheet(demo):
    report = YearReport.for_year(Year.objects.get(committee__slug=CAU_THIA, year=2023))
    workbook = xlsx.build_workbook(
        report, extra_sheets=[lambda wb, report: wb.create_sheet("Chi bộ")]
    )
    assert workbook.sheetnames == ["Chỉ tiêu", "Chi bộ"]


def test_the_report_groups_figures_by_area_in_order(demo):
    report = YearReport.for_year(Year.objects.get(committee__slug=CAU_THIA, year=2023))
    assert [area.roman for area, _figures in report.sections] == ["I", "II", "III", "IV"]
    assert [row for _area, rows in report.sections for row in rows] == report.rows
    assert str(report.summary) == SUMMARY_2023


def test_building_the_workbook_costs_the_same_queries_with_ten_times_the_data(
    demo, django_assert_num_queries
):
    from .test_query_counts import grow

    # The year as the door gives it to the pages, its committee at hand for the rows' links.
    year = Committee.objects.get(slug=CAU_THIA).years.get(year=2023)
    # 1 the year's figures with their target, area, year and last editor, 2 the same targets'
    # figures of the years before and after; nothing per row; 3 whether the report's text is
    # final (for the draft mark, which the cells' heading reads too). The cells' sheet: 4 the
    # year's cell records with their cells.
    with django_assert_num_queries(4):
        workbook_response_bytes(YearReport.for_year(year))
    grow(10)
    with django_assert_num_queries(4):
        workbook_response_bytes(YearReport.for_year(year))


def test_the_workbook_does_not_draft_the_reports_text_to_learn_it_is_a_draft(bithu, monkeypatch):
    """Only the text's "final" mark decides the draft mark; drafting the three sections from
    the figures is the text editor's and the document's work, not the workbook's."""

    def no_drafting(report):
        raise AssertionError("the workbook drafted the report's text")

    mark(bithu, final=False)
    monkeypatch.setattr(narrative, "draft", no_drafting)
    assert "DỰ THẢO" in heading_lines(downloaded(bithu)["Chi bộ"])
