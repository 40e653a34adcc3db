"""Step 1 of an import: the file, refused unless it is a plain .xlsx workbook that a table of
targets could need no more work to open (see targets.imports)."""

import io
import re
import warnings
import zipfile
from decimal import Decimal

import openpyxl
from django.conf import settings
from django.utils.translation import gettext as _

from .. import files
from ..numbers import (
    format_number,
)

# What opening a workbook costs is bounded by the sizes its parts expand to: openpyxl reads
# the shared strings and the entries' formats whole, once for the values and once for the
# formulas; a sheet that does not declare its size, whole on opening; and a sheet whose
# entries stand outside rows, whole at each reading. A megabyte of a sheet costs about a
# second at most, a megabyte of formats three. A ward's table of targets expands to a
# few hundred kilobytes, two thousand rows to a megabyte. The parts together may expand to
# MAX_EXPANSION times the file's size and to at most MAX_EXPANDED_BYTES; each part to
# MAX_PART_BYTES, or to the limit of its type.
MAX_EXPANSION = 100
MAX_EXPANDED_BYTES = 4 * 1024 * 1024
MAX_PART_BYTES = 1024 * 1024
STYLES = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
PART_LIMITS = {STYLES: 256 * 1024}
# openpyxl reads the entries' formats from this part, whatever type it is declared with.
STYLES_PART = "xl/styles.xml"
# A sheet declares the range it spans before its rows: <dimension ref="A1:G52"/>.
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
    values of its entries and the formulas behind them, both read-only. Raises Refused."""
    check_content(content)
    try:
        with warnings.catch_warnings():
            # openpyxl warns of extensions it does not read (data validation, slicers).
            warnings.simplefilter("ignore")
            values = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            formulas = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    except Exception as error:  # openpyxl raises many classes of error on a damaged file
        raise Refused(damaged()) from error
    return values, formulas


# What reading a damaged part of a workbook raises: a bad checksum or stream, broken XML (the
# standard library's and lxml's parse errors are both SyntaxErrors), a missing part, a shared
# string or an entry's format numbered beyond those the workbook has, a value openpyxl cannot
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
    reasonable size: its type and contents from its table of contents and relationships, the
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
    if any(MACRO_WORDS.search(declared_type) for declared_type in active):
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
    """Refuse a part (a ZipInfo) that would expand beyond what its type may take."""
    content_type = STYLES if part.filename == STYLES_PART else package.type_of(part.filename)
    limit = PART_LIMITS.get(content_type, MAX_PART_BYTES)
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
