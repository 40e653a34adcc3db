"""A template filter that prints numbers the Vietnamese way."""

from django import template

from targets.numbers import format_number, format_percent

register = template.Library()


@register.filter
def number(value):
    """1234567.5 → "1.234.567,5"; None → "–"."""
    return "–" if value is None or value == "" else format_number(value)


@register.filter
def percent(value):
    """99.76 → "99,76%", 150 → "150%"; None → "–"."""
    return format_percent(None if value == "" else value)
