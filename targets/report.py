"""The year-end report (báo cáo kết quả thực hiện các chỉ tiêu) and its Excel workbook.

``YearReport`` is the one source of truth for what the report's rows say: the workbook reads it
now, the dashboard and a print view are meant to read it later, so they cannot disagree.

The workbook follows the layout secretaries expect of a Party report: the committee block top
left, "ĐẢNG CỘNG SẢN VIỆT NAM" and the place and date top right, the title, the table grouped by
area, the summary line and the signature block. Its words are translated strings, written in
Vietnamese whatever the reader's language, because the document is filed in Vietnamese.
"""

import functools
import io
import itertools
import unicodedata
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

from .models import Figure, Year
from .progress import Kind, Summary
from .text import clean_text

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class YearReport:
    """A year's figures in report order, grouped by area, with the summary line."""

    year: Year
    sections: list  # [(area, [figure, ...]), ...] in area order; areas without figures omitted
    figures: list
    summary: Summary

    @classmethod
    def for_year(cls, year):
        """The report of ``year`` (a Year) from one query: the figures with target and area."""
        figures = list(Figure.objects.for_year(year))
        # for_year orders by area, so each area's figures are one run.
        sections = [
            (area, list(rows))
            for area, rows in itertools.groupby(figures, key=lambda f: f.target.area)
        ]
        return cls(
            year=year,
            sections=sections,
            figures=figures,
            summary=Summary(figure.assessment for figure in figures),
        )

    @property
    def is_final(self):
        """Only a closed year's figures are official; an open year's may still change."""
        return self.year.is_closed

    @property
    def filename(self):
        return f"bao-cao-{self.year.year}.xlsx"

    def words(self):
        """The fixed lines of the form, in the active language, for the print view."""
        return {
            "committee_body": committee_as_body(self.year.committee_name),
            "number_line": number_line(self.year.report_number),
            "date_line": place_and_date_line(self.year),
            "status_line": status_line(self),
            "headings": [str(heading) for heading, _width in HEADERS],
        }


# --- Words of the form ------------------------------------------------------------------------


def committee_as_body(committee_name):
    """The committee's name as the body that signs: "Đảng bộ phường Cầu Thia" is the whole
    organisation, its executive that issues the report is "ĐẢNG ỦY PHƯỜNG CẦU THIA"."""
    name = unicodedata.normalize("NFC", committee_name.strip())
    prefix = "Đảng bộ"
    if name[: len(prefix)].casefold() == prefix.casefold():
        name = "Đảng ủy" + name[len(prefix) :]
    return name.upper()


def number_line(report_number):
    """ "Số 125-BC/ĐU", or a blank to be filled by hand before the number is issued."""
    if report_number:
        return _("No. %(number)s") % {"number": report_number}
    return _("No.      -BC/ĐU")


def date_words(date):
    """ "ngày 05 tháng 01 năm 2024": day and month below 10 take a leading zero."""
    return _("day %(day)s month %(month)s year %(year)s") % {
        "day": f"{date.day:02d}",
        "month": f"{date.month:02d}",
        "year": date.year,
    }


def place_and_date_line(year):
    """The place and date line; without a date, blanks for the day and month of next year."""
    if year.report_date:
        return f"{year.place_name}, {date_words(year.report_date)}"
    blank = _("day %(day)s month %(month)s year %(year)s") % {
        "day": "   ",
        "month": "   ",
        "year": year.year + 1,
    }
    return f"{year.place_name}, {blank}"


def status_line(report):
    if report.is_final:
        return _("Final figures")
    return _("Provisional figures (the year is not closed)")


def figure_note(figure):
    """The note, saying "Số liệu minh họa." for a demo figure whose note does not say so."""
    note = figure.note.strip()
    if figure.illustrative:
        folded = unicodedata.normalize("NFC", note).casefold()
        # Both placements of the tone mark are in use: "minh họa" and "minh hoạ".
        if "minh họa" not in folded and "minh hoạ" not in folded:
            marker = _("Illustrative figure.")
            note = f"{marker} {note}".strip()
    return note


# --- Layout -----------------------------------------------------------------------------------

HEADERS = [
    # (heading, column width in characters)
    (gettext_lazy("No."), 6),
    (gettext_lazy("Target"), 48),
    (gettext_lazy("Unit"), 11),
    (gettext_lazy("Plan"), 13),
    (gettext_lazy("Actual"), 13),
    (gettext_lazy("Percent of plan"), 13),
    (gettext_lazy("Assessment"), 14),
    (gettext_lazy("Note"), 40),
]
COLUMNS = len(HEADERS)
LEFT_BLOCK = (1, 3)  # committee block and "Nơi nhận" over STT, Chỉ tiêu, ĐVT
RIGHT_BLOCK = (COLUMNS - 3, COLUMNS)  # "ĐẢNG CỘNG SẢN VIỆT NAM" and signature over the last four

FONT_NAME = "Times New Roman"  # what Vietnamese administrative documents are printed in
INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0#"  # 1,6 and 95,77, as the page writes them
# The cell holds 99.76, not 0.9976, so a reader summing or copying it gets the printed number.
PERCENT_FORMAT = '0.00" %"'
DATE_FORMAT = "DD/MM/YYYY"
NO_PERCENT = "–"

THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="E7E6E6")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")


def table_styles():
    """The named styles of the table's cells, made once per workbook: assigning a named style is
    one lookup, where a font, a border, an alignment and a format are four, for every cell."""

    def style(name, alignment, number_format="General", bold=False, fill=None):
        named = NamedStyle(
            name=name,
            font=Font(name=FONT_NAME, size=12, bold=bold),
            border=BORDER,
            alignment=alignment,
            number_format=number_format,
        )
        if fill is not None:
            named.fill = fill
        return named

    return [
        style("table-text", LEFT),
        style("table-center", CENTER),
        style("table-integer", RIGHT, INTEGER_FORMAT),
        style("table-decimal", RIGHT, DECIMAL_FORMAT),
        style("table-percent", RIGHT, PERCENT_FORMAT),
        style("table-heading", CENTER, bold=True, fill=HEADER_FILL),
        style("table-bold", LEFT, bold=True),
        style("table-bold-center", CENTER, bold=True),
        style("table-bold-integer", RIGHT, INTEGER_FORMAT, bold=True),
        style("table-date", CENTER, DATE_FORMAT),
    ]


def add_table_styles(workbook):
    for named in table_styles():
        if named.name not in workbook.named_styles:
            workbook.add_named_style(named)


def set_value(cell, value):
    """Text is forced to a string cell, so a name or note starting with "=" stays text instead
    of becoming a formula (openpyxl would make it one)."""
    if isinstance(value, str):
        cell.value = sheet_text(value)
        cell.data_type = "s"
    else:
        cell.value = value


def sheet_text(value, multiline=True):
    """Text as a workbook may hold it. The database holds cleaned text already (targets.text);
    this also covers text that never went through it, such as an object built in memory."""
    return ILLEGAL_CHARACTERS_RE.sub("", clean_text(value, multiline))


def put_table(ws, row, column, value, style):
    """Write one cell of a table in one of table_styles()."""
    cell = ws.cell(row=row, column=column)
    set_value(cell, value)
    cell.style = style
    return cell


@functools.cache
def report_font(size, bold, italic, underline):
    return Font(
        name=FONT_NAME,
        size=size,
        bold=bold,
        italic=italic,
        underline="single" if underline else None,
    )


def put(ws, row, column, value, *, size=12, bold=False, italic=False, underline=False, **style):
    """Write one cell outside the tables (header blocks, titles, signature) in the report's
    font."""
    cell = ws.cell(row=row, column=column)
    set_value(cell, value)
    cell.font = report_font(size, bold, italic, underline)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def put_merged(ws, row, columns, value, **style):
    """Write a cell merged over ``columns`` (first, last), centred unless told otherwise."""
    first, last = columns
    style.setdefault("alignment", CENTER)
    cell = put(ws, row, first, value, **style)
    if last > first:
        # Registered directly: Worksheet.merge_cells would also replace every covered cell and
        # recompute its borders, half the time of a small report, for cells that are empty here.
        ws.merged_cells.add(CellRange(min_col=first, min_row=row, max_col=last, max_row=row))
    return cell


def amount_cell(ws, row, column, figure, value, shown):
    """A plan or actual: a number with a number format, "Có"/"Không" for a milestone, empty when
    unknown."""
    if value is None:
        return put_table(ws, row, column, None, "table-text")
    if figure.target.kind == Kind.MILESTONE:
        return put_table(ws, row, column, shown, "table-center")
    integral = value == value.to_integral_value()
    return put_table(ws, row, column, value, "table-integer" if integral else "table-decimal")


def percent_cell(ws, row, column, percent):
    if percent is None:
        return put_table(ws, row, column, NO_PERCENT, "table-center")
    return put_table(ws, row, column, percent, "table-percent")


def write_heading(ws, report, row):
    """The committee block, the title and the status lines; returns the next free row."""
    year = report.year
    put_merged(ws, row, LEFT_BLOCK, year.superior_body.upper(), size=13)
    put_merged(
        ws, row, RIGHT_BLOCK, _("COMMUNIST PARTY OF VIETNAM"), size=13, bold=True, underline=True
    )
    put_merged(ws, row + 1, LEFT_BLOCK, committee_as_body(year.committee_name), size=13, bold=True)
    put_merged(ws, row + 2, LEFT_BLOCK, "*", size=13)
    put_merged(ws, row + 3, LEFT_BLOCK, number_line(year.report_number), size=13)
    # The date sits on the number's line, as on a printed Party document.
    put_merged(ws, row + 3, RIGHT_BLOCK, place_and_date_line(year), size=13, italic=True)
    row += 5

    everything = (1, COLUMNS)
    put_merged(ws, row, everything, _("REPORT"), size=16, bold=True)
    ws.row_dimensions[row].height = 24
    put_merged(
        ws,
        row + 1,
        everything,
        _("Results of the targets of %(year)s") % {"year": year.year},
        size=14,
        bold=True,
    )
    row += 2
    if year.plan_document:
        following = _("(Following %(document)s)") % {"document": year.plan_document}
        put_merged(ws, row, everything, following, size=13, italic=True)
        row += 1
    put_merged(ws, row, everything, status_line(report), size=13, italic=True)
    return row + 2


def write_table_header(ws, row):
    for column, (heading, _width) in enumerate(HEADERS, start=1):
        put_table(ws, row, column, str(heading), "table-heading")
    return row + 1


def write_area_row(ws, row, area):
    put(ws, row, 1, f"{area.roman}.", bold=True, border=BORDER, alignment=CENTER)
    put_merged(ws, row, (2, COLUMNS), area.name, bold=True, border=BORDER, alignment=LEFT)
    # A merged range keeps only its first cell's border; the others need their own.
    for column in range(3, COLUMNS + 1):
        ws.cell(row=row, column=column).border = BORDER
    return row + 1


# The tallest row Excel accepts, in points; a taller one makes it repair the file.
MAX_ROW_HEIGHT = 409


def fit_row_height(ws, row, texts):
    """Set the row tall enough for its wrapped texts: spreadsheet programs do not grow a row
    written by a library, so a long note would be cut off on paper."""
    lines = 1
    for column, text in texts:
        width = HEADERS[column - 1][1]
        # Wrapped lines of roughly `width` characters, plus the explicit line breaks.
        per_line = int(width * 1.2)  # Times New Roman is narrower than the width unit
        lines = max(lines, sum(1 + len(part) // per_line for part in text.split("\n")))
    ws.row_dimensions[row].height = min(16 * lines, MAX_ROW_HEIGHT)


def write_figure_row(ws, row, figure):
    target = figure.target
    put_table(ws, row, 1, target.position, "table-center")
    put_table(ws, row, 2, figure.name, "table-text")
    put_table(ws, row, 3, figure.unit, "table-center")
    amount_cell(ws, row, 4, figure, figure.plan, figure.plan_display)
    amount_cell(ws, row, 5, figure, figure.actual, figure.actual_display)
    percent_cell(ws, row, 6, figure.percent)
    put_table(ws, row, 7, str(figure.assessment.label), "table-center")
    note = figure_note(figure)
    put_table(ws, row, 8, note, "table-text")
    fit_row_height(ws, row, [(2, figure.name), (8, note)])
    return row + 1


def write_summary_row(ws, row, report):
    put_merged(ws, row, (1, COLUMNS), str(report.summary), bold=True, border=BORDER, alignment=LEFT)
    for column in range(2, COLUMNS + 1):
        ws.cell(row=row, column=column).border = BORDER
    return row + 1


def write_signature(ws, report, row):
    """Recipients on the left, the secretary's signature on the right, on the same rows."""
    year = report.year
    recipients = Alignment(horizontal="left", vertical="center")
    put_merged(ws, row, LEFT_BLOCK, _("Recipients:"), bold=True, italic=True, alignment=recipients)
    put_merged(ws, row + 1, LEFT_BLOCK, f"- {year.superior_body},", alignment=recipients)
    put_merged(
        ws, row + 2, LEFT_BLOCK, _("- Filed at the committee's office."), alignment=recipients
    )
    put_merged(ws, row, RIGHT_BLOCK, _("FOR THE PARTY COMMITTEE"), size=13, bold=True)
    put_merged(ws, row + 1, RIGHT_BLOCK, _("SECRETARY"), size=13, bold=True)
    # Two empty rows for the signature and seal.
    put_merged(ws, row + 4, RIGHT_BLOCK, year.secretary_name, size=13, bold=True)
    return row + 5


def set_up_page(ws, header_row):
    """A4 landscape, one page wide, the table header repeated on every page."""
    for column, (_heading, width) in enumerate(HEADERS, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as the targets need
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.3  # the footer numbers the pages
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "&P/&N"
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)


def write_targets_sheet(ws, report):
    ws.title = _("Targets")
    row = write_heading(ws, report, 1)
    header_row = row
    row = write_table_header(ws, row)
    for area, figures in report.sections:
        row = write_area_row(ws, row, area)
        for figure in figures:
            row = write_figure_row(ws, row, figure)
    row = write_summary_row(ws, row, report)
    write_signature(ws, report, row + 1)
    set_up_page(ws, header_row)


# Sheets other apps add after "Chỉ tiêu" (the cells' ratings), as callables
# ``(workbook, report) -> None``; registered from their AppConfig.ready, so this app never imports
# theirs.
EXTRA_SHEETS = []


def register_sheet(add_sheet):
    if add_sheet not in EXTRA_SHEETS:
        EXTRA_SHEETS.append(add_sheet)
    return add_sheet


def build_workbook(report, extra_sheets=None):
    """The report as a workbook: the "Chỉ tiêu" sheet, then one sheet per ``extra_sheets``
    callable ``(workbook, report) -> None`` (by default the registered ones).

    The "Chỉ tiêu" sheet runs no query: everything comes from ``report``.
    """
    # The report is filed in Vietnamese, whoever asks for it.
    with translation.override("vi"):
        workbook = Workbook()
        add_table_styles(workbook)
        write_targets_sheet(workbook.active, report)
        for add_sheet in EXTRA_SHEETS if extra_sheets is None else extra_sheets:
            add_sheet(workbook, report)
        workbook.properties.title = _("Results of the targets of %(year)s") % {
            "year": report.year.year
        }
        workbook.properties.creator = sheet_text(report.year.committee_name, multiline=False)
    return workbook


def workbook_bytes(workbook):
    """A workbook as the bytes of an .xlsx file, for a download or the export command."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def workbook_response_bytes(report, extra_sheets=None):
    return workbook_bytes(build_workbook(report, extra_sheets))
