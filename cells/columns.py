"""What a cell's year (its rating and its members' counts) shows, declared once: the ward's
overview, a cell's ratings over the years and the workbook's "Chi bộ" sheet read these."""

from django.utils.translation import gettext_lazy as _

from targets.columns import AMOUNT, CENTER, TEXT, Column

from .models import LEVEL_SHORT_NAMES, Level


def rating_label(cell_year):
    """The cell's rating in words ("" before it is rated), as get_rating_display gives it,
    without translating every level's label to find the one (which it does on each call)."""
    return str(Level(cell_year.rating).label) if cell_year.rating else ""


def level_column(level):
    return Column(
        level.value,
        LEVEL_SHORT_NAMES[level],
        lambda cell_year: cell_year.members_at(level),
        layout=AMOUNT,
        width=11,
    )


CELL_YEAR_COLUMNS = [
    Column("number", _("No."), lambda cell_year: cell_year.cell.number, layout=CENTER, width=6),
    Column("cell", _("Party cell"), lambda cell_year: cell_year.name_of_cell, width=34),
    Column("secretary", _("Secretary"), lambda cell_year: cell_year.secretary_name, width=24),
    Column(
        "members",
        _("Number of members"),
        lambda cell_year: cell_year.members,
        layout=AMOUNT,
        width=11,
    ),
    Column(
        "rating",
        _("Cell's rating"),
        rating_label,
        layout=TEXT,
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
