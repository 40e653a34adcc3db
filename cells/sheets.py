"""The cells' sheet of the year-end workbook, and a cell's own task sheet, written with the
report's toolkit (targets.xlsx.TableSheet), so every text stays text and the look matches the
"Chỉ tiêu" sheet."""

from django.utils import translation
from django.utils.translation import gettext as _

from targets import xlsx
from targets.numbers import format_number

from .columns import CELL_YEAR_COLUMNS
from .models import Cell, CellYear, Level, RatingTotals


def share_line(sheet, label, share, remark):
    """A derived share on its own line: what it is, the percent as a number, and a remark."""
    sheet.merged((1, 3), label, alignment=xlsx.LEFT)
    shown = share if share is not None else "–"
    sheet.put(4, shown, alignment=xlsx.RIGHT, number_format=xlsx.PERCENT_FORMAT)
    sheet.merged((5, sheet.width), remark, alignment=xlsx.LEFT)
    sheet.row += 1


def add_cells_sheet(workbook, report):
    """Sheet "Chi bộ": each cell's rating and members per level (cells.columns), then the
    derived totals.

    Two queries: the year's cell records with their cells, and the number of active cells.
    """
    cell_years = list(
        CellYear.objects.filter(year=report.year).select_related("cell").order_by("cell__number")
    )
    totals = RatingTotals(cell_years, Cell.objects.filter(is_active=True).count())
    sheet = xlsx.TableSheet(
        workbook.create_sheet(_("Party cells")),
        [(column.heading, column.width) for column in CELL_YEAR_COLUMNS],
    )
    sheet.title(_("Rating of the party cells, %(year)s") % {"year": report.year.year})
    sheet.header()
    for cell_year in cell_years:
        values = [column.value(cell_year) for column in CELL_YEAR_COLUMNS]
        sheet.values(
            values,
            [xlsx.style_for(c.kind, v) for c, v in zip(CELL_YEAR_COLUMNS, values, strict=True)],
        )
    total = ["", _("Total"), "", totals.members, "", *(totals.members_by_level[lv] for lv in Level)]
    sheet.values(
        total, ["table-bold" if isinstance(v, str) else "table-bold-integer" for v in total]
    )
    sheet.row += 1
    sheet.line(
        _("%(good)s/%(total)s cells completed their duties well or better")
        % {"good": totals.cells_good_or_better, "total": totals.cells_total}
    )
    share_line(
        sheet,
        _("Party members who completed their duties well or better"),
        totals.members_good_or_better_percent,
        _("%(good)s of %(rated)s rated")
        % {"good": totals.members_good_or_better, "rated": totals.members_rated},
    )
    share_line(
        sheet,
        _("“Excellent” members among those rated well or better"),
        totals.members_excellent_share,
        _("cap %(cap)s %%") % {"cap": format_number(totals.excellent_cap)}
        + (" — " + _("over the cap") if totals.members_over_cap else ""),
    )
    sheet.landscape()


def task_workbook(cell, year, tasks):
    """A cell's tasks of a year as a one-sheet workbook, for the cell's secretary."""
    with translation.override("vi"):
        workbook = xlsx.new_workbook()
        workbook.active.title = _("Tasks")
        sheet = xlsx.TableSheet(
            workbook.active,
            [
                (_("No."), 6),
                (_("Target"), 36),
                (_("What is to be done"), 50),
                (_("Responsible"), 24),
                (_("Due"), 12),
                (_("Status"), 16),
                (_("Note"), 30),
            ],
        )
        sheet.title(f"{cell.name}: " + _("tasks in %(year)s") % {"year": year.year})
        sheet.header()
        styles = ["table-integer", *["table-text"] * 3, "table-date", *["table-text"] * 2]
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
            sheet.values(values, styles)
        sheet.landscape()
    return workbook
