from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CellsConfig(AppConfig):
    name = "cells"
    verbose_name = _("Party cells")

    def ready(self):
        from targets.document import register_annex
        from targets.models import year_closing, year_opened, year_review
        from targets.panels import register_panel
        from targets.xlsx import register_sheet

        from .closing import cells_warnings
        from .models import freeze_cell_names, open_cell_years
        from .roles import sync_roles
        from .sheets import add_cells_sheet, ratings_annex
        from .views import shares_panel

        post_migrate.connect(sync_roles, sender=self)
        year_closing.connect(freeze_cell_names)
        # A year set up has its cells' years from its first day, secretaries and members carried.
        year_opened.connect(open_cell_years)
        # The review before closing names the cells' unfinished ratings and reports.
        year_review.connect(cells_warnings)
        # The year-end workbook gets the cells' sheet without targets importing cells.
        register_sheet(add_cells_sheet)
        register_annex(ratings_annex)
        register_panel(shares_panel)
