"""The year-end report as an Excel workbook, read back the way a secretary's Excel reads it."""

import io
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import load_workbook

from targets import wording, xlsx
from targets.models import Figure, ReportText, Year
from targets.progress import Kind
from targets.report import Row, YearReport

SUMMARY_2023 = (
    "Tổng số 40 chỉ tiêu: 19 chỉ tiêu vượt KH, 9 chỉ tiêu đạt KH, 11 chỉ tiêu chưa đạt, "
    "0 chỉ tiêu chưa có số liệu, 1 chỉ tiêu chưa giao kế hoạch"
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
    return sheet_of(workbook_response_bytes(YearReport.year_end(Year.objects.get(year=year))))


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


def test_the_export_command_writes_the_workbook_where_asked(demo, tmp_path, capsys):
    path = tmp_path / "bao-cao-2023.xlsx"
    call_command("export_report", "2023", "-o", str(path))
    assert capsys.readouterr().out.strip() == str(path)
    ws = load_workbook(path)["Chỉ tiêu"]
    assert len(figure_rows(ws)) == 40
    assert f"{SUMMARY_2023}." in texts(ws)


def test_the_export_command_writes_to_the_current_directory_by_default(demo, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    call_command("export_report", "2024", stdout=io.StringIO())
    # 2024 has estimates for the year: its report shows them, and its file says so.
    written = tmp_path / "bao-cao-2024-uoc-ca-nam.xlsx"
    assert len(figure_rows(load_workbook(written)["Chỉ tiêu"])) == 40


def test_the_export_command_refuses_an_unknown_year_and_names_the_known_ones(demo, tmp_path):
    with pytest.raises(CommandError, match=r"no year 1999; the years are: 2023, 2024\."):
        call_command("export_report", "1999", "-o", str(tmp_path / "x.xlsx"))
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
    figures = list(Figure.objects.for_year(Year.objects.get(year=2023)))
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


def test_the_sheet_is_the_reports_first_annex_under_the_committees_block(demo):
    ws = report_sheet()
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


def test_the_sheet_says_how_to_read_its_numbers_in_an_english_excel(demo):
    """No number format shows "1.262,5" whatever Excel's language (a quoted "," or "." is a
    literal, not the decimal sign): the cells stay numbers, and the line above the table says
    how they read on a computer set to English."""
    ws = report_sheet()
    note = next(text for text in texts(ws) if "“1,262.5” là 1.262,5" in text)
    assert cell_with(ws, note).row == cell_with(ws, "Tỷ lệ % so KH").row - 1
    assert cell_with(ws, note).font.i


def test_a_year_without_number_or_date_leaves_blanks_to_fill_in(demo):
    ws = report_sheet(2024)
    assert "Cầu Thia, ngày      tháng      năm 2025" in texts(ws)
    assert (
        "(Kèm theo Báo cáo số       -BC/ĐU, ngày     /    /2025 của Đảng ủy phường Cầu Thia)"
        in (texts(ws))
    )


def test_a_draft_is_marked_and_a_final_text_is_not(demo, bithu):
    """No "Số liệu tạm thời (chưa khóa sổ)": the draft mark of a Party document, until the
    office marks the report's text final."""
    assert "DỰ THẢO" in texts(report_sheet())
    assert not any("tạm thời" in text or "khóa sổ" in text for text in texts(report_sheet()))
    year = Year.objects.get(year=2023)
    report = YearReport.year_end(year)
    values = {name: getattr(report.text, name) for name in report.text.SECTIONS}
    ReportText.write(year, report.stage, values | {"is_final": True}, None, 0)
    assert "DỰ THẢO" not in texts(report_sheet())


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
    figure = Figure.objects.get(target__slug="bao-hiem-y-te", year__year=2023)
    figure.note = "=1+1"
    figure.save()
    path = tmp_path / "r.xlsx"
    call_command("export_report", "2023", "-o", str(path), stdout=io.StringIO())
    ws = load_workbook(path)["Chỉ tiêu"]
    note = note_of(ws, figure_rows(ws)[figure.target.position])
    assert (note.value, note.data_type) == ("=1+1", "s")


def test_control_characters_in_a_note_do_not_break_the_file(demo):
    figure = Figure.objects.get(target__slug="bao-hiem-y-te", year__year=2023)
    figure.note = "dán từ Word\x07"
    figure.save()
    ws = report_sheet()
    assert note_of(ws, figure_rows(ws)[figure.target.position]).value == "dán từ Word"


def test_an_illustrative_figure_says_so_without_saying_it_twice(demo):
    figure = Figure.objects.get(target__slug="bao-hiem-y-te", year__year=2023)
    figure.illustrative, figure.note = True, "Ước tính"
    figure.save()
    ws = report_sheet()
    rows = figure_rows(ws)
    assert note_of(ws, rows[figure.target.position]).value == "Số liệu minh họa. Ước tính"
    other = Figure.objects.filter(year__year=2023, illustrative=True).exclude(pk=figure.pk)[0]
    printed = note_of(ws, rows[other.target.position]).value
    assert printed == f"Số liệu minh họa. {other.note}".strip()
    assert printed.count("minh họa") == 1


def test_it_prints_on_a4_landscape_one_page_wide_with_the_header_on_every_page(demo):
    ws = report_sheet()
    header = cell_with(ws, "Tỷ lệ % so KH").row
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.print_title_rows == f"${header}:${header}"
    assert [c.value for c in ws[header]] == [
        "STT",
        "Chỉ tiêu",
        "ĐVT",
        "Kế hoạch",
        "Thực hiện",
        "Tỷ lệ % so KH",
        "Đánh giá",
        "Cùng kỳ năm trước",
        "% so cùng kỳ",
        "Nguyên nhân",
        "Ghi chú",
        "KH năm sau",  # 2024's plans are set
    ]


def test_the_report_is_vietnamese_whatever_the_request_language(demo):
    with translation.override("en"):
        ws = report_sheet()
    assert f"{SUMMARY_2023}." in texts(ws)
    assert "Exceeded plan" not in texts(ws)


def test_the_workbook_names_its_title_and_author(demo):
    data = workbook_response_bytes(YearReport.for_year(Year.objects.get(year=2023)))
    properties = load_workbook(io.BytesIO(data)).properties
    assert properties.title == "kết quả thực hiện các chỉ tiêu chủ yếu năm 2023"
    assert properties.creator == "Đảng bộ phường Cầu Thia"


def test_extra_sheets_follow_the_targets_sheet(demo):
    report = YearReport.for_year(Year.objects.get(year=2023))
    workbook = xlsx.build_workbook(
        report, extra_sheets=[lambda wb, report: wb.create_sheet("Chi bộ")]
    )
    assert workbook.sheetnames == ["Chỉ tiêu", "Chi bộ"]


def test_the_report_groups_figures_by_area_in_order(demo):
    report = YearReport.for_year(Year.objects.get(year=2023))
    assert [area.roman for area, _figures in report.sections] == ["I", "II", "III", "IV"]
    assert [row for _area, rows in report.sections for row in rows] == report.rows
    assert str(report.summary) == SUMMARY_2023
    assert report.is_draft


def test_building_the_workbook_costs_the_same_queries_with_ten_times_the_data(
    demo, django_assert_num_queries
):
    from .test_query_counts import grow

    year = Year.objects.get(year=2023)
    # 1 the year's figures with their target, area, year and last editor, 2 the same targets'
    # figures of the years before and after; nothing per row; 3 the report's text (for the
    # draft mark). The cells' sheet: 4 the year's cell records with their cells, 5 the active
    # cells' count.
    with django_assert_num_queries(5):
        workbook_response_bytes(YearReport.for_year(year))
    grow(10)
    with django_assert_num_queries(5):
        workbook_response_bytes(YearReport.for_year(year))
