from django.contrib import admin

from .models import Cell


@admin.register(Cell)
class CellAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]
