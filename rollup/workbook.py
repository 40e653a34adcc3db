"""The roll-up as a workbook: the summary sheet (one row per shared target: the communes under
each verdict of the stage, how many track it, the total, median, lowest and highest with the
commune named) and the sheet of every commune's figure of each target, both under the Party
form's heading the commune's report workbook has, in its look (targets.xlsx: its named styles,
number formats, fonts, notes and print setup). Numbers stay numbers, as in the commune's.

A nation's roll-up is 3.300 communes × 40 targets, 132.000 rows: the workbook is written in
openpyxl's write-only mode, each row to the sheet's temporary file as it is made, and the file
is sent from disk (rollup.documents.workbook). What it holds in memory is the roll-up itself
(rollup.counting holds it to count), not the sheets.
"""

import heapq
import math
from collections import Counter
from copy import copy
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

from targets import columns, display, xlsx
from targets.models import Target
from targets.progress import Kind

# The commune's report columns whose headings, widths and layouts the sheets take.
REPORT = {column.name: column for column in columns.REPORT_COLUMNS}
COUNT_WIDTH = 11  # a column of communes counted
# The most texts a sheet keeps the entry and the height of: a nation's communes' names, the
# targets' names, units and verdicts are some thousands.
MOST_TEXTS = 100_000
COMMUNE_WIDTH = 28  # a commune's name: "Đảng bộ xã Minh Họa 12 (minh họa)"


@dataclass(frozen=True)
class Heading:
    """A column of a table: its heading, width in characters, and the heading of the group of
    columns it is under (None: a column of its own, its heading over both heading rows)."""

    text: str
    width: int
    group: str | None = None


def new_workbook():
    """An empty write-only workbook with the commune's report styles (targets.xlsx.new_workbook
    makes the same for a workbook held whole)."""
    workbook = Workbook(write_only=True)
    workbook._named_styles["Normal"].font = Font(name=xlsx.FONT_NAME, size=xlsx.TABLE_SIZE)
    for named in xlsx.table_styles():
        workbook.add_named_style(named)
    return workbook


class StreamedSheet:
    """A write-only sheet written row by row in the look of the commune's report sheets
    (targets.xlsx.TableSheet, which holds its sheet whole): lines across the table, its heading
    rows, its rows in the named styles, each row as tall as its wrapped text; printed A4
    landscape, one page wide.

    What a write-only sheet writes at its top (its properties, the columns' widths, the frozen
    heading) is set before its first row (start); a row's height before the row."""

    def __init__(self, workbook, title, headings):
        self.ws = workbook.create_sheet(xlsx.sheet_text(title, False)[:31])
        self.headings = headings
        self.width = len(headings)
        self.row = 0  # the rows written
        self.header_rows = None  # (first, last)
        self.points = [xlsx.column_points(h.width) - xlsx.ENTRY_PADDING for h in headings]
        self.style_ids = {named.name: named.as_tuple() for named in workbook._named_styles}
        self.texts = {}
        self.word_ems = {}
        self.lines = {}  # (text, column): the lines it takes there
        self.text_cells = {}  # (text, style): its entry (text_entry)
        self.usual_points = None  # the sheet's row height, where it has one (start)

    @property
    def grouped(self):
        return any(heading.group for heading in self.headings)

    def start(self, heading_lines, usual_lines=None):
        """Set the columns' widths and the frozen heading, knowing the ``heading_lines`` (see
        append_line) that come before the table's heading rows; and, where the table's rows
        mostly take ``usual_lines`` lines, make that the sheet's row height, so that only the
        other rows carry their own."""
        if usual_lines:
            self.usual_points = self.points_of(usual_lines)
            self.ws.sheet_format.defaultRowHeight = self.usual_points
            self.ws.sheet_format.customHeight = True
        for column, heading in enumerate(self.headings, start=1):
            self.ws.column_dimensions[get_column_letter(column)].width = heading.width
        first = len(heading_lines) + 1
        self.header_rows = (first, first + 1 if self.grouped else first)
        self.ws.freeze_panes = f"A{self.header_rows[1] + 1}"
        self.landscape()
        for line in heading_lines:
            self.append_line(line)

    def landscape(self):
        """Printed as the commune's sheets are (targets.xlsx.print_landscape), the table's
        heading rows repeated on every page."""
        self.ws.print_title_rows = "{}:{}".format(*self.header_rows)
        xlsx.print_landscape(self.ws)

    def written(self, text):
        held = self.texts.get(text)
        if held is None:
            held = self.texts[text] = xlsx.written_text(text)
        return held

    def entry(self, value, style):
        """An entry of the table in one of targets.xlsx.table_styles(), by its name."""
        cell = WriteOnlyCell(self.ws)
        xlsx.set_value(cell, value, self.written)
        cell._style = copy(self.style_ids[style])
        return cell

    def text_cell(self, value, *, size, bold=False, italic=False, underline=False, **look):
        """An entry outside the table, in the report's font."""
        cell = WriteOnlyCell(self.ws)
        xlsx.set_value(cell, value, self.written)
        cell.font = xlsx.report_font(size, bold, italic, underline)
        for name, setting in look.items():
            setattr(cell, name, setting)
        return cell

    @staticmethod
    def points_of(lines, size=xlsx.TABLE_SIZE):
        """The height of a row of ``lines`` lines of text, in points, as a sheet can hold it."""
        return min(math.ceil(lines * size * xlsx.LINE_SPACING), xlsx.MAX_ROW_HEIGHT)

    def append(self, cells, points):
        """Write the next row, ``points`` tall."""
        self.row += 1
        points = min(math.ceil(points), xlsx.MAX_ROW_HEIGHT)
        if points == self.usual_points:
            self.ws.append(cells)
            return
        dimensions = self.ws.row_dimensions
        dimensions[self.row].height = points
        self.ws.append(cells)
        del dimensions[self.row]  # written: not kept for 132.000 rows

    def merge(self, first, last):
        if last > first:
            self.ws.merged_cells.add(
                CellRange(min_col=first, min_row=self.row + 1, max_col=last, max_row=self.row + 1)
            )

    def append_line(self, line):
        """A line of the heading: [((first, last), text, look), …], each text merged over its
        columns and centred unless its look says otherwise; None for an empty line."""
        cells = [None] * self.width
        points = xlsx.TABLE_SIZE * xlsx.LINE_SPACING
        for (first, last), text, look in line or ():
            if not text:
                continue
            look = {"alignment": xlsx.CENTER, **look}
            cells[first - 1] = self.text_cell(text, **look)
            if look["alignment"].wrap_text:
                width = sum(self.points[first - 1 : last]) + (last - first) * xlsx.ENTRY_PADDING
                lines = xlsx.wrapped_lines(cells[first - 1].value, width, look["size"])
                points = max(points, lines * look["size"] * xlsx.LINE_SPACING)
            self.merge(first, last)
        self.append(cells, points)

    def header(self):
        """The table's heading rows: a column of its own over both rows where the headings are
        grouped, a group's heading over its columns, theirs under it."""
        if not self.grouped:
            self.values([h.text for h in self.headings], ["table-heading"] * self.width)
            return
        top, under = [], []
        for column, heading in enumerate(self.headings, start=1):
            starts = column == 1 or self.headings[column - 2].group != heading.group
            top.append(heading.group if heading.group and starts else heading.text)
            under.append(heading.text if heading.group else None)
        top_row, under_row = self.header_rows
        for column, heading in enumerate(self.headings, start=1):
            if heading.group is None:
                self.ws.merged_cells.add(
                    CellRange(min_col=column, min_row=top_row, max_col=column, max_row=under_row)
                )
            elif column == 1 or self.headings[column - 2].group != heading.group:
                last = column
                while last < self.width and self.headings[last].group == heading.group:
                    last += 1
                self.merge(column, last)
        self.values(top, ["table-heading"] * self.width)
        self.values(under, ["table-heading"] * self.width)

    def lines_of(self, text, column):
        key = (text, column)
        lines = self.lines.get(key)
        if lines is None:
            points = self.points[column]
            lines = xlsx.wrapped_lines(self.written(text), points, xlsx.TABLE_SIZE, self.word_ems)
            if len(self.lines) < MOST_TEXTS:
                self.lines[key] = lines
        return lines

    def values(self, values, styles):
        """A row of the table, each value in its named style, as tall as its tallest text."""
        lines = 1
        cells = []
        for column, (value, style) in enumerate(zip(values, styles, strict=True)):
            if isinstance(value, str):
                lines = max(lines, self.lines_of(value, column))
                cells.append(self.text_entry(value, style))
            else:
                cells.append(self.entry(value, style))
        self.append(cells, lines * xlsx.TABLE_SIZE * xlsx.LINE_SPACING)

    def text_entry(self, text, style):
        """An entry of text: one for all the rows that hold the same text in the same style (a
        commune's name, a target's, a verdict), written in each in turn as the row is."""
        key = (text, style)
        cell = self.text_cells.get(key)
        if cell is None:
            cell = self.entry(text, style)
            if len(self.text_cells) < MOST_TEXTS:
                self.text_cells[key] = cell
        return cell

    def band(self, label, text):
        """An area's row: its numeral, and its name in bold over the rest of the table."""
        cells = [self.entry(label, "table-center"), self.entry(text, "table-bold")]
        cells += [self.entry(None, "table-bold") for _column in range(2, self.width)]
        self.merge(2, self.width)
        self.append(cells, xlsx.TABLE_SIZE * xlsx.LINE_SPACING)

    def finish(self, notes=()):
        """The printed area: what is written so far; then ``notes`` for the reader at a screen,
        outside it."""
        self.ws.print_area = f"A1:{get_column_letter(self.width)}{self.row}"
        for note in notes:
            self.append_line(None)
            look = {"size": 10, "italic": True, "alignment": xlsx.LEFT}
            self.append_line([((1, self.width), note, look)])


def heading_lines(sheet, summary, *titles):
    """The Party form's heading the commune's sheets have (targets.xlsx.annex_heading): the
    committee block (its superior body, where it names one, above it) and the nation's line
    with the place and date, then ``titles`` in bold capitals, which figures the table shows
    and how many communes reported them."""
    left, right = xlsx.blocks(sheet)
    everything = (1, sheet.width)
    names = summary.names
    committee = [
        *([(names.superior, {"size": 13})] if names.superior else []),
        (names.executive, {"size": 13, "bold": True}),
        ("*", {"size": 13}),
    ]
    nation = [
        (summary.nation, {"size": 13, "bold": True, "underline": True}),
        (summary.date_line, {"size": 13, "italic": True}),
    ]
    return [
        *(
            [(left, *committee[n])] + ([(right, *nation[n])] if n < len(nation) else [])
            for n in range(len(committee))
        ),
        None,
        *([(everything, title, {"size": 14, "bold": True})] for title in titles),
        [(everything, summary.stage_line, {"size": 13, "italic": True})],
        [(everything, summary.completeness_line, {"size": 13, "italic": True})],
        None,
    ]


def amount_style(value):
    return xlsx.style_for(columns.AMOUNT, value)


def or_none(value):
    return display.NONE if value is None else value


def amount(kind, value, plan=False):
    """A figure as a sheet holds it: the number, or a qualitative target's words."""
    if value is None or kind != Kind.MILESTONE:
        return value
    return display.amount_text(kind, value, plan=plan)


# --- The summary sheet ---------------------------------------------------------------------------


def summary_headings(summary):
    communes, lowest, highest = _("Communes"), _("Lowest"), _("Highest")
    return [
        Heading(str(REPORT["position"].heading), REPORT["position"].width),
        Heading(str(REPORT["name"].heading), 44),
        Heading(str(REPORT["unit"].heading), REPORT["unit"].width),
        *(Heading(words, COUNT_WIDTH, communes) for words in summary.verdict_headings),
        Heading(_("Tracking the target"), COUNT_WIDTH, communes),
        Heading(_("Total"), 14),
        Heading(_("Median"), 14),
        Heading(_("Figures"), 13, lowest),
        Heading(_("Commune"), COMMUNE_WIDTH, lowest),
        Heading(_("Figures"), 13, highest),
        Heading(_("Commune"), COMMUNE_WIDTH, highest),
        Heading(str(REPORT["note"].heading), 16),
    ]


def summary_values(summary, shared):
    """A target's row of the summary sheet."""
    kind = shared.target.kind
    lowest, highest = shared.lowest, shared.highest
    return [
        shared.target.position,
        shared.target.name,
        shared.target.unit,
        *shared.counts.values(),
        shared.tracking,
        or_none(amount(kind, shared.total)),
        or_none(amount(kind, shared.median)),
        or_none(lowest and amount(kind, lowest.actual)),
        lowest.commune.name if lowest else display.NONE,
        or_none(highest and amount(kind, highest.actual)),
        highest.commune.name if highest else display.NONE,
        summary.note_of(shared),
    ]


def write_summary_sheet(workbook, summary):
    sheet = StreamedSheet(workbook, _("Summary of the communes"), summary_headings(summary))
    sheet.start(heading_lines(sheet, summary, summary.subject_line))
    sheet.header()
    # The target's name, the communes named and the note (counted from 0).
    text_columns = {1, sheet.width - 4, sheet.width - 2, sheet.width - 1}
    for area, rollups in summary.sections:
        sheet.band(f"{area.roman}.", area.name)
        for shared in rollups:
            values = summary_values(summary, shared)
            styles = [
                "table-text" if column in text_columns else amount_style(value)
                for column, value in enumerate(values)
            ]
            styles[0] = styles[2] = "table-center"
            sheet.values(values, styles)
    notes = [xlsx.reading_note()]
    if summary.illustrative:
        notes.insert(0, summary.illustrative_line)
    sheet.finish(notes)


# --- The communes' sheet -------------------------------------------------------------------------


def commune_headings(summary):
    plan = columns.plan_heading(summary.number)
    actual = columns.actual_heading(summary.stage, summary.number)
    return [
        Heading(_("Commune"), COMMUNE_WIDTH + 4),
        Heading(str(REPORT["position"].heading), REPORT["position"].width),
        Heading(str(REPORT["name"].heading), 44),
        Heading(str(REPORT["unit"].heading), REPORT["unit"].width),
        Heading(plan, REPORT["plan"].width),
        Heading(actual, REPORT["actual"].width),
        Heading(str(REPORT["percent"].heading), REPORT["percent"].width),
        Heading(str(REPORT["assessment"].heading), REPORT["assessment"].width + 4),
        Heading(str(REPORT["note"].heading), 16),
    ]


def of_its_own(rollups):
    """{(commune pk, target key): (kind, unit)} of the communes' targets that are not the shared
    one's kind, direction or unit: their figures are shown in their own unit. One query, and
    none where every commune keeps the shared targets."""
    odd = {
        (entry.commune.pk, shared.target.slug)
        for shared in rollups
        for entry in shared.entries
        if not entry.comparable
    }
    if not odd:
        return {}
    rows = Target.objects.filter(
        committee__in={commune for commune, _key in odd}, slug__in={key for _c, key in odd}
    ).values_list("committee", "slug", "kind", "unit")
    return {(commune, key): (kind, unit) for commune, key, kind, unit in rows}


def each_commune(rollups):
    """(shared target's roll-up, entry) of every figure, commune by commune (by name), each
    commune's in the targets' order: the entries of each target are sorted by commune already."""

    def figures(shared):
        return ((shared, entry) for entry in shared.entries)

    order = {shared.target.slug: number for number, shared in enumerate(rollups)}
    return heapq.merge(
        *(figures(shared) for shared in rollups),
        key=lambda pair: (pair[1].commune.name, order[pair[0].target.slug]),
    )


def usual_lines(sheet, summary):
    """The lines most of the communes' sheet's rows take: those of most targets' names (a
    commune's name, a unit and a verdict mostly take one)."""
    lines = Counter(sheet.lines_of(shared.target.name, 2) for shared in summary.rollups)
    return lines.most_common(1)[0][0] if lines else None


def write_communes_sheet(workbook, summary):
    headings = commune_headings(summary)
    sheet = StreamedSheet(workbook, _("Each commune's figures"), headings)
    title = _("Each commune's figures").upper()
    sheet.start(
        heading_lines(sheet, summary, summary.subject_line, title), usual_lines(sheet, summary)
    )
    sheet.header()
    own = of_its_own(summary.rollups)
    words = dict(zip(summary.verdicts, summary.verdict_headings, strict=True))
    marked = summary.illustrative_note
    for shared, entry in each_commune(summary.rollups):
        target = shared.target
        kind, unit = target.kind, target.unit
        if not entry.comparable:
            kind, unit = own.get((entry.commune.pk, target.slug), (kind, unit))
        plan = amount(kind, entry.plan, plan=True)
        actual = amount(kind, entry.actual)
        percent = or_none(entry.percent)
        sheet.values(
            [
                entry.commune.name,
                target.position,
                target.name,
                unit,
                plan,
                actual,
                percent,
                words[entry.assessment],
                marked if entry.illustrative else "",
            ],
            [
                "table-text",
                "table-center",
                "table-text",
                "table-center",
                amount_style(plan),
                amount_style(actual),
                xlsx.style_for(columns.PERCENT, percent),
                "table-center",
                "table-text",
            ],
        )
    ws = sheet.ws
    first, last = sheet.header_rows[1], sheet.row
    ws.auto_filter.ref = f"A{first}:{get_column_letter(sheet.width)}{last}"
    sheet.finish([xlsx.reading_note()])


# --- The workbook --------------------------------------------------------------------------------


def write(summary, file):
    """Write the roll-up's workbook into ``file`` (a path or a binary file)."""
    with translation.override("vi"):  # filed in Vietnamese, whoever asks for it
        workbook = new_workbook()
        write_summary_sheet(workbook, summary)
        write_communes_sheet(workbook, summary)
        workbook.properties.title = xlsx.sheet_text(summary.subject, False)
        workbook.properties.creator = xlsx.sheet_text(summary.committee.name, False)
        workbook.save(file)


def filename(summary):
    """ "tong-hop-lao-cai-2024-6-thang.xlsx", as the commune's report is named
    (targets.xlsx.filename)."""
    return f"tong-hop-{summary.committee.slug}-{summary.number}{summary.stage.file_suffix}.xlsx"
