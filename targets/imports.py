"""Figures brought in from an Excel workbook: the office's own sheets and the app's report.

Three steps, each its own function:

1. ``open_workbook`` refuses a file that is not a plain .xlsx workbook (a renamed file, an old
   .xls, a password-protected workbook, one that declares macros, ActiveX controls or embedded
   objects whatever its parts are called) and one that would take more work to open than a
   table of targets can need (parts that expand too far, a sheet longer than IMPORT_MAX_ROWS),
   from its table of contents, before openpyxl reads it; the upload's form refuses one too
   large (IMPORT_MAX_BYTES).
2. ``read_table`` finds the table: the header row wherever it sits on a sheet (its headings in
   the usual words and abbreviations, over one or two rows), the rows under it, the area rows
   (I, II, …) and column numbers left aside.
3. ``preview`` matches each row to a target of the year, by number, then by name with accents
   and case forgiven, and reads its values; the result says per row what would change, what is
   as stored and what is refused and why, with the sheet's cell address. Nothing is written.

``write`` then writes a preview's changes in one transaction, each figure through Figure.save at
the version the preview showed. An empty cell leaves the stored value as it is: an import never
erases.
"""

import io
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

import openpyxl
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl.cell.cell import TYPE_ERROR, TYPE_FORMULA

from . import display, files, wording
from .models import MAX_TEXT, ROMAN, STAGE_FIELDS, Figure, StaleFigure, Year
from .numbers import (
    MAX_AMOUNT,
    NumberFormatError,
    check_amount,
    format_number,
    parse_number,
)
from .progress import STAGE_LABELS, Kind, Stage
from .text import clean_text
from .xlsx import unescaped

# The header row is looked for among a sheet's first rows; a sheet is read down to
# IMPORT_MAX_ROWS (a setting) and across MAX_COLUMNS.
HEADER_SEARCH_ROWS = 30
MAX_COLUMNS = 40
# What opening a workbook costs is bounded by the sizes its parts expand to: openpyxl reads
# the shared strings and the cell formats whole, once for the values and once for the
# formulas; a sheet that does not declare its size, whole on opening; and a sheet whose
# cells stand outside rows, whole at each reading. A megabyte of a sheet costs about a
# second at most, a megabyte of cell formats three. A ward's table of targets expands to a
# few hundred kilobytes, two thousand rows to a megabyte. The parts together may expand to
# MAX_EXPANSION times the file's size and to at most MAX_EXPANDED_BYTES; each part to
# MAX_PART_BYTES, or to its kind's limit.
MAX_EXPANSION = 100
MAX_EXPANDED_BYTES = 4 * 1024 * 1024
MAX_PART_BYTES = 1024 * 1024
STYLES = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
PART_LIMITS = {STYLES: 256 * 1024}
# openpyxl reads the cell formats from this part, whatever type it is declared with.
STYLES_PART = "xl/styles.xml"
# A sheet declares the cells it spans before its rows: <dimension ref="A1:G52"/>.
DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\b[^>]*?\bref\s*=\s*[\"']([^\"']*)")
DIMENSION_SEARCH_BYTES = 16 * 1024
# A workbook's sheets are each looked at for the table's headings.
MAX_SHEETS = 100


class Refused(Exception):
    """The file as a whole is refused; ``message`` says why, in the user's language."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class SheetNeeded(Exception):
    """More than one sheet holds a table of targets: the user chooses one."""

    def __init__(self, sheets):
        super().__init__(", ".join(sheets))
        self.sheets = sheets


# --- 1. The file --------------------------------------------------------------------------------

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An Office file saved with a password is an OLE container holding this stream.
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
MACRO_PARTS = ("xl/vbaProject.bin", "xl/macrosheets/")
MACRO_WORDS = re.compile(r"macro|vba", re.IGNORECASE)


def open_workbook(content):
    """The workbook in ``content`` (the bytes of an upload) as (values, formulas): the cached
    values of its cells and the formulas behind them, both read-only. Raises Refused."""
    check_content(content)
    try:
        with warnings.catch_warnings():
            # openpyxl warns of extensions it does not read (data validation, slicers).
            warnings.simplefilter("ignore")
            values = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            formulas = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise Refused(damaged()) from error
    return values, formulas


# What reading a damaged part of a workbook raises: a bad checksum or stream, broken XML (the
# standard library's and lxml's parse errors are both SyntaxErrors), a missing part, a shared
# string or a cell format numbered beyond those the workbook has, a value openpyxl cannot
# convert (a date beyond the calendar) or of a type it does not expect (a row's height "x").
UNREADABLE = (*files.ZIP_ERRORS, SyntaxError, KeyError, IndexError, OverflowError, TypeError)


def damaged():
    return _(
        "The file could not be read as an Excel workbook: it may be damaged. Open it in Excel, "
        "save it as .xlsx and upload it again."
    )


def check_content(content):
    """Refuse what is not a plain .xlsx workbook, or would take more work to open than a
    table of targets needs, from its bytes, its table of contents and the head of each sheet;
    openpyxl reads nothing of it here."""
    if content.startswith(OLE_MAGIC):
        if ENCRYPTED_STREAM in content:
            raise Refused(
                _(
                    "The workbook is protected with a password. Open it in Excel, remove the "
                    "password (File › Info › Protect Workbook), save it and upload it again."
                )
            )
        raise Refused(
            _(
                "This is an old Excel file (.xls) or another Office file, not an .xlsx "
                "workbook. Open it in Excel and save it as “Excel Workbook (.xlsx)”."
            )
        )
    if not content.startswith(b"PK\x03\x04"):
        raise Refused(not_a_workbook())
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            check_archive(archive, len(content))
    except (*files.ZIP_ERRORS, files.Unreadable) as error:
        raise Refused(damaged()) from error


def check_archive(archive, size):
    """Refuse the zip ``archive`` (of ``size`` bytes) unless it is a plain .xlsx workbook of a
    reasonable size: its kind and contents from its table of contents and relationships, the
    sizes its parts declare, the rows its sheets declare."""
    parts = archive.infolist()
    names = {part.filename for part in parts}
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        if "word/document.xml" in names:
            raise Refused(word_document())
        raise Refused(not_a_workbook())
    if any(name.startswith(MACRO_PARTS) for name in names):
        raise Refused(macros())
    # The sizes the zip declares bound what opening it costs: zipfile never inflates a part
    # beyond its declared size (a part that lies about it fails its checksum, as damaged).
    expanded = sum(part.file_size for part in parts)
    if expanded > min(MAX_EXPANSION * size, MAX_EXPANDED_BYTES):
        raise Refused(
            _(
                "The file would expand to %(size)s MB when opened, far more than a table of "
                "targets needs. It is refused; save the table alone in a new workbook."
            )
            % {"size": megabytes(expanded)}
        )
    package = files.read_package(archive)
    refuse_active(package)
    if package.main_type != files.XLSX_MAIN:
        raise Refused(word_document() if package.main_type == files.DOCX_MAIN else not_a_workbook())
    sheets = worksheets(archive, package)
    if len(sheets) > MAX_SHEETS:
        raise Refused(
            _(
                "The workbook has %(count)s sheets; an import looks through at most %(limit)s. "
                "Copy the table alone into a new workbook and upload that."
            )
            % {"count": format_number(len(sheets)), "limit": MAX_SHEETS}
        )
    for title, part in sheets:
        rows = declared_rows(archive, part)
        if rows is not None and rows > settings.IMPORT_MAX_ROWS:
            raise Refused(too_long(title))
    for part in parts:
        check_part_size(part, package)


def refuse_active(package):
    """Refuse a workbook that declares, in its content types or relationships, anything that
    runs when it is opened: macros, ActiveX controls, embedded OLE objects."""
    active = package.active
    if any(MACRO_WORDS.search(kind) for kind in active):
        raise Refused(macros())
    if active:
        raise Refused(
            _(
                "The workbook holds ActiveX controls or embedded objects, which can run "
                "programs when it is opened. Copy the table alone into a new workbook, save it "
                "as “Excel Workbook (.xlsx)” and upload that file."
            )
        )


def check_part_size(part, package):
    """Refuse a part (a ZipInfo) that would expand beyond what its kind may take."""
    kind = STYLES if part.filename == STYLES_PART else package.type_of(part.filename)
    limit = PART_LIMITS.get(kind, MAX_PART_BYTES)
    if part.file_size > limit:
        raise Refused(
            _(
                "The part “%(part)s” of the workbook would expand to %(size)s MB when opened, "
                "more than a table of targets needs (at most %(limit)s MB). It is refused; copy "
                "the table alone into a new workbook and upload that."
            )
            % {"part": part.filename, "size": megabytes(part.file_size), "limit": megabytes(limit)}
        )


def megabytes(size):
    """``size`` in megabytes as the messages write it: "60", "1,2", "0,3"."""
    return format_number((Decimal(size) / 2**20).quantize(Decimal("0.1")))


def worksheets(archive, package):
    """[(title, part)] of the workbook's sheets as openpyxl finds them: the main part's list of
    sheets, through its relationships."""
    parts = package.related(package.main, "/worksheet")
    found = []
    for element in files.read_xml(archive, package.main).iter():
        if files.local_name(element.tag) != "sheet":
            continue
        key = next((v for k, v in element.attrib.items() if files.local_name(k) == "id"), None)
        if parts.get(key) in package.names:
            found.append((element.get("name") or "", parts[key]))
    return found


def declared_rows(archive, part):
    """The last row a sheet's part declares it spans, or None if it declares none; only the
    head of the part is inflated, where the declaration comes before the rows."""
    with archive.open(part) as stream:
        head = stream.read(DIMENSION_SEARCH_BYTES).split(b"sheetData", 1)[0]
    found = DIMENSION.search(head)
    # Nine digits at a time: a longer number is a row far beyond any limit all the same.
    numbers = re.findall(rb"[0-9]{1,9}", found.group(1)) if found else []
    return max(int(number) for number in numbers) if numbers else None


def too_long(sheet):
    return _(
        "The sheet “%(sheet)s” goes on past row %(limit)s: an import reads at most %(limit)s "
        "rows, and a ward's table of targets has a few dozen. Copy the table alone into a new "
        "workbook, or delete the rows under it, and upload again."
    ) % {"sheet": sheet, "limit": format_number(settings.IMPORT_MAX_ROWS)}


def macros():
    return _(
        "The workbook holds macros (.xlsm). Save it in Excel as “Excel Workbook "
        "(.xlsx)”, which leaves the macros out, and upload that file."
    )


def word_document():
    return _("This is a Word document, not an Excel workbook, whatever its name says.")


def not_a_workbook():
    return _(
        "The file is not an Excel workbook (.xlsx), whatever its name says. Save the table in "
        "Excel as “Excel Workbook (.xlsx)” and upload that file."
    )


# --- 2. The table -------------------------------------------------------------------------------


def normalized(text):
    """``text`` as headings and names are compared: no accents, "đ" as "d", lower case,
    punctuation as spaces, one space between words."""
    text = unicodedata.normalize("NFD", str(text)).replace("\u0111", "d").replace("\u0110", "d")
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


# The headings of each column the import reads, normalized: the words of the ward's sheets, the
# app's own report (Vietnamese and English) and their usual abbreviations. A plan or actual
# heading may end with the year ("Kế hoạch 2024", "Thực hiện năm 2024") or the period.
YEAR_WORDS = r"(?: nam)?(?: (?P<year>\d{4}))?"
HEADINGS = {
    "number": r"stt|tt|so tt|so thu tu|no",
    "name": r"(?:ten |cac |noi dung )?chi tieu(?: chu yeu)?|noi dung|target|targets",
    "unit": r"dvt|dv|don vi|don vi tinh|unit",
    "plan": r"(?:ke hoach|kh|chi tieu ke hoach|chi tieu kh|chi tieu nghi quyet|nghi quyet|nq"
    r"|chi tieu nq|plan)" + YEAR_WORDS,
    "actual": r"(?P<words>thuc hien|th|uoc thuc hien|uoc th|uoc|ket qua|kq|ket qua thuc hien"
    r"|kq thuc hien|kq th|actual|estimate|six months)"
    r"(?: (?P<period>6 thang|sau thang|ca nam|nam))?" + YEAR_WORDS,
    "note": r"ghi chu|gc|note",
    "reason": r"nguyen nhan|ly do|nguyen nhan chua dat|han che nguyen nhan|reason",
}
HEADING_PATTERNS = {role: re.compile(pattern) for role, pattern in HEADINGS.items()}
VALUE_ROLES = ("plan", "actual", "note", "reason")
# A row of column numbers under the headings: "1 2 3", "(1) (2)", "A B 1 2".
COLUMN_NUMBER = re.compile(r"\(?[0-9a-z]{1,2}\)?")
AREA_NUMBER = re.compile(rf"(?:{'|'.join(ROMAN[::-1])}|[a-e])\.?", re.IGNORECASE)


def heading_role(text, year):
    """The column a heading names, with the stage an actual heading speaks of, or (None, None)."""
    words = normalized(text)
    for role, pattern in HEADING_PATTERNS.items():
        match = pattern.fullmatch(words)
        if match is None:
            continue
        found = match.groupdict()
        if found.get("year") and int(found["year"]) != year:
            return None, None  # "Kế hoạch 2025" in the sheet of 2024 is not its plan
        if role != "actual":
            return role, None
        said = f"{found['words']} {found.get('period') or ''}"
        if "6 thang" in said or "sau thang" in said or said.startswith("six"):
            return role, Stage.HALF
        if said.startswith(("uoc", "estimate")):
            return role, Stage.ESTIMATE
        return role, None
    return None, None


@dataclass
class Cell:
    """A cell the import reads: its address, its cached value, whether it holds a formula, and
    its number format (a percent format says 0,9577 is 95,77%)."""

    address: str
    value: object
    formula: bool = False
    number_format: str = "General"
    error: bool = False

    @property
    def empty(self):
        return self.value is None or (isinstance(self.value, str) and not self.value.strip())


@dataclass
class Table:
    """A sheet's table of targets: which column holds what, and its rows below the header."""

    sheet: str
    columns: dict  # role -> column index (0-based)
    header_row: int
    rows: list = field(default_factory=list)  # [(row number, {role: Cell})]


def sheet_rows(values_sheet, formulas_sheet, limit):
    """The sheet's first ``limit`` rows as lists of Cells, the cached values beside the
    formulas; without ``formulas_sheet``, the values alone (headings need no formulas, and
    each reading of a sheet has its cost)."""
    value_rows = values_sheet.iter_rows(max_row=limit, max_col=MAX_COLUMNS)
    if formulas_sheet is None:
        pairs = ((cached, [None] * len(cached)) for cached in value_rows)
    else:
        formula_rows = formulas_sheet.iter_rows(max_row=limit, max_col=MAX_COLUMNS)
        pairs = zip(value_rows, formula_rows, strict=True)
    for number, (cached, written) in enumerate(pairs, start=1):
        row = []
        for index, (value_cell, formula_cell) in enumerate(zip(cached, written, strict=True)):
            address = f"{openpyxl.utils.get_column_letter(index + 1)}{number}"
            row.append(
                Cell(
                    address,
                    getattr(value_cell, "value", None),
                    formula=getattr(formula_cell, "data_type", None) == TYPE_FORMULA,
                    number_format=getattr(value_cell, "number_format", None) or "General",
                    error=getattr(value_cell, "data_type", None) == TYPE_ERROR,
                )
            )
        yield number, row


def find_header(rows, year):
    """(header row number, {role: column}, [(stage, column)] of the actual, rows it spans) of
    the first row among ``rows`` that names the targets' column and a plan or an actual column
    (in it or in the row under it, where headings continue under a merged "Năm 2024"); None if
    there is none."""
    for index, (number, cells) in enumerate(rows):
        columns, actuals = roles_of(cells, year)
        if "name" not in columns:
            continue
        spans = 1
        below = rows[index + 1][1] if index + 1 < len(rows) else []
        if not any(isinstance(cell.value, int | float) for cell in below):
            more, more_actuals = roles_of(below, year)
            used = set(columns.values()) | {column for _stage, column in actuals}
            added = {role: column for role, column in more.items() if column not in used}
            for role, column in added.items():
                columns.setdefault(role, column)
            actuals += [(stage, column) for stage, column in more_actuals if column not in used]
            spans = 2 if added else 1
        if {"plan", "actual"} & columns.keys():
            return number, columns, actuals, spans
    return None


def roles_of(cells, year):
    """({role: column} of a row read as headings, [(stage, column)] of its actual columns)."""
    columns, actuals = {}, []
    for index, cell in enumerate(cells):
        if not isinstance(cell.value, str):
            continue
        role, stage = heading_role(cell.value, year)
        if role == "actual":
            actuals.append((stage, index))
        elif role is not None:
            columns.setdefault(role, index)
    if actuals:
        columns["actual"] = actuals[0][1]
    return columns, actuals


def choose_actual(columns, actuals, stage, sheet):
    """The column of the actual at ``stage`` when the headings name several: the one that says
    this stage, else the one that names no stage; refused if that leaves more than one."""
    if len(actuals) <= 1:
        return
    said = [column for said_stage, column in actuals if said_stage == stage]
    plain = [column for said_stage, column in actuals if said_stage is None]
    chosen = said or plain
    if len(chosen) != 1:
        letters = ", ".join(openpyxl.utils.get_column_letter(c + 1) for _s, c in actuals)
        raise Refused(
            _(
                "Sheet “%(sheet)s”: several columns could hold the actual (%(columns)s). Keep "
                "the one of the stage being imported, or name it “Thực hiện”, and upload again."
            )
            % {"sheet": sheet, "columns": letters}
        )
    columns["actual"] = chosen[0]


def refuse_another_stage(head, header_row, columns, actuals, stage):
    """Refuse a sheet that says its actual is of another stage than the one being imported:
    by its actual column's heading ("Thực hiện 6 tháng"), or by the app's own line above its
    table ("(Số liệu ước thực hiện cả năm)")."""
    said = next((s for s, column in actuals if column == columns.get("actual") and s), None)
    if said is None:
        lines = {}
        for found in in_each_language(stage_lines):
            lines |= found
        said = next(
            (
                lines[normalized(cell.value)]
                for number, cells in head
                if number < header_row
                for cell in cells
                if isinstance(cell.value, str) and normalized(cell.value) in lines
            ),
            None,
        )
    if said is not None and said != stage:
        raise Refused(
            _(
                "The sheet's actual is of the stage “%(said)s”, not “%(stage)s”. Upload it again "
                "with the stage “%(said)s”, or a sheet of the stage “%(stage)s”."
            )
            % {"said": said.label, "stage": stage.label}
        )


def stage_lines():
    """{normalized line: stage} of the line the app's workbook prints above its table."""
    return {normalized(wording.stage_line(stage)): stage for stage in Stage}


def read_table(workbooks, year, stage, sheet=None):
    """The table of targets of ``workbooks`` (from open_workbook): on ``sheet`` if given, else
    on the one sheet that has one. Raises Refused, or SheetNeeded with the sheets to choose
    from."""
    values, formulas = workbooks
    names = [ws.title for ws in values.worksheets]
    if sheet is not None and sheet not in names:
        raise Refused(_("The workbook has no sheet “%(sheet)s”.") % {"sheet": sheet})
    found, empty, heads = {}, [], {}
    for name in [sheet] if sheet is not None else names:
        head = heads[name] = list(sheet_rows(values[name], None, HEADER_SEARCH_ROWS + 1))
        if not any(not cell.empty for _n, cells in head for cell in cells):
            empty.append(name)
            continue
        header = find_header(head, year.year)
        if header is not None:
            found[name] = header
    if not found:
        if len(empty) == (1 if sheet is not None else len(names)):
            raise Refused(
                _("The sheet “%(sheet)s” is empty.") % {"sheet": empty[0]}
                if len(empty) == 1
                else _("Every sheet of the workbook is empty.")
            )
        raise Refused(
            _(
                "No table of targets was found: none of the first %(rows)d rows of %(sheets)s "
                "has its headings. The table needs a row of headings naming the targets "
                "(“Chỉ tiêu”) and their plan or actual (“Kế hoạch”, “Thực hiện”)."
            )
            % {
                "rows": HEADER_SEARCH_ROWS,
                "sheets": ", ".join(f"“{name}”" for name in ([sheet] if sheet else names)),
            }
        )
    if len(found) > 1:
        raise SheetNeeded(list(found))
    [(name, (header_row, columns, actuals, spans))] = found.items()
    choose_actual(columns, actuals, stage, name)
    refuse_another_stage(heads[name], header_row, columns, actuals, stage)
    table = Table(name, columns, header_row)
    first = header_row + spans
    limit = settings.IMPORT_MAX_ROWS
    # One row past the limit is read: a sheet that declares no size is refused by it.
    for number, cells in sheet_rows(values[name], formulas[name], limit + 1):
        if number < first:
            continue
        picked = {role: cells[c] for role, c in columns.items() if c < len(cells)}
        if all(cell.empty for cell in picked.values()):
            continue
        if number > limit:
            raise Refused(too_long(name))
        if not table.rows and is_column_numbers(cells, picked["name"]):
            continue  # "(1) (2) (3)" under the headings
        table.rows.append((number, picked))
    return table


def is_column_numbers(cells, name):
    """Whether a row only numbers the columns above it: "1 2 3 4", "(1) (2) (3)", "A B 1 2".
    Its cell under "Chỉ tiêu" holds such a number too, where a target's row holds a name."""
    texts = [str(cell.value).strip().lower() for cell in cells if not cell.empty]
    return (
        len(texts) >= 3
        and not name.empty
        and all(COLUMN_NUMBER.fullmatch(text) for text in texts)
        and len(set(texts)) == len(texts)
    )


# --- 3. The preview -----------------------------------------------------------------------------


class CellError(ValueError):
    """A value of the sheet that cannot be read with certainty; the message names its cell."""

    def __init__(self, cell, message):
        super().__init__(f"{cell.address}: {message}")


EMPTY_MARKS = {"-", "–", "—"}


def in_each_language(words):
    """What ``words()`` gives in each of the app's languages, as a sheet may be written in any."""
    found = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            found.append(words())
    return found


def milestone_words():
    """{normalized word: 1 or 0}: how a qualitative target's plan and actual are written (the
    report writes "Duy trì", "Đạt", "Chưa đạt")."""
    words = {"khong dat": 0, "co": 1, "khong": 0}
    for found in in_each_language(
        lambda: {
            normalized(display.amount_text(Kind.MILESTONE, value, plan)): value
            for plan in (True, False)
            for value in (1, 0)
        }
    ):
        words |= found
    return words


def read_amount(cell, kind, milestones):
    """The Decimal a cell holds for a target of ``kind``, or None for an empty cell. Raises
    CellError."""
    if cell.error:
        raise CellError(cell, _("the cell shows an error (%(value)s).") % {"value": cell.value})
    if cell.formula and cell.value is None:
        raise CellError(
            cell,
            _(
                "the formula has no computed value saved with the file. Open the file in Excel "
                "and save it again (Excel saves the values), then upload it."
            ),
        )
    value = cell.value
    if value is None:
        return None
    if isinstance(value, bool | datetime | date | time):
        raise CellError(cell, _("a number is expected here."))
    if isinstance(value, str):
        text = clean_text(value, multiline=False)
        if not text or text in EMPTY_MARKS:
            return None
        if kind == Kind.MILESTONE and normalized(text) in milestones:
            return Decimal(milestones[normalized(text)])
        if kind == Kind.RATE and text.endswith("%"):
            text = text[:-1].rstrip()
        try:
            amount = parse_number(text)
        except NumberFormatError as error:
            raise CellError(cell, str(error)) from None
    else:
        try:
            amount = Decimal(repr(value))
        except InvalidOperation:
            raise CellError(cell, _("a number is expected here.")) from None
        if is_percent_format(cell.number_format):
            amount *= 100
        # An infinite or huge number (a cell holding 1e400 or 1e30) is refused as it is:
        # rounding it would overflow.
        if amount.is_finite() and abs(amount) < MAX_AMOUNT:
            amount = as_shown(amount)
        try:
            amount = check_amount(amount)
        except NumberFormatError as error:
            raise CellError(cell, str(error)) from None
    if kind == Kind.MILESTONE and amount not in (0, 1):
        raise CellError(cell, _("write “Đạt” or “Chưa đạt” (for the plan: “Duy trì”)."))
    return amount


def as_shown(amount):
    """The number a cell shows for a binary fraction such as 95.77000000000001."""
    rounded = amount.quantize(Decimal("0.01"))
    if abs(amount - rounded) >= Decimal("1e-9"):
        return amount
    whole = rounded.to_integral_value()
    return whole if rounded == whole else rounded.normalize()


def is_percent_format(number_format):
    """Whether a number format shows the value times 100 with "%" (not a quoted "%" after it)."""
    return "%" in re.sub(r'"[^"]*"|\\.', "", number_format or "")


def read_text(cell, illustrative_marks):
    """A note or reason as stored: cleaned, the report's illustrative mark left out (the figure
    says it is illustrative, the note need not)."""
    if cell.empty or cell.error:
        return None
    value = cell.value
    if isinstance(value, float | int | Decimal) and not isinstance(value, bool):
        number = Decimal(repr(value))
        # A number too large to write out in full (1e400, 1e30) is kept as the cell writes it.
        value = format_number(number) if abs(number) < MAX_AMOUNT else repr(value)
    text = clean_text(unescaped(value) if isinstance(value, str) else str(value))
    for mark in illustrative_marks:
        if text.startswith(mark):
            text = text[len(mark) :].strip()
    if len(text) > MAX_TEXT:
        raise CellError(
            cell,
            _("the text is too long: %(length)s characters, at most %(limit)s.")
            % {"length": format_number(len(text)), "limit": format_number(MAX_TEXT)},
        )
    return text or None


def illustrative_marks():
    """What the report writes before an illustrative figure's note, in either language."""
    return in_each_language(lambda: display.note_text(Figure(illustrative=True, note="")))


@dataclass
class PreviewRow:
    """One row of the sheet as the preview shows it."""

    row: int
    label: str  # the sheet's number and name, as written
    figure: Figure | None = None
    version: int | None = None
    new: dict = field(default_factory=dict)  # field -> new value (changes only)
    old: dict = field(default_factory=dict)  # field -> the value it replaces, as previewed
    same: list = field(default_factory=list)  # fields the sheet gives as stored
    errors: list = field(default_factory=list)
    unmatched: str = ""

    def cells(self, fields):
        """Per field of ``fields``: (what is stored, what the sheet gives, "changed", "same"
        or "kept"), as the preview shows them."""
        shown = []
        for name in fields:
            old = getattr(self.figure, name) if self.figure else None
            if name in self.new:
                old = self.old.get(name, old)
                shown.append((self.text(name, old), self.text(name, self.new[name]), "changed"))
            elif name in self.same:
                shown.append(("", self.text(name, old), "same"))
            else:
                shown.append(("", self.text(name, old), "kept"))
        return shown

    def text(self, name, value):
        if name in ("note", "reason") or self.figure is None:
            return value or ""
        return display.amount_text(self.figure.target.kind, value, plan=name == "plan")

    @property
    def status(self):
        if self.unmatched:
            return "unmatched"
        if self.errors:
            return "refused"
        return "changed" if self.new else "same"


@dataclass
class Preview:
    """What an import would do: each row of the table, and the year's targets it leaves out."""

    year: Year
    stage: Stage
    sheet: str
    rows: list
    missing: list  # figures of the year no row speaks of

    @property
    def fields(self):
        return ["plan", STAGE_FIELDS[self.stage], "note", "reason"]

    @property
    def headings(self):
        return [_("Plan"), STAGE_LABELS[self.stage], _("Note"), _("Reason")]

    @property
    def table(self):
        """[(row, [(heading, stored, given, state)])] of the rows that match a target, as the
        preview lists them."""
        headings = self.headings
        return [
            (row, [(h, *cell) for h, cell in zip(headings, row.cells(self.fields), strict=True)])
            for row in self.rows
            if row.figure is not None
        ]

    @property
    def changes(self):
        return [row for row in self.rows if row.status == "changed"]

    @property
    def refused(self):
        return [row for row in self.rows if row.status == "refused"]

    @property
    def unmatched(self):
        return [row for row in self.rows if row.status == "unmatched"]

    @property
    def same(self):
        return [row for row in self.rows if row.status == "same"]

    @property
    def can_write(self):
        return bool(self.changes) and not self.refused

    def as_json(self):
        """What the confirmation needs, and the page shows, as stored with the Import."""
        return {
            "sheet": self.sheet,
            "rows": [
                {
                    "row": row.row,
                    "label": row.label,
                    "figure": row.figure.pk if row.figure else None,
                    "version": row.version,
                    "new": row.new,
                    "old": row.old,
                    "same": row.same,
                    "errors": row.errors,
                    "unmatched": row.unmatched,
                }
                for row in self.rows
            ],
            "missing": [figure.pk for figure in self.missing],
        }

    @classmethod
    def from_json(cls, imported):
        """The preview stored with ``imported`` (an Import), its figures as they are now."""
        data = imported.preview
        figures = Figure.objects.for_year(imported.year).in_bulk()
        rows = []
        for stored in data.get("rows", []):
            row = PreviewRow(
                stored["row"],
                stored["label"],
                figures.get(stored["figure"]),
                stored["version"],
                {name: decoded(name, value) for name, value in stored["new"].items()},
                {name: decoded(name, value) for name, value in stored["old"].items()},
                stored["same"],
                stored["errors"],
                stored["unmatched"],
            )
            rows.append(row)
        missing = [figures[pk] for pk in data.get("missing", []) if pk in figures]
        return cls(imported.year, Stage(imported.stage), data.get("sheet", ""), rows, missing)


def decoded(name, value):
    if value is None or name in ("note", "reason"):
        return value
    return Decimal(value)


def preview(table, year, stage):
    """Match the table's rows to the year's figures and read their values (one query)."""
    figures = list(Figure.objects.for_year(year))
    by_number = {figure.target.position: figure for figure in figures}
    by_name = {}
    for figure in figures:
        by_name.setdefault(normalized(figure.name), []).append(figure)
    milestones = milestone_words()
    marks = illustrative_marks()
    actual_field = STAGE_FIELDS[stage]
    fields = {"plan": "plan", "actual": actual_field, "note": "note", "reason": "reason"}
    rows, seen = [], {}
    for number, cells in table.rows:
        label = row_label(cells)
        if is_area_row(cells):
            continue
        figure, unmatched = match(cells, by_number, by_name)
        has_values = any(not cells[role].empty for role in VALUE_ROLES if role in cells)
        if figure is None:
            if has_values:  # a heading or a line of text under the table is no target
                rows.append(PreviewRow(number, label, unmatched=unmatched))
            continue
        row = PreviewRow(number, label, figure, figure.version)
        if figure.pk in seen:
            row.errors.append(
                _("row %(row)d already gives this target's figures.") % {"row": seen[figure.pk]}
            )
            rows.append(row)
            continue
        seen[figure.pk] = number
        for role, name in fields.items():
            if role not in cells:
                continue
            try:
                if role in ("note", "reason"):
                    value = read_text(cells[role], marks)
                else:
                    value = read_amount(cells[role], figure.target.kind, milestones)
            except CellError as error:
                row.errors.append(str(error))
                continue
            if value is None:
                continue
            if value == getattr(figure, name):
                row.same.append(name)
            else:
                row.new[name], row.old[name] = value, getattr(figure, name)
        rows.append(row)
    missing = [figure for figure in figures if figure.pk not in seen]
    return Preview(year, stage, table.sheet, rows, missing)


def row_label(cells):
    """The row's number and name as the sheet writes them (cut short: a label, not a text)."""
    parts = [cells[role].value for role in ("number", "name") if role in cells]
    label = " ".join(clean_text(str(part), multiline=False) for part in parts if part is not None)
    return label[:200]


def is_area_row(cells):
    """An area's heading row: "I." or "II" in the number column, nothing in the value columns."""
    number = cells.get("number")
    return (
        number is not None
        and isinstance(number.value, str)
        and AREA_NUMBER.fullmatch(number.value.strip()) is not None
        and all(cells[role].empty for role in VALUE_ROLES if role in cells)
    )


def match(cells, by_number, by_name):
    """(figure, None) for the target a row speaks of, or (None, why not): by its number when
    the name agrees or is missing, else by its name alone when exactly one target has it."""
    number, name = cells.get("number"), cells.get("name")
    position = whole_number(number.value) if number is not None else None
    written = normalized(name.value) if name is not None and not name.empty else ""
    by_position = by_number.get(position)
    if by_position is not None and (not written or normalized(by_position.name) == written):
        return by_position, None
    named = by_name.get(written, []) if written else []
    if len(named) == 1:
        return named[0], None
    if by_position is not None:
        return None, _(
            "number %(number)d is “%(target)s” in the ward's list, but the sheet names another "
            "target; correct the number or the name."
        ) % {"number": position, "target": by_position.name}
    if not written:
        return None, _("no target has this number.")
    return None, _("no target of the year has this name.")


def whole_number(value):
    """The target number a cell holds ("5", 5, 5.0, "5."), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*\d{1,4}\.?\s*", value):
        return int(value.strip().rstrip("."))
    return None


def read(content, year, stage, sheet=None):
    """The preview of the workbook in ``content`` (bytes) for ``year`` at ``stage``; raises
    Refused or SheetNeeded."""
    workbooks = open_workbook(content)
    try:
        try:
            table = read_table(workbooks, year, stage, sheet)
        except UNREADABLE as error:  # a sheet is read only now, row by row
            raise Refused(damaged()) from error
        return preview(table, year, stage)
    finally:
        for workbook in workbooks:
            workbook.close()


# --- 4. Writing ---------------------------------------------------------------------------------


class StaleImport(Exception):
    """Figures changed since the preview was shown; nothing was written."""

    def __init__(self, figures):
        super().__init__(", ".join(str(figure.pk) for figure in figures))
        self.figures = figures

    @property
    def message(self):
        names = "; ".join(f"{f.target.position}. {f.name}" for f in self.figures)
        return ngettext(
            "Nothing was written: this target was changed after the preview was made: "
            "%(names)s. Look at the preview again.",
            "Nothing was written: these targets were changed after the preview was made: "
            "%(names)s. Look at the preview again.",
            len(self.figures),
        ) % {"names": names}


def write(imported, by):
    """Write the changes of ``imported``'s preview, all or nothing, each figure at the version
    the preview showed; returns how many figures changed. Raises StaleImport (naming every
    figure that moved on), or YearClosed."""
    changes = Preview.from_json(imported).changes
    stale = [row.figure for row in changes if row.figure.version != row.version]
    if stale:
        raise StaleImport(stale)
    with transaction.atomic():
        Year.lock_open(imported.year_id)
        for row in changes:
            figure = row.figure
            for name, value in row.new.items():
                setattr(figure, name, value)
            try:
                figure.save(changed_by=by, expected_version=row.version, imported_from=imported)
            except StaleFigure:  # changed in the moment since the check above
                raise StaleImport([figure]) from None
        imported.confirmed_at = timezone.now()
        imported.content = b""
        imported.save(update_fields=["confirmed_at", "content"])
    return len(changes)
