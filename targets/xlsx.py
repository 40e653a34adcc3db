"""The tables of the report as an Excel workbook (Biểu kết quả thực hiện chỉ tiêu năm), and
the toolkit every sheet of the app is written with (the cells' sheets too, through
``TableSheet``).

The "Chỉ tiêu" sheet is the report's first annex as a table to work with: the committee block
top left, "ĐẢNG CỘNG SẢN VIỆT NAM" and the place and date top right, "PHỤ LỤC I", its title and
the "Kèm theo Báo cáo số …" line, "DỰ THẢO" on a draft, then the table grouped by area (its
columns are targets.columns.REPORT_COLUMNS) and the summary line. Its words are Vietnamese
whatever the reader's language, because the document is filed in Vietnamese.

Numbers stay numbers, so a reader can sum and sort them. How they look depends on the reader's
Excel: a number format says "group thousands" and "decimals here", and Excel draws the separators
of the computer's regional settings. No format shows "1.262,5" everywhere: a quoted or escaped
"." and "," are literal characters, which cannot stand for the decimal point without storing a
different number. So the sheet says above its table how to read the numbers on a computer set to
English ("1,262.5" is 1.262,5).
"""

import functools
import io

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

from . import columns, wording
from .progress import Stage
from .text import clean_text

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FONT_NAME = "Times New Roman"  # what Vietnamese administrative documents are printed in
INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0#"  # 1,6 and 95,77, as the page writes them
# The cell holds 99.76, not 0.9976, so a reader summing or copying it gets the printed number.
PERCENT_FORMAT = '0.00"%"'
DATE_FORMAT = "DD/MM/YYYY"
# The tallest row Excel accepts, in points; a taller one makes it repair the file.
MAX_ROW_HEIGHT = 409

THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="E7E6E6")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")


def table_styles():
    """The named styles of the tables' cells, made once per workbook: assigning a named style is
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
        style("table-bold-integer", RIGHT, INTEGER_FORMAT, bold=True),
        style("table-date", CENTER, DATE_FORMAT),
    ]


def new_workbook():
    """An empty workbook with the tables' named styles."""
    workbook = Workbook()
    for named in table_styles():
        workbook.add_named_style(named)
    return workbook


def sheet_text(value, multiline=True):
    """Text as a workbook may hold it. The database holds cleaned text already (targets.text);
    this also covers text that never went through it, such as an object built in memory."""
    return ILLEGAL_CHARACTERS_RE.sub("", clean_text(value, multiline))


def set_value(cell, value):
    """Text is forced to a string cell, so a name or note starting with "=" stays text instead
    of becoming a formula (openpyxl would make it one)."""
    if isinstance(value, str):
        cell.value = sheet_text(value)
        cell.data_type = "s"
    else:
        cell.value = value


def style_for(kind, value):
    """The named style of a table cell holding ``value`` in a column of ``kind``."""
    if isinstance(value, str) or value is None:
        return "table-text" if kind == columns.TEXT else "table-center"
    if kind == columns.PERCENT:
        return "table-percent"
    if kind == columns.AMOUNT and value != int(value):
        return "table-decimal"
    return "table-integer"


@functools.cache
def report_font(size, bold, italic, underline):
    return Font(
        name=FONT_NAME,
        size=size,
        bold=bold,
        italic=italic,
        underline="single" if underline else None,
    )


class TableSheet:
    """A worksheet written row by row in the report's look: a title, a table of ``headings``
    ((heading, width) pairs), lines of text under it, printed A4 landscape and one page wide."""

    def __init__(self, ws, headings):
        self.ws = ws
        self.headings = headings
        self.width = len(headings)
        self.row = 1
        self.header_row = None

    def cell(self, column, value, style):
        """Write one cell of the current row in one of table_styles()."""
        cell = self.ws.cell(row=self.row, column=column)
        set_value(cell, value)
        cell.style = style
        return cell

    def put(self, column, value, *, size=12, bold=False, italic=False, underline=False, **style):
        """Write one cell of the current row outside the table, in the report's font."""
        cell = self.ws.cell(row=self.row, column=column)
        set_value(cell, value)
        cell.font = report_font(size, bold, italic, underline)
        for name, setting in style.items():
            setattr(cell, name, setting)
        return cell

    def merged(self, columns, value, **style):
        """Write a cell of the current row merged over ``columns`` (first, last), centred
        unless told otherwise."""
        first, last = columns
        style.setdefault("alignment", CENTER)
        cell = self.put(first, value, **style)
        if last > first:
            # Registered directly: Worksheet.merge_cells would also replace every covered cell
            # and recompute its borders, half the time of a small report, for empty cells.
            self.ws.merged_cells.add(
                CellRange(min_col=first, min_row=self.row, max_col=last, max_row=self.row)
            )
        return cell

    def title(self, text, size=14):
        self.merged((1, self.width), text, size=size, bold=True)
        self.row += 2

    def line(self, text, **style):
        """A line of text across the table's width."""
        self.merged((1, self.width), text, **({"alignment": LEFT} | style))
        self.row += 1

    def header(self):
        self.header_row = self.row
        for column, (heading, width) in enumerate(self.headings, start=1):
            self.cell(column, str(heading), "table-heading")
            self.ws.column_dimensions[get_column_letter(column)].width = width
        self.row += 1

    def values(self, values, styles):
        for column, (value, style) in enumerate(zip(values, styles, strict=True), start=1):
            self.cell(column, value, style)
        self.row += 1

    def band(self, label, text):
        """A row of the table with a label in the first column and bold text over the rest, as
        the areas I–IV and the summary line are."""
        self.put(1, label, bold=True, border=BORDER, alignment=CENTER)
        self.merged((2, self.width), text, bold=True, border=BORDER, alignment=LEFT)
        # A merged range keeps only its first cell's border; the others need their own.
        for column in range(3, self.width + 1):
            self.ws.cell(row=self.row, column=column).border = BORDER
        self.row += 1

    def fit_height(self, texts):
        """Make the last row tall enough for its wrapped texts ((column, text) pairs):
        spreadsheet programs do not grow a row written by a library."""
        lines = 1
        for column, text in texts:
            # Times New Roman is narrower than the width unit.
            per_line = int(self.headings[column - 1][1] * 1.2)
            lines = max(lines, sum(1 + len(part) // per_line for part in text.split("\n")))
        self.ws.row_dimensions[self.row - 1].height = min(16 * lines, MAX_ROW_HEIGHT)

    def landscape(self):
        """A4 landscape, one page wide, the table header repeated on every page."""
        ws = self.ws
        ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0  # as many pages tall as the rows need
        if self.header_row:
            ws.print_title_rows = f"{self.header_row}:{self.header_row}"
            ws.freeze_panes = ws.cell(row=self.header_row + 1, column=1)
        ws.page_margins.left = ws.page_margins.right = 0.5
        ws.page_margins.top = ws.page_margins.bottom = 0.6
        ws.page_margins.header = ws.page_margins.footer = 0.3  # the footer numbers the pages
        ws.print_options.horizontalCentered = True
        ws.oddFooter.center.text = "&P/&N"


# --- The "Chỉ tiêu" sheet -----------------------------------------------------------------------


def write_targets_sheet(ws, report):
    ws.title = _("Targets")
    report_columns = report.columns
    sheet = TableSheet(ws, [(column.heading, column.width) for column in report_columns])
    write_heading(sheet, report)
    sheet.header()
    for area, rows in report.sections:
        sheet.band(f"{area.roman}.", area.name)
        for row in rows:
            values = [column.value(row) for column in report_columns]
            styles = [style_for(c.kind, v) for c, v in zip(report_columns, values, strict=True)]
            sheet.values(values, styles)
            sheet.fit_height(
                [
                    (index, value)
                    for index, value in enumerate(values, start=1)
                    if isinstance(value, str)
                ]
            )
    sheet.merged((1, sheet.width), f"{report.summary}.", bold=True, border=BORDER, alignment=LEFT)
    for column in range(2, sheet.width + 1):
        ws.cell(row=sheet.row, column=column).border = BORDER
    sheet.landscape()


def blocks(sheet):
    """The committee block's columns (left, over the first three) and the national emblem's and
    signature's (right, over the last four)."""
    return (1, min(3, sheet.width)), (max(sheet.width - 3, 1), sheet.width)


def write_heading(sheet, report):
    """The committee block, the annex's title and "Kèm theo" line, the draft mark, and how to
    read the numbers."""
    year, stage = report.year, report.stage
    left, right = blocks(sheet)
    sheet.merged(left, wording.superior_line(year), size=13)
    sheet.merged(right, _("COMMUNIST PARTY OF VIETNAM"), size=13, bold=True, underline=True)
    sheet.row += 1
    sheet.merged(left, wording.executive_line(year), size=13, bold=True)
    sheet.merged(right, wording.place_and_date_line(year, stage), size=13, italic=True)
    sheet.row += 1
    sheet.merged(left, "*", size=13)
    sheet.row += 2
    everything = (1, sheet.width)
    if report.is_draft:
        sheet.merged(everything, wording.draft_mark(), size=13, bold=True)
        sheet.row += 1
    sheet.merged(everything, wording.annex_title("I"), size=14, bold=True)
    sheet.row += 1
    sheet.merged(everything, wording.report_subject(year, stage).upper(), size=14, bold=True)
    sheet.row += 1
    sheet.merged(everything, wording.attached_line(year, stage), size=13, italic=True)
    sheet.row += 1
    sheet.merged(everything, wording.stage_line(stage), size=13, italic=True)
    sheet.row += 1
    # Just above the table's header row, two lines high: spreadsheet programs do not grow a row.
    sheet.line(reading_note(), size=10, italic=True)
    sheet.ws.row_dimensions[sheet.row - 1].height = 28


def reading_note():
    return _(
        "The figures are numbers, written the Vietnamese way: a comma before decimals, a dot "
        "between thousands. On a computer set to English, Excel shows them the English way: "
        "“1,262.5” is 1.262,5 and “101.00%” is 101,00%."
    )


# --- The workbook -------------------------------------------------------------------------------

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
    with translation.override("vi"):  # filed in Vietnamese, whoever asks for it
        workbook = new_workbook()
        write_targets_sheet(workbook.active, report)
        for add_sheet in EXTRA_SHEETS if extra_sheets is None else extra_sheets:
            add_sheet(workbook, report)
        title = wording.report_subject(report.year, report.stage)
        workbook.properties.title = sheet_text(title, False)
        workbook.properties.creator = sheet_text(report.year.committee_name, False)
    return workbook


def workbook_bytes(workbook):
    """A workbook as the bytes of an .xlsx file, for a download or the export command."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


STAGE_IN_FILENAMES = {Stage.HALF: "-6-thang", Stage.ESTIMATE: "-uoc-ca-nam", Stage.FINAL: ""}


def filename(report):
    return f"bao-cao-{report.year.year}{STAGE_IN_FILENAMES[report.stage]}.xlsx"
