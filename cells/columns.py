"""What a cell's year (its rating and its members' counts) shows, declared once: the ward's
overview, a cell's ratings over the years and the workbook's "Chi bộ" sheet read these."""

from django.utils.translation import gettext_lazy as _

from targets.columns import AMOUNT, CENTER, TEXT, Column

from .models import LEVEL_SHORT_NAMES, Level


def level_column(level):
    return Column(
        level.value,
        LEVEL_SHORT_NAMES[level],
        lambda cell_year: cell_year.members_at(level),
        kind=AMOUNT,
        width=11,
    )


CELL_YEAR_COLUMNS = [
    Column("number", _("No."), lambda cell_year: cell_year.cell.number, kind=CENTER, width=6),
    Column("cell", _("Party cell"), lambda cell_year: cell_year.name_of_cell, width=34),
    Column("secretary", _("Secretary"), lambda cell_year: cell_year.secretary_name, width=24),
    Column(
        "members",
        _("Number of members"),
        lambda cell_year: cell_year.members,
        kind=AMOUNT,
        width=11,
    ),
    Column(
        "rating",
        _("Cell's rating"),
        lambda cell_year: cell_year.get_rating_display(),
        kind=TEXT,
        width=30,
    ),
    *(level_column(level) for level in Level),
    Column(
        "illustrative",
        _("Note"),
        lambda cell_year: cell_year.illustrative_note,
        width=30,
    ),
]


def columns(*names):
    """The declared columns named ``names``, in that order."""
    by_name = {column.name: column for column in CELL_YEAR_COLUMNS}
    return [by_name[name] for name in names]
