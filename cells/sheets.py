"""The cells' sheet of the year-end workbook, and a cell's own task sheet, written with the
report's toolkit (targets.xlsx.TableSheet), so every text stays text and the look matches the
"Chỉ tiêu" sheet."""

from django.utils import translation
from django.utils.translation import gettext as _

from targets import document, xlsx
from targets.numbers import format_number, format_percent

from .columns import CELL_YEAR_COLUMNS
from .models import LEVEL_SHORT_NAMES, CellYear, Level, RatingTotals


def share_line(sheet, label, share, remark):
    """A derived share on its own line: what it is, the percent as a number, and a remark."""
    sheet.merged((1, 3), label, alignment=xlsx.LEFT)
    shown = share if share is not None else "–"
    sheet.put(4, shown, alignment=xlsx.RIGHT, number_format=xlsx.PERCENT_FORMAT)
    sheet.merged((5, sheet.width), remark, alignment=xlsx.LEFT)
    sheet.row += 1


def year_ratings(year):
    """The year's cell records with their cells, and the ward's totals, out of the cells the
    year had (not today's): one query."""
    cell_years = list(
        CellYear.objects.filter(year=year).select_related("cell").order_by("cell__number")
    )
    return cell_years, RatingTotals(year, cell_years, len(cell_years))


def ratings_printed(report, totals):
    """Whether the report carries the ratings' annex: ratings are decided at the year's end, so
    never at six months, and an annex of ratings not yet decided is left out, not printed as
    zeros."""
    return report.stage.has_verdict and (totals.cells_rated or totals.members_rated) > 0


def levels_legend():
    """What the members' columns' abbreviations stand for: "HTXSNV: Hoàn thành xuất sắc …"."""
    return "; ".join(f"{LEVEL_SHORT_NAMES[level]}: {level.label}" for level in Level) + "."


def total_values(totals):
    return [
        "",
        _("Total"),
        "",
        totals.members,
        "",
        *(totals.members_by_level[lv] for lv in Level),
        "",
    ]


def add_cells_sheet(workbook, report):
    """Sheet "Chi bộ", the report's second annex: each cell's rating and members per level
    (cells.columns), the totals, and what is illustrative. The cap on "xuất sắc" is the ratings
    page's business, never printed in the filed report. Like the document's annex, only once
    ratings are decided and never at six months (ratings_printed)."""
    cell_years, totals = year_ratings(report.year)
    if not ratings_printed(report, totals):
        return
    sheet = xlsx.TableSheet(
        workbook.create_sheet(_("Party cells")),
        [(column.heading, column.width) for column in CELL_YEAR_COLUMNS],
    )
    xlsx.annex_heading(sheet, report, "II", annex_title(report.year))
    sheet.header()
    for cell_year in cell_years:
        values = [column.value(cell_year) for column in CELL_YEAR_COLUMNS]
        sheet.values(
            values,
            [xlsx.style_for(c.layout, v) for c, v in zip(CELL_YEAR_COLUMNS, values, strict=True)],
        )
    total = total_values(totals)
    sheet.values(
        total, ["table-bold" if isinstance(v, str) else "table-bold-integer" for v in total]
    )
    sheet.row += 1
    sheet.line(cells_line(totals))
    share_line(
        sheet,
        _("Party members who completed their duties well or better"),
        totals.members_good_or_better_percent,
        _("%(good)s of %(rated)s rated")
        % {"good": totals.members_good_or_better, "rated": totals.members_rated},
    )
    sheet.line(levels_legend())
    sheet.landscape()


def annex_title(year):
    return _("RATING OF THE PARTY CELLS AND MEMBERS IN %(year)s") % {"year": year.year}


def cells_line(totals):
    return _("%(good)s/%(total)s cells completed their duties well or better") % {
        "good": totals.cells_good_or_better,
        "total": totals.cells_total,
    }


def ratings_annex(report):
    """The report's annex of ratings (targets.document.register_annex), or None where the
    report carries none (ratings_printed)."""
    cell_years, totals = year_ratings(report.year)
    if not ratings_printed(report, totals):
        return None
    table = document.Table(
        headings=[str(column.heading) for column in CELL_YEAR_COLUMNS],
        layouts=[column.layout for column in CELL_YEAR_COLUMNS],
        widths=[column.width for column in CELL_YEAR_COLUMNS],
    )
    for cell_year in cell_years:
        table.body.append(
            ("row", [(column.shown(cell_year), column.layout) for column in CELL_YEAR_COLUMNS])
        )
    total = [format_number(v) if isinstance(v, int) else str(v) for v in total_values(totals)]
    table.body.append(("row", list(zip(total, table.layouts, strict=True))))
    members = _(
        "%(percent)s of party members completed their duties well or better (%(good)s of "
        "%(rated)s rated)."
    ) % {
        "percent": format_percent(totals.members_good_or_better_percent),
        "good": totals.members_good_or_better,
        "rated": totals.members_rated,
    }
    table.body.append(("total", f"{cells_line(totals)}; {members}"))
    return document.Annex(
        title=annex_title(report.year), lines=[], table=table, legend=levels_legend()
    )


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
                task.note_shown,
            ]
            sheet.values(values, styles)
        sheet.landscape()
    return workbook
