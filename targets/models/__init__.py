"""The targets app's models, one module a concern: base (what they share), history (the
records of changes), closing (the closed year), plan (areas, targets, years, figures, report
texts) and uploads (evidence and imports). The rest of the code imports them from here."""

from .base import (
    FIGURE_AMOUNTS,
    MAX_TEXT,
    amount_field,
    amount_in_range,
    at_most,
    person_field,
)
from .closing import (
    ClosableYear,
    OfOpenYear,
    OfOpenYearQuerySet,
    StaleFigure,
    StaleFigures,
    YearClosed,
    refuse_to_reword_closed_reports,
    year_closing,
    year_opened,
    year_review,
)
from .history import Change, FigureChange, Recorded, YearEvent
from .plan import (
    ROMAN,
    Area,
    CapBase,
    Figure,
    RatingFeed,
    ReportText,
    StageActuals,
    StaleText,
    Target,
    Year,
    validate_phrase,
)
from .uploads import Evidence, Import, evidence_path, evidence_storage

__all__ = [
    "FIGURE_AMOUNTS",
    "MAX_TEXT",
    "ROMAN",
    "Area",
    "CapBase",
    "Change",
    "ClosableYear",
    "Evidence",
    "Figure",
    "FigureChange",
    "Import",
    "OfOpenYear",
    "OfOpenYearQuerySet",
    "RatingFeed",
    "Recorded",
    "ReportText",
    "StageActuals",
    "StaleFigure",
    "StaleFigures",
    "StaleText",
    "Target",
    "Year",
    "YearClosed",
    "YearEvent",
    "amount_field",
    "amount_in_range",
    "at_most",
    "evidence_path",
    "evidence_storage",
    "person_field",
    "refuse_to_reword_closed_reports",
    "validate_phrase",
    "year_closing",
    "year_opened",
    "year_review",
]
