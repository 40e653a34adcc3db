"""What a file is, read from its first bytes and its structure, never from its name: the
evidence a figure may carry is a PDF, a picture, or a spreadsheet or document of Office's
open formats. A file that only claims to be one of these (renamed, or something else with a
matching extension) is refused, as is an Office file with macros."""

import zipfile

from django.utils.translation import gettext_lazy as _

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# The extension a stored file is given, by what it is.
EXTENSIONS = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg", XLSX: ".xlsx", DOCX: ".docx"}
ACCEPTED = _("PDF, PNG or JPEG pictures, Excel (.xlsx) or Word (.docx) files")

# The part of an Office file that says what it is, and the part that holds macros.
OFFICE_PARTS = {"xl/workbook.xml": XLSX, "word/document.xml": DOCX}
MACROS = ("xl/vbaProject.bin", "word/vbaProject.bin")


def content_type(file):
    """The accepted type of an uploaded ``file`` (a file object, read from its start), or None
    for anything else. Only the zip's table of contents is read, never its contents, so a
    compressed file that would expand far beyond its size costs nothing here."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return office_type(file)
    return None


def office_type(file):
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        file.seek(0)
    if "[Content_Types].xml" not in names or names & set(MACROS):
        return None
    return next((kind for part, kind in OFFICE_PARTS.items() if part in names), None)
