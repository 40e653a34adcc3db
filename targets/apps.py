from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "targets"
    verbose_name = _("Targets")

    def ready(self):
        from core.passwords import register_ward_names

        from .models import Year, year_closing
        from .report import keep_what_the_report_reads

        # The committees' and the place's names are no password, whatever a year calls them.
        register_ward_names(Year.objects.names)
        # Before the cells freeze theirs (connected in their app's ready, which runs later).
        year_closing.connect(keep_what_the_report_reads)
