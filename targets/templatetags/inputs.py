"""How a figure form's inputs are rendered."""

from django import template

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
