"""Addresses of the page being shown, for links that keep to it."""

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def this_page_in(context, year):
    """This page's address in another year: the same view, its year changed."""
    match = context["request"].resolver_match
    return reverse(match.view_name, kwargs={**match.kwargs, "year": year.year})
