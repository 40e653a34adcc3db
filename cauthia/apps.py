from django.contrib.admin.apps import AdminConfig


class CommitteeAdminConfig(AdminConfig):
    """django.contrib.admin with the committee's admin site (cauthia.admin)."""

    default_site = "cauthia.admin.CommitteeAdminSite"
