"""How a figure form's inputs are rendered."""

from html import escape

from django import forms, template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from targets import display

register = template.Library()


@register.filter
def input_and_initial(field):
    """What ``{{ field }}`` renders: the field's input and, where the form keeps it
    (show_hidden_initial), the hidden input of the value the page showed.

    Django gives that hidden input the visible one's aria-describedby too, and an
    ``<input type="hidden">`` may have no aria-* attribute: it is rendered here without.
    """
    html = field.as_widget()
    if not field.field.show_hidden_initial:
        return html
    widget = field.field.hidden_widget()
    name = field.html_initial_name
    if name in field.form.data:
        value = widget.value_from_datadict(field.form.data, field.form.files, name)
    else:
        value = field.value()
    attrs = {"id": field.html_initial_id} if field.auto_id else {}
    return html + widget.render(name, value, attrs, renderer=field.form.renderer)


# The grid's columns of inputs, by the field they hold: the stage's actual is one column
# whatever the stage. Each input is named by its column's header and its row's target
# (aria-labelledby), so the page carries no label element per input.
GRID_COLUMNS = {"plan": "c-plan", "reason": "c-reason", "note": "c-note"}


@register.filter
def grid_order(form):
    """The inputs of a grid row in the order a clerk enters them: the stage's actual first (the
    figure being entered), then the plan; the reason and the note come after the percent and
    the assessment."""
    amounts = form.amount_fields
    return amounts[1:] + amounts[:1]


def _text(value):
    """``value`` escaped for HTML text or a quoted attribute; nothing for None."""
    return "" if value is None else escape(str(value), quote=True)


def _attrs(attrs):
    """``name="value"`` pairs, leaving out the empty ones."""
    return "".join(
        f' {name}="{_text(value)}"' for name, value in attrs.items() if value not in (None, "")
    )


@register.simple_tag
def grid_input_td(field, classes="", hint=""):
    """One ``td`` of the grid holding an input: its control, named by the column's header and
    the row's target (the grid's link to it, ``n<figure id>``), the value the page showed where
    the form keeps it, ``hint`` and the field's errors.

    Written out here as strings rather than through the widgets' templates: 160 of them make
    the page, and rendering each through the template engine cost more than the rest of the
    page together.
    """
    widget = field.field.widget
    errors = field.errors
    error_id = f"e-{field.html_name}" if errors else ""
    attrs = {
        "name": field.html_name,
        "aria-labelledby": f"{GRID_COLUMNS.get(field.name, 'c-actual')} n{field.form.figure.pk}",
        "aria-invalid": "true" if errors else "",
        "aria-describedby": error_id,
    }
    value = field.value()
    css = ["input"]
    if isinstance(widget, forms.Select):
        chosen = "" if value is None else str(value)
        options = "".join(
            f'<option value="{_text(key)}"{" selected" if str(key) == chosen else ""}>'
            f"{_text(label)}</option>"
            for key, label in field.field.choices
        )
        control = f"<select{_attrs(attrs)}>{options}</select>"
    elif isinstance(widget, forms.Textarea):
        css.append("note")
        attrs |= {"rows": widget.attrs.get("rows"), "maxlength": widget.attrs.get("maxlength")}
        # A browser drops one line break right after <textarea>: a value that starts with one
        # keeps it.
        control = f"<textarea{_attrs(attrs)}>\n{_text(value)}</textarea>"
    else:
        attrs |= {
            "value": value,
            "inputmode": widget.attrs.get("inputmode"),
            "maxlength": widget.attrs.get("maxlength"),
        }
        control = f"<input{_attrs(attrs)}>"
    parts = [control, _shown_initial(field)]
    if hint:
        parts.append(f'<p class="hint">{_text(hint)}</p>')
    if errors:
        css.append("invalid")
        messages = "".join(f'<p class="error" role="alert">{_text(e)}</p>' for e in errors)
        parts.append(f'<div id="{error_id}">{messages}</div>')
    if classes:
        css.append(classes)
    # Every value in it went through _text.
    return mark_safe(
        f'<td class="{_text(" ".join(css))}" data-label="{_text(capfirst(field.label))}">'
        f"{''.join(parts)}</td>"
    )


def _shown_initial(field):
    """The hidden input of the value the page showed, for a value that was not empty.

    An empty value needs none: a form reads a missing initial as an empty one (the field's
    to_python of nothing), so the row is still changed only where the user changed it, and
    most of the grid's reasons and notes are empty.
    """
    if not field.field.show_hidden_initial:
        return ""
    name = field.html_initial_name
    value = field.form.data.get(name) if field.form.is_bound else field.value()
    if value is None or value == "":
        return ""
    return f'<input type="hidden" name="{_text(name)}" value="{_text(value)}">'


@register.simple_tag
def hidden_input(field):
    """A hidden field as a plain input, without the id nothing on the grid refers to."""
    return mark_safe(  # escaped by _text
        f'<input type="hidden" name="{_text(field.html_name)}" value="{_text(field.value())}">'
    )


@register.simple_tag
def grid_row_start(form, row, closed=False):
    """The start of a grid row up to its heading's end, where the template adds what a save
    said of it: the row's number and the target's name (the link every input's name points
    to), and unless the year is ``closed`` the version the row was shown at."""
    figure = form.figure
    unit = f" <small>({_text(figure.unit)})</small>" if figure.unit else ""
    version = "" if closed else hidden_input(form["version"])
    return mark_safe(  # every value in it went through _text
        f'<tr id="row-{figure.pk}"{row_marks(form)}><td class="num">{figure.target.position}</td>'
        f'<th scope="row" class="target-name"><a id="n{figure.pk}" href="{_text(row.url)}">'
        f"{_text(figure.name)}</a>{unit}{version}"
    )


@register.simple_tag
def grid_row_entries(form, row):
    """The entries (``td``) of a grid row after its heading, on an open year: the stage's
    actual and the plan as inputs, the percent and the assessment, the reason and the note as
    inputs (the reason marked where the year cannot close without it)."""
    figure = form.figure
    entries = [grid_input_td(field) for field in grid_order(form)]
    entries.append(
        f'<td class="num percent" data-label="{_text(_("Percent of plan"))}">'
        f"{display.percent_html(row)}</td>"
        f'<td data-label="{_text(_("Assessment"))}">{display.assessment_badge(row)}</td>'
    )
    if figure.needs_reason:
        hint = _("Below plan: give the reason before the year is closed.")
        entries.append(grid_input_td(form["reason"], "needs-reason", hint))
    else:
        entries.append(grid_input_td(form["reason"]))
    entries.append(grid_input_td(form["note"]))
    return mark_safe("".join(entries))  # each part escaped where it was made


@register.filter
def row_marks(form):
    """The class of a grid row that did not save: someone else changed it meanwhile, or a value
    could not be read; "implausible" where a value needs the user's confirmation."""
    marks = []
    if form.conflict is not None:
        marks.append("conflict-row")
    elif form.is_bound and form.errors:
        marks.append("invalid-row")
    if getattr(form, "plausibility_warnings", None):
        marks.append("implausible")
    return format_html(' class="{}"', " ".join(marks)) if marks else ""
