"""The display helpers of targets.display as template filters, for a report's rows
(targets.report.Row) and the people who changed them."""

from django import template

from targets import display

register = template.Library()

register.filter("actual_cell", display.actual_html)
register.filter("percent_cell", display.percent_html)
register.filter("assessment_badge", display.assessment_badge)
register.filter("person", display.person)
