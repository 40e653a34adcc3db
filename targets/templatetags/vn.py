"""Template filters that print numbers the Vietnamese way, rounding half-up."""

from django import template

from targets.numbers import format_number, format_percent

register = template.Library()


@register.filter
def number(value):
    """1234567.5 → "1.234.567,5"; None → "–"."""
    return "–" if value is None or value == "" else format_number(value)


@register.filter
def percent(value):
    """99.765 → "99,77 %"; None → "–"."""
    return format_percent(value)
