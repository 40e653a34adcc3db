from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class CoreConfig(AppConfig):
    name = "core"

    def ready(self):
        from . import lookups  # noqa: F401  (registers the integer columns' "in")


class CommitteeAdminConfig(AdminConfig):
    """django.contrib.admin with the committee's admin site (core.admin)."""

    default_site = "core.admin.CommitteeAdminSite"
