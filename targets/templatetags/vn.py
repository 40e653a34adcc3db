"""A template filter that prints numbers the Vietnamese way."""

from django import template

from targets.numbers import format_number

register = template.Library()


@register.filter
def number(value):
    """1234567.5 → "1.234.567,5"; None → "–"."""
    return "–" if value is None or value == "" else format_number(value)
