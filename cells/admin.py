from django.contrib import admin

from cauthia.admin import ModelAdmin
from targets.admin import OfOpenYearAdmin, RecordedAdmin

from .models import LEVEL_FIELDS, Cell, CellSecretary, CellYear, Task


@admin.register(Cell)
class CellAdmin(ModelAdmin):
    list_display = ["number", "name", "is_active", "illustrative"]
    list_filter = ["is_active", "illustrative"]
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CellSecretary)
class CellSecretaryAdmin(ModelAdmin):
    list_display = ["user", "cell"]
    list_select_related = ["user", "cell"]
    search_fields = ["user__username", "user__first_name", "cell__name"]
    autocomplete_fields = ["cell"]


@admin.register(CellYear)
class CellYearAdmin(RecordedAdmin, OfOpenYearAdmin):
    list_display = [
        "cell",
        "year",
        "secretary_name",
        "members",
        "rating",
        *LEVEL_FIELDS.values(),
        "illustrative",
    ]
    list_filter = ["year", "rating", "illustrative"]
    list_select_related = ["cell", "year"]
    search_fields = ["cell__name", "secretary_name"]
    readonly_fields = ["cell_name"]


@admin.register(Task)
class TaskAdmin(RecordedAdmin, OfOpenYearAdmin):
    list_display = ["cell", "year", "target", "responsible", "due_date", "status"]
    list_filter = ["year", "status", "cell", "target__area"]
    list_select_related = ["cell", "year", "target"]
    search_fields = ["description", "responsible", "target__name", "cell__name"]
    date_hierarchy = "due_date"
