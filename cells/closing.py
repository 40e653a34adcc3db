"""What the cells leave unfinished when the office reviews a year before closing it: answered to
targets.models.year_review, so that the targets app names it without knowing the cells."""

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from targets.stages import Stage

from .models import CellYear, Share


def cells_warnings(sender, year, **kwargs):
    """The active cells whose rating is not decided, and those with shares of ``year`` that have
    not reported what they reached for the full year, as warnings (three queries)."""
    cells = list(year.committee.cells.filter(is_active=True))
    decided = set(
        CellYear.objects.filter(year=year, decided_at__isnull=False).values_list(
            "cell_id", flat=True
        )
    )
    # A cell has reported once each of its shares has a final figure: what is left empty now
    # stays empty in the closed year.
    unreported = {
        row["cell_id"]: row
        for row in Share.objects.filter(year=year, cell__is_active=True)
        .values("cell_id")
        .annotate(
            shares=Count("pk"),
            missing=Count("pk", filter=Q(**{f"{Stage.FINAL.field}__isnull": True})),
        )
        .filter(missing__gt=0)
    }
    warnings = []
    undecided = [cell for cell in cells if cell.pk not in decided]
    if undecided:
        warnings.append(
            ngettext(
                "The rating of %(count)d cell is not decided yet: %(cells)s.",
                "The ratings of %(count)d cells are not decided yet: %(cells)s.",
                len(undecided),
            )
            % {"count": len(undecided), "cells": "; ".join(cell.name for cell in undecided)}
        )
    silent = [cell for cell in cells if cell.pk in unreported]
    if silent:
        warnings.append(
            ngettext(
                "%(count)d cell has not reported its shares for the full year: %(cells)s.",
                "%(count)d cells have not reported their shares for the full year: %(cells)s.",
                len(silent),
            )
            % {
                "count": len(silent),
                "cells": "; ".join(
                    _("%(cell)s (%(missing)d of %(shares)d shares)")
                    % {
                        "cell": cell.name,
                        "missing": unreported[cell.pk]["missing"],
                        "shares": unreported[cell.pk]["shares"],
                    }
                    for cell in silent
                ),
            }
        )
    return warnings
