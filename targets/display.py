"""How values look: as text for the print view, the workbook and the document, and as small
pieces of escaped HTML for the screen. Plain functions with no template or workbook behind them,
so the pages, the sheets and the template filters all call the same ones.
"""

from django.utils.html import format_html
from django.utils.translation import gettext as _

from .numbers import format_number, format_percent
from .progress import Kind

SYMBOLS = {
    "exceeded": "▲",
    "met": "●",
    "not_met": "▼",
    "reached": "◐",
    "no_data": "○",
    "no_plan": "◌",
}
NONE = "–"


def amount_text(kind, value, plan=False):
    """A plan or actual as people read it: "1.234.567", "95,77"; for a qualitative target
    (chỉ tiêu định tính) the plan "Duy trì" and the actual "Đạt" or "Chưa đạt". Empty while
    unknown."""
    if value is None:
        return ""
    if kind == Kind.MILESTONE:
        if plan:
            return str(_("Maintain") if value else _("Not required"))
        return str(_("Achieved") if value else _("Not achieved"))
    return format_number(value)


def percent_text(percent):
    """A percent in a table column, always with two decimals: "150,00%", "99,76%"; "–" where
    there is none."""
    return format_percent(percent, places=2)


def percent_words(percent):
    """A percent in a sentence: "150%", "208,33%"."""
    return format_percent(percent)


def person(user):
    """A person as every page, table, message and admin column names them: the full name the
    ward writes ("Đồng Thị Dưỡng", see load_demo for how it is stored), or else the login;
    empty for no one (a data load)."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def illustrative_mark():
    return format_html(
        '<abbr class="illustrative" title="{}">{}</abbr>',
        _("Illustrative figure, not from a real source"),
        _("illustr."),
    )


def actual_html(row):
    """The actual as the screen shows it, with the mark of an illustrative figure."""
    shown = row.actual_text or NONE
    if not row.illustrative:
        return shown
    return format_html("{} {}", shown, illustrative_mark())


def percent_html(row):
    """ "99,76%" with a bar; the bar says nothing a screen reader needs."""
    text = format_html('<span class="percent-text">{}</span>', row.percent_text)
    if row.percent is None:
        return text
    return format_html(
        '{}<progress class="bar {}" max="100" value="{}" aria-hidden="true"></progress>',
        text,
        row.assessment,
        str(min(row.percent, 100)),
    )


def assessment_badge(row):
    """A coloured badge that also says its verdict in a symbol and in words."""
    return format_html(
        '<span class="badge {}"><span aria-hidden="true" class="symbol">{}</span> {}</span>',
        row.assessment,
        SYMBOLS[row.assessment],
        row.assessment_words,
    )


def target_link(row):
    return format_html('<a href="{}">{}</a>', row.url, row.name)


def note_text(figure):
    """The note as a report prints it, saying first that a figure is illustrative."""
    note = figure.note.strip()
    if figure.illustrative:
        marker = _("Illustrative figure.")
        note = f"{marker} {note}".strip()
    return note
