"""Step 2 of an import: the table of targets, wherever it sits on a sheet (see
targets.imports)."""

import re
import unicodedata
from dataclasses import dataclass, field

import openpyxl
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.cell.cell import TYPE_ERROR, TYPE_FORMULA

from .. import wording
from ..models import ROMAN
from ..stages import Stage
from .workbook import Refused, SheetNeeded, too_long

# The header row is looked for among a sheet's first rows; a sheet is read down to
# IMPORT_MAX_ROWS (a setting) and across MAX_COLUMNS.
HEADER_SEARCH_ROWS = 30
MAX_COLUMNS = 40


def in_each_language(words):
    """What ``words()`` gives in each of the app's languages, as a sheet may be written in any."""
    found = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            found.append(words())
    return found


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
# What names a stage in a heading (Stage.heading_words): "6 tháng", "ước", "nine months".
STAGE_WORDS = "|".join(words for stage in Stage for words in stage.heading_words)
HEADINGS = {
    "number": r"stt|tt|so tt|so thu tu|no",
    "name": r"(?:ten |cac |noi dung )?chi tieu(?: chu yeu)?|noi dung|target|targets",
    "unit": r"dvt|dv|don vi|don vi tinh|unit",
    "plan": r"(?:ke hoach|kh|chi tieu ke hoach|chi tieu kh|chi tieu nghi quyet|nghi quyet|nq"
    r"|chi tieu nq|plan)" + YEAR_WORDS,
    "actual": r"(?P<words>thuc hien|th|uoc thuc hien|uoc th|uoc|ket qua|kq|ket qua thuc hien"
    rf"|kq thuc hien|kq th|actual|{STAGE_WORDS})"
    rf"(?: (?P<period>{STAGE_WORDS}|ca nam|nam))?" + YEAR_WORDS,
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
        for stage in Stage:
            if any(said.startswith(words) or f" {words}" in said for words in stage.heading_words):
                return role, stage
        return role, None
    return None, None


@dataclass
class Entry:
    """An entry of the sheet the import reads: its address, its cached value, whether it holds
    a formula, and its number format (a percent format says 0,9577 is 95,77%)."""

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
    rows: list = field(default_factory=list)  # [(row number, {role: Entry})]


def sheet_rows(values_sheet, formulas_sheet, limit):
    """The sheet's first ``limit`` rows as lists of Entries, the cached values beside the
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
        for index, (value_xl_cell, formula_xl_cell) in enumerate(zip(cached, written, strict=True)):
            address = f"{openpyxl.utils.get_column_letter(index + 1)}{number}"
            row.append(
                Entry(
                    address,
                    getattr(value_xl_cell, "value", None),
                    formula=getattr(formula_xl_cell, "data_type", None) == TYPE_FORMULA,
                    number_format=getattr(value_xl_cell, "number_format", None) or "General",
                    error=getattr(value_xl_cell, "data_type", None) == TYPE_ERROR,
                )
            )
        yield number, row


def find_header(rows, year):
    """(header row number, {role: column}, [(stage, column)] of the actual, rows it spans) of
    the first row among ``rows`` that names the targets' column and a plan or an actual column
    (in it or in the row under it, where headings continue under a merged "Năm 2024"); None if
    there is none."""
    for index, (number, entries) in enumerate(rows):
        columns, actuals = roles_of(entries, year)
        if "name" not in columns:
            continue
        spans = 1
        below = rows[index + 1][1] if index + 1 < len(rows) else []
        if not any(isinstance(entry.value, int | float) for entry in below):
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


def roles_of(entries, year):
    """({role: column} of a row read as headings, [(stage, column)] of its actual columns)."""
    columns, actuals = {}, []
    for index, entry in enumerate(entries):
        if not isinstance(entry.value, str):
            continue
        role, stage = heading_role(entry.value, year)
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
                lines[normalized(entry.value)]
                for number, entries in head
                if number < header_row
                for entry in entries
                if isinstance(entry.value, str) and normalized(entry.value) in lines
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
        if not any(not entry.empty for _n, entries in head for entry in entries):
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
    for number, entries in sheet_rows(values[name], formulas[name], limit + 1):
        if number < first:
            continue
        picked = {role: entries[c] for role, c in columns.items() if c < len(entries)}
        if all(entry.empty for entry in picked.values()):
            continue
        if number > limit:
            raise Refused(too_long(name))
        if not table.rows and is_column_numbers(entries, picked["name"]):
            continue  # "(1) (2) (3)" under the headings
        table.rows.append((number, picked))
    return table


def is_column_numbers(entries, name):
    """Whether a row only numbers the columns above it: "1 2 3 4", "(1) (2) (3)", "A B 1 2".
    Its entry under "Chỉ tiêu" holds such a number too, where a target's row holds a name."""
    texts = [str(entry.value).strip().lower() for entry in entries if not entry.empty]
    return (
        len(texts) >= 3
        and not name.empty
        and all(COLUMN_NUMBER.fullmatch(text) for text in texts)
        and len(set(texts)) == len(texts)
    )
