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
   as stored and what is refused and why, with the address of the entry. Nothing is written.

``write`` then writes a preview's changes in one transaction, each figure through Figure.save at
the version the preview showed. An empty entry leaves the stored value as it is: an import never
erases.
"""

from .preview import Preview, StaleImport, read, write
from .workbook import Refused, SheetNeeded

__all__ = ["Preview", "Refused", "SheetNeeded", "StaleImport", "read", "write"]
