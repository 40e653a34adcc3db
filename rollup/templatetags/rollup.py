"""What the roll-up's templates look up: a count under a verdict, a commune's amount as its
target reads, and links that keep the page's other parameters."""

from django import template
from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from targets import display

from ..charts import verdict_bar

register = template.Library()


@register.filter
def under(counts, verdict):
    """The number of communes under ``verdict`` in a target's counts."""
    return counts.get(verdict, 0)


@register.filter
def amount(value, target):
    """A plan, actual or statistic as ``target`` reads: "1.234,5", "Đạt"; "–" where none."""
    return display.amount_text(target.kind, value) or display.NONE


@register.filter
def place(commune):
    """A commune's name without the party's word before it: "xã Minh Họa 4" for "Đảng bộ xã
    Minh Họa 4", where a table has little room."""
    return commune.name.removeprefix("Đảng bộ ")


# The two tags below draw a roll-up's rows, up to forty a page with five counts and a bar
# each: written out in Python, escaping what is not the code's own, as a template for each cell
# would take longer than counting the figures behind it.


@register.simple_tag
def verdict_cells(rollup, target_url):
    """A roll-up row's cells of the communes under each verdict, each count but 0 a link to
    the communes behind it (``target_url``, the target's page, at ?verdict=)."""
    url = escape(target_url)
    cells = []
    for verdict, count in rollup.counts.items():
        shown = (
            f'<a href="{url}?stage={rollup.stage.value}&amp;verdict={verdict.value}">'
            f"{number_format(count)}</a>"
            if count
            else "0"
        )
        cells.append(f'<td class="num" data-label="{escape(verdict.label)}">{shown}</td>')
    return mark_safe("".join(cells))


@register.simple_tag
def spread(rollup):
    """The inline SVG bar of a target's communes by verdict (charts.verdict_bar), its title
    saying the counts."""
    bar = verdict_bar(rollup.counts, rollup.stage)
    segments = bar["segments"]
    title = "; ".join(
        f"{segment['verdict'].label}: {rollup.counts[segment['verdict']]}" for segment in segments
    )
    rects = "".join(
        f'<rect class="{segment["verdict"].value}" x="{segment["x"]}" y="0"'
        f' width="{segment["width"]}" height="{bar["height"]}"/>'
        for segment in segments
    )
    size = f'width="{bar["width"]}" height="{bar["height"]}"'
    return mark_safe(
        f'<svg class="verdict-bar" role="img" viewBox="0 0 {bar["width"]} {bar["height"]}"'
        f" {size}><title>{escape(title or _('No commune tracks it'))}</title>{rects}</svg>"
    )


@register.simple_tag(takes_context=True)
def with_params(context, **changes):
    """This page's query string with ``changes`` (an empty value drops the parameter); the
    page number is dropped, as a new filter or order starts at the first page."""
    params = context["request"].GET.copy()
    params.pop("page", None)
    for name, value in changes.items():
        if value in ("", None):
            params.pop(name, None)
        else:
            params[name] = value
    return "?" + urlencode(sorted(params.items())) if params else "?"
