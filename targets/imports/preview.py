"""Step 3 of an import: each row matched to a target of the year and its values read, what
would change shown and nothing written; then the writing of a confirmed preview (see
targets.imports)."""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import display
from ..models import MAX_TEXT, Figure, StaleFigure, Year
from ..numbers import (
    MAX_AMOUNT,
    NumberFormatError,
    check_amount,
    format_number,
    parse_number,
)
from ..progress import Kind
from ..stages import Stage
from ..text import clean_text
from ..xlsx import unescaped
from .table import AREA_NUMBER, VALUE_ROLES, in_each_language, normalized, read_table
from .workbook import UNREADABLE, Refused, damaged, open_workbook

# --- 3. The preview -----------------------------------------------------------------------------


class EntryError(ValueError):
    """A value of the sheet that cannot be read with certainty; the message names its entry."""

    def __init__(self, entry, message):
        super().__init__(f"{entry.address}: {message}")


EMPTY_MARKS = {"-", "–", "—"}


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


def read_amount(entry, kind, milestones):
    """The Decimal an entry holds for a target of ``kind``, or None for an empty entry. Raises
    EntryError."""
    if entry.error:
        raise EntryError(entry, _("the cell shows an error (%(value)s).") % {"value": entry.value})
    if entry.formula and entry.value is None:
        raise EntryError(
            entry,
            _(
                "the formula has no computed value saved with the file. Open the file in Excel "
                "and save it again (Excel saves the values), then upload it."
            ),
        )
    value = entry.value
    if value is None:
        return None
    if isinstance(value, bool | datetime | date | time):
        raise EntryError(entry, _("a number is expected here."))
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
            raise EntryError(entry, str(error)) from None
    else:
        try:
            amount = Decimal(repr(value))
        except InvalidOperation:
            raise EntryError(entry, _("a number is expected here.")) from None
        if is_percent_format(entry.number_format):
            amount *= 100
        # An infinite or huge number (an entry holding 1e400 or 1e30) is refused as it is:
        # rounding it would overflow.
        if amount.is_finite() and abs(amount) < MAX_AMOUNT:
            amount = as_shown(amount)
        try:
            amount = check_amount(amount)
        except NumberFormatError as error:
            raise EntryError(entry, str(error)) from None
    if kind == Kind.MILESTONE and amount not in (0, 1):
        raise EntryError(entry, _("write “Đạt” or “Chưa đạt” (for the plan: “Duy trì”)."))
    return amount


def as_shown(amount):
    """The number an entry shows for a binary fraction such as 95.77000000000001."""
    rounded = amount.quantize(Decimal("0.01"))
    if abs(amount - rounded) >= Decimal("1e-9"):
        return amount
    whole = rounded.to_integral_value()
    return whole if rounded == whole else rounded.normalize()


def is_percent_format(number_format):
    """Whether a number format shows the value times 100 with "%" (not a quoted "%" after it)."""
    return "%" in re.sub(r'"[^"]*"|\\.', "", number_format or "")


def read_text(entry, illustrative_marks):
    """A note or reason as stored: cleaned, the report's illustrative mark left out (the figure
    says it is illustrative, the note need not)."""
    if entry.empty or entry.error:
        return None
    value = entry.value
    if isinstance(value, float | int | Decimal) and not isinstance(value, bool):
        number = Decimal(repr(value))
        # A number too large to write out in full (1e400, 1e30) is kept as the entry writes it.
        value = format_number(number) if abs(number) < MAX_AMOUNT else repr(value)
    text = clean_text(unescaped(value) if isinstance(value, str) else str(value))
    for mark in illustrative_marks:
        if text.startswith(mark):
            text = text[len(mark) :].strip()
    if len(text) > MAX_TEXT:
        raise EntryError(
            entry,
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

    def entries(self, fields):
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

    def __post_init__(self):
        self.stage = Stage(self.stage)  # as stored on an Import, a string

    @property
    def fields(self):
        return ["plan", self.stage.field, "note", "reason"]

    @property
    def headings(self):
        return [_("Plan"), self.stage.form_label, _("Note"), _("Reason")]

    @property
    def table(self):
        """[(row, [(heading, stored, given, state)])] of the rows that match a target, as the
        preview lists them."""
        headings = self.headings
        return [
            (
                row,
                [(h, *entry) for h, entry in zip(headings, row.entries(self.fields), strict=True)],
            )
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
    actual_field = Stage(stage).field
    fields = {"plan": "plan", "actual": actual_field, "note": "note", "reason": "reason"}
    rows, seen = [], {}
    for number, entries in table.rows:
        label = row_label(entries)
        if is_area_row(entries):
            continue
        figure, unmatched = match(entries, by_number, by_name)
        has_values = any(not entries[role].empty for role in VALUE_ROLES if role in entries)
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
            if role not in entries:
                continue
            try:
                if role in ("note", "reason"):
                    value = read_text(entries[role], marks)
                else:
                    value = read_amount(entries[role], figure.target.kind, milestones)
            except EntryError as error:
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


def row_label(entries):
    """The row's number and name as the sheet writes them (cut short: a label, not a text)."""
    parts = [entries[role].value for role in ("number", "name") if role in entries]
    label = " ".join(clean_text(str(part), multiline=False) for part in parts if part is not None)
    return label[:200]


def is_area_row(entries):
    """An area's heading row: "I." or "II" in the number column, nothing in the value columns."""
    number = entries.get("number")
    return (
        number is not None
        and isinstance(number.value, str)
        and AREA_NUMBER.fullmatch(number.value.strip()) is not None
        and all(entries[role].empty for role in VALUE_ROLES if role in entries)
    )


def match(entries, by_number, by_name):
    """(figure, None) for the target a row speaks of, or (None, why not): by its number when
    the name agrees or is missing, else by its name alone when exactly one target has it."""
    number, name = entries.get("number"), entries.get("name")
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
    """The target number an entry holds ("5", 5, 5.0, "5."), or None."""
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
