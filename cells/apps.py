from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CellsConfig(AppConfig):
    name = "cells"
    verbose_name = _("Party cells")

    def ready(self):
        from .roles import sync_roles

        post_migrate.connect(sync_roles, sender=self)
