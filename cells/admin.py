from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from committees.admin import CommitteeScoped
from core.admin import ModelAdmin, ReadOnlyAdmin
from targets.admin import OfOpenYearAdmin, RecordedAdmin, person_column
from targets.stages import STAGE_FIELDS

from .models import LEVEL_FIELDS, Cell, CellSecretary, CellYear, RatingStep, Share, Task, TaskNote


@admin.register(Cell)
class CellAdmin(CommitteeScoped, ModelAdmin):
    committee_path = "committee"
    list_display = ["number", "name", "is_active", "illustrative"]
    list_filter = ["is_active", "illustrative"]
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CellSecretary)
class CellSecretaryAdmin(CommitteeScoped, ModelAdmin):
    committee_path = "cell__committee"
    list_display = ["user_name", "cell"]
    list_select_related = ["user", "cell"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "cell__name"]
    user_name = person_column("user", _("user"))
    autocomplete_fields = ["cell"]


@admin.register(CellYear)
class CellYearAdmin(CommitteeScoped, RecordedAdmin, OfOpenYearAdmin):
    committee_path = "year__committee"
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
class TaskAdmin(CommitteeScoped, RecordedAdmin, OfOpenYearAdmin):
    committee_path = "year__committee"
    list_display = ["cell", "year", "target", "responsible", "due_date", "status"]
    list_filter = ["year", "status", "cell", "target__area"]
    list_select_related = ["cell", "year", "target"]
    search_fields = ["description", "responsible", "target__name", "cell__name"]
    date_hierarchy = "due_date"


@admin.register(Share)
class ShareAdmin(CommitteeScoped, ReadOnlyAdmin):
    committee_path = "year__committee"
    list_display = ["figure", "cell", "plan", *STAGE_FIELDS, "version"]
    list_filter = ["year", "cell"]
    list_select_related = ["figure__target", "figure__year", "cell"]


@admin.register(TaskNote)
class TaskNoteAdmin(CommitteeScoped, ReadOnlyAdmin):
    committee_path = "year__committee"
    list_display = ["task", "written_by_name", "written_at"]
    list_filter = ["year"]
    list_select_related = ["task__cell", "written_by"]
    written_by_name = person_column("written_by", _("written by"))


@admin.register(RatingStep)
class RatingStepAdmin(CommitteeScoped, ReadOnlyAdmin):
    committee_path = "year__committee"
    list_display = ["cell_year", "step", "rating", "by_name", "at"]
    list_filter = ["year", "step"]
    list_select_related = ["cell_year__cell", "cell_year__year", "by"]
    by_name = person_column("by", _("by"))
