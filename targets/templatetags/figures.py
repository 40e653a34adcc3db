"""The display helpers of targets.display as template filters, for a report's rows
(targets.report.Row) and the people who changed them."""

from django import template

from targets import display
from targets.report import Row

register = template.Library()

register.filter("actual_html", display.actual_html)
register.filter("percent_html", display.percent_html)
register.filter("assessment_badge", display.assessment_badge)
register.filter("person", display.person)


@register.filter
def actual_at(record, stage):
    """A figure's or a cell's share's actual at ``stage``: ``{{ share|actual_at:stage }}``."""
    return record.actual_at(stage)


@register.filter
def stored_rows(form):
    """A figure form's conflict (the figure as someone else saved it meanwhile) at each stage
    the form enters, one report row a stage: the grid at ?stage=half shows the six-month value
    stored, not the full year's."""
    return [Row(form.conflict, stage=stage) for stage in form.stages]
