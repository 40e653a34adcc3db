"""The tables of the report as an Excel workbook (Biểu kết quả thực hiện chỉ tiêu năm), and
the toolkit every sheet of the app is written with (the cells' sheets too, through
``TableSheet``).

The "Chỉ tiêu" sheet is the report's first annex as a table to work with: the committee block
top left, "ĐẢNG CỘNG SẢN VIỆT NAM" and the place and date top right, "PHỤ LỤC I", its title and
the "Kèm theo Báo cáo số …" line, "DỰ THẢO" on a draft, then the table grouped by area (its
columns are targets.columns.REPORT_COLUMNS) and the summary line. Every sheet of the workbook
that is an annex of the report opens with the same heading (annex_heading). Its words are
Vietnamese whatever the reader's language, because the document is filed in Vietnamese.

Numbers stay numbers, so a reader can sum and sort them. How they look depends on the reader's
Excel: a number format says "group thousands" and "decimals here", and Excel draws the separators
of the computer's regional settings. No format shows "1.262,5" everywhere: a quoted or escaped
"." and "," are literal characters, which cannot stand for the decimal point without storing a
different number. So the sheet says under its table how to read the numbers on a computer set
to English ("1,262.5" is 1.262,5): a note for the screen, outside the printed area, since the
printed annex never mentions software.
"""

import functools
import io
import math
import re
import weakref
from copy import copy

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.worksheet import Worksheet

from . import columns, wording
from .text import clean_text

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FONT_NAME = "Times New Roman"  # what Vietnamese administrative documents are printed in
TABLE_SIZE = 12  # the tables' font size, in points
INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0#"  # 1,6 and 95,77, as the page writes them
# The entry holds 99.76, not 0.9976, so a reader summing or copying it gets the printed number.
PERCENT_FORMAT = '0.00"%"'
DATE_FORMAT = "DD/MM/YYYY"
# An underscore that opens what Excel reads as an escaped character ("_x0041_" is "A").
EXCEL_ESCAPE_RE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")
# The tallest row Excel accepts, in points; a taller one makes it repair the file.
MAX_ROW_HEIGHT = 409

# What a row's height is estimated from (spreadsheet programs do not grow a row a library wrote).
# Average widths of Times New Roman's characters (Liberation Serif's, the same metrics) in ems,
# measured over the targets' names and notes, rounded up, bold included: capitals, a space, and
# the rest (lower case, digits and punctuation, under half an em).
CAPITAL_EM = 0.72
SPACE_EM = 0.25
OTHER_EM = 0.5
# A line's height per point of font size: the font's own 1.15, with room to spare.
LINE_SPACING = 1.3
# What an entry keeps clear inside its borders, both sides together, in points.
ENTRY_PADDING = 4

THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="E7E6E6")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")


def table_styles():
    """The named styles of the tables' entries, made once per workbook: assigning a named style
    is one lookup, where a font, a border, an alignment and a format are four, for every entry."""

    def style(name, alignment, number_format="General", bold=False, fill=None):
        named = NamedStyle(
            name=name,
            font=Font(name=FONT_NAME, size=TABLE_SIZE, bold=bold),
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
    """An empty workbook with the tables' named styles, in the report's font from its "Normal"
    style on: a column's width counts the digits of that style's font (ECMA-376), so a width
    means the same in Excel and in LibreOffice, whatever other fonts the computer has, and the
    rows' heights (TableSheet.fit) can be estimated from it."""
    workbook = Workbook()
    workbook._named_styles["Normal"].font = Font(name=FONT_NAME, size=TABLE_SIZE)
    for named in table_styles():
        workbook.add_named_style(named)
    return workbook


def sheet_text(value, multiline=True):
    """Text as a workbook may hold it. The database holds cleaned text already (targets.text);
    this also covers text that never went through it, such as an object built in memory."""
    return ILLEGAL_CHARACTERS_RE.sub("", clean_text(value, multiline))


def escaped(text):
    """``text`` as an entry must hold it to read as typed: Excel reads "_x0041_" in an entry as
    "A" (its escape of a character), so the underscore that opens such a run is itself
    escaped, as "_x005F_"."""
    return EXCEL_ESCAPE_RE.sub("_x005F_", text)


EXCEL_ESCAPED_RE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def unescaped(text):
    """``text`` of an entry as Excel reads it: each "_xHHHH_" is the character HHHH, so
    "_x005F_x0041_" (escaped above) reads "_x0041_" again. openpyxl leaves them as stored."""
    return EXCEL_ESCAPED_RE.sub(lambda match: chr(int(match.group(1), 16)), text)


def written_text(text):
    """``text`` as an entry holds it: cleaned (sheet_text), and never read as Excel's escapes."""
    return escaped(sheet_text(text))


def set_value(xl_cell, value, written=written_text):
    """Text is forced to a string entry, so a name or note starting with "=" stays text instead
    of becoming a formula (openpyxl would make it one), and never read as Excel's escapes.
    ``written`` gives a text as the entry holds it (see TableSheet.written)."""
    if isinstance(value, str):
        xl_cell.value = written(value)
        xl_cell.data_type = "s"
    else:
        xl_cell.value = value


def style_for(layout, value):
    """The named style of a table's entry holding ``value`` in a column of ``layout``."""
    if isinstance(value, str) or value is None:
        return "table-text" if layout == columns.TEXT else "table-center"
    if layout == columns.PERCENT:
        return "table-percent"
    if layout == columns.AMOUNT and value != int(value):
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


def text_ems(text):
    """The estimated printed width of ``text``, in ems."""
    capitals = sum(map(str.isupper, text))
    spaces = text.count(" ")
    others = len(text) - capitals - spaces
    return capitals * CAPITAL_EM + spaces * SPACE_EM + others * OTHER_EM


def text_points(text, size):
    """The estimated printed width of ``text`` at ``size`` points, in points."""
    return size * text_ems(text)


def wrapped_lines(text, points, size, word_ems=None):
    """How many lines ``text`` at ``size`` points takes in a wrapping entry ``points`` wide: its
    own line breaks, and a break before each word that does not fit; a word wider than the entry
    is broken where it overflows. ``word_ems`` ({word: its width in ems}) keeps the words'
    widths for the next text: a table's names and notes share most of their words."""
    if size * (len(text) * CAPITAL_EM) <= points:
        # Fits even if every character were a capital, the widest: the usual short value, told
        # without measuring it.
        return text.count("\n") + 1
    if word_ems is None:
        word_ems = {}
    space = text_points(" ", size)
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        if text_points(paragraph, size) <= points:
            continue
        used = 0
        for word in paragraph.split(" "):
            ems = word_ems.get(word)
            if ems is None:
                ems = word_ems[word] = text_ems(word)
            width = size * ems
            if used and used + width > points:
                lines += 1
                used = 0
            while width > points:
                lines += 1
                width -= points
            used += width + space
    return lines


def column_points(width):
    """The printed width in points of a column ``width`` characters wide: 8 pixels a character
    (a digit of the "Normal" style's Times New Roman at 12 points, see new_workbook), at 96
    pixels an inch."""
    return width * 8 * 0.75


# For each workbook being written, the style ids of each look given (TableSheet.give_look) and
# the look's objects: a look is registered once, whichever sheet has it first.
WORKBOOK_LOOKS = weakref.WeakKeyDictionary()


class TableSheet:
    """A worksheet written row by row in the report's look: a title, a table of ``headings``
    ((heading, width) pairs), lines of text under it, printed A4 landscape and one page wide,
    each row as tall as its wrapped text."""

    def __init__(self, ws, headings):
        self.ws = ws
        self.headings = headings
        self.width = len(headings)
        self.row = 1
        self.header_row = None
        self.printed_rows = None  # the last row printed, when notes for the screen follow
        self.heights = {}  # row: the points its text needs
        self.points = [column_points(width) for _heading, width in headings]
        self.text_widths = {}  # (first, last) columns: the width their text has, in points
        self.entry_points = [points - ENTRY_PADDING for points in self.points]
        # Each named style of the workbook (table_styles) as the style ids an entry of it
        # holds: what assigning the style by name copies into the entry, after looking the
        # name up in a list of the names built anew for each entry.
        self.style_ids = {named.name: named.as_tuple() for named in ws.parent._named_styles}
        self.texts = {}  # each text the sheet holds, as written (see written)
        self.word_ems = {}  # each word's width, in ems (see wrapped_lines)
        self.looks = WORKBOOK_LOOKS.setdefault(ws.parent, {})

    def written(self, text):
        """``text`` as an entry holds it (written_text), cleaned once for the sheet: units,
        verdicts and notes repeat down a table."""
        held = self.texts.get(text)
        if held is None:
            held = self.texts[text] = written_text(text)
        return held

    def fit(self, columns, value, size, wrap):
        """Note the height the current row needs for ``value`` (as written) in an entry over
        ``columns`` (first, last) in a font of ``size`` points."""
        lines = 1
        if wrap and isinstance(value, str):
            points = self.text_widths.get(columns)
            if points is None:
                first, last = columns
                points = sum(self.points[first - 1 : last]) - ENTRY_PADDING
                self.text_widths[columns] = points
            lines = wrapped_lines(value, points, size, self.word_ems)
        self.note_height(lines * size * LINE_SPACING)

    def note_height(self, needed):
        if needed > self.heights.get(self.row, 0):
            self.heights[self.row] = needed

    def put(self, column, value, **style):
        """Write one entry of the current row outside the table, in the report's font."""
        return self.text_entry((column, column), value, **style)

    def text_entry(
        self, columns, value, *, size=TABLE_SIZE, bold=False, italic=False, underline=False, **style
    ):
        """Write the first entry of ``columns`` (first, last) in the current row in the report's
        font, and note the height its text needs over the columns' width."""
        xl_cell = self.ws.cell(row=self.row, column=columns[0])
        set_value(xl_cell, value, self.written)
        self.give_look(xl_cell, font=report_font(size, bold, italic, underline), **style)
        alignment = style.get("alignment")
        self.fit(columns, xl_cell.value, size, wrap=bool(alignment and alignment.wrap_text))
        return xl_cell

    def give_look(self, xl_cell, **look):
        """Give ``xl_cell`` the ``look`` (its font, alignment, border, number format), as setting
        each of them does. Setting one registers its object with the workbook, hashing it anew;
        so an entry of a look given before copies the style ids of the first entry that had it.
        Looks are told apart by their objects' ``id``: the objects are kept with the ids, so that
        no other object takes one of their ``id`` while the workbook is written."""
        fresh = not xl_cell.has_style
        key = tuple((name, id(setting)) for name, setting in look.items())
        kept = self.looks.get(key) if fresh else None
        if kept is not None:
            xl_cell._style = copy(kept[0])
            return
        for name, setting in look.items():
            setattr(xl_cell, name, setting)
        if fresh:
            self.looks[key] = (copy(xl_cell._style), tuple(look.values()))

    def merged(self, columns, value, **style):
        """Write an entry of the current row merged over ``columns`` (first, last), centred
        unless told otherwise."""
        first, last = columns
        style.setdefault("alignment", CENTER)
        xl_cell = self.text_entry(columns, value, **style)
        if last > first:
            # Registered directly: Worksheet.merge_cells would also replace every covered entry
            # and recompute its borders, half the time of a small report, for empty entries.
            self.ws.merged_cells.add(
                CellRange(min_col=first, min_row=self.row, max_col=last, max_row=self.row)
            )
        return xl_cell

    def title(self, text, size=14):
        self.merged((1, self.width), text, size=size, bold=True)
        self.row += 2

    def line(self, text, **style):
        """A line of text across the table's width."""
        self.merged((1, self.width), text, **({"alignment": LEFT} | style))
        self.row += 1

    def header(self):
        self.header_row = self.row
        for column, (_heading, width) in enumerate(self.headings, start=1):
            self.ws.column_dimensions[get_column_letter(column)].width = width
        self.values(
            [str(heading) for heading, _width in self.headings], ["table-heading"] * self.width
        )

    def values(self, values, styles):
        """Write a row of the table: each of ``values`` in one of table_styles() (by its name),
        its text wrapping; the row as tall as its tallest text (a number is one line, as tall as
        the text beside it: every row of a table has some)."""
        ws, row, style_ids, entry_points = self.ws, self.row, self.style_ids, self.entry_points
        lines = 0
        for column, (value, style) in enumerate(zip(values, styles, strict=True), start=1):
            xl_cell = ws.cell(row=row, column=column)
            set_value(xl_cell, value, self.written)
            xl_cell._style = copy(style_ids[style])  # what ``xl_cell.style = style`` does
            if isinstance(value, str):
                points = entry_points[column - 1]
                wrapped = wrapped_lines(xl_cell.value, points, TABLE_SIZE, self.word_ems)
                lines = max(lines, wrapped)
        if lines:
            self.note_height(lines * TABLE_SIZE * LINE_SPACING)
        self.row += 1

    def band(self, label, text):
        """A row of the table with a label in the first column and bold text over the rest, as
        the areas I–IV and the summary line are."""
        self.put(1, label, bold=True, border=BORDER, alignment=CENTER)
        self.merged((2, self.width), text, bold=True, border=BORDER, alignment=LEFT)
        # A merged range keeps only its first entry's border; the others need their own.
        for column in range(3, self.width + 1):
            self.give_look(self.ws.cell(row=self.row, column=column), border=BORDER)
        self.row += 1

    def end_of_print(self):
        """The rows written from here on are notes for the reader at a screen: they are left
        out of the printed area."""
        self.printed_rows = self.row - 1

    def landscape(self):
        """Every row as tall as its text; printed as print_landscape says, the table's header
        row repeated on every page; only the annex printed."""
        ws = self.ws
        for row, points in self.heights.items():
            ws.row_dimensions[row].height = min(math.ceil(points), MAX_ROW_HEIGHT)
        print_landscape(ws)
        if self.header_row:
            ws.print_title_rows = f"{self.header_row}:{self.header_row}"
            ws.freeze_panes = ws.cell(row=self.header_row + 1, column=1)
        last = self.printed_rows or ws.max_row
        ws.print_area = f"A1:{get_column_letter(self.width)}{last}"


def print_landscape(ws):
    """Print ``ws`` (a worksheet, or one written row by row) on A4 landscape, one page wide and
    as many tall as its rows need, with the office's margins (top and bottom 20 mm, left 30,
    right 15), centred, and the page number top centre from page 2."""
    ws.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    margins = ws.page_margins  # in inches
    margins.top = margins.bottom = 20 / 25.4
    margins.left, margins.right = 30 / 25.4, 15 / 25.4
    margins.header = margins.footer = 10 / 25.4  # the page number, within the top margin
    ws.print_options.horizontalCentered = True
    ws.HeaderFooter.differentFirst = True
    ws.oddHeader.center.text = "&P"
    ws.oddHeader.center.font = f"{FONT_NAME},Regular"
    ws.oddHeader.center.size = 12


# --- The "Chỉ tiêu" sheet -----------------------------------------------------------------------


def write_targets_sheet(ws, report):
    ws.title = _("Targets")
    report_columns = report.columns
    sheet = TableSheet(ws, [(column.heading, column.width) for column in report_columns])
    annex_heading(sheet, report, "I", wording.annex_subject(report.year, report.stage))
    sheet.header()
    for area, rows in report.sections:
        sheet.band(f"{area.roman}.", area.name)
        for row in rows:
            values = [column.value(row) for column in report_columns]
            styles = [style_for(c.layout, v) for c, v in zip(report_columns, values, strict=True)]
            sheet.values(values, styles)
    sheet.merged((1, sheet.width), f"{report.summary}.", bold=True, border=BORDER, alignment=LEFT)
    for column in range(2, sheet.width + 1):
        sheet.give_look(ws.cell(row=sheet.row, column=column), border=BORDER)
    sheet.row += 1
    sheet.end_of_print()
    sheet.row += 1
    sheet.line(reading_note(), size=10, italic=True)
    sheet.landscape()


def blocks(sheet):
    """The committee block's columns (left, over the first three) and the national emblem's and
    signature's (right, over the last four)."""
    return (1, min(3, sheet.width)), (max(sheet.width - 3, 1), sheet.width)


def annex_heading(sheet, report, number, title):
    """The heading of every sheet that is an annex of the report, as the printed annexes have
    it: the committee block, the nation's line with the place and date, "DỰ THẢO" on a draft,
    "PHỤ LỤC ``number``", ``title``, the "Kèm theo" line and which figures the table shows. A
    draft carries no number and no date: the office gives them when it issues the report."""
    year, stage = report.year, report.stage
    draft = report.is_draft
    left, right = blocks(sheet)
    sheet.merged(left, wording.superior_line(year), size=13)
    sheet.merged(right, _("COMMUNIST PARTY OF VIETNAM"), size=13, bold=True, underline=True)
    sheet.row += 1
    sheet.merged(left, wording.executive_line(year), size=13, bold=True)
    sheet.merged(right, wording.place_and_date_line(year, stage, draft), size=13, italic=True)
    sheet.row += 1
    sheet.merged(left, "*", size=13)
    sheet.row += 2
    everything = (1, sheet.width)
    if draft:
        sheet.merged(everything, wording.draft_mark(), size=13, bold=True)
        sheet.row += 1
    sheet.merged(everything, wording.annex_title(number), size=14, bold=True)
    sheet.row += 1
    sheet.merged(everything, title, size=14, bold=True)
    sheet.row += 1
    sheet.merged(everything, wording.attached_line(year, stage, draft), size=13, italic=True)
    sheet.row += 1
    sheet.merged(everything, wording.stage_line(stage), size=13, italic=True)
    sheet.row += 2


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


def filename(report):
    return f"bao-cao-{report.year.year}{report.stage.file_suffix}.xlsx"
