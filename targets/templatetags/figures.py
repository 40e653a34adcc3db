"""How a figure's actual, percent and assessment look on every page and table.

Plain functions that build escaped HTML, used as template filters and by the tables alike: a
dashboard renders them 120 times, where a template include per cell costs several times more.
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from targets.report import figure_note

register = template.Library()

SYMBOLS = {"exceeded": "▲", "met": "●", "not_met": "▼", "no_data": "○"}


@register.filter
def actual_cell(figure):
    """The actual as people read it, with the "minh họa" mark of a demo figure."""
    shown = figure.actual_display or "–"
    if not figure.illustrative:
        return shown
    return format_html(
        '{} <abbr class="illustrative" title="{}">{}</abbr>',
        shown,
        _("Illustrative figure, not from a real source"),
        _("illustr."),
    )


@register.filter
def percent_cell(figure):
    """ "99,76 %" with a bar; the bar says nothing a screen reader needs."""
    percent = figure.percent
    text = format_html('<span class="percent-text">{}</span>', figure.percent_display)
    if percent is None:
        return text
    return format_html(
        '{}<progress class="bar {}" max="100" value="{}" aria-hidden="true"></progress>',
        text,
        figure.assessment,
        str(min(percent, 100)),
    )


@register.filter
def assessment_badge(figure):
    """A coloured badge that also says its verdict in a symbol and in words."""
    return format_html(
        '<span class="badge {}"><span aria-hidden="true" class="symbol">{}</span> {}</span>',
        figure.assessment,
        SYMBOLS[figure.assessment],
        figure.assessment.label,
    )


@register.filter
def person(user):
    """A user as the pages name them: the full name, or else the user name."""
    return user.get_full_name() or user.get_username()


@register.filter
def report_note(figure):
    """The note as the year-end report prints it (see targets.report.figure_note)."""
    return figure_note(figure)
