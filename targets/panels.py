"""Sections other apps add to a target's page (the cells' shares of the figure), registered
from their AppConfig.ready like the document's annexes, so this app never imports theirs."""

# Callables ``(request, figure) -> (template name, context) | None``, shown in order.
FIGURE_PANELS = []


def register_panel(make_panel):
    if make_panel not in FIGURE_PANELS:
        FIGURE_PANELS.append(make_panel)
    return make_panel


def panels_for(request, figure):
    return [panel for panel in (make(request, figure) for make in FIGURE_PANELS) if panel]
