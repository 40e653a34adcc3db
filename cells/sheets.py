"""The cells' sheets of the year-end workbook, and a cell's own task sheet.

Written with the report's cell writers and named styles (targets.report), so every text stays
text and the look matches the "Chỉ tiêu" sheet.
"""

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from targets.numbers import format_number
from targets.report import (
    LEFT,
    PERCENT_FORMAT,
    RIGHT,
    add_table_styles,
    put,
    put_merged,
    put_table,
)

from .models import Cell, CellYear, Level, RatingTotals


def _header(ws, row, headings):
    for column, (heading, width) in enumerate(headings, start=1):
        put_table(ws, row, column, heading, "table-heading")
        ws.column_dimensions[get_column_letter(column)].width = width
    return row + 1


def _landscape(ws, header_row):
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = f"{header_row}:{header_row}"


def _share_line(ws, row, last_column, label, share, remark):
    """A derived share on its own line: what it is, the percent as a number, and a remark."""
    put_merged(ws, row, (1, 3), label, alignment=LEFT)
    shown = share if share is not None else "–"
    put(ws, row, 4, shown, alignment=RIGHT, number_format=PERCENT_FORMAT)
    put_merged(ws, row, (5, last_column), remark, alignment=LEFT)
    return row + 1


def add_cells_sheet(workbook, report):
    """Sheet "Chi bộ": each cell's rating and members per level, then the derived totals.

    Two queries: the year's cell records with their cells, and the number of active cells.
    """
    ws = workbook.create_sheet(_("Party cells"))
    cell_years = list(
        CellYear.objects.filter(year=report.year).select_related("cell").order_by("cell__number")
    )
    totals = RatingTotals(cell_years, Cell.objects.filter(is_active=True).count())
    headings = [
        (_("No."), 6),
        (_("Party cell"), 34),
        (_("Secretary"), 24),
        (_("Members"), 11),
        (_("Cell's rating"), 30),
        (_("Excellent"), 10),
        (_("Good"), 10),
        (_("Completed"), 10),
        (_("Not completed"), 12),
    ]
    columns = (1, len(headings))
    put_merged(
        ws,
        1,
        columns,
        _("Rating of the party cells, %(year)s") % {"year": report.year.year},
        size=14,
        bold=True,
    )
    header_row = 3
    row = _header(ws, header_row, headings)
    for cell_year in cell_years:
        for column, value in enumerate(cell_year.sheet_row(), start=1):
            put_table(
                ws, row, column, value, "table-text" if isinstance(value, str) else "table-integer"
            )
        row += 1
    total_values = [
        "",
        _("Total"),
        "",
        totals.members,
        "",
        *(totals.members_by_level[level] for level in Level),
    ]
    for column, value in enumerate(total_values, start=1):
        style = "table-bold" if isinstance(value, str) else "table-bold-integer"
        put_table(ws, row, column, value, style)
    row += 2
    lines = [
        _("%(good)s/%(total)s cells completed their duties well or better")
        % {"good": totals.cells_good_or_better, "total": totals.cells_total},
    ]
    for line in lines:
        put_merged(ws, row, columns, line, alignment=LEFT)
        row += 1
    last = len(headings)
    row = _share_line(
        ws,
        row,
        last,
        _("Party members who completed their duties well or better"),
        totals.members_good_or_better_percent,
        _("%(good)s of %(rated)s rated")
        % {"good": totals.members_good_or_better, "rated": totals.members_rated},
    )
    _share_line(
        ws,
        row,
        last,
        _("“Excellent” members among those rated well or better"),
        totals.members_excellent_share,
        _("cap %(cap)s %%") % {"cap": format_number(totals.excellent_cap)}
        + (" — " + _("over the cap") if totals.members_over_cap else ""),
    )
    _landscape(ws, header_row)


def task_workbook(cell, year, tasks):
    """A cell's tasks of a year as a one-sheet workbook, for the cell's secretary."""
    with translation.override("vi"):
        workbook = Workbook()
        add_table_styles(workbook)
        ws = workbook.active
        ws.title = _("Tasks")
        headings = [
            (_("No."), 6),
            (_("Target"), 36),
            (_("What is to be done"), 50),
            (_("Responsible"), 24),
            (_("Due"), 12),
            (_("Status"), 16),
            (_("Note"), 30),
        ]
        put_merged(
            ws,
            1,
            (1, len(headings)),
            f"{cell.name}: " + _("tasks in %(year)s") % {"year": year.year},
            size=14,
            bold=True,
        )
        header_row = 3
        row = _header(ws, header_row, headings)
        for number, task in enumerate(tasks, start=1):
            values = [
                number,
                task.target.name,
                task.description,
                task.responsible,
                task.due_date,
                task.get_status_display(),
                task.note,
            ]
            styles = ["table-integer", *["table-text"] * 3, "table-date", *["table-text"] * 2]
            for column, (value, style) in enumerate(zip(values, styles, strict=True), start=1):
                put_table(ws, row, column, value, style)
            row += 1
        _landscape(ws, header_row)
    return workbook
